/**
 * Turnstile claim client: asks the coordinator whether this CI agent may run a task, so that when CI (Nx Cloud, a
 * matrix, parallel pipelines) hands the same task to several agents only the first one runs it and the others skip it
 * successfully.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { coordinatorUrlFromEnvironment, defaultAgentId, detectGitSha } from './ci.js';
import { checkClaim, checkFencingToken, checkTtlSeconds, normalizeGitSha, type FieldViolation } from './rules.js';
import {
  CoordinatorUnavailableError,
  coordinatorBaseUrl,
  delayBefore,
  describeNetworkError,
  errorSummary,
  problemDetail,
  excerpt,
  isTimeout,
  optionalString,
  parseObject,
  retryAfter,
  toViolation,
  type JsonObject,
  type Logger,
} from './transport.js';

export {
  COORDINATOR_URL_VARIABLES,
  GIT_SHA_VARIABLES,
  GIT_SOURCE,
  coordinatorUrlFromEnvironment,
  defaultAgentId,
  detectGitSha,
  gitRevParseHead,
  type Git,
  type ShaLookup,
} from './ci.js';
export { checkClaim, normalizeGitSha, type FieldViolation } from './rules.js';
export { CoordinatorUnavailableError, delayBefore, type Logger } from './transport.js';
export {
  JobFailure,
  JobRejectedError,
  JobStopped,
  appendJobLogs,
  attachArtifact,
  claimNext,
  completeJob,
  enqueue,
  failJob,
  heartbeat,
  work,
  type Artifact,
  type EnqueuedJob,
  type Job,
  type JobClientOptions,
  type JobContext,
  type JobHandler,
  type JobState,
  type NewJob,
  type WorkOptions,
  type Worker,
  type WorkerAnswer,
  type WorkerStats,
} from './jobs.js';

/** What to claim, from where, and how hard to try. */
export interface CheckInOptions {
  /** The project, e.g. `hire` (in Nx, the project). */
  project: string;
  /** The task, e.g. `convex-deploy` (in Nx, the target). */
  task: string;
  /**
   * The commit the task runs for, 7 to 64 hexadecimal characters; sent lower-case. By default the CI's (`GITHUB_SHA`,
   * `CI_COMMIT_SHA`, `BUILDKITE_COMMIT`), else `git rev-parse HEAD` ({@link detectGitSha}); where it came from is
   * logged.
   */
  gitSha?: string;
  /** Who is asking; the CI job and runner by default ({@link defaultAgentId}). */
  agentId?: string;
  /** The coordinator's base URL, e.g. `http://turnstile:8080`; `$TURNSTILE_URL`, else `$NX_COORDINATOR_URL`, by default. */
  coordinatorUrl?: string;
  /**
   * The agent token, sent as `Authorization: Bearer <token>`, for a coordinator that requires one
   * (`turnstile.security.agent-tokens`); `$TURNSTILE_TOKEN` by default, none when unset.
   */
  token?: string;
  /** The idempotency key sent on every attempt; a new UUID by default. */
  requestId?: string;
  /** Whether another agent may claim the task after this holder reports failure; `false` by default. */
  takeoverAfterFailure?: boolean;
  /** Retries after the first attempt while the coordinator is unreachable or busy; 3 by default (4 attempts). */
  retries?: number;
  /** How long one attempt may take, in milliseconds; 10 000 by default. */
  timeoutMs?: number;
  /** Pauses between attempts: from `initialMs` (200), doubling up to `maxMs` (3 000), plus up to 25 % jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Where the decision and each retry are logged; `console` by default. */
  logger?: Logger;
}

/** The coordinator's decision. Losing the race is a normal result, not an error. */
export interface CheckInResult {
  /** `true`: this agent is the first, run the task. `false`: another agent claimed it; skip and report success. */
  shouldProceed: boolean;
  /** The coordinator's sentence about the decision, e.g. `Already claimed by agent-2 at …`. */
  message: string;
  /** The agent holding the claim (this one when proceeding), if the coordinator said. */
  claimedBy?: string;
  /** When the claim was granted (ISO-8601), if the coordinator said. */
  claimedAt?: string;
  /** The idempotency key the claim was sent with, the same on every attempt. */
  requestId: string;
  /** The key decided on: `project:task:gitSha`. */
  taskKey: string;
  /** The commit claimed (given, or found in the CI's environment), lower-case: pass it on to renew or complete. */
  gitSha: string;
  /** `once` or `lease`: this agent's grant, or the holder's claim when skipping. */
  mode?: 'once' | 'lease';
  /**
   * The grant's fencing token (the holder's when skipping). Tokens of a task strictly increase with every grant: hand
   * it to the deploy target so that it can reject a stale holder.
   */
  fencingToken?: number;
  /** A lease's expiry unless renewed (ISO-8601). */
  expiresAt?: string;
  /** When skipping a claim that already ended: what the holder reported. */
  outcome?: 'succeeded' | 'failed';
}

