/**
 * The GitHub Action (.github/actions/claim): claims project:task:sha for this job and sets the outputs `proceed`,
 * `claimed-by`, `fencing-token`, … for the steps after it. Bundled with the client into one file by
 * `npm run bundle-action`, so that the runner needs no npm install.
 *
 * Inputs arrive as INPUT_<NAME> variables and outputs leave through the $GITHUB_OUTPUT file, as the runner documents
 * for JavaScript actions; a few lines here instead of @actions/core keep the bundle small and dependency-free.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { coordinatorUrlFromEnvironment, defaultAgentId, detectGitSha } from './ci.js';
import {
  ClaimRejectedError,
  CoordinatorUnavailableError,
  acquireLease,
  checkInAndProceed,
  type CheckInResult,
  type Logger,
} from './index.js';

type Env = Record<string, string | undefined>;

/** A workflow's mistake: reported as the step's error. */
class InputError extends Error {}

/** Runs the action; resolves with the process's exit code (0 whether this job proceeds or skips). */
export async function runAction(env: Env = process.env, print: (line: string) => void = console.log): Promise<number> {
  const logger: Logger = { info: print, warn: (line) => print(`::warning::${escape(line)}`) };
  try {
    const outputFile = env.GITHUB_OUTPUT;
    if (!outputFile) {
      throw new InputError('GITHUB_OUTPUT is not set: run this action in a GitHub Actions job (runner 2.297 or newer).');
    }
    const token = input(env, 'token') ?? env.TURNSTILE_TOKEN?.trim();
    if (token) {
      print(`::add-mask::${token}`);
    }
    const url = input(env, 'url') ?? coordinatorUrlFromEnvironment(env)?.url;
    if (url === undefined) {
      throw new InputError('No coordinator URL: set the url input, or TURNSTILE_URL in the environment.');
    }
    const project = required(env, 'project');
    const task = required(env, 'task');
    const gitSha = input(env, 'sha') ?? detectedSha(env, project, task, print);
    const agentId = input(env, 'agent') ?? defaultAgentId(env);
    const ttl = input(env, 'ttl');
    const mode = input(env, 'mode') ?? (ttl === undefined ? 'once' : 'lease');
    const claim = { project, task, gitSha, agentId, coordinatorUrl: url, logger, ...(token && { token }) };

    let result: CheckInResult;
    if (mode === 'lease') {
      if (ttl === undefined) {
        throw new InputError('mode: lease needs a ttl input, e.g. ttl: 30m (1s to 1h).');
      }
      result = await acquireLease({ ...claim, ttlSeconds: ttlSeconds(ttl) });
    } else if (mode === 'once') {
      if (ttl !== undefined) {
        throw new InputError(`ttl is for mode: lease; mode is once. Remove ttl, or set mode: lease.`);
      }
      result = await checkInAndProceed(claim);
    } else {
      throw new InputError(`mode must be once or lease; got '${mode}'.`);
    }

    setOutputs(outputFile, {
      proceed: String(result.shouldProceed),
      'claimed-by': result.claimedBy ?? '',
      'fencing-token': result.fencingToken === undefined ? '' : String(result.fencingToken),
      'task-key': result.taskKey,
      'request-id': result.requestId,
      sha: result.gitSha,
      agent: agentId,
      'expires-at': result.expiresAt ?? '',
      outcome: result.outcome ?? '',
    });
    return 0;
  } catch (error) {
    print(`::error title=Turnstile claim::${escape(describe(error))}`);
    return 1;
  }
}

function describe(error: unknown): string {
  if (error instanceof ClaimRejectedError) {
    return `${error.message} Nothing was claimed: fix the inputs.`;
  }
  if (error instanceof CoordinatorUnavailableError) {
    return `${error.message} The job fails rather than run unclaimed and risk a duplicate.`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** `30`, `30s`, `20m`: whole seconds from 1 to 3600. */
function ttlSeconds(value: string): number {
  const match = /^(\d{1,4})(s|m)?$/.exec(value);
  const seconds = match === null ? NaN : Number(match[1]) * (match[2] === 'm' ? 60 : 1);
  if (!(seconds >= 1 && seconds <= 3600)) {
    throw new InputError(`ttl must be 1s to 1h, e.g. 30s, 20m or 600; got '${value}'.`);
  }
  return seconds;
}

function detectedSha(env: Env, project: string, task: string, print: (line: string) => void): string {
  const lookup = detectGitSha(env);
  if (!lookup.found) {
    throw new InputError(`${lookup.message}. Set the sha input.`);
  }
  print(`Task ${project}:${task} - sha ${lookup.sha} (from ${lookup.source})`);
  return lookup.sha;
}

/** The runner passes input `name` as INPUT_<NAME> (upper case, spaces as underscores); blank is absent. */
function input(env: Env, name: string): string | undefined {
  return env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`]?.trim() || undefined;
}

function required(env: Env, name: string): string {
  const value = input(env, name);
  if (value === undefined) {
    throw new InputError(`The ${name} input is required.`);
  }
  return value;
}

/** Appends `name<<delimiter` blocks to $GITHUB_OUTPUT, safe for any value. */
function setOutputs(file: string, outputs: Record<string, string>): void {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  const text = Object.entries(outputs)
    .map(([name, value]) => `${name}<<${delimiter}\n${value}\n${delimiter}\n`)
    .join('');
  appendFileSync(file, text, 'utf8');
}

/** Workflow commands end at a newline; the runner reads %0A, %0D and %25 back. */
function escape(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

if (require.main === module) {
  void runAction().then((code) => {
    process.exitCode = code;
  });
}
