package dev.turnstile.processor.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.processor.claim.ClaimTopology;
import dev.turnstile.processor.decision.ClaimDecider;
import dev.turnstile.processor.jobs.JobDecider;
import dev.turnstile.processor.jobstream.JobTopology;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The processor's defaults have one source, the {@code @DefaultValue}s of {@link ProcessorProperties}: what tests and
 * replays run ({@link ProcessorProperties#defaults}) is what production binds, and the constants of the code that
 * runs without Spring agree with them.
 */
class ProcessorDefaultsTest {

    private final ProcessorProperties defaults = ProcessorProperties.defaults("app", "/tmp/state");

    @Test
    void the_defaults_tests_use_are_the_ones_production_binds() {
        assertThat(defaults)
                .isEqualTo(ProcessorProperties.bind(Map.of("application-id", "app", "state-dir", "/tmp/state")));
        assertThat(ProcessorProperties.bind(Map.of()).applicationId()).isEqualTo("turnstile-claim-processor");
        assertThat(defaults.commitInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(defaults.processingGuarantee()).isEqualTo("exactly_once_v2");
    }

    @Test
    void the_constants_of_the_code_that_runs_without_spring_agree_with_the_defaults() {
        assertThat(defaults.expiryCheckInterval()).isEqualTo(ClaimTopology.DEFAULT_EXPIRY_CHECK_INTERVAL);
        assertThat(defaults.requestMemory())
                .isEqualTo(ClaimDecider.DEFAULT_REQUEST_MEMORY)
                .isEqualTo(JobDecider.DEFAULT_REQUEST_MEMORY);
        assertThat(defaults.jobs().timerCheckInterval()).isEqualTo(JobTopology.DEFAULT_TIMER_CHECK_INTERVAL);
        assertThat(defaults.jobs().maxParkedClaims()).isEqualTo(JobDecider.DEFAULT_MAX_PARKED_CLAIMS);
        assertThat(defaults.rocksdbMemory().toBytes()).isEqualTo(BoundedRocksDbMemory.DEFAULT_MEMORY_BYTES);
        assertThat(ProcessorProperties.Jobs.DEFAULT).isEqualTo(defaults.jobs());
    }

    @Test
    void a_setting_given_by_name_overrides_its_default_alone() {
        var replay = ProcessorProperties.bind(Map.of("expiry-check-interval", "0s", "jobs.timer-check-interval", "0s"));

        assertThat(replay.expiryCheckInterval()).isZero();
        assertThat(replay.jobs().timerCheckInterval()).isZero();
        assertThat(replay.commitInterval()).isEqualTo(defaults.commitInterval());
    }
}
