// nl.fdb (list / add / append / replace / delete) and the monitor's 'fdb' group on real vxlan and
// bridge devices in a throw-away namespace, each result checked against `bridge -j fdb show`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inNetns } from '../../../../test/support/netns.ts';
import { Fdb } from '../../src/api/fdb.ts';
import {
  encodeNewFdb,
  NDA_MASTER,
  NDMSG_LEN,
  parseMac,
  RTM_GETNEIGH,
  RTM_NEWNEIGH,
} from '../../src/codec/index.ts';
import type { FdbEntry, MonitorEvent, Netlink } from '../../src/index.ts';
import { NetlinkError } from '../../src/index.ts';
import { Connection } from '../../src/transport/connection.ts';
import { dumpingKernel, header } from '../transport/fake-kernel.ts';
import { ip, needsNetns, rejectsEach, vethPair, withHandle } from './support.ts';

/** One entry as `bridge -j fdb show` prints it. */
interface BridgeFdb {
  mac: string;
  ifname?: string;
  dst?: string;
  vlan?: number;
  port?: number;
  vni?: number;
  src_vni?: number;
  viaIf?: string;
  nhid?: number;
  flags: string[];
  master?: string;
  state: string;
}

/** `bridge -j fdb show ARGS` of the namespace, sorted. */
function bridgeFdb(ns: string, ...args: string[]): BridgeFdb[] {
  const out = inNetns(ns, 'bridge', ['-j', 'fdb', 'show', ...args]).trim();
  return sorted(out ? (JSON.parse(out) as BridgeFdb[]) : []);
}

/**
 * Entries other than the multicast MACs (33:33:…, 01:00:5e:…) the kernel adds by itself as the
 * bridge's IPv6 addresses come up, which may land between two snapshots of one test.
 */
const notMulticast = (list: BridgeFdb[]): BridgeFdb[] =>
  list.filter((e) => !/^(33:33:|01:00:5e:)/.test(e.mac));

const sorted = <T>(list: T[]): T[] =>
  list
    .map((e) => [JSON.stringify(e, Object.keys(e as object).sort()), e] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, e]) => e);

/** The flags `bridge fdb show` prints, in its order. */
const PRINTED_FLAGS = ['self', 'router', 'extern_learn', 'offload', 'master', 'sticky'] as const;
const STATE_WORD: Record<string, string> = {
  permanent: 'permanent',
  static: 'static',
  stale: 'stale',
  dynamic: '',
};

/** Our entries in `bridge -j fdb show`'s words (no ifname when the list was filtered by device). */
async function asBridge(nl: Netlink, entries: FdbEntry[], byDevice = false): Promise<BridgeFdb[]> {
  const names = new Map((await nl.links.list()).map((l) => [l.index, l.name]));
  const name = (i: number) => names.get(i) ?? `#${i}`;
  return sorted(
    entries.map((e) => {
      const out: BridgeFdb = { mac: e.lladdr ?? '', flags: [], state: STATE_WORD[e.state ?? ''] ?? '?' };
      if (!byDevice && e.index) out.ifname = name(e.index);
      if (e.dst !== undefined) out.dst = e.dst;
      if (e.vlan) out.vlan = e.vlan;
      if (e.port !== undefined) out.port = e.port;
      if (e.vni !== undefined) out.vni = e.vni;
      if (e.srcVni !== undefined) out.src_vni = e.srcVni;
      if (e.via !== undefined) out.viaIf = name(e.via);
      if (e.nhId !== undefined) out.nhid = e.nhId;
      out.flags = PRINTED_FLAGS.filter((f) => e.flags.includes(f));
      if (e.master !== undefined) out.master = name(e.master);
      return out;
    }),
  );
}

/**
 * veth v0 (10.0.0.1/24, 2001:db8::1/64) / v1; vx0 an IPv4 vxlan over v0 without learning, vx6 an
 * IPv6 one, vxm a collect-metadata ('external') one; bridge b0 with port v1 (learning off, so
 * nothing appears in its table but what a test puts there).
 */
