package dev.turnstile.gateway.settings;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the claim gateway ({@code turnstile.gateway.*}). Kafka connection settings come from
 * {@code spring.kafka.*}.
 *
 * @param decisionTimeout how long a claim waits for its decision before answering 503 (the agent retries)
 * @param maxPending most claims waiting for decisions at once; beyond it new claims get 503 at once
 * @param maxBodyBytes largest accepted request body
 * @param retryAfter the Retry-After the gateway suggests on 503
 * @param healthCacheTtl how long a Kafka health probe result is reused, so health checks stay cheap
 * @param healthTimeout how long a health probe waits for Kafka
 * @param processorGroupId the claim processor's Streams application id, whose members health looks for
 * @param outcomeTableSize how many task keys the wait-for-winner table remembers (least recently touched forgotten)
 * @param maxOutcomeWait the longest an outcome long-poll may wait ({@code waitSeconds} above it is a 400)
 * @param maxOutcomeWaiters most agents waiting for outcomes at once; beyond it they get 503 at once
 * @param dataDir the directory whose disk holds the data (the all-in-one's data directory); health and the claim
 *     guard watch its free space. Unset (a gateway of its own, which stores nothing): not watched
 * @param minFreeDisk below this much free space under {@code dataDir}, health is unhealthy and requests that would
 *     write are refused with 503 {@code disk_low}, before the broker's log directory fails
 * @param requestReadTimeout the longest a request may take to arrive, from its first byte to its last (headers and
 *     body); a connection still sending after that is closed
 * @param drainTimeout on shutdown, the longest to wait for requests in progress to be answered before the web server,
 *     the decision listener and the Kafka clients stop
 */
@ConfigurationProperties("turnstile.gateway")
public record GatewayProperties(
        @DefaultValue("5s") Duration decisionTimeout,
        @DefaultValue("10000") int maxPending,
        @DefaultValue("8192") int maxBodyBytes,
        @DefaultValue("1s") Duration retryAfter,
        @DefaultValue("1s") Duration healthCacheTtl,
        @DefaultValue("2s") Duration healthTimeout,
        @DefaultValue("turnstile-claim-processor") String processorGroupId,
        @DefaultValue("100000") int outcomeTableSize,
        @DefaultValue("60s") Duration maxOutcomeWait,
        @DefaultValue("10000") int maxOutcomeWaiters,
        Path dataDir,
        @DefaultValue("256MB") DataSize minFreeDisk,
        @DefaultValue("10s") Duration requestReadTimeout,
        @DefaultValue("10s") Duration drainTimeout) {}
