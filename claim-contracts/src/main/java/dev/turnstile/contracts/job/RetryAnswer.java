package dev.turnstile.contracts.job;

/** What a retry can be answered with. */
public sealed interface RetryAnswer extends JobAnswer permits JobRetried, JobRequestRefused {}