function node(ns: string): void {
  vethPair(ns);
  ip(ns, 'address', 'add', '10.0.0.1/24', 'dev', 'v0');
  ip(ns, '-6', 'address', 'add', '2001:db8::1/64', 'dev', 'v0', 'nodad');
  ip(ns, 'link', 'add', 'vx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'dev', 'v0', 'nolearning');
  ip(
    ns,
    'link',
    'add',
    'vx6',
    'type',
    'vxlan',
    'id',
    '43',
    'dstport',
    '4789',
    'local',
    '2001:db8::1',
    'dev',
    'v0',
  );
  ip(ns, 'link', 'add', 'vxm', 'type', 'vxlan', 'external', 'dstport', '4790');
  ip(ns, 'link', 'set', 'vx0', 'up');
  ip(ns, 'link', 'add', 'b0', 'type', 'bridge');
  ip(ns, 'link', 'set', 'v1', 'master', 'b0');
  ip(ns, 'link', 'set', 'v1', 'type', 'bridge_slave', 'learning', 'off');
  ip(ns, 'link', 'set', 'b0', 'up');
}

const ZERO = '00:00:00:00:00:00';

test(
  'fdb.append builds a vxlan flood list (bridge fdb append 00:00:00:00:00:00 dst X dev vx0) and delete takes it apart',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      node(ns);
      await nl.fdb.append({ link: 'vx0', lladdr: ZERO, dst: '10.0.0.2' });
      await nl.fdb.append({ link: 'vx0', lladdr: ZERO, dst: '10.0.0.3' });
      const listed = await nl.fdb.list({ link: 'vx0' });
      assert.equal(listed.interrupted, false);
      assert.deepEqual(await asBridge(nl, listed, true), bridgeFdb(ns, 'dev', 'vx0'));
      const vx0 = (await nl.links.get('vx0')).index;
      assert.deepEqual(listed.map((e) => [e.index, e.lladdr, e.dst, e.state, e.flags]).sort(), [
        [vx0, ZERO, '10.0.0.2', 'permanent', ['self']],
        [vx0, ZERO, '10.0.0.3', 'permanent', ['self']],
      ]);
      await assert.rejects(nl.fdb.add({ link: 'vx0', lladdr: ZERO, dst: '10.0.0.2' }), {
        name: 'NetlinkError',
        code: 'EEXIST',
        operation: `fdb add ${ZERO} dst 10.0.0.2 dev vx0`,
      });
      await nl.fdb.delete({ link: 'vx0', lladdr: ZERO, dst: '10.0.0.2' });
      assert.deepEqual(
        bridgeFdb(ns, 'dev', 'vx0').map((e) => e.dst),
        ['10.0.0.3'],
        'one remote deleted, the other stays',
      );
      await nl.fdb.delete({ link: vx0, lladdr: ZERO });
      assert.deepEqual(bridgeFdb(ns, 'dev', 'vx0'), []);
      const missing = await nl.fdb
        .delete({ link: 'vx0', lladdr: ZERO, dst: '10.0.0.2' })
        .catch((e: unknown) => e);
      assert.ok(missing instanceof NetlinkError);
      assert.equal(missing.code, 'ENOENT');
      assert.equal(missing.operation, `fdb del ${ZERO} dst 10.0.0.2 dev vx0`);
    }),
);

test(
  'fdb.add and replace of vxlan remotes with port, vni, via, IPv6 and src_vni list as bridge fdb show does',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      node(ns);
      await nl.fdb.add({
        link: 'vx0',
        lladdr: '02:00:00:00:00:0a',
        dst: '10.0.0.4',
        port: 8472,
        vni: 100,
        via: 'v0',
      });
      await nl.fdb.add({ link: 'vx6', lladdr: '02:00:00:00:00:0d', dst: '2001:db8::2', flags: ['self'] });
      await nl.fdb.add({ link: 'vxm', lladdr: '02:00:00:00:00:11', dst: '10.0.0.5', srcVni: 77, vni: 78 });
      ip(ns, 'nexthop', 'add', 'id', '16', 'via', '10.0.0.5', 'fdb');
      ip(ns, 'nexthop', 'add', 'id', '17', 'group', '16', 'fdb');
      await nl.fdb.add({ link: 'vxm', lladdr: '02:00:00:00:00:12', nhId: 17 });
      await nl.fdb.replace({ link: 'vx0', lladdr: '02:00:00:00:00:0b', dst: '10.0.0.6', state: 'static' });
      await nl.fdb.replace({ link: 'vx0', lladdr: '02:00:00:00:00:0b', dst: '10.0.0.7', state: 'dynamic' });
      assert.deepEqual(await asBridge(nl, await nl.fdb.list()), bridgeFdb(ns));
      const entries = await nl.fdb.list();
      const v0 = (await nl.links.get('v0')).index;
      const a = entries.find((e) => e.lladdr === '02:00:00:00:00:0a');
      assert.deepEqual([a?.dst, a?.port, a?.vni, a?.via, a?.stateBits], ['10.0.0.4', 8472, 100, v0, 0xc0]);
      assert.equal(entries.find((e) => e.lladdr === '02:00:00:00:00:0d')?.dst, '2001:db8::2');
      assert.equal(entries.find((e) => e.lladdr === '02:00:00:00:00:12')?.nhId, 17);
      const m = entries.find((e) => e.lladdr === '02:00:00:00:00:11');
      assert.deepEqual([m?.srcVni, m?.vni], [77, 78]);
      const b = entries.filter((e) => e.lladdr === '02:00:00:00:00:0b');
      assert.deepEqual(
        b.map((e) => [e.dst, e.state]),
        [['10.0.0.7', 'dynamic']],
        'replace moved the one remote',
      );
      // the kernel refuses to replace the all-zeros (flood) entry: a typed error with its message
      await nl.fdb.append({ link: 'vx0', lladdr: ZERO, dst: '10.0.0.2' });
      const refused = await nl.fdb
        .replace({ link: 'vx0', lladdr: ZERO, dst: '10.0.0.9' })
        .catch((e: unknown) => e);
      assert.ok(refused instanceof NetlinkError);
      assert.equal(refused.code, 'EOPNOTSUPP');
      assert.match(refused.extAck?.message ?? '', /non-unicast/);
    }),
);

