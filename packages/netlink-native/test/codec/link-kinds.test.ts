// The kind-specific link data and IFLA_STATS64, decoded from bytes iproute2 wrote (the golden
// create and change requests carry the same IFLA_INFO_DATA / IFLA_BRPORT_* layouts the kernel
// reports back) and from hand-built attributes; bad arguments are refused before encoding.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AF_BRIDGE,
  DecodeError,
  decodeLink,
  decodeLinkPayload,
  decodeLinkStats,
  encodeAttributes,
  encodeNewLink,
  encodeSetBridgePort,
  encodeSetLink,
  IFLA_IFNAME,
  IFLA_PROTINFO,
  IFLA_STATS64,
  parseMessages,
  RTM_NEWLINK,
} from '../../src/codec/index.ts';
import { goldenLink } from './fixtures.ts';

test("iproute2's vlan requests decode to their id, protocol and flags", () => {
  const q = goldenLink('link-add-vlan');
  assert.equal(q.kind, 'vlan');
  assert.deepEqual(q.vlan, {
    id: 10,
    protocol: undefined,
    flags: undefined,
    ingressQos: undefined,
    egressQos: undefined,
  });
  const ad = goldenLink('link-add-vlan-8021ad');
  assert.deepEqual(ad.vlan, {
    id: 20,
    protocol: '802.1ad',
    // flags word 0x4 (loose_binding) with mask 0x5: the decoder reads the flags word
    flags: { reorderHdr: false, gvrp: false, looseBinding: true, mvrp: false, bridgeBinding: false },
    ingressQos: undefined,
    egressQos: undefined,
  });
  assert.equal(ad.parent, 3, 'IFLA_LINK: the parent v0');
});

// No 8021q on this kernel: the QoS maps are checked against iproute2's request and decoded from
// that request and from a reply built as vlan_fill_info writes it, never from a live vlan.
test("iproute2's vlan QoS map request decodes to its mappings, in argument order", () => {
  const v = goldenLink('link-add-vlan-qos').vlan;
  assert.deepEqual(v?.egressQos, [
    { from: 3, to: 4 },
    { from: 5, to: 6 },
  ]);
  assert.deepEqual(v?.ingressQos, [
    { from: 1, to: 2 },
    { from: 6, to: 7 },
  ]);
  const change = goldenLink('link-set-vlan-qos');
  assert.equal(change.kind, 'vlan');
  assert.deepEqual(
    [change.vlan?.egressQos, change.vlan?.ingressQos, change.vlan?.flags?.looseBinding],
    [[{ from: 2, to: 3 }], [{ from: 4, to: 5 }], true],
  );
});

test("a vlan reply's QoS maps decode as vlan_fill_info sends them; short mappings are a DecodeError", () => {
  const mapping = (from: number, to: number): Uint8Array => {
    const b = Buffer.alloc(8);
    b.writeUInt32LE(from, 0);
    b.writeUInt32LE(to >>> 0, 4);
    return b;
  };
  const flags = Buffer.alloc(8);
  flags.writeUInt32LE(1, 0); // reorder_hdr
  flags.writeUInt32LE(0xffffffff, 4);
  const data = encodeAttributes([
    [5, Uint8Array.of(0x81, 0x00)], // PROTOCOL 802.1Q, big endian
    [1, Uint8Array.of(10, 0)], // ID
    [2, flags],
    [
      4,
      [
        [1, mapping(1, 2)],
        [1, mapping(7, 0xfffffffe)],
      ],
    ], // INGRESS_QOS
    [3, [[1, mapping(0x12345678, 5)]]], // EGRESS_QOS
  ]);
  const hdr = Buffer.alloc(16);
  const link = decodeLinkPayload(
    Buffer.concat([
      hdr,
      encodeAttributes([
        [
          18,
          [
            [1, 'vlan'],
            [2, data],
          ],
        ],
      ]),
    ]), // IFLA_LINKINFO
  );
  assert.deepEqual(link.vlan, {
    id: 10,
    protocol: '802.1Q',
    flags: { reorderHdr: true, gvrp: false, looseBinding: false, mvrp: false, bridgeBinding: false },
    ingressQos: [
      { from: 1, to: 2 },
      { from: 7, to: 0xfffffffe },
    ],
    egressQos: [{ from: 0x12345678, to: 5 }],
  });
  const short = encodeAttributes([[4, [[1, new Uint8Array(4)]]]]);
  assert.throws(
    () =>
      decodeLinkPayload(
        Buffer.concat([
          hdr,
          encodeAttributes([
            [
              18,
              [
                [1, 'vlan'],
                [2, short],
              ],
            ],
          ]),
        ]),
      ),
    DecodeError,
  );
});

