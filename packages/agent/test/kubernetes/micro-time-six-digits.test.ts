import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMicroTime } from '@purelb-ts/core';
import { formatMicroTime } from '../../src/kubernetes/micro-time.ts';

test('MicroTime is written with exactly six fractional digits, microseconds kept', () => {
  const ms = Date.UTC(2026, 10, 26, 2, 35, 42, 123) + 0.456;
  assert.equal(formatMicroTime(ms), '2026-11-26T02:35:42.123456Z');
  assert.equal(formatMicroTime(Date.UTC(2026, 0, 1)), '2026-01-01T00:00:00.000000Z');
  assert.match(formatMicroTime(Date.now()), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
});

test('MicroTime round-trips through the core parser', () => {
  const ms = Date.UTC(2027, 1, 28, 23, 59, 59, 999) + 0.999;
  assert.equal(parseMicroTime(formatMicroTime(ms)), ms);
});

test('a time that is not a number is refused by name', () => {
  assert.throws(() => formatMicroTime(Number.NaN), /cannot format NaN as a MicroTime/);
});