test(
  'bridge entries (master, static, dynamic, sticky, self on the bridge) and the kernel-side filters',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      node(ns);
      await nl.fdb.add({ link: 'v1', lladdr: '02:00:00:00:01:01', flags: ['master'], state: 'static' });
      await nl.fdb.add({
        link: 'v1',
        lladdr: '02:00:00:00:01:02',
        flags: ['master', 'sticky'],
        state: 'dynamic',
      });
      await nl.fdb.add({ link: 'v1', lladdr: '02:00:00:00:01:03', flags: ['master'] });
      // an entry of the bridge itself is local: the kernel refuses any state but permanent
      await assert.rejects(
        nl.fdb.add({ link: 'b0', lladdr: '02:00:00:00:01:04', flags: ['self'], state: 'static' }),
        { name: 'NetlinkError', code: 'EINVAL' },
      );
      await nl.fdb.add({ link: 'b0', lladdr: '02:00:00:00:01:04', flags: ['self'] });
      await nl.fdb.add({
        link: 'v1',
        lladdr: '02:00:00:00:01:05',
        flags: ['master', 'extern_learn'],
        state: 'static',
      });
      assert.deepEqual(await asBridge(nl, await nl.fdb.list()), bridgeFdb(ns));
      assert.deepEqual(await asBridge(nl, await nl.fdb.list({ master: 'b0' })), bridgeFdb(ns, 'br', 'b0'));
      assert.deepEqual(
        await asBridge(nl, await nl.fdb.list({ link: 'v1' }), true),
        bridgeFdb(ns, 'brport', 'v1'),
      );
      assert.deepEqual(
        await asBridge(nl, await nl.fdb.list({ master: 'b0', link: 'v1' }), true),
        bridgeFdb(ns, 'br', 'b0', 'brport', 'v1'),
      );
      assert.deepEqual(
        await asBridge(nl, await nl.fdb.list({ state: 'static' })),
        bridgeFdb(ns, 'state', 'static'),
      );
      const b0 = (await nl.links.get('b0')).index;
      const sticky = (await nl.fdb.list({ link: 'v1' })).find((e) => e.lladdr === '02:00:00:00:01:02');
      assert.deepEqual([sticky?.master, sticky?.state, sticky?.flags], [b0, 'dynamic', ['sticky']]);
      // no VLAN is configured on the port (the bridge does no VLAN filtering): the kernel refuses one
      await assert.rejects(
        nl.fdb.add({ link: 'v1', lladdr: '02:00:00:00:01:06', flags: ['master'], vlan: 5 }),
        {
          name: 'NetlinkError',
          code: 'EINVAL',
          operation: 'fdb add 02:00:00:00:01:06 vlan 5 dev v1',
        },
      );
      await nl.fdb.delete({ link: 'v1', lladdr: '02:00:00:00:01:01', flags: ['master'] });
      await nl.fdb.delete({ link: 'b0', lladdr: '02:00:00:00:01:04' });
      const left = bridgeFdb(ns).map((e) => e.mac);
      assert.ok(!left.includes('02:00:00:00:01:01') && !left.includes('02:00:00:00:01:04'));
      assert.ok(left.includes('02:00:00:00:01:02'));
    }),
);

