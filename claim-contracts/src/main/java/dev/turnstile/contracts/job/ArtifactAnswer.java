package dev.turnstile.contracts.job;

/** What an artifact request can be answered with. */
public sealed interface ArtifactAnswer extends JobAnswer permits JobArtifactAttached, JobRequestRefused {}
