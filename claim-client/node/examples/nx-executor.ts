/**
 * A custom Nx executor (e.g. tools/convex/src/executors/deploy/executor.ts) that deploys only on the first agent
 * that claims the task for this commit. Duplicates return `{ success: true }` so that Nx carries on.
 *
 * The types below are the parts of `@nx/devkit` this example uses; a real executor imports them from there.
 */
import { execFileSync } from 'node:child_process';
import { checkInAndProceed } from '@turnstile/claim-client';

interface ExecutorContext {
  projectName?: string;
  targetName?: string;
  root: string;
}

interface DeployExecutorOptions {
  /** Overrides `$NX_COORDINATOR_URL`, e.g. with the URL fetched from Doppler. */
  coordinatorUrl?: string;
}

export default async function deployExecutor(
  options: DeployExecutorOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const project = context.projectName ?? 'unknown-project';
  const task = context.targetName ?? 'deploy';
  const gitSha = process.env.GITHUB_SHA ?? execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();

  // Throws when the coordinator cannot be asked: CI fails rather than risk a second deployment.
  const claim = await checkInAndProceed({
    project,
    task,
    gitSha,
    ...(options.coordinatorUrl !== undefined && { coordinatorUrl: options.coordinatorUrl }),
  });
  if (!claim.shouldProceed) {
    // Another agent is deploying this commit; checkInAndProceed has logged who and when.
    return { success: true };
  }

  execFileSync('npx', ['convex', 'deploy'], { cwd: context.root, stdio: 'inherit' });
  return { success: true };
}
