// routes.get answers compared key by key with `ip -j -d route get` for many kinds of lookups (uid,
// mark, iif, from, tos, fibmatch, local and broadcast destinations, IPv6, realms), the VRF form
// (`vrf NAME`, checked to be a VRF device first) and the `connected` form, which looks up a second
// time from the source the first answer chose.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inNetns } from '../../../../test/support/netns.ts';
import { type Netlink, NetlinkError, type Route, type RouteGetOptions } from '../../src/index.ts';
import { addressedVethPair, ip, ipJson, needsNetns, vethPair, withHandle } from './support.ts';

const TYPES = ['unspec', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable'];
const TABLES: Record<number, string> = { 253: 'default', 254: 'main', 255: 'local' };
const PROTOCOLS: Record<number, string> = { 2: 'kernel', 3: 'boot', 4: 'static' };
const SCOPES: Record<number, string> = { 0: 'global', 253: 'link', 254: 'host' };
const PREFS: Record<number, string> = { 0: 'medium', 1: 'high', 3: 'low' };
// Keys `ip -j -d route get` derives from rtm_flags alone (RTNH_F_* names, RTCF_* cache names).
const FROM_FLAGS = new Set(['flags', 'cache']);

/** A Route as `ip -j -d route get` prints it, for the keys ip prints. */
function asIp(r: Route, names: Map<number, string>): Record<string, unknown> {
  const full = r.family === 4 ? 32 : 128;
  const prefix = (a: string, len: number) => (len === full || len === 0 ? a : `${a}/${len}`);
  const realms = r.realms ?? 0;
  return {
    type: TYPES[r.type],
    dst: r.dst === undefined ? 'default' : prefix(r.dst, r.dstLength),
    from: r.src === undefined ? undefined : prefix(r.src, r.srcLength),
    gateway: r.gateway,
    dev: r.oif === undefined ? undefined : names.get(r.oif),
    iif: r.iif === undefined ? undefined : names.get(r.iif),
    table: TABLES[r.table] ?? String(r.table),
    protocol: PROTOCOLS[r.protocol] ?? String(r.protocol),
    scope: SCOPES[r.scope] ?? String(r.scope),
    prefsrc: r.prefsrc,
    metric: r.priority,
    mark: r.mark,
    uid: r.uid,
    pref: r.pref === undefined ? undefined : PREFS[r.pref],
    flow:
      r.realms === undefined
        ? undefined
        : { ...(realms >> 16 ? { from: String(realms >> 16) } : {}), to: String(realms & 0xffff) },
  };
}

/** routes.get and `ip -j -d route get WORDS` agree on every key ip prints, and ip prints none we lack. */
async function sameAsIp(nl: Netlink, ns: string, dst: string, options: RouteGetOptions, words: string[]) {
  const ours = await nl.routes.get(dst, options);
  const names = new Map((await nl.links.list()).map((l) => [l.index, l.name]));
  const expected = asIp(ours, names);
  const family = dst.includes(':') ? ['-6'] : [];
  const [theirs] = ipJson<Record<string, unknown>[]>(ns, '-d', ...family, 'route', 'get', dst, ...words);
  assert.ok(theirs, `ip route get ${dst} ${words.join(' ')} answered`);
  for (const [key, value] of Object.entries(theirs)) {
    if (FROM_FLAGS.has(key)) continue;
    assert.ok(Object.hasOwn(expected, key), `ip prints ${key}, which routes.get does not decode`);
    assert.deepEqual(expected[key], value, `${key} of route get ${dst} ${words.join(' ')}`);
  }
  return ours;
}

function node(ns: string): void {
  addressedVethPair(ns);
  ip(ns, 'route', 'add', '192.168.9.0/24', 'via', '10.0.0.254');
  ip(ns, 'route', 'add', '192.168.8.0/24', 'via', '10.0.0.253', 'realm', '3/5');
  ip(ns, '-6', 'route', 'add', '2001:db8:9::/64', 'via', '2001:db8::fe');
  ip(ns, 'route', 'add', '192.168.9.0/24', 'via', '10.0.0.100', 'table', '100', 'realm', '7');
  ip(ns, 'rule', 'add', 'pref', '100', 'fwmark', '7', 'lookup', '100');
  ip(ns, 'route', 'add', '192.168.9.0/24', 'via', '10.0.0.90', 'table', '900');
  ip(ns, 'rule', 'add', 'pref', '110', 'from', '10.0.0.1', 'lookup', '900');
  inNetns(ns, 'sysctl', [
    '-qw',
    'net.ipv4.ip_forward=1',
    'net.ipv4.conf.all.rp_filter=0',
    'net.ipv4.conf.v1.rp_filter=0',
  ]);
}

test('routes.get decodes every key `ip -j -d route get` prints, for each kind of lookup', needsNetns, () =>
  withHandle(async (nl, ns) => {
    node(ns);
    const plain = await sameAsIp(nl, ns, '192.168.9.77', {}, []);
    assert.equal(plain.uid, process.getuid?.(), 'without uid, the kernel names the caller’s');
    assert.equal((await sameAsIp(nl, ns, '192.168.9.77', { uid: 1000 }, ['uid', '1000'])).uid, 1000);
    const marked = await sameAsIp(nl, ns, '192.168.9.77', { mark: 7 }, ['mark', '7']);
    assert.deepEqual([marked.gateway, marked.mark, marked.realms, marked.table], ['10.0.0.100', 7, 7, 100]);
    assert.equal((await sameAsIp(nl, ns, '192.168.8.1', {}, [])).realms, (3 << 16) | 5);
    const received = await sameAsIp(nl, ns, '192.168.9.77', { from: '10.0.1.2', iif: 'v1' }, [
      'from',
      '10.0.1.2',
      'iif',
      'v1',
    ]);
    assert.equal(received.uid, undefined, 'a lookup as for a received packet has no user');
    await sameAsIp(nl, ns, '192.168.9.77', { ipProto: 'tcp', sport: 1000, dport: 80 }, [
      'ipproto',
      'tcp',
      'sport',
      '1000',
      'dport',
      '80',
    ]);
    await sameAsIp(nl, ns, '192.168.9.77', { tos: 0x10 }, ['tos', '0x10']);
    await sameAsIp(nl, ns, '192.168.9.77', { mark: 7, fibMatch: true }, ['mark', '7', 'fibmatch']);
    await sameAsIp(nl, ns, '10.0.0.1', {}, []);
    await sameAsIp(nl, ns, '10.0.0.255', {}, []);
    await sameAsIp(nl, ns, '10.0.0.1', { link: 'v1' }, ['oif', 'v1']);
    const v6 = await sameAsIp(nl, ns, '2001:db8:9::7', { uid: 1000 }, ['uid', '1000']);
    assert.equal(v6.uid, undefined, 'IPv6 answers carry no RTA_UID');
    await sameAsIp(nl, ns, '2001:db8:9::7', { fibMatch: true }, ['fibmatch']);
  }),
);

test('routes.get connected looks up again from the source the first answer chose', needsNetns, () =>
  withHandle(async (nl, ns) => {
    node(ns);
    // the first lookup goes by the main table and picks 10.0.0.1; from it, rule 110 sends table 900
    const first = await nl.routes.get('192.168.9.77');
    assert.deepEqual([first.gateway, first.prefsrc], ['10.0.0.254', '10.0.0.1']);
    const connected = await sameAsIp(nl, ns, '192.168.9.77', { connected: true }, ['from', '10.0.0.1']);
    assert.deepEqual([connected.gateway, connected.src, connected.table], ['10.0.0.90', '10.0.0.1', 900]);
    // the rest of the flow goes into both lookups: mark 7 wins before rule 110 either way
    const marked = await nl.routes.get('192.168.9.77', { connected: true, mark: 7 });
    assert.deepEqual([marked.gateway, marked.src, marked.mark], ['10.0.0.100', '10.0.0.1', 7]);
    // with from given there is nothing to connect: one lookup, as in iproute2
    const from = await nl.routes.get('192.168.9.77', { connected: true, from: '10.0.1.1' });
    assert.deepEqual([from.gateway, from.src], ['10.0.0.254', '10.0.1.1']);
    await assert.rejects(nl.routes.get('192.168.9.77', { connected: 1 as unknown as boolean }), TypeError);
  }),
);

test('routes.get connected without a source to connect from is EADDRNOTAVAIL', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns); // no IPv4 address anywhere: the first answer has no prefsrc
    ip(ns, 'route', 'add', '192.168.5.0/24', 'dev', 'v0');
    assert.equal((await nl.routes.get('192.168.5.1')).prefsrc, undefined);
    await assert.rejects(nl.routes.get('192.168.5.1', { connected: true }), (e: unknown) => {
      assert.ok(e instanceof NetlinkError);
      assert.equal(e.code, 'EADDRNOTAVAIL');
      assert.equal(e.operation, 'route get 192.168.5.1 connected');
      assert.match(e.message, /no source address/);
      return true;
    });
    assert.equal(nl.info.inFlight, 0);
  }),
);

