package dev.turnstile.contracts.job;

/**
 * An event that answers a request. Each request kind has its own sub-hierarchy (e.g. {@link ClaimNextAnswer}: a
 * job, no job, or a refusal), named by {@link JobRequest#answerType()}, so a controller switches over it without a
 * default branch. {@link JobRequestRefused} answers every kind.
 */
public sealed interface JobAnswer extends JobEvent
        permits EnqueueAnswer,
                ClaimNextAnswer,
                HeartbeatAnswer,
                CompleteAnswer,
                FailAnswer,
                LogsAnswer,
                ArtifactAnswer,
                CancelAnswer,
                RetryAnswer,
                DeleteAnswer,
                PauseAnswer,
                ResumeAnswer,
                ConfigureAnswer {

    @Override
    default boolean answersRequest() {
        return true;
    }
}