/** The claim breaks the input rules, found before sending or answered 400 by the coordinator. Never retried. */
export class ClaimRejectedError extends Error {
  constructor(
    message: string,
    /** Every broken rule, in field order. */
    readonly violations: FieldViolation[],
    /** `true` when the claim was found invalid here and never sent. */
    readonly checkedLocally: boolean,
  ) {
    super(message);
    this.name = 'ClaimRejectedError';
  }
}

const DEFAULT_RETRIES = 3;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_INITIAL_BACKOFF_MS = 200;
const DEFAULT_MAX_BACKOFF_MS = 3_000;
const CHECK_RUNNING =
  'Check TURNSTILE_URL (or coordinatorUrl) and that the coordinator is running and reachable from this agent.';
/**
 * Claims `project:task:gitSha` for this agent. Resolves `shouldProceed: true` when this agent is the first and should
 * run the task, `false` when another agent already claimed it (the caller then skips and reports success). Logs the
 * decision. Retries with backoff while the coordinator is unreachable or busy, always with the same request id.
 *
 * @throws ClaimRejectedError when the claim is invalid (checked before sending, or 400 from the coordinator)
 * @throws CoordinatorUnavailableError when no attempt got a decision; the message says what failed and what to check
 * @throws Error when no coordinator URL is configured, no commit is given or found, or an option is out of range
 */
export async function checkInAndProceed(options: CheckInOptions): Promise<CheckInResult> {
  const result = await claim(options, options.takeoverAfterFailure === true ? { takeoverAfterFailure: true } : {});
  (options.logger ?? console).info(decisionLine(`${options.project}:${options.task}`, result));
  return result;
}

/** What to lease: a claim with a time to live, renewed by the holder ({@link renewLease}) or lost. */
export interface LeaseOptions extends CheckInOptions {
  /** The lease's time to live, 1 to 3600 seconds. */
  ttlSeconds: number;
}

/**
 * Claims `project:task:gitSha` as a lease of `ttlSeconds`. Resolves like {@link checkInAndProceed}; a grant carries
 * the `fencingToken` to present when renewing, releasing or completing, and the lease's `expiresAt`. Losing the race is
 * `shouldProceed: false`, not an error. Renew before `expiresAt` ({@link renewLease} or {@link keepLeaseAlive}).
 */
export async function acquireLease(options: LeaseOptions): Promise<CheckInResult> {
  const result = await claim(options, {
    mode: 'lease',
    ttlSeconds: options.ttlSeconds,
    ...(options.takeoverAfterFailure === true && { takeoverAfterFailure: true }),
  });
  (options.logger ?? console).info(decisionLine(`${options.project}:${options.task}`, result));
  return result;
}

/** A request only the holder may make, proving it with its fencing token. */
export interface HolderOptions extends Omit<CheckInOptions, 'requestId'> {
  /** The token the grant carried. */
  fencingToken: number;
}

/** The coordinator's answer to a renewal, release or completion. A refusal is a result, not an error. */
export interface HolderResult {
  /** `true` when done; `false` when refused. */
  accepted: boolean;
  /** `renewed`, `released`, `completed` or `refused`. */
  result: string;
  /**
   * When refused: `stale_token` (another agent took over), `not_holder`, `no_active_claim`, `lease_expired`,
   * `already_released`, `already_completed` or `not_a_lease`.
   */
  reason?: string;
  message: string;
  /** The token presented. */
  fencingToken: number;
  /** When refused: the token of the task's current or last holder. */
  currentFencingToken?: number;
  /** When refused: the task's current or last holder. */
  heldBy?: string;
  /** Renewed: the lease's new expiry; lease_expired: when it ran out. */
  expiresAt?: string;
}

