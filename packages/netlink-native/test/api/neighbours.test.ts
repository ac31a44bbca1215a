// nl.neighbours (list / get / add / replace / delete) and the 'neighbour' monitor group over a veth
// pair in a throw-away namespace, each result checked against `ip -j neigh show` of that namespace.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Neighbours } from '../../src/api/neighbours.ts';
import {
  encodeNewNeighbour,
  NDA_IFINDEX,
  NDMSG_LEN,
  RTM_GETNEIGH,
  RTM_NEWNEIGH,
} from '../../src/codec/index.ts';
import { type MonitorEvent, type Neighbour, NetlinkError } from '../../src/index.ts';
import { Connection } from '../../src/transport/connection.ts';
import { dumpingKernel, header } from '../transport/fake-kernel.ts';
import {
  addressedVethPair,
  type IpNeighbour,
  ip,
  ipJson,
  needsNetns,
  rejectsEach,
  withHandle,
} from './support.ts';

const FLAG_KEYS = ['router', 'proxy', 'extern_learn', 'managed'] as const;

/** `ip -j neigh show ARGS` without the protocol (iproute2 prints its name from rt_protos). */
function ipNeighbours(ns: string, ...args: string[]): IpNeighbour[] {
  const family = args[0] === '-6' || args[0] === '-4' ? [args.shift() as string] : [];
  return ipJson<IpNeighbour[]>(ns, ...family, 'neigh', 'show', ...args).map(({ protocol: _, ...n }) => n);
}

/** Our entry in iproute2's words, so the two can be compared whole. */
function asIp(n: Neighbour, devName: (index: number) => string): IpNeighbour {
  const out: IpNeighbour = { dst: n.address, dev: devName(n.index) };
  if (n.lladdr !== undefined) out.lladdr = n.lladdr;
  for (const k of FLAG_KEYS) if (n.flags.includes(k)) out[k] = null;
  // iproute2 prints no state for NUD_NONE (a proxy entry's)
  if (n.stateBits !== 0) out.state = [(n.state ?? '?').toUpperCase()];
  return out;
}

const byDst = (a: { dst: string }, b: { dst: string }) => (a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0);

/** The entries this test made (the kernel adds IPv6 multicast NOARP entries of its own). */
const ours = (list: { dst: string }[]) => list.filter((n) => !n.dst.startsWith('ff02:')).sort(byDst);

test(
  'neighbours.add, list, get, replace and delete IPv4 and IPv6 entries as `ip neigh` sees them',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      addressedVethPair(ns);
      const names = new Map((await nl.links.list()).map((l) => [l.index, l.name]));
      const devName = (i: number) => names.get(i) ?? `#${i}`;
      await nl.neighbours.add({ link: 'v0', address: '10.0.0.2', lladdr: '02:00:00:00:00:02' });
      await nl.neighbours.add({
        link: 'v0',
        address: '2001:db8::2',
        lladdr: '02:00:00:00:00:12',
        state: 'stale',
        flags: ['router'],
      });
      const v1 = (await nl.links.get('v1')).index;
      await nl.neighbours.add({
        link: v1,
        address: '10.0.1.7',
        lladdr: '02:00:00:00:01:07',
        flags: ['extern_learn'],
        protocol: 42,
      });
      const listed = await nl.neighbours.list();
      assert.equal(listed.interrupted, false);
      assert.deepEqual(ours(listed.map((n) => asIp(n, devName))), ours(ipNeighbours(ns, 'nud', 'all')));
      const v4 = listed.find((n) => n.address === '10.0.0.2');
      assert.equal(v4?.state, 'permanent', 'ip neigh add without nud is permanent');
      assert.equal(v4?.family, 4);
      assert.equal(v4?.type, 1, 'RTN_UNICAST');
      assert.ok(v4?.cacheInfo !== undefined && v4.cacheInfo.refcount >= 0);
      const v6 = listed.find((n) => n.address === '2001:db8::2');
      assert.deepEqual([v6?.family, v6?.state, v6?.flags], [6, 'stale', ['router']]);
      const learned = listed.find((n) => n.address === '10.0.1.7');
      assert.deepEqual([learned?.protocol, learned?.flags], [42, ['extern_learn']]);

      const got = await nl.neighbours.get({ link: 'v0', address: '10.0.0.2' });
      assert.deepEqual({ ...got, cacheInfo: undefined }, { ...v4, cacheInfo: undefined });

      await nl.neighbours.replace({
        link: 'v0',
        address: '10.0.0.2',
        lladdr: '02:00:00:00:00:22',
        state: 'reachable',
      });
      assert.deepEqual(ipNeighbours(ns, 'nud', 'all', 'to', '10.0.0.2'), [
        { dst: '10.0.0.2', dev: 'v0', lladdr: '02:00:00:00:00:22', state: ['REACHABLE'] },
      ]);
      await nl.neighbours.replace({ link: 'v0', address: '10.0.0.3', lladdr: '02:00:00:00:00:03' });
      assert.equal(ipNeighbours(ns, 'to', '10.0.0.3').length, 1, 'replace creates a missing entry');

      for (const n of ['10.0.0.2', '10.0.0.3', '2001:db8::2'])
        await nl.neighbours.delete({ link: 'v0', address: n });
      await nl.neighbours.delete({ link: v1, address: '10.0.1.7' });
      assert.deepEqual(ours(ipNeighbours(ns, 'nud', 'all')), []);
      assert.deepEqual(ours((await nl.neighbours.list()).map((n) => ({ dst: n.address }))), []);
    }),
);

