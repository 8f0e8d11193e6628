package dev.turnstile.examples.decisions;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * The fields of a claim decision this consumer uses; the value has more (see the JSON Schema
 * {@code schemas/claim-decisions.v1.schema.json}), and fields are added within version 1, so unknown ones are ignored.
 *
 * @param decisionId {@code <taskKey>#<sequence>}, also the {@code ce_id} header
 * @param taskKey {@code project:task:gitSha}, also the record key and the {@code ce_subject} header
 * @param agentId the agent that asked
 * @param attemptedAt when it asked
 * @param heldBy for a denial: the agent holding the claim
 * @param redelivery true when the record repeats an earlier decision for a retried request: not a new attempt
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Decision(
        String decisionId, String taskKey, String agentId, Instant attemptedAt, String heldBy, boolean redelivery) {}
