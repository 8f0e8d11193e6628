/**
 * Work queues: enqueue jobs, and run a queue's jobs with `work(queue, handler)`, which claims (long-polling
 * claim-next), heartbeats every third of the lease with the progress the handler reports, sends its log lines in
 * batches, reports the outcome, and aborts the handler's `signal` when the job is cancelled or its lease is lost.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { coordinatorUrlFromEnvironment, defaultAgentId } from './ci.js';
import { checkAgentId, checkName, checkRequestId, type FieldViolation } from './rules.js';
import {
  CoordinatorUnavailableError,
  coordinatorBaseUrl,
  delayBefore,
  describeNetworkError,
  errorSummary,
  problemDetail,
  excerpt,
  isTimeout,
  parseObject,
  retryAfter,
  toViolation,
  type JsonObject,
  type Logger,
} from './transport.js';

/** Where a job stands. */
export type JobState = 'delayed' | 'waiting' | 'active' | 'succeeded' | 'failed_will_retry' | 'dead' | 'cancelled';

/** Where the coordinator is and how hard to try each request. */
export interface JobClientOptions {
  /** The coordinator's base URL; `$TURNSTILE_URL`, else `$NX_COORDINATOR_URL`, by default. */
  coordinatorUrl?: string;
  /** The agent token (`Authorization: Bearer`), for a coordinator that requires one; `$TURNSTILE_TOKEN` by default. */
  token?: string;
  /** Retries of a request while the coordinator is unreachable or answers 502/503/504; 3 by default. */
  retries?: number;
  /** How long one attempt may take, in milliseconds (a claim-next: plus its wait); 10 000 by default. */
  timeoutMs?: number;
  /** Pauses between attempts: from `initialMs` (200), doubling up to `maxMs` (3 000), plus up to 25 % jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Where retries and the worker's doings are logged; `console` by default. */
  logger?: Logger;
}

/** A request breaks the input rules: found before sending, or answered 400 (or 409 `request_id_conflict`). */
export class JobRejectedError extends Error {
  constructor(
    message: string,
    readonly violations: FieldViolation[],
    /** `true` when found here and never sent. */
    readonly checkedLocally: boolean,
  ) {
    super(message);
    this.name = 'JobRejectedError';
  }
}

/** A job to enqueue. Only `name` is required; the coordinator's defaults apply to the rest. */
export interface NewJob {
  /** What the job does, 1–200 printable ASCII characters. */
  name: string;
  /** The job's input, any JSON value (at most 64 KiB). */
  payload?: unknown;
  /** The job's id in its queue; enqueueing the same id again answers the existing job. Made from the request id by default. */
  jobId?: string;
  /** Higher first (±1,000,000); 0 by default. */
  priority?: number;
  /** Seconds until the job may first run (not with `runAt`). */
  delaySeconds?: number;
  /** When the job may first run. */
  runAt?: string | Date;
  /** Attempts in all, 1–100; 3 by default. */
  maxAttempts?: number;
  /** The wait after a failed attempt; exponential from 5 s up to 10 minutes by default. */
  backoff?: { kind: 'fixed' | 'exponential'; baseSeconds: number; capSeconds?: number };
  /** How long a worker holds the job between heartbeats, 1–3600 s; 30 by default. */
  leaseSeconds?: number;
  /** While an unfinished job has this key, enqueueing another answers that one. */
  dedupKey?: string;
  /** The idempotency key sent on every attempt; a new UUID by default. */
  requestId?: string;
}

/** The answer to an enqueue: the job created, or the one already in the queue. */
export interface EnqueuedJob {
  /** `true` when this request added the job; `false` when the queue already held it (same job id or dedup key). */
  created: boolean;
  /** `<queue>:<jobId>`, how the other endpoints name the job. */
  id: string;
  queue: string;
  jobId: string;
  state?: JobState;
  message: string;
  /** For an existing job: `job_id` or `dedup_key`. */
  matchedBy?: string;
  runAt?: string;
  requestId: string;
  redelivery: boolean;
}

/** One attempt of a job, handed to a worker by claim-next. */
export interface Job {
  /** `<queue>:<jobId>`. */
  id: string;
  queue: string;
  jobId: string;
  name: string;
  /** The job's input (`null` when it has none). */
  payload: unknown;
  /** This attempt's number, 1 for the first. */
  attempt: number;
  maxAttempts: number;
  /** The attempt's token: present it with every report, and to what the job writes to. */
  fencingToken: number;
  leaseSeconds: number;
  leaseExpiresAt?: string;
  priority: number;
  workerId: string;
  requestId: string;
}