test('routes.get vrf sends the VRF device as RTA_OIF and refuses what is not one', needsNetns, (t) =>
  withHandle(async (nl, ns) => {
    node(ns);
    await assert.rejects(
      nl.routes.get('192.168.9.77', { vrf: 'v0' }),
      /v0 is not a VRF device \(kind veth\)/,
    );
    await assert.rejects(nl.routes.get('192.168.9.77', { vrf: 'nosuch0' }), /unknown vrf "nosuch0"/);
    await assert.rejects(nl.routes.get('192.168.9.77', { vrf: 'v0', link: 'v0' }), /link or vrf, not both/);
    assert.equal(nl.info.inFlight, 0);
    try {
      ip(ns, 'link', 'add', 'blue', 'type', 'vrf', 'table', '10');
    } catch {
      t.skip(
        'this kernel has no VRF driver (CONFIG_NET_VRF): only the refusals and the request bytes are tested',
      );
      return;
    }
    ip(ns, 'link', 'set', 'blue', 'up');
    ip(ns, 'link', 'set', 'v1', 'master', 'blue');
    ip(ns, 'route', 'add', '192.168.9.0/24', 'via', '10.0.1.9', 'table', '10');
    const ours = await sameAsIp(nl, ns, '192.168.9.77', { vrf: 'blue' }, ['vrf', 'blue']);
    assert.deepEqual([ours.gateway, ours.table], ['10.0.1.9', 10]);
  }),
);

test('routes.get flowLabel reaches the IPv6 multipath hash', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    ip(ns, '-6', 'address', 'add', '2001:db8::1/64', 'dev', 'v0', 'nodad');
    ip(
      ns,
      '-6',
      'route',
      'add',
      '2001:db8:9::/64',
      'nexthop',
      'via',
      '2001:db8::a',
      'nexthop',
      'via',
      '2001:db8::b',
    );
    // the default hash policy (0) hashes addresses, flow label and next header
    const via = async (flowLabel: number) =>
      (await nl.routes.get('2001:db8:9::7', { from: '2001:db8::1', flowLabel })).gateway;
    const seen = new Set<string | undefined>();
    for (let label = 0; label < 64; label++) seen.add(await via(label));
    assert.deepEqual(
      [...seen].sort(),
      ['2001:db8::a', '2001:db8::b'],
      'both paths, chosen by the label alone',
    );
    assert.equal(await via(5), await via(5), 'the same label, the same path');
    await assert.rejects(nl.routes.get('2001:db8:9::7', { flowLabel: 0x100000 }), RangeError);
    await assert.rejects(nl.routes.get('192.168.9.7', { flowLabel: 1 }), /IPv6 destinations only/);
  }),
);
