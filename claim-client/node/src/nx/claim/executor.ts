/**
 * The Nx executor `@turnstile/claim-client:claim`: wraps another target with a claim. The first agent to claim
 * project:task:sha runs the wrapped target (through Nx, as `nx run` would) and reports its outcome; every other agent
 * skips it and succeeds, so that Nx carries on, or with `wait` succeeds only if the winner did.
 *
 * ```json
 * "deploy": {
 *   "executor": "@turnstile/claim-client:claim",
 *   "options": { "target": "deploy-unclaimed", "ttlSeconds": 600 }
 * }
 * ```
 */
import type { ExecutorContext, PromiseExecutor, Target } from '@nx/devkit';
import {
  acquireLease,
  checkInAndProceed,
  completeClaim,
  keepLeaseAlive,
  waitForOutcome,
  type CheckInOptions,
  type CheckInResult,
  type HolderResult,
  type Logger,
} from '../../index.js';

/** The executor's options, as `schema.json` describes them. */
export interface ClaimExecutorOptions {
  /** The target to run when this agent wins: `target` (this project), `project:target` or `project:target:configuration`. */
  target: string;
  /** Options passed to the wrapped target, over its own. */
  overrides?: Record<string, unknown>;
  /** The coordinator; `$TURNSTILE_URL`, else `$NX_COORDINATOR_URL`, by default. */
  coordinatorUrl?: string;
  /** The project claimed; the one this target belongs to by default. */
  project?: string;
  /** The task claimed; this target's name by default. */
  task?: string;
  /** The commit; the CI's, else `git rev-parse HEAD`, by default. */
  gitSha?: string;
  /** Who is asking; the CI job and runner by default. */
  agentId?: string;
  /** A lease of this many seconds, renewed while the target runs, instead of a claim that never expires. */
  ttlSeconds?: number;
  /** When another agent holds the task, wait for its outcome and succeed only if it succeeded. */
  wait?: boolean;
  /** The longest wait for the winner, in seconds; 600 by default. */
  waitTimeoutSeconds?: number;
  /** Let another agent claim the task if the wrapped target fails here. */
  takeoverAfterFailure?: boolean;
}

/** Runs a target of the workspace and yields its results: `runExecutor` from `@nx/devkit`. */
export type RunTarget = (
  target: Target,
  overrides: Record<string, unknown>,
  context: ExecutorContext,
) => Promise<AsyncIterableIterator<{ success: boolean }>>;

/** `runExecutor` of the workspace's own `@nx/devkit`, loaded when a target is run (the package needs it nowhere else). */
const nxRunExecutor: RunTarget = async (target, overrides, context) => {
  const devkit = require('@nx/devkit') as typeof import('@nx/devkit');
  return devkit.runExecutor<{ success: boolean }>(target, overrides, context);
};

/** The executor, running wrapped targets with `runTarget` and logging to `logger`. */
export function createClaimExecutor(
  runTarget: RunTarget = nxRunExecutor,
  logger: Logger & { error(message: string): void } = console,
): PromiseExecutor<ClaimExecutorOptions> {
  return async (options, context) => {
    let target: Target;
    let claim: CheckInOptions & { ttlSeconds?: number };
    let result: CheckInResult;
    try {
      target = wrappedTarget(options.target, context);
      claim = {
        project: options.project ?? context.projectName ?? '',
        task: options.task ?? context.targetName ?? '',
        logger,
        ...(options.gitSha !== undefined && { gitSha: options.gitSha }),
        ...(options.agentId !== undefined && { agentId: options.agentId }),
        ...(options.coordinatorUrl !== undefined && { coordinatorUrl: options.coordinatorUrl }),
        ...(options.takeoverAfterFailure === true && { takeoverAfterFailure: true }),
      };
      result =
        options.ttlSeconds === undefined
          ? await checkInAndProceed(claim)
          : await acquireLease({ ...claim, ttlSeconds: options.ttlSeconds });
    } catch (error) {
      // Invalid claim, coordinator unreachable, no commit found: fail rather than run unclaimed.
      logger.error(`Turnstile: ${error instanceof Error ? error.message : String(error)}`);
      return { success: false };
    }

    if (!result.shouldProceed) {
      return options.wait === true ? awaitWinner(options, claim, result, logger) : { success: true };
    }
    return runHolding(runTarget, target, options, context, { ...claim, gitSha: result.gitSha }, result, logger);
  };
}

