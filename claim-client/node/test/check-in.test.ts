import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  checkInAndProceed,
  ClaimRejectedError,
  CoordinatorUnavailableError,
  defaultAgentId,
  delayBefore,
  type CheckInOptions,
  type Logger,
} from '../src/index';
import { CLAIMED_AT, FakeCoordinator } from './support/fake-coordinator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

class RecordingLogger implements Logger {
  readonly infos: string[] = [];
  readonly warnings: string[] = [];
  info(message: string): void {
    this.infos.push(message);
  }
  warn(message: string): void {
    this.warnings.push(message);
  }
}

describe('checkInAndProceed', () => {
  let coordinator: FakeCoordinator;
  let logger: RecordingLogger;

  beforeEach(async () => {
    coordinator = await FakeCoordinator.start();
    logger = new RecordingLogger();
  });

  afterEach(async () => {
    await coordinator.close();
  });

  function options(more: Partial<CheckInOptions> = {}): CheckInOptions {
    return {
      project: 'hire',
      task: 'convex-deploy',
      gitSha: '3F9C2AB',
      agentId: 'agent-1',
      coordinatorUrl: coordinator.url,
      backoff: { initialMs: 1, maxMs: 20 },
      logger,
      ...more,
    };
  }

  test('an agent token is sent as a bearer token, and none when not configured', async () => {
    coordinator.grant().grant();

    await checkInAndProceed(options({ token: 'ci-token-1' }));
    await checkInAndProceed(options({ gitSha: 'abcdef1' }));

    assert.equal(coordinator.received[0].authorization, 'Bearer ci-token-1');
    assert.equal(coordinator.received[1].authorization, undefined);
  });

  test('a coordinator that requires a token answers 401, not retried, with what to do', async () => {
    coordinator.answer(401, '{"error":"missing_token","detail":"This coordinator requires an agent token"}');

    await assert.rejects(checkInAndProceed(options()), (error: unknown) => {
      assert.ok(error instanceof CoordinatorUnavailableError);
      assert.match(error.message, /HTTP 401/);
      assert.match(error.message, /requires an agent token: pass token or set TURNSTILE_TOKEN\./);
      return true;
    });
    assert.equal(coordinator.received.length, 1);
  });

  test('the first agent proceeds and the decision is logged', async () => {
    coordinator.grant();

    const result = await checkInAndProceed(options());

    assert.equal(result.shouldProceed, true);
    assert.equal(result.taskKey, 'hire:convex-deploy:3f9c2ab');
    assert.equal(result.claimedBy, 'agent-1');
    assert.equal(result.claimedAt, CLAIMED_AT);
    assert.equal(result.message, `Claimed by agent-1 at ${CLAIMED_AT}`);
    assert.deepEqual(logger.infos, ['Task hire:convex-deploy - proceeding as first instance']);
  });

  test('a duplicate agent skips and the log says who claimed the task and when', async () => {
    coordinator.deny('agent-2');

    const result = await checkInAndProceed(options());

    assert.equal(result.shouldProceed, false);
    assert.equal(result.claimedBy, 'agent-2');
    assert.equal(result.message, `Already claimed by agent-2 at ${CLAIMED_AT}`);
    assert.deepEqual(logger.infos, [
      `Task hire:convex-deploy - skipping, already claimed by agent-2 at ${CLAIMED_AT}`,
    ]);
  });

  test('the claim is posted as json with a lower-case sha and a generated uuid request id', async () => {
    coordinator.grant();

    const result = await checkInAndProceed(options());

    const [received] = coordinator.received;
    assert.equal(received?.method, 'POST');
    assert.equal(received?.path, '/api/claim');
    assert.deepEqual({ ...received?.body, requestId: undefined }, {
      project: 'hire',
      task: 'convex-deploy',
      gitSha: '3f9c2ab',
      agentId: 'agent-1',
      requestId: undefined,
    });
    assert.match(received?.body.requestId ?? '', UUID);
    assert.equal(result.requestId, received?.body.requestId);
  });

  test('the coordinator url defaults to TURNSTILE_URL', async () => {
    coordinator.grant();
    const { coordinatorUrl: _ignored, ...withoutUrl } = options();

    await withEnv({ TURNSTILE_URL: coordinator.url + '/', NX_COORDINATOR_URL: 'http://nowhere.invalid' }, () =>
      checkInAndProceed(withoutUrl),
    );

    assert.equal(coordinator.received.length, 1);
  });

  test('NX_COORDINATOR_URL is read when TURNSTILE_URL is unset', async () => {
    coordinator.grant();
    const { coordinatorUrl: _ignored, ...withoutUrl } = options();

    await withEnv({ TURNSTILE_URL: undefined, NX_COORDINATOR_URL: coordinator.url }, () => checkInAndProceed(withoutUrl));

    assert.equal(coordinator.received.length, 1);
  });

  test('without a sha the one of the CI job is claimed, and the log says where it came from', async () => {
    coordinator.grant();
    const { gitSha: _ignored, ...withoutSha } = options();

    const result = await withEnv({ GITHUB_SHA: '3F9C2AB8D1E0F4A7B6C5D4E3F2A1B0C9D8E7F6A5' }, () =>
      checkInAndProceed(withoutSha),
    );

    assert.equal(coordinator.received[0]?.body.gitSha, '3f9c2ab8d1e0f4a7b6c5d4e3f2a1b0c9d8e7f6a5');
    assert.equal(result.gitSha, '3f9c2ab8d1e0f4a7b6c5d4e3f2a1b0c9d8e7f6a5');
    assert.deepEqual(logger.infos, [
      'Task hire:convex-deploy - sha 3f9c2ab8d1e0f4a7b6c5d4e3f2a1b0c9d8e7f6a5 (from GITHUB_SHA)',
      'Task hire:convex-deploy - proceeding as first instance',
    ]);
    assert.equal(coordinator.received[0]?.path, '/api/claim');
  });

  test('a busy coordinator is asked again with the same request id until it decides', async () => {
    coordinator
      .answer(503, '{"error":"overloaded","detail":"Too many pending claims"}', { 'retry-after': '0' })
      .answer(502, '')
      .grant();

    const result = await checkInAndProceed(options());

    assert.equal(result.shouldProceed, true);
    assert.deepEqual(
      coordinator.received.map((received) => received.body.requestId),
      [result.requestId, result.requestId, result.requestId],
    );
    assert.equal(logger.warnings.length, 2);
    assert.match(logger.warnings[0] ?? '', /^Claim attempt 1 of 4 for hire:convex-deploy:3f9c2ab/);
    assert.match(logger.warnings[0] ?? '', /HTTP 503 overloaded: Too many pending claims/);
    assert.match(logger.warnings[0] ?? '', new RegExp(`with the same requestId ${result.requestId}$`));
    assert.match(logger.warnings[1] ?? '', /^Claim attempt 2 of 4 .*HTTP 502/);
  });

  test('retry-after is honoured up to the backoff cap', async () => {
    coordinator.answer(503, '{"error":"decision_timeout"}', { 'retry-after': '1' }).grant();

    await checkInAndProceed(options({ retries: 1, backoff: { initialMs: 1, maxMs: 300 } }));

    assert.deepEqual(logger.warnings.length, 1);
    assert.match(logger.warnings[0] ?? '', /retrying in 300 ms/);
    const [first, second] = coordinator.received;
    assert.ok((second?.receivedAtMs ?? 0) - (first?.receivedAtMs ?? 0) >= 295);
  });

  test('a claim the coordinator answers with 400 is rejected with its violations and not retried', async () => {
    coordinator.answer(
      400,
      JSON.stringify({
        error: 'invalid_request',
        message: 'The claim is invalid',
        violations: [{ field: 'gitSha', rule: 'pattern', message: 'gitSha must be hexadecimal' }],
      }),
    );

    await assert.rejects(checkInAndProceed(options()), (error: unknown) => {
      assert.ok(error instanceof ClaimRejectedError);
      assert.equal(error.checkedLocally, false);
      assert.deepEqual(error.violations, [
        { field: 'gitSha', rule: 'pattern', message: 'gitSha must be hexadecimal' },
      ]);
      return true;
    });
    assert.equal(coordinator.received.length, 1);
    assert.deepEqual(logger.warnings, []);
  });

  test('an invalid claim is rejected before any call with every violation', async () => {
    await assert.rejects(checkInAndProceed(options({ task: 'convex deploy', gitSha: 'zz' })), (error: unknown) => {
      assert.ok(error instanceof ClaimRejectedError);
      assert.equal(error.checkedLocally, true);
      assert.deepEqual(
        error.violations.map((violation) => violation.field),
        ['task', 'gitSha'],
      );
      assert.match(error.message, /gitSha must be 7 to 64 hexadecimal characters/);
      return true;
    });
    assert.equal(coordinator.received.length, 0);
  });

  test('other client errors are not retried and point at the url', async () => {
    coordinator.answer(404, 'Not Found');

    await assert.rejects(checkInAndProceed(options()), (error: unknown) => {
      assert.ok(error instanceof CoordinatorUnavailableError);
      assert.equal(error.lastStatus, 404);
      assert.match(error.message, /answered HTTP 404 on attempt 1, which is not retried/);
      assert.match(error.message, /TURNSTILE_URL/);
      return true;
    });
    assert.equal(coordinator.received.length, 1);
  });

  test('an unreachable coordinator fails after the configured attempts saying what to check', async () => {
    const url = await FakeCoordinator.unreachableUrl();

    await assert.rejects(checkInAndProceed(options({ coordinatorUrl: url, retries: 2 })), (error: unknown) => {
      assert.ok(error instanceof CoordinatorUnavailableError);
      assert.equal(error.attempts, 3);
      assert.equal(error.url, `${url}/api/claim`);
      assert.match(error.message, new RegExp(`from ${url}/api/claim after 3 attempts`));
      assert.match(error.message, /could not connect to 127\.0\.0\.1:\d+ \(.*ECONNREFUSED/);
      assert.match(error.message, /Check TURNSTILE_URL .* coordinator is running/);
      return true;
    });
    assert.equal(logger.warnings.length, 2);
  });

  test('an attempt without an answer times out and is retried', async () => {
    coordinator.hang().grant();

    const result = await checkInAndProceed(options({ timeoutMs: 150 }));

    assert.equal(result.shouldProceed, true);
    assert.equal(logger.warnings.length, 1);
    assert.match(logger.warnings[0] ?? '', /no answer within 150 ms/);
  });

  test('without a coordinator url the error says how to give one', async () => {
    const { coordinatorUrl: _ignored, ...withoutUrl } = options();

    await withEnv({ TURNSTILE_URL: undefined, NX_COORDINATOR_URL: undefined }, () =>
      assert.rejects(checkInAndProceed(withoutUrl), /pass coordinatorUrl or set TURNSTILE_URL/),
    );
  });
});

describe('defaultAgentId', () => {
  test('is NX_CLOUD_AGENT_ID when set', () => {
    assert.equal(defaultAgentId({ NX_CLOUD_AGENT_ID: 'agent-7' }, 1234), 'agent-7');
  });

  test('is hostname-pid outside CI', () => {
    assert.match(defaultAgentId({}, 1234), /^.+-1234$/);
    assert.match(defaultAgentId({ NX_CLOUD_AGENT_ID: ' ' }, 1234), /^.+-1234$/);
  });
});

/** Runs `action` with the variables set (undefined: unset), then puts the environment back. */
async function withEnv<T>(variables: Record<string, string | undefined>, action: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  const set = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  };
  set(variables);
  try {
    return await action();
  } finally {
    set(saved);
  }
}

describe('delayBefore', () => {
  const backoff = { initialMs: 200, maxMs: 3000 };

  test('doubles after each retry until the cap', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((retry) => delayBefore(retry, undefined, 0, backoff)),
      [200, 400, 800, 1600, 3000, 3000],
    );
  });

  test('jitter only lengthens a pause, never past the cap', () => {
    assert.equal(delayBefore(1, undefined, 0.999, backoff), 250);
    assert.equal(delayBefore(5, undefined, 0.999, backoff), 3000);
  });

  test('waits for a retry-after longer than the backoff, up to the cap', () => {
    assert.equal(delayBefore(1, 2000, 0, backoff), 2000);
    assert.equal(delayBefore(1, 300_000, 0.5, backoff), 3000);
    assert.equal(delayBefore(3, 0, 0, backoff), 800);
  });
});
