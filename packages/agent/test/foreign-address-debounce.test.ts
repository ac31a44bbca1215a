// The network watch's reading of notifications: an address carrying PureLB's IFA_PROTO marks the
// reconciler dirty at once, the agent's own echoes mark nothing, and every other (foreign) address
// notification only schedules one reconcile per burst; links and main-table routes mark at once.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { PURELB_ADDRESS_PROTOCOL } from '@purelb-ts/core';
import type { Address, MonitorEvent, Netlink } from '@purelb-ts/netlink-native';
import { address, ENP1S0, KUBE_LB0 } from '../../purelb-core/test/fixtures/seed-node.ts';
import { createLogger } from '../src/log.ts';
import { type NetworkWatchOptions, watchNetwork } from '../src/network/watch.ts';
import { kernelAddress } from './support/kernel-address.ts';

const quiet = createLogger('error', () => {});

/** watchNetwork over a monitor the test drives; `marks` lists every markDirty reason in order. */
function fixture(options: NetworkWatchOptions = {}) {
  const monitor = Object.assign(new EventEmitter(), { unref: () => monitor, close: () => {} });
  const nl = { monitor: () => monitor } as unknown as Netlink;
  const marks: string[] = [];
  const watch = watchNetwork(nl, (why) => marks.push(why), quiet, {
    foreignQuietMs: 20,
    foreignMaxWaitMs: 200,
    immediateForeign: false,
    ...options,
  });
  const emitAddress = (action: 'new' | 'del', a: Address) =>
    monitor.emit('address', { type: 'address', action, address: a } satisfies MonitorEvent);
  return { monitor, marks, watch, emitAddress };
}

const foreign = (i: number): Address =>
  kernelAddress(address('churn0', { index: 7, address: `10.99.${i >> 8}.${i & 255}`, prefixLength: 32 }));
const owned = (ip: string): Address =>
  kernelAddress(
    address('kube-lb0', {
      index: KUBE_LB0,
      address: ip,
      prefixLength: 32,
      protocol: PURELB_ADDRESS_PROTOCOL,
    }),
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('network watch: foreign address notifications are coalesced', () => {
  it('2,000 foreign adds and deletes mark dirty once, after the burst, not once each', async () => {
    const { marks, watch, emitAddress } = fixture();
    try {
      for (let i = 0; i < 2000; i++) emitAddress('new', foreign(i));
      for (let i = 0; i < 2000; i++) emitAddress('del', foreign(i));
      assert.deepEqual(marks, [], 'nothing at once');
      await sleep(400);
      assert.deepEqual(marks, ['foreign address change (4000 notifications)']);
    } finally {
      watch.close();
    }
  });

  it("an owned address (PureLB's IFA_PROTO) deleted behind the agent's back marks dirty at once", () => {
    const { marks, watch, emitAddress } = fixture();
    try {
      emitAddress('del', owned('172.31.1.5'));
      assert.deepEqual(marks, ['address change']);
    } finally {
      watch.close();
    }
  });

  it("the agent's own echoes mark nothing, owned or not", async () => {
    const { marks, watch, emitAddress } = fixture({ isOwnEcho: () => true });
    try {
      emitAddress('new', owned('172.31.1.5'));
      emitAddress('new', foreign(1));
      await sleep(100);
      assert.deepEqual(marks, []);
    } finally {
      watch.close();
    }
  });

  it('a link or main-table route change marks at once and takes the pending foreign burst with it', async () => {
    const { monitor, marks, watch, emitAddress } = fixture();
    try {
      emitAddress('new', foreign(1));
      monitor.emit('route', { type: 'route', action: 'new', route: { table: 254 } });
      monitor.emit('route', { type: 'route', action: 'new', route: { table: 255 } });
      monitor.emit('link', { type: 'link', action: 'new', link: { index: ENP1S0 } });
      await sleep(100);
      // The route change's reconcile re-reads the whole network: the foreign add needs no run of its own.
      assert.deepEqual(marks, ['route change', 'link change']);
    } finally {
      watch.close();
    }
  });

  it('with the bench switch on, every foreign notification marks at once (the behaviour before)', () => {
    const { marks, watch, emitAddress } = fixture({ immediateForeign: true });
    try {
      for (let i = 0; i < 5; i++) emitAddress('new', foreign(i));
      assert.equal(marks.length, 5);
    } finally {
      watch.close();
    }
  });
});
