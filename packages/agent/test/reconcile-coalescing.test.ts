// The reconciler is level-triggered: changes only mark it dirty, a change during a run schedules
// exactly one more run however many arrive, and a failing run is recorded, not thrown.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeNetwork } from '@purelb-ts/core';
import { Reconciler } from '../src/lbnodeagent/reconciler.ts';
import { createLogger } from '../src/log.ts';
import { emptyClusterState } from '../src/sources/source.ts';

const EMPTY: NodeNetwork = { links: [], addresses: [], routes: [] };

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

function fixture(readNetwork: () => Promise<NodeNetwork>) {
  const lines: string[] = [];
  const reconciler = new Reconciler({
    node: 'n1',
    source: { snapshot: emptyClusterState },
    readNetwork,
    apply: async () => [],
    log: createLogger('debug', (l) => lines.push(l)),
    standalone: true,
    resyncMs: 0,
  });
  return { reconciler, lines };
}

describe('reconciler coalescing', () => {
  it('many marks before a run starts make one run', async () => {
    let reads = 0;
    const { reconciler } = fixture(async () => {
      reads++;
      return EMPTY;
    });
    for (let i = 0; i < 10; i++) reconciler.markDirty('burst');
    await reconciler.whenIdle();
    assert.equal(reads, 1);
    assert.equal(reconciler.runs, 1);
  });

  it('marks during a run schedule exactly one more run', async () => {
    const first = gate();
    const entered = gate();
    let reads = 0;
    const { reconciler } = fixture(async () => {
      reads++;
      if (reads === 1) {
        entered.open();
        await first.opened;
      }
      return EMPTY;
    });
    reconciler.markDirty('start');
    await entered.opened;
    for (let i = 0; i < 5; i++) reconciler.markDirty('during');
    first.open();
    await reconciler.whenIdle();
    assert.equal(reads, 2);
    assert.equal(reconciler.runs, 2);
  });

  it('a failed run is logged and recorded; the next mark runs again', async () => {
    let fail = true;
    const { reconciler, lines } = fixture(async () => {
      if (fail) throw new Error('netlink went away');
      return EMPTY;
    });
    reconciler.markDirty('start');
    await reconciler.whenIdle();
    assert.equal(reconciler.lastSummary?.failure, 'netlink went away');
    assert.ok(
      lines.some((l) => JSON.parse(l).level === 'error' && JSON.parse(l).reason === 'netlink went away'),
    );
    fail = false;
    reconciler.markDirty('retry');
    await reconciler.whenIdle();
    assert.equal(reconciler.lastSummary?.failure, undefined);
    assert.equal(reconciler.runs, 2);
  });

  it('after stop, marks do nothing', async () => {
    let reads = 0;
    const { reconciler } = fixture(async () => {
      reads++;
      return EMPTY;
    });
    reconciler.stop();
    reconciler.markDirty('late');
    await reconciler.whenIdle();
    assert.equal(reads, 0);
  });
});
