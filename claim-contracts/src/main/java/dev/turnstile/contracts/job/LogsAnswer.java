package dev.turnstile.contracts.job;

/** What a logs request can be answered with. */
public sealed interface LogsAnswer extends JobAnswer permits JobLogsAppended, JobRequestRefused {}
