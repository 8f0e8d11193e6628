package dev.turnstile.contracts.job;

/** What a cancel can be answered with. */
public sealed interface CancelAnswer extends JobAnswer permits JobCancelled, JobRequestRefused {}