test('neighbours.list filters by link, master and family in the kernel and by state', needsNetns, () =>
  withHandle(async (nl, ns) => {
    addressedVethPair(ns);
    ip(ns, 'neigh', 'add', '10.0.0.2', 'lladdr', '02:00:00:00:00:02', 'dev', 'v0');
    ip(ns, 'neigh', 'add', '10.0.0.3', 'lladdr', '02:00:00:00:00:03', 'dev', 'v0', 'nud', 'stale');
    ip(ns, 'neigh', 'add', '10.0.1.2', 'lladdr', '02:00:00:00:01:02', 'dev', 'v1', 'nud', 'reachable');
    ip(ns, '-6', 'neigh', 'add', '2001:db8::2', 'lladdr', '02:00:00:00:00:12', 'dev', 'v0');
    const dsts = async (o: Parameters<typeof nl.neighbours.list>[0]) =>
      ours((await nl.neighbours.list(o)).map((n) => ({ dst: n.address }))).map((n) => n.dst);
    const expect = (...args: string[]) => ours(ipNeighbours(ns, ...args)).map((n) => n.dst);
    assert.ok(nl.info.strictCheck, 'this kernel filters the link itself');
    assert.deepEqual(await dsts({ link: 'v1' }), expect('nud', 'all', 'dev', 'v1'));
    assert.deepEqual(await dsts({ link: 'v0', family: 4 }), ['10.0.0.2', '10.0.0.3']);
    assert.deepEqual(await dsts({ family: 6 }), expect('-6', 'nud', 'all'));
    assert.deepEqual(await dsts({ state: 'permanent' }), expect('nud', 'permanent'));
    assert.deepEqual(await dsts({ state: ['stale', 'reachable'] }), ['10.0.0.3', '10.0.1.2']);
    ip(ns, 'link', 'add', 'b0', 'type', 'bridge');
    ip(ns, 'link', 'set', 'v1', 'master', 'b0');
    assert.deepEqual(await dsts({ master: 'b0', family: 4 }), ['10.0.1.2']);
    assert.deepEqual(await dsts({ master: 'b0', link: 'v0' }), []);
    const noarp = await nl.neighbours.list({ state: 'noarp', family: 6 });
    assert.ok(
      noarp.every((n) => n.state === 'noarp'),
      'the kernel-made multicast entries are noarp',
    );
  }),
);

