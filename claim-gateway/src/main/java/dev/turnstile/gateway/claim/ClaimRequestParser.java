package dev.turnstile.gateway.claim;

import static dev.turnstile.gateway.claim.RequestFields.Field.bool;
import static dev.turnstile.gateway.claim.RequestFields.Field.string;
import static dev.turnstile.gateway.claim.RequestFields.Field.wholeNumber;

import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.ClaimPolicy;
import dev.turnstile.contracts.claim.ClaimRules;
import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.contracts.claim.TaskKey;
import java.util.List;

/**
 * Turns a claim request body into a {@link ValidClaim}, or into violations that name each field and rule. Strict
 * on purpose: a misspelt field or a number where a name belongs is an agent bug that should surface at once.
 */
final class ClaimRequestParser {

    private static final RequestFields FIELDS = new RequestFields(
            List.of(
                    string("project"),
                    string("task"),
                    string("gitSha"),
                    string("agentId"),
                    string("requestId"),
                    string("mode"),
                    wholeNumber("ttlSeconds"),
                    bool("takeoverAfterFailure")),
            "{\"project\":\"hire\",\"task\":\"convex-deploy\",\"gitSha\":\"3f9c2ab\",\"agentId\":\"agent-1\"}");

    /** A claim that passed every rule; {@code requestId} may be null (the gateway then makes one). */
    record ValidClaim(TaskKey key, String agentId, String requestId, ClaimPolicy policy) {}

    /** Either a valid claim or the reasons it is not one. */
    record Parsed(ValidClaim claim, List<FieldViolation> violations) {

        boolean isValid() {
            return claim != null;
        }
    }

    Parsed parse(byte[] body) {
        var read = FIELDS.read(body);
        if (read.fatal()) {
            return new Parsed(null, read.violations());
        }
        var violations = read.with(
                read.broken("mode") || read.broken("ttlSeconds")
                        ? List.of()
                        : ClaimRules.checkPolicy(read.string("mode"), read.wholeNumber("ttlSeconds")));
        if (!violations.isEmpty()) {
            return new Parsed(null, violations);
        }
        return new Parsed(
                new ValidClaim(
                        new TaskKey(read.string("project"), read.string("task"), read.string("gitSha")),
                        read.string("agentId"),
                        read.string("requestId"),
                        policy(read)),
                List.of());
    }

    private static ClaimPolicy policy(RequestFields.Values read) {
        var ttl = read.wholeNumber("ttlSeconds");
        var mode = ttl != null
                ? ClaimMode.LEASE
                : ClaimMode.fromWireName(read.string("mode")).orElse(ClaimMode.ONCE);
        var takeover = Boolean.TRUE.equals(read.bool("takeoverAfterFailure"));
        return new ClaimPolicy(mode, ttl == null ? null : Math.toIntExact(ttl), takeover);
    }
}
