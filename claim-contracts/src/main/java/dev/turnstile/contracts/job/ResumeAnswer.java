package dev.turnstile.contracts.job;

/** What a resume can be answered with. */
public sealed interface ResumeAnswer extends JobAnswer permits QueueResumed, JobRequestRefused {}