/** Renews (heartbeats) a lease: it then runs `ttlSeconds` (default: its own TTL) from now. */
export async function renewLease(options: HolderOptions & { ttlSeconds?: number }): Promise<HolderResult> {
  return holderRequest('renew', '/api/lease/renew', options, {
    ...(options.ttlSeconds !== undefined && { ttlSeconds: options.ttlSeconds }),
  });
}

/** Gives the claim back without an outcome: the next claimer wins. */
export async function releaseLease(options: HolderOptions): Promise<HolderResult> {
  return holderRequest('release', '/api/lease/release', options, {});
}

/** Reports how the task ended; agents waiting for the winner ({@link waitForOutcome}) learn it. */
export async function completeClaim(
  options: HolderOptions & { outcome: 'succeeded' | 'failed' },
): Promise<HolderResult> {
  if (options.outcome !== 'succeeded' && options.outcome !== 'failed') {
    throw new ClaimRejectedError(
      `Invalid request, not sent to the coordinator: outcome must be "succeeded" or "failed"; got "${String(options.outcome)}"`,
      [{ field: 'outcome', rule: 'enum', message: 'outcome must be "succeeded" or "failed"' }],
      true,
    );
  }
  return holderRequest('complete', '/api/claim/complete', options, { outcome: options.outcome });
}

/**
 * Renews a lease every third of its TTL until stopped or lost. `onLost` is called once, with the refusal (another
 * agent took over, the lease expired): the holder must then stop working on the task. A renewal that cannot reach the
 * coordinator is logged and retried at the next tick.
 */
