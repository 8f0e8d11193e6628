package dev.turnstile.gateway.claim;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.gateway.answers.PendingAnswers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * What the gateway counts: decisions by outcome, holder requests by result, rejections by reason, and the claim
 * round-trip latency.
 */
final class ClaimMetrics {

    /**
     * Why a request got no decision: expected ones (invalid, unsupported media type, a body that never arrived,
     * timeout, overloaded, unavailable, disk low, reused request id) and unexpected.
     */
    enum Rejection {
        INVALID,
        UNSUPPORTED_MEDIA_TYPE,
        INCOMPLETE_BODY,
        OVERLOADED,
        DISK_LOW,
        TIMEOUT,
        UNAVAILABLE,
        /** The request id names a different request (another agent, mode or settings). */
        REQUEST_ID_CONFLICT,
        UNEXPECTED
    }

    private final MeterRegistry registry;
    private final Timer latency;

    ClaimMetrics(MeterRegistry registry, PendingAnswers<ClaimEvent> pending) {
        this.registry = registry;
        this.latency = Timer.builder("turnstile.claim.latency")
                .description("Time from a valid claim request to its decision")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        registry.gauge("turnstile.claims.pending", pending, PendingAnswers::size);
    }

    void decided(ClaimEvent decision, long startNanos) {
        latency.record(Duration.ofNanos(System.nanoTime() - startNanos));
        Counter.builder("turnstile.claims")
                .description("Claims answered, by result")
                .tag("result", decision.wasGranted() ? "granted" : "denied")
                .tag("redelivery", Boolean.toString(decision.redelivery()))
                .register(registry)
                .increment();
    }

    void holderAnswered(dev.turnstile.contracts.claim.HolderRequest request, ClaimEvent decision) {
        Counter.builder("turnstile.holder.requests")
                .description("Renewals, releases and completions answered, by request and result")
                .tag("request", request.wireName())
                .tag(
                        "result",
                        decision instanceof dev.turnstile.contracts.claim.RequestRefused refused
                                ? refused.reason().wireName()
                                : "accepted")
                .register(registry)
                .increment();
    }

    void rejected(Rejection reason) {
        Counter.builder("turnstile.claims.rejected")
                .description("Claims answered without a decision, by reason")
                .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
                .register(registry)
                .increment();
    }
}
