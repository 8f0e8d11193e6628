package dev.turnstile.projections.activity;

import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.Result;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of attempts, newest first, that a page can be read from: every listed attempt, or those of one project,
 * task, result or SHA. The fold says which an attempt enters; the queries pick the smallest that serves a filter.
 */
sealed interface AttemptIndex {

    /** Every listed attempt. */
    record All() implements AttemptIndex {}

    record ByProject(String project) implements AttemptIndex {}

    record ByTask(String task) implements AttemptIndex {}

    /** Claims granted or blocked; decisions that answer no claim have no result and are not in it. */
    record ByResult(Result result) implements AttemptIndex {}

    record BySha(String gitSha) implements AttemptIndex {}

    AttemptIndex ALL = new All();

    /** Every index {@code attempt} is listed in. */
    static List<AttemptIndex> of(Attempt attempt) {
        var indexes = new ArrayList<AttemptIndex>(5);
        indexes.add(ALL);
        indexes.add(new ByProject(attempt.project()));
        indexes.add(new ByTask(attempt.task()));
        if (attempt.result() != null) {
            indexes.add(new ByResult(attempt.result()));
        }
        indexes.add(new BySha(attempt.gitSha()));
        return List.copyOf(indexes);
    }
}
