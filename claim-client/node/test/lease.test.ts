import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  acquireLease,
  ClaimRejectedError,
  completeClaim,
  keepLeaseAlive,
  releaseLease,
  renewLease,
  waitForOutcome,
  type HolderResult,
  type Logger,
} from '../src/index';
import { FakeCoordinator } from './support/fake-coordinator';

const quiet: Logger = { info: () => {}, warn: () => {} };

describe('leases', () => {
  let coordinator: FakeCoordinator;

  beforeEach(async () => {
    coordinator = await FakeCoordinator.start();
  });

  afterEach(async () => {
    await coordinator.close();
  });

  function key() {
    return {
      project: 'hire',
      task: 'convex-deploy',
      gitSha: '3F9C2AB',
      agentId: 'agent-1',
      coordinatorUrl: coordinator.url,
      backoff: { initialMs: 1, maxMs: 20 },
      logger: quiet,
    };
  }

  test('a lease grant carries its fencing token and expiry, and the claim says mode and ttl', async () => {
    coordinator.grantLease(4, 30);

    const grant = await acquireLease({ ...key(), ttlSeconds: 30, takeoverAfterFailure: true });

    assert.equal(grant.shouldProceed, true);
    assert.equal(grant.fencingToken, 4);
    assert.equal(grant.mode, 'lease');
    assert.equal(grant.expiresAt, '2026-11-23T10:30:30.000Z');
    const sent = coordinator.received[0]!.body;
    assert.equal(sent.mode, 'lease');
    assert.equal(sent.ttlSeconds, 30);
    assert.equal(sent.takeoverAfterFailure, true);
    assert.equal(sent.gitSha, '3f9c2ab');
  });

  test('a ttl out of bounds is rejected before any call', async () => {
    await assert.rejects(acquireLease({ ...key(), ttlSeconds: 0 }), ClaimRejectedError);
    assert.equal(coordinator.received.length, 0);
  });

  test('a refused renewal is a result with its reason, not an error', async () => {
    coordinator.refuse('stale_token');

    const answer = await renewLease({ ...key(), fencingToken: 3 });

    assert.equal(answer.accepted, false);
    assert.equal(answer.reason, 'stale_token');
    assert.equal(answer.currentFencingToken, 9);
    assert.equal(coordinator.received[0]!.path, '/api/lease/renew');
    assert.equal(coordinator.received[0]!.body.fencingToken, 3);
  });

  test('release and complete send the token, the outcome and a request id each', async () => {
    coordinator.accept('released').accept('completed');

    assert.equal((await releaseLease({ ...key(), fencingToken: 2 })).accepted, true);
    assert.equal((await completeClaim({ ...key(), fencingToken: 2, outcome: 'failed' })).result, 'completed');

    assert.deepEqual(
      coordinator.received.map((r) => r.path),
      ['/api/lease/release', '/api/claim/complete'],
    );
    assert.equal(coordinator.received[1]!.body.outcome, 'failed');
    assert.notEqual(coordinator.received[0]!.body.requestId, coordinator.received[1]!.body.requestId);
  });

  test('keep-alive renews until refused and then reports the lost lease once', async () => {
    coordinator.accept('renewed').refuse('lease_expired');

    const lost = await new Promise<HolderResult>((resolve) => {
      keepLeaseAlive({ ...key(), fencingToken: 1, ttlSeconds: 1, onLost: resolve });
    });

    assert.equal(lost.reason, 'lease_expired');
    assert.deepEqual(
      coordinator.received.map((r) => r.path),
      ['/api/lease/renew', '/api/lease/renew'],
    );
  });

  test('waiting for the outcome long-polls until the claim ends', async () => {
    coordinator
      .answer(200, JSON.stringify({ status: 'active', ended: false }))
      .answer(200, JSON.stringify({ status: 'failed', ended: true, agentId: 'agent-2', fencingToken: 1, message: 'x' }));

    const outcome = await waitForOutcome({ ...key(), waitMs: 120_000 });

    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.agentId, 'agent-2');
    assert.equal(coordinator.received.length, 2);
    assert.match(coordinator.received[0]!.path, /^\/api\/claim\/outcome\?taskKey=hire%3Aconvex-deploy%3A3f9c2ab&waitSeconds=60$/);
  });
});
