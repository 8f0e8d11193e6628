package dev.turnstile.gateway.jobs;

import dev.turnstile.contracts.http.ClaimNextBody;
import dev.turnstile.contracts.http.ClaimedJobReply;
import dev.turnstile.contracts.http.ProblemType;
import dev.turnstile.contracts.http.WorkerReply;
import dev.turnstile.contracts.http.WorkerReportBody;
import dev.turnstile.contracts.job.AppendJobLogs;
import dev.turnstile.contracts.job.ArtifactAnswer;
import dev.turnstile.contracts.job.AttachJobArtifact;
import dev.turnstile.contracts.job.ClaimNextAnswer;
import dev.turnstile.contracts.job.CompleteAnswer;
import dev.turnstile.contracts.job.CompleteJob;
import dev.turnstile.contracts.job.FailAnswer;
import dev.turnstile.contracts.job.FailJob;
import dev.turnstile.contracts.job.HeartbeatAnswer;
import dev.turnstile.contracts.job.HeartbeatJob;
import dev.turnstile.contracts.job.JobArtifactAttached;
import dev.turnstile.contracts.job.JobClaimed;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobFailed;
import dev.turnstile.contracts.job.JobHeartbeatReceived;
import dev.turnstile.contracts.job.JobLogsAppended;
import dev.turnstile.contracts.job.JobRef;
import dev.turnstile.contracts.job.JobRefusalReason;
import dev.turnstile.contracts.job.JobRequestKind;
import dev.turnstile.contracts.job.JobRequestRefused;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.contracts.job.JobSucceeded;
import dev.turnstile.contracts.job.LogsAnswer;
import dev.turnstile.contracts.job.NoJobAvailable;
import dev.turnstile.contracts.job.NoJobReason;
import dev.turnstile.contracts.job.WorkerCommand;
import dev.turnstile.gateway.api.ApiContract;
import dev.turnstile.gateway.jobs.JobMetrics.Rejection;
import dev.turnstile.gateway.security.AgentApi;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What workers ask: {@code POST /api/queues/{queue}/claim-next} (200 with a job, 204 when none came within
 * {@code waitSeconds}), and for the job they run, proving it with its fencing token, {@code POST
 * /api/jobs/{jobId}/heartbeat}, {@code …/complete}, {@code …/fail}, {@code …/logs} and {@code …/artifacts} (200 when
 * done; 409 with a machine-readable {@code reason} when refused: stop working on the job).
 */
@RestController
@AgentApi
class WorkerController {

    /** Says why a claim-next got no job (204 has no body). */
    static final String NO_JOB_HEADER = "Turnstile-No-Job";

    private final JobRequestParser parser = new JobRequestParser();
    private final JobRequests requests;

    WorkerController(JobRequests requests) {
        this.requests = requests;
    }

    @ApiContract(
            summary = "Hands the next job of the queue to this worker",
            body = ClaimNextBody.class,
            answers = {
                @ApiContract.Answer(status = 200, body = ClaimedJobReply.class, description = "A job to run"),
                @ApiContract.Answer(status = 204, description = "No job within waitSeconds; see Turnstile-No-Job")
            })
    @PostMapping("/api/queues/{queue}/claim-next")
    ResponseEntity<?> claimNext(@PathVariable("queue") String queue, HttpServletRequest request) throws IOException {
        return requests.handle(
                request,
                JobRequestKind.CLAIM_NEXT,
                body -> parser.claimNext(queue, body),
                command -> "claim-next on queue " + queue + " by " + command.workerId(),
                WorkerController::claimed);
    }