test('vlan QoS maps: the 802.1p side is 0-7 and entries are { from, to }, checked before encoding', () => {
  const vlan = (v: object) => () =>
    encodeNewLink({ name: 'v.1', kind: 'vlan', link: 2, vlan: { id: 1, ...v } as never });
  assert.throws(vlan({ ingressQos: [{ from: 8, to: 1 }] }), /vlan ingressQos from must be 0-7/);
  assert.throws(vlan({ egressQos: [{ from: 1, to: 8 }] }), /vlan egressQos to must be 0-7/);
  assert.throws(vlan({ egressQos: [{ from: -1, to: 1 }] }), /vlan egressQos from must be 0-4294967295/);
  assert.throws(vlan({ ingressQos: { from: 1, to: 1 } }), /vlan ingressQos must be an array/);
  assert.throws(vlan({ ingressQos: [null] }), /entries are \{ from, to \}/);
});

test("iproute2's macvlan and ipvlan requests decode to their modes", () => {
  assert.deepEqual(goldenLink('link-add-macvlan').macvlan, {
    mode: 'bridge',
    flags: undefined,
    sourceMacCount: undefined,
    sourceMacs: undefined,
    broadcastQueueLength: undefined,
    broadcastQueueLengthUsed: undefined,
  });
  assert.deepEqual(goldenLink('link-add-ipvlan').ipvlan, { mode: 'l3s', isolation: 'bridge' });
  assert.deepEqual(goldenLink('link-add-ipvlan-vepa').ipvlan, { mode: 'l2', isolation: 'vepa' });
});

test("iproute2's bridge request decodes to seconds, STP, priority and VLAN filtering", () => {
  assert.deepEqual(goldenLink('link-add-bridge-opts').bridge, {
    forwardDelay: 4,
    helloTime: 3,
    maxAge: 15,
    ageingTime: 60,
    stp: true,
    priority: 4096,
    vlanFiltering: true,
    vlanProtocol: undefined,
    vlanDefaultPvid: undefined,
    multicastSnooping: undefined,
  });
});

test('bridge port attributes decode from IFLA_PROTINFO only in AF_BRIDGE messages', () => {
  const port = goldenLink('link-set-bridge-port-af-bridge');
  assert.deepEqual(port.bridgePort, {
    state: 'disabled',
    priority: 5,
    cost: 10,
    hairpin: true,
    guard: true,
    rootBlock: true,
    fastLeave: true,
    learning: false,
    unicastFlood: false,
    proxyArp: undefined,
    multicastFlood: false,
    broadcastFlood: false,
    neighSuppress: true,
    isolated: true,
  });
  // the same attribute in an AF_INET6 message holds IFLA_INET6_*: not read as a bridge port
  const hdr = Buffer.alloc(16);
  hdr[0] = 10;
  const body = encodeAttributes([[IFLA_PROTINFO, [[1, 1]]]]); // IFLA_BRPORT_STATE 1
  assert.equal(decodeLinkPayload(Buffer.concat([hdr, body])).bridgePort, undefined);
  hdr[0] = AF_BRIDGE;
  assert.equal(decodeLinkPayload(Buffer.concat([hdr, body])).bridgePort?.state, 'listening');
});

test('the bridge_slave change of iproute2 carries the port data in IFLA_INFO_SLAVE_DATA', () => {
  const msg = parseMessages(encodeSetLink({ index: 2, bridgePort: { cost: 10, isolated: true } }))[0];
  assert.ok(msg);
  // a change names kind bridge_slave, not a slave kind: the decoder leaves bridgePort alone
  const l = decodeLinkPayload(msg.payload);
  assert.equal(l.kind, 'bridge_slave');
  assert.equal(l.bridgePort, undefined);
});

