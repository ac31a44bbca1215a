// The per-pool index of used offsets: the lowest free offset is found by binary search over the
// sorted offsets, and agrees with a plain scan under any sequence of adds and deletes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { OffsetSet } from '../../src/allocation/index.ts';

const cases: { name: string; used: bigint[]; capacity: bigint; want: bigint | undefined }[] = [
  { name: 'empty', used: [], capacity: 4n, want: 0n },
  { name: 'a gap at the start', used: [1n, 2n], capacity: 4n, want: 0n },
  { name: 'a gap in the middle', used: [0n, 1n, 3n], capacity: 4n, want: 2n },
  { name: 'contiguous from zero', used: [0n, 1n, 2n], capacity: 4n, want: 3n },
  { name: 'full', used: [0n, 1n, 2n, 3n], capacity: 4n, want: undefined },
  { name: 'zero capacity', used: [], capacity: 0n, want: undefined },
  { name: 'beyond 2^53', used: [0n], capacity: 1n << 64n, want: 1n },
];

for (const c of cases) {
  test(`first free offset: ${c.name}`, () => {
    const set = new OffsetSet();
    set.load(c.used);
    assert.equal(set.firstFree(c.capacity), c.want);
  });
}

test('add and delete report whether they changed anything; load sorts and deduplicates', () => {
  const set = new OffsetSet();
  assert.equal(set.add(5n), true);
  assert.equal(set.add(5n), false);
  assert.equal(set.delete(4n), false);
  assert.equal(set.delete(5n), true);
  set.load([9n, 3n, 9n, 1n]);
  assert.deepEqual(set.values(), [1n, 3n, 9n]);
  assert.equal(set.size, 3);
  assert.equal(set.has(3n), true);
  assert.equal(set.has(2n), false);
});

test('property: firstFree equals the lowest offset a scan finds free', () => {
  const op = fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 40n }));
  fc.assert(
    fc.property(fc.array(op, { maxLength: 200 }), fc.bigInt({ min: 0n, max: 41n }), (ops, capacity) => {
      const set = new OffsetSet();
      const model = new Set<bigint>();
      for (const [isAdd, offset] of ops) {
        if (offset >= capacity) continue;
        assert.equal(
          isAdd ? set.add(offset) : set.delete(offset),
          isAdd ? !model.has(offset) : model.has(offset),
        );
        if (isAdd) model.add(offset);
        else model.delete(offset);
      }
      let want: bigint | undefined;
      for (let i = 0n; i < capacity; i++) {
        if (!model.has(i)) {
          want = i;
          break;
        }
      }
      assert.equal(set.firstFree(capacity), want);
      assert.deepEqual(
        set.values(),
        [...model].sort((a, b) => (a < b ? -1 : 1)),
      );
    }),
  );
});
