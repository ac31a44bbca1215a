// errno numbers become the names Node users know (EEXIST), including the kernel-internal ones
// netlink can return, and the C library's message text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { native } from '../../src/native/load.ts';

test('errnoName maps Linux errno numbers to their symbolic names', () => {
  assert.equal(native.errnoName(17), 'EEXIST');
  assert.equal(native.errnoName(95), 'EOPNOTSUPP');
  assert.equal(native.errnoName(105), 'ENOBUFS');
  assert.equal(native.errnoName(1), 'EPERM');
  assert.equal(native.errnoName(133), 'EHWPOISON');
  assert.equal(native.errnoName(524), 'ENOTSUPP');
  assert.equal(native.errnoName(41), 'UNKNOWN'); // unused slot
  assert.equal(native.errnoName(0), 'UNKNOWN');
});

test('every errno from 1 to 133 but the two unused slots has a distinct name', () => {
  const names = new Set<string>();
  for (let e = 1; e <= 133; e++) if (e !== 41 && e !== 58) names.add(native.errnoName(e));
  assert.equal(names.size, 131);
  assert.ok(!names.has('UNKNOWN'));
});

test('errnoMessage gives the C library text, and kernel meanings for internal numbers', () => {
  assert.equal(native.errnoMessage(17), 'File exists');
  assert.equal(native.errnoMessage(524), 'Operation is not supported');
  assert.throws(() => native.errnoName(-1), RangeError);
  assert.throws(() => native.errnoName('17' as unknown as number), TypeError);
});

test('napiVersion is the pinned Node-API version', () => {
  assert.equal(native.napiVersion, 8);
});