export function keepLeaseAlive(
  lease: HolderOptions & { ttlSeconds: number; onLost?: (refusal: HolderResult) => void },
): { stop(): void } {
  const logger = lease.logger ?? console;
  // Found once, not at every renewal.
  const options = { ...lease, gitSha: lease.gitSha ?? detectedGitSha(`${lease.project}:${lease.task}`, logger) };
  let stopped = false;
  let inFlight = false;
  const timer = setInterval(
    () => {
      if (stopped || inFlight) {
        return;
      }
      inFlight = true;
      renewLease(options)
        .then((answer) => {
          if (!answer.accepted && !stopped) {
            stopped = true;
            clearInterval(timer);
            options.onLost?.(answer);
          }
        })
        .catch((error: unknown) => {
          logger.warn(`Could not renew the lease on ${options.project}:${options.task}: ${String(error)}`);
        })
        .finally(() => {
          inFlight = false;
        });
    },
    Math.max(200, (options.ttlSeconds * 1000) / 3),
  );
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

/** Where the winner's claim stands. */
export interface OutcomeResult {
  taskKey: string;
  /**
   * `active` (the winner runs), `succeeded`, `failed`, `expired` (its lease ran out), `released`, or `unknown` (the
   * coordinator heard no decision on the task since it started).
   */
  status: string;
  /** Whether the winner's claim has ended. */
  ended: boolean;
  agentId?: string;
  fencingToken?: number;
  message: string;
}

/**
 * Waits until the winner's claim on `project:task:gitSha` ends or `waitMs` (default 10 minutes) passes, long-polling
 * the coordinator at most a minute per request. Resolves with the last standing (`active` or `unknown` when the wait
 * ran out).
 */
export async function waitForOutcome(
  options: Omit<CheckInOptions, 'agentId' | 'requestId'> & { waitMs?: number },
): Promise<OutcomeResult> {
  const { baseUrl, settings, logger, taskKey } = prepare({ ...options, agentId: 'waiting-agent' });
  const deadline = Date.now() + (options.waitMs ?? 10 * 60_000);
  for (;;) {
    const remaining = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
    const waitSeconds = Math.min(remaining, 60);
    const url = `${baseUrl}/api/claim/outcome?taskKey=${encodeURIComponent(taskKey)}&waitSeconds=${waitSeconds}`;
    const answer = await withRetries(
      { action: 'outcome', answer: 'answer', taskKey, url, healthUrl: `${baseUrl}/api/health`, answerStatuses: [200] },
      { method: 'GET' },
      { ...settings, timeoutMs: settings.timeoutMs + waitSeconds * 1000 },
      logger,
    );
    if (answer.json === undefined || typeof answer.json.status !== 'string') {
      throw unusable(url, answer.attempt, answer.status, 'HTTP 200 without a "status"', answer.text, `${baseUrl}/api/health`);
    }
    const result: OutcomeResult = {
      taskKey,
      status: answer.json.status,
      ended: answer.json.ended === true,
      message: typeof answer.json.message === 'string' ? answer.json.message : '',
      ...optionalString(answer.json, 'agentId'),
      ...(typeof answer.json.fencingToken === 'number' && { fencingToken: answer.json.fencingToken }),
    };
    if (result.ended || remaining <= waitSeconds) {
      return result;
    }
    if (result.status === 'unknown') {
      await sleep(1000);
    }
  }
}

/** The checked inputs every call shares. */
function prepare(options: CheckInOptions) {
  const agentId = options.agentId ?? defaultAgentId();
  const { project, task } = options;
  const logger = options.logger ?? console;
  const gitSha = options.gitSha ?? detectedGitSha(`${project}:${task}`, logger);
  const violations = checkClaim(project, task, gitSha, agentId, options.requestId);
  if (violations.length > 0) {
    throw new ClaimRejectedError(
      'Invalid claim, not sent to the coordinator: ' + violations.map((v) => v.message).join('; '),
      violations,
      true,
    );
  }
  const baseUrl = coordinatorBaseUrl(options.coordinatorUrl ?? coordinatorUrlFromEnvironment()?.url);
  return {
    agentId,
    baseUrl,
    settings: retrySettings(options),
    logger,
    taskKey: `${project}:${task}:${normalizeGitSha(gitSha)}`,
    key: { project, task, gitSha: normalizeGitSha(gitSha), agentId },
  };
}

/** The commit of this CI job, logged with where it came from; an error saying what was tried when none is found. */
function detectedGitSha(taskName: string, logger: Logger): string {
  const lookup = detectGitSha();
  if (!lookup.found) {
    throw new Error(`${lookup.message}. Pass gitSha, or run in the git checkout of the commit.`);
  }
  logger.info(`Task ${taskName} - sha ${lookup.sha} (from ${lookup.source})`);
  return lookup.sha;
}

function rejectLocally(violations: FieldViolation[]): void {
  if (violations.length > 0) {
    throw new ClaimRejectedError(
      'Invalid request, not sent to the coordinator: ' + violations.map((v) => v.message).join('; '),
      violations,
      true,
    );
  }
}

async function claim(options: CheckInOptions, policy: Record<string, unknown>): Promise<CheckInResult> {
  const { baseUrl, settings, logger, taskKey, key } = prepare(options);
  rejectLocally(checkTtlSeconds(policy.ttlSeconds));
  const requestId = options.requestId ?? randomUUID();
  const claimUrl = `${baseUrl}/api/claim`;
  const healthUrl = `${baseUrl}/api/health`;
  const answer = await withRetries(
    { action: 'claim', answer: 'decision', taskKey, requestId, url: claimUrl, healthUrl, answerStatuses: [200] },
    { method: 'POST', body: JSON.stringify({ ...key, requestId, ...policy }) },
    settings,
    logger,
  );
  const json = answer.json;
  if (json === undefined || typeof json.proceed !== 'boolean') {
    throw unusable(claimUrl, answer.attempt, answer.status, 'HTTP 200 without a boolean "proceed"', answer.text, healthUrl);
  }
  return {
    shouldProceed: json.proceed,
    message: typeof json.message === 'string' ? json.message : json.proceed ? 'Claimed' : 'Already claimed',
    requestId: typeof json.requestId === 'string' ? json.requestId : requestId,
    taskKey: typeof json.taskKey === 'string' ? json.taskKey : taskKey,
    gitSha: key.gitSha,
    ...optionalString(json, 'claimedBy'),
    ...optionalString(json, 'claimedAt'),
    ...optionalString(json, 'expiresAt'),
    ...(json.mode === 'once' || json.mode === 'lease' ? { mode: json.mode } : {}),
    ...(json.outcome === 'succeeded' || json.outcome === 'failed' ? { outcome: json.outcome } : {}),
    ...(typeof json.fencingToken === 'number' && { fencingToken: json.fencingToken }),
  };
}

async function holderRequest(
  action: string,
  path: string,
  options: HolderOptions,
  extra: Record<string, unknown>,
): Promise<HolderResult> {
  const { baseUrl, settings, logger, taskKey, key } = prepare(options);
  rejectLocally([...checkFencingToken(options.fencingToken), ...checkTtlSeconds(extra.ttlSeconds)]);
  const requestId = randomUUID();
  const url = `${baseUrl}${path}`;
  const answer = await withRetries(
    { action, answer: 'decision', taskKey, requestId, url, healthUrl: `${baseUrl}/api/health`, answerStatuses: [200, 409] },
    { method: 'POST', body: JSON.stringify({ ...key, requestId, fencingToken: options.fencingToken, ...extra }) },
    settings,
    logger,
  );
  const json = answer.json;
  if (json === undefined || typeof json.accepted !== 'boolean') {
    throw unusable(url, answer.attempt, answer.status, `HTTP ${answer.status} without a boolean "accepted"`, answer.text, `${baseUrl}/api/health`);
  }
  return {
    accepted: json.accepted,
    result: typeof json.result === 'string' ? json.result : '',
    message: typeof json.message === 'string' ? json.message : '',
    fencingToken: options.fencingToken,
    ...optionalString(json, 'reason'),
    ...optionalString(json, 'heldBy'),
    ...optionalString(json, 'expiresAt'),
    ...(typeof json.currentFencingToken === 'number' && { currentFencingToken: json.currentFencingToken }),
  };
}

/** One request to the coordinator, for messages and retries. */
interface Call {
  /** `claim`, `renew`, `outcome`… */
  action: string;
  /** `decision` or `answer`. */
  answer: string;
  taskKey: string;
  requestId?: string;
  url: string;
  healthUrl: string;
  /** The statuses that carry an answer (200, and 409 for refusals). */
  answerStatuses: number[];
}

interface Answer {
  status: number;
  json: JsonObject | undefined;
  text: string;
  attempt: number;
}

/** Sends the request until an answer comes, retrying with backoff (the same body, so the same request id). */
async function withRetries(
  call: Call,
  init: { method: string; body?: string },
  settings: Settings,
  logger: Logger,
): Promise<Answer> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptCall(call, init, settings.timeoutMs, attempt, settings.token);
    if (outcome.kind === 'answer') {
      return { status: outcome.status, json: outcome.json, text: outcome.text, attempt };
    }
    const sameId = call.requestId === undefined ? '' : ` (requestId ${call.requestId})`;
    if (attempt >= settings.attempts) {
      throw new CoordinatorUnavailableError(
        `No ${call.action} ${call.answer} for ${call.taskKey} from ${call.url} after ${attempt} attempt${attempt === 1 ? '' : 's'}` +
          `${sameId}; last error: ${outcome.description}. ${outcome.hint}`,
        call.url,
        attempt,
        outcome.status,
      );
    }
    const delayMs = delayBefore(attempt, outcome.retryAfterMs, Math.random(), settings);
    const action = call.action.charAt(0).toUpperCase() + call.action.slice(1);
    logger.warn(
      `${action} attempt ${attempt} of ${settings.attempts} for ${call.taskKey} at ${call.url} failed: ${outcome.description};` +
        ` retrying in ${delayMs} ms` + (call.requestId === undefined ? '' : ` with the same requestId ${call.requestId}`),
    );
    await sleep(delayMs);
  }
}

