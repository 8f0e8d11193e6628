package dev.turnstile.gateway.jobs;

import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobEventType;
import dev.turnstile.contracts.job.JobRequestKind;
import dev.turnstile.contracts.job.JobRequestRefused;
import dev.turnstile.contracts.job.NoJobAvailable;
import dev.turnstile.gateway.answers.PendingAnswers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;

/**
 * What the gateway counts of job requests: answers by request and result, rejections (no answer) by reason, and the
 * round trip of each request kind.
 */
final class JobMetrics {

    /**
     * Why a job request got no answer. Expected: invalid, unsupported media type, overloaded, timeout, unavailable (Kafka
     * or the job topics), a request id in use. Unexpected: the rest.
     */
    enum Rejection {
        INVALID,
        UNSUPPORTED_MEDIA_TYPE,
        OVERLOADED,
        TIMEOUT,
        UNAVAILABLE,
        DISK_LOW,
        REQUEST_ID_CONFLICT,
        UNEXPECTED
    }

    private final MeterRegistry registry;

    JobMetrics(MeterRegistry registry, PendingAnswers<JobEvent> pending) {
        this.registry = registry;
        registry.gauge("turnstile.jobs.pending", pending, PendingAnswers::size);
    }

    /** A request answered: its kind, and the answer's type or refusal reason ({@code no_job:<reason>} for none). */
    void answered(JobRequestKind request, JobEvent answer, long startNanos) {
        var result = answer instanceof JobRequestRefused refused
                ? refused.reason().wireName()
                : answer instanceof NoJobAvailable none
                        ? "no_job:" + none.reason().wireName()
                        : JobEventType.of(answer).wireName();
        Timer.builder("turnstile.jobs.latency")
                .description("Time from a valid job request to its answer (claim-next includes its wait)")
                .tag("request", request.wireName())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(40))
                .register(registry)
                .record(Duration.ofNanos(System.nanoTime() - startNanos));
        Counter.builder("turnstile.jobs.requests")
                .description("Job requests answered, by request and result")
                .tag("request", request.wireName())
                .tag("result", result)
                .register(registry)
                .increment();
    }

    void rejected(Rejection reason) {
        Counter.builder("turnstile.jobs.rejected")
                .description("Job requests answered without a decision, by reason")
                .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                .register(registry)
                .increment();
    }
}
