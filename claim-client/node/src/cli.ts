#!/usr/bin/env node
/**
 * `turnstile-claim`: claimctl's commands and exit codes for agents that have Node rather than Java. Claims, runs a
 * command only for the winner, renews, releases and completes; `turnstile-claim --help` says how.
 */
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { parseArgs } from 'node:util';
import { coordinatorUrlFromEnvironment, defaultAgentId, detectGitSha } from './ci.js';
import {
  ClaimRejectedError,
  CoordinatorUnavailableError,
  acquireLease,
  checkInAndProceed,
  completeClaim,
  keepLeaseAlive,
  releaseLease,
  renewLease,
  waitForOutcome,
  type CheckInOptions,
  type CheckInResult,
  type HolderResult,
} from './index.js';

/** The exit codes, the same as claimctl's. */
export const EXIT = {
  /** Proceeding; or skipping a duplicate (without --exit-code); or healthy. */
  OK: 0,
  /** health: the coordinator is unhealthy; or an unexpected error. */
  UNHEALTHY: 1,
  /** A bad option, no coordinator URL, no commit SHA given or found. */
  USAGE: 2,
  /** The claim is invalid: found before sending, or rejected by the coordinator. */
  INVALID: 3,
  /** No decision: the coordinator was unreachable or unavailable on every attempt. */
  UNAVAILABLE: 4,
  /** claim --exit-code: another agent already claimed the task. */
  SKIPPED: 10,
  /** run --wait: the winner reported that the task failed. */
  WINNER_FAILED: 11,
  /** run --wait: the winner's lease expired, or it released the task, without an outcome. */
  WINNER_GONE: 12,
  /** run --wait: no outcome before --wait-timeout. */
  WAIT_TIMEOUT: 13,
  /** run --lease: this agent lost its lease while the command ran; the command was stopped. */
  LEASE_LOST: 14,
  /** renew, release, complete: refused. */
  REFUSED: 15,
  /** run: the command was granted but could not be started. */
  CANNOT_START: 127,
} as const;

const NAME = 'turnstile-claim';

const HELP = `Usage: ${NAME} <command> [options]

Asks the Turnstile coordinator whether this CI agent may run a task. The first
agent to claim project:task:sha proceeds; every other agent skips it and exits
0, so the pipeline carries on.

Commands:
  claim      claim the task and print the decision
             [--json] [--exit-code] [--lease TTL] [--takeover-after-failure]
  run        run a command only if this agent wins; exit with its exit code
             [--lease TTL] [--wait] [--wait-timeout DURATION]
             [--takeover-after-failure] [--] COMMAND [ARGS...]
  renew      renew a lease this agent holds: --token N [--ttl DURATION]
  release    give a claim back without an outcome: --token N
  complete   report how the task ended: --token N --outcome succeeded|failed
  health     check that the coordinator is healthy

Options of every command that claims or holds:
  --project PROJECT      project, e.g. hire (default in an Nx target:
                         $NX_TASK_TARGET_PROJECT)
  --task TASK            task or Nx target, e.g. convex-deploy (default in an
                         Nx target: $NX_TASK_TARGET_TARGET)
  --sha SHA              commit, 7 to 64 hex characters (default: $GITHUB_SHA,
                         $CI_COMMIT_SHA or $BUILDKITE_COMMIT, else
                         git rev-parse HEAD; standard error says which)
  --agent AGENT          who is asking (default: $NX_CLOUD_AGENT_ID, else the
                         CI job and runner, else hostname-pid)
  --request-id ID        idempotency key sent on every attempt (claim, run)
  --url URL              coordinator, e.g. http://turnstile:8080 (default:
                         $TURNSTILE_URL, else $NX_COORDINATOR_URL)
  --agent-token TOKEN    agent token (default: $TURNSTILE_TOKEN; prefer it)
  --timeout DURATION     per attempt, e.g. 10s, 500ms (default: 10s)
  --retries N            retries after the first attempt (default: 3)
  -h, --help             show this help;  -V, --version  print the version

Exit codes (the same as claimctl's):
  0    proceeding; or skipping a duplicate (without --exit-code); or healthy
  1    health: the coordinator is unhealthy; or an unexpected error
  2    usage error, e.g. an unknown option, no coordinator URL, no commit SHA
  3    invalid claim, checked locally or rejected by the coordinator
  4    coordinator unreachable or unavailable after all retries
  10   claim --exit-code: skipping, another agent claimed the task
  11   run --wait: the winner reported that the task failed
  12   run --wait: the winner's lease expired, or it released the task
  13   run --wait: no outcome before --wait-timeout (default 10m)
  14   run --lease: this agent lost its lease; the command was stopped
  15   renew, release, complete: refused (stale_token, lease_expired, ...)
  run  the command's own exit code when granted; 127 when it cannot start

Environment: TURNSTILE_URL, NX_COORDINATOR_URL (alias), TURNSTILE_TOKEN,
NX_TASK_TARGET_PROJECT, NX_TASK_TARGET_TARGET, GITHUB_SHA, CI_COMMIT_SHA,
BUILDKITE_COMMIT, NX_CLOUD_AGENT_ID, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT,
GITHUB_JOB, RUNNER_NAME, CI_JOB_ID, CI_RUNNER_ID, BUILDKITE_JOB_ID,
BUILDKITE_AGENT_NAME, HOSTNAME, COMPUTERNAME (as for claimctl --help).
`;

