package dev.turnstile.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSpaceTest {

    @TempDir
    Path dataDir;

    @Test
    void
            a_disk_with_less_free_space_than_the_threshold_is_low_and_the_problem_names_directory_free_bytes_and_threshold()
                    throws Exception {
        long free = Files.getFileStore(dataDir).getUsableSpace();
        var disk = new DiskSpace(dataDir, Long.MAX_VALUE, Duration.ZERO, Clock.systemUTC());

        var status = disk.status();

        assertThat(status.low()).isTrue();
        assertThat(status.freeBytes()).isPositive().isLessThan(free * 2);
        assertThat(status.problem())
                .startsWith("Free disk space under " + dataDir + " is ")
                .contains("below the threshold of " + String.format("%,d", Long.MAX_VALUE) + " bytes")
                .endsWith("(turnstile.gateway.min-free-disk)");
    }

    @Test
    void a_disk_with_more_free_space_than_the_threshold_is_not_low() {
        var disk = new DiskSpace(dataDir, 1, Duration.ZERO, Clock.systemUTC());

        assertThat(disk.status().low()).isFalse();
        assertThat(disk.status().problem()).isNull();
    }

    @Test
    void a_gateway_without_a_data_directory_watches_nothing_and_is_never_low() {
        var disk = new DiskSpace(null, Long.MAX_VALUE, Duration.ZERO, Clock.systemUTC());

        assertThat(disk.watched()).isFalse();
        assertThat(disk.status().low()).isFalse();
    }
}
