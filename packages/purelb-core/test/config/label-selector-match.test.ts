// Label selectors with Kubernetes semantics: matchLabels AND matchExpressions; catch-alls.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCatchAll, isLabelKey, isLabelValue, matchesSelector } from '../../src/config/label-selector.ts';
import type { LabelSelector } from '../../src/config/types.ts';

const node = { 'kubernetes.io/hostname': 'purelb2-1', zone: 'a', 'node-role.kubernetes.io/worker': '' };

describe('matchesSelector', () => {
  const cases: [string, LabelSelector | undefined, boolean][] = [
    ['absent selector matches all', undefined, true],
    ['empty selector matches all', {}, true],
    ['matchLabels equal', { matchLabels: { zone: 'a' } }, true],
    ['matchLabels different value', { matchLabels: { zone: 'b' } }, false],
    ['matchLabels missing key', { matchLabels: { rack: '1' } }, false],
    [
      'matchLabels empty value matches an empty label',
      { matchLabels: { 'node-role.kubernetes.io/worker': '' } },
      true,
    ],
    ['In hit', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b', 'a'] }] }, true],
    ['In miss', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }, false],
    ['In on a missing key', { matchExpressions: [{ key: 'rack', operator: 'In', values: ['1'] }] }, false],
    ['NotIn hit', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, false],
    ['NotIn miss', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['b'] }] }, true],
    [
      'NotIn on a missing key matches',
      { matchExpressions: [{ key: 'rack', operator: 'NotIn', values: ['1'] }] },
      true,
    ],
    ['Exists', { matchExpressions: [{ key: 'node-role.kubernetes.io/worker', operator: 'Exists' }] }, true],
    ['Exists on a missing key', { matchExpressions: [{ key: 'rack', operator: 'Exists' }] }, false],
    ['DoesNotExist', { matchExpressions: [{ key: 'rack', operator: 'DoesNotExist' }] }, true],
    [
      'DoesNotExist on a present key',
      { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] },
      false,
    ],
    [
      'labels AND expressions: both hold',
      { matchLabels: { zone: 'a' }, matchExpressions: [{ key: 'rack', operator: 'DoesNotExist' }] },
      true,
    ],
    [
      'labels AND expressions: one fails',
      { matchLabels: { zone: 'a' }, matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] },
      false,
    ],
    [
      'a key inherited from Object.prototype is not a label',
      { matchExpressions: [{ key: 'toString', operator: 'Exists' }] },
      false,
    ],
  ];
  for (const [name, selector, want] of cases) {
    it(name, () => assert.equal(matchesSelector(selector, node), want));
  }
});

describe('isCatchAll', () => {
  const cases: [LabelSelector | undefined, boolean][] = [
    [undefined, true],
    [{}, true],
    [{ matchLabels: {}, matchExpressions: [] }, true],
    [{ matchLabels: { zone: 'a' } }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, false],
  ];
  for (const [selector, want] of cases) {
    it(`${JSON.stringify(selector)} → ${want}`, () => assert.equal(isCatchAll(selector), want));
  }
});

describe('label syntax', () => {
  const keys: [string, boolean][] = [
    ['zone', true],
    ['kubernetes.io/hostname', true],
    ['node-role.kubernetes.io/control-plane', true],
    ['', false],
    ['/zone', false],
    ['Example.com/zone', false],
    ['a b', false],
    ['x'.repeat(64), false],
    ['-zone', false],
  ];
  for (const [k, want] of keys)
    it(`key ${JSON.stringify(k)} → ${want}`, () => assert.equal(isLabelKey(k), want));
  const values: [string, boolean][] = [
    ['', true],
    ['a', true],
    ['v1.2_3-x', true],
    ['-a', false],
    ['a.', false],
    ['x'.repeat(64), false],
  ];
  for (const [v, want] of values)
    it(`value ${JSON.stringify(v)} → ${want}`, () => assert.equal(isLabelValue(v), want));
});