/** A problem with the command line: printed with a pointer to --help, exit 2. */
class UsageError extends Error {}

type Values = Record<string, string | boolean | undefined>;

const COMMON = {
  project: { type: 'string' },
  task: { type: 'string' },
  sha: { type: 'string' },
  agent: { type: 'string' },
  url: { type: 'string' },
  'agent-token': { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const COMMANDS = {
  claim: {
    ...COMMON,
    'request-id': { type: 'string' },
    json: { type: 'boolean' },
    'exit-code': { type: 'boolean' },
    lease: { type: 'string' },
    'takeover-after-failure': { type: 'boolean' },
  },
  run: {
    ...COMMON,
    'request-id': { type: 'string' },
    lease: { type: 'string' },
    wait: { type: 'boolean' },
    'wait-timeout': { type: 'string' },
    'takeover-after-failure': { type: 'boolean' },
  },
  renew: { ...COMMON, token: { type: 'string' }, ttl: { type: 'string' } },
  release: { ...COMMON, token: { type: 'string' } },
  complete: { ...COMMON, token: { type: 'string' }, outcome: { type: 'string' } },
  health: { url: COMMON.url, timeout: COMMON.timeout, help: COMMON.help },
} as const;

type Command = keyof typeof COMMANDS;

/** Where the command writes; the process's streams, or a test's. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
}

/** Runs `turnstile-claim` with `args` and resolves with its exit code. */
export async function main(args: string[], io: Io = processIo()): Promise<number> {
  try {
    const [command, ...rest] = args;
    if (command === undefined || command === '--help' || command === '-h') {
      io.out(HELP);
      return command === undefined ? EXIT.USAGE : EXIT.OK;
    }
    if (command === '--version' || command === '-V') {
      io.out(`${NAME} ${version()}`);
      return EXIT.OK;
    }
    if (!(command in COMMANDS)) {
      throw new UsageError(`Unknown command '${command}': expected claim, run, renew, release, complete or health`);
    }
    const name = command as Command;
    const [optionArgs, commandLine] = name === 'run' ? splitCommand(rest) : [rest, []];
    const values = parse(name, optionArgs);
    if (values.help === true) {
      io.out(HELP);
      return EXIT.OK;
    }
    switch (name) {
      case 'claim':
        return await claim(values, io);
      case 'run':
        return await run(values, commandLine, io);
      case 'renew':
      case 'release':
      case 'complete':
        return await holder(name, values, io);
      case 'health':
        return await health(values, io);
    }
  } catch (error) {
    return failed(error, io);
  }
}

async function claim(values: Values, io: Io): Promise<number> {
  const options = claimOptions(values, io);
  const result = await decide(values, options);
  if (values.json === true) {
    io.out(JSON.stringify(decisionJson(result)));
  } else {
    io.out(decisionLine(options, result));
  }
  return result.shouldProceed || values['exit-code'] !== true ? EXIT.OK : EXIT.SKIPPED;
}

async function run(values: Values, command: string[], io: Io): Promise<number> {
  if (command.length === 0) {
    throw new UsageError('Missing COMMAND: the command to run when granted, e.g. run -- npx convex deploy');
  }
  const waitMs = duration('--wait-timeout', values['wait-timeout'] ?? '10m');
  const options = claimOptions(values, io);
  const result = await decide(values, options);
  // Standard output belongs to the command; the decision goes to standard error.
  io.err(decisionLine(options, result));
  if (!result.shouldProceed) {
    return values.wait === true ? awaitWinner(options, result, waitMs, io) : EXIT.OK;
  }
  if (result.fencingToken === undefined) {
    io.err(`${NAME}: the coordinator gave no fencing token: running ${command[0]} without reporting its outcome.`);
  }
  const holder = { ...options, gitSha: result.gitSha, fencingToken: result.fencingToken ?? 0 };
  let lost: HolderResult | undefined;
  let child: ReturnType<typeof spawn> | undefined;
  const renewal =
    values.lease === undefined || result.fencingToken === undefined
      ? undefined
      : keepLeaseAlive({
          ...holder,
          ttlSeconds: leaseSeconds('--lease', values.lease as string),
          onLost: (refusal) => {
            lost = refusal;
            io.err(
              `${NAME}: lost the lease on ${result.taskKey} (fencing token ${holder.fencingToken}): ` +
                `${refusal.reason ?? refusal.result}: ${refusal.message}. Stopping ${command[0]}.`,
            );
            child?.kill('SIGTERM');
          },
        });
  try {
    const exit = await new Promise<{ code: number } | { error: Error }>((resolve) => {
      child = spawn(command[0] as string, command.slice(1), { stdio: 'inherit', env: { ...io.env } });
      child.once('error', (error) => resolve({ error }));
      child.once('exit', (code, signal) =>
        resolve({ code: code ?? 128 + (signal === null ? 0 : osConstants.signals[signal]) }),
      );
    });
    renewal?.stop();
    if ('error' in exit) {
      io.err(
        `${NAME}: could not start ${command[0]}: ${exit.error.message}. Releasing the claim on ${result.taskKey} so ` +
          'that another agent may run it.',
      );
      await releaseLease(holder).catch((error: unknown) => io.err(`${NAME}: could not release the claim: ${String(error)}`));
      return EXIT.CANNOT_START;
    }
    if (lost !== undefined) {
      return EXIT.LEASE_LOST;
    }
    if (result.fencingToken === undefined) {
      return exit.code;
    }
    const outcome = exit.code === 0 ? 'succeeded' : 'failed';
    try {
      const answer = await completeClaim({ ...holder, outcome });
      if (!answer.accepted) {
        io.err(`${NAME}: the outcome was not recorded (${answer.reason ?? answer.result}): ${answer.message}`);
      }
    } catch (error) {
      io.err(`${NAME}: could not report the outcome (${outcome}): ${message(error)} Agents waiting for it time out.`);
    }
    return exit.code;
  } finally {
    renewal?.stop();
  }
}

async function awaitWinner(options: CheckInOptions, denied: CheckInResult, waitMs: number, io: Io): Promise<number> {
  let status: string;
  let said: string;
  if (denied.outcome !== undefined) {
    status = denied.outcome;
    said = denied.message;
  } else {
    io.err(`${NAME}: waiting up to ${waitMs / 1000} s for ${denied.claimedBy ?? 'the winner'} to finish ${denied.taskKey}`);
    const outcome = await waitForOutcome({ ...options, gitSha: denied.gitSha, waitMs });
    status = outcome.status;
    said = outcome.message;
  }
  io.err(`${NAME}: winner's outcome: ${status}${said ? ` — ${said}` : ''}`);
  switch (status) {
    case 'succeeded':
      return EXIT.OK;
    case 'failed':
      return EXIT.WINNER_FAILED;
    case 'expired':
    case 'released':
      return EXIT.WINNER_GONE;
    default:
      return EXIT.WAIT_TIMEOUT;
  }
}

async function holder(command: 'renew' | 'release' | 'complete', values: Values, io: Io): Promise<number> {
  const token = values.token as string | undefined;
  if (token === undefined || !/^\d+$/.test(token) || Number(token) < 1) {
    throw new UsageError(`--token must be the fencing token of your grant, a whole number from 1; got ${token ?? 'none'}`);
  }
  const options = { ...claimOptions(values, io), fencingToken: Number(token) };
  let answer: HolderResult;
  if (command === 'renew') {
    answer = await renewLease({
      ...options,
      ...(values.ttl !== undefined && { ttlSeconds: leaseSeconds('--ttl', values.ttl as string) }),
    });
  } else if (command === 'release') {
    answer = await releaseLease(options);
  } else {
    const outcome = values.outcome;
    if (outcome !== 'succeeded' && outcome !== 'failed') {
      throw new UsageError(`--outcome must be succeeded or failed; got ${String(outcome ?? 'none')}`);
    }
    answer = await completeClaim({ ...options, outcome });
  }
  if (answer.accepted) {
    io.out(`${options.project}:${options.task} — ${answer.message}`);
    return EXIT.OK;
  }
  io.err(`${NAME}: refused (${answer.reason ?? answer.result}): ${answer.message}`);
  return EXIT.REFUSED;
}

async function health(values: Values, io: Io): Promise<number> {
  const base = coordinatorUrl(values, io.env).replace(/\/+$/, '');
  const url = `${base}/api/health`;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(duration('--timeout', values.timeout ?? '10s')) });
    text = await response.text();
  } catch (error) {
    io.err(`${NAME}: the coordinator at ${url} could not be asked: ${describe(error)}. Check TURNSTILE_URL and that it is running.`);
    return EXIT.UNAVAILABLE;
  }
  let body: { status?: unknown; error?: unknown; timestamp?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Reported below as an answer without a status.
  }
  if (response.status === 200 && body.status === 'healthy') {
    io.out(`healthy: coordinator at ${base}${typeof body.timestamp === 'string' ? ` (checked at ${body.timestamp})` : ''}`);
    return EXIT.OK;
  }
  if (response.status === 503 || body.status === 'unhealthy') {
    io.out(`unhealthy: coordinator at ${base} reports: ${typeof body.error === 'string' ? body.error : text.trim()}`);
    return EXIT.UNHEALTHY;
  }
  io.err(`${NAME}: ${url} answered HTTP ${response.status}, not a health report: is TURNSTILE_URL a Turnstile coordinator?`);
  return EXIT.UNAVAILABLE;
}

