package dev.turnstile.projections.activity;

import dev.turnstile.contracts.claim.ClaimCompleted;
import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.LeaseExpired;
import dev.turnstile.contracts.claim.LeaseReleased;
import dev.turnstile.contracts.claim.LeaseRenewed;
import dev.turnstile.contracts.claim.RequestRefused;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.projections.query.Lease;
import dev.turnstile.projections.query.LeaseState;
import java.util.HashMap;
import java.util.Map;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * The latest lease of each task key, kept from the decisions that grant, renew, release, expire and complete leases,
 * with one index per state. Used inside one write batch: changes made earlier in the batch are seen by later ones.
 */
final class LeaseBook {

    /** Reads a stored value, or null. */
    interface Store {
        byte[] get(byte[] key) throws RocksDBException;
    }

    private final Store store;
    private final WriteBatch batch;
    private final Map<String, Lease> pending = new HashMap<>();

    LeaseBook(Store store, WriteBatch batch) {
        this.store = store;
        this.batch = batch;
    }

    /** Follows {@code event}; events of other holders (an older fencing token) or other modes change nothing. */
    void apply(ClaimEvent event) throws RocksDBException {
        if (event.mode() != ClaimMode.LEASE || event instanceof ClaimDenied || event instanceof RequestRefused) {
            // Once claims, denials and refused requests leave every lease as it is: no need to read one.
            return;
        }
        var current = current(event.taskKey());
        Lease next = switch (event) {
            case ClaimGranted granted -> new Lease(
                    granted.taskKey(), granted.project(), granted.task(), granted.gitSha(), granted.agentId(),
                    granted.fencingToken(), LeaseState.ACTIVE, granted.attemptedAt(), granted.expiresAt(), null, null);
            case LeaseRenewed renewed when holds(current, renewed.fencingToken()) -> current.renewed(renewed.expiresAt());
            case LeaseReleased released when holds(current, released.fencingToken()) ->
                current.ended(LeaseState.RELEASED, released.attemptedAt(), null);
            case LeaseExpired expired when holds(current, expired.fencingToken()) ->
                current.ended(LeaseState.EXPIRED, expired.expiresAt() == null ? expired.attemptedAt() : expired.expiresAt(), null);
            case ClaimCompleted completed when holds(current, completed.fencingToken()) -> current.ended(
                    LeaseState.COMPLETED, completed.attemptedAt(),
                    completed.outcome() == null ? null : completed.outcome().wireName());
            default -> current;
        };
        if (next == current) {
            return;
        }
        if (current != null) {
            batch.delete(indexKey(current));
        }
        batch.put(Keys.lease(next.taskKey()), Json.MAPPER.writeValueAsBytes(next));
        batch.put(indexKey(next), Keys.utf8(next.taskKey()));
        pending.put(next.taskKey(), next);
    }

    private static boolean holds(Lease current, long fencingToken) {
        return current != null && current.state() == LeaseState.ACTIVE && current.fencingToken() == fencingToken;
    }

    private Lease current(String taskKey) throws RocksDBException {
        if (pending.containsKey(taskKey)) {
            return pending.get(taskKey);
        }
        return decode(store.get(Keys.lease(taskKey)));
    }

    static Lease decode(byte[] stored) {
        return stored == null ? null : Json.MAPPER.readValue(stored, Lease.class);
    }

    static byte[] indexKey(Lease lease) {
        return Keys.leaseInState(lease.state().label(), lease.grantedAt().toEpochMilli(), lease.taskKey());
    }
}
