package dev.turnstile.client;

/**
 * How the winner's claim on a task stands.
 *
 * @param status {@code active} (the winner runs), {@code succeeded}, {@code failed}, {@code expired} (its lease ran
 *     out), {@code released}, or {@code unknown} (the coordinator heard no decision on the task since it started)
 * @param ended whether the claim has ended
 * @param agentId the winner, if known
 * @param fencingToken the winner's fencing token, if known
 * @param message the coordinator's sentence about it
 */
public record OutcomeResult(
        String taskKey, String status, boolean ended, String agentId, Long fencingToken, String message) {

    /** Whether the winner reported success. */
    public boolean succeeded() {
        return status.equals("succeeded");
    }
}