/** `Task hire:convex-deploy - proceeding as first instance`, or `... - skipping, already claimed by X at T`. */
function decisionLine(taskName: string, result: CheckInResult): string {
  if (result.shouldProceed) {
    return `Task ${taskName} - proceeding as first instance`;
  }
  if (result.claimedBy === undefined) {
    return `Task ${taskName} - skipping: ${result.message}`;
  }
  return (
    `Task ${taskName} - skipping, already claimed by ${result.claimedBy}` +
    (result.claimedAt === undefined ? '' : ` at ${result.claimedAt}`)
  );
}

interface Settings {
  attempts: number;
  timeoutMs: number;
  initialMs: number;
  maxMs: number;
  /** The agent token, if any. */
  token?: string;
}

function retrySettings(options: CheckInOptions): Settings {
  const retries = options.retries ?? DEFAULT_RETRIES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const initialMs = options.backoff?.initialMs ?? DEFAULT_INITIAL_BACKOFF_MS;
  const maxMs = options.backoff?.maxMs ?? Math.max(DEFAULT_MAX_BACKOFF_MS, initialMs);
  if (!Number.isInteger(retries) || retries < 0) {
    throw new RangeError(`retries must be a whole number, 0 or more; got ${retries}`);
  }
  if (!(timeoutMs > 0)) {
    throw new RangeError(`timeoutMs must be positive; got ${timeoutMs}`);
  }
  if (!(initialMs >= 0) || !(maxMs >= initialMs)) {
    throw new RangeError(`backoff needs 0 <= initialMs <= maxMs; got initialMs ${initialMs}, maxMs ${maxMs}`);
  }
  const token = (options.token ?? process.env.TURNSTILE_TOKEN)?.trim() || undefined;
  return { attempts: retries + 1, timeoutMs, initialMs, maxMs, token };
}

