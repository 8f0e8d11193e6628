package dev.turnstile.contracts.job;

/** What a claim-next can be answered with. */
public sealed interface ClaimNextAnswer extends JobAnswer permits JobClaimed, NoJobAvailable, JobRequestRefused {}
