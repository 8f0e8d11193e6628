import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { FakeCoordinator } from './support/fake-coordinator';
import { PACKAGE_DIR, REPOSITORY_DIR, cleanEnv, runProcess } from './support/processes';

/** The action's entry point as the runner starts it: the committed bundle, run by node. */
const ACTION = join(REPOSITORY_DIR, '.github', 'actions', 'claim', 'dist', 'index.js');

describe('the GitHub Action', () => {
  let coordinator: FakeCoordinator;
  let dir: string;
  let outputFile: string;

  beforeEach(async () => {
    coordinator = await FakeCoordinator.start();
    dir = mkdtempSync(join(tmpdir(), 'turnstile-action-'));
    outputFile = join(dir, 'github-output');
    writeFileSync(outputFile, '');
  });

  afterEach(async () => {
    await coordinator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the action in a job of run 9876543210 on runner "GitHub Actions 12", with these inputs. */
  function runAction(inputs: Record<string, string>, more: Record<string, string> = {}) {
    const env = cleanEnv({
      GITHUB_OUTPUT: outputFile,
      GITHUB_SHA: '3f9c2ab8d1e0f4a7b6c5d4e3f2a1b0c9d8e7f6a5',
      GITHUB_RUN_ID: '9876543210',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'deploy',
      RUNNER_NAME: 'GitHub Actions 12',
      ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
      ...more,
    });
    return runProcess(process.execPath, [ACTION], { cwd: dir, env });
  }

  /** The outputs the action wrote, read back as the runner reads them (name<<delimiter blocks). */
  function outputs(): Record<string, string> {
    const lines = readFileSync(outputFile, 'utf8').split('\n');
    const read: Record<string, string> = {};
    for (let i = 0; i < lines.length; i++) {
      const header = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '');
      if (header !== null) {
        const [, name, delimiter] = header;
        const value: string[] = [];
        while (lines[++i] !== delimiter) {
          value.push(lines[i] ?? '');
        }
        read[name as string] = value.join('\n');
      }
    }
    return read;
  }

  test('the first job proceeds: proceed, claimed-by and fencing-token are written to GITHUB_OUTPUT', async () => {
    coordinator.grantLease(1, 1800);

    const run = await runAction({ url: coordinator.url, project: 'hire', task: 'convex-deploy', mode: 'lease', ttl: '30m' });

    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(
      { ...outputs(), 'request-id': undefined, 'expires-at': undefined },
      {
        proceed: 'true',
        'claimed-by': 'github-9876543210-1-deploy@GitHub Actions 12',
        'fencing-token': '1',
        'task-key': 'hire:convex-deploy:3f9c2ab8d1e0f4a7b6c5d4e3f2a1b0c9d8e7f6a5',
        'request-id': undefined,
        sha: '3f9c2ab8d1e0f4a7b6c5d4e3f2a1b0c9d8e7f6a5',
        agent: 'github-9876543210-1-deploy@GitHub Actions 12',
        'expires-at': undefined,
        outcome: '',
      },
    );
    assert.equal(coordinator.received[0]?.body.mode, 'lease');
    assert.equal(coordinator.received[0]?.body.ttlSeconds, 1800);
    assert.match(run.stdout, /sha 3f9c2ab8d1e0f4a7b6c5d4e3f2a1b0c9d8e7f6a5 \(from GITHUB_SHA\)/);
  });

  test('a duplicate job gets proceed=false with the holder, and succeeds', async () => {
    coordinator.deny('github-1-deploy@GitHub Actions 3');

    const run = await runAction({ project: 'hire', task: 'convex-deploy', sha: 'abcdef1' }, { TURNSTILE_URL: coordinator.url });

    assert.equal(run.code, 0);
    assert.equal(outputs().proceed, 'false');
    assert.equal(outputs()['claimed-by'], 'github-1-deploy@GitHub Actions 3');
    assert.equal(coordinator.received[0]?.body.gitSha, 'abcdef1');
    assert.match(run.stdout, /skipping, already claimed by github-1-deploy@GitHub Actions 3/);
  });

  test('the agent token is sent as a bearer token and masked in the log', async () => {
    coordinator.grant();

    const run = await runAction({ url: coordinator.url, project: 'hire', task: 'deploy', token: 'ci-secret-1' });

    assert.equal(run.code, 0);
    assert.equal(coordinator.received[0]?.authorization, 'Bearer ci-secret-1');
    assert.match(run.stdout, /^::add-mask::ci-secret-1$/m);
  });

  test('an unreachable coordinator fails the step with an error annotation and writes no outputs', async () => {
    const url = await FakeCoordinator.unreachableUrl();

    const run = await runAction({ url, project: 'hire', task: 'deploy' });

    assert.equal(run.code, 1);
    assert.match(run.stdout, /^::error title=Turnstile claim::No claim decision for hire:deploy:3f9c2ab/m);
    assert.match(run.stdout, /rather than run unclaimed/);
    assert.deepEqual(outputs(), {});
  });

  test('a missing project or an unknown mode fails the step saying which input', async () => {
    const noProject = await runAction({ url: coordinator.url, task: 'deploy' });
    const badMode = await runAction({ url: coordinator.url, project: 'hire', task: 'deploy', mode: 'forever' });

    assert.equal(noProject.code, 1);
    assert.match(noProject.stdout, /::error title=Turnstile claim::The project input is required\./);
    assert.equal(badMode.code, 1);
    assert.match(badMode.stdout, /mode must be once or lease; got 'forever'/);
    assert.equal(coordinator.received.length, 0);
  });

  test('the committed bundle is built from the current sources', async () => {
    const check = await runProcess(process.execPath, [join(PACKAGE_DIR, 'scripts', 'bundle-action.mjs'), '--check']);

    assert.equal(check.code, 0, check.stderr);
  });
});
