package dev.turnstile.contracts.job;

/** What a delete can be answered with. */
public sealed interface DeleteAnswer extends JobAnswer permits JobDeleted, JobRequestRefused {}
