package dev.turnstile.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void about_the_duplicate_ratio_of_claims_repeat_an_already_claimed_key() {
        var workload = new Workload(0.5, "ab");
        var seen = new HashSet<String>();
        int repeats = 0;
        for (int i = 0; i < 20_000; i++) {
            if (!seen.add(workload.nextSha())) {
                repeats++;
            }
        }

        assertThat(repeats / 20_000.0).isCloseTo(0.5, within(0.03));
        assertThat(workload.distinctKeys()).isEqualTo(seen.size());
    }

    @Test
    void with_no_duplicates_every_key_is_new_and_a_valid_git_sha() {
        var workload = new Workload(0.0, "cd");
        var seen = new HashSet<String>();
        for (int i = 0; i < 1000; i++) {
            var sha = workload.nextSha();
            assertThat(sha).matches("[0-9a-f]{7,64}");
            assertThat(seen.add(sha)).isTrue();
        }
    }
}