test('IFLA_STATS64 decodes every counter as a bigint, with rx_otherhost_dropped when sent', () => {
  const stats = Buffer.alloc(200);
  for (let i = 0; i < 25; i++) stats.writeBigUInt64LE(BigInt(i + 1) * 0x1_0000_0001n, i * 8);
  const s = decodeLinkStats(stats, 0, 200);
  assert.equal(s.rxPackets, 0x1_0000_0001n);
  assert.equal(s.txBytes, 4n * 0x1_0000_0001n, 'above 2^32: no precision lost');
  assert.equal(s.collisions, 10n * 0x1_0000_0001n);
  assert.equal(s.rxNohandler, 24n * 0x1_0000_0001n);
  assert.equal(s.rxOtherhostDropped, 25n * 0x1_0000_0001n);
  assert.equal(decodeLinkStats(stats, 0, 192).rxOtherhostDropped, undefined, 'a kernel before 5.19');
  const wide = Buffer.alloc(192);
  wide.writeBigUInt64LE(0xffff_ffff_ffff_ffffn, 0);
  wide.writeBigUInt64LE(2n ** 53n + 1n, 8);
  const big = decodeLinkStats(wide, 0, 192);
  assert.deepEqual([big.rxPackets, big.txPackets, big.rxBytes], [0xffff_ffff_ffff_ffffn, 2n ** 53n + 1n, 0n]);
  assert.throws(() => decodeLinkStats(stats, 0, 96), DecodeError);
  const hdr = Buffer.alloc(16);
  const msg = Buffer.concat([
    hdr,
    encodeAttributes([
      [IFLA_IFNAME, 'x'],
      [IFLA_STATS64, stats.subarray(0, 192)],
    ]),
  ]);
  assert.equal(decodeLinkPayload(msg).stats?.txPackets, 2n * 0x1_0000_0001n);
  assert.equal(
    decodeLink({ type: RTM_NEWLINK, flags: 0, seq: 0, pid: 0, payload: msg } as never).stats?.rxBytes,
    3n * 0x1_0000_0001n,
  );
});

test('kind options are checked before anything is encoded', () => {
  assert.throws(
    () => encodeNewLink({ name: 'v.1', kind: 'vlan', vlan: { id: 1 } }),
    /needs the ifindex of its lower device/,
  );
  assert.throws(
    () => encodeNewLink({ name: 'v.1', kind: 'vlan', link: 2, vlan: { id: 4096 } }),
    /vlan id must be 0-4095/,
  );
  assert.throws(
    () =>
      encodeNewLink({ name: 'v.1', kind: 'vlan', link: 2, vlan: { id: 1, protocol: '802.1x' as '802.1Q' } }),
    /vlan protocol must be one of 802.1Q, 802.1ad/,
  );
  assert.throws(
    () =>
      encodeNewLink({ name: 'v.1', kind: 'vlan', link: 2, vlan: { id: 1, flags: { bogus: true } as never } }),
    /unknown vlan flag bogus/,
  );
  assert.throws(
    () => encodeNewLink({ name: 'i', kind: 'ipvlan', link: 2, ipvlan: { mode: 'l4' as 'l2' } }),
    /ipvlan mode/,
  );
  assert.throws(
    () => encodeNewLink({ name: 'b', kind: 'bridge', bridge: { priority: 70000 } }),
    /bridge priority/,
  );
  assert.throws(
    () => encodeNewLink({ name: 'b', kind: 'bridge', bridge: { stp: 1 as never } }),
    /stp must be true or false/,
  );
  assert.throws(
    () => encodeSetBridgePort(2, { state: 'open' as 'disabled' }),
    /bridge port state must be one of/,
  );
  assert.throws(() => encodeSetBridgePort(2, { priority: 64 }), /port priority must be 0-63/);
  assert.throws(
    () => encodeSetLink({ index: 2, bridge: {}, bridgePort: {} }),
    /one link change takes one of bridge, bridgePort, macvlan, vlan, vxlan/,
  );
});

test('a bridge created without options sends no IFLA_INFO_DATA, as iproute2', () => {
  const plain = encodeNewLink({ name: 'b0', kind: 'bridge' });
  const empty = encodeNewLink({ name: 'b0', kind: 'bridge', bridge: {} });
  assert.deepEqual(empty, plain);
  assert.equal(decodeLinkPayload(parseMessages(plain)[0]?.payload as Buffer).infoData, undefined);
});
