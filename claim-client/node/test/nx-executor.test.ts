import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { ExecutorContext, Target } from '@nx/devkit';
import { createClaimExecutor, wrappedTarget, type RunTarget } from '../src/nx/claim/executor';
import { FakeCoordinator } from './support/fake-coordinator';

/** The context Nx gives an executor running hire:deploy (only the fields the executor reads are meaningful). */
function context(more: Partial<ExecutorContext> = {}): ExecutorContext {
  return {
    root: '/workspace',
    cwd: '/workspace',
    isVerbose: false,
    projectName: 'hire',
    targetName: 'deploy',
    projectsConfigurations: { version: 2, projects: {} },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
    ...more,
  } as ExecutorContext;
}

describe('the Nx claim executor', () => {
  let coordinator: FakeCoordinator;
  let ran: { target: Target; overrides: Record<string, unknown> }[];
  let logged: string[];

  beforeEach(async () => {
    coordinator = await FakeCoordinator.start();
    ran = [];
    logged = [];
  });

  afterEach(async () => {
    await coordinator.close();
  });

  /** An executor whose wrapped target records that it ran and yields `results`. */
  function executor(...results: boolean[]) {
    const runTarget: RunTarget = async (target, overrides) => {
      ran.push({ target, overrides });
      return (async function* () {
        for (const success of results) {
          yield { success };
        }
      })();
    };
    const log = (line: string) => logged.push(line);
    return createClaimExecutor(runTarget, { info: log, warn: log, error: log });
  }

  const options = () => ({ target: 'deploy-unclaimed', coordinatorUrl: coordinator.url, gitSha: '3f9c2ab', agentId: 'a1' });

  test('the first agent runs the wrapped target and reports that it succeeded', async () => {
    coordinator.grantLease(1, 600).accept('completed');

    const result = await executor(true)({ ...options(), ttlSeconds: 600, overrides: { prod: true } }, context());

    assert.deepEqual(result, { success: true });
    assert.deepEqual(ran, [{ target: { project: 'hire', target: 'deploy-unclaimed' }, overrides: { prod: true } }]);
    assert.equal(coordinator.received[0]?.body.project, 'hire');
    assert.equal(coordinator.received[0]?.body.task, 'deploy');
    assert.equal(coordinator.received[0]?.body.ttlSeconds, 600);
    assert.equal(coordinator.received[1]?.path, '/api/claim/complete');
    assert.equal(coordinator.received[1]?.body.outcome, 'succeeded');
  });

  test('another agent skips without running the wrapped target, and succeeds', async () => {
    coordinator.deny('agent-2');

    const result = await executor(true)(options(), context());

    assert.deepEqual(result, { success: true });
    assert.deepEqual(ran, []);
    assert.deepEqual(logged, ['Task hire:deploy - skipping, already claimed by agent-2 at 2026-11-23T10:30:00Z']);
  });

  test('a wrapped target that fails fails the executor and is reported as failed', async () => {
    coordinator.grantLease(4, 600).accept('completed');

    const result = await executor(true, false)({ ...options(), ttlSeconds: 600 }, context());

    assert.deepEqual(result, { success: false });
    assert.equal(coordinator.received[1]?.body.outcome, 'failed');
    assert.equal(coordinator.received[1]?.body.fencingToken, 4);
  });

  test('with wait, another agent succeeds only if the winner did', async () => {
    coordinator
      .deny('agent-2')
      .answer(200, JSON.stringify({ taskKey: 'hire:deploy:3f9c2ab', status: 'failed', ended: true, message: 'failed' }));

    const result = await executor(true)({ ...options(), wait: true, waitTimeoutSeconds: 5 }, context());

    assert.deepEqual(result, { success: false });
    assert.deepEqual(ran, []);
    assert.match(logged.join('\n'), /winner's outcome: failed/);
  });

  test('an unreachable coordinator fails the executor without running the target', async () => {
    const result = await executor(true)(
      { ...options(), coordinatorUrl: await FakeCoordinator.unreachableUrl() },
      context(),
    );

    assert.deepEqual(result, { success: false });
    assert.deepEqual(ran, []);
    assert.match(logged.join('\n'), /Turnstile: No claim decision for hire:deploy:3f9c2ab/);
  });

  test('the wrapped target may name a project and configuration, but never the executor\'s own target', () => {
    assert.deepEqual(wrappedTarget('deploy-unclaimed', context({ configurationName: 'production' })), {
      project: 'hire',
      target: 'deploy-unclaimed',
      configuration: 'production',
    });
    assert.deepEqual(wrappedTarget('web:deploy:staging', context()), { project: 'web', target: 'deploy', configuration: 'staging' });
    assert.throws(() => wrappedTarget('hire:deploy', context()), /is this very target \(hire:deploy\)/);
  });
});
