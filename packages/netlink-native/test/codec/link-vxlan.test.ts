// vxlan IFLA_INFO_DATA decoded from iproute2's create requests (golden vectors) and from a reply
// built as kernel 6.18's vxlan_fill_info writes it, including the attributes newer than iproute2
// 6.1 (LOCALBYPASS, LABEL_POLICY, RESERVED_BITS, MC_ROUTE) and the flags sent only when on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DecodeError, encodeAttributes, encodeNewLink, parseMessages } from '../../src/codec/index.ts';
import { formatIP } from '../../src/codec/ip.ts';
import { decodeLinkPayload } from '../../src/codec/link.ts';
import { decodeVxlanInfo } from '../../src/codec/link-vxlan.ts';
import type { VxlanSpec } from '../../src/types.ts';
import { goldenLink } from './fixtures.ts';

const u8 = (v: number): Uint8Array => Uint8Array.of(v);
const be16 = (v: number): Uint8Array => Uint8Array.of(v >> 8, v & 0xff);
const be32 = (v: number): Uint8Array => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
};

test("iproute2's vxlan requests decode to the options given on its command line", () => {
  const v4 = goldenLink('link-add-vxlan-options');
  assert.equal(v4.kind, 'vxlan');
  assert.deepEqual(v4.vxlan, {
    id: 100,
    group: '10.0.0.2',
    local: '10.0.0.1',
    link: 3,
    ttl: 64,
    ttlInherit: undefined,
    tos: 0x10,
    df: 'set',
    label: undefined,
    labelPolicy: undefined,
    learning: false,
    proxy: true,
    rsc: false,
    l2miss: true,
    l3miss: true,
    external: undefined,
    ageing: 120,
    limit: 100,
    port: 4789,
    sourcePortRange: { low: 40000, high: 50000 },
    udpChecksum: false,
    udp6ZeroChecksumTx: undefined,
    udp6ZeroChecksumRx: undefined,
    remoteChecksumTx: undefined,
    remoteChecksumRx: undefined,
    remoteChecksumNoPartial: false,
    gbp: true,
    gpe: false,
    vnifilter: undefined,
    localBypass: undefined,
    mcRoute: undefined,
    reservedBits: undefined,
  });
  const v6 = goldenLink('link-add-vxlan-v6').vxlan;
  // ttl inherit is an empty flag in the request: read as ttlInherit all the same
  assert.deepEqual(
    [v6?.group, v6?.local, v6?.ttlInherit, v6?.ttl, v6?.tos, v6?.label, v6?.df],
    ['ff05::100', '2001:db8::1', true, undefined, 1, 0x12345, 'inherit'],
  );
  assert.deepEqual([v6?.udp6ZeroChecksumTx, v6?.udp6ZeroChecksumRx], [true, true]);
  const ext = goldenLink('link-add-vxlan-external').vxlan;
  assert.deepEqual(
    [ext?.id, ext?.external, ext?.vnifilter, ext?.learning, ext?.port],
    [undefined, true, true, false, 4789],
  );
});

test("iproute2's vxlan change carries only what changes: no VNI, learning because it is given", () => {
  const change = goldenLink('link-set-vxlan');
  assert.equal(change.kind, 'vxlan');
  const v = change.vxlan;
  assert.deepEqual(
    [v?.id, v?.link, v?.ttl, v?.tos, v?.ageing, v?.df, v?.local, v?.group, v?.learning, v?.port],
    [undefined, 3, 9, 0x20, 600, 'set', '10.0.0.1', '10.0.0.3', false, undefined],
  );
});

test("a kernel reply's vxlan data decodes every attribute, the newer ones and the flags too", () => {
  const data = encodeAttributes([
    [1, Uint8Array.of(7, 0, 0, 0)], // ID
    [3, Uint8Array.of(3, 0, 0, 0)], // LINK
    [5, u8(0)], // TTL
    [28, u8(1)], // TTL_INHERIT as the kernel sends it: a u8
    [6, u8(0)],
    [29, u8(7)], // a DF value without a name
    [26, be32(0)],
    [32, Uint8Array.of(1, 0, 0, 0)], // LABEL_POLICY inherit
    [25, u8(1)], // COLLECT_METADATA
    [10, Uint8Array.of(0, 0, 0, 0)], // PORT_RANGE 0-0
    [23, new Uint8Array(0)], // GBP
    [27, new Uint8Array(0)], // GPE
    [24, new Uint8Array(0)], // REMCSUM_NOPARTIAL
    [30, u8(1)], // VNIFILTER
    [31, u8(0)], // LOCALBYPASS
    [33, Uint8Array.of(0xf7, 0xff, 0xff, 0xff, 0, 0, 0, 0xff)], // RESERVED_BITS
    [34, u8(1)], // MC_ROUTE
    [15, be16(4790)],
    [99, u8(1)], // unknown: ignored
  ]);
  const v = decodeVxlanInfo(data);
  assert.deepEqual(
    [v.id, v.link, v.ttl, v.ttlInherit, v.df, v.label, v.labelPolicy, v.external, v.port],
    [7, 3, 0, true, 7, 0, 1, true, 4790],
  );
  assert.deepEqual(v.sourcePortRange, { low: 0, high: 0 });
  assert.deepEqual(
    [v.gbp, v.gpe, v.remoteChecksumNoPartial, v.vnifilter, v.localBypass, v.mcRoute],
    [true, true, true, true, false, true],
  );
  assert.deepEqual(v.reservedBits, { flags: 0xf7ffffff, vni: 0xff });
  const none = decodeVxlanInfo(Buffer.alloc(0));
  assert.deepEqual(
    [none.gbp, none.gpe, none.remoteChecksumNoPartial, none.id],
    [false, false, false, undefined],
  );
});

