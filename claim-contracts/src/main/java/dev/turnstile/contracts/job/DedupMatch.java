package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Why an enqueue was answered with an existing job. */
public enum DedupMatch {
    /** A job with the same job id is in the queue. */
    @JsonProperty("job_id")
    JOB_ID,
    /** An unfinished job with the same dedup key is in the queue. */
    @JsonProperty("dedup_key")
    DEDUP_KEY
}
