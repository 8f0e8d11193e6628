import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkClaim, checkGitSha, type FieldViolation } from '../src/rules';

interface RuleCase {
  name: string;
  input: { project: string | null; task: string | null; gitSha: string | null; agentId: string | null; requestId: string | null };
  violations: FieldViolation[];
}

// Shared with the Java client's ClaimRulesCasesTest, which checks them against ClaimRules in claim-contracts.
// Compiled to dist-test/test/, three levels below claim-client/.
const casesFile = join(__dirname, '..', '..', '..', 'src', 'test', 'resources', 'claim-rules-cases.json');
const { cases } = JSON.parse(readFileSync(casesFile, 'utf8')) as { cases: RuleCase[] };

describe('the claim rules match the Java ClaimRules', () => {
  for (const ruleCase of cases) {
    test(ruleCase.name, () => {
      const { project, task, gitSha, agentId, requestId } = ruleCase.input;
      assert.deepEqual(checkClaim(project, task, gitSha, agentId, requestId), ruleCase.violations);
    });
  }
});

describe('rules only JavaScript needs', () => {
  test('a value that is not a string is refused with its type', () => {
    assert.deepEqual(checkGitSha(3_000_000), [
      { field: 'gitSha', rule: 'type', message: 'gitSha must be a string; got number' },
    ]);
  });
});
