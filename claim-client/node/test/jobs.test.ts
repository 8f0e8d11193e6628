import { strict as assert } from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  CoordinatorUnavailableError,
  JobFailure,
  JobRejectedError,
  JobStopped,
  enqueue,
  work,
  type Logger,
  type Worker,
  type WorkOptions,
} from '../src/index';
import { FakeJobCoordinator } from './support/fake-job-coordinator';

const lines: string[] = [];
const quiet: Logger = { info: (line) => lines.push(line), warn: (line) => lines.push(line) };

/** Polls `condition` until it holds (as Awaitility does), failing after `timeoutMs`. */
async function eventually(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms; worker said:\n${lines.join('\n')}`);
    }
    await sleep(20);
  }
}

/** A promise the test resolves: a handler waits on it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('enqueue', () => {
  let coordinator: FakeJobCoordinator;

  beforeEach(async () => {
    coordinator = await FakeJobCoordinator.start();
  });

  afterEach(async () => {
    await coordinator.close();
  });

  test('sends the job with its settings and resolves with the job created', async () => {
    const job = await enqueue('emails', {
      name: 'send-welcome', jobId: 'welcome-42', payload: { to: 'ada@example.com' }, priority: 5, delaySeconds: 60,
      maxAttempts: 4, backoff: { kind: 'fixed', baseSeconds: 10 }, leaseSeconds: 45, dedupKey: 'k', requestId: 'enqueue-req-1',
    }, { coordinatorUrl: coordinator.url, logger: quiet });

    assert.equal(job.created, true);
    assert.equal(job.id, 'emails:welcome-42');
    assert.equal(job.state, 'waiting');
    assert.deepEqual(coordinator.received[0]!.body, {
      name: 'send-welcome', jobId: 'welcome-42', payload: { to: 'ada@example.com' }, priority: 5, delaySeconds: 60,
      maxAttempts: 4, backoff: { kind: 'fixed', baseSeconds: 10 }, leaseSeconds: 45, dedupKey: 'k', requestId: 'enqueue-req-1',
    });
  });

  test('a job id already in the queue resolves with the existing job, not created', async () => {
    coordinator.add('emails', 'welcome-42');

    const job = await enqueue('emails', { name: 'send-welcome', jobId: 'welcome-42' }, { coordinatorUrl: coordinator.url });

    assert.equal(job.created, false);
    assert.equal(job.matchedBy, 'job_id');
  });

  test('a queue that breaks the name rules is rejected before any call', async () => {
    await assert.rejects(
      enqueue('bad queue', { name: 'x' }, { coordinatorUrl: coordinator.url }),
      (error: unknown) => error instanceof JobRejectedError && error.checkedLocally && error.violations[0]!.field === 'queue',
    );
    assert.equal(coordinator.received.length, 0);
  });

  test('an enqueue whose answer was lost is retried with the same request id and adds one job', async () => {
    coordinator.loseAnswers(1);

    const job = await enqueue('emails', { name: 'send' }, { coordinatorUrl: coordinator.url, backoff: { initialMs: 1, maxMs: 5 }, logger: quiet });

    assert.equal(job.created, true);
    assert.equal(coordinator.received.length, 2);
    assert.equal(coordinator.received[0]!.body.requestId, coordinator.received[1]!.body.requestId);
  });

  test('an unreachable coordinator is an error after the retries, saying what to check', async () => {
    const url = coordinator.url;
    await coordinator.close();
    coordinator = await FakeJobCoordinator.start();

    await assert.rejects(
      enqueue('emails', { name: 'send' }, { coordinatorUrl: url, retries: 1, backoff: { initialMs: 1, maxMs: 5 }, logger: quiet }),
      (error: unknown) => error instanceof CoordinatorUnavailableError && /after 2 attempts/.test(error.message) && /could not connect/.test(error.message),
    );
  });
});

describe('work', () => {
  let coordinator: FakeJobCoordinator;
  let worker: Worker | undefined;

  beforeEach(async () => {
    lines.length = 0;
    coordinator = await FakeJobCoordinator.start();
  });

  afterEach(async () => {
    await worker?.close(0);
    worker = undefined;
    await coordinator.close();
  });

  function start(handler: Parameters<typeof work>[1], options: WorkOptions = {}): Worker {
    worker = work('emails', handler, {
      coordinatorUrl: coordinator.url, workerId: 'worker-1', pollWaitSeconds: 1, logFlushIntervalMs: 100,
      backoff: { initialMs: 1, maxMs: 20 }, logger: quiet, ...options,
    });
    return worker;
  }

  test('each job runs with its payload and is completed with what the handler resolves', async () => {
    coordinator.add('emails', 'welcome-42', { to: 'ada@example.com' });

    start(async (job) => ({ sentTo: (job.payload as { to: string }).to }));

    await eventually(() => coordinator.job('emails:welcome-42')!.state === 'succeeded');
    assert.deepEqual(coordinator.job('emails:welcome-42')!.result, { sentTo: 'ada@example.com' });
    assert.equal(coordinator.receivedAt('/complete')[0]!.body.fencingToken, 1);
  });

  test('a handler that throws fails the attempt as retryable, a permanent JobFailure as not retryable', async () => {
    coordinator.add('emails', 'flaky');
    coordinator.add('emails', 'bad-input');

    start(async (job) => {
      if (job.jobId === 'flaky') {
        throw new Error('SMTP timeout');
      }
      throw JobFailure.permanent('no such address');
    });

    await eventually(() => coordinator.receivedAt('/fail').length === 2);
    assert.equal(coordinator.job('emails:flaky')!.state, 'failed_will_retry');
    assert.match(coordinator.job('emails:flaky')!.error!, /SMTP timeout/);
    assert.equal(coordinator.job('emails:bad-input')!.state, 'dead');
    assert.equal(coordinator.job('emails:bad-input')!.retryable, false);
  });

  test('heartbeats come every third of the lease and carry the progress the job reported', async () => {
    coordinator.defaultLeaseSeconds = 1;
    coordinator.add('emails', 'long');
    const release = gate();

    start(async (_job, context) => {
      context.progress(40, 'rendering');
      await release.opened;
    });

    await eventually(() => coordinator.receivedAt('/heartbeat').length >= 3);
    release.open();
    await eventually(() => coordinator.job('emails:long')!.state === 'succeeded');
    const last = coordinator.receivedAt('/heartbeat').at(-1)!.body;
    assert.equal(last.progress, 40);
    assert.equal(last.message, 'rendering');
  });

  test('a cancelled job has its signal aborted with the reason and is never completed', async () => {
    coordinator.defaultLeaseSeconds = 1;
    coordinator.add('emails', 'cancel-me');
    let reason: unknown;
    const started = gate();

    const running = start(async (_job, { signal }) => {
      started.open();
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      reason = signal.reason;
      return 'done anyway';
    });
    await started.opened;
    coordinator.cancel('emails:cancel-me');

    await eventually(() => running.stats().stopped === 1);
    assert.ok(reason instanceof JobStopped);
    assert.equal(reason.kind, 'cancelled');
    assert.equal(coordinator.receivedAt('/complete').length, 0);
    assert.equal(coordinator.receivedAt('/fail').length, 0);
  });

  test('a job whose report is refused as stale is aborted and never completed', async () => {
    coordinator.defaultLeaseSeconds = 1;
    coordinator.add('emails', 'stale');
    const started = gate();

    const running = start(async (_job, { signal }) => {
      started.open();
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      return 'too late';
    });
    await started.opened;
    coordinator.refuseNextReport('emails:stale', 'stale_token');

    await eventually(() => running.stats().stopped === 1);
    assert.equal(coordinator.receivedAt('/complete').length, 0);
  });

  test('a job is aborted when no heartbeat is confirmed before its lease runs out', async () => {
    coordinator.defaultLeaseSeconds = 1;
    coordinator.heartbeatsUnavailable = true;
    coordinator.add('emails', 'cut-off');
    let reason: unknown;

    const running = start(async (_job, { signal }) => {
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      reason = signal.reason;
    }, { retries: 0 });

    await eventually(() => running.stats().stopped === 1);
    assert.ok(reason instanceof JobStopped);
    assert.equal(reason.kind, 'lease_lost');
    assert.equal(coordinator.receivedAt('/complete').length, 0);
  });

  test('log lines are sent in batches of at most 1000 before the outcome', async () => {
    coordinator.add('emails', 'chatty');

    start(async (_job, { log }) => {
      for (let i = 1; i <= 1500; i++) {
        log(`line ${i}`);
      }
    });

    await eventually(() => coordinator.job('emails:chatty')!.state === 'succeeded');
    const job = coordinator.job('emails:chatty')!;
    assert.equal(job.logs.length, 1500);
    assert.equal(job.logs[0], 'line 1');
    assert.equal(job.logs.at(-1), 'line 1500');
    const paths = coordinator.received.map((r) => r.path);
    assert.ok(paths.lastIndexOf('/api/jobs/emails:chatty/logs') < paths.indexOf('/api/jobs/emails:chatty/complete'));
    assert.ok(coordinator.receivedAt('/logs').every((r) => (r.body.lines as string[]).length <= 1000));
  });

  test('a claim-next whose answer was lost is asked again with the same request id and gets the same job', async () => {
    coordinator.add('emails', 'only');
    coordinator.loseAnswers(1);

    start(async () => null);

    await eventually(() => coordinator.job('emails:only')!.state === 'succeeded');
    const claims = coordinator.receivedAt('/claim-next');
    assert.equal(claims[0]!.body.requestId, claims[1]!.body.requestId);
    assert.equal(coordinator.job('emails:only')!.attempt, 1);
  });

  test('no more than concurrency jobs run at once', async () => {
    for (let i = 0; i < 12; i++) {
      coordinator.add('emails', `job-${i}`);
    }
    let running = 0;
    let most = 0;
    const release = gate();

    const started = start(async () => {
      most = Math.max(most, ++running);
      await release.opened;
      running--;
    }, { concurrency: 3 });
    await eventually(() => running === 3);
    const heldWhileBlocked = started.activeJobs().length;
    release.open();

    await eventually(() => started.stats().succeeded === 12);
    assert.equal(heldWhileBlocked, 3);
    assert.equal(most, 3);
  });

  test('close takes no more jobs and lets the held one finish and be reported', async () => {
    coordinator.add('emails', 'held');
    const started = gate();
    const release = gate();
    const running = start(async () => {
      started.open();
      await release.opened;
      return 'finished';
    });
    await started.opened;
    coordinator.add('emails', 'not-taken');

    const closing = running.close(20_000);
    release.open();

    assert.equal(await closing, true);
    assert.equal(coordinator.job('emails:held')!.state, 'succeeded');
    assert.equal(coordinator.job('emails:not-taken')!.state, 'waiting');
  });

  test('a job still running when the grace runs out is aborted and failed as retryable', async () => {
    coordinator.add('emails', 'slow');
    const started = gate();
    const running = start(async (_job, { signal }) => {
      started.open();
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
    });
    await started.opened;

    assert.equal(await running.close(200), false);

    const job = coordinator.job('emails:slow')!;
    assert.equal(job.state, 'failed_will_retry');
    assert.match(job.error!, /^worker shut down/);
  });

  test('maxJobs ends the worker once that many jobs are done', async () => {
    coordinator.add('emails', 'a');
    coordinator.add('emails', 'b');
    coordinator.add('emails', 'c');

    const running = start(async () => null, { maxJobs: 2, concurrency: 2 });
    await running.done;

    assert.equal(running.stats().succeeded, 2);
    assert.equal(coordinator.job('emails:c')!.state, 'waiting');
  });
});
