// The allocator's Map for records that churn (an address freed and handed out again, a Service
// re-created): it behaves as a Map under any sequence of sets and deletes, including past the
// compaction threshold, and repeated delete/re-set of one key stays fast.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ChurnSafeMap } from '../../src/allocation/churn-safe-map.ts';

test('property: behaves as a Map (get, has, size, entries as a set)', () => {
  const op = fc.tuple(fc.constantFrom('set', 'delete'), fc.integer({ min: 0, max: 30 }), fc.nat());
  fc.assert(
    fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
      const m = new ChurnSafeMap<number, number>();
      const model = new Map<number, number>();
      for (const [kind, k, v] of ops) {
        if (kind === 'set') {
          m.set(k, v);
          model.set(k, v);
        } else assert.equal(m.delete(k), model.delete(k));
        assert.equal(m.size, model.size);
        assert.equal(m.get(k), model.get(k));
        assert.equal(m.has(k), model.has(k));
      }
      const sorted = (it: Iterable<[number, number]>) => [...it].sort((a, b) => a[0] - b[0]);
      assert.deepEqual(sorted(m), sorted(model));
      assert.deepEqual([...m.values()].sort(), [...model.values()].sort());
    }),
    { numRuns: 100 },
  );
});

test('compaction after many tombstones keeps the live entries', () => {
  const m = new ChurnSafeMap<string, number>();
  for (let i = 0; i < 3000; i++) m.set(`k${i}`, i);
  for (let i = 0; i < 2990; i++) m.delete(`k${i}`);
  assert.equal(m.size, 10);
  assert.deepEqual(
    [...m.entries()].map(([k]) => k),
    Array.from({ length: 10 }, (_, i) => `k${2990 + i}`),
  );
  m.clear();
  assert.equal(m.size, 0);
  assert.equal(m.get('k2999'), undefined);
});

test('deleting and re-setting one key 20,000 times among 60,000 entries never grows the table', () => {
  // The speed this buys is measured by `npm run bench:core`; here the mechanism is pinned: a re-set
  // overwrites the tombstone in place, so V8's hash chain for the key never lengthens.
  const m = new ChurnSafeMap<string, number>();
  for (let i = 0; i < 60_000; i++) m.set(`10.20.${i >> 8}.${i & 255}`, i);
  for (let i = 0; i < 20_000; i++) {
    m.set('10.20.234.96', i);
    m.delete('10.20.234.96');
    assert.equal(m.tableSize, 60_001);
  }
  assert.equal(m.size, 60_000);
  assert.equal(m.has('10.20.234.96'), false);
});

test('tombstones of many distinct keys are compacted once they outnumber live entries', () => {
  const m = new ChurnSafeMap<string, number>();
  for (let i = 0; i < 3000; i++) m.set(`k${i}`, i);
  for (let i = 0; i < 2990; i++) m.delete(`k${i}`);
  assert.ok(m.tableSize < 3000, `table still holds ${m.tableSize} entries for ${m.size} live ones`);
  assert.equal(m.size, 10);
});
