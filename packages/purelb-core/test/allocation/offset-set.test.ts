// The per-pool index of used offsets (a Float64Array for pools within 2^53 addresses, a bigint
// array beyond): the lowest free offset is found by binary search over the sorted offsets, and both
// kinds agree with a plain scan under any sequence of adds and deletes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BigOffsetSet, NumberOffsetSet, type OffsetSet, offsetSetFor } from '../../src/allocation/index.ts';

const kinds: [string, () => OffsetSet][] = [
  ['number', () => new NumberOffsetSet()],
  ['bigint', () => new BigOffsetSet()],
];

const cases: { name: string; used: bigint[]; capacity: bigint; want: bigint | undefined }[] = [
  { name: 'empty', used: [], capacity: 4n, want: 0n },
  { name: 'a gap at the start', used: [1n, 2n], capacity: 4n, want: 0n },
  { name: 'a gap in the middle', used: [0n, 1n, 3n], capacity: 4n, want: 2n },
  { name: 'contiguous from zero', used: [0n, 1n, 2n], capacity: 4n, want: 3n },
  { name: 'full', used: [0n, 1n, 2n, 3n], capacity: 4n, want: undefined },
  { name: 'zero capacity', used: [], capacity: 0n, want: undefined },
  {
    name: 'more than the initial room',
    used: Array.from({ length: 40 }, (_, i) => BigInt(i)),
    capacity: 50n,
    want: 40n,
  },
];

for (const [kind, make] of kinds) {
  for (const c of cases) {
    test(`first free offset (${kind}): ${c.name}`, () => {
      const set = make();
      set.load(c.used);
      assert.equal(set.firstFree(c.capacity), c.want);
    });
  }
}

test('a pool beyond 2^53 addresses gets the bigint index, which handles offsets past 2^53', () => {
  assert.ok(offsetSetFor(1n << 64n) instanceof BigOffsetSet);
  assert.ok(offsetSetFor(1n << 53n) instanceof NumberOffsetSet);
  const set = offsetSetFor(1n << 64n);
  set.add((1n << 60n) + 1n);
  set.add(0n);
  assert.equal(set.firstFree(1n << 64n), 1n);
  assert.deepEqual(set.values(), [0n, (1n << 60n) + 1n]);
});

for (const [kind, make] of kinds)
  test(`add and delete report whether they changed anything; load sorts and deduplicates (${kind})`, () => {
    const set = make();
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

for (const [kind, make] of kinds)
  test(`property: firstFree equals the lowest offset a scan finds free (${kind})`, () => {
    const op = fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 40n }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.bigInt({ min: 0n, max: 41n }), (ops, capacity) => {
        const set = make();
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
