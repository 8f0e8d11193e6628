package dev.turnstile.contracts.job;

/** What a heartbeat can be answered with. */
public sealed interface HeartbeatAnswer extends JobAnswer permits JobHeartbeatReceived, JobRequestRefused {}
