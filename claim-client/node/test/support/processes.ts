import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The package directory (claim-client/node): tests run from dist-test/test/support/ or dist-test/test/. */
export const PACKAGE_DIR = join(__dirname, '..', '..', '..');

/** The repository's root. */
export const REPOSITORY_DIR = join(PACKAGE_DIR, '..', '..');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program to its end without blocking this process, so that a fake coordinator in it can answer the program.
 * Fails when it takes longer than `timeoutMs`.
 */
export function runProcess(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} took longer than ${options.timeoutMs ?? 60_000} ms:\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A minimal environment: PATH and HOME, and what the test adds. Nothing of the CI the tests may run in. */
export function cleanEnv(more: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...more };
}
