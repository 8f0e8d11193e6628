package dev.turnstile.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code git rev-parse HEAD} as {@link GitSha} runs it, in a real repository and outside one. */
class GitShaTest {

    @TempDir
    Path directory;

    @Test
    void in_a_checkout_git_names_the_commit_checked_out() throws Exception {
        git("init", "--quiet");
        git(
                "-c",
                "user.name=Test",
                "-c",
                "user.email=test@example.com",
                "commit",
                "--quiet",
                "--allow-empty",
                "-m",
                "first");
        String head = git("rev-parse", "HEAD");

        assertThat(GitSha.in(directory).revParseHead()).isEqualTo(new GitSha.Lookup.Found(head, "git rev-parse HEAD"));
    }

    @Test
    void outside_a_checkout_the_lookup_says_what_git_answered() {
        var lookup = GitSha.detect(Map.<String, String>of()::get, GitSha.in(directory));

        assertThat(lookup)
                .isInstanceOfSatisfying(
                        GitSha.Lookup.NotFound.class,
                        none -> assertThat(none.message())
                                .startsWith(
                                        "No commit SHA: GITHUB_SHA, CI_COMMIT_SHA, BUILDKITE_COMMIT unset; git rev-parse HEAD"
                                                + " failed: fatal: not a git repository"));
    }

    @Test
    void a_variable_naming_a_commit_is_used_without_asking_git() {
        GitSha.Git unexpected = () -> {
            throw new AssertionError("git was asked although GITHUB_SHA names the commit");
        };

        assertThat(GitSha.detect(Map.of("GITHUB_SHA", "3F9C2AB")::get, unexpected))
                .isEqualTo(new GitSha.Lookup.Found("3f9c2ab", "GITHUB_SHA"));
    }

    private String git(String... args) throws IOException, InterruptedException {
        var command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        var process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
