// Go duration strings (garpConfig) and Linux interface-name rules (dummyInterface, interfaces[]).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGoDuration } from '../../src/config/duration.ts';
import { interfaceNameProblem } from '../../src/config/interface-name.ts';

describe('parseGoDuration (milliseconds)', () => {
  const good: [string, number][] = [
    ['0', 0],
    ['100ms', 100],
    ['1s', 1000],
    ['1.5s', 1500],
    ['.5s', 500],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['2h45m', 9_900_000],
    ['500us', 0.5],
    ['500µs', 0.5],
    ['1000000ns', 1],
    ['+2s', 2000],
  ];
  for (const [text, ms] of good) it(`${text} = ${ms} ms`, () => assert.equal(parseGoDuration(text), ms));
  const bad = ['', '100', 's', '1x', '1s2', '-1s', '1.2.3s', 'ms100', '1 s'];
  for (const text of bad) {
    it(`${JSON.stringify(text)} is refused with a message`, () =>
      assert.equal(typeof parseGoDuration(text), 'string'));
  }
});

describe('interfaceNameProblem', () => {
  const cases: [string, RegExp | undefined][] = [
    ['kube-lb0', undefined],
    ['eth0', undefined],
    ['bond0.100', undefined],
    ['x'.repeat(15), undefined],
    ['x'.repeat(16), /longer than 15/],
    ['', /must not be empty/],
    ['.', /not a valid interface name/],
    ['..', /not a valid interface name/],
    ['a/b', /must not contain/],
    ['a b', /must not contain/],
    ['a\tb', /must not contain/],
    ['eth0:1', /must not contain/],
  ];
  for (const [name, want] of cases) {
    it(`${JSON.stringify(name)}: ${want ?? 'valid'}`, () => {
      const problem = interfaceNameProblem(name);
      if (want === undefined) assert.equal(problem, undefined);
      else assert.match(problem ?? '', want);
    });
  }
});
