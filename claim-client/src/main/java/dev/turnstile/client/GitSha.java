package dev.turnstile.client;

import dev.turnstile.contracts.claim.ClaimRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Finds the commit a CI job builds when none is given: the CI's own variable ({@code GITHUB_SHA} on GitHub Actions,
 * {@code CI_COMMIT_SHA} on GitLab CI, {@code BUILDKITE_COMMIT} on Buildkite), else what {@code git rev-parse HEAD}
 * says in the working directory. A variable that holds something other than a SHA (Buildkite's {@code HEAD}) is
 * passed over.
 */
public final class GitSha {

    /** The variables read, in order. */
    public static final List<String> ENV_VARS = List.of("GITHUB_SHA", "CI_COMMIT_SHA", "BUILDKITE_COMMIT");

    /** The source named when git found the commit. */
    public static final String GIT_SOURCE = "git rev-parse HEAD";

    private static final long GIT_TIMEOUT_SECONDS = 5;

    private GitSha() {}

    /** What a lookup found: a commit and where, or what was tried. */
    public sealed interface Lookup {

        /**
         * A commit was found.
         *
         * @param sha the commit, lower-case
         * @param source where: a variable's name, or {@value GitSha#GIT_SOURCE}
         */
        record Found(String sha, String source) implements Lookup {}

        /**
         * Nothing named a commit.
         *
         * @param tried what was looked at and why each gave none, in order
         */
        record NotFound(List<String> tried) implements Lookup {

            public NotFound {
                tried = List.copyOf(tried);
            }

            /** {@code No commit SHA: GITHUB_SHA, … unset; git rev-parse HEAD failed: fatal: not a git repository…}. */
            public String message() {
                return "No commit SHA: " + String.join("; ", tried);
            }
        }
    }

    /** Asks git for the commit checked out; {@link #inWorkingDirectory()} in production. */
    @FunctionalInterface
    public interface Git {
        Lookup revParseHead();
    }

    /** The commit of this process's CI job: its environment, else git in the working directory. */
    public static Lookup detect() {
        return detect(System::getenv, inWorkingDirectory());
    }

    /**
     * The commit named by the first of {@link #ENV_VARS} that holds a SHA, else by {@code git}.
     *
     * @param env looks up environment variables; returns {@code null} for unset ones
     * @param git asked only when no variable names a commit
     */
    public static Lookup detect(UnaryOperator<String> env, Git git) {
        var unset = new ArrayList<String>();
        var tried = new ArrayList<String>();
        for (String variable : ENV_VARS) {
            String value = env.apply(variable);
            if (value == null || value.isBlank()) {
                unset.add(variable);
            } else if (ClaimRules.checkGitSha(value.strip()).isEmpty()) {
                return new Lookup.Found(ClaimRules.normalizeGitSha(value.strip()), variable);
            } else {
                tried.add(variable + " is '" + value.strip() + "', not a commit SHA");
            }
        }
        if (!unset.isEmpty()) {
            tried.addFirst(String.join(", ", unset) + " unset");
        }
        return switch (git.revParseHead()) {
            case Lookup.Found found -> found;
            case Lookup.NotFound notFound -> {
                tried.addAll(notFound.tried());
                yield new Lookup.NotFound(tried);
            }
        };
    }

    /** {@code git rev-parse HEAD} in this process's working directory. */
    public static Git inWorkingDirectory() {
        return () -> revParseHead(null);
    }

    /** {@code git rev-parse HEAD} in {@code directory}. */
    public static Git in(Path directory) {
        return () -> revParseHead(directory);
    }

    private static Lookup revParseHead(Path directory) {
        Process git;
        try {
            var command = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true);
            if (directory != null) {
                command.directory(directory.toFile());
            }
            git = command.start();
        } catch (IOException e) {
            return notFound("git could not be started (" + e.getMessage() + ")");
        }
        try {
            git.getOutputStream().close();
            if (!git.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return notFound(GIT_SOURCE + " gave no answer within " + GIT_TIMEOUT_SECONDS + " s");
            }
            String output = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            String firstLine = output.lines().findFirst().orElse("");
            if (git.exitValue() != 0) {
                return notFound(
                        GIT_SOURCE + " failed: " + (firstLine.isEmpty() ? "exit " + git.exitValue() : firstLine));
            }
            if (!ClaimRules.checkGitSha(firstLine).isEmpty()) {
                return notFound(GIT_SOURCE + " printed '" + firstLine + "', not a commit SHA");
            }
            return new Lookup.Found(ClaimRules.normalizeGitSha(firstLine), GIT_SOURCE);
        } catch (IOException e) {
            return notFound(GIT_SOURCE + " could not be read (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            git.destroyForcibly();
            Thread.currentThread().interrupt();
            return notFound(GIT_SOURCE + " was interrupted");
        }
    }

    private static Lookup notFound(String why) {
        return new Lookup.NotFound(List.of(why));
    }
}
