package dev.turnstile.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claimctl archive as a CI image gets it: unpacked with {@code tar} into a directory with no checkout, no Maven
 * and a minimal environment, then run through its launcher against a coordinator. Runs after {@code package} (failsafe),
 * on the archive the build just made.
 */
class ClaimctlArchiveIT {

    private static final String VERSION = System.getProperty("claimctl.version");
    private static final Path ARCHIVE = Path.of(System.getProperty("claimctl.archive"));

    /** The JVM running this test: Java 21 or newer, as the build requires. */
    private static final String JAVA_HOME = System.getProperty("java.home");

    @TempDir
    Path scratch;

    private Path claimctl;
    private FakeCoordinator coordinator;

    @BeforeEach
    void unpackTheArchive() throws Exception {
        assertThat(ARCHIVE).as("the archive the build made").exists();
        run(List.of("tar", "-xzf", ARCHIVE.toString(), "-C", scratch.toString()), Map.of());
        claimctl = scratch.resolve("claimctl-" + VERSION).resolve("bin").resolve("claimctl");
        coordinator = FakeCoordinator.start();
    }

    @AfterEach
    void stopCoordinator() {
        coordinator.close();
    }

    @Test
    void the_archive_holds_the_jar_both_launchers_the_licence_and_a_readme() throws IOException {
        Path home = scratch.resolve("claimctl-" + VERSION);

        assertThat(home.resolve("lib/claimctl.jar")).isRegularFile();
        assertThat(Files.getPosixFilePermissions(claimctl)).contains(PosixFilePermission.OWNER_EXECUTE);
        assertThat(home.resolve("bin/claimctl.cmd")).content().contains("\r\n");
        assertThat(home.resolve("LICENSE")).content().contains("Apache License");
        assertThat(home.resolve("README.txt")).content().startsWith("claimctl " + VERSION);
        try (var zip = new ZipFile(ARCHIVE.toString().replace(".tar.gz", ".zip"))) {
            assertThat(zip.stream().map(entry -> entry.getName()).toList())
                    .contains(
                            "claimctl-" + VERSION + "/bin/claimctl",
                            "claimctl-" + VERSION + "/bin/claimctl.cmd",
                            "claimctl-" + VERSION + "/lib/claimctl.jar",
                            "claimctl-" + VERSION + "/LICENSE");
        }
    }

    @Test
    void version_prints_the_release_it_came_from() throws Exception {
        var result = claimctl(Map.of("JAVA_HOME", JAVA_HOME), "--version");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("claimctl " + VERSION + "\n");
    }

    @Test
    void on_github_actions_it_claims_with_the_commit_of_the_job_and_says_where_it_came_from() throws Exception {
        coordinator.grant().deny("agent-1");
        var github = Map.of(
                "JAVA_HOME", JAVA_HOME,
                "TURNSTILE_URL", coordinator.url().toString(),
                "GITHUB_SHA", "3f9c2ab8d1e0f4a7b6c5d4e3f2a1b0c9d8e7f6a5",
                "GITHUB_RUN_ID", "9876543210",
                "GITHUB_RUN_ATTEMPT", "1",
                "GITHUB_JOB", "deploy",
                "RUNNER_NAME", "GitHub Actions 12");

        var first = claimctl(github, "claim", "--project", "hire", "--task", "convex-deploy");
        var second = claimctl(github, "claim", "--exit-code", "--project", "hire", "--task", "convex-deploy");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out())
                .isEqualTo(
                        "hire:convex-deploy — proceeding as first instance (sha"
                                + " 3f9c2ab8d1e0f4a7b6c5d4e3f2a1b0c9d8e7f6a5, agent github-9876543210-1-deploy@GitHub Actions 12)\n");
        assertThat(first.err()).isEqualTo("claimctl: sha 3f9c2ab8d1e0f4a7b6c5d4e3f2a1b0c9d8e7f6a5 (from GITHUB_SHA)\n");
        assertThat(second.exitCode()).isEqualTo(10);
        assertThat(second.out()).startsWith("hire:convex-deploy — skipping, already claimed by agent-1");
    }

    @Test
    void run_runs_the_command_only_when_granted_and_exits_with_its_code() throws Exception {
        coordinator.grant().accept("completed");
        var env = Map.of(
                "JAVA_HOME", JAVA_HOME, "TURNSTILE_URL", coordinator.url().toString());

        var result = claimctl(
                env,
                "run",
                "--project",
                "hire",
                "--task",
                "e2e",
                "--sha",
                "abcdef1",
                "--agent",
                "a1",
                "--",
                "sh",
                "-c",
                "echo deploying; exit 3");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.out()).isEqualTo("deploying\n");
        assertThat(coordinator.received())
                .extracting(FakeCoordinator.Received::path)
                .containsExactly("/api/claim", "/api/claim/complete");
    }

    @Test
    void an_older_java_home_is_passed_over_for_a_java_21_the_runner_also_has() throws Exception {
        Path java17 = fakeJavaHome("17.0.12");

        var result = claimctl(Map.of("JAVA_HOME", java17.toString(), "JAVA_HOME_21_X64", JAVA_HOME), "--version");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("claimctl " + VERSION + "\n");
    }

    @Test
    void claimctl_java_naming_an_older_java_is_refused_with_what_to_do() throws Exception {
        Path java17 = fakeJavaHome("17.0.12");

        var result = claimctl(Map.of("CLAIMCTL_JAVA", java17.resolve("bin/java").toString()), "--version");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err())
                .contains("CLAIMCTL_JAVA does not name a Java 21 or newer")
                .contains(java17.resolve("bin/java") + " (Java 17)")
                .contains("unset it to let claimctl search");
    }

    @Test
    void the_launcher_works_through_a_symlink_on_the_path() throws Exception {
        Path bin = Files.createDirectories(scratch.resolve("usr-local-bin"));
        Files.createSymbolicLink(bin.resolve("claimctl"), claimctl);
        claimctl = bin.resolve("claimctl");

        var result = claimctl(Map.of("JAVA_HOME", JAVA_HOME), "--version");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("claimctl " + VERSION + "\n");
    }

    /** A JDK directory that says it is Java {@code version} and whose java fails if it is ever run. */
    private Path fakeJavaHome(String version) throws IOException {
        Path home = Files.createDirectories(scratch.resolve("jdk-" + version));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'the Java " + version + " runtime was run' >&2\nexit 99\n");
        java.toFile().setExecutable(true);
        return home;
    }

    record Result(int exitCode, String out, String err) {}

    /** Runs the unpacked launcher from the scratch directory with only {@code env} and a minimal PATH. */
    private Result claimctl(Map<String, String> env, String... args) throws Exception {
        var command = new ArrayList<String>(List.of(claimctl.toString()));
        command.addAll(List.of(args));
        return run(command, env);
    }

    private Result run(List<String> command, Map<String, String> env) throws Exception {
        var builder = new ProcessBuilder(command).directory(scratch.toFile());
        builder.environment().clear();
        var environment = new HashMap<>(env);
        environment.put("PATH", "/usr/bin:/bin");
        builder.environment().putAll(environment);
        Path out = scratch.resolve("out.txt");
        Path err = scratch.resolve("err.txt");
        Process process =
                builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as("finished within a minute")
                .isTrue();
        return new Result(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
