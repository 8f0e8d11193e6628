package dev.turnstile.gateway.jobs;

import dev.turnstile.contracts.http.EnqueueBody;
import dev.turnstile.contracts.http.EnqueueReply;
import dev.turnstile.contracts.job.DedupMatch;
import dev.turnstile.contracts.job.EnqueueAnswer;
import dev.turnstile.contracts.job.JobAlreadyEnqueued;
import dev.turnstile.contracts.job.JobEnqueued;
import dev.turnstile.contracts.job.JobRef;
import dev.turnstile.contracts.job.JobRequestKind;
import dev.turnstile.contracts.job.JobRequestRefused;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.gateway.api.ApiContract;
import dev.turnstile.gateway.security.AgentApi;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/queues/{queue}/jobs}: add a job to a queue; 201 with the job, 200 with an existing one. */
@RestController
@AgentApi
class EnqueueController {

    private final JobRequestParser parser = new JobRequestParser();
    private final JobRequests requests;

    EnqueueController(JobRequests requests) {
        this.requests = requests;
    }

    @ApiContract(
            summary = "Adds a job to a queue",
            body = EnqueueBody.class,
            answers = {
                @ApiContract.Answer(status = 201, body = EnqueueReply.class, description = "Enqueued"),
                @ApiContract.Answer(status = 200, body = EnqueueReply.class, description = "Already in the queue")
            })
    @PostMapping("/api/queues/{queue}/jobs")
    ResponseEntity<?> enqueue(@PathVariable("queue") String queue, HttpServletRequest request) throws IOException {
        return requests.handle(
                request,
                JobRequestKind.ENQUEUE,
                body -> parser.enqueue(queue, body),
                command -> "enqueue of " + command.jobId() + " on queue " + queue,
                EnqueueController::answer);
    }

    private static ResponseEntity<?> answer(EnqueueAnswer answer, JobReplies replies) {
        return switch (answer) {
            case JobEnqueued e ->
                ResponseEntity.status(HttpStatus.CREATED)
                        .body(new EnqueueReply(
                                true,
                                "Enqueued " + ref(e.queue(), e.jobId())
                                        + (e.state() == JobState.DELAYED
                                                ? ": delayed until " + e.runAt()
                                                : ": waiting for a worker"),
                                ref(e.queue(), e.jobId()),
                                e.queue(),
                                e.jobId(),
                                e.state(),
                                e.name(),
                                e.payload(),
                                e.priority(),
                                e.runAt(),
                                e.maxAttempts(),
                                e.backoff(),
                                e.leaseSeconds(),
                                e.dedupKey(),
                                null,
                                null,
                                e.requestId(),
                                e.eventId(),
                                e.redelivery()));
            case JobAlreadyEnqueued e ->
                ResponseEntity.ok(new EnqueueReply(
                        false,
                        ref(e.queue(), e.jobId()) + " is already in the queue ("
                                + e.state().wireName()
                                + "), with the same " + (e.matchedBy() == DedupMatch.JOB_ID ? "job id" : "dedup key")
                                + ": nothing was added",
                        ref(e.queue(), e.jobId()),
                        e.queue(),
                        e.jobId(),
                        e.state(),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        e.matchedBy().name().toLowerCase(java.util.Locale.ROOT),
                        e.requestedJobId(),
                        e.requestId(),
                        e.eventId(),
                        e.redelivery()));
            // An enqueue is refused only for reusing another request's id.
            case JobRequestRefused e -> replies.requestIdReused(e.requestId(), e.queue());
        };
    }

    private static String ref(String queue, String jobId) {
        return new JobRef(queue, jobId).toString();
    }
}
