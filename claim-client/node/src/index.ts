/**
 * Turnstile claim client for Nx executors: asks the coordinator whether this CI agent may run a task, so that when
 * Nx Cloud hands the same task to several agents only the first one runs it and the others skip it successfully.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkClaim, normalizeGitSha, type FieldViolation } from './rules';

export { checkClaim, normalizeGitSha, type FieldViolation } from './rules';

/** Where decisions (`info`) and retries (`warn`) are logged; `console` by default. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** What to claim, from where, and how hard to try. */
export interface CheckInOptions {
  /** The Nx project, e.g. `hire`. */
  project: string;
  /** The Nx target, e.g. `convex-deploy`. */
  task: string;
  /** The commit the task runs for, 7 to 64 hexadecimal characters; sent lower-case. */
  gitSha: string;
  /** Who is asking; {@link defaultAgentId} by default. */
  agentId?: string;
  /** The coordinator's base URL, e.g. `http://turnstile:8080`; `$NX_COORDINATOR_URL` by default. */
  coordinatorUrl?: string;
  /** The idempotency key sent on every attempt; a new UUID by default. */
  requestId?: string;
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

/**
 * The coordinator gave no decision: unreachable, timing out or answering 502/503/504 on every attempt, or answering
 * in a way this client cannot use. CI should fail: running the task unclaimed risks a duplicate deployment.
 */
export class CoordinatorUnavailableError extends Error {
  constructor(
    message: string,
    /** The endpoint that was called. */
    readonly url: string,
    /** How many attempts were made. */
    readonly attempts: number,
    /** The HTTP status of the last answer, if the last attempt got one. */
    readonly lastStatus?: number,
  ) {
    super(message);
    this.name = 'CoordinatorUnavailableError';
  }
}

const DEFAULT_RETRIES = 3;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_INITIAL_BACKOFF_MS = 200;
const DEFAULT_MAX_BACKOFF_MS = 3_000;
const JITTER = 0.25;
const EXCERPT_LENGTH = 200;
const CHECK_RUNNING =
  'Check NX_COORDINATOR_URL (or coordinatorUrl) and that the coordinator is running and reachable from this agent.';
const CONNECT_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** This agent's id, as the product asks: `$NX_CLOUD_AGENT_ID` when set and not blank, else `hostname-pid`. */
export function defaultAgentId(env: NodeJS.ProcessEnv = process.env, pid: number = process.pid): string {
  const nxAgent = env.NX_CLOUD_AGENT_ID?.trim();
  return nxAgent ? nxAgent : `${hostname()}-${pid}`;
}

/**
 * Claims `project:task:gitSha` for this agent. Resolves `shouldProceed: true` when this agent is the first and should
 * run the task, `false` when another agent already claimed it (the caller then skips and reports success). Logs the
 * decision. Retries with backoff while the coordinator is unreachable or busy, always with the same request id.
 *
 * @throws ClaimRejectedError when the claim is invalid (checked before sending, or 400 from the coordinator)
 * @throws CoordinatorUnavailableError when no attempt got a decision; the message says what failed and what to check
 * @throws Error when no coordinator URL is configured or an option is out of range
 */
export async function checkInAndProceed(options: CheckInOptions): Promise<CheckInResult> {
  const logger = options.logger ?? console;
  const agentId = options.agentId ?? defaultAgentId();
  const { project, task, gitSha } = options;
  const violations = checkClaim(project, task, gitSha, agentId, options.requestId);
  if (violations.length > 0) {
    throw new ClaimRejectedError(
      'Invalid claim, not sent to the coordinator: ' + violations.map((v) => v.message).join('; '),
      violations,
      true,
    );
  }
  const baseUrl = coordinatorBaseUrl(options.coordinatorUrl ?? process.env.NX_COORDINATOR_URL);
  const claimUrl = `${baseUrl}/api/claim`;
  const healthUrl = `${baseUrl}/api/health`;
  const settings = retrySettings(options);
  const requestId = options.requestId ?? randomUUID();
  const taskName = `${project}:${task}`;
  const taskKey = `${taskName}:${normalizeGitSha(gitSha)}`;
  const body = JSON.stringify({ project, task, gitSha: normalizeGitSha(gitSha), agentId, requestId });

  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptClaim(claimUrl, healthUrl, body, settings.timeoutMs, attempt);
    if (outcome.kind === 'decision') {
      const result: CheckInResult = {
        shouldProceed: outcome.proceed,
        message: outcome.message ?? (outcome.proceed ? 'Claimed' : 'Already claimed'),
        requestId: outcome.requestId ?? requestId,
        taskKey: outcome.taskKey ?? taskKey,
        ...(outcome.claimedBy !== undefined && { claimedBy: outcome.claimedBy }),
        ...(outcome.claimedAt !== undefined && { claimedAt: outcome.claimedAt }),
      };
      logger.info(decisionLine(taskName, result));
      return result;
    }
    if (attempt >= settings.attempts) {
      throw new CoordinatorUnavailableError(
        `No claim decision for ${taskKey} from ${claimUrl} after ${attempt} attempt${attempt === 1 ? '' : 's'}` +
          ` (requestId ${requestId}); last error: ${outcome.description}. ${outcome.hint}`,
        claimUrl,
        attempt,
        outcome.status,
      );
    }
    const delayMs = delayBefore(attempt, outcome.retryAfterMs, Math.random(), settings);
    logger.warn(
      `Claim attempt ${attempt} of ${settings.attempts} for ${taskKey} at ${claimUrl} failed: ${outcome.description};` +
        ` retrying in ${delayMs} ms with the same requestId ${requestId}`,
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
  return { attempts: retries + 1, timeoutMs, initialMs, maxMs };
}

/**
 * The pause before retry number `retry` (1 after the first attempt): the backoff doubles from `initialMs` up to
 * `maxMs`, is never shorter than a Retry-After (up to `maxMs`), and jitter only lengthens it, so that agents failing
 * together do not retry together. The same schedule as the Java client's `RetrySettings`.
 */
export function delayBefore(
  retry: number,
  retryAfterMs: number | undefined,
  random: number,
  backoff: { initialMs: number; maxMs: number },
): number {
  const exponential = Math.min(backoff.initialMs * 2 ** Math.max(retry - 1, 0), backoff.maxMs);
  const floor = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, backoff.maxMs);
  const base = Math.max(exponential, floor);
  return Math.round(Math.min(base + base * JITTER * random, backoff.maxMs));
}

type Outcome =
  | {
      kind: 'decision';
      proceed: boolean;
      taskKey?: string;
      requestId?: string;
      claimedBy?: string;
      claimedAt?: string;
      message?: string;
    }
  | { kind: 'retry'; description: string; hint: string; status?: number; retryAfterMs?: number };

async function attemptClaim(
  claimUrl: string,
  healthUrl: string,
  body: string,
  timeoutMs: number,
  attempt: number,
): Promise<Outcome> {
  let response: Response;
  let text: string;
  try {
    // One timeout for the whole exchange, reading the body included.
    const signal = AbortSignal.timeout(timeoutMs);
    response = await fetch(claimUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
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
          `The coordinator did not answer; check its health (GET ${healthUrl}) and its Kafka cluster,` +
          ' or allow a longer timeoutMs.',
      };
    }
    return { kind: 'retry', description: describeNetworkError(error, claimUrl), hint: CHECK_RUNNING };
  }

