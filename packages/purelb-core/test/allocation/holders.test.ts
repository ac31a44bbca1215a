// holdersOf: who holds an address in the allocator's ledger, whatever the spelling of the address;
// several holders for a shared address, none once the last one releases it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Allocator } from '../../src/allocation/index.ts';
import { group, outcome, service } from './builders.ts';

const alloc = () =>
  new Allocator([group('default', { v4pools: ['10.0.1.0/24'], v6pools: ['2001:db8::/64'] })], {
    defaultAnnouncer: true,
  });

test('holdersOf names the Service holding an address, in any spelling of it', () => {
  const a = alloc();
  assert.deepEqual(outcome(a.allocate(service('web', { families: ['IPv6'] }))), ['2001:db8::1']);
  assert.deepEqual(a.holdersOf('2001:db8::1'), ['default/web']);
  assert.deepEqual(a.holdersOf('2001:0db8:0:0::0:1'), ['default/web']);
  assert.deepEqual(a.holdersOf('10.0.1.1'), []);
  assert.deepEqual(a.holdersOf('not-an-ip'), []);
});

test('holdersOf lists every sharer, sorted, and nobody after the last release', () => {
  const a = alloc();
  const shared = { 'purelb.io/allow-shared-ip': 'k' };
  assert.deepEqual(outcome(a.allocate(service('z', { annotations: shared, ports: [80] }))), ['10.0.1.1']);
  assert.deepEqual(outcome(a.allocate(service('b', { annotations: shared, ports: [443] }))), ['10.0.1.1']);
  assert.deepEqual(a.holdersOf('10.0.1.1'), ['default/b', 'default/z']);
  a.release('default/z');
  assert.deepEqual(a.holdersOf('10.0.1.1'), ['default/b']);
  a.release('default/b');
  assert.deepEqual(a.holdersOf('10.0.1.1'), []);
});
