package dev.turnstile.processor.jobstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.processor.jobs.JobDecider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The work-queue rules against the pure decider over in-memory tables: no Kafka, microseconds per rule. Advancing
 * the clock does what the processor's punctuator does: takes the timers due by then and decides their commands.
 */
class JobDeciderTest extends JobSemanticsContract {

    static final int MAX_PARKED = 4;

    private final InMemoryJobProcessor processor =
            new InMemoryJobProcessor(new JobDecider(Duration.ofHours(24), MAX_PARKED));

    @Override
    List<JobEvent> run(List<JobCommand> commands) {
        var events = new ArrayList<JobEvent>();
        for (var command : commands) {
            events.addAll(processor.process(command).events());
        }
        return events;
    }

    @Override
    List<JobEvent> advanceClockTo(int seconds) {
        return run(List.copyOf(processor.takeDueTimers(at(seconds).toEpochMilli())));
    }

    @Override
    int maxParkedClaims() {
        return MAX_PARKED;
    }

    @Test
    void a_queue_summary_stays_the_same_size_however_many_jobs_the_queue_holds() {
        run(enqueue("job-0", 0));
        var afterOne = Json.MAPPER
                .writeValueAsString(processor.tables().queueMap().get(QUEUE))
                .length();
        for (int i = 1; i < 500; i++) {
            run(enqueue("job-" + i, i));
        }

        var afterMany = Json.MAPPER
                .writeValueAsString(processor.tables().queueMap().get(QUEUE))
                .length();

        assertThat(afterMany).isLessThanOrEqualTo(afterOne + 6);
        assertThat(processor.tables().jobMap()).hasSize(500);
        assertThat(processor.tables().waitingMap()).hasSize(500);
    }

    @Test
    void the_same_command_log_always_yields_the_same_events() {
        var log = new ArrayList<JobCommand>();
        for (int i = 0; i < 30; i++) {
            log.add(enqueue("job-" + (i % 7), i));
            log.add(claimNext("w-" + (i % 3), i, i % 2 * 10));
        }

        var once = new JobDeciderTest().run(log);
        var twice = new JobDeciderTest().run(log);

        assertThat(once).isEqualTo(twice).isNotEmpty();
    }
}
