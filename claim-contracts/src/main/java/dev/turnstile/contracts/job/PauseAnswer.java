package dev.turnstile.contracts.job;

/** What a pause can be answered with. */
public sealed interface PauseAnswer extends JobAnswer permits QueuePaused, JobRequestRefused {}