/** The answer to a worker's report. A refusal is an answer: stop working on the job. */
export interface WorkerAnswer {
  accepted: boolean;
  /** `heartbeat`, `succeeded`, `failed`, `logged`, `attached` or `refused`. */
  result: string;
  /** When refused: `stale_token`, `not_holder`, `lease_expired`, `cancelled`, `already_completed`, `already_failed`, `unknown_job`. */
  reason?: string;
  message: string;
  state?: JobState;
  leaseExpiresAt?: string;
  retryAt?: string;
  currentFencingToken?: number;
}

/** A reference to something a job produced (recorded, not uploaded). */
export interface Artifact {
  name: string;
  uri: string;
  bytes: number;
  /** 64 lower-case hexadecimal characters. */
  sha256: string;
  contentType: string;
}

/**
 * Adds a job to `queue` (`POST /api/queues/{queue}/jobs`). Retries with the same request id while the coordinator is
 * unreachable or busy, so a retry is answered with the job the first attempt made.
 *
 * @throws JobRejectedError when the job breaks the rules
 * @throws CoordinatorUnavailableError when no attempt got an answer
 */
export async function enqueue(queue: string, job: NewJob, options: JobClientOptions = {}): Promise<EnqueuedJob> {
  rejectLocally('job', [
    ...checkName('queue', queue),
    ...(typeof job?.name === 'string' && job.name.length > 0
      ? []
      : [{ field: 'name', rule: 'required', message: 'name is required: what the job does' }]),
    ...checkRequestId(job.requestId),
  ]);
  const requestId = job.requestId ?? randomUUID();
  const { requestId: _ignored, runAt, ...fields } = job;
  const body = {
    ...fields,
    ...(runAt !== undefined && { runAt: runAt instanceof Date ? runAt.toISOString() : runAt }),
    requestId,
  };
  const answer = await send(
    { action: 'enqueue', subject: `job ${job.jobId ?? job.name} on queue ${queue}`, requestId, path: `/api/queues/${queue}/jobs` },
    body,
    0,
    options,
  );
  const json = answer.json;
  if ((answer.status !== 200 && answer.status !== 201) || json === undefined || typeof json.id !== 'string') {
    throw unusable(answer, `HTTP ${answer.status} without the job's "id"`);
  }
  return {
    created: answer.status === 201 || json.created === true,
    id: json.id,
    queue: str(json.queue) ?? queue,
    jobId: str(json.jobId) ?? json.id.slice(queue.length + 1),
    message: str(json.message) ?? '',
    requestId: str(json.requestId) ?? requestId,
    redelivery: json.redelivery === true,
    ...(str(json.state) !== undefined && { state: json.state as JobState }),
    ...(str(json.matchedBy) !== undefined && { matchedBy: json.matchedBy as string }),
    ...(str(json.runAt) !== undefined && { runAt: json.runAt as string }),
  };
}

/**
 * Asks for the next job of `queue`, waiting up to `waitSeconds` (0–30) for one: the job, or `undefined` when none came.
 * Asking again with the same `requestId` after a lost answer gets the same job, never a second one.
 */
export async function claimNext(
  queue: string,
  options: JobClientOptions & { workerId?: string; waitSeconds?: number; requestId?: string } = {},
): Promise<Job | undefined> {
  const workerId = options.workerId ?? defaultAgentId();
  const waitSeconds = options.waitSeconds ?? 0;
  rejectLocally('claim-next', [
    ...checkName('queue', queue),
    ...checkAgentId(workerId).map((v) => ({ ...v, field: 'workerId', message: v.message.replace('agentId', 'workerId') })),
    ...(Number.isInteger(waitSeconds) && waitSeconds >= 0 && waitSeconds <= 30
      ? []
      : [{ field: 'waitSeconds', rule: 'range', message: `waitSeconds must be 0 to 30; got ${waitSeconds}` }]),
    ...checkRequestId(options.requestId),
  ]);
  const requestId = options.requestId ?? randomUUID();
  const answer = await send(
    { action: 'claim-next', subject: `queue ${queue} for ${workerId}`, requestId, path: `/api/queues/${queue}/claim-next` },
    { workerId, waitSeconds, requestId },
    waitSeconds,
    options,
  );
  if (answer.status === 204) {
    return undefined;
  }
  const json = answer.json;
  if (answer.status !== 200 || json === undefined || typeof json.id !== 'string' || typeof json.fencingToken !== 'number') {
    throw unusable(answer, `HTTP ${answer.status} without a job`);
  }
  return {
    id: json.id,
    queue: str(json.queue) ?? queue,
    jobId: str(json.jobId) ?? json.id.slice(queue.length + 1),
    name: str(json.name) ?? '',
    payload: json.payload ?? null,
    attempt: num(json.attempt) ?? 1,
    maxAttempts: num(json.maxAttempts) ?? 1,
    fencingToken: json.fencingToken,
    leaseSeconds: num(json.leaseSeconds) ?? 30,
    priority: num(json.priority) ?? 0,
    workerId: str(json.workerId) ?? workerId,
    requestId: str(json.requestId) ?? requestId,
    ...(str(json.leaseExpiresAt) !== undefined && { leaseExpiresAt: json.leaseExpiresAt as string }),
  };
}

