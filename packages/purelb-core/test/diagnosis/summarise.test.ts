// summarise: the verdict a command turns into its exit status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Severity } from '../../src/diagnosis/finding.ts';
import { summarise } from '../../src/diagnosis/summarise.ts';

const finding = (severity: Severity): Finding => ({
  code: 'address-stale',
  severity,
  message: 'm',
  fix: 'f',
});

describe('summarise', () => {
  const cases: [string, Severity[], 'healthy' | 'findings', 0 | 1][] = [
    ['no findings', [], 'healthy', 0],
    ['info only', ['info', 'info'], 'healthy', 0],
    ['a warning', ['info', 'warning'], 'findings', 1],
    ['an error', ['error'], 'findings', 1],
  ];
  for (const [name, severities, verdict, exitCode] of cases) {
    it(`${name} → ${verdict}`, () => {
      const s = summarise(severities.map(finding));
      assert.equal(s.verdict, verdict);
      assert.equal(s.exitCode, exitCode);
      assert.equal(s.counts.error + s.counts.warning + s.counts.info, severities.length);
    });
  }
});
