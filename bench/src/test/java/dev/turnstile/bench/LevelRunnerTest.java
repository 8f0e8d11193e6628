package dev.turnstile.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class LevelRunnerTest {

    /** A target by name only; each test says how it claims. */
    private abstract static class Target implements ClaimTarget {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public void close() {}
    }

    /** First claimer wins; the holder asking again is told to proceed, as Turnstile and the service peer do. */
    private static final class FirstWins extends Target {
        private final ConcurrentHashMap<String, String> holders = new ConcurrentHashMap<>();

        @Override
        public boolean claim(String project, String task, String sha, String agent) {
            var holder = holders.putIfAbsent(sha, agent);
            return holder == null || holder.equals(agent);
        }
    }

    /** Grants every claim: broken. */
    private static final class GrantsAll extends Target {
        @Override
        public boolean claim(String project, String task, String sha, String agent) {
            return true;
        }
    }

    private static LevelResult run(ClaimTarget target, int agents) throws InterruptedException {
        return new LevelRunner(target, 0.5, ProcessStats.none(), 1, null)
                .run(agents, Duration.ZERO, Duration.ofMillis(300), "ab", millis -> {});
    }

    @Test
    void a_holder_told_again_that_it_holds_its_key_is_no_double_grant() throws InterruptedException {
        var result = run(new FirstWins(), 1);

        assertThat(result.claims()).isPositive();
        assertThat(result.doubleGrants()).isZero();
        assertThat(result.systemCpuCores()).isNull();
    }

    @Test
    void a_key_granted_to_two_agents_is_counted() throws InterruptedException {
        assertThat(run(new GrantsAll(), 4).doubleGrants()).isPositive();
    }

    @Test
    void the_first_failure_of_the_window_is_kept_to_say_what_went_wrong() throws InterruptedException {
        var result = run(
                new Target() {
                    @Override
                    public boolean claim(String project, String task, String sha, String agent) {
                        throw new IllegalStateException("HTTP 400: gitSha must be hexadecimal");
                    }
                },
                2);

        assertThat(result.errors()).isPositive();
        assertThat(result.firstError())
                .isEqualTo("java.lang.IllegalStateException: HTTP 400: gitSha must be hexadecimal");
    }
}
