package dev.turnstile.dashboard.runs;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.router.QueryParameters;
import dev.turnstile.contracts.job.Backoff;
import dev.turnstile.contracts.job.FailureKind;
import dev.turnstile.contracts.job.JobClaimed;
import dev.turnstile.contracts.job.JobEnqueued;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobEventHeader;
import dev.turnstile.contracts.job.JobFailed;
import dev.turnstile.contracts.job.JobHeartbeatReceived;
import dev.turnstile.contracts.job.JobLogsAppended;
import dev.turnstile.contracts.job.JobRef;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.contracts.job.JobSucceeded;
import dev.turnstile.contracts.job.QueueConfigured;
import dev.turnstile.contracts.job.QueuePaused;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.contracts.topic.JobTopics;
import dev.turnstile.dashboard.DashboardSettings;
import dev.turnstile.projections.jobs.JobEventRecord;
import dev.turnstile.projections.jobs.JobLimits;
import dev.turnstile.projections.jobs.JobOperations;
import dev.turnstile.projections.jobs.JobProjection;
import dev.turnstile.projections.jobs.JobSummary;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Runs pages' logic on components without a browser, over the real job read model (RocksDB, fed events). */
class RunsViewTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final Viewer ANALYST = new Viewer("analyst", false);
    private static final Viewer OPERATOR = new Viewer("operator", true);

    @TempDir
    Path dir;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final DashboardSettings settings = new DashboardSettings(
            Clock.fixed(NOW, ZoneOffset.UTC), scheduler, Duration.ofMillis(50), Duration.ofSeconds(15), 50, List.of());
    private final Map<String, Long> sequences = new HashMap<>();
    private JobProjection jobs;
    private KafkaProducer<String, dev.turnstile.contracts.job.JobCommand> idleProducer;
    private JobOperations operations;
    private long offset;

    @BeforeEach
    void open() {
        jobs = JobProjection.open(
                dir.resolve("jobs"), "job-events", Clock.fixed(NOW, ZoneOffset.UTC), JobLimits.DEFAULT, false);
        // Operations are only offered here, never sent: a producer that is never asked to connect.
        idleProducer = new KafkaProducer<>(
                Map.of(
                        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                        "127.0.0.1:1",
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        100),
                JobTopics.DEFAULT.requests().keySerde().serializer(),
                JobTopics.DEFAULT.requests().valueSerde().serializer());
        operations = new JobOperations(
                idleProducer, JobTopics.DEFAULT.requests(), jobs, Clock.systemUTC(), Duration.ofSeconds(1), 10);
    }

    @AfterEach
    void close() {
        idleProducer.close(Duration.ZERO);
        jobs.close();
        scheduler.shutdownNow();
    }

    @Test
    void each_queue_is_a_lane_with_its_jobs_counted_by_state_and_says_when_it_is_paused_or_limited() {
        apply(
                enqueued("emails", "a"),
                enqueued("emails", "b"),
                claimed("emails", "a", "worker-1", 1),
                enqueued("reports", "r"),
                paused("reports"),
                configured("reports", 2));
        var view = new RunsView(jobs, null, settings, ANALYST);

        view.show(RunsFilters.NONE);

        assertThat(lanes(view))
                .extracting(Component::getId)
                .containsExactly(java.util.Optional.of("lane-emails"), java.util.Optional.of("lane-reports"));
        assertThat(count(view, "emails", JobState.WAITING)).isEqualTo("1");
        assertThat(count(view, "emails", JobState.ACTIVE)).isEqualTo("1");
        assertThat(count(view, "reports", JobState.WAITING)).isEqualTo("1");
        assertThat(find(view, "lane-reports-paused")).isPresent();
        assertThat(find(view, "lane-emails-paused")).isEmpty();
        assertThat(text(lane(view, "reports"))).contains("at most 2 active");
    }

    @Test
    void without_a_queue_in_the_address_the_first_queue_is_listed_newest_job_first() {
        apply(enqueued("emails", "a"), enqueued("emails", "b"), enqueued("reports", "r"));
        var view = new RunsView(jobs, null, settings, ANALYST);

        view.show(RunsFilters.NONE);

        assertThat(view.filters().queue()).isEqualTo("emails");
        assertThat(items(view)).extracting(JobSummary::jobId).containsExactly("b", "a");
    }

    @Test
    void filters_come_from_the_address_and_a_value_that_breaks_the_rules_is_dropped() {
        apply(enqueued("emails", "a"), enqueued("emails", "b"), claimed("emails", "b", "worker-1", 1));
        var view = new RunsView(jobs, null, settings, ANALYST);

        var filters =
                RunsFilters.from(QueryParameters.simple(Map.of("queue", "emails", "state", "active", "name", "send")));
        view.show(filters);
        var bogus = RunsFilters.from(QueryParameters.simple(Map.of("queue", "no:colons", "state", "sleeping")));

        assertThat(items(view)).extracting(JobSummary::jobId).containsExactly("b");
        assertThat(RunsFilters.from(filters.toQuery())).isEqualTo(filters);
        assertThat(bogus).isEqualTo(RunsFilters.NONE);
        view.show(new RunsFilters("emails", JobState.DEAD, null));
        assertThat(items(view)).isEmpty();
    }

    @Test
    void an_analyst_sees_no_operator_buttons_and_an_operator_may_pause_or_resume_each_queue() {
        apply(enqueued("emails", "a"), enqueued("reports", "r"), paused("reports"));
        var analystView = new RunsView(jobs, operations, settings, ANALYST);
        var operatorView = new RunsView(jobs, operations, settings, OPERATOR);

        analystView.show(RunsFilters.NONE);
        operatorView.show(RunsFilters.NONE);

        assertThat(buttons(analystView.lanes())).isEmpty();
        assertThat(buttons(operatorView.lanes()))
                .extracting(button -> button.getId().orElseThrow())
                .containsExactlyInAnyOrder("lane-emails-pause", "lane-reports-resume");
    }

    @Test
    void the_job_page_moves_its_progress_bar_with_heartbeats_and_fills_it_when_the_job_succeeds() {
        apply(enqueued("emails", "a"), claimed("emails", "a", "worker-1", 1));
        var view = new JobRunView(jobs, null, settings, ANALYST);
        view.show(new JobRef("emails", "a"));
        assertThat(view.progressBar().isIndeterminate()).isTrue();
        assertThat(view.progressText()).isEqualTo("running, no progress reported yet");

        apply(heartbeat("emails", "a", "worker-1", 1, 40, "page 2 of 5"));
        view.refresh();
        assertThat(view.progressBar().getValue()).isEqualTo(40);
        assertThat(view.progressBar().isIndeterminate()).isFalse();
        assertThat(view.progressText()).isEqualTo("40% — page 2 of 5");

        apply(succeeded("emails", "a", "worker-1", 1));
        view.refresh();
        assertThat(view.progressBar().getValue()).isEqualTo(100);
        assertThat(view.progressText()).isEqualTo("100% — done");
        assertThat(view.timelineGrid().getListDataView().getItems().map(entry -> entry.type()))
                .containsExactly("JobEnqueued", "JobClaimed", "JobSucceeded");
    }

    @Test
    void the_job_page_shows_the_kept_log_lines_after_a_marker_for_the_dropped_ones() {
        apply(
                enqueued("emails", "a"),
                claimed("emails", "a", "worker-1", 1),
                logs("emails", "a", "worker-1", "connected", "sent"));
        var view = new JobRunView(jobs, null, settings, ANALYST);

        view.show(new JobRef("emails", "a"));

        assertThat(view.logsText()).isEqualTo("connected\nsent");
        assertThat(JobRunView.logText(List.of(), 0)).isEqualTo("(no log lines)");
        assertThat(JobRunView.logText(List.of(new dev.turnstile.projections.jobs.LogLine(13, 1, NOW, "late")), 12))
                .isEqualTo("… 12 earlier lines dropped …\nlate");
    }

    @Test
    void an_operator_may_cancel_an_active_job_and_retry_a_dead_one_and_an_analyst_may_neither() {
        apply(
                enqueued("emails", "a"),
                claimed("emails", "a", "worker-1", 1),
                enqueued("emails", "d"),
                claimed("emails", "d", "worker-2", 2),
                dead("emails", "d", "worker-2", 2));
        var operatorActive = new JobRunView(jobs, operations, settings, OPERATOR);
        var operatorDead = new JobRunView(jobs, operations, settings, OPERATOR);
        var analyst = new JobRunView(jobs, operations, settings, ANALYST);

        operatorActive.show(new JobRef("emails", "a"));
        operatorDead.show(new JobRef("emails", "d"));
        analyst.show(new JobRef("emails", "a"));

        assertThat(ids(operatorActive.actions())).containsExactly("job-cancel");
        assertThat(ids(operatorDead.actions())).containsExactly("job-retry");
        assertThat(ids(analyst.actions())).isEmpty();
    }

    @Test
    void a_job_the_read_model_does_not_hold_is_said_to_be_missing() {
        var view = new JobRunView(jobs, null, settings, ANALYST);

        view.show(new JobRef("emails", "gone"));

        assertThat(find(view, "job-missing").map(RunsViewTest::text).orElseThrow())
                .startsWith("The read model holds no job gone in queue emails");
    }

    // ------------------------------------------------------------------ events and component helpers

    private void apply(JobEvent... events) {
        var records = new ArrayList<JobEventRecord>();
        for (var event : events) {
            records.add(new JobEventRecord(0, offset++, Json.MAPPER.writeValueAsBytes(event), null));
        }
        jobs.apply(records);
    }

    private JobEventHeader next(String queue) {
        long sequence = sequences.merge(queue, 1L, Long::sum);
        return JobEventHeader.of(queue, sequence, "req-" + queue + "-" + sequence, NOW);
    }

    private JobEnqueued enqueued(String queue, String jobId) {
        return new JobEnqueued(
                next(queue), jobId, "send", null, 0, NOW, 3, Backoff.DEFAULT, 30, null, JobState.WAITING);
    }

    private JobClaimed claimed(String queue, String jobId, String worker, long token) {
        return new JobClaimed(next(queue), jobId, worker, 1, token, 30, NOW.plusSeconds(30), "send", null, 0, 3);
    }

    private JobHeartbeatReceived heartbeat(
            String queue, String jobId, String worker, long token, int progress, String message) {
        return new JobHeartbeatReceived(next(queue), jobId, worker, 1, token, NOW.plusSeconds(30), progress, message);
    }

    private JobSucceeded succeeded(String queue, String jobId, String worker, long token) {
        return new JobSucceeded(next(queue), jobId, worker, 1, token, null);
    }

    private JobFailed dead(String queue, String jobId, String worker, long token) {
        return new JobFailed(
                next(queue),
                jobId,
                worker,
                1,
                token,
                FailureKind.WORKER_FAILED,
                "boom",
                false,
                JobState.DEAD,
                null,
                null);
    }

    private JobLogsAppended logs(String queue, String jobId, String worker, String... lines) {
        return new JobLogsAppended(next(queue), jobId, worker, 1, 1, List.of(lines));
    }

    private QueuePaused paused(String queue) {
        return new QueuePaused(next(queue), "operator");
    }

    private QueueConfigured configured(String queue, Integer concurrency) {
        return new QueueConfigured(next(queue), concurrency, "operator");
    }

    private static List<Component> lanes(RunsView view) {
        return view.lanes().getChildren().toList();
    }

    private static Component lane(RunsView view, String queue) {
        return find(view, "lane-" + queue).orElseThrow();
    }

    private static String count(RunsView view, String queue, JobState state) {
        return find(view, "lane-" + queue + "-" + state.wireName())
                .orElseThrow()
                .getElement()
                .getAttribute("data-count");
    }

    private static List<JobSummary> items(RunsView view) {
        return view.grid().getListDataView().getItems().toList();
    }

    private static List<Button> buttons(Component root) {
        return descendants(root)
                .filter(Button.class::isInstance)
                .map(Button.class::cast)
                .toList();
    }

    private static List<String> ids(Component root) {
        return buttons(root).stream()
                .map(button -> button.getId().orElseThrow())
                .toList();
    }

    private static java.util.Optional<Component> find(Component root, String id) {
        return descendants(root)
                .filter(c -> c.getId().filter(id::equals).isPresent())
                .findFirst();
    }

    private static Stream<Component> descendants(Component root) {
        return Stream.concat(Stream.of(root), root.getChildren().flatMap(RunsViewTest::descendants));
    }

    private static String text(Component component) {
        return component.getElement().getTextRecursively();
    }
}