/** Claims once or as a lease, as the options say; the decision line is the command's to print. */
function decide(values: Values, options: CheckInOptions): Promise<CheckInResult> {
  const requestId = values['request-id'] as string | undefined;
  const claim = { ...options, ...(requestId !== undefined && { requestId }) };
  const takeover = values['takeover-after-failure'] === true;
  if (values.lease !== undefined) {
    return acquireLease({ ...claim, ttlSeconds: leaseSeconds('--lease', values.lease as string), takeoverAfterFailure: takeover });
  }
  return checkInAndProceed({ ...claim, takeoverAfterFailure: takeover });
}

/** The claim's options: the command line's, else the CI's environment (saying so on standard error), else git. */
function claimOptions(values: Values, io: Io): CheckInOptions & { gitSha: string } {
  const found: string[] = [];
  const fromNx = (option: 'project' | 'task', variable: string): string => {
    const given = values[option] as string | undefined;
    if (given !== undefined) {
      return given;
    }
    const value = io.env[variable]?.trim();
    if (!value) {
      throw new UsageError(`Missing --${option}: pass --${option} (or run ${NAME} in an Nx target, which sets ${variable})`);
    }
    found.push(`${option} ${value} (from ${variable})`);
    return value;
  };
  const project = fromNx('project', 'NX_TASK_TARGET_PROJECT');
  const task = fromNx('task', 'NX_TASK_TARGET_TARGET');
  let gitSha = values.sha as string | undefined;
  if (gitSha === undefined) {
    const lookup = detectGitSha(io.env);
    if (!lookup.found) {
      throw new UsageError(`${lookup.message}. Pass --sha, or run ${NAME} in the git checkout of the commit.`);
    }
    gitSha = lookup.sha;
    found.push(`sha ${lookup.sha} (from ${lookup.source})`);
  }
  if (found.length > 0) {
    io.err(`${NAME}: ${found.join(', ')}`);
  }
  const token = (values['agent-token'] as string | undefined) ?? io.env.TURNSTILE_TOKEN;
  const retries = values.retries === undefined ? 3 : Number(values.retries);
  if (!Number.isInteger(retries) || retries < 0) {
    throw new UsageError(`--retries must be 0 or more; got ${String(values.retries)}`);
  }
  return {
    project,
    task,
    gitSha,
    agentId: (values.agent as string | undefined) ?? defaultAgentId(io.env),
    coordinatorUrl: coordinatorUrl(values, io.env),
    ...(token?.trim() && { token: token.trim() }),
    timeoutMs: duration('--timeout', values.timeout ?? '10s'),
    retries,
    logger: {
      // Decisions are printed by the command; retries are reported on standard error.
      info: () => undefined,
      warn: (line) => io.err(`${NAME}: ${line}`),
    },
  };
}