    @ApiContract(
            summary = "Heartbeats the job: its lease runs on",
            body = WorkerReportBody.class,
            answers = {
                @ApiContract.Answer(status = 200, body = WorkerReply.class, description = "Done"),
                @ApiContract.Answer(status = 404, body = WorkerReply.class, description = "No such job"),
                @ApiContract.Answer(status = 409, body = WorkerReply.class, description = "Refused; stop working")
            })
    @PostMapping("/api/jobs/{jobId}/heartbeat")
    ResponseEntity<?> heartbeat(@PathVariable("jobId") String id, HttpServletRequest request) throws IOException {
        return requests.<HeartbeatAnswer, HeartbeatJob>handle(
                request,
                JobRequestKind.HEARTBEAT,
                body -> parser.heartbeat(id, body),
                WorkerController::describe,
                WorkerController::heartbeat);
    }

    @ApiContract(
            summary = "Reports that the job succeeded",
            body = WorkerReportBody.class,
            answers = {
                @ApiContract.Answer(status = 200, body = WorkerReply.class, description = "Done"),
                @ApiContract.Answer(status = 404, body = WorkerReply.class, description = "No such job"),
                @ApiContract.Answer(status = 409, body = WorkerReply.class, description = "Refused; stop working")
            })
    @PostMapping("/api/jobs/{jobId}/complete")
    ResponseEntity<?> complete(@PathVariable("jobId") String id, HttpServletRequest request) throws IOException {
        return requests.<CompleteAnswer, CompleteJob>handle(
                request,
                JobRequestKind.COMPLETE,
                body -> parser.complete(id, body),
                WorkerController::describe,
                WorkerController::completed);
    }

    @ApiContract(
            summary = "Reports that the attempt failed",
            body = WorkerReportBody.class,
            answers = {
                @ApiContract.Answer(status = 200, body = WorkerReply.class, description = "Done"),
                @ApiContract.Answer(status = 404, body = WorkerReply.class, description = "No such job"),
                @ApiContract.Answer(status = 409, body = WorkerReply.class, description = "Refused; stop working")
            })
    @PostMapping("/api/jobs/{jobId}/fail")
    ResponseEntity<?> fail(@PathVariable("jobId") String id, HttpServletRequest request) throws IOException {
        return requests.<FailAnswer, FailJob>handle(
                request,
                JobRequestKind.FAIL,
                body -> parser.fail(id, body),
                WorkerController::describe,
                WorkerController::failed);
    }

    @ApiContract(
            summary = "Adds lines to the job's log",
            body = WorkerReportBody.class,
            answers = {
                @ApiContract.Answer(status = 200, body = WorkerReply.class, description = "Done"),
                @ApiContract.Answer(status = 404, body = WorkerReply.class, description = "No such job"),
                @ApiContract.Answer(status = 409, body = WorkerReply.class, description = "Refused; stop working")
            })
    @PostMapping("/api/jobs/{jobId}/logs")
    ResponseEntity<?> logs(@PathVariable("jobId") String id, HttpServletRequest request) throws IOException {
        return requests.<LogsAnswer, AppendJobLogs>handle(
                request,
                JobRequestKind.LOGS,
                body -> parser.logs(id, body),
                WorkerController::describe,
                WorkerController::logged);
    }

    @ApiContract(
            summary = "Records an artifact of the job",
            body = WorkerReportBody.class,
            answers = {
                @ApiContract.Answer(status = 200, body = WorkerReply.class, description = "Done"),
                @ApiContract.Answer(status = 404, body = WorkerReply.class, description = "No such job"),
                @ApiContract.Answer(status = 409, body = WorkerReply.class, description = "Refused; stop working")
            })
    @PostMapping("/api/jobs/{jobId}/artifacts")
    ResponseEntity<?> artifacts(@PathVariable("jobId") String id, HttpServletRequest request) throws IOException {
        return requests.<ArtifactAnswer, AttachJobArtifact>handle(
                request,
                JobRequestKind.ARTIFACT,
                body -> parser.artifact(id, body),
                WorkerController::describe,
                WorkerController::attached);
    }

