package dev.turnstile.projections.query;

/** A listener registration; closing it removes the listener. Closing twice does nothing. */
public interface Subscription extends AutoCloseable {

    @Override
    void close();
}
