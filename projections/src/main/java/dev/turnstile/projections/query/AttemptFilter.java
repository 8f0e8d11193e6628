package dev.turnstile.projections.query;

import java.util.Locale;

/**
 * Which attempts to list; {@code null} (or blank) fields do not filter. Set fields must all match.
 *
 * @param project exact project name
 * @param task exact task name
 * @param result granted or blocked
 * @param shaPrefix the start of the git SHA, case-insensitive
 */
public record AttemptFilter(String project, String task, Result result, String shaPrefix) {

    private static final AttemptFilter NONE = new AttemptFilter(null, null, null, null);

    public AttemptFilter {
        project = blankToNull(project);
        task = blankToNull(task);
        shaPrefix = blankToNull(shaPrefix);
        if (shaPrefix != null) {
            shaPrefix = shaPrefix.toLowerCase(Locale.ROOT);
        }
    }

    /** Keeps every attempt. */
    public static AttemptFilter none() {
        return NONE;
    }

    /** True when nothing is filtered. */
    public boolean isEmpty() {
        return project == null && task == null && result == null && shaPrefix == null;
    }

    /** True when {@code attempt} passes every set field. */
    public boolean matches(Attempt attempt) {
        return (project == null || project.equals(attempt.project()))
                && (task == null || task.equals(attempt.task()))
                && (result == null || result == attempt.result())
                && (shaPrefix == null || attempt.gitSha().startsWith(shaPrefix));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
