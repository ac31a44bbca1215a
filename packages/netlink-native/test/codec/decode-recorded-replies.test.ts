// Decodes kernel replies recorded in throw-away namespaces (scripts/record-replies.ts) and pins the
// exact typed objects. Timestamps (created/updated, hundredths of a second since boot) are the
// recorded ones; re-recording changes them and these expectations must be refreshed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DecodeError,
  decodeAddress,
  decodeAddressAt,
  decodeDone,
  decodeError,
  decodeLink,
  decodeLinkAt,
  decodeRoute,
  decodeRouteAt,
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  NLM_F_DUMP_FILTERED,
  NLM_F_DUMP_INTR,
  NLM_F_MULTI,
  NLMSG_DONE,
  NLMSG_ERROR,
  parseMessages,
  RTM_NEWADDR,
  RTM_NEWLINK,
  RTM_NEWROUTE,
} from '../../src/codec/index.ts';
import type { Address, Link, LinkStats, Route } from '../../src/types.ts';
import { findStep, loadScenario, stepMessages } from './fixtures.ts';

const seed = loadScenario('seed-node');

function decodeDump<T>(
  prefix: string,
  type: number,
  decode: (m: Parameters<typeof decodeLink>[0]) => T,
): T[] {
  const msgs = stepMessages(findStep(seed, prefix));
  const last = msgs.at(-1);
  assert.equal(last?.type, NLMSG_DONE, 'a dump ends with NLMSG_DONE');
  assert.deepEqual(decodeDone(last), { errno: 0, extAck: undefined });
  return msgs.filter((m) => m.type === type).map(decode);
}

const link = (over: Partial<Link>): Link => ({
  index: 0,
  name: '',
  type: 1,
  flags: 0,
  up: false,
  mtu: undefined,
  mac: undefined,
  broadcast: undefined,
  permanentMac: undefined,
  operState: undefined,
  kind: undefined,
  slaveKind: undefined,
  master: undefined,
  parent: undefined,
  linkNetnsId: undefined,
  txQueueLength: undefined,
  qdisc: undefined,
  group: undefined,
  promiscuity: undefined,
  carrier: undefined,
  minMtu: undefined,
  maxMtu: undefined,
  alias: undefined,
  altNames: undefined,
  infoData: undefined,
  stats: undefined,
  vlan: undefined,
  macvlan: undefined,
  ipvlan: undefined,
  bridge: undefined,
  bridgePort: undefined,
  vxlan: undefined,
  ...over,
});

/** IFLA_STATS64 as recorded (kernel 6.18: 25 counters): every counter 0 but the ones given. */
const counters = (over: Partial<LinkStats>): LinkStats => {
  const names =
    'rxPackets txPackets rxBytes txBytes rxErrors txErrors rxDropped txDropped multicast collisions rxLengthErrors rxOverErrors rxCrcErrors rxFrameErrors rxFifoErrors rxMissedErrors txAbortedErrors txCarrierErrors txFifoErrors txHeartbeatErrors txWindowErrors rxCompressed txCompressed rxNohandler rxOtherhostDropped';
  return { ...Object.fromEntries(names.split(' ').map((k) => [k, 0n])), ...over } as LinkStats;
};

const KUBE_LB0 = link({
  index: 4,
  name: 'kube-lb0',
  flags: 0x100c3, // UP|BROADCAST|RUNNING|NOARP|LOWER_UP
  up: true,
  mtu: 1500,
  mac: '6a:b0:1b:fa:f8:53',
  broadcast: 'ff:ff:ff:ff:ff:ff',
  operState: 'unknown',
  kind: 'ifb',
  txQueueLength: 32,
  qdisc: 'pfifo_fast',
  group: 0,
  promiscuity: 0,
  carrier: true,
  minMtu: 0,
  maxMtu: 0,
  stats: counters({ rxPackets: 1n, rxBytes: 70n, rxDropped: 1n }),
});