test('vxlan attributes shorter than their type are a DecodeError', () => {
  for (const [type, len] of [
    [2, 3], // GROUP: not 4 bytes
    [16, 4], // GROUP6: not 16
    [17, 4], // LOCAL6
    [15, 1], // PORT
    [10, 2], // PORT_RANGE
    [26, 2], // LABEL
    [33, 4], // RESERVED_BITS
    [1, 2], // ID
    [7, 0], // LEARNING
  ] as const) {
    const data = encodeAttributes([[type, new Uint8Array(len)]]);
    assert.throws(() => decodeVxlanInfo(data), DecodeError, `type ${type} of ${len} bytes`);
  }
});

test("iproute2's macvlan source-mode requests decode to their MAC list and mode", () => {
  const mv = goldenLink('link-add-macvlan-source').macvlan;
  assert.deepEqual(mv, {
    mode: 'source',
    flags: undefined,
    sourceMacCount: undefined,
    sourceMacs: ['02:00:00:00:00:21', '02:00:00:00:00:22'],
    broadcastQueueLength: undefined,
    broadcastQueueLengthUsed: undefined,
  });
  assert.deepEqual(goldenLink('link-set-macvlan-macaddr-set').macvlan?.sourceMacs, ['02:00:00:00:00:24']);
});

/** A VxlanSpec of any options, with addresses in the text the decoder prints. */
const vxlanSpec = fc
  .record(
    {
      external: fc.boolean(),
      id: fc.integer({ min: 0, max: 0xffffff }),
      group: fc.oneof(
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
      ),
      local: fc.uint8Array({ minLength: 4, maxLength: 4 }),
      device: fc.integer({ min: 1, max: 0x7fffffff }),
      port: fc.integer({ min: 0, max: 65535 }),
      learning: fc.boolean(),
      ttl: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constant('inherit' as const)),
      tos: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constant('inherit' as const)),
      df: fc.constantFrom('unset', 'set', 'inherit'),
      label: fc.integer({ min: 0, max: 0xfffff }),
      ageing: fc.nat(),
      limit: fc.nat(),
      sourcePortRange: fc
        .tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 }))
        .map(([a, b]) => ({ low: Math.min(a, b), high: Math.max(a, b) })),
      proxy: fc.boolean(),
      rsc: fc.boolean(),
      l2miss: fc.boolean(),
      l3miss: fc.boolean(),
      udpChecksum: fc.boolean(),
      udp6ZeroChecksumTx: fc.boolean(),
      udp6ZeroChecksumRx: fc.boolean(),
      vnifilter: fc.boolean(),
      gbp: fc.boolean(),
    },
    { requiredKeys: [] },
  )
  .map((r): VxlanSpec => {
    const { group, local, ...rest } = r;
    const spec: VxlanSpec = { ...rest, external: r.external === true };
    if (group !== undefined) spec.group = formatIP(group, 0, group.length);
    if (local !== undefined) spec.local = formatIP(local, 0, local.length);
    if (spec.external) delete spec.id;
    else {
      spec.id ??= 1;
      delete spec.vnifilter;
    }
    return spec;
  });

test('any vxlan options encoded decode back to themselves (property)', () => {
  fc.assert(
    fc.property(vxlanSpec, (spec) => {
      const [msg] = parseMessages(encodeNewLink({ name: 'vx0', kind: 'vxlan', vxlan: spec }));
      const v = decodeLinkPayload((msg as { payload: Buffer }).payload).vxlan;
      assert.ok(v);
      const range = spec.sourcePortRange;
      assert.deepEqual(
        {
          id: v.id,
          group: v.group,
          local: v.local,
          link: v.link,
          port: v.port,
          learning: v.learning,
          ttl: v.ttlInherit ? 'inherit' : v.ttl,
          tos: v.tos,
          df: v.df,
          label: v.label,
          ageing: v.ageing,
          limit: v.limit,
          sourcePortRange: v.sourcePortRange,
          external: v.external,
          vnifilter: v.vnifilter,
          gbp: v.gbp,
        },
        {
          id: spec.id,
          group: spec.group,
          local: spec.local,
          link: spec.device,
          port: spec.port,
          learning: spec.learning ?? !spec.external,
          ttl: spec.ttl,
          tos: spec.tos === 'inherit' ? 1 : spec.tos,
          df: spec.df,
          label: spec.label,
          ageing: spec.ageing,
          limit: spec.limit,
          sourcePortRange: range && (range.low !== 0 || range.high !== 0) ? range : undefined,
          external: spec.external,
          vnifilter: spec.vnifilter,
          gbp: spec.gbp === true,
        },
      );
      for (const k of ['proxy', 'rsc', 'l2miss', 'l3miss', 'udpChecksum'] as const)
        assert.equal(v[k], spec[k]);
      assert.equal(v.udp6ZeroChecksumTx, spec.udp6ZeroChecksumTx);
      assert.equal(v.udp6ZeroChecksumRx, spec.udp6ZeroChecksumRx);
    }),
    { numRuns: 300 },
  );
});
