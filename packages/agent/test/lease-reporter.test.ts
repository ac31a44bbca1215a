// The node's Lease reports between renewals (lease-reporter.ts): a change, and only a change, asks for
// a renewal; refusals are the decided error skips, bounded as the Lease writes them; each change is
// logged with the fields operators filter on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatRefused, type PlacementSkip, REFUSED_MAX_ENTRIES } from '@purelb-ts/core';
import { LeaseReporter } from '../src/lbnodeagent/lease-reporter.ts';
import { memoryLogger } from './kubernetes/fixtures.ts';

const skip = (ip: string, code: PlacementSkip['code'], error: boolean): PlacementSkip => ({
  service: 'default/web',
  ip,
  code,
  reason: `${code} for ${ip}`,
  error,
});

test('carrier: a change asks for a renewal and is logged with the interface; the same list does not', () => {
  const { logger, lines } = memoryLogger();
  let down: string[] = [];
  const r = new LeaseReporter(logger, () => down);
  assert.equal(r.carrierChanged([]), false, 'nothing down at start: no change');
  down = ['enp1s0'];
  assert.equal(r.carrierChanged(down), true);
  assert.deepEqual(r.reports().carrierDown, ['enp1s0'], 'read from the reconciler at each renewal');
  assert.equal(r.carrierChanged(['enp1s0']), false);
  const warn = lines.find((l) => l.level === 'warn');
  assert.equal(warn?.interface, 'enp1s0');
  down = [];
  assert.equal(r.carrierChanged(down), true);
  assert.equal(lines.at(-1)?.level, 'info');
});

test('refusals: only error skips, a change asks for a renewal, the same set in another order does not', () => {
  const { logger, lines } = memoryLogger();
  const r = new LeaseReporter(logger, () => []);
  assert.equal(
    r.decided([skip('172.30.250.53', 'not-winner', false)]),
    false,
    'a lost election is no refusal',
  );
  const skips = [
    skip('172.30.250.60', 'no-carrier', true),
    skip('172.30.250.53', 'ambiguous-default-route', true),
  ];
  assert.equal(r.decided(skips), true);
  assert.equal(
    formatRefused(r.reports().refused),
    '172.30.250.53,ambiguous-default-route 172.30.250.60,no-carrier',
  );
  assert.equal(lines.at(-1)?.ip, '172.30.250.53 172.30.250.60');
  assert.equal(r.decided([...skips].reverse()), false);
  assert.equal(r.decided([]), true, 'all placed again');
  assert.deepEqual(r.reports().refused, []);
});

test('every refusal is kept; the Lease value bounds them and counts those left out', () => {
  const { logger, lines } = memoryLogger();
  const r = new LeaseReporter(logger, () => []);
  const many = Array.from({ length: 100 }, (_, i) => skip(`10.0.0.${i}`, 'no-local-interface', true));
  assert.equal(r.decided(many), true);
  assert.equal(r.reports().refused.length, 100);
  const value = formatRefused(r.reports().refused);
  assert.match(value, / \+36$/);
  assert.equal(lines.at(-1)?.reason, value);
  assert.equal(String(lines.at(-1)?.ip).split(' ').length, REFUSED_MAX_ENTRIES);
});
