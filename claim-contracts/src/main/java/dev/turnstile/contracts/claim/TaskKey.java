package dev.turnstile.contracts.claim;

import java.util.ArrayList;
import java.util.List;

/**
 * What a claim is about: one task of one project at one commit, written {@code project:task:gitSha}. All
 * decisions for a key are made in the order of its command log, on one partition.
 *
 * @param project the Nx project, e.g. {@code hire}
 * @param task the target, e.g. {@code convex-deploy}
 * @param gitSha the commit, lower-case hexadecimal
 */
public record TaskKey(String project, String task, String gitSha) {

    public TaskKey {
        var violations = new ArrayList<FieldViolation>();
        violations.addAll(ClaimRules.checkName("project", project));
        violations.addAll(ClaimRules.checkName("task", task));
        violations.addAll(ClaimRules.checkGitSha(gitSha));
        if (!violations.isEmpty()) {
            throw new IllegalArgumentException("Invalid task key: "
                    + String.join(
                            "; ",
                            violations.stream().map(FieldViolation::message).toList()));
        }
        gitSha = ClaimRules.normalizeGitSha(gitSha);
    }

    /** Parses {@code project:task:gitSha}. */
    public static TaskKey parse(String value) {
        List<String> parts = List.of(value.split(":", -1));
        if (parts.size() != 3) {
            throw new IllegalArgumentException("Invalid task key " + ClaimRules.quote(value)
                    + ": expected project:task:gitSha, e.g. hire:convex-deploy:3f9c2ab");
        }
        return new TaskKey(parts.get(0), parts.get(1), parts.get(2));
    }

    /** The key as written on Kafka records: {@code project:task:gitSha}. */
    public String value() {
        return project + ":" + task + ":" + gitSha;
    }

    @Override
    public String toString() {
        return value();
    }
}