test(
  'a proxy entry (ip neigh add proxy) is added, listed, got and deleted apart from the neighbours',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      addressedVethPair(ns);
      await nl.neighbours.add({ link: 'v0', address: '10.0.0.5', proxy: true });
      await nl.neighbours.add({ link: 'v0', address: '2001:db8::5', proxy: true });
      assert.deepEqual(ipNeighbours(ns, 'proxy').sort(byDst), [
        { dst: '10.0.0.5', dev: 'v0', proxy: null },
        { dst: '2001:db8::5', dev: 'v0', proxy: null },
      ]);
      const proxies = await nl.neighbours.list({ proxy: true });
      assert.deepEqual(proxies.map((n) => [n.address, n.flags, n.state, n.lladdr]).sort(), [
        ['10.0.0.5', ['proxy'], 'none', undefined],
        ['2001:db8::5', ['proxy'], 'none', undefined],
      ]);
      assert.deepEqual(
        ours((await nl.neighbours.list()).map((n) => ({ dst: n.address }))),
        [],
        'a plain list leaves proxies out',
      );
      const got = await nl.neighbours.get({ link: 'v0', address: '10.0.0.5', proxy: true });
      assert.deepEqual(
        got,
        proxies.find((n) => n.address === '10.0.0.5'),
      );
      await nl.neighbours.delete({ link: 'v0', address: '10.0.0.5', proxy: true });
      assert.deepEqual(
        (await nl.neighbours.list({ proxy: true, family: 4 })).map((n) => n.address),
        [],
      );
      await assert.rejects(nl.neighbours.delete({ link: 'v0', address: '10.0.0.5', proxy: true }), {
        code: 'ENOENT',
      });
    }),
);

test(
  'neighbour errors are typed: ENOENT, EEXIST, and bad arguments before anything is sent',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      addressedVethPair(ns);
      const missing = await nl.neighbours
        .delete({ link: 'v0', address: '10.0.0.99' })
        .catch((e: unknown) => e);
      assert.ok(missing instanceof NetlinkError);
      assert.equal(missing.code, 'ENOENT');
      assert.equal(missing.errno, 2);
      assert.equal(missing.operation, 'neighbour del 10.0.0.99 dev v0');
      await assert.rejects(nl.neighbours.get({ link: 'v0', address: '2001:db8::99' }), {
        name: 'NetlinkError',
        code: 'ENOENT',
        operation: 'neighbour get 2001:db8::99 dev v0',
      });
      await nl.neighbours.add({ link: 'v0', address: '10.0.0.2', lladdr: '02:00:00:00:00:02' });
      await assert.rejects(
        nl.neighbours.add({ link: 'v0', address: '10.0.0.2', lladdr: '02:00:00:00:00:03' }),
        {
          code: 'EEXIST',
          operation: 'neighbour add 10.0.0.2 dev v0',
        },
      );
      const before = nl.info;
      const bad: [object, ErrorConstructor][] = [
        [{ link: 'v0', address: '10.0.0.300' }, TypeError],
        [{ link: 'v0', address: '10.0.0.4', lladdr: 'zz:00' }, TypeError],
        [{ link: 'v0', address: '10.0.0.4', state: 'sleepy' }, TypeError],
        [{ link: 'v0', address: '10.0.0.4', flags: ['proxy'] }, TypeError],
        [{ link: 'v0', address: '10.0.0.4', proxy: true, lladdr: '02:00:00:00:00:04' }, TypeError],
        [{ link: 'v0', address: '10.0.0.4', protocol: 256 }, RangeError],
        [{ link: 0, address: '10.0.0.4' }, RangeError],
        [{ link: 'nosuch0', address: '10.0.0.4' }, RangeError],
      ];
      await rejectsEach(
        (options) => nl.neighbours.add(options as Parameters<typeof nl.neighbours.add>[0]),
        bad,
      );
      await assert.rejects(nl.neighbours.list({ state: 'asleep' as never }), TypeError);
      await assert.rejects(nl.neighbours.list({ family: 5 as never }), TypeError);
      assert.equal(nl.info.inFlight, before.inFlight);
      assert.deepEqual(
        ours(ipNeighbours(ns, 'nud', 'all')).map((n) => n.dst),
        ['10.0.0.2'],
      );
    }),
);

