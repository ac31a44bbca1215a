// Shared by the parser tests: the issues must be exactly these paths and values (in any order),
// each with a message matching its pattern.
import assert from 'node:assert/strict';
import type { ValidationIssue } from '../../src/config/types.ts';

export type ExpectedIssue = [path: string, value: unknown, message: RegExp];

export function assertIssues(errors: ValidationIssue[], want: ExpectedIssue[]): void {
  const got = [...errors].sort((a, b) => a.path.localeCompare(b.path));
  const exp = [...want].sort((a, b) => a[0].localeCompare(b[0]));
  assert.deepEqual(
    got.map((e) => [e.path, e.value]),
    exp.map(([path, value]) => [path, value]),
    JSON.stringify(errors),
  );
  for (const [i, [, , message]] of exp.entries()) assert.match(got[i]?.message ?? '', message);
}
