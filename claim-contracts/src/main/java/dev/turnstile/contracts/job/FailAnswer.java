package dev.turnstile.contracts.job;

/** What a failure report can be answered with. */
public sealed interface FailAnswer extends JobAnswer permits JobFailed, JobRequestRefused {}
