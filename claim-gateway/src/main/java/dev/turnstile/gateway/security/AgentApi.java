package dev.turnstile.gateway.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a controller whose handlers answer CI agents: when agent tokens are configured, each of its handlers runs
 * only for a request with a valid token. The check is attached to the handler, not to a URL, so every spelling of a
 * path that reaches the handler (percent-encoded letters, dot segments, matrix parameters) is checked.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface AgentApi {}
