// Write-backs run one at a time over the newest reconcile's view: values submitted during a run
// replace each other, an error is reported and does not stop later runs, idle() waits for the last.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latestOnly } from '../src/lbnodeagent/latest-only.ts';

test('values submitted during a run collapse to the newest; runs never overlap', async () => {
  const ran: number[] = [];
  let active = 0;
  let release: () => void = () => {};
  const q = latestOnly<number>(
    async (v) => {
      active++;
      assert.equal(active, 1, 'two runs at once');
      ran.push(v);
      if (v === 1) await new Promise<void>((r) => (release = r));
      active--;
    },
    (err) => assert.fail(String(err)),
  );
  q.submit(1);
  for (const v of [2, 3, 4]) q.submit(v);
  release();
  await q.idle();
  assert.deepEqual(ran, [1, 4]);
  q.submit(5);
  await q.idle();
  assert.deepEqual(ran, [1, 4, 5]);
});

test('a failed run is reported and the next value still runs', async () => {
  const errors: unknown[] = [];
  const ran: string[] = [];
  const q = latestOnly<string>(
    async (v) => {
      ran.push(v);
      if (v === 'bad') throw new Error('API server said no');
    },
    (err) => errors.push(err),
  );
  q.submit('bad');
  q.submit('good');
  await q.idle();
  assert.deepEqual(ran, ['bad', 'good']);
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /API server said no/);
});

test('idle() resolves at once when nothing was submitted', async () => {
  const q = latestOnly<number>(
    async () => {},
    () => {},
  );
  await q.idle();
});
