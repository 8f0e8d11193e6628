package dev.turnstile.contracts.job;

/** What an enqueue can be answered with. */
public sealed interface EnqueueAnswer extends JobAnswer permits JobEnqueued, JobAlreadyEnqueued, JobRequestRefused {}
