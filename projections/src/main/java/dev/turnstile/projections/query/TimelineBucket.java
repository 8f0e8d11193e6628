package dev.turnstile.projections.query;

import java.time.Instant;

/**
 * Activity in one time bucket of a {@link ActivityQueries#timeline timeline}.
 *
 * @param start start of the bucket (inclusive); the bucket ends where the next starts
 * @param attempts attempts made in the bucket
 * @param blocked of which denied
 */
public record TimelineBucket(Instant start, long attempts, long blocked) {}