test('seed node link dump decodes to the exact links', () => {
  const links = decodeDump('encodeGetLink({ dump', RTM_NEWLINK, decodeLink);
  const veth = (index: number, name: string, mac: string, parent: number): Link =>
    link({
      index,
      name,
      flags: 0x11043, // UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP
      up: true,
      mtu: 1500,
      mac,
      broadcast: 'ff:ff:ff:ff:ff:ff',
      operState: 'up',
      kind: 'veth',
      parent,
      txQueueLength: 1000,
      qdisc: 'noqueue',
      group: 0,
      promiscuity: 0,
      carrier: true,
      minMtu: 68,
      maxMtu: 65535,
      stats: counters({ rxPackets: 1n, txPackets: 1n, rxBytes: 90n, txBytes: 90n }),
    });
  assert.deepEqual(links, [
    link({
      index: 1,
      name: 'lo',
      type: 772,
      flags: 0x10049, // UP|LOOPBACK|RUNNING|LOWER_UP
      up: true,
      mtu: 65536,
      mac: '00:00:00:00:00:00',
      broadcast: '00:00:00:00:00:00',
      operState: 'unknown',
      txQueueLength: 1000,
      qdisc: 'noqueue',
      group: 0,
      promiscuity: 0,
      carrier: true,
      minMtu: 0,
      maxMtu: 0,
      stats: counters({}),
    }),
    veth(2, 'enp1s0-peer', '52:54:00:65:43:21', 3),
    veth(3, 'enp1s0', '52:54:00:12:34:56', 2),
    KUBE_LB0,
  ]);
});

test('seed node links agree with `ip -j link show` of the same namespace', () => {
  const links = decodeDump('encodeGetLink({ dump', RTM_NEWLINK, decodeLink);
  const ipLinks = seed.ipJson['ip -j link show'] as {
    ifindex: number;
    ifname: string;
    mtu: number;
    address: string;
    operstate: string;
    txqlen: number;
  }[];
  assert.equal(links.length, ipLinks.length);
  for (const [i, l] of ipLinks.entries()) {
    const ours = links[i] as Link;
    assert.equal(ours.index, l.ifindex);
    assert.equal(ours.name, l.ifname);
    assert.equal(ours.mtu, l.mtu);
    assert.equal(ours.mac, l.address);
    assert.equal(ours.operState?.toUpperCase(), l.operstate);
    assert.equal(ours.txQueueLength, l.txqlen);
  }
});

test('a link get by name answers with that one link, not a dump', () => {
  const msgs = stepMessages(findStep(seed, "encodeGetLink({ name: 'kube-lb0'"));
  assert.equal(msgs.length, 1);
  assert.equal((msgs[0]?.flags ?? 0) & NLM_F_MULTI, 0);
  assert.deepEqual(decodeLink(msgs[0] as never), KUBE_LB0);
});

const v4addr = (index: number, address: string, prefixLength: number, label: string, scope = 0): Address => ({
  family: 4,
  index,
  address,
  prefixLength,
  peer: undefined,
  broadcast: undefined,
  anycast: undefined,
  label,
  flags: 0x80, // IFA_F_PERMANENT
  scope,
  validLifetime: Number.POSITIVE_INFINITY,
  preferredLifetime: Number.POSITIVE_INFINITY,
  created: 1093375,
  updated: 1093375,
  protocol: undefined,
  routePriority: undefined,
});

test('seed node IPv4 address dump decodes to the node address and the three kube-lb0 VIPs', () => {
  assert.deepEqual(decodeDump('encodeGetAddress({ family: 4 })', RTM_NEWADDR, decodeAddress), [
    v4addr(1, '127.0.0.1', 8, 'lo', 254),
    v4addr(3, '172.30.250.104', 24, 'enp1s0'),
    v4addr(4, '172.31.1.5', 32, 'kube-lb0'),
    v4addr(4, '172.31.2.128', 24, 'kube-lb0'),
    v4addr(4, '172.31.0.9', 24, 'kube-lb0'),
  ]);
});

