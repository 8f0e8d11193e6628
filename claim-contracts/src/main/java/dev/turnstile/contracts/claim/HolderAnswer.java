package dev.turnstile.contracts.claim;

/** A decision that answers a holder's renew, release or completion: done, or refused with a reason. */
public sealed interface HolderAnswer extends ClaimEvent
        permits LeaseRenewed, LeaseReleased, ClaimCompleted, RequestRefused {}
