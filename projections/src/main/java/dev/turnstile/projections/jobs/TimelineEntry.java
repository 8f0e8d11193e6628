package dev.turnstile.projections.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.turnstile.contracts.job.JobState;
import java.time.Instant;

/**
 * One step in a job's history: an event that moved it (or was refused about it), in words.
 *
 * @param eventId the event, {@code <queue>#<sequence>}
 * @param sequence the event's position in the queue's log
 * @param type the event's type on {@code job-events}, e.g. {@code JobClaimed}
 * @param at when it was decided
 * @param state where the job stood after it
 * @param attempt the attempt it concerns; 0 when none
 * @param workerId the worker it concerns, if any
 * @param description what happened, for people
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TimelineEntry(
        String eventId,
        long sequence,
        String type,
        Instant at,
        JobState state,
        int attempt,
        String workerId,
        String description) {}
