/**
 * The input rules for a claim: a copy of `ClaimRules` in claim-contracts (Java), with the same patterns, lengths and
 * messages, so that agents see one wording whichever client they use. The shared cases in
 * `claim-client/src/test/resources/claim-rules-cases.json` are checked against both.
 */

/** One broken input rule, named so that the caller can fix it. */
export interface FieldViolation {
  /** The JSON field name, e.g. `gitSha`. */
  field: string;
  /** A short, stable rule name, e.g. `pattern` or `required`. */
  rule: string;
  /** A sentence that says what was wrong and how to fix it. */
  message: string;
}

/** Longest project or task name. */
export const NAME_MAX_LENGTH = 100;
/** Longest agent id. */
export const AGENT_ID_MAX_LENGTH = 200;
/** Shortest git SHA (abbreviated). */
export const GIT_SHA_MIN_LENGTH = 7;
/** Longest git SHA (full SHA-256). */
export const GIT_SHA_MAX_LENGTH = 64;
/** Shortest request id. */
export const REQUEST_ID_MIN_LENGTH = 8;
/** Longest request id. */
export const REQUEST_ID_MAX_LENGTH = 128;

/** Project and task names: Nx names such as `@scope/app` or `e2e-ci--src/a.cy.ts`; no ':' (the key separator). */
const NAME = /^[A-Za-z0-9@_][A-Za-z0-9._@/+=-]*$/;
const GIT_SHA = /^[0-9a-fA-F]+$/;
/** Printable ASCII, no leading or trailing space. */
const AGENT_ID = /^[\x21-\x7E]([\x20-\x7E]*[\x21-\x7E])?$/;
const REQUEST_ID = /^[A-Za-z0-9._:-]+$/;

type Input = unknown;

/** Violations of the rules for a project or task name; empty when it is valid. */
export function checkName(field: string, value: Input): FieldViolation[] {
  if (value === null || value === undefined || value === '') {
    return [required(field, 'a name such as "hire" or "convex-deploy"')];
  }
  if (typeof value !== 'string') {
    return [notAString(field, value)];
  }
  if (value.length > NAME_MAX_LENGTH) {
    return [
      {
        field,
        rule: 'length',
        message: `${field} must be at most ${NAME_MAX_LENGTH} characters; got ${value.length}`,
      },
    ];
  }
  if (!NAME.test(value)) {
    return [
      {
        field,
        rule: 'pattern',
        message:
          `${field} may contain letters, digits and . _ @ / + = - (no spaces, no ':'), and must start with a` +
          ` letter, digit, '@' or '_'; got ${quote(value)}`,
      },
    ];
  }
  return [];
}

/** Violations of the rules for a git SHA; empty when it is valid. */
export function checkGitSha(value: Input): FieldViolation[] {
  if (value === null || value === undefined || value === '') {
    return [required('gitSha', 'the commit SHA the task runs for, e.g. "3f9c2ab"')];
  }
  if (typeof value !== 'string') {
    return [notAString('gitSha', value)];
  }
  if (value.length < GIT_SHA_MIN_LENGTH || value.length > GIT_SHA_MAX_LENGTH || !GIT_SHA.test(value)) {
    return [
      {
        field: 'gitSha',
        rule: 'pattern',
        message:
          `gitSha must be ${GIT_SHA_MIN_LENGTH} to ${GIT_SHA_MAX_LENGTH}` +
          ` hexadecimal characters (a git commit SHA such as 3f9c2ab); got ${quote(value)}`,
      },
    ];
  }
  return [];
}

/** Violations of the rules for an agent id; empty when it is valid. */
export function checkAgentId(value: Input): FieldViolation[] {
  if (value === null || value === undefined || value === '') {
    return [required('agentId', 'who is asking, e.g. $NX_CLOUD_AGENT_ID or hostname-pid')];
  }
  if (typeof value !== 'string') {
    return [notAString('agentId', value)];
  }
  if (value.length > AGENT_ID_MAX_LENGTH) {
    return [
      {
        field: 'agentId',
        rule: 'length',
        message: `agentId must be at most ${AGENT_ID_MAX_LENGTH} characters; got ${value.length}`,
      },
    ];
  }
  if (!AGENT_ID.test(value)) {
    return [
      {
        field: 'agentId',
        rule: 'pattern',
        message:
          'agentId must be printable ASCII without control characters or surrounding spaces; got ' + quote(value),
      },
    ];
  }
  return [];
}

