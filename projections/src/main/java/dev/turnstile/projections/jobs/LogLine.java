package dev.turnstile.projections.jobs;

import java.time.Instant;

/**
 * A line a worker logged.
 *
 * @param number its place among all lines of the job, from 1 (lines dropped for the bound keep their numbers)
 * @param attempt the attempt that logged it
 * @param at when it was recorded
 * @param text the line
 */
public record LogLine(long number, int attempt, Instant at, String text) {}
