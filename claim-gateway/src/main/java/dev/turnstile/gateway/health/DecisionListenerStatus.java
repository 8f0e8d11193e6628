package dev.turnstile.gateway.health;

/** Whether this gateway hears decisions: the claim path provides it, health reports it. */
@FunctionalInterface
public interface DecisionListenerStatus {
    boolean isListening();
}