function coordinatorUrl(values: Values, env: Io['env']): string {
  const url = (values.url as string | undefined) ?? coordinatorUrlFromEnvironment(env)?.url;
  if (url === undefined || url.trim() === '') {
    throw new UsageError('No coordinator URL: pass --url or set TURNSTILE_URL (e.g. http://turnstile:8080)');
  }
  return url;
}

/** claimctl's decision line, so that both tools read the same in CI logs. */
export function decisionLine(options: { project: string; task: string; gitSha: string; agentId?: string }, result: CheckInResult): string {
  const taskName = `${options.project}:${options.task}`;
  if (result.shouldProceed) {
    const lease =
      result.expiresAt === undefined ? '' : `, fencing token ${result.fencingToken}, lease until ${result.expiresAt}`;
    return `${taskName} — proceeding as first instance (sha ${result.gitSha}, agent ${options.agentId}${lease})`;
  }
  if (result.outcome !== undefined && result.claimedBy !== undefined) {
    return `${taskName} — skipping, already run by ${result.claimedBy}: ${result.outcome}`;
  }
  if (result.claimedBy === undefined) {
    return `${taskName} — skipping: ${result.message}`;
  }
  return `${taskName} — skipping, already claimed by ${result.claimedBy}${result.claimedAt ? ` at ${result.claimedAt}` : ''}`;
}