/** Extends the job's lease, with its progress (0–100) and a message. Heartbeat every third of the lease. */
export function heartbeat(
  job: Job,
  report: { progress?: number; message?: string } = {},
  options: JobClientOptions & { requestId?: string } = {},
): Promise<WorkerAnswer> {
  return workerReport('heartbeat', job, {
    ...(report.progress !== undefined && { progress: Math.max(0, Math.min(100, Math.round(report.progress))) }),
    ...(report.message !== undefined && report.message !== '' && { message: cut(report.message, 1000) }),
  }, options);
}

/** Reports that the job succeeded, with its result (any JSON value). */
export function completeJob(job: Job, result?: unknown, options: JobClientOptions & { requestId?: string } = {}): Promise<WorkerAnswer> {
  return workerReport('complete', job, result === undefined ? {} : { result }, options);
}

/** Reports that this attempt failed: retried after its backoff while attempts remain and `retryable`, else dead. */
export function failJob(
  job: Job,
  error: string,
  retryable = true,
  options: JobClientOptions & { requestId?: string } = {},
): Promise<WorkerAnswer> {
  return workerReport('fail', job, { error: cut(error || 'failed', 8192), retryable }, options);
}

/** Appends 1–1000 lines (each ≤ 8192 characters, ≤ 64 K in all) to the job's log. `work` batches them for you. */
export function appendJobLogs(job: Job, lines: string[], options: JobClientOptions & { requestId?: string } = {}): Promise<WorkerAnswer> {
  return workerReport('logs', job, { lines }, options);
}

/** Records a reference to something the job produced. */
export function attachArtifact(job: Job, artifact: Artifact, options: JobClientOptions & { requestId?: string } = {}): Promise<WorkerAnswer> {
  return workerReport('artifacts', job, { ...artifact }, options);
}

/** Thrown by a handler to fail the attempt with its own message, and to say whether it may be retried. */
export class JobFailure extends Error {
  constructor(
    message: string,
    /** `false`: the job is dead at once, whatever attempts remain. */
    readonly retryable = true,
  ) {
    super(message);
    this.name = 'JobFailure';
  }

  /** The job cannot succeed (bad input, say): dead at once. */
  static permanent(message: string): JobFailure {
    return new JobFailure(message, false);
  }
}

/** Why the worker aborted a job's `signal`: the reason of the abort. */
export class JobStopped extends Error {
  constructor(
    /** `cancelled` by an operator; `lease_lost` (another attempt started, the lease ran out); `shutdown` of the worker. */
    readonly kind: 'cancelled' | 'lease_lost' | 'shutdown',
    message: string,
  ) {
    super(message);
    this.name = 'JobStopped';
  }
}

/** What a handler may do besides its work. */
export interface JobContext {
  readonly job: Job;
  /**
   * Aborted, with a {@link JobStopped} reason, when the job is cancelled, its lease is lost or the worker shuts down:
   * stop promptly and write nothing more under the job's fencing token. Nothing is reported for an aborted job (but a
   * shutdown's retryable failure), whatever the handler then returns.
   */
  readonly signal: AbortSignal;
  /** The job's progress (0–100) and a message, sent with the next heartbeat. */
  progress(percent: number, message?: string): void;
  /** Adds a line to the job's log; lines are sent in batches about every second (bounded: the oldest are dropped). */
  log(line: string): void;
  /** Records an artifact at once; a refusal aborts the job. */
  attach(artifact: Artifact): Promise<WorkerAnswer>;
}

