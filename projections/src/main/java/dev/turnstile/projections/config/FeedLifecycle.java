package dev.turnstile.projections.config;

import dev.turnstile.projections.feed.TopicFeed;
import org.springframework.context.SmartLifecycle;

/** Starts a feed with the application (without waiting for it to catch up) and stops it first. */
public final class FeedLifecycle implements SmartLifecycle {

    private final TopicFeed<?> feed;
    private volatile boolean running;

    public FeedLifecycle(TopicFeed<?> feed) {
        this.feed = feed;
    }

    @Override
    public void start() {
        feed.start();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        feed.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