    private static ResponseEntity<?> claimed(ClaimNextAnswer answer, JobReplies replies) {
        return switch (answer) {
            case JobClaimed e ->
                ResponseEntity.ok(new ClaimedJobReply(
                        "Run " + ref(e.queue(), e.jobId()) + " (attempt " + e.attempt() + " of " + e.maxAttempts()
                                + ", fencing token " + e.fencingToken() + "); heartbeat before " + e.leaseExpiresAt(),
                        ref(e.queue(), e.jobId()),
                        e.queue(),
                        e.jobId(),
                        e.name(),
                        e.payload(),
                        e.attempt(),
                        e.maxAttempts(),
                        e.fencingToken(),
                        e.leaseSeconds(),
                        e.leaseExpiresAt(),
                        e.priority(),
                        e.workerId(),
                        e.requestId(),
                        e.eventId(),
                        e.redelivery()));
            case NoJobAvailable e ->
                e.reason() == NoJobReason.TOO_MANY_WAITERS
                        ? replies.unavailable(
                                Rejection.OVERLOADED,
                                ProblemType.TOO_MANY_WAITERS,
                                "Too many claim-next requests"
                                        + " already wait on queue " + e.queue()
                                        + "; ask again shortly (with a new requestId, or"
                                        + " none)",
                                e.requestId())
                        : ResponseEntity.noContent()
                                .header(NO_JOB_HEADER, e.reason().wireName())
                                .build();
            // A claim-next is refused only for reusing another request's id.
            case JobRequestRefused e -> replies.requestIdReused(e.requestId(), e.queue());
        };
    }

    private static ResponseEntity<?> heartbeat(HeartbeatAnswer answer, JobReplies replies) {
        return switch (answer) {
            case JobHeartbeatReceived e ->
                ok(
                        e,
                        e.jobId(),
                        "heartbeat",
                        "Lease of " + ref(e.queue(), e.jobId()) + " extended until " + e.leaseExpiresAt(),
                        e.workerId(),
                        e.attempt(),
                        e.fencingToken(),
                        JobState.ACTIVE,
                        e.leaseExpiresAt(),
                        null,
                        e.progress());
            case JobRequestRefused e -> refused(e, replies);
        };
    }

    private static ResponseEntity<?> completed(CompleteAnswer answer, JobReplies replies) {
        return switch (answer) {
            case JobSucceeded e ->
                ok(
                        e,
                        e.jobId(),
                        "succeeded",
                        "Recorded that " + ref(e.queue(), e.jobId()) + " succeeded (attempt " + e.attempt() + ")",
                        e.workerId(),
                        e.attempt(),
                        e.fencingToken(),
                        JobState.SUCCEEDED,
                        null,
                        null,
                        null);
            case JobRequestRefused e -> refused(e, replies);
        };
    }

    private static ResponseEntity<?> failed(FailAnswer answer, JobReplies replies) {
        return switch (answer) {
            case JobFailed e ->
                ok(
                        e,
                        e.jobId(),
                        "failed",
                        "Recorded that attempt " + e.attempt() + " of " + ref(e.queue(), e.jobId()) + " failed; "
                                + (e.state() == JobState.DEAD ? "the job is dead" : "it is retried at " + e.retryAt()),
                        e.workerId(),
                        e.attempt(),
                        e.fencingToken(),
                        e.state(),
                        null,
                        e.retryAt(),
                        null);
            case JobRequestRefused e -> refused(e, replies);
        };
    }

    private static ResponseEntity<?> logged(LogsAnswer answer, JobReplies replies) {
        return switch (answer) {
            case JobLogsAppended e ->
                ok(
                        e,
                        e.jobId(),
                        "logged",
                        "Added " + e.lines().size() + " lines to the log of " + ref(e.queue(), e.jobId()),
                        e.workerId(),
                        e.attempt(),
                        e.fencingToken(),
                        JobState.ACTIVE,
                        null,
                        null,
                        null);
            case JobRequestRefused e -> refused(e, replies);
        };
    }

