package dev.turnstile.contracts.job;

/** What a completion can be answered with. */
public sealed interface CompleteAnswer extends JobAnswer permits JobSucceeded, JobRequestRefused {}
