package dev.turnstile.processor.jobstream;

import dev.turnstile.contracts.job.JobState;
import dev.turnstile.processor.jobs.JobDecision;
import dev.turnstile.processor.jobs.JobEvolution;
import dev.turnstile.processor.jobs.JobRecord;
import dev.turnstile.processor.jobs.ParkedClaim;
import dev.turnstile.processor.jobs.QueueSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Applies a decision to the stored tables: the events evolve the queue's summary and the records of the jobs they
 * are about (the decider's own evolution rules), the indexes follow each changed record, and the answers are kept
 * under their request ids. No rule lives here; only what to keep where.
 */
final class JobStoreWriter {

    private final JobTables tables;

    JobStoreWriter(JobTables tables) {
        this.tables = tables;
    }

    void apply(String queue, JobDecision decision) {
        var stored = tables.queues().get(queue);
        var before = stored == null ? QueueSummary.EMPTY : stored;
        var summary = before;
        Map<String, JobRecord> was = new LinkedHashMap<>();
        Map<String, JobRecord> now = new LinkedHashMap<>();
        for (var event : decision.events()) {
            summary = JobEvolution.evolve(summary, event);
            var changed = JobEvolution.jobChangedBy(event);
            if (changed.isPresent()) {
                var id = changed.get();
                if (!was.containsKey(id)) {
                    var record = tables.jobs().get(JobKeys.job(queue, id));
                    was.put(id, record);
                    now.put(id, record);
                }
                now.put(id, JobEvolution.evolve(now.get(id), event));
            }
        }
        if (!summary.equals(before)) {
            tables.queues().put(queue, summary);
            reindexWaiters(queue, before.waiters(), summary.waiters());
        }
        for (var id : now.keySet()) {
            var old = was.get(id);
            var updated = now.get(id);
            if (Objects.equals(old, updated)) {
                continue;
            }
            if (updated == null) {
                tables.jobs().delete(JobKeys.job(queue, id));
            } else {
                tables.jobs().put(JobKeys.job(queue, id), updated);
            }
            reindex(queue, old, updated);
        }
        for (var answer : decision.remember()) {
            tables.remember(JobKeys.answer(queue, answer.requestId()), answer);
        }
    }

    /** Keeps every index in step with one job's record (null: none). */
    private void reindex(String queue, JobRecord old, JobRecord updated) {
        move(
                tables.waiting(),
                waitingKey(queue, old),
                waitingKey(queue, updated),
                updated == null ? null : updated.jobId());
        move(tables.timers(), dueKey(queue, old), dueKey(queue, updated), "");
        move(
                tables.timers(),
                leaseKey(queue, old),
                leaseKey(queue, updated),
                updated == null ? null : Long.toString(updated.fencingToken()));
        move(tables.dedup(), dedupKey(queue, old), dedupKey(queue, updated), updated == null ? null : updated.jobId());
    }

    private void reindexWaiters(String queue, List<ParkedClaim> before, List<ParkedClaim> after) {
        Set<String> still = after.stream().map(ParkedClaim::requestId).collect(Collectors.toSet());
        Set<String> already = before.stream().map(ParkedClaim::requestId).collect(Collectors.toSet());
        for (var waiter : before) {
            if (!still.contains(waiter.requestId())) {
                tables.timers().delete(JobKeys.timer(waiter.waitUntil(), JobKeys.WAIT, queue, waiter.requestId()));
            }
        }
        for (var waiter : after) {
            if (!already.contains(waiter.requestId())) {
                tables.timers().put(JobKeys.timer(waiter.waitUntil(), JobKeys.WAIT, queue, waiter.requestId()), "");
            }
        }
    }

    private static <V> void move(Table<V> table, String oldKey, String newKey, V value) {
        if (Objects.equals(oldKey, newKey)) {
            return;
        }
        if (oldKey != null) {
            table.delete(oldKey);
        }
        if (newKey != null) {
            table.put(newKey, value);
        }
    }

    private static String waitingKey(String queue, JobRecord job) {
        return job != null && job.state() == JobState.WAITING ? JobKeys.waiting(queue, job) : null;
    }

    private static String dueKey(String queue, JobRecord job) {
        return job != null && (job.state() == JobState.DELAYED || job.state() == JobState.FAILED_WILL_RETRY)
                ? JobKeys.timer(job.dueAt(), JobKeys.DUE, queue, job.jobId())
                : null;
    }

    private static String leaseKey(String queue, JobRecord job) {
        return job != null && job.state() == JobState.ACTIVE
                ? JobKeys.timer(job.leaseExpiresAt(), JobKeys.LEASE, queue, job.jobId())
                : null;
    }

    private static String dedupKey(String queue, JobRecord job) {
        return job != null && job.holdsDedupKey() ? JobKeys.dedup(queue, job.dedupKey()) : null;
    }
}
