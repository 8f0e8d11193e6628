package dev.turnstile.processor.claim;

import static dev.turnstile.processor.claim.Commands.BUILD;
import static dev.turnstile.processor.claim.Commands.DEPLOY;
import static dev.turnstile.processor.claim.Commands.T0;
import static dev.turnstile.processor.claim.Commands.claim;
import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.ClaimPolicy;
import dev.turnstile.contracts.claim.DecisionHeader;
import dev.turnstile.contracts.claim.HolderRequest;
import dev.turnstile.contracts.claim.RefusalReason;
import dev.turnstile.contracts.claim.RequestRefused;
import dev.turnstile.processor.decision.ClaimDecider;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The rules of claiming, as sentences. Run against the pure decider and against the production topology, so the
 * adapter cannot change what the rules say.
 */
abstract class ClaimSemanticsContract {

    /** Feeds {@code commands} in order, each to its key's log, and returns every event emitted, in order. */
    abstract List<ClaimEvent> run(List<ClaimCommand> commands);

    private List<ClaimEvent> run(ClaimCommand... commands) {
        return run(List.of(commands));
    }

    @Nested
    class WhenNobodyHoldsTheKey {

        @Test
        void first_claim_is_granted_with_every_attempt_field() {
            var events = run(claim(DEPLOY, "agent-1", "req-0001", 0));

            assertThat(events)
                    .containsExactly(new ClaimGranted(
                            new DecisionHeader(
                                    1,
                                    "hire:convex-deploy:3f9c2ab#1",
                                    1,
                                    "req-0001",
                                    "hire:convex-deploy:3f9c2ab",
                                    "hire",
                                    "convex-deploy",
                                    "3f9c2ab",
                                    "agent-1",
                                    T0,
                                    false),
                            ClaimMode.ONCE,
                            1,
                            null,
                            null,
                            false));
        }

