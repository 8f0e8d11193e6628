package dev.turnstile.gateway.claim;

import static dev.turnstile.gateway.claim.RequestFields.Field.string;
import static dev.turnstile.gateway.claim.RequestFields.Field.wholeNumber;

import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.ClaimRules;
import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.contracts.claim.HolderRequest;
import dev.turnstile.contracts.claim.TaskKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the body of a holder's request (renew, release, complete) into a {@link ValidHolderRequest}, or into
 * violations naming each field and rule, as strictly as claims are parsed.
 */
final class HolderRequestParser {

    private static final String KEY_EXAMPLE =
            "\"project\":\"hire\",\"task\":\"convex-deploy\",\"gitSha\":\"3f9c2ab\",\"agentId\":\"agent-1\",\"fencingToken\":1";

    /**
     * A request that passed every rule.
     *
     * @param ttlSeconds renew only: the new TTL, or null to keep the lease's
     * @param outcome complete only
     * @param requestId may be null (the gateway then makes one)
     */
    record ValidHolderRequest(
            HolderRequest request,
            TaskKey key,
            String agentId,
            long fencingToken,
            Integer ttlSeconds,
            ClaimOutcome outcome,
            String requestId) {}

    /** Either a valid request or the reasons it is not one. */
    record Parsed(ValidHolderRequest request, List<FieldViolation> violations) {

        boolean isValid() {
            return request != null;
        }
    }

    private final HolderRequest request;
    private final RequestFields fields;

    HolderRequestParser(HolderRequest request) {
        this.request = request;
        var accepted = new ArrayList<>(List.of(
                string("project"),
                string("task"),
                string("gitSha"),
                string("agentId"),
                wholeNumber("fencingToken"),
                string("requestId")));
        var example = KEY_EXAMPLE;
        if (request == HolderRequest.RENEW) {
            accepted.add(wholeNumber("ttlSeconds"));
        }
        if (request == HolderRequest.COMPLETE) {
            accepted.add(string("outcome"));
            example += ",\"outcome\":\"succeeded\"";
        }
        this.fields = new RequestFields(accepted, "{" + example + "}");
    }

    Parsed parse(byte[] body) {
        var read = fields.read(body);
        if (read.fatal()) {
            return new Parsed(null, read.violations());
        }
        var ruleViolations = new ArrayList<FieldViolation>();
        ruleViolations.addAll(ClaimRules.checkFencingToken(read.wholeNumber("fencingToken")));
        if (request == HolderRequest.RENEW) {
            ruleViolations.addAll(ClaimRules.checkTtlSeconds(read.wholeNumber("ttlSeconds")));
        }
        if (request == HolderRequest.COMPLETE) {
            ruleViolations.addAll(ClaimRules.checkOutcome(read.string("outcome")));
        }
        var violations = read.with(ruleViolations);
        if (!violations.isEmpty()) {
            return new Parsed(null, violations);
        }
        var ttl = read.wholeNumber("ttlSeconds");
        return new Parsed(
                new ValidHolderRequest(
                        request,
                        new TaskKey(read.string("project"), read.string("task"), read.string("gitSha")),
                        read.string("agentId"),
                        read.wholeNumber("fencingToken"),
                        ttl == null ? null : Math.toIntExact(ttl),
                        request == HolderRequest.COMPLETE
                                ? ClaimOutcome.fromWireName(read.string("outcome"))
                                        .orElseThrow()
                                : null,
                        read.string("requestId")),
                List.of());
    }
}