    private static ResponseEntity<?> attached(ArtifactAnswer answer, JobReplies replies) {
        return switch (answer) {
            case JobArtifactAttached e ->
                ok(
                        e,
                        e.jobId(),
                        "attached",
                        "Recorded artifact " + e.name() + " of " + ref(e.queue(), e.jobId()),
                        e.workerId(),
                        e.attempt(),
                        e.fencingToken(),
                        JobState.ACTIVE,
                        null,
                        null,
                        null);
            case JobRequestRefused e -> refused(e, replies);
        };
    }

    private static ResponseEntity<?> ok(
            JobEvent e,
            String jobId,
            String result,
            String message,
            String workerId,
            int attempt,
            long token,
            JobState state,
            Instant leaseExpiresAt,
            Instant retryAt,
            Integer progress) {
        var ref = new JobRef(e.queue(), jobId);
        return ResponseEntity.ok(new WorkerReply(
                true,
                result,
                null,
                message,
                ref.toString(),
                ref.queue(),
                ref.jobId(),
                workerId,
                attempt,
                token,
                null,
                state,
                leaseExpiresAt,
                retryAt,
                progress,
                e.requestId(),
                e.eventId(),
                e.redelivery()));
    }

    /** 409 with the reason (404 for an unknown job); a reused request id gets the shared 409 of the claim API. */
    private static ResponseEntity<?> refused(JobRequestRefused e, JobReplies replies) {
        if (e.reason() == JobRefusalReason.REQUEST_ID_REUSED) {
            return replies.requestIdReused(e.requestId(), e.queue());
        }
        var ref = new JobRef(e.queue(), e.jobId());
        return ResponseEntity.status(
                        e.reason() == JobRefusalReason.UNKNOWN_JOB ? HttpStatus.NOT_FOUND : HttpStatus.CONFLICT)
                .body(new WorkerReply(
                        false,
                        "refused",
                        e.reason().wireName(),
                        refusalMessage(e, ref),
                        ref.toString(),
                        e.queue(),
                        e.jobId(),
                        e.workerId(),
                        null,
                        e.fencingToken(),
                        e.currentFencingToken(),
                        e.state(),
                        e.leaseExpiresAt(),
                        null,
                        null,
                        e.requestId(),
                        e.eventId(),
                        e.redelivery()));
    }

    /** What the refusal means for the worker, in one sentence. */
    static String refusalMessage(JobRequestRefused e, JobRef ref) {
        var token = e.fencingToken();
        return switch (e.reason()) {
            case UNKNOWN_JOB -> "Queue " + e.queue() + " holds no job " + e.jobId() + " (never enqueued, or deleted)";
            case STALE_TOKEN ->
                "Fencing token " + token + " of " + ref + " is stale: attempt with token " + e.currentFencingToken()
                        + " started since. Stop working on it";
            case NOT_HOLDER ->
                "Fencing token " + token + " of " + ref + " was granted to another worker, not " + e.workerId();
            case LEASE_EXPIRED ->
                "The lease of " + ref + " with token " + token + " ran out"
                        + (e.leaseExpiresAt() == null ? "" : " at " + e.leaseExpiresAt())
                        + ": that attempt failed (lease_expired). Stop working on it";
            case CANCELLED -> "An operator cancelled " + ref + ": stop working on it";
            case ALREADY_COMPLETED -> "Attempt with token " + token + " of " + ref + " already reported success";
            case ALREADY_FAILED -> "Attempt with token " + token + " of " + ref + " already reported failure";
            case REQUEST_ID_REUSED ->
                "Request id " + e.requestId() + " already names a different request on queue " + e.queue();
            case JOB_ACTIVE, JOB_FINISHED, NOT_RETRYABLE, DEDUP_KEY_TAKEN, ALREADY_PAUSED, NOT_PAUSED ->
                "Refused: " + e.reason().wireName();
        };
    }

    private static String describe(WorkerCommand<?> command) {
        return command.kind().wireName() + " of " + new JobRef(command.queue(), command.jobId()) + " by "
                + command.workerId() + " with token " + command.fencingToken();
    }

    private static String ref(String queue, String jobId) {
        return new JobRef(queue, jobId).toString();
    }
}
