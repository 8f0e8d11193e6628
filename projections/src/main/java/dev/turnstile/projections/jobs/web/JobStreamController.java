package dev.turnstile.projections.jobs.web;

import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.contracts.job.JobEventHeader;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/queues/{queue}/events} and {@code GET /api/jobs/{jobId}/events}: job events as Server-Sent Events,
 * live, resumable with {@code Last-Event-ID} (an event id, {@code <queue>#<sequence>}). For signed-in users.
 */
@RestController
class JobStreamController {

    private final JobEventStreams streams;

    JobStreamController(JobEventStreams streams) {
        this.streams = streams;
    }

    @GetMapping("/api/queues/{queue}/events")
    ResponseEntity<?> queueEvents(
            @PathVariable("queue") String queue,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            @RequestParam(name = "lastEventId", required = false) String lastEventIdParameter) {
        var violations = new ArrayList<FieldViolation>(JobPaths.checkQueue(queue));
        return open(queue, null, lastEventId != null ? lastEventId : lastEventIdParameter, violations);
    }

    @GetMapping("/api/jobs/{jobId}/events")
    ResponseEntity<?> jobEvents(
            @PathVariable("jobId") String id,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            @RequestParam(name = "lastEventId", required = false) String lastEventIdParameter) {
        var ref = JobPaths.job(id);
        var violations = new ArrayList<FieldViolation>(ref.violations());
        return open(
                ref.isValid() ? ref.ref().queue() : null,
                ref.isValid() ? ref.ref().jobId() : null,
                lastEventId != null ? lastEventId : lastEventIdParameter,
                violations);
    }

    private ResponseEntity<?> open(String queue, String jobId, String lastEventId, List<FieldViolation> violations) {
        Long after = null;
        if (queue != null && lastEventId != null && !lastEventId.isBlank()) {
            after = sequenceOf(queue, lastEventId.strip(), violations);
        }
        if (!violations.isEmpty()) {
            return json(ApiError.badRequest(violations));
        }
        return switch (streams.open(queue, jobId, after)) {
            case JobEventStreams.Opened opened ->
                ResponseEntity.ok()
                        .header(HttpHeaders.CACHE_CONTROL, "no-store")
                        // Proxies such as nginx buffer responses unless told otherwise; events must flow at once.
                        .header("X-Accel-Buffering", "no")
                        .contentType(MediaType.TEXT_EVENT_STREAM)
                        .body(opened.emitter());
            case JobEventStreams.TooMany tooMany ->
                json(ApiError.unavailable(
                        "too_many_streams",
                        tooMany.openNow()
                                + " live streams are open, the most this application serves (turnstile.projections.jobs"
                                + ".max-streams); retry shortly, or read GET /api/queues instead",
                        null));
        };
    }

    /** The sequence in {@code <queue>#<sequence>}, for this queue. */
    private static Long sequenceOf(String queue, String eventId, List<FieldViolation> violations) {
        var prefix = JobEventHeader.eventId(queue, 0);
        prefix = prefix.substring(0, prefix.length() - 1);
        if (eventId.startsWith(prefix)) {
            try {
                long sequence = Long.parseLong(eventId.substring(prefix.length()));
                if (sequence >= 0) {
                    return sequence;
                }
            } catch (NumberFormatException e) {
                // Reported below.
            }
        }
        violations.add(new FieldViolation(
                "Last-Event-ID",
                "format",
                "Last-Event-ID must be the id of an event of"
                        + " this stream, " + prefix + "<sequence> (e.g. " + prefix + "42); got \""
                        + (eventId.length() > 60 ? eventId.substring(0, 60) + "…" : eventId) + "\""));
        return null;
    }

    /** Errors of a stream request are JSON whatever the client accepts (an EventSource accepts only events). */
    private static ResponseEntity<?> json(ResponseEntity<ApiError> answer) {
        return ResponseEntity.status(answer.getStatusCode())
                .headers(answer.getHeaders())
                .contentType(MediaType.APPLICATION_JSON)
                .body(answer.getBody());
    }
}