const route = (over: Partial<Route>): Route => ({
  family: 4,
  dst: undefined,
  dstLength: 0,
  src: undefined,
  srcLength: 0,
  tos: 0,
  table: 254,
  protocol: 2,
  scope: 0,
  type: 1,
  flags: 0,
  gateway: undefined,
  via: undefined,
  oif: undefined,
  iif: undefined,
  priority: undefined,
  prefsrc: undefined,
  pref: undefined,
  mark: undefined,
  expires: undefined,
  nhId: undefined,
  metrics: undefined,
  nexthops: undefined,
  ...over,
});

test('seed node main-table dump decodes the default route with its metric and the prefix routes', () => {
  const step = findStep(seed, 'encodeGetRoutes({ family: 4 })');
  const msgs = stepMessages(step);
  // strict check on: the kernel filtered by table and says so
  for (const m of msgs) assert.equal(m.flags & NLM_F_DUMP_FILTERED, NLM_F_DUMP_FILTERED);
  const routes = msgs.filter((m) => m.type === RTM_NEWROUTE).map(decodeRoute);
  assert.deepEqual(routes, [
    route({ protocol: 3, gateway: '172.30.250.1', oif: 3, priority: 100 }),
    route({ dst: '172.30.250.0', dstLength: 24, scope: 253, oif: 3, prefsrc: '172.30.250.104' }),
    route({ dst: '172.31.0.0', dstLength: 24, scope: 253, oif: 4, prefsrc: '172.31.0.9' }),
    route({ dst: '172.31.2.0', dstLength: 24, scope: 253, oif: 4, prefsrc: '172.31.2.128' }),
  ]);
});

test('a route get answers with the resolved (cloned) route', () => {
  const msgs = stepMessages(findStep(seed, "encodeGetRoute({ dst: '8.8.8.8' })"));
  assert.equal(msgs.length, 1);
  assert.deepEqual(
    decodeRoute(msgs[0] as never),
    route({
      dst: '8.8.8.8',
      dstLength: 32,
      protocol: 0,
      flags: 0x200, // RTM_F_CLONED
      gateway: '172.30.250.1',
      oif: 3,
      prefsrc: '172.30.250.104',
      uid: 0, // RTA_UID: the user the lookup was made for (root recorded it)
    }),
  );
});

test('IPv6 addresses decode lifetimes in seconds, forever as Infinity, and IFA_FLAGS bits', () => {
  const sc = loadScenario('ipv6-lifetimes');
  const addrs = stepMessages(findStep(sc, 'encodeGetAddress'))
    .filter((m) => m.type === RTM_NEWADDR)
    .map(decodeAddress);
  const base: Omit<Address, 'address' | 'flags' | 'validLifetime' | 'preferredLifetime'> = {
    family: 6,
    index: 3,
    prefixLength: 64,
    peer: undefined,
    broadcast: undefined,
    anycast: undefined,
    label: undefined,
    scope: 0,
    created: 1093381,
    updated: 1093381,
    protocol: undefined,
    routePriority: undefined,
  };
  assert.deepEqual(addrs, [
    {
      ...base,
      address: '2001:db8:0:1::1',
      flags: 0x282, // NOPREFIXROUTE|PERMANENT|NODAD: beyond 8 bits, so from IFA_FLAGS
      validLifetime: Number.POSITIVE_INFINITY,
      preferredLifetime: Number.POSITIVE_INFINITY,
    },
    { ...base, address: '2001:db8::10', flags: 0x02, validLifetime: 3600, preferredLifetime: 1800 },
  ]);
  const routes = stepMessages(findStep(sc, 'encodeGetRoutes'))
    .filter((m) => m.type === RTM_NEWROUTE)
    .map(decodeRoute);
  assert.deepEqual(routes, [
    route({
      family: 6,
      dst: '2001:db8::',
      dstLength: 64,
      flags: 16, // RTNH_F_LINKDOWN: the veth peer is down
      oif: 3,
      priority: 256,
      pref: 0,
      expires: 3600, // the prefix route lives as long as the address (rta_expires 359996 ticks)
    }),
  ]);
});