/** claimctl's --json line: every field, null when absent, in a fixed order. */
function decisionJson(result: CheckInResult) {
  return {
    proceed: result.shouldProceed,
    taskKey: result.taskKey,
    requestId: result.requestId,
    claimedBy: result.claimedBy ?? null,
    claimedAt: result.claimedAt ?? null,
    message: result.message,
    mode: result.mode ?? 'once',
    fencingToken: result.fencingToken ?? null,
    expiresAt: result.expiresAt ?? null,
    outcome: result.outcome ?? null,
  };
}

function parse(command: Command, args: string[]): Values {
  try {
    return parseArgs({ args, options: COMMANDS[command], strict: true, allowPositionals: false }).values as Values;
  } catch (error) {
    throw new UsageError(message(error));
  }
}

/** `run`'s options, and the command: after `--`, or from the first argument that is not an option. */
function splitCommand(args: string[]): [string[], string[]] {
  const options = COMMANDS.run as Record<string, { type: string }>;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      return [args.slice(0, i), args.slice(i + 1)];
    }
    if (!arg.startsWith('-')) {
      return [args.slice(0, i), args.slice(i)];
    }
    const name = arg.replace(/^--?/, '').split('=')[0] as string;
    if (options[name]?.type === 'string' && !arg.includes('=')) {
      i++;
    }
  }
  return [args, []];
}

/** `10s`, `500ms`, `2m` or a bare number of seconds, in milliseconds; a usage error otherwise. */
export function duration(option: string, value: string | boolean): number {
  const match = /^(\d{1,9})(ms|s|m)?$/.exec(String(value).trim());
  if (match === null) {
    throw new UsageError(`${option} expects a duration such as 10s, 500ms or 2m; got '${String(value)}'`);
  }
  const amount = Number(match[1]);
  const ms = match[2] === 'ms' ? amount : match[2] === 'm' ? amount * 60_000 : amount * 1000;
  if (ms <= 0) {
    throw new UsageError(`${option} must be positive; got '${String(value)}'`);
  }
  return ms;
}

function leaseSeconds(option: string, value: string): number {
  const ms = duration(option, value);
  if (ms % 1000 !== 0 || ms / 1000 < 1 || ms / 1000 > 3600) {
    throw new UsageError(`${option} must be whole seconds from 1s to 3600s; got ${value}`);
  }
  return ms / 1000;
}

/** Expected failures become claimctl's exit codes and a message; anything else is a bug, reported whole. */
function failed(error: unknown, io: Io): number {
  if (error instanceof UsageError) {
    io.err(`${NAME}: ${error.message}`);
    io.err(`Run '${NAME} --help' for usage.`);
    return EXIT.USAGE;
  }
  if (error instanceof ClaimRejectedError) {
    io.err(
      error.checkedLocally
        ? `${NAME}: invalid claim, not sent to the coordinator:`
        : `${NAME}: the coordinator rejected the claim as invalid:`,
    );
    for (const line of error.violations.length > 0 ? error.violations.map((v) => v.message) : [error.message]) {
      io.err(`  - ${line}`);
    }
    return EXIT.INVALID;
  }
  if (error instanceof CoordinatorUnavailableError) {
    io.err(`${NAME}: ${error.message}`);
    return EXIT.UNAVAILABLE;
  }
  if (error instanceof Error && /^(No coordinator URL|The coordinator URL must be)/.test(error.message)) {
    io.err(`${NAME}: ${error.message}`);
    return EXIT.USAGE;
  }
  io.err(`${NAME}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return EXIT.UNHEALTHY;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describe(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof Error ? `${message(error)} (${cause.message})` : message(error);
}

function version(): string {
  // dist/cjs/cli.js -> the package's package.json.
  return (require('../../package.json') as { version: string }).version;
}

function processIo(): Io {
  return {
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
    env: process.env,
  };
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