test('bad fdb arguments are TypeErrors / RangeErrors before anything is sent', needsNetns, () =>
  withHandle(async (nl, ns) => {
    node(ns);
    const before = bridgeFdb(ns);
    const bad: [object, ErrorConstructor][] = [
      [{ link: 'vx0', lladdr: 'zz' }, TypeError],
      [{ link: 'vx0', lladdr: '02:00:00:00:00' }, TypeError],
      [{ link: 'vx0', lladdr: ZERO, dst: '10.0.0.300' }, TypeError],
      [{ link: 'vx0', lladdr: ZERO, vni: 1 << 24 }, RangeError],
      [{ link: 'vx0', lladdr: ZERO, port: 0 }, RangeError],
      [{ link: 'vx0', lladdr: ZERO, vlan: 4095 }, RangeError],
      [{ link: 'vx0', lladdr: ZERO, state: 'stale' }, TypeError],
      [{ link: 'vx0', lladdr: ZERO, flags: ['offload'] }, TypeError],
      [{ link: 'vx0', lladdr: ZERO, nhId: 5, dst: '10.0.0.2' }, TypeError],
      [{ link: 'nosuch0', lladdr: ZERO }, RangeError],
      [{ link: 'vx0', lladdr: ZERO, via: 'nosuch0' }, RangeError],
      [{ link: 0, lladdr: ZERO }, RangeError],
    ];
    await rejectsEach((options) => nl.fdb.add(options as Parameters<typeof nl.fdb.add>[0]), bad);
    await assert.rejects(nl.fdb.list({ state: 'asleep' as never }), TypeError);
    await assert.rejects(nl.fdb.list({ vlan: 0 }), RangeError);
    assert.deepEqual(notMulticast(bridgeFdb(ns)), notMulticast(before));
  }),
);

test(
  'the monitor reports fdb adds and deletes as fdb events (group fdb), apart from neighbours',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      node(ns);
      const fdbOnly = nl.monitor({ groups: ['fdb'] });
      const neighOnly = nl.monitor({ groups: ['neighbour'] });
      const both = nl.monitor({ groups: ['neighbour', 'fdb'] });
      const seen = new Map<string, MonitorEvent[]>([
        ['fdb', []],
        ['neighbour', []],
        ['both', []],
      ]);
      fdbOnly.on('change', (e) => seen.get('fdb')?.push(e));
      neighOnly.on('change', (e) => seen.get('neighbour')?.push(e));
      both.on('change', (e) => seen.get('both')?.push(e));
      try {
        const vx0 = (await nl.links.get('vx0')).index;
        await nl.fdb.append({ link: 'vx0', lladdr: ZERO, dst: '10.0.0.2' });
        await nl.neighbours.add({ link: 'v0', address: '10.0.0.9', lladdr: '02:00:00:00:00:09' });
        await nl.fdb.delete({ link: 'vx0', lladdr: ZERO, dst: '10.0.0.2' });
        const deadline = Date.now() + 2000;
        while ((seen.get('both')?.length ?? 0) < 3 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        const fdbEvents = (seen.get('fdb') ?? []).map((e) =>
          e.type === 'fdb' ? [e.action, e.fdb.index, e.fdb.lladdr, e.fdb.dst] : [e.type],
        );
        assert.deepEqual(fdbEvents, [
          ['new', vx0, ZERO, '10.0.0.2'],
          ['del', vx0, ZERO, '10.0.0.2'],
        ]);
        assert.deepEqual(
          (seen.get('neighbour') ?? []).map((e) => (e.type === 'neighbour' ? e.neighbour.address : e.type)),
          ['10.0.0.9'],
        );
        assert.deepEqual(
          (seen.get('both') ?? []).map((e) => e.type),
          ['fdb', 'neighbour', 'fdb'],
        );
      } finally {
        fdbOnly.close();
        neighOnly.close();
        both.close();
      }
    }),
);