test('a multipath route decodes RTA_MULTIPATH into weighted nexthops; RTA_TABLE overrides rtm_table', () => {
  const sc = loadScenario('multipath-route');
  const main = stepMessages(findStep(sc, 'encodeGetRoutes({ family: 4 })'))
    .filter((m) => m.type === RTM_NEWROUTE)
    .map(decodeRoute);
  assert.deepEqual(main[1], {
    ...route({ dst: '10.2.0.0', dstLength: 16, protocol: 3, priority: 20 }),
    nexthops: [
      { gateway: '10.0.0.2', oif: 3, weight: 1, flags: 0 },
      { gateway: '10.0.0.3', oif: 3, weight: 3, flags: 0 },
    ],
  });
  const t1000 = stepMessages(findStep(sc, 'encodeGetRoutes({ family: 4, table: 1000 })'))
    .filter((m) => m.type === RTM_NEWROUTE)
    .map(decodeRoute);
  assert.deepEqual(t1000, [
    route({ dst: '10.3.0.0', dstLength: 16, table: 1000, protocol: 4, gateway: '10.0.0.3', oif: 3 }),
  ]);
});

test('EEXIST errors carry the kernel ext-ack text and echo the request', () => {
  const sc = loadScenario('eexist-error');
  const replies = sc.steps.map((s) => {
    const msgs = stepMessages(s);
    assert.equal(msgs.length, 1);
    const msg = msgs[0];
    assert.ok(msg);
    assert.equal(msg.type, NLMSG_ERROR);
    return { msg, decoded: decodeError(msg), request: Buffer.from(s.hex, 'hex') };
  });
  assert.deepEqual(
    replies.map((r) => r.decoded.extAck),
    [{ message: 'ipv6: address already assigned' }, { message: 'ipv4: Address already assigned' }, undefined],
    'IPv4 route EEXIST comes without ext-ack text',
  );
  for (const r of replies) {
    assert.equal(r.decoded.errno, 17);
    assert.equal(r.decoded.request.length, r.request.length);
    assert.equal(r.decoded.request.type, r.request.readUInt16LE(4));
    assert.equal(r.decoded.request.flags, r.request.readUInt16LE(6));
    // not capped: the whole request payload comes back
    assert.equal(r.msg.flags & NLM_F_CAPPED, 0);
    assert.deepEqual(r.decoded.requestPayload, r.request.subarray(16));
    assert.equal((r.msg.flags & NLM_F_ACK_TLVS) !== 0, r.decoded.extAck !== undefined);
  }
});

test('the dummy driver is missing here: EOPNOTSUPP with ext-ack "Unknown device type"; unknown names are ENODEV', () => {
  const sc = loadScenario('dummy-eopnotsupp');
  const dummy = decodeError(stepMessages(findStep(sc, 'encodeNewLink'))[0] as never);
  assert.equal(dummy.errno, 95);
  assert.deepEqual(dummy.extAck, { message: 'Unknown device type' });
  assert.equal(dummy.request.type, RTM_NEWLINK);
  const nodev = decodeError(stepMessages(findStep(sc, 'encodeGetLink'))[0] as never);
  assert.equal(nodev.errno, 19);
  assert.equal(nodev.extAck, undefined);
});

test('an address added mid-dump makes the kernel flag the dump NLM_F_DUMP_INTR', () => {
  const sc = loadScenario('dump-intr');
  const step = sc.steps[0];
  assert.ok(step);
  const msgs = stepMessages(step);
  const addrs = msgs.filter((m) => m.type === RTM_NEWADDR);
  const flagged = addrs.filter((m) => m.flags & NLM_F_DUMP_INTR);
  assert.ok(flagged.length >= 1, 'at least one message carries NLM_F_DUMP_INTR');
  // the first datagram was complete before the change, so nothing in it is flagged
  const first = stepMessages({ ...step, replies: [step.replies[0] as string] });
  assert.equal(first.filter((m) => m.flags & NLM_F_DUMP_INTR).length, 0);
  const decoded = new Set(addrs.map((m) => decodeAddress(m).address));
  for (let i = 0; i < 400; i++) assert.ok(decoded.has(`10.${100 + (i >> 8)}.${i & 255}.1`));
  assert.equal(msgs.at(-1)?.type, NLMSG_DONE);
  // the interleaved add on the other socket was acknowledged (a capped ACK)
  const ack = stepMessages(step.interleaved?.[0] as never)[0];
  assert.equal((ack?.flags ?? 0) & NLM_F_CAPPED, NLM_F_CAPPED);
  assert.equal(decodeError(ack as never).errno, 0);
});

