package dev.turnstile.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchOptionsTest {

    private static Bench.Settings parse(String... args) {
        var bench = new Bench();
        new CommandLine(bench).parseArgs(args);
        bench.applyPresets();
        return bench.settings();
    }

    @Test
    void durations_read_as_written_on_the_command_line() {
        var converter = new Bench.DurationConverter();

        assertThat(converter.convert("15s")).isEqualTo(Duration.ofSeconds(15));
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(converter.convert("0")).isEqualTo(Duration.ZERO);
        assertThat(converter.convert("PT2S")).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> converter.convert("ten")).hasMessageContaining("use e.g. 15s, 500ms, 10m or 1h");
    }

    @Test
    void peers_are_named_as_in_the_report_and_an_unknown_one_lists_them_all() {
        assertThat(parse("--peers", "turnstile,postgres-service").peers())
                .containsExactly(Peer.TURNSTILE, Peer.POSTGRES_SERVICE);
        assertThatThrownBy(() -> parse("--peers", "mysql"))
                .hasMessageContaining("Unknown peer 'mysql': use turnstile, postgres-service, postgres, etcd");
    }

    @Test
    void the_long_run_is_turnstile_alone_at_64_agents_for_10_minutes_with_nmt() {
        var settings = parse("--long-run");

        assertThat(settings.peers()).containsExactly(Peer.TURNSTILE);
        assertThat(settings.agents()).containsExactly(64);
        assertThat(settings.duration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.warmup()).isZero();
        assertThat(settings.systemWarmup()).isZero();
        assertThat(settings.nmt()).isTrue();
    }

    @Test
    void options_given_explicitly_win_over_a_preset() {
        var settings = parse("--long-run", "--duration-per-level", "20m", "--agents", "32");

        assertThat(settings.duration()).isEqualTo(Duration.ofMinutes(20));
        assertThat(settings.agents()).containsExactly(32);
        assertThat(parse("--quick", "--warmup", "5s").warmup()).isEqualTo(Duration.ofSeconds(5));
        assertThat(parse("--quick").duration()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void jvm_options_are_split_on_spaces() {
        assertThat(parse("--jvm-options", " -Xmx512m  -XX:+UseZGC ").jvmOptions())
                .isEqualTo(List.of("-Xmx512m", "-XX:+UseZGC"));
        assertThat(parse().jvmOptions()).isEmpty();
    }

    @Test
    void the_queue_workload_measures_the_queue_peers_by_default_and_refuses_etcd() {
        assertThat(parse("--workload", "queue").peers())
                .containsExactly(Peer.TURNSTILE, Peer.POSTGRES_SERVICE, Peer.POSTGRES, Peer.BULLMQ);
        assertThatThrownBy(() -> validated("--workload", "queue", "--peers", "turnstile,etcd"))
                .hasMessageContaining("etcd is not a queue");
    }

    @Test
    void bullmq_is_refused_for_the_claim_workload() {
        assertThatThrownBy(() -> validated("--peers", "turnstile,bullmq"))
                .hasMessageContaining("bullmq runs jobs, not claims: use it with --workload queue");
    }

    @Test
    void the_system_warm_up_goes_on_until_steady_for_at_most_its_maximum_which_cannot_be_below_its_minimum() {
        var settings = parse();
        assertThat(settings.systemWarmup()).isEqualTo(Duration.ofSeconds(45));
        assertThat(settings.systemWarmupMax()).isEqualTo(Duration.ofMinutes(5));
        assertThat(parse("--quick").systemWarmupMax()).isEqualTo(Duration.ofSeconds(10));
        assertThat(parse("--long-run").systemWarmupMax()).isZero();

        assertThatThrownBy(() -> validated("--system-warmup", "2m", "--system-warmup-max", "1m"))
                .hasMessageContaining("--system-warmup-max (1m) must be at least --system-warmup (2m)");
    }

    private static void validated(String... args) {
        var bench = new Bench();
        var commandLine = new CommandLine(bench);
        commandLine.parseArgs(args);
        bench.spec = commandLine.getCommandSpec();
        bench.applyPresets();
        bench.validate();
    }
}