/** nl.fdb over a fake kernel answering every fdb dump with entries on v0 (3), v1 (4, a port of b0) and b0 (5). */
function fakeFdb(strictCheck: boolean) {
  const entry = (index: number, mac: string) => encodeNewFdb({ index, lladdr: parseMac(mac) }).subarray(16);
  const kernel = dumpingKernel(
    strictCheck,
    [
      [3, 'v0'],
      [4, 'v1', 5],
      [5, 'b0'],
    ],
    {
      request: RTM_GETNEIGH,
      reply: RTM_NEWNEIGH,
      payloads: [entry(3, '02:00:00:00:00:03'), entry(4, '02:00:00:00:00:04'), entry(5, '02:00:00:00:00:05')],
    },
  );
  return { kernel, fdb: new Fdb(new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 })) };
}

test('without strict checking fdb.list filters port and bridge here; with it, the kernel is trusted', async () => {
  const macs = async (f: Fdb, o: Parameters<Fdb['list']>[0]) => (await f.list(o)).map((e) => e.lladdr);
  const loose = fakeFdb(false).fdb;
  assert.deepEqual(await macs(loose, { link: 3 }), ['02:00:00:00:00:03']);
  assert.deepEqual(await macs(loose, { master: 5 }), ['02:00:00:00:00:04', '02:00:00:00:00:05']);
  assert.deepEqual(await macs(loose, { master: 5, link: 3 }), []);
  const strict = fakeFdb(true);
  assert.equal((await strict.fdb.list({ link: 3, master: 5 })).length, 3, 'the kernel is trusted');
  const [request] = strict.kernel.requests;
  assert.ok(request);
  assert.deepEqual(
    strict.kernel.requests.map((r) => header(r).type),
    [RTM_GETNEIGH],
    'no link dump with strict checking',
  );
  assert.equal(request.readInt32LE(16 + 4), 3, 'the port filter in ndm_ifindex');
  assert.deepEqual(
    [request.readUInt16LE(16 + NDMSG_LEN + 2), request.readUInt32LE(16 + NDMSG_LEN + 4)],
    [NDA_MASTER, 5],
  );
});

/** `bridge -j fdb get ARGS` of the namespace. */
const bridgeGet = (ns: string, ...args: string[]): BridgeFdb[] =>
  JSON.parse(inNetns(ns, 'bridge', ['-j', 'fdb', 'get', ...args])) as BridgeFdb[];

test(
  'fdb.get finds one entry as bridge fdb get does, on a vxlan device, a port or a bridge',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      node(ns);
      await nl.fdb.add({ link: 'vx0', lladdr: '02:00:00:00:00:0a', dst: '10.0.0.4', vni: 100 });
      await nl.fdb.add({ link: 'v1', lladdr: '02:00:00:00:01:01', flags: ['master'], state: 'static' });
      const strip = (e: FdbEntry) => ({ ...e, cacheInfo: undefined });
      const listed = await nl.fdb.list();
      const vx = await nl.fdb.get({ link: 'vx0', lladdr: '02:00:00:00:00:0a', flags: ['self'] });
      assert.deepEqual(strip(vx), strip(listed.find((e) => e.lladdr === '02:00:00:00:00:0a') as FdbEntry));
      assert.deepEqual(await asBridge(nl, [vx]), bridgeGet(ns, '02:00:00:00:00:0a', 'dev', 'vx0', 'self'));
      const port = await nl.fdb.get({ link: 'v1', lladdr: '02:00:00:00:01:01' });
      assert.deepEqual(strip(port), strip(listed.find((e) => e.lladdr === '02:00:00:00:01:01') as FdbEntry));
      assert.deepEqual(await asBridge(nl, [port]), bridgeGet(ns, '02:00:00:00:01:01', 'dev', 'v1'));
      const inBridge = await nl.fdb.get({ master: 'b0', lladdr: '02:00:00:00:01:01' });
      assert.deepEqual(strip(inBridge), strip(port));
      await assert.rejects(nl.fdb.get({ link: 'v1', lladdr: '02:00:00:00:01:09' }), {
        name: 'NetlinkError',
        code: 'ENOENT',
        operation: 'fdb get 02:00:00:00:01:09 dev v1',
      });
      const before = nl.info.inFlight;
      await assert.rejects(nl.fdb.get({ link: 'v1', master: 'b0', lladdr: '02:00:00:00:01:01' }), TypeError);
      await assert.rejects(nl.fdb.get({ lladdr: '02:00:00:00:01:01' }), TypeError);
      await assert.rejects(nl.fdb.get({ link: 'v1', lladdr: '02:00' }), TypeError);
      await assert.rejects(nl.fdb.get({ link: 'v1', lladdr: ZERO, flags: ['sticky' as 'self'] }), TypeError);
      await assert.rejects(nl.fdb.get({ link: 'v1', lladdr: ZERO, vlan: 0 }), RangeError);
      assert.equal(nl.info.inFlight, before);
    }),
);