/** Runs one job: resolve with its result (any JSON value) to complete it, throw to fail it. */
export type JobHandler = (job: Job, context: JobContext) => unknown;

/** How a worker runs. */
export interface WorkOptions extends JobClientOptions {
  /** Jobs run at once; 1 by default. */
  concurrency?: number;
  /** Who claims; the CI job and runner, else `hostname-pid`, by default. */
  workerId?: string;
  /** How long one claim-next waits for a job, 0–30 s; 20 by default. */
  pollWaitSeconds?: number;
  /** How long `close()` lets held jobs finish before aborting them and failing them as retryable; 30 000 ms by default. */
  shutdownGraceMs?: number;
  /** How often a job's log lines are sent (sooner when 500 wait); 1 000 ms by default. */
  logFlushIntervalMs?: number;
  /** Most log lines of a job waiting to be sent; the oldest are dropped beyond, with a marker. 10 000 by default. */
  logBufferLines?: number;
  /** Take at most this many jobs, then end (`done` resolves) once they are finished; no limit by default. */
  maxJobs?: number;
}

/** What a worker did so far. */
export interface WorkerStats {
  claimed: number;
  succeeded: number;
  failed: number;
  stopped: number;
  unrecorded: number;
}

/** A running worker. */
export interface Worker {
  readonly workerId: string;
  /** Resolves when every slot ended (after `close()`, `maxJobs`, or a rejected claim-next, with which it rejects). */
  readonly done: Promise<void>;
  /**
   * Takes no more jobs, lets held ones finish for up to `graceMs` (the `shutdownGraceMs` option by default), then aborts
   * the rest and fails them as retryable. Resolves `true` when every job finished within the grace.
   */
  close(graceMs?: number): Promise<boolean>;
  stats(): WorkerStats;
  activeJobs(): Job[];
}

const TICK_MS = 100;
const FLUSH_AT_LINES = 500;
const FIRST_PAUSE_MS = 500;
const LONGEST_PAUSE_MS = 10_000;
const AFTER_GRACE_MS = 10_000;

/**
 * Runs the jobs of `queue` with `handler`, `concurrency` at a time, until `close()`.
 *
 * ```ts
 * const worker = work('emails', async (job, { signal, progress, log }) => {
 *   progress(50, 'rendering');
 *   return await send(job.payload, { signal });
 * }, { concurrency: 5 });
 * process.once('SIGTERM', () => void worker.close());
 * ```
 *
 * A job that is cancelled, or whose lease is lost (a report refused, or no heartbeat confirmed before the lease ran
 * out), has its `signal` aborted and is never completed. Requests are retried with their request ids; a claim-next
 * that got no answer is asked again under the same id until it gets one.
 */