        @Test
        void keys_are_independent_so_each_first_claim_is_granted() {
            var events = run(claim(DEPLOY, "agent-1", "req-0001", 0), claim(BUILD, "agent-2", "req-0002", 1));

            assertThat(events)
                    .extracting(ClaimEvent::taskKey, ClaimEvent::agentId, ClaimEvent::wasGranted)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(DEPLOY.value(), "agent-1", true),
                            org.assertj.core.groups.Tuple.tuple(BUILD.value(), "agent-2", true));
        }
    }

    @Nested
    class WhenAnotherAgentHoldsTheKey {

        @Test
        void second_agent_is_denied_and_told_who_holds_the_key_since_when() {
            var events = run(claim(DEPLOY, "agent-1", "req-0001", 0), claim(DEPLOY, "agent-2", "req-0002", 5));

            assertThat(events.get(1))
                    .isEqualTo(new ClaimDenied(
                            new DecisionHeader(
                                    1,
                                    "hire:convex-deploy:3f9c2ab#2",
                                    2,
                                    "req-0002",
                                    "hire:convex-deploy:3f9c2ab",
                                    "hire",
                                    "convex-deploy",
                                    "3f9c2ab",
                                    "agent-2",
                                    T0.plusSeconds(5),
                                    false),
                            "agent-1",
                            T0,
                            ClaimMode.ONCE,
                            1,
                            null,
                            null));
        }

        @Test
        void once_claims_never_expire_however_late_the_next_attempt() {
            var events = run(
                    claim(DEPLOY, "agent-1", "req-0001", 0), claim(DEPLOY, "agent-2", "req-0002", 60 * 60 * 24 * 365));

            assertThat(events).extracting(ClaimEvent::wasGranted).containsExactly(true, false);
        }

        @Test
        void exactly_one_of_many_racing_agents_is_granted() {
            var commands = new ArrayList<ClaimCommand>();
            IntStream.range(0, 50).forEach(i -> commands.add(claim(DEPLOY, "agent-" + i, "req-" + (1000 + i), 0)));

            var events = run(commands);

            assertThat(events).hasSize(50);
            assertThat(events)
                    .filteredOn(ClaimEvent::wasGranted)
                    .singleElement()
                    .extracting(ClaimEvent::agentId)
                    .isEqualTo("agent-0");
            assertThat(events)
                    .extracting(ClaimEvent::sequence)
                    .containsExactlyElementsOf(
                            IntStream.rangeClosed(1, 50).mapToObj(i -> (long) i).toList());
        }
    }

    @Nested
    class WhenARequestIsRetried {

        @Test
        void retried_grant_is_answered_with_the_original_decision_marked_as_redelivery() {
            var events = run(
                    claim(DEPLOY, "agent-1", "req-0001", 0),
                    claim(DEPLOY, "agent-2", "req-0002", 1),
                    claim(DEPLOY, "agent-1", "req-0001", 9));

            assertThat(events.get(2)).isEqualTo(((ClaimGranted) events.get(0)).asRedelivery());
        }

        @Test
        void retried_denial_is_answered_with_the_original_denial() {
            var events = run(
                    claim(DEPLOY, "agent-1", "req-0001", 0),
                    claim(DEPLOY, "agent-2", "req-0002", 1),
                    claim(DEPLOY, "agent-2", "req-0002", 7));

            assertThat(events.get(2)).isEqualTo(((ClaimDenied) events.get(1)).asRedelivery());
        }

        @Test
        void a_redelivery_does_not_advance_the_sequence() {
            var events = run(
                    claim(DEPLOY, "agent-1", "req-0001", 0),
                    claim(DEPLOY, "agent-1", "req-0001", 1),
                    claim(DEPLOY, "agent-2", "req-0002", 2));

            assertThat(events).extracting(ClaimEvent::sequence).containsExactly(1L, 1L, 2L);
        }

        @Test
        void the_holders_retry_is_recognised_after_many_later_attempts() {
            var commands = new ArrayList<ClaimCommand>();
            commands.add(claim(DEPLOY, "agent-1", "req-0001", 0));
            IntStream.range(0, 100).forEach(i -> commands.add(claim(DEPLOY, "agent-x" + i, "req-" + (2000 + i), 1)));
            commands.add(claim(DEPLOY, "agent-1", "req-0001", 2));

            var events = run(commands);

            assertThat(events.getLast()).isEqualTo(((ClaimGranted) events.getFirst()).asRedelivery());
        }

        @Test
        void a_retry_is_never_decided_again_however_many_newer_answers_the_key_gave() {
            var commands = new ArrayList<ClaimCommand>();
            commands.add(claim(DEPLOY, "agent-1", "req-0001", 0));
            commands.add(claim(DEPLOY, "agent-2", "req-0002", 1));
            IntStream.range(0, 800).forEach(i -> commands.add(claim(DEPLOY, "agent-x" + i, "req-" + (3000 + i), 2)));
            commands.add(claim(DEPLOY, "agent-2", "req-0002", 3));

            var events = run(commands);

            assertThat(events.getLast()).isEqualTo(((ClaimDenied) events.get(1)).asRedelivery());
            assertThat(events).filteredOn(event -> !event.redelivery()).hasSize(802);
        }

        @Test
        void a_request_id_names_a_new_request_once_the_request_memory_has_passed() {
            var memory = ClaimDecider.DEFAULT_REQUEST_MEMORY;
            var events = run(
                    claim(DEPLOY, "agent-1", "req-0001", 0),
                    claim(DEPLOY, "agent-2", "req-0002", 1),
                    claim(DEPLOY, "agent-2", "req-0002", (int) memory.toSeconds() + 2));

            assertThat(events.get(2).redelivery()).isFalse();
            assertThat(events.get(2).sequence()).isEqualTo(3);
        }
    }

    @Nested
    class WhenARequestIdIsReused {

        @Test
        void another_agent_reusing_a_granted_request_id_is_refused_and_granted_nothing() {
            var events = run(claim(DEPLOY, "agent-1", "req-0001", 0), claim(DEPLOY, "agent-2", "req-0001", 1));

            assertThat(events.get(1)).isInstanceOfSatisfying(RequestRefused.class, refused -> {
                assertThat(refused.reason()).isEqualTo(RefusalReason.REQUEST_ID_REUSED);
                assertThat(refused.refused()).isEqualTo(HolderRequest.CLAIM);
                assertThat(refused.agentId()).isEqualTo("agent-2");
                assertThat(refused.heldBy()).isEqualTo("agent-1");
                assertThat(refused.redelivery()).isFalse();
                assertThat(refused.sequence()).isEqualTo(2);
            });
            assertThat(events).filteredOn(ClaimEvent::wasGranted).hasSize(1);
        }

        @Test
        void another_agent_reusing_a_denied_request_id_is_refused() {
            var events = run(
                    claim(DEPLOY, "agent-1", "req-0001", 0),
                    claim(DEPLOY, "agent-2", "req-0002", 1),
                    claim(DEPLOY, "agent-3", "req-0002", 2));

            assertThat(events.get(2))
                    .isInstanceOfSatisfying(
                            RequestRefused.class,
                            refused -> assertThat(refused.reason()).isEqualTo(RefusalReason.REQUEST_ID_REUSED));
        }

        @Test
        void the_same_agent_reusing_a_request_id_in_another_mode_is_refused() {
            var events = run(
                    claim(DEPLOY, "agent-1", "req-0001", 0),
                    claim(DEPLOY, "agent-1", "req-0001", 1, ClaimPolicy.lease(30)));

            assertThat(events.get(1)).isInstanceOfSatisfying(RequestRefused.class, refused -> {
                assertThat(refused.reason()).isEqualTo(RefusalReason.REQUEST_ID_REUSED);
                assertThat(refused.mode()).isEqualTo(ClaimMode.LEASE);
            });
        }

        @Test
        void a_refused_reuse_leaves_the_original_answer_to_its_own_retries() {
            var events = run(
                    claim(DEPLOY, "agent-1", "req-0001", 0),
                    claim(DEPLOY, "agent-2", "req-0001", 1),
                    claim(DEPLOY, "agent-1", "req-0001", 2));

            assertThat(events.get(2)).isEqualTo(((ClaimGranted) events.get(0)).asRedelivery());
        }

        @Test
        void a_request_id_is_per_task_key() {
            var events = run(claim(DEPLOY, "agent-1", "req-0001", 0), claim(BUILD, "agent-2", "req-0001", 1));

            assertThat(events).allMatch(ClaimEvent::wasGranted);
        }
    }

    @Nested
    class WhenTheHolderAsksAgain {

        @Test
        void the_active_holder_asking_with_a_new_request_id_is_told_it_holds_the_task() {
            var events = run(claim(DEPLOY, "agent-1", "req-0001", 0), claim(DEPLOY, "agent-1", "req-0009", 5));

            var grant = (ClaimGranted) events.get(0);
            assertThat(events.get(1)).isInstanceOfSatisfying(ClaimGranted.class, again -> {
                assertThat(again.requestId()).isEqualTo("req-0009");
                assertThat(again.redelivery()).isTrue();
                assertThat(again.decisionId()).isEqualTo(grant.decisionId());
                assertThat(again.fencingToken()).isEqualTo(grant.fencingToken());
                assertThat(again.attemptedAt()).isEqualTo(grant.attemptedAt());
            });
        }

        @Test
        void the_holder_asking_again_does_not_advance_the_sequence_or_grant_twice() {
            var events = run(
                    claim(DEPLOY, "agent-1", "req-0001", 0),
                    claim(DEPLOY, "agent-1", "req-0009", 5),
                    claim(DEPLOY, "agent-2", "req-0002", 6));

            assertThat(events)
                    .filteredOn(event -> event.wasGranted() && !event.redelivery())
                    .hasSize(1);
            assertThat(events.get(2).sequence()).isEqualTo(2);
        }

        @Test
        void the_holder_asking_again_with_other_settings_is_denied() {
            var events = run(
                    claim(DEPLOY, "agent-1", "req-0001", 0),
                    claim(DEPLOY, "agent-1", "req-0009", 5, ClaimPolicy.lease(30)));

            assertThat(events.get(1))
                    .isInstanceOfSatisfying(
                            ClaimDenied.class,
                            denied -> assertThat(denied.heldBy()).isEqualTo("agent-1"));
        }
    }
}
