package dev.turnstile.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.topic.Topic;
import dev.turnstile.history.CommittedDecisions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads a decisions topic from offset 0, as a committed reader (projections, other teams) sees it, and checks it. */
final class DecisionLog {

    private final List<ClaimEvent> events;

    private DecisionLog(List<ClaimEvent> events) {
        this.events = events;
    }

    /**
     * Every committed decision on {@code topic}, per partition in log order, up to everything written when called:
     * decisions still in an open transaction (answered to agents already, from uncommitted reads) are waited for
     * until the processor's next commit.
     */
    static DecisionLog read(String bootstrapServers, Topic<String, ClaimEvent> topic) {
        return new DecisionLog(CommittedDecisions.read(bootstrapServers, topic, Duration.ofSeconds(30)));
    }

    List<ClaimEvent> events() {
        return events;
    }

    /** Decisions that are not repeats of earlier ones. */
    List<ClaimEvent> firstDecisions() {
        return events.stream().filter(event -> !event.redelivery()).toList();
    }

    /** The agents granted each key, counting every grant (a correct log has exactly one per key). */
    Map<String, List<String>> grantsByKey() {
        return firstDecisions().stream()
                .filter(ClaimEvent::wasGranted)
                .collect(Collectors.groupingBy(
                        ClaimEvent::taskKey, Collectors.mapping(ClaimEvent::agentId, Collectors.toList())));
    }

    /** Each key's decisions in order. */
    Map<String, List<ClaimEvent>> byKey() {
        var byKey = new HashMap<String, List<ClaimEvent>>();
        events.forEach(event ->
                byKey.computeIfAbsent(event.taskKey(), key -> new ArrayList<>()).add(event));
        return byKey;
    }

    /** Asserts the guarantee: every key that was decided has exactly one grant, and decision ids are unique. */
    void assertExactlyOneGrantPerKey() {
        var keys = firstDecisions().stream().map(ClaimEvent::taskKey).distinct().toList();
        var grants = grantsByKey();
        var byKey = byKey();
        assertThat(keys)
                .allSatisfy(key -> assertThat(grants.get(key))
                        .as("grants of %s in %s", key, byKey.get(key))
                        .hasSize(1));
        assertThat(firstDecisions().stream().map(ClaimEvent::decisionId))
                .as("decision ids")
                .doesNotHaveDuplicates();
    }
}