/** Violations of the rules for an optional request id; empty when it is absent or valid. */
export function checkRequestId(value: Input): FieldViolation[] {
  if (value === null || value === undefined) {
    return [];
  }
  if (typeof value !== 'string') {
    return [notAString('requestId', value)];
  }
  if (value.length < REQUEST_ID_MIN_LENGTH || value.length > REQUEST_ID_MAX_LENGTH || !REQUEST_ID.test(value)) {
    return [
      {
        field: 'requestId',
        rule: 'pattern',
        message:
          `requestId must be ${REQUEST_ID_MIN_LENGTH} to ${REQUEST_ID_MAX_LENGTH}` +
          ` characters of letters, digits and . _ : - (a UUID works); got ${quote(value)}`,
      },
    ];
  }
  return [];
}

/** Every violation of a claim's fields, in field order; empty when the claim may be sent. */
export function checkClaim(
  project: Input,
  task: Input,
  gitSha: Input,
  agentId: Input,
  requestId: Input,
): FieldViolation[] {
  return [
    ...checkName('project', project),
    ...checkName('task', task),
    ...checkGitSha(gitSha),
    ...checkAgentId(agentId),
    ...checkRequestId(requestId),
  ];
}

/** Git SHAs are case-insensitive; keys use lower case so that "ABC1234" and "abc1234" are one task. */
export function normalizeGitSha(gitSha: string): string {
  return gitSha.toLowerCase();
}

function required(field: string, hint: string): FieldViolation {
  return { field, rule: 'required', message: `${field} is required: ${hint}` };
}

/** JavaScript callers can pass anything; the Java rules never see a non-string. */
function notAString(field: string, value: unknown): FieldViolation {
  return { field, rule: 'type', message: `${field} must be a string; got ${typeof value}` };
}

/** Quotes a value for a message, escaping control characters and cutting it short (as ClaimRules.quote does). */
function quote(value: string): string {
  let out = '"';
  const limit = Math.min(value.length, 60);
  for (let i = 0; i < limit; i++) {
    const code = value.charCodeAt(i);
    const c = value.charAt(i);
    if (code < 0x20 || code === 0x7f || code > 0x7e) {
      out += '\\u' + code.toString(16).padStart(4, '0');
    } else if (c === '"' || c === '\\') {
      out += '\\' + c;
    } else {
      out += c;
    }
  }
  if (value.length > limit) {
    out += '...';
  }
  return out + '"';
}

/** Shortest and longest lease time to live, in seconds. */
export const TTL_MIN_SECONDS = 1;
export const TTL_MAX_SECONDS = 3600;

/** Violations of the rules for a lease time to live; empty when it is absent or valid. */
export function checkTtlSeconds(value: Input): FieldViolation[] {
  if (value === undefined || value === null) {
    return [];
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < TTL_MIN_SECONDS || value > TTL_MAX_SECONDS) {
    return [
      {
        field: 'ttlSeconds',
        rule: 'range',
        message: `ttlSeconds must be ${TTL_MIN_SECONDS} to ${TTL_MAX_SECONDS} seconds; got ${String(value)}`,
      },
    ];
  }
  return [];
}

/** Violations of the rules for a fencing token; empty when it is valid. */
export function checkFencingToken(value: Input): FieldViolation[] {
  if (value === undefined || value === null) {
    return [{ field: 'fencingToken', rule: 'required', message: 'fencingToken is required: the token your grant carried, e.g. 3' }];
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    return [
      {
        field: 'fencingToken',
        rule: 'range',
        message: `fencingToken must be 1 or more (as granted); got ${String(value)}`,
      },
    ];
  }
  return [];
}
