// The Nodes' own addresses are never handed out: skipped when picking the lowest free, refused when
// asked for, and a Service holding one (from before the rule) is moved off it or has it reclaimed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Allocator } from '../../src/allocation/index.ts';
import { nodeAddresses } from '../../src/node-addresses.ts';
import { group, outcome, service } from './builders.ts';

const pool = () => group('default', { v4pools: ['10.0.1.1-10.0.1.4'] });
const nodes = nodeAddresses([
  { metadata: { name: 'node-a' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.1.1' }] } },
  { metadata: { name: 'node-b' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.1.3' }] } },
]);

test('the lowest free address skips node addresses; the pool is full without them', () => {
  const alloc = new Allocator([pool()], { defaultAnnouncer: true });
  alloc.setNodeAddresses(nodes);
  assert.deepEqual(outcome(alloc.allocate(service('a'))), ['10.0.1.2']);
  assert.deepEqual(outcome(alloc.allocate(service('b'))), ['10.0.1.4']);
  assert.equal(outcome(alloc.allocate(service('c'))), 'exhausted');
  assert.deepEqual(alloc.holdersOf('10.0.1.1'), [], 'skipping leaves no trace in the ledger');
});

test('asking for a node address is refused naming the node', () => {
  const alloc = new Allocator([pool()], { defaultAnnouncer: true });
  alloc.setNodeAddresses(nodes);
  const r = alloc.allocate(service('a', { annotations: { 'purelb.io/addresses': '10.0.1.3' } }));
  assert.equal(outcome(r), 'node-address');
  assert.match(r.ok ? '' : r.message, /node node-b's InternalIP 10\.0\.1\.3/);
});

test('a Service holding a node address moves off it, or has it reclaimed when there is no room', () => {
  const alloc = new Allocator([pool()], { defaultAnnouncer: true });
  for (const n of ['a', 'b', 'c']) alloc.allocate(service(n));
  alloc.setNodeAddresses(nodes);
  const moved = alloc.allocate(service('a'));
  assert.ok(moved.ok);
  assert.deepEqual(
    [moved.ips, moved.released, moved.outsidePools],
    [['10.0.1.4'], ['10.0.1.1'], ['10.0.1.1']],
  );
  assert.equal(outcome(alloc.allocate(service('c'))), 'exhausted');
  const r = alloc.reclaim('default/c');
  assert.deepEqual([r?.change, r?.released], ['node-address', ['10.0.1.3']]);
  assert.deepEqual(alloc.nodeAddressesInGroups(), [{ group: 'default', addresses: [...nodes.values()] }]);
});
