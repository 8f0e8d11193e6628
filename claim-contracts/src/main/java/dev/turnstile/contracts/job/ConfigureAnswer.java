package dev.turnstile.contracts.job;

/** What a configure request can be answered with. */
public sealed interface ConfigureAnswer extends JobAnswer permits QueueConfigured, JobRequestRefused {}