  const status = response.status;
  const json = parseObject(text);
  if (status === 200) {
    if (json === undefined || typeof json.proceed !== 'boolean') {
      throw unusable(claimUrl, attempt, status, 'HTTP 200 without a boolean "proceed"', text, healthUrl);
    }
    return {
      kind: 'decision',
      proceed: json.proceed,
      ...optionalString(json, 'taskKey'),
      ...optionalString(json, 'requestId'),
      ...optionalString(json, 'claimedBy'),
      ...optionalString(json, 'claimedAt'),
      ...optionalString(json, 'message'),
    };
  }
  if (status === 400) {
    const violations = Array.isArray(json?.violations) ? json.violations.map(toViolation) : [];
    const message = typeof json?.message === 'string' ? json.message : `HTTP 400 ${excerpt(text)}`;
    const details = violations.length > 0 ? violations.map((v) => v.message).join('; ') : message;
    throw new ClaimRejectedError(
      `The coordinator at ${claimUrl} rejected the claim as invalid: ${details}`,
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
          ? `The coordinator is up but could not decide${error}; check its health (GET ${healthUrl}) and its Kafka` +
            ' cluster.'
          : 'A proxy in front of the coordinator could not reach it; check that the coordinator is running.',
      ...retryAfter(response.headers.get('retry-after')),
    };
  }
  const location = response.headers.get('location');
  const what = `HTTP ${status}${location ? ` (redirect to ${location})` : ''}`;
  throw unusable(claimUrl, attempt, status, what, text, healthUrl);
}