export function work(queue: string, handler: JobHandler, options: WorkOptions = {}): Worker {
  const logger = options.logger ?? console;
  const workerId = options.workerId ?? defaultAgentId();
  const concurrency = options.concurrency ?? 1;
  const pollWait = options.pollWaitSeconds ?? 20;
  const grace = options.shutdownGraceMs ?? 30_000;
  const settings = {
    flushEveryMs: options.logFlushIntervalMs ?? 1_000,
    bufferLines: options.logBufferLines ?? 10_000,
  };
  rejectLocally('worker', [
    ...checkName('queue', queue),
    ...checkAgentId(workerId).map((v) => ({ ...v, field: 'workerId', message: v.message.replace('agentId', 'workerId') })),
  ]);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) {
    throw new RangeError(`concurrency must be 1 to 1000; got ${concurrency}`);
  }
  if (!Number.isInteger(pollWait) || pollWait < 0 || pollWait > 30) {
    throw new RangeError(`pollWaitSeconds must be 0 to 30; got ${pollWait}`);
  }
  const client: JobClientOptions = { ...options, logger };
  const active = new Map<string, RunningJob>();
  const stats: WorkerStats = { claimed: 0, succeeded: 0, failed: 0, stopped: 0, unrecorded: 0 };
  let stopping = false;
  let forced = false;
  let fatal: unknown;
  let tickets = 0;

  const ticker = setInterval(() => {
    const now = performance.now();
    for (const running of active.values()) {
      running.tick(now);
    }
  }, TICK_MS);

  async function slot(number: number): Promise<void> {
    let pending: { requestId: string; waitSeconds: number } | undefined;
    let pause = FIRST_PAUSE_MS;
    for (;;) {
      if (pending === undefined && (stopping || fatal !== undefined)) {
        return;
      }
      if (pending === undefined && options.maxJobs !== undefined && ++tickets > options.maxJobs) {
        tickets--;
        return;
      }
      pending ??= { requestId: randomUUID(), waitSeconds: stopping ? 0 : pollWait };
      const asked = pending;
      let job: Job | undefined;
      let received: number;
      try {
        job = await claimNext(queue, { ...client, workerId, ...asked });
        received = performance.now();
        pending = undefined;
        pause = FIRST_PAUSE_MS;
      } catch (error) {
        if (error instanceof CoordinatorUnavailableError) {
          if (forced) {
            logger.warn(`Slot ${number} stops without an answer to claim-next ${asked.requestId}: a job it may have claimed is retried once its lease runs out`);
            return;
          }
          logger.warn(`No job from the coordinator (slot ${number}): ${error.message}; asking again in ${pause} ms with the same request id`);
          await sleep(pause);
          pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
          continue;
        }
        fatal ??= error;
        logger.warn(`Worker stops: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      if (job === undefined) {
        if (options.maxJobs !== undefined) {
          tickets--;
        }
        continue;
      }
      await run(job, received);
    }
  }

  async function run(job: Job, received: number): Promise<void> {
    stats.claimed++;
    const running = new RunningJob(job, client, settings, received, logger);
    active.set(job.id, running);
    let result: unknown;
    let failure: unknown;
    let failed = false;
    try {
      result = await handler(job, running.context);
    } catch (error) {
      failed = true;
      failure = error;
    }
    running.finishing = true;
    try {
      await report(running, result, failed, failure);
    } finally {
      active.delete(job.id);
    }
  }

  async function report(running: RunningJob, result: unknown, failed: boolean, failure: unknown): Promise<void> {
    const { job } = running;
    const stop = running.stopped;
    if (stop !== undefined && stop.kind !== 'shutdown') {
      stats.stopped++;
      logger.info(`Stopped ${job.id} (attempt ${job.attempt}); nothing reported: ${stop.message}`);
      return;
    }
    if (!(await running.flush())) {
      stats.stopped++;
      return;
    }
    let error: string | undefined;
    let retryable = true;
    if (stop !== undefined) {
      stats.stopped++;
      error = `worker shut down: ${workerId} stopped the job before it finished`;
    } else if (failed) {
      error = failure instanceof Error ? (failure instanceof JobFailure ? failure.message : String(failure)) : String(failure);
      retryable = !(failure instanceof JobFailure) || failure.retryable;
    }
    const requestId = randomUUID();
    for (;;) {
      try {
        const answer = error === undefined
          ? await completeJob(job, result, { ...client, requestId })
          : await failJob(job, error, retryable, { ...client, requestId });
        if (answer.accepted) {
          if (error === undefined) {
            stats.succeeded++;
          } else {
            stats.failed++;
          }
          logger.info(`${error === undefined ? 'Completed' : 'Failed'} ${job.id} (attempt ${job.attempt} of ${job.maxAttempts})` +
            (error === undefined ? '' : `: ${cut(error, 200)}; ${answer.message}`));
        } else {
          stats.unrecorded++;
          logger.warn(`The ${error === undefined ? 'success' : 'failure'} of ${job.id} was not recorded: ${answer.message} (${answer.reason})`);
        }
        return;
      } catch (e) {
        if (!(e instanceof CoordinatorUnavailableError) || performance.now() > running.confirmedUntil || (forced && stop === undefined)) {
          stats.unrecorded++;
          logger.warn(`Could not report the outcome of ${job.id} before its lease ran out; the coordinator retries the job: ${String(e)}`);
          return;
        }
        logger.warn(`Could not report the outcome of ${job.id}; trying again with the same request id: ${e.message}`);
        await sleep(1_000);
      }
    }
  }

  logger.info(`Worker ${workerId} takes jobs of queue ${queue}, ${concurrency} at a time`);
  const slots = Array.from({ length: concurrency }, (_, i) => slot(i + 1));
  const done = Promise.all(slots).then(() => {
    clearInterval(ticker);
    if (fatal !== undefined) {
      throw fatal;
    }
  });
  // A worker that failed is reported through `done`; keep an unobserved rejection from crashing the process.
  done.catch(() => {});

  return {
    workerId,
    done,
    stats: () => ({ ...stats }),
    activeJobs: () => [...active.values()].map((r) => r.job),
    async close(graceMs = grace) {
      stopping = true;
      const settled = done.then(() => true, () => true);
      const inTime = await within(settled, graceMs);
      if (!inTime) {
        forced = true;
        for (const running of active.values()) {
          running.stop(new JobStopped('shutdown', `the worker shut down before it finished (after a ${graceMs} ms grace); failing the attempt so that another worker retries it`));
        }
        if (!(await within(settled, pollWait * 1000 + AFTER_GRACE_MS))) {
          logger.warn(`Gave up waiting for ${[...active.keys()].join(', ')} to stop: their handlers ignore the abort; their leases run out without heartbeats`);
        }
      }
      clearInterval(ticker);
      return inTime && active.size === 0;
    },
  };
}

/** Whether `promise` settles within `ms`, without a timer left behind. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const controller = new AbortController();
  const timer = sleep(ms, false, { signal: controller.signal }).catch(() => false);
  const settled = await Promise.race([promise.then(() => true), timer]);
  controller.abort();
  return settled;
}

/** One job a worker holds: its lease as last confirmed, progress and log lines to send, and its abort. */
class RunningJob {
  readonly controller = new AbortController();
  readonly context: JobContext;
  finishing = false;
  confirmedUntil: number;
  private readonly leaseMs: number;
  private readonly heartbeatEveryMs: number;
  private nextHeartbeat: number;
  private lastFlush: number;
  private heartbeatInFlight = false;
  private flushing: Promise<boolean> | undefined;
  private progress: number | undefined;
  private progressMessage: string | undefined;
  private lines: string[] = [];
  private dropped = 0;

  constructor(
    readonly job: Job,
    private readonly client: JobClientOptions,
    private readonly settings: { flushEveryMs: number; bufferLines: number },
    received: number,
    private readonly logger: Logger,
  ) {
    this.leaseMs = Math.max(1, job.leaseSeconds) * 1000;
    this.heartbeatEveryMs = Math.max(200, this.leaseMs / 3);
    this.confirmedUntil = received + this.leaseMs;
    this.nextHeartbeat = received + this.heartbeatEveryMs;
    this.lastFlush = received;
    const self = this;
    this.context = {
      job,
      signal: this.controller.signal,
      progress(percent: number, message?: string) {
        self.progress = Math.max(0, Math.min(100, Math.round(percent)));
        self.progressMessage = message === undefined || message === '' ? undefined : cut(message, 1000);
      },
      log(line: string) {
        if (self.lines.length >= self.settings.bufferLines) {
          self.lines.shift();
          self.dropped++;
        }
        self.lines.push(cut(String(line), 8192));
      },
      async attach(artifact: Artifact) {
        const answer = await attachArtifact(job, artifact, self.client);
        if (!answer.accepted) {
          self.stop(refusal(answer));
        }
        return answer;
      },
    };
  }

  get stopped(): JobStopped | undefined {
    return this.controller.signal.aborted ? (this.controller.signal.reason as JobStopped) : undefined;
  }

  stop(reason: JobStopped): void {
    if (this.controller.signal.aborted) {
      return;
    }
    this.logger.warn(`Stopping ${this.job.id} (attempt ${this.job.attempt}, token ${this.job.fencingToken}): ${reason.message}`);
    this.controller.abort(reason);
  }

  tick(now: number): void {
    if (this.finishing || this.controller.signal.aborted) {
      return;
    }
    if (now > this.confirmedUntil) {
      this.stop(new JobStopped('lease_lost', `no heartbeat was confirmed before its ${this.job.leaseSeconds} s lease ran out: another worker may hold it now`));
      return;
    }
    if (now >= this.nextHeartbeat && !this.heartbeatInFlight) {
      this.heartbeatInFlight = true;
      void this.heartbeat().finally(() => {
        this.heartbeatInFlight = false;
      });
    }
    if (this.buffered() > 0 && (now - this.lastFlush >= this.settings.flushEveryMs || this.buffered() >= FLUSH_AT_LINES)) {
      void this.flush();
    }
  }

  private async heartbeat(): Promise<void> {
    const sent = performance.now();
    try {
      const answer = await heartbeat(this.job, {
        ...(this.progress !== undefined && { progress: this.progress }),
        ...(this.progressMessage !== undefined && { message: this.progressMessage }),
      }, this.client);
      if (answer.accepted) {
        this.confirmedUntil = sent + this.leaseMs;
        this.nextHeartbeat = sent + this.heartbeatEveryMs;
      } else if (!this.finishing) {
        this.stop(refusal(answer));
      }
    } catch (error) {
      this.logger.warn(`Could not heartbeat ${this.job.id}; trying again shortly, and stopping the job if no heartbeat is confirmed before its lease runs out: ${String(error)}`);
      this.nextHeartbeat = performance.now() + Math.min(this.heartbeatEveryMs, 1_000);
    }
  }

  /** Sends every waiting line in batches within the API's limits; `false` when refused (the job is stopped then). */
  flush(): Promise<boolean> {
    const previous = this.flushing ?? Promise.resolve(true);
    const next = previous.then(async () => {
      this.lastFlush = performance.now();
      for (;;) {
        const batch = this.nextBatch();
        if (batch.length === 0) {
          return true;
        }
        let answer: WorkerAnswer;
        try {
          answer = await appendJobLogs(this.job, batch, this.client);
        } catch (error) {
          this.lines = [...batch, ...this.lines].slice(-this.settings.bufferLines);
          this.logger.warn(`Could not send ${batch.length} log lines of ${this.job.id}; they are sent with the next batch: ${String(error)}`);
          return true;
        }
        if (!answer.accepted) {
          this.stop(refusal(answer));
          return false;
        }
      }
    });
    this.flushing = next;
    return next;
  }

  private buffered(): number {
    return this.lines.length + (this.dropped > 0 ? 1 : 0);
  }

  private nextBatch(): string[] {
    const batch: string[] = [];
    let chars = 0;
    if (this.dropped > 0) {
      const marker = `[turnstile worker: ${this.dropped} earlier lines dropped: the job wrote them faster than they could be sent]`;
      batch.push(marker);
      chars += marker.length;
      this.dropped = 0;
    }
    while (this.lines.length > 0 && batch.length < 1000 && chars + this.lines[0]!.length <= 64 * 1024) {
      const line = this.lines.shift()!;
      batch.push(line);
      chars += line.length;
    }
    return batch;
  }
}

function refusal(answer: WorkerAnswer): JobStopped {
  return new JobStopped(answer.reason === 'cancelled' ? 'cancelled' : 'lease_lost', `${answer.message} (${answer.reason})`);
}

async function workerReport(
  action: 'heartbeat' | 'complete' | 'fail' | 'logs' | 'artifacts',
  job: Job,
  fields: Record<string, unknown>,
  options: JobClientOptions & { requestId?: string },
): Promise<WorkerAnswer> {
  const requestId = options.requestId ?? randomUUID();
  const answer = await send(
    { action, subject: `${job.id} (token ${job.fencingToken})`, requestId, path: `/api/jobs/${job.id}/${action}` },
    { workerId: job.workerId, fencingToken: job.fencingToken, ...fields, requestId },
    0,
    options,
  );
  const json = answer.json;
  if (json === undefined || typeof json.accepted !== 'boolean') {
    throw unusable(answer, `HTTP ${answer.status} without a boolean "accepted"`);
  }
  return {
    accepted: json.accepted,
    result: str(json.result) ?? '',
    message: str(json.message) ?? '',
    ...(str(json.reason) !== undefined && { reason: json.reason as string }),
    ...(str(json.state) !== undefined && { state: json.state as JobState }),
    ...(str(json.leaseExpiresAt) !== undefined && { leaseExpiresAt: json.leaseExpiresAt as string }),
    ...(str(json.retryAt) !== undefined && { retryAt: json.retryAt as string }),
    ...(num(json.currentFencingToken) !== undefined && { currentFencingToken: json.currentFencingToken as number }),
  };
}

interface Call {
  action: string;
  subject: string;
  requestId: string;
  path: string;
}

interface Answer {
  status: number;
  json: JsonObject | undefined;
  text: string;
  url: string;
  attempt: number;
  call: Call;
}

/** Sends until an answer comes (200, 201, 204, or 404/409 with "accepted"), retrying with the same body. */
async function send(call: Call, body: unknown, waitSeconds: number, options: JobClientOptions): Promise<Answer> {
  const baseUrl = coordinatorBaseUrl(options.coordinatorUrl ?? coordinatorUrlFromEnvironment()?.url);
  const url = `${baseUrl}${call.path}`;
  const logger = options.logger ?? console;
  const retries = options.retries ?? 3;
  const timeoutMs = (options.timeoutMs ?? 10_000) + waitSeconds * 1000;
  const initialMs = options.backoff?.initialMs ?? 200;
  const maxMs = options.backoff?.maxMs ?? Math.max(3_000, initialMs);
  const token = (options.token ?? process.env.TURNSTILE_TOKEN)?.trim() || undefined;
  const text = JSON.stringify(body);
  for (let attempt = 1; ; attempt++) {
    let problem: { description: string; hint: string; status?: number; retryAfterMs?: number };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, application/problem+json',
          ...(token !== undefined && { authorization: `Bearer ${token}` }),
        },
        body: text,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const answerText = await response.text();
      const json = parseObject(answerText);
      const status = response.status;
      const answer = { status, json, text: answerText, url, attempt, call };
      if (status === 204 || ((status === 200 || status === 201) && json !== undefined)
        || ((status === 404 || status === 409) && typeof json?.accepted === 'boolean')) {
        return answer;
      }
      if (status === 400 || status === 409) {
        const violations = Array.isArray(json?.violations) ? json.violations.map(toViolation) : [];
        const message = problemDetail(json) ?? `HTTP ${status} ${excerpt(answerText)}`;
        throw new JobRejectedError(
          `The coordinator at ${url} rejected the ${call.action} as invalid: ${violations.length > 0 ? violations.map((v) => v.message).join('; ') : message}`,
          violations,
          false,
        );
      }
      if (status !== 502 && status !== 503 && status !== 504) {
        throw unusable(answer, `HTTP ${status}`, token !== undefined);
      }
      problem = {
        status,
        description: `HTTP ${status} ${errorSummary(json, answerText)}`,
        hint: `The coordinator is up but could not answer; check its health (GET ${baseUrl}/api/health) and its Kafka cluster.`,
        ...retryAfter(response.headers.get('retry-after')),
      };
    } catch (error) {
      if (error instanceof JobRejectedError || error instanceof CoordinatorUnavailableError) {
        throw error;
      }
      problem = isTimeout(error)
        ? { description: `no answer within ${timeoutMs} ms`, hint: `check the coordinator's health (GET ${baseUrl}/api/health), or allow a longer timeoutMs.` }
        : { description: describeNetworkError(error, url), hint: 'Check TURNSTILE_URL (or coordinatorUrl) and that the coordinator is running and reachable.' };
    }
    if (attempt > retries) {
      throw new CoordinatorUnavailableError(
        `No answer to the ${call.action} of ${call.subject} from ${url} after ${attempt} attempt${attempt === 1 ? '' : 's'}` +
          ` (requestId ${call.requestId}); last error: ${problem.description}. ${problem.hint}`,
        url,
        attempt,
        problem.status,
      );
    }
    const delayMs = delayBefore(attempt, problem.retryAfterMs, Math.random(), { initialMs, maxMs });
    logger.warn(`${call.action} attempt ${attempt} of ${retries + 1} for ${call.subject} at ${url} failed: ${problem.description};` +
      ` retrying in ${delayMs} ms with the same requestId ${call.requestId}`);
    await sleep(delayMs);
  }
}

function unusable(answer: Answer, what: string, tokenSent = false): CoordinatorUnavailableError {
  const hint = answer.status === 401
    ? 'The coordinator requires an agent token: pass token or set TURNSTILE_TOKEN' + (tokenSent ? '; the one given is not accepted.' : '.')
    : answer.status >= 500
    ? 'The coordinator failed; check its logs and its health.'
    : 'Check that TURNSTILE_URL (or coordinatorUrl) points at a Turnstile coordinator with work queues.';
  return new CoordinatorUnavailableError(
    `The coordinator at ${answer.url} answered ${what} to the ${answer.call.action} of ${answer.call.subject} on attempt ${answer.attempt},` +
      ` which is not retried: ${excerpt(answer.text)}. ${hint}`,
    answer.url,
    answer.attempt,
    answer.status,
  );
}

function rejectLocally(what: string, violations: FieldViolation[]): void {
  if (violations.length > 0) {
    throw new JobRejectedError(
      `Invalid ${what}, not sent to the coordinator: ${violations.map((v) => v.message).join('; ')}`,
      violations,
      true,
    );
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}
