// nl.neighbours.change (`ip neigh change`) and nl.neighbours.flush (`ip neigh flush`) in throw-away
// namespaces: flush is run beside iproute2's own flush on a twin link, and what each leaves is compared.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NetlinkError } from '../../src/index.ts';
import { ip, ipJson, needsNetns, vethPair, withHandle } from './support.ts';

interface IpNeighbour {
  dst: string;
  dev: string;
  lladdr?: string;
  state?: string[];
  extern_learn?: null;
  proxy?: null;
}

const STATES = ['permanent', 'noarp', 'reachable', 'stale', 'delay', 'probe', 'failed', 'incomplete', 'none'];

/** v0 (10.0.0.1/24) and v1 (10.0.1.1/24) with the same entries: one per state, an extern_learn and a proxy. */
function twins(ns: string): void {
  vethPair(ns);
  for (const [dev, net] of [
    ['v0', '10.0.0'],
    ['v1', '10.0.1'],
  ] as const) {
    ip(ns, 'address', 'add', `${net}.1/24`, 'dev', dev);
    STATES.forEach((state, i) => {
      const lladdr =
        state === 'failed' || state === 'incomplete' || state === 'none'
          ? []
          : ['lladdr', `02:00:00:00:00:${10 + i}`];
      ip(ns, 'neigh', 'add', `${net}.${10 + i}`, ...lladdr, 'dev', dev, 'nud', state);
    });
    ip(ns, 'neigh', 'add', `${net}.30`, 'lladdr', '02:00:00:00:00:30', 'dev', dev, 'extern_learn');
    ip(ns, 'neigh', 'add', 'proxy', `${net}.40`, 'dev', dev);
  }
}

/** The IPv4 entries left on a link, as host numbers (the last octet), sorted. */
function left(ns: string, dev: string, ...args: string[]): number[] {
  return ipJson<IpNeighbour[]>(ns, '-4', 'neigh', 'show', 'nud', 'all', 'dev', dev, ...args)
    .map((n) => Number(n.dst.split('.')[3]))
    .sort((a, b) => a - b);
}

test(
  'neighbours.flush({ link }) deletes what `ip neigh flush dev X` deletes and returns the count',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      twins(ns);
      ip(ns, 'neigh', 'flush', 'dev', 'v1');
      const removed = await nl.neighbours.flush({ link: 'v0' });
      assert.deepEqual(left(ns, 'v0'), left(ns, 'v1'));
      // permanent (10) and noarp (11) stay; the other seven states and the extern_learn entry go
      assert.deepEqual(left(ns, 'v0'), [10, 11]);
      assert.equal(removed, 8);
      assert.deepEqual(left(ns, 'v0', 'proxy'), [40], 'proxy entries are not neighbours: they stay');
      assert.equal(await nl.neighbours.flush({ link: 'v0' }), 0, 'nothing left to flush');
    }),
);

test(
  'neighbours.flush with a state, a family or proxy: the same as ip neigh flush with nud / -6 / proxy',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      twins(ns);
      ip(ns, 'neigh', 'flush', 'dev', 'v1', 'nud', 'permanent', 'nud', 'stale');
      const removed = await nl.neighbours.flush({ link: 'v0', state: ['permanent', 'stale'] });
      assert.deepEqual(left(ns, 'v0'), left(ns, 'v1'));
      assert.equal(removed, 3, 'permanent, stale and the extern_learn entry (any state)');
      ip(ns, '-4', 'neigh', 'flush', 'dev', 'v1', 'nud', 'noarp');
      assert.equal(await nl.neighbours.flush({ link: 'v0', state: 'noarp', family: 4 }), 1);
      assert.deepEqual(left(ns, 'v0'), left(ns, 'v1'));
      assert.equal(
        await nl.neighbours.flush({ link: 'v0', family: 6 }),
        0,
        'no IPv6 entry of that kind on v0',
      );
      ip(ns, 'neigh', 'flush', 'proxy', 'dev', 'v1');
      assert.equal(await nl.neighbours.flush({ link: 'v0', proxy: true }), 1);
      assert.deepEqual(left(ns, 'v0', 'proxy'), left(ns, 'v1', 'proxy'));
      assert.deepEqual(left(ns, 'v0', 'proxy'), []);
      const before = nl.info.inFlight;
      await assert.rejects(nl.neighbours.flush({ state: 'asleep' as never }), TypeError);
      await assert.rejects(nl.neighbours.flush({ link: 'nosuch0' }), RangeError);
      await assert.rejects(nl.neighbours.flush(null as never), TypeError);
      assert.equal(nl.info.inFlight, before);
    }),
);

