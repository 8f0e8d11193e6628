package dev.turnstile.examples.decisions;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Routes a record of {@code claim-decisions} on its CloudEvents {@code ce_type} header, before parsing the value.
 * Types this consumer does not handle, including types a later Turnstile release adds, are skipped: the topic's
 * contract adds types within version 1. Redeliveries (a retried request's repeated answer) are skipped too, so each
 * attempt is handled once.
 */
public final class DecisionRouter {

    public static final String CE_TYPE = "ce_type";
    public static final String GRANTED = "dev.turnstile.claim.ClaimGranted";
    public static final String DENIED = "dev.turnstile.claim.ClaimDenied";

    private final ObjectMapper json = JsonMapper.builder().build();
    private final DecisionHandler handler;

    public DecisionRouter(DecisionHandler handler) {
        this.handler = handler;
    }

    /** Handles one record given its headers and value; returns whether it was handled or skipped. */
    public boolean route(Headers headers, byte[] value) {
        var type = headers.lastHeader(CE_TYPE);
        return route(type == null ? null : new String(type.value(), StandardCharsets.UTF_8), value);
    }

    /** Handles one record given its {@code ce_type} and value; returns whether it was handled or skipped. */
    public boolean route(String ceType, byte[] value) {
        if (!GRANTED.equals(ceType) && !DENIED.equals(ceType)) {
            return false;
        }
        var decision = json.readValue(value, Decision.class);
        if (decision.redelivery()) {
            return false;
        }
        if (GRANTED.equals(ceType)) {
            handler.granted(decision);
        } else {
            handler.denied(decision);
        }
        return true;
    }
}