/** A second bridge b1 with port v3 (pair v2/v3) and a second vxlan vx1, twins of b0/v1 and vx0. */
function twinTables(ns: string): void {
  vethPair(ns, 'v2', 'v3');
  ip(ns, 'link', 'add', 'b1', 'type', 'bridge');
  ip(ns, 'link', 'set', 'v3', 'master', 'b1');
  ip(ns, 'link', 'set', 'v3', 'type', 'bridge_slave', 'learning', 'off');
  ip(ns, 'link', 'set', 'b1', 'up');
  ip(ns, 'link', 'add', 'vx1', 'type', 'vxlan', 'id', '44', 'dstport', '4789', 'dev', 'v0', 'nolearning');
  for (const [port, vx] of [
    ['v1', 'vx0'],
    ['v3', 'vx1'],
  ] as const) {
    const b = (...args: string[]) => inNetns(ns, 'bridge', ['fdb', ...args]);
    b('add', '02:00:00:00:01:01', 'dev', port, 'master', 'static');
    b('add', '02:00:00:00:01:02', 'dev', port, 'master', 'dynamic');
    b('add', '02:00:00:00:01:03', 'dev', port, 'master', 'static', 'sticky');
    b('append', ZERO, 'dst', '10.0.0.2', 'dev', vx);
    b('append', ZERO, 'dst', '10.0.0.3', 'dev', vx);
    b('add', '02:00:00:00:00:0a', 'dst', '10.0.0.4', 'dev', vx, 'dynamic');
  }
}

/** The entries the test made that are left in a table, as "mac dst state", sorted. */
const leftIn = (ns: string, ...args: string[]) =>
  bridgeFdb(ns, ...args)
    .filter((e) => e.mac.startsWith('02:00:00') || e.mac === ZERO)
    .map((e) => `${e.mac} ${e.dst ?? ''} ${e.state}`)
    .sort();

test(
  'fdb.flush deletes what bridge fdb flush deletes, on a bridge port and on a vxlan device',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      node(ns);
      twinTables(ns);
      inNetns(ns, 'bridge', ['fdb', 'flush', 'dev', 'b1', 'brport', 'v3', 'static', 'nosticky']);
      await nl.fdb.flush({ link: 'b0', port: 'v1', static: true, sticky: false });
      assert.deepEqual(leftIn(ns, 'brport', 'v1'), leftIn(ns, 'brport', 'v3'));
      assert.ok(
        !leftIn(ns, 'brport', 'v1').some((e) => e.startsWith('02:00:00:00:01:01')),
        'the static one went',
      );
      assert.equal(leftIn(ns, 'brport', 'v1').filter((e) => e.startsWith('02:00:00:00:01:0')).length, 2);
      inNetns(ns, 'bridge', ['fdb', 'flush', 'dev', 'vx1', 'nopermanent']);
      await nl.fdb.flush({ link: 'vx0', permanent: false });
      assert.deepEqual(leftIn(ns, 'dev', 'vx0'), leftIn(ns, 'dev', 'vx1'));
      assert.deepEqual(leftIn(ns, 'dev', 'vx0'), [
        `${ZERO} 10.0.0.2 permanent`,
        `${ZERO} 10.0.0.3 permanent`,
      ]);
      await nl.fdb.flush({ link: 'vx0' });
      assert.deepEqual(bridgeFdb(ns, 'dev', 'vx0'), [], 'no match option: the whole table');
      await assert.rejects(nl.fdb.flush({ link: 'vx0', addedByUser: true }), {
        name: 'NetlinkError',
        code: 'EINVAL',
        operation: 'fdb flush dev vx0',
      });
      const before = nl.info.inFlight;
      await assert.rejects(nl.fdb.flush({ link: 'b0', static: 'yes' as never }), TypeError);
      await assert.rejects(nl.fdb.flush({ link: 'b0', flags: ['sticky' as 'self'] }), TypeError);
      await assert.rejects(nl.fdb.flush({ link: 'b0', vlan: 4095 }), RangeError);
      await assert.rejects(nl.fdb.flush({ link: 'b0', port: 'nosuch0' }), RangeError);
      await assert.rejects(nl.fdb.flush(null as never), TypeError);
      assert.equal(nl.info.inFlight, before);
    }),
);
