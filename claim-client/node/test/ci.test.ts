import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { coordinatorUrlFromEnvironment, defaultAgentId, detectGitSha, gitRevParseHead, type ShaLookup } from '../src/ci';

interface CiCase {
  name: string;
  env: Record<string, string>;
  git: { sha: string } | { failure: string };
  pid: number;
  sha?: { value: string; source: string };
  notFound?: string;
  agentId: string;
}

// Shared with the Java client's CiEnvironmentCasesTest, which checks them against GitSha and AgentId.
// Compiled to dist-test/test/, three levels below claim-client/.
const casesFile = join(__dirname, '..', '..', '..', 'src', 'test', 'resources', 'ci-environment-cases.json');
const { cases } = JSON.parse(readFileSync(casesFile, 'utf8')) as { cases: CiCase[] };

describe('the commit and the agent follow the cases shared with the Java client', () => {
  for (const ciCase of cases) {
    test(ciCase.name, () => {
      const git = (): ShaLookup =>
        'sha' in ciCase.git
          ? { found: true, sha: ciCase.git.sha.toLowerCase(), source: 'git rev-parse HEAD' }
          : { found: false, tried: [ciCase.git.failure], message: `No commit SHA: ${ciCase.git.failure}` };

      const lookup = detectGitSha(ciCase.env, git);

      if (ciCase.notFound !== undefined) {
        assert.equal(lookup.found, false);
        assert.equal(!lookup.found && lookup.message, ciCase.notFound);
      } else {
        assert.deepEqual(lookup, { found: true, sha: ciCase.sha?.value, source: ciCase.sha?.source });
      }
      assert.equal(defaultAgentId(ciCase.env, ciCase.pid), ciCase.agentId);
    });
  }
});

describe('git rev-parse HEAD', () => {
  const directory = mkdtempSync(join(tmpdir(), 'turnstile-git-'));
  after(() => rmSync(directory, { recursive: true, force: true }));

  test('outside a checkout, the lookup says what git answered', () => {
    const lookup = gitRevParseHead(directory);

    assert.equal(lookup.found, false);
    assert.match(!lookup.found ? lookup.message : '', /^No commit SHA: git rev-parse HEAD failed: fatal: not a git repository/);
  });

  test('in a checkout, git names the commit checked out', () => {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: directory, encoding: 'utf8' }).trim();
    git('init', '--quiet');
    git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '--allow-empty', '-m', 'first');

    assert.deepEqual(gitRevParseHead(directory), { found: true, sha: git('rev-parse', 'HEAD'), source: 'git rev-parse HEAD' });
  });
});

describe('the coordinator url from the environment', () => {
  test('is TURNSTILE_URL, else NX_COORDINATOR_URL, the older name kept as an alias', () => {
    assert.deepEqual(coordinatorUrlFromEnvironment({ TURNSTILE_URL: 'http://a:8080', NX_COORDINATOR_URL: 'http://b:8080' }), {
      url: 'http://a:8080',
      source: 'TURNSTILE_URL',
    });
    assert.deepEqual(coordinatorUrlFromEnvironment({ TURNSTILE_URL: ' ', NX_COORDINATOR_URL: 'http://b:8080' }), {
      url: 'http://b:8080',
      source: 'NX_COORDINATOR_URL',
    });
    assert.equal(coordinatorUrlFromEnvironment({}), undefined);
  });
});
