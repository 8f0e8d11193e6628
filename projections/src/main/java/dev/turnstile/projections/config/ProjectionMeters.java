package dev.turnstile.projections.config;

import dev.turnstile.projections.activity.ActivityProjection;
import dev.turnstile.projections.activity.DecisionRecord;
import dev.turnstile.projections.feed.TopicFeed;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/** The projection's counters as Micrometer meters ({@code turnstile.projections.*}). */
final class ProjectionMeters implements MeterBinder {

    private final ActivityProjection projection;
    private final TopicFeed<DecisionRecord> runner;

    /** @param runner the reader feeding the projection, or null when there is none */
    ProjectionMeters(ActivityProjection projection, TopicFeed<DecisionRecord> runner) {
        this.projection = projection;
        this.runner = runner;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(
                registry,
                "turnstile.projections.applied",
                projection,
                ActivityProjection::appliedCount,
                "New claim attempts applied to the activity read model");
        counter(
                registry,
                "turnstile.projections.repeated",
                projection,
                ActivityProjection::repeatedCount,
                "Decisions ignored because their decision id was applied before (redeliveries, replays)");
        counter(
                registry,
                "turnstile.projections.skipped",
                projection,
                ActivityProjection::skippedCount,
                "Records on the decisions topic that are not claim decisions (other event kinds, undecodable), skipped");
        counter(
                registry,
                "turnstile.projections.listener.errors",
                projection,
                ActivityProjection::listenerErrorCount,
                "Exceptions thrown by activity subscribers; the projection went on");
        Gauge.builder(
                        "turnstile.projections.ready",
                        projection,
                        p -> p.queries().ready() ? 1 : 0)
                .description("1 once the read model has caught up with the decisions topic as of start-up")
                .register(registry);
        if (runner != null) {
            Gauge.builder("turnstile.projections.lag", runner, TopicFeed::lag)
                    .description("Decisions on the topic not yet applied (-1 before the first poll)")
                    .register(registry);
            counter(
                    registry,
                    "turnstile.projections.errors",
                    runner,
                    TopicFeed::errorCount,
                    "Errors reading or applying decisions; each was retried");
        }
    }

    private static <T> void counter(
            MeterRegistry registry, String name, T source, ToDoubleFunction<T> count, String description) {
        FunctionCounter.builder(name, source, count).description(description).register(registry);
    }
}
