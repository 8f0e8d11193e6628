package dev.turnstile.processor.jobs;

import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobEventHeader;
import dev.turnstile.contracts.job.JobState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One decision in progress: the stored view of the command's queue with the events decided so far applied on top,
 * so that each rule sees the queue as the events before it left it (a job enqueued and handed out in one decision,
 * say). Nothing is written anywhere; the processor applies the events to its stores afterwards.
 */
final class Deciding {

    private final JobStateView stored;
    private final String queue;
    private final Instant now;
    private final String requestId;
    private QueueSummary summary;
    /** Jobs changed by this decision; an empty value is a deleted job. */
    private final Map<String, Optional<JobRecord>> changed = new LinkedHashMap<>();

    private final List<JobDecision.Decided> decided = new ArrayList<>();
    private final Map<String, RememberedJobAnswer> remembered = new LinkedHashMap<>();

    Deciding(JobStateView stored, JobCommand command) {
        this.stored = stored;
        this.queue = command.queue();
        this.now = command.timestamp();
        this.requestId = command.requestId();
        this.summary = stored.queue(queue);
    }

    String queue() {
        return queue;
    }

    /** The command's timestamp: the only clock the decision sees. */
    Instant now() {
        return now;
    }

    QueueSummary summary() {
        return summary;
    }

    Optional<JobRecord> job(String jobId) {
        var mine = changed.get(jobId);
        return mine != null ? mine : stored.job(queue, jobId);
    }

    /** The unfinished job holding {@code dedupKey}, if any, as this decision left it. */
    Optional<JobRecord> holderOf(String dedupKey) {
        for (var job : changed.values()) {
            if (job.isPresent()
                    && job.get().holdsDedupKey()
                    && job.get().dedupKey().equals(dedupKey)) {
                return job;
            }
        }
        return stored.jobWithDedupKey(queue, dedupKey)
                .flatMap(this::job)
                .filter(job -> job.holdsDedupKey() && job.dedupKey().equals(dedupKey));
    }

    /** The waiting job handed out next: highest priority, then earliest waiting. */
    Optional<JobRecord> nextWaiting() {
        JobRecord best = null;
        for (var id : stored.waitingJobIds(queue, changed.size() + 1)) {
            // Jobs this decision changed are judged by their new record below, not by the stored order.
            if (!changed.containsKey(id)) {
                best = stored.job(queue, id)
                        .orElseThrow(() -> new IllegalStateException("Queue " + queue
                                + " lists job " + id
                                + " as waiting but holds no such job: the waiting index does not match"
                                + " the job records. Restore the processor's state from its changelog."));
                break;
            }
        }
        for (var job : changed.values()) {
            if (job.isPresent()
                    && job.get().state() == JobState.WAITING
                    && (best == null || job.get().before(best))) {
                best = job.get();
            }
        }
        return Optional.ofNullable(best);
    }

    /** The answer remembered for {@code id}: one given in this decision, else a stored one. */
    Optional<RememberedJobAnswer> answer(String id) {
        var mine = remembered.get(id);
        return mine != null ? Optional.of(mine) : stored.answer(queue, id);
    }

    /** The header of the queue's next event, answering {@code answered} (default: the command's request). */
    JobEventHeader next(String answered) {
        return JobEventHeader.of(queue, summary.sequence() + 1, answered, now);
    }

    JobEventHeader next() {
        return next(requestId);
    }

    /** Decides an event that answers no request. */
    void emit(JobEvent event) {
        add(event, null);
    }

    /** Decides an event that answers the request with {@code fingerprint}, and remembers it for retries. */
    void answer(JobEvent event, String fingerprint) {
        add(event, fingerprint);
        remembered.put(event.requestId(), new RememberedJobAnswer(event.requestId(), fingerprint, event, now));
    }

    /** Repeats an answer to a retry, or refuses a reused id: answers the request but is not remembered. */
    void answerWithoutRemembering(JobEvent event, String fingerprint) {
        add(event, fingerprint);
    }

    private void add(JobEvent event, String fingerprint) {
        decided.add(new JobDecision.Decided(event, fingerprint));
        summary = JobEvolution.evolve(summary, event);
        JobEvolution.jobChangedBy(event)
                .ifPresent(
                        id -> changed.put(id, Optional.ofNullable(JobEvolution.evolve(job(id).orElse(null), event))));
    }

    JobDecision decision() {
        return new JobDecision(decided, List.copyOf(remembered.values()));
    }
}