test('the kernel accepts the hand-built IFA_PROTO request and reports the protocol back', () => {
  const sc = loadScenario('address-proto');
  const [ack] = stepMessages(findStep(sc, 'encodeNewAddress'));
  assert.ok(ack);
  assert.equal(decodeError(ack).errno, 0);
  const addrs = stepMessages(findStep(sc, 'encodeGetAddress'))
    .filter((m) => m.type === RTM_NEWADDR)
    .map(decodeAddress);
  assert.deepEqual(addrs, [
    { ...v4addr(3, '10.0.0.9', 24, 'v0'), created: 1156345, updated: 1156345, protocol: 99 },
  ]);
});

test('a dump that fails ends with NLMSG_DONE carrying the errno and ext-ack text', () => {
  const sc = loadScenario('dump-done-error');
  const msgs = stepMessages(findStep(sc, 'encodeGetRoutes'));
  assert.equal(msgs.length, 1);
  const done = msgs[0];
  assert.ok(done);
  assert.equal(done.type, NLMSG_DONE);
  assert.equal(done.flags, NLM_F_MULTI | NLM_F_DUMP_FILTERED | NLM_F_ACK_TLVS);
  assert.deepEqual(decodeDone(done), { errno: 2, extAck: { message: 'ipv4: FIB table does not exist' } });
});

test('a policy rejection carries the message, the offending attribute offset and its policy', () => {
  const sc = loadScenario('policy-error');
  const step = sc.steps[0];
  assert.ok(step);
  const [msg] = stepMessages(step);
  assert.ok(msg);
  const e = decodeError(msg);
  assert.equal(e.errno, 34); // ERANGE
  assert.deepEqual(e.extAck, {
    message: 'Attribute failed policy validation',
    offset: 32,
    policy: { type: 4, minValue: 0n, maxValue: 0xffffffffn }, // NL_ATTR_TYPE_U32
  });
  // the offset is relative to the request message: it points at the 2-byte IFA_FLAGS attribute
  const req = Buffer.from(step.hex, 'hex');
  assert.equal(req.readUInt16LE(32), 6);
  assert.equal(req.readUInt16LE(34), 8); // IFA_FLAGS
});

test('the range decoders read a receive chunk in place and agree with the message decoders', () => {
  let checked = 0;
  for (const name of ['seed-node', 'multipath-route', 'ipv6-lifetimes']) {
    for (const step of loadScenario(name).steps) {
      for (const h of step.replies) {
        const chunk = Buffer.from(h, 'hex');
        let off = 0;
        for (const m of parseMessages(chunk)) {
          const len = chunk.readUInt32LE(off);
          const start = off + 16;
          if (m.type === RTM_NEWROUTE)
            assert.deepEqual(decodeRouteAt(chunk, start, off + len), decodeRoute(m));
          if (m.type === RTM_NEWADDR)
            assert.deepEqual(decodeAddressAt(chunk, start, off + len), decodeAddress(m));
          if (m.type === RTM_NEWLINK) assert.deepEqual(decodeLinkAt(chunk, start, off + len), decodeLink(m));
          if (m.type !== NLMSG_DONE) checked++;
          off += (len + 3) & ~3;
        }
      }
    }
  }
  assert.ok(checked > 10);
  assert.throws(() => decodeRouteAt(Buffer.alloc(20), 8, 40), DecodeError);
  assert.throws(() => decodeAddressAt(Buffer.alloc(20), -1, 8), DecodeError);
});
