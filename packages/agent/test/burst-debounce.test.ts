// The debounce foreign address notifications go through: one call per burst, a quiet time after the
// burst's last poke, but never later than the longest wait after its first; while a flood goes on
// without a pause after that, the flood wait applies instead, and a pause ends the flood.
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { BurstDebounce } from '../src/network/burst-debounce.ts';

/** A debounce on mocked timers, with a clock that moves with them. */
function fixture(quietMs: number, maxWaitMs: number, floodWaitMs = maxWaitMs) {
  mock.timers.enable({ apis: ['setTimeout'] });
  let clock = 0;
  let fired = 0;
  const d = new BurstDebounce(() => fired++, { quietMs, maxWaitMs, floodWaitMs, now: () => clock });
  const advance = (ms: number) => {
    for (let i = 0; i < ms; i++) {
      clock++;
      mock.timers.tick(1);
    }
  };
  return { d, advance, fired: () => fired };
}

describe('burst debounce', () => {
  it('fires once, the quiet time after the last poke of a burst', (t) => {
    t.after(() => mock.timers.reset());
    const { d, advance, fired } = fixture(100, 1000);
    for (let i = 0; i < 2000; i++) d.poke();
    advance(50);
    d.poke();
    advance(99);
    assert.equal(fired(), 0, 'not before 100 ms of quiet');
    advance(1);
    assert.equal(fired(), 1);
    advance(2000);
    assert.equal(fired(), 1, 'nothing more without pokes');
    assert.equal(d.pending, false);
  });

  it('fires the longest wait after the first poke when the pokes never stop, then starts a new burst', (t) => {
    t.after(() => mock.timers.reset());
    const { d, advance, fired } = fixture(100, 1000);
    const firedAt: number[] = [];
    for (let ms = 0; ms < 2500; ms += 10) {
      d.poke();
      const before = fired();
      advance(10);
      if (fired() > before) firedAt.push(ms + 10);
    }
    assert.deepEqual(firedAt, [1000, 2000]);
  });

  it('while a flood goes on after the first forced call, the flood wait applies; a pause ends the flood', (t) => {
    t.after(() => mock.timers.reset());
    const { d, advance, fired } = fixture(100, 1000, 4000);
    const firedAt: number[] = [];
    const flood = (from: number, to: number) => {
      for (let ms = from; ms < to; ms += 10) {
        d.poke();
        const before = fired();
        advance(10);
        if (fired() > before) firedAt.push(ms + 10);
      }
    };
    flood(0, 10_000);
    // 1 s after the flood began, then every 4 s while it goes on.
    assert.deepEqual(firedAt, [1000, 5000, 9000]);
    advance(200); // the pause: the flood's trailing call, then quiet
    assert.equal(fired(), 4);
    firedAt.length = 0;
    flood(10_200, 12_000);
    assert.deepEqual(firedAt, [11_200], 'a new flood starts again at the first wait');
  });

  it('cancel drops the pending burst', (t) => {
    t.after(() => mock.timers.reset());
    const { d, advance, fired } = fixture(100, 1000);
    d.poke();
    d.cancel();
    advance(2000);
    assert.equal(fired(), 0);
    d.poke();
    advance(100);
    assert.equal(fired(), 1, 'a poke after cancel starts a new burst');
  });
});
