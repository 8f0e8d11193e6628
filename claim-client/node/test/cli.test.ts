import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { EXIT, main, type Io } from '../src/cli';
import { CLAIMED_AT, FakeCoordinator } from './support/fake-coordinator';

const CLAIM = ['--project', 'hire', '--task', 'convex-deploy', '--sha', '3f9c2ab', '--agent', 'a1'];

describe('turnstile-claim', () => {
  let coordinator: FakeCoordinator;
  let out: string[];
  let err: string[];
  let dir: string;

  beforeEach(async () => {
    coordinator = await FakeCoordinator.start();
    out = [];
    err = [];
    dir = mkdtempSync(join(tmpdir(), 'turnstile-claim-'));
  });

  afterEach(async () => {
    await coordinator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the command with TURNSTILE_URL pointing at the fake coordinator and nothing of the CI these tests run in. */
  function claim(args: string[], env: Record<string, string | undefined> = {}): Promise<number> {
    const io: Io = {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      env: { PATH: process.env.PATH, TURNSTILE_URL: coordinator.url, ...env },
    };
    return main(args, io);
  }

  describe('claim', () => {
    test('proceeding prints claimctl\'s line and exits 0', async () => {
      coordinator.grant();

      assert.equal(await claim(['claim', ...CLAIM]), EXIT.OK);

      assert.deepEqual(out, ['hire:convex-deploy — proceeding as first instance (sha 3f9c2ab, agent a1)']);
      assert.deepEqual(err, []);
    });

    test('skipping a duplicate exits 0, or 10 with --exit-code', async () => {
      coordinator.deny('agent-2').deny('agent-2');

      assert.equal(await claim(['claim', ...CLAIM]), EXIT.OK);
      assert.equal(await claim(['claim', ...CLAIM, '--exit-code']), EXIT.SKIPPED);

      assert.equal(out[0], `hire:convex-deploy — skipping, already claimed by agent-2 at ${CLAIMED_AT}`);
    });

    test('--json prints the decision as one line with claimctl\'s fields', async () => {
      coordinator.deny('agent-2');

      await claim(['claim', ...CLAIM, '--json', '--request-id', 'ci-run-42-convex']);

      assert.equal(out.length, 1);
      const json = JSON.parse(out[0] ?? '') as Record<string, unknown>;
      assert.deepEqual(Object.keys(json), [
        'proceed', 'taskKey', 'requestId', 'claimedBy', 'claimedAt', 'message', 'mode', 'fencingToken', 'expiresAt', 'outcome',
      ]);
      assert.equal(json.proceed, false);
      assert.equal(json.requestId, 'ci-run-42-convex');
      assert.equal(json.claimedBy, 'agent-2');
    });

    test('on GitHub Actions the sha and agent come from the job, and standard error says where the sha came from', async () => {
      coordinator.grant();

      const code = await claim(['claim', '--project', 'hire', '--task', 'convex-deploy'], {
        GITHUB_SHA: '3F9C2AB8D1E0F4A7B6C5D4E3F2A1B0C9D8E7F6A5',
        GITHUB_RUN_ID: '9876543210',
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_JOB: 'deploy',
        RUNNER_NAME: 'GitHub Actions 12',
      });

      assert.equal(code, EXIT.OK);
      assert.equal(coordinator.received[0]?.body.gitSha, '3f9c2ab8d1e0f4a7b6c5d4e3f2a1b0c9d8e7f6a5');
      assert.equal(coordinator.received[0]?.body.agentId, 'github-9876543210-1-deploy@GitHub Actions 12');
      assert.deepEqual(err, ['turnstile-claim: sha 3f9c2ab8d1e0f4a7b6c5d4e3f2a1b0c9d8e7f6a5 (from GITHUB_SHA)']);
    });

    test('in an Nx target the project and task come from Nx', async () => {
      coordinator.grant();

      await claim(['claim', '--sha', '3f9c2ab'], { NX_TASK_TARGET_PROJECT: 'hire', NX_TASK_TARGET_TARGET: 'deploy' });

      assert.equal(coordinator.received[0]?.body.project, 'hire');
      assert.equal(coordinator.received[0]?.body.task, 'deploy');
      assert.deepEqual(err, ['turnstile-claim: project hire (from NX_TASK_TARGET_PROJECT), task deploy (from NX_TASK_TARGET_TARGET)']);
    });

    test('an invalid sha exits 3 with the rule and sends nothing', async () => {
      assert.equal(await claim(['claim', '--project', 'hire', '--task', 'deploy', '--sha', 'not-a-sha']), EXIT.INVALID);

      assert.equal(err[0], 'turnstile-claim: invalid claim, not sent to the coordinator:');
      assert.match(err[1] ?? '', /gitSha must be 7 to 64 hexadecimal characters/);
      assert.equal(coordinator.received.length, 0);
    });

    test('an unreachable coordinator exits 4 saying what to check', async () => {
      const url = await FakeCoordinator.unreachableUrl();

      assert.equal(await claim(['claim', ...CLAIM, '--retries', '0'], { TURNSTILE_URL: url }), EXIT.UNAVAILABLE);

      assert.match(err.join('\n'), /could not connect.*Check TURNSTILE_URL/s);
    });

    test('no coordinator url, an unknown option or a missing task are usage errors (exit 2)', async () => {
      assert.equal(await claim(['claim', ...CLAIM], { TURNSTILE_URL: undefined }), EXIT.USAGE);
      assert.match(err[0] ?? '', /No coordinator URL: pass --url or set TURNSTILE_URL/);
      assert.equal(await claim(['claim', ...CLAIM, '--frobnicate']), EXIT.USAGE);
      assert.equal(await claim(['claim', '--project', 'hire', '--sha', '3f9c2ab']), EXIT.USAGE);
      assert.match(err.join('\n'), /Missing --task: pass --task \(or run turnstile-claim in an Nx target/);
      assert.equal(coordinator.received.length, 0);
    });

    test('--help lists the commands, the exit codes and the environment', async () => {
      assert.equal(await claim(['--help']), EXIT.OK);

      for (const expected of ['claim', 'run', 'renew', 'release', 'complete', 'health', 'TURNSTILE_URL', 'TURNSTILE_TOKEN',
        'NX_COORDINATOR_URL', 'GITHUB_SHA', 'CI_COMMIT_SHA', 'BUILDKITE_COMMIT', '14   run --lease']) {
        assert.ok(out[0]?.includes(expected), `--help mentions ${expected}`);
      }
    });
  });

  describe('run', () => {
    test('a granted command runs, its outcome is reported and its exit code returned', async () => {
      coordinator.grantLease(1, 30).accept('completed');
      const marker = join(dir, 'deployed');

      const code = await claim(['run', ...CLAIM, '--lease', '30s', '--', 'sh', '-c', `touch ${marker}; exit 7`]);

      assert.equal(code, 7);
      assert.ok(existsSync(marker));
      assert.match(err[0] ?? '', /^hire:convex-deploy — proceeding as first instance/);
      assert.equal(coordinator.received[1]?.path, '/api/claim/complete');
      assert.equal(coordinator.received[1]?.body.outcome, 'failed');
    });

    test('a skipped command does not run and exits 0; with --wait it exits 11 when the winner failed', async () => {
      coordinator.deny('agent-2').deny('agent-2').answer(200, JSON.stringify({
        taskKey: 'hire:convex-deploy:3f9c2ab', status: 'failed', ended: true, message: 'agent-2 reported failed',
      }));
      const marker = join(dir, 'deployed');

      assert.equal(await claim(['run', ...CLAIM, 'touch', marker]), EXIT.OK);
      assert.equal(await claim(['run', ...CLAIM, '--wait', '--', 'touch', marker]), EXIT.WINNER_FAILED);

      assert.ok(!existsSync(marker));
      assert.match(err.join('\n'), /winner's outcome: failed/);
    });

    test('a granted command that cannot start exits 127 and releases the claim', async () => {
      coordinator.grantLease(1, 30).accept('released');

      assert.equal(await claim(['run', ...CLAIM, '--lease', '30s', '/nonexistent/turnstile-deploy']), EXIT.CANNOT_START);

      assert.match(err.join('\n'), /could not start \/nonexistent\/turnstile-deploy/);
      assert.equal(coordinator.received[1]?.path, '/api/lease/release');
    });

    test('with --lease, a lost lease stops the command and exits 14', async () => {
      coordinator.grantLease(1, 1).refuse('stale_token');

      const code = await claim(['run', ...CLAIM, '--lease', '1s', '--', 'sleep', '30']);

      assert.equal(code, EXIT.LEASE_LOST);
      assert.match(err.join('\n'), /lost the lease on hire:convex-deploy:3f9c2ab \(fencing token 1\): stale_token/);
      assert.equal(coordinator.received[1]?.path, '/api/lease/renew');
    });
  });

  describe('health', () => {
    test('exits 0 when healthy, 1 when the coordinator says it is not, 4 when it cannot be reached', async () => {
      coordinator
        .answer(200, '{"status":"healthy","timestamp":"2026-11-23T10:30:00Z"}')
        .answer(503, '{"status":"unhealthy","timestamp":"2026-11-23T10:30:01Z","error":"no claim processor"}');

      assert.equal(await claim(['health']), EXIT.OK);
      assert.equal(await claim(['health']), EXIT.UNHEALTHY);
      assert.equal(await claim(['health'], { TURNSTILE_URL: await FakeCoordinator.unreachableUrl() }), EXIT.UNAVAILABLE);

      assert.deepEqual(out, [
        `healthy: coordinator at ${coordinator.url} (checked at 2026-11-23T10:30:00Z)`,
        `unhealthy: coordinator at ${coordinator.url} reports: no claim processor`,
      ]);
      assert.match(err[0] ?? '', /could not be asked/);
    });
  });

  describe('renew, release, complete', () => {
    test('an accepted request exits 0 and a refused one 15 with the reason', async () => {
      coordinator.accept('renewed').refuse('stale_token');

      assert.equal(await claim(['renew', ...CLAIM, '--token', '3', '--ttl', '60s']), EXIT.OK);
      assert.equal(await claim(['complete', ...CLAIM, '--token', '3', '--outcome', 'succeeded']), EXIT.REFUSED);

      assert.equal(coordinator.received[0]?.body.ttlSeconds, 60);
      assert.equal(coordinator.received[1]?.body.outcome, 'succeeded');
      assert.match(err.join('\n'), /refused \(stale_token\)/);
    });

    test('a missing token is a usage error', async () => {
      assert.equal(await claim(['release', ...CLAIM]), EXIT.USAGE);
      assert.match(err[0] ?? '', /--token must be the fencing token of your grant/);
    });
  });
});
