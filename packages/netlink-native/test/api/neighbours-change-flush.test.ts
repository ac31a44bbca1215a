// nl.neighbours.change (`ip neigh change`) and nl.neighbours.flush (`ip neigh flush`) in throw-away
// namespaces: flush is run beside iproute2's own flush on a twin link, and what each leaves is compared.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Neighbours } from '../../src/api/neighbours.ts';
import {
  decodeNeighbour,
  encodeNewNeighbour,
  NUD_FAILED,
  NUD_INCOMPLETE,
  NUD_PERMANENT,
  NUD_REACHABLE,
  NUD_STALE,
  RTM_DELNEIGH,
  RTM_GETNEIGH,
  RTM_NEWNEIGH,
} from '../../src/codec/index.ts';
import { NetlinkError } from '../../src/index.ts';
import { Connection } from '../../src/transport/connection.ts';
import { done, errorReply, FakeKernel, header, message, NLM_F_MULTI } from '../transport/fake-kernel.ts';
import { type IpNeighbour, ip, ipJson, needsNetns, vethPair, withHandle } from './support.ts';

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

/** What happens to the fake table around each dump (round 1, 2, ...). */
interface Churn {
  /** Before the dump lists the table. */
  before?: (round: number) => void;
  /** After it listed it, before the deletes arrive. */
  after?: (round: number) => void;
}

/**
 * nl.neighbours over a fake kernel whose neighbour table is `table` (address -> NUD state): dumps
 * list it, a delete removes the entry or answers ENOENT.
 */
function fakeTable(table: Map<string, number>, churn: Churn = {}) {
  const kernel = new FakeKernel();
  let round = 0;
  kernel.responder = (request) => {
    const { type, seq } = header(request);
    if (type === RTM_GETNEIGH) {
      round++;
      churn.before?.(round);
      const entries = [...table].map(([address, state]) =>
        message(
          RTM_NEWNEIGH,
          NLM_F_MULTI,
          seq,
          encodeNewNeighbour({ index: 3, address, state }).subarray(16),
        ),
      );
      churn.after?.(round);
      return [...entries, done(seq)];
    }
    assert.equal(type, RTM_DELNEIGH);
    const address = decodeNeighbour({ ...header(request), payload: request.subarray(16) }).address;
    return errorReply(request, table.delete(address) ? 0 : 2);
  };
  return {
    kernel,
    neighbours: new Neighbours(new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 })),
  };
}

test('flush counts only what it deleted: an entry already gone (ENOENT) is not counted', async () => {
  const table = new Map([
    ['10.0.0.2', NUD_STALE],
    ['10.0.0.3', NUD_REACHABLE],
    ['10.0.0.4', NUD_PERMANENT],
  ]);
  // between the dump and the deletes another program deletes 10.0.0.3
  const { kernel, neighbours } = fakeTable(table, {
    after: (round) => round === 1 && table.delete('10.0.0.3'),
  });
  assert.equal(await neighbours.flush({ link: 3 }), 1);
  assert.deepEqual([...table.keys()], ['10.0.0.4'], 'the permanent entry stays');
  assert.deepEqual(
    kernel.requests.map((r) => header(r).type),
    [RTM_GETNEIGH, RTM_DELNEIGH, RTM_DELNEIGH, RTM_GETNEIGH],
    'a second dump finds nothing left to delete',
  );
});

test('flush repeats while entries come back, leaves failed ones after the first round, stops at 10', async () => {
  const table = new Map([
    ['10.0.0.2', NUD_FAILED],
    ['10.0.0.9', NUD_INCOMPLETE],
  ]);
  // traffic re-creates 10.0.0.9 before every later dump; 10.0.0.2 comes back failed once
  const before = (round: number) => {
    if (round >= 2) table.set('10.0.0.9', NUD_INCOMPLETE);
    if (round === 2) table.set('10.0.0.2', NUD_FAILED);
  };
  const { kernel, neighbours } = fakeTable(table, { before });
  // round 1: both; rounds 2-10: 10.0.0.9 alone (failed entries are no longer flushed)
  assert.equal(await neighbours.flush({ link: 3 }), 11);
  assert.equal(kernel.requests.filter((r) => header(r).type === RTM_GETNEIGH).length, 10, 'ten rounds');
  assert.deepEqual([...table], [['10.0.0.2', NUD_FAILED]]);
});

test('a delete refused for another reason than ENOENT rejects the flush with that NetlinkError', async () => {
  const { kernel, neighbours } = fakeTable(new Map([['10.0.0.2', NUD_STALE]]));
  const answer = kernel.responder;
  kernel.responder = (request) =>
    header(request).type === RTM_DELNEIGH ? errorReply(request, 1) : answer?.(request);
  await assert.rejects(neighbours.flush({ link: 3 }), {
    name: 'NetlinkError',
    code: 'EPERM',
    operation: 'neighbour flush del 10.0.0.2 dev #3',
  });
});