type Outcome =
  | { kind: 'answer'; status: number; json: JsonObject | undefined; text: string }
  | { kind: 'retry'; description: string; hint: string; status?: number; retryAfterMs?: number };

async function attemptCall(
  call: Call,
  init: { method: string; body?: string },
  timeoutMs: number,
  attempt: number,
  token: string | undefined,
): Promise<Outcome> {
  let response: Response;
  let text: string;
  try {
    // One timeout for the whole exchange, reading the body included.
    const signal = AbortSignal.timeout(timeoutMs);
    response = await fetch(call.url, {
      method: init.method,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, application/problem+json',
        ...(token !== undefined && { authorization: `Bearer ${token}` }),
      },
      ...(init.body !== undefined && { body: init.body }),
      redirect: 'manual',
      signal,
    });
    text = await response.text();
  } catch (error) {
    if (isTimeout(error)) {
      return {
        kind: 'retry',
        description: `no answer within ${timeoutMs} ms`,
        hint:
          `The coordinator did not answer; check its health (GET ${call.healthUrl}) and its Kafka cluster,` +
          ' or allow a longer timeoutMs.',
      };
    }
    return { kind: 'retry', description: describeNetworkError(error, call.url), hint: CHECK_RUNNING };
  }

  const status = response.status;
  const json = parseObject(text);
  if (call.answerStatuses.includes(status)) {
    return { kind: 'answer', status, json, text };
  }
  // 409 here (a claim): its request id already names another request; nothing was decided for it.
  if (status === 400 || status === 409) {
    const violations = Array.isArray(json?.violations) ? json.violations.map(toViolation) : [];
    const message = problemDetail(json) ?? `HTTP ${status} ${excerpt(text)}`;
    const details = violations.length > 0 ? violations.map((v) => v.message).join('; ') : message;
    throw new ClaimRejectedError(
      `The coordinator at ${call.url} rejected the ${call.action} as invalid: ${details}`,
      violations,
      false,
    );
  }
  if (status === 502 || status === 503 || status === 504) {
    const error = typeof json?.error === 'string' ? ` (${json.error})` : '';
    return {
      kind: 'retry',
      status,
      description: `HTTP ${status} ${errorSummary(json, text)}`,
      hint:
        status === 503
          ? `The coordinator is up but could not decide${error}; check its health (GET ${call.healthUrl}) and its Kafka` +
            ' cluster.'
          : 'A proxy in front of the coordinator could not reach it; check that the coordinator is running.',
      ...retryAfter(response.headers.get('retry-after')),
    };
  }
  const location = response.headers.get('location');
  const what = `HTTP ${status}${location ? ` (redirect to ${location})` : ''}`;
  throw unusable(call.url, attempt, status, what, text, call.healthUrl, token !== undefined);
}

/** An answer that is neither a decision nor worth retrying: most likely a wrong URL or an incompatible server. */
function unusable(
  url: string,
  attempt: number,
  status: number,
  what: string,
  body: string,
  healthUrl: string,
  tokenSent = false,
): CoordinatorUnavailableError {
  const hint =
    status >= 500
      ? `The coordinator failed; check its logs and its health (GET ${healthUrl}).`
      : status === 401
      ? 'The coordinator requires an agent token: pass token or set TURNSTILE_TOKEN' +
        (tokenSent ? '; the one given is not accepted.' : '.')
      : 'Check that TURNSTILE_URL (or coordinatorUrl) points at a Turnstile coordinator; it answers' +
        ' POST /api/claim and GET /api/health.';
  return new CoordinatorUnavailableError(
    `The coordinator at ${url} answered ${what} on attempt ${attempt}, which is not retried: ${excerpt(body)}. ${hint}`,
    url,
    attempt,
    status,
  );
}

