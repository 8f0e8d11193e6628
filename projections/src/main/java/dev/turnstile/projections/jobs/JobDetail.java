package dev.turnstile.projections.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.turnstile.contracts.job.Backoff;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * Everything the read model holds about one job.
 *
 * @param summary where it stands
 * @param payload what the worker needs; null for none
 * @param backoff the wait after a failed attempt
 * @param leaseSeconds how long an attempt holds it without a heartbeat
 * @param fencingToken the token of the current or last attempt, 0 before the first
 * @param progressMessage what its worker last said it was doing in this attempt
 * @param lastHeartbeatAt when its worker last heartbeated (or claimed it)
 * @param result what it produced (succeeded jobs); null for nothing
 * @param lastError what went wrong in the last failed attempt
 * @param lastFailure how the last failed attempt failed: {@code worker_failed} or {@code lease_expired}
 * @param cancelledBy who cancelled it, when an operator did and said who
 * @param timeline its history, oldest first, within the bound
 * @param logs the lines its workers logged, within the bound
 * @param artifacts the artifacts its workers recorded, within the bound
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobDetail(
        @JsonUnwrapped JobSummary summary,
        JsonNode payload,
        Backoff backoff,
        int leaseSeconds,
        long fencingToken,
        String progressMessage,
        Instant lastHeartbeatAt,
        JsonNode result,
        String lastError,
        String lastFailure,
        String cancelledBy,
        Bounded<TimelineEntry> timeline,
        Bounded<LogLine> logs,
        Bounded<Artifact> artifacts) {}