test('neighbours.change overwrites an existing entry and rejects ENOENT when there is none', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    ip(ns, 'address', 'add', '10.0.0.1/24', 'dev', 'v0');
    ip(ns, 'neigh', 'add', '10.0.0.2', 'lladdr', '02:00:00:00:00:02', 'dev', 'v0', 'nud', 'stale');
    await nl.neighbours.change({
      link: 'v0',
      address: '10.0.0.2',
      lladdr: '02:00:00:00:00:22',
      state: 'permanent',
    });
    assert.deepEqual(ipJson<IpNeighbour[]>(ns, 'neigh', 'show', 'to', '10.0.0.2'), [
      { dst: '10.0.0.2', dev: 'v0', lladdr: '02:00:00:00:00:22', state: ['PERMANENT'] },
    ]);
    const missing = await nl.neighbours
      .change({ link: 'v0', address: '10.0.0.3', lladdr: '02:00:00:00:00:03' })
      .catch((e: unknown) => e);
    assert.ok(missing instanceof NetlinkError);
    assert.equal(missing.code, 'ENOENT');
    assert.equal(missing.operation, 'neighbour change 10.0.0.3 dev v0');
    assert.deepEqual(ipJson(ns, 'neigh', 'show', 'to', '10.0.0.3'), [], 'change created nothing');
    await assert.rejects(
      nl.neighbours.change({ link: 'v0', address: '10.0.0.3', state: 'asleep' as never }),
      TypeError,
    );
    // the kernel always creates proxy entries, change included (as `ip neigh change proxy` does)
    await nl.neighbours.change({ link: 'v0', address: '10.0.0.5', proxy: true });
    assert.deepEqual(
      (await nl.neighbours.list({ proxy: true })).map((n) => n.address),
      ['10.0.0.5'],
    );
  }),
);

test(
  'list({ to }) and flush({ to }) select by prefix as ip neigh show / flush to PREFIX do',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      twins(ns);
      const dsts = async (o: Parameters<typeof nl.neighbours.list>[0]) =>
        (await nl.neighbours.list(o)).map((n) => n.address).sort();
      const ipDsts = (...args: string[]) =>
        ipJson<IpNeighbour[]>(ns, 'neigh', 'show', 'nud', 'all', ...args)
          .map((n) => n.dst)
          .sort();
      assert.deepEqual(await dsts({ to: '10.0.0.8/29' }), ipDsts('to', '10.0.0.8/29'));
      assert.deepEqual(await dsts({ to: '10.0.1.12' }), ['10.0.1.12']);
      assert.deepEqual(
        await dsts({ to: '10.0.0.0/16', link: 'v1' }),
        ipDsts('to', '10.0.0.0/16', 'dev', 'v1'),
      );
      assert.deepEqual(await dsts({ to: 'ff02::/16', link: 'v0' }), ipDsts('to', 'ff02::/16', 'dev', 'v0'));
      ip(ns, 'neigh', 'flush', 'to', '10.0.1.16/28');
      const removed = await nl.neighbours.flush({ to: '10.0.0.16/28' });
      assert.equal(removed, 4, 'failed (16), incomplete (17), none (18) and extern_learn (30)');
      assert.deepEqual(left(ns, 'v0'), left(ns, 'v1'));
      await assert.rejects(nl.neighbours.list({ to: '10.0.0.0/33' }), RangeError);
      await assert.rejects(nl.neighbours.list({ to: 'fe80::/10', family: 4 }), TypeError);
    }),
);
