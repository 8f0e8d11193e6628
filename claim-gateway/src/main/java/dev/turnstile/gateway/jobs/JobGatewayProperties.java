package dev.turnstile.gateway.jobs;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the gateway's work-queue endpoints ({@code turnstile.gateway.jobs.*}); the decision timeout and
 * {@code Retry-After} are the claim path's ({@code turnstile.gateway.decision-timeout}, {@code .retry-after}).
 *
 * @param enabled whether the gateway serves the enqueue and worker endpoints
 * @param maxPending most job requests waiting for answers at once (long-polling claim-next requests included); beyond,
 *     503 at once
 * @param maxBodyBytes largest accepted request body: a payload or result may be 64 KiB of JSON, plus the other fields
 */
@ConfigurationProperties("turnstile.gateway.jobs")
public record JobGatewayProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("10000") int maxPending,
        @DefaultValue("98304") int maxBodyBytes) {}
