package dev.turnstile.contracts.claim;

/** A decision that answers a claim: granted, denied, or refused because it reused another request's id. */
public sealed interface ClaimAnswer extends ClaimEvent permits ClaimGranted, ClaimDenied, RequestRefused {}