/** An answer that is neither a decision nor worth retrying: most likely a wrong URL or an incompatible server. */
function unusable(
  url: string,
  attempt: number,
  status: number,
  what: string,
  body: string,
  healthUrl: string,
): CoordinatorUnavailableError {
  const hint =
    status >= 500
      ? `The coordinator failed; check its logs and its health (GET ${healthUrl}).`
      : 'Check that NX_COORDINATOR_URL (or coordinatorUrl) points at a Turnstile coordinator; it answers' +
        ' POST /api/claim and GET /api/health.';
  return new CoordinatorUnavailableError(
    `The coordinator at ${url} answered ${what} on attempt ${attempt}, which is not retried: ${excerpt(body)}. ${hint}`,
    url,
    attempt,
    status,
  );
}

/** The base URL without trailing slashes, checked: `http://turnstile:8080/` gives `http://turnstile:8080`. */
function coordinatorBaseUrl(coordinatorUrl: string | undefined): string {
  if (coordinatorUrl === undefined || coordinatorUrl.trim() === '') {
    throw new Error(
      'No coordinator URL: pass coordinatorUrl or set NX_COORDINATOR_URL (e.g. http://turnstile:8080)',
    );
  }
  let url: URL;
  try {
    url = new URL(coordinatorUrl.trim());
  } catch {
    url = new URL('invalid:');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new Error(
      'The coordinator URL must be an http(s) URL such as http://turnstile:8080, without query or fragment;' +
        ` got "${coordinatorUrl}"`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** `fetch failed` says little; its cause has the code (ECONNREFUSED, ENOTFOUND...) and the address. */
function describeNetworkError(error: unknown, url: string): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : undefined;
  const detail = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  if (code !== undefined && CONNECT_ERROR_CODES.has(code)) {
    return `could not connect to ${new URL(url).host} (${detail || code})`;
  }
  const summary = error instanceof Error ? error.message : String(error);
  return detail && detail !== summary ? `${summary}: ${detail}` : summary;
}

function retryAfter(header: string | null): { retryAfterMs?: number } {
  if (header === null || header.trim() === '') {
    return {};
  }
  const value = header.trim();
  if (/^\d+$/.test(value)) {
    return { retryAfterMs: Number(value) * 1000 };
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? {} : { retryAfterMs: Math.max(0, at - Date.now()) };
}

type JsonObject = Record<string, unknown>;

function parseObject(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    // Not JSON: callers report an excerpt of the body instead.
    return undefined;
  }
}

function optionalString<K extends string>(json: JsonObject, key: K): { [P in K]?: string } {
  const value = json[key];
  return (typeof value === 'string' ? { [key]: value } : {}) as { [P in K]?: string };
}

function toViolation(value: unknown): FieldViolation {
  const json = typeof value === 'object' && value !== null ? (value as JsonObject) : {};
  const text = (key: string) => (typeof json[key] === 'string' ? (json[key] as string) : '');
  return { field: text('field'), rule: text('rule'), message: text('message') || JSON.stringify(value) };
}

function errorSummary(json: JsonObject | undefined, text: string): string {
  if (json !== undefined && (typeof json.error === 'string' || typeof json.message === 'string')) {
    const error = typeof json.error === 'string' ? json.error : 'error';
    return typeof json.message === 'string' ? `${error}: ${json.message}` : error;
  }
  return excerpt(text);
}

function excerpt(body: string): string {
  const oneLine = body.trim().replace(/\s+/g, ' ');
  if (oneLine === '') {
    return '(empty body)';
  }
  return oneLine.length <= EXCERPT_LENGTH ? oneLine : oneLine.slice(0, EXCERPT_LENGTH) + '...';
}