test('the monitor reports neighbour adds, changes and deletes (group neighbour)', needsNetns, () =>
  withHandle(async (nl, ns) => {
    addressedVethPair(ns);
    const monitor = nl.monitor({ groups: ['neighbour'] });
    const seen: MonitorEvent[] = [];
    const wait = (what: (e: MonitorEvent) => boolean, label: string) =>
      new Promise<MonitorEvent>((resolve, reject) => {
        const found = seen.find(what);
        if (found) return resolve(found);
        const timer = setTimeout(() => reject(new Error(`no ${label} in ${seen.length} events`)), 2000);
        const check = (e: MonitorEvent) => {
          if (!what(e)) return;
          clearTimeout(timer);
          monitor.off('change', check);
          resolve(e);
        };
        monitor.on('change', check);
      });
    monitor.on('change', (e) => seen.push(e));
    const is = (action: string, address: string, state?: string) => (e: MonitorEvent) =>
      e.type === 'neighbour' &&
      e.action === action &&
      e.neighbour.address === address &&
      (state === undefined || e.neighbour.state === state);
    try {
      await nl.neighbours.add({ link: 'v0', address: '10.0.0.2', lladdr: '02:00:00:00:00:02' });
      const added = await wait(is('new', '10.0.0.2', 'permanent'), 'new 10.0.0.2');
      assert.equal(added.type === 'neighbour' && added.neighbour.lladdr, '02:00:00:00:00:02');
      ip(ns, '-6', 'neigh', 'add', '2001:db8::2', 'lladdr', '02:00:00:00:00:12', 'dev', 'v0', 'nud', 'stale');
      await wait(is('new', '2001:db8::2', 'stale'), 'new 2001:db8::2');
      await nl.neighbours.replace({ link: 'v0', address: '10.0.0.2', lladdr: '02:00:00:00:00:22' });
      await wait(
        (e) =>
          is('new', '10.0.0.2')(e) && e.type === 'neighbour' && e.neighbour.lladdr === '02:00:00:00:00:22',
        'new 10.0.0.2 with the replaced lladdr',
      );
      await nl.neighbours.delete({ link: 'v0', address: '10.0.0.2' });
      await wait(is('del', '10.0.0.2'), 'del 10.0.0.2');
      assert.ok(
        seen.every((e) => e.type === 'neighbour'),
        'only neighbour events on this group',
      );
    } finally {
      monitor.close();
    }
  }),
);

/** A handle's neighbours over a fake kernel that answers every neighbour dump with entries on links 3 and 4 (v1, a port of 5). */
function fakeNeighbours(strictCheck: boolean) {
  const entry = (index: number, address: string) => encodeNewNeighbour({ index, address }).subarray(16);
  const kernel = dumpingKernel(
    strictCheck,
    [
      [3, 'v0'],
      [4, 'v1', 5],
    ],
    {
      request: RTM_GETNEIGH,
      reply: RTM_NEWNEIGH,
      payloads: [entry(3, '10.0.0.2'), entry(4, '10.0.1.2'), entry(3, '10.0.0.3')],
    },
  );
  return {
    kernel,
    neighbours: new Neighbours(new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 })),
  };
}

test('without strict checking list filters the link here too; with it, the kernel is trusted', async () => {
  for (const strict of [false, true]) {
    const { kernel, neighbours } = fakeNeighbours(strict);
    const got = (await neighbours.list({ link: 3 })).map((n) => n.address);
    assert.deepEqual(got, strict ? ['10.0.0.2', '10.0.1.2', '10.0.0.3'] : ['10.0.0.2', '10.0.0.3']);
    const [request] = kernel.requests;
    assert.ok(request);
    assert.equal(request.readUInt16LE(16 + NDMSG_LEN + 2), NDA_IFINDEX, 'the link filter is in the request');
    assert.equal(request.readUInt32LE(16 + NDMSG_LEN + 4), 3);
  }
});

test('without strict checking a master filter keeps the entries of the ports of that master', async () => {
  const { neighbours } = fakeNeighbours(false);
  assert.deepEqual(
    (await neighbours.list({ master: 5 })).map((n) => n.address),
    ['10.0.1.2'],
  );
  assert.deepEqual((await neighbours.list({ master: 5, link: 3 })).length, 0);
  const strict = fakeNeighbours(true);
  assert.equal((await strict.neighbours.list({ master: 5 })).length, 3, 'the kernel is trusted');
  assert.deepEqual(
    strict.kernel.requests.map((r) => header(r).type),
    [RTM_GETNEIGH],
    'no link dump with strict checking',
  );
});
