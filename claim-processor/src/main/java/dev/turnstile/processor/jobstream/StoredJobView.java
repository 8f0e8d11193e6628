package dev.turnstile.processor.jobstream;

import dev.turnstile.processor.jobs.JobRecord;
import dev.turnstile.processor.jobs.JobStateView;
import dev.turnstile.processor.jobs.QueueSummary;
import dev.turnstile.processor.jobs.RememberedJobAnswer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The decider's read-only view over the stored tables. */
final class StoredJobView implements JobStateView {

    private final JobTables tables;

    StoredJobView(JobTables tables) {
        this.tables = tables;
    }

    @Override
    public QueueSummary queue(String queue) {
        var summary = tables.queues().get(queue);
        return summary == null ? QueueSummary.EMPTY : summary;
    }

    @Override
    public Optional<JobRecord> job(String queue, String jobId) {
        return Optional.ofNullable(tables.jobs().get(JobKeys.job(queue, jobId)));
    }

    @Override
    public List<String> waitingJobIds(String queue, int limit) {
        return tables.waiting().range(JobKeys.waitingFrom(queue), JobKeys.waitingTo(queue), limit).stream()
                .map(Map.Entry::getValue)
                .toList();
    }

    @Override
    public Optional<String> jobWithDedupKey(String queue, String dedupKey) {
        return Optional.ofNullable(tables.dedup().get(JobKeys.dedup(queue, dedupKey)));
    }

    @Override
    public Optional<RememberedJobAnswer> answer(String queue, String requestId) {
        return tables.answer(JobKeys.answer(queue, requestId));
    }
}
