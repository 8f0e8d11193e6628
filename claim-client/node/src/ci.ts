/**
 * What the client finds in a CI job's environment when the caller leaves the commit, the agent or the coordinator
 * out. The same rules as the Java client's `GitSha` and `AgentId` (both are tested against one set of cases).
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { checkGitSha, normalizeGitSha } from './rules.js';

/** The variables that name the commit, in the order they are read: GitHub Actions, GitLab CI, Buildkite. */
export const GIT_SHA_VARIABLES = ['GITHUB_SHA', 'CI_COMMIT_SHA', 'BUILDKITE_COMMIT'] as const;

/** The source named when git found the commit. */
export const GIT_SOURCE = 'git rev-parse HEAD';

/** The coordinator URL's variables, in order: the CI-neutral name, then the name it had when only Nx used it. */
export const COORDINATOR_URL_VARIABLES = ['TURNSTILE_URL', 'NX_COORDINATOR_URL'] as const;

const AGENT_ID_MAX_LENGTH = 200;
const GIT_TIMEOUT_MS = 5_000;

/** What a lookup of the commit found: a SHA and where, or what was tried. */
export type ShaLookup =
  | { found: true; sha: string; source: string }
  | { found: false; tried: string[]; message: string };

/** Asks git for the commit checked out; {@link gitRevParseHead} in production. */
export type Git = () => ShaLookup;

type Env = Record<string, string | undefined>;

/**
 * The commit this CI job builds: the first of `GITHUB_SHA`, `CI_COMMIT_SHA` and `BUILDKITE_COMMIT` that holds a SHA
 * (a value that is not one, such as Buildkite's `HEAD`, is passed over), else what `git rev-parse HEAD` says.
 */
export function detectGitSha(env: Env = process.env, git: Git = () => gitRevParseHead()): ShaLookup {
  const unset: string[] = [];
  const tried: string[] = [];
  for (const variable of GIT_SHA_VARIABLES) {
    const value = env[variable]?.trim();
    if (!value) {
      unset.push(variable);
    } else if (checkGitSha(value).length === 0) {
      return { found: true, sha: normalizeGitSha(value), source: variable };
    } else {
      tried.push(`${variable} is '${value}', not a commit SHA`);
    }
  }
  if (unset.length > 0) {
    tried.unshift(`${unset.join(', ')} unset`);
  }
  const fromGit = git();
  if (fromGit.found) {
    return fromGit;
  }
  tried.push(...fromGit.tried);
  return notFound(tried);
}

/** `git rev-parse HEAD` in `cwd` (this process's working directory by default). */
export function gitRevParseHead(cwd?: string): ShaLookup {
  const git = spawnSync('git', ['rev-parse', 'HEAD'], {
    encoding: 'utf8',
    timeout: GIT_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(cwd !== undefined && { cwd }),
  });
  if (git.error !== undefined) {
    const code = (git.error as NodeJS.ErrnoException).code;
    return code === 'ETIMEDOUT'
      ? notFound([`${GIT_SOURCE} gave no answer within ${GIT_TIMEOUT_MS / 1000} s`])
      : notFound([`git could not be started (${git.error.message})`]);
  }
  const firstLine = (text: string) => text.trim().split(/\r?\n/)[0] ?? '';
  if (git.status !== 0) {
    const why = firstLine(git.stderr) || firstLine(git.stdout) || `exit ${String(git.status ?? git.signal)}`;
    return notFound([`${GIT_SOURCE} failed: ${why}`]);
  }
  const sha = firstLine(git.stdout);
  if (checkGitSha(sha).length > 0) {
    return notFound([`${GIT_SOURCE} printed '${sha}', not a commit SHA`]);
  }
  return { found: true, sha: normalizeGitSha(sha), source: GIT_SOURCE };
}

/**
 * This agent's id, after the CI job it runs in: `$NX_CLOUD_AGENT_ID`; else
 * `github-<GITHUB_RUN_ID>-<GITHUB_RUN_ATTEMPT>-<GITHUB_JOB>@<RUNNER_NAME>`, `gitlab-<CI_JOB_ID>@runner-<CI_RUNNER_ID>`
 * or `buildkite-<BUILDKITE_JOB_ID>@<BUILDKITE_AGENT_NAME>` (parts that are unset are left out); else `hostname-pid`.
 * Two jobs of one run (a matrix, shards) never share a runner at the same time, so the runner is part of the id.
 * Characters an agent id may not hold become `_`; it is cut to 200 characters.
 */
export function defaultAgentId(env: Env = process.env, pid: number = process.pid): string {
  const value = (name: string) => env[name]?.trim() || undefined;
  const job = (parts: (string | undefined)[], runner: string | undefined) => {
    const name = parts.filter((part) => part !== undefined).join('-');
    return printable(runner === undefined ? name : `${name}@${runner}`);
  };
  const nxAgent = value('NX_CLOUD_AGENT_ID');
  if (nxAgent !== undefined) {
    return printable(nxAgent);
  }
  const githubRun = value('GITHUB_RUN_ID');
  if (githubRun !== undefined) {
    return job(['github', githubRun, value('GITHUB_RUN_ATTEMPT'), value('GITHUB_JOB')], value('RUNNER_NAME'));
  }
  const gitlabJob = value('CI_JOB_ID');
  if (gitlabJob !== undefined) {
    const runner = value('CI_RUNNER_ID');
    return job(['gitlab', gitlabJob], runner === undefined ? undefined : `runner-${runner}`);
  }
  const buildkiteJob = value('BUILDKITE_JOB_ID');
  if (buildkiteJob !== undefined) {
    return job(['buildkite', buildkiteJob], value('BUILDKITE_AGENT_NAME'));
  }
  return printable(`${value('HOSTNAME') ?? value('COMPUTERNAME') ?? hostname()}-${pid}`);
}

/** The coordinator URL from `TURNSTILE_URL`, else `NX_COORDINATOR_URL`, and which one; undefined when neither is set. */
export function coordinatorUrlFromEnvironment(env: Env = process.env): { url: string; source: string } | undefined {
  for (const variable of COORDINATOR_URL_VARIABLES) {
    const url = env[variable]?.trim();
    if (url) {
      return { url, source: variable };
    }
  }
  return undefined;
}

function notFound(tried: string[]): ShaLookup {
  return { found: false, tried, message: `No commit SHA: ${tried.join('; ')}` };
}

/** Printable ASCII only (one `_` per other character), no surrounding spaces, at most 200 characters. */
function printable(id: string): string {
  return id
    .trim()
    .replace(/[^\x20-\x7E]/gu, '_')
    .slice(0, AGENT_ID_MAX_LENGTH)
    .trim();
}
