package dev.turnstile.gateway.jobs;

import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.contracts.job.JobAnswer;
import dev.turnstile.contracts.job.JobRequest;
import dev.turnstile.contracts.job.JobRequestKind;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.springframework.http.ResponseEntity;

/**
 * The one way a job endpoint answers: JSON only, the body limit, strict parsing (400, nothing written), then append and
 * wait for the answer on the request's own (virtual) thread, as the claim endpoints do. The controllers only say how
 * to parse their request and how to answer its answers.
 */
final class JobRequests {

    private final JobService service;
    private final JobMetrics metrics;
    private final JobReplies replies;

    JobRequests(JobService service, JobMetrics metrics, JobReplies replies) {
        this.service = service;
        this.metrics = metrics;
        this.replies = replies;
    }

    /**
     * @param kind what is asked, for the metrics
     * @param parse the body (and the path the caller closes over) to a request, or its violations
     * @param describe the request in words, for the log
     * @param answer the HTTP answer to each answer the request can get
     */
    <A extends JobAnswer, C extends JobRequest<A>> ResponseEntity<?> handle(
            HttpServletRequest http,
            JobRequestKind kind,
            Function<byte[], JobRequestParser.Parsed<C>> parse,
            Function<C, String> describe,
            BiFunction<A, JobReplies, ResponseEntity<?>> answer)
            throws IOException {
        var notJson = replies.unlessJson(http);
        if (notJson != null) {
            return notJson;
        }
        var body = replies.readBody(http);
        if (body == null) {
            return replies.tooLarge();
        }
        var parsed = parse.apply(body);
        if (!parsed.isValid()) {
            return replies.badRequest(parsed.violations());
        }
        C request;
        try {
            request = service.stamp(parsed.valid());
        } catch (IllegalArgumentException e) {
            // A rule the parser does not check itself: the event language's constructors have the last word.
            return replies.badRequest(List.of(new FieldViolation("body", "rule", e.getMessage())));
        }
        long start = System.nanoTime();
        return switch (service.submit(request)) {
            case JobService.Submitted<A> submitted ->
                submitted
                        .answer()
                        .<ResponseEntity<?>>handle((event, error) -> {
                            if (error != null) {
                                return replies.failed(describe.apply(request), submitted.requestId(), error);
                            }
                            metrics.answered(kind, event, start);
                            return answer.apply(event, replies);
                        })
                        .join();
            case JobService.Overloaded<A> overloaded ->
                replies.overloaded(overloaded.requestId(), overloaded.waitingNow());
            case JobService.RequestIdInUse<A> inUse -> replies.requestIdReused(inUse.requestId(), inUse.queue());
            case JobService.NotListening<A> notListening -> replies.notListening(notListening.requestId());
            case JobService.DiskLow<A> diskLow -> replies.diskLow(diskLow.requestId(), diskLow.problem());
        };
    }
}
