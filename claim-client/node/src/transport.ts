/**
 * What the claim and the work-queue functions share: the retry schedule, the error for a coordinator that could not
 * be asked, and reading its answers.
 */
import type { FieldViolation } from './rules.js';

/** Where decisions (`info`) and retries (`warn`) are logged; `console` by default. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
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

const JITTER = 0.25;

const EXCERPT_LENGTH = 200;

const CONNECT_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

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

/** The base URL without trailing slashes, checked: `http://turnstile:8080/` gives `http://turnstile:8080`. */
export function coordinatorBaseUrl(coordinatorUrl: string | undefined): string {
  if (coordinatorUrl === undefined || coordinatorUrl.trim() === '') {
    throw new Error(
      'No coordinator URL: pass coordinatorUrl or set TURNSTILE_URL (e.g. http://turnstile:8080)',
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

export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** `fetch failed` says little; its cause has the code (ECONNREFUSED, ENOTFOUND...) and the address. */
export function describeNetworkError(error: unknown, url: string): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : undefined;
  const detail = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  if (code !== undefined && CONNECT_ERROR_CODES.has(code)) {
    return `could not connect to ${new URL(url).host} (${detail || code})`;
  }
  const summary = error instanceof Error ? error.message : String(error);
  return detail && detail !== summary ? `${summary}: ${detail}` : summary;
}

export function retryAfter(header: string | null): { retryAfterMs?: number } {
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

export type JsonObject = Record<string, unknown>;

export function parseObject(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    // Not JSON: callers report an excerpt of the body instead.
    return undefined;
  }
}

export function optionalString<K extends string>(json: JsonObject, key: K): { [P in K]?: string } {
  const value = json[key];
  return (typeof value === 'string' ? { [key]: value } : {}) as { [P in K]?: string };
}

export function toViolation(value: unknown): FieldViolation {
  const json = typeof value === 'object' && value !== null ? (value as JsonObject) : {};
  const text = (key: string) => (typeof json[key] === 'string' ? (json[key] as string) : '');
  return { field: text('field'), rule: text('rule'), message: text('message') || JSON.stringify(value) };
}

/**
 * The sentence of an error answer: an RFC 9457 problem's `detail` (application/problem+json), or the `message` of
 * coordinators from before problems.
 */
export function problemDetail(json: JsonObject | undefined): string | undefined {
  if (json === undefined) {
    return undefined;
  }
  if (typeof json.detail === 'string') {
    return json.detail;
  }
  return typeof json.message === 'string' ? json.message : undefined;
}

export function errorSummary(json: JsonObject | undefined, text: string): string {
  const detail = problemDetail(json);
  if (json !== undefined && (typeof json.error === 'string' || detail !== undefined)) {
    const error = typeof json.error === 'string' ? json.error : 'error';
    return detail !== undefined ? `${error}: ${detail}` : error;
  }
  return excerpt(text);
}

export function excerpt(body: string): string {
  const oneLine = body.trim().replace(/\s+/g, ' ');
  if (oneLine === '') {
    return '(empty body)';
  }
  return oneLine.length <= EXCERPT_LENGTH ? oneLine : oneLine.slice(0, EXCERPT_LENGTH) + '...';
}
