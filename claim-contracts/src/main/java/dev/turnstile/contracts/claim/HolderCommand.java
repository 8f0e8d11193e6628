package dev.turnstile.contracts.claim;

/**
 * A request only the current holder may make, proving it holds the key with its fencing token: renew a lease,
 * release the claim, or report the task's outcome.
 */
public sealed interface HolderCommand extends ClaimCommand
        permits LeaseRenewRequested, ReleaseRequested, CompletionReported {

    /** Who asks; must be the holder. */
    String agentId();

    /** The fencing token of the holder's grant. */
    long fencingToken();

    /** What is asked, for refusals. */
    HolderRequest request();
}
