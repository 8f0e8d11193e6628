package dev.turnstile.projections.query;

import java.time.Instant;
import java.util.List;

/**
 * Summary of claim activity.
 *
 * @param totalAttempts all attempts ever decided
 * @param attemptsLast24h attempts made in {@code (asOf - 24h, asOf]}
 * @param duplicatesBlocked attempts denied because another agent held the task
 * @param duplicatesBlockedLast24h denied attempts made in {@code (asOf - 24h, asOf]}
 * @param byProject per project, sorted by total descending, then label
 * @param byTask per task name (across projects), sorted by total descending, then label
 * @param asOf when these figures were read (the projection's clock)
 */
public record ActivityStats(
        long totalAttempts,
        long attemptsLast24h,
        long duplicatesBlocked,
        long duplicatesBlockedLast24h,
        List<Breakdown> byProject,
        List<Breakdown> byTask,
        Instant asOf) {

    public ActivityStats {
        byProject = List.copyOf(byProject);
        byTask = List.copyOf(byTask);
    }

    /** Share of attempts that were blocked duplicates, in percent; 0 when there were no attempts. */
    public double blockRatePercent() {
        return totalAttempts == 0 ? 0.0 : duplicatesBlocked * 100.0 / totalAttempts;
    }

    /** Number of projects that have had at least one attempt. */
    public int activeProjects() {
        return byProject.size();
    }
}
