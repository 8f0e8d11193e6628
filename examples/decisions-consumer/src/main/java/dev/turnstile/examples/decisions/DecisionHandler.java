package dev.turnstile.examples.decisions;

/** What this team does with the decisions it cares about. */
public interface DecisionHandler {

    /** An agent was told to proceed. */
    void granted(Decision decision);

    /** An agent was told to skip: {@link Decision#heldBy()} holds the claim. */
    void denied(Decision decision);
}
