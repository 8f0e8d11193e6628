package dev.turnstile.projections.jobs.config;

import dev.turnstile.projections.feed.TopicFeed;
import dev.turnstile.projections.jobs.JobEventRecord;
import dev.turnstile.projections.jobs.JobOperations;
import dev.turnstile.projections.jobs.JobProjection;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/** The job read model's meters ({@code turnstile.projections.jobs.*}), when the application has Micrometer. */
@AutoConfiguration(after = JobsAutoConfiguration.class)
@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
@ConditionalOnBean(JobProjection.class)
public class JobsMetricsAutoConfiguration {

    @Bean
    MeterBinder jobProjectionMeters(
            JobProjection projection,
            ObjectProvider<TopicFeed<JobEventRecord>> runner,
            ObjectProvider<JobOperations> ops) {
        return registry -> {
            counter(
                    registry,
                    "turnstile.projections.jobs.applied",
                    projection,
                    JobProjection::appliedCount,
                    "Job events applied to the job read model");
            counter(
                    registry,
                    "turnstile.projections.jobs.repeated",
                    projection,
                    JobProjection::repeatedCount,
                    "Job events ignored because their queue had applied them before (redeliveries, replays)");
            counter(
                    registry,
                    "turnstile.projections.jobs.skipped",
                    projection,
                    JobProjection::skippedCount,
                    "Records on job-events that are not job events this version reads (other types, undecodable)");
            counter(
                    registry,
                    "turnstile.projections.jobs.restarted",
                    projection,
                    JobProjection::restartedCount,
                    "Jobs first seen after their enqueue (cleaned earlier, or the enqueue no longer on the topic)");
            counter(
                    registry,
                    "turnstile.projections.jobs.cleaned",
                    projection,
                    JobProjection::cleanedCount,
                    "Finished jobs dropped from the read model by cleans");
            counter(
                    registry,
                    "turnstile.projections.jobs.listener.errors",
                    projection,
                    JobProjection::listenerErrorCount,
                    "Exceptions thrown by job read-model subscribers");
            Gauge.builder("turnstile.projections.jobs.ready", projection, p -> p.ready() ? 1 : 0)
                    .description("1 once the job read model has caught up with job-events as of start-up")
                    .register(registry);
            var reader = runner.getIfAvailable();
            if (reader != null) {
                Gauge.builder("turnstile.projections.jobs.lag", reader, TopicFeed::lag)
                        .description("Job events on the topic not yet applied (-1 before the first poll)")
                        .register(registry);
                counter(
                        registry,
                        "turnstile.projections.jobs.errors",
                        reader,
                        TopicFeed::errorCount,
                        "Errors reading or applying job events; each was retried");
            }
            var operations = ops.getIfAvailable();
            if (operations != null) {
                for (var outcome :
                        List.of("done", "refused", "timeout", "overloaded", "unavailable", "request_id_conflict")) {
                    FunctionCounter.builder("turnstile.jobs.operations", operations, o -> o.count(outcome))
                            .description(
                                    "Operator requests (cancel, retry, delete, pause, resume, settings) by outcome")
                            .tag("outcome", outcome)
                            .register(registry);
                }
                Gauge.builder("turnstile.jobs.operations.waiting", operations, JobOperations::waiting)
                        .description("Operator requests waiting for their answer")
                        .register(registry);
            }
        };
    }

    private static <T> void counter(
            MeterRegistry registry, String name, T source, ToDoubleFunction<T> count, String description) {
        FunctionCounter.builder(name, source, count).description(description).register(registry);
    }
}
