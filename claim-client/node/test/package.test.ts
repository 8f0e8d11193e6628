import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FakeCoordinator } from './support/fake-coordinator';
import { PACKAGE_DIR, cleanEnv, runProcess } from './support/processes';

/**
 * The package as a user gets it: `npm pack` (of the dist this test run built), installed from the tarball into a
 * scratch project in a temporary directory, then used there with require, with import, through the turnstile-claim
 * bin, from TypeScript, and by Nx through executors.json.
 */
describe('the npm package, installed from its tarball', () => {
  let scratch: string;
  let tarball: string;
  let packed: string[];
  let coordinator: FakeCoordinator;
  const installed = () => join(scratch, 'node_modules', '@turnstile', 'claim-client');

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'turnstile-package-'));
    coordinator = await FakeCoordinator.start();
    // --ignore-scripts: pack the dist this test run built, without prepack's clean build (which would remove the tests).
    const pack = await runProcess('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], {
      cwd: PACKAGE_DIR,
    });
    assert.equal(pack.code, 0, pack.stderr);
    const [report] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(scratch, report?.filename ?? '');
    packed = (report?.files ?? []).map((file) => file.path);

    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }));
    const install = await runProcess('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: scratch });
    assert.equal(install.code, 0, install.stderr);
  });

  after(async () => {
    await coordinator.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Runs node in the scratch project, with TURNSTILE_URL pointing at the fake coordinator. */
  function node(args: string[], env: Record<string, string> = {}) {
    return runProcess(process.execPath, args, { cwd: scratch, env: cleanEnv({ TURNSTILE_URL: coordinator.url, ...env }) });
  }

  test('the tarball holds dist (CommonJS, ES modules, types), the Nx files, the README and the licence only', () => {
    for (const file of [
      'package.json', 'README.md', 'LICENSE', 'executors.json', 'nx/claim/schema.json',
      'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/package.json', 'dist/cjs/cli.js', 'dist/cjs/nx/claim/executor.js',
      'dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/esm/package.json',
    ]) {
      assert.ok(packed.includes(file), `the tarball holds ${file}`);
    }
    assert.deepEqual(packed.filter((file) => /^(src|test|dist-test|scripts|node_modules)\//.test(file) || file.startsWith('tsconfig')), []);
    const manifest = JSON.parse(readFileSync(join(installed(), 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest.license, 'Apache-2.0');
    assert.equal(manifest.private, undefined);
    assert.equal(manifest.dependencies, undefined);
  });

  test('require() loads the CommonJS build and claims', async () => {
    coordinator.grant();
    writeFileSync(join(scratch, 'use.cjs'), `
      const client = require('@turnstile/claim-client');
      client.checkInAndProceed({ project: 'hire', task: 'convex-deploy', gitSha: '3f9c2ab', agentId: 'cjs' })
        .then((result) => console.log(JSON.stringify({ from: require.resolve('@turnstile/claim-client'), proceed: result.shouldProceed })));
    `);

    const run = await node(['use.cjs']);

    assert.equal(run.code, 0, run.stderr);
    const printed = JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as { from: string; proceed: boolean };
    assert.equal(printed.from, join(installed(), 'dist', 'cjs', 'index.js'));
    assert.equal(printed.proceed, true);
    assert.equal(coordinator.received.at(-1)?.body.agentId, 'cjs');
  });

  test('import loads the ES module build and claims', async () => {
    coordinator.deny('cjs');
    writeFileSync(join(scratch, 'use.mjs'), `
      import { checkInAndProceed } from '@turnstile/claim-client';
      const result = await checkInAndProceed({ project: 'hire', task: 'convex-deploy', gitSha: '3f9c2ab', agentId: 'esm' });
      console.log(JSON.stringify({ from: import.meta.resolve('@turnstile/claim-client'), proceed: result.shouldProceed, claimedBy: result.claimedBy }));
    `);

    const run = await node(['use.mjs']);

    assert.equal(run.code, 0, run.stderr);
    const printed = JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
    assert.equal(printed.from, 'file://' + join(installed(), 'dist', 'esm', 'index.js'));
    assert.equal(printed.proceed, false);
    assert.equal(printed.claimedBy, 'cjs');
  });

  test('the turnstile-claim bin claims with claimctl\'s exit codes', async () => {
    coordinator.deny('cjs');
    const bin = join(scratch, 'node_modules', '.bin', 'turnstile-claim');

    const version = await runProcess(bin, ['--version'], { cwd: scratch, env: cleanEnv() });
    const skipped = await runProcess(bin, ['claim', '--exit-code', '--project', 'hire', '--task', 'convex-deploy', '--agent', 'bin'], {
      cwd: scratch,
      env: cleanEnv({ TURNSTILE_URL: coordinator.url, GITHUB_SHA: '3f9c2ab' }),
    });
    const usage = await runProcess(bin, ['claim', '--project', 'hire'], { cwd: scratch, env: cleanEnv() });

    assert.equal(version.stdout, 'turnstile-claim 0.1.0\n');
    assert.equal(skipped.code, 10, skipped.stderr);
    assert.match(skipped.stdout, /^hire:convex-deploy — skipping, already claimed by cjs at /);
    assert.equal(skipped.stderr, 'turnstile-claim: sha 3f9c2ab (from GITHUB_SHA)\n');
    assert.equal(usage.code, 2);
  });

  test('TypeScript finds the types for require (.cts) and for import (.mts)', async () => {
    const use = `
      const options: CheckInOptions = { project: 'hire', task: 'deploy' };
      const result: Promise<CheckInResult> = checkInAndProceed(options);
      const lookup: ShaLookup = detectGitSha({ GITHUB_SHA: 'abcdef1' });
      // @ts-expect-error gitSha must be a string
      checkInAndProceed({ project: 'hire', task: 'deploy', gitSha: 7 });
      const queued: Promise<EnqueuedJob> = enqueue('emails', { name: 'send', payload: { to: 'ada' }, maxAttempts: 2 });
      const worker: Worker = work('emails', async (job: Job, context: JobContext) => {
        context.progress(10, 'start');
        return context.signal.aborted ? null : job.payload;
      }, { concurrency: 5 });
      // @ts-expect-error a job needs a name
      enqueue('emails', { payload: 1 });
      export { result, lookup, queued, worker };
    `;
    const imports = 'checkInAndProceed, detectGitSha, enqueue, work, type CheckInOptions, type CheckInResult,'
      + ' type ShaLookup, type EnqueuedJob, type Job, type JobContext, type Worker';
    writeFileSync(join(scratch, 'use-types.cts'),
      `import { ${imports} } from '@turnstile/claim-client';${use}`);
    writeFileSync(join(scratch, 'use-types.mts'), `import { ${imports} } from '@turnstile/claim-client';${use}`);
    const tsc = join(PACKAGE_DIR, 'node_modules', 'typescript', 'bin', 'tsc');

    const check = await runProcess(process.execPath, [
      tsc, '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022',
      '--types', 'node', '--typeRoots', join(PACKAGE_DIR, 'node_modules', '@types'), 'use-types.cts', 'use-types.mts',
    ], { cwd: scratch });

    assert.equal(check.code, 0, check.stdout + check.stderr);
  });

  test('Nx finds the claim executor through executors.json, with its schema', async () => {
    const manifest = JSON.parse(readFileSync(join(installed(), 'package.json'), 'utf8')) as { executors: string };
    const executorsFile = join(installed(), manifest.executors);
    const { executors } = JSON.parse(readFileSync(executorsFile, 'utf8')) as {
      executors: Record<string, { implementation: string; schema: string }>;
    };
    const claim = executors.claim;
    assert.ok(claim !== undefined);
    const schema = JSON.parse(readFileSync(join(dirname(executorsFile), claim.schema), 'utf8')) as {
      required: string[];
      properties: Record<string, unknown>;
    };
    assert.deepEqual(schema.required, ['target']);
    assert.ok(existsSync(join(dirname(executorsFile), claim.implementation)));

    // Nx requires the implementation; without @nx/devkit installed it must still load (devkit is needed only to run).
    const load = await node(['-e', `const e = require(${JSON.stringify(join(dirname(executorsFile), claim.implementation))});
      console.log(typeof e.default, typeof e.createClaimExecutor)`]);

    assert.equal(load.code, 0, load.stderr);
    assert.equal(load.stdout, 'function function\n');
  });
});