/** Runs the wrapped target while holding the claim (renewing a lease), then reports how it ended. */
async function runHolding(
  runTarget: RunTarget,
  target: Target,
  options: ClaimExecutorOptions,
  context: ExecutorContext,
  claim: CheckInOptions & { gitSha: string },
  result: CheckInResult,
  logger: Logger & { error(message: string): void },
): Promise<{ success: boolean }> {
  const fencingToken = result.fencingToken;
  let lost: HolderResult | undefined;
  const renewal =
    fencingToken === undefined || options.ttlSeconds === undefined
      ? undefined
      : keepLeaseAlive({
          ...claim,
          fencingToken,
          ttlSeconds: options.ttlSeconds,
          onLost: (refusal) => {
            lost = refusal;
            logger.error(
              `Turnstile: lost the lease on ${result.taskKey} (${refusal.reason ?? refusal.result}): ${refusal.message}.` +
                ' Another agent may be running it now; this target will fail when it ends.',
            );
          },
        });
  let success = true;
  try {
    for await (const output of await runTarget(target, options.overrides ?? {}, context)) {
      success = success && output.success;
    }
  } catch (error) {
    logger.error(`Turnstile: ${describeTarget(target)} failed: ${error instanceof Error ? error.message : String(error)}`);
    success = false;
  } finally {
    renewal?.stop();
  }
  if (lost !== undefined) {
    return { success: false };
  }
  if (fencingToken !== undefined) {
    const outcome = success ? 'succeeded' : 'failed';
    try {
      const answer = await completeClaim({ ...claim, fencingToken, outcome });
      if (!answer.accepted) {
        logger.warn(`Turnstile: the outcome was not recorded (${answer.reason ?? answer.result}): ${answer.message}`);
      }
    } catch (error) {
      logger.warn(
        `Turnstile: could not report the outcome (${outcome}): ${error instanceof Error ? error.message : String(error)}` +
          ' Agents waiting for it time out.',
      );
    }
  }
  return { success };
}

async function awaitWinner(
  options: ClaimExecutorOptions,
  claim: CheckInOptions,
  denied: CheckInResult,
  logger: Logger & { error(message: string): void },
): Promise<{ success: boolean }> {
  let status = denied.outcome as string | undefined;
  if (status === undefined) {
    const waitSeconds = options.waitTimeoutSeconds ?? 600;
    logger.info(`Task ${claim.project}:${claim.task} - waiting up to ${waitSeconds} s for ${denied.claimedBy ?? 'the winner'}`);
    try {
      status = (await waitForOutcome({ ...claim, gitSha: denied.gitSha, waitMs: waitSeconds * 1000 })).status;
    } catch (error) {
      logger.error(`Turnstile: ${error instanceof Error ? error.message : String(error)}`);
      return { success: false };
    }
  }
  logger.info(`Task ${claim.project}:${claim.task} - winner's outcome: ${status}`);
  return { success: status === 'succeeded' };
}

/** `target`, `project:target` or `project:target:configuration`; never this very target, which would run forever. */
export function wrappedTarget(spec: string, context: ExecutorContext): Target {
  const parts = spec.split(':');
  let target: Target;
  if (parts.length === 1 && context.projectName !== undefined) {
    target = {
      project: context.projectName,
      target: spec,
      ...(context.configurationName !== undefined && { configuration: context.configurationName }),
    };
  } else if (parts.length === 2 || parts.length === 3) {
    target = { project: parts[0] as string, target: parts[1] as string, ...(parts[2] && { configuration: parts[2] }) };
  } else {
    throw new Error(`target must be 'target', 'project:target' or 'project:target:configuration'; got '${spec}'`);
  }
  if (target.project === context.projectName && target.target === context.targetName) {
    throw new Error(
      `target '${spec}' is this very target (${context.projectName}:${context.targetName}): name the target to run` +
        ' when this agent wins, e.g. deploy-unclaimed.',
    );
  }
  return target;
}

function describeTarget(target: Target): string {
  return [target.project, target.target, target.configuration].filter((part) => part !== undefined).join(':');
}

export default createClaimExecutor();
