// encode -> decode gives back what was encoded for generated neighbour entries (RTM_NEWNEIGH is
// both the request and what the kernel answers with), deletes keep only the key, and no byte
// string makes decodeNeighbour throw anything but a DecodeError.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  canonicalIP,
  decodeNeighbour,
  encodeDelNeighbour,
  encodeNewNeighbour,
  listAttributes,
  NDA_DST,
  NDA_FLAGS_EXT,
  NDA_PROTOCOL,
  NDMSG_LEN,
  NEIGHBOUR_STATES,
  NTF_EXT_MANAGED,
  neighbourFlagNames,
  neighbourStateName,
  parseMac,
  RTM_DELNEIGH,
} from '../../src/codec/index.ts';
import { attributeAt } from '../../src/transport/attribute-at.ts';
import type { Neighbour, NeighbourSpec } from '../../src/types.ts';
import { decodesOrThrowsDecodeError, ipv4, ipv6, mac, RUNS } from './arbitraries.ts';
import { one } from './fixtures.ts';

const spec: fc.Arbitrary<{ spec: NeighbourSpec; text: string | undefined }> = fc
  .record({
    index: fc.integer({ min: 1, max: 0x7fffffff }),
    address: fc.oneof(ipv4, ipv6),
    lladdr: fc.option(mac, { nil: undefined }),
    state: fc.option(fc.constantFrom(...Object.values(NEIGHBOUR_STATES)), { nil: undefined }),
    flags: fc.option(fc.integer({ min: 0, max: 0xff }), { nil: undefined }),
    extFlags: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    protocol: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
  })
  .map(({ lladdr, ...rest }) => {
    const s: NeighbourSpec = { index: rest.index, address: rest.address };
    for (const k of ['state', 'flags', 'extFlags', 'protocol'] as const)
      if (rest[k] !== undefined) s[k] = rest[k];
    if (lladdr !== undefined) s.lladdr = parseMac(lladdr);
    return { spec: s, text: lladdr };
  });

/** What decodeNeighbour must give back for a spec. */
function expected(s: NeighbourSpec, lladdr: string | undefined, isDelete: boolean): Neighbour {
  const state = s.state ?? 0x80;
  const flagBits = s.flags ?? 0;
  const ext = isDelete || !s.extFlags ? undefined : s.extFlags;
  return {
    family: s.address.includes(':') ? 6 : 4,
    index: s.index,
    address: canonicalIP(s.address),
    lladdr: isDelete ? undefined : lladdr,
    state: neighbourStateName(state),
    stateBits: state,
    flags: neighbourFlagNames(flagBits, ext ?? 0),
    flagBits,
    extFlagBits: ext,
    type: 0,
    probes: undefined,
    protocol: isDelete ? undefined : s.protocol,
    vlan: undefined,
    master: undefined,
    linkNetnsId: undefined,
    cacheInfo: undefined,
  };
}

test('neighbour spec -> RTM_NEWNEIGH -> Neighbour round trip (add and replace)', () => {
  fc.assert(
    fc.property(spec, fc.constantFrom('add' as const, 'replace' as const), ({ spec: s, text }, mode) => {
      assert.deepEqual(decodeNeighbour(one(encodeNewNeighbour(s, mode))), expected(s, text, false));
    }),
    { numRuns: RUNS },
  );
});

test('RTM_DELNEIGH carries the key (ndmsg and NDA_DST) only', () => {
  fc.assert(
    fc.property(spec, ({ spec: s, text }) => {
      const m = one(encodeDelNeighbour(s));
      assert.equal(m.type, RTM_DELNEIGH);
      assert.deepEqual(decodeNeighbour(m), expected(s, text, true));
      assert.deepEqual(
        listAttributes(m.payload, NDMSG_LEN).map((a) => a.type),
        [NDA_DST],
      );
    }),
    { numRuns: RUNS },
  );
});

test('a state or flag name list covers every bit the encoder can send', () => {
  assert.deepEqual(neighbourFlagNames(0xff, NTF_EXT_MANAGED | 2), [
    'use',
    'self',
    'master',
    'proxy',
    'extern_learn',
    'offload',
    'sticky',
    'router',
    'managed',
    'locked',
  ]);
  for (const [name, bits] of Object.entries(NEIGHBOUR_STATES)) assert.equal(neighbourStateName(bits), name);
  assert.equal(neighbourStateName(0x82), undefined, 'two states at once have no single name');
});

test('bad request fields are TypeErrors before anything is written', () => {
  const base: NeighbourSpec = { index: 3, address: '10.0.0.2' };
  const bad: Partial<NeighbourSpec>[] = [
    { index: 0 },
    { address: '10.0.0.256' },
    { state: 0x10000 },
    { flags: 256 },
    { extFlags: -1 },
    { protocol: 300 },
    { lladdr: new Uint8Array(0) },
  ];
  for (const b of bad)
    assert.throws(() => encodeNewNeighbour({ ...base, ...b }), TypeError, JSON.stringify(b));
});

test('decodeNeighbour throws only DecodeError on mutated and truncated entries', () => {
  const seed = encodeNewNeighbour({
    index: 3,
    address: '2001:db8::2',
    lladdr: parseMac('02:00:00:00:00:12'),
    protocol: 4,
  });
  decodesOrThrowsDecodeError(seed, 28, decodeNeighbour);
});

test('an ext-ack offset into a neighbour request is named as its NDA_* attribute', () => {
  const request = encodeNewNeighbour({
    index: 3,
    address: '10.0.0.2',
    extFlags: NTF_EXT_MANAGED,
    protocol: 9,
  });
  const at = (type: number) => {
    const a = listAttributes(request, 16 + NDMSG_LEN).find((x) => x.type === type);
    assert.ok(a, `attribute ${type}`);
    return a.offset - 4;
  };
  assert.equal(attributeAt(request, at(NDA_DST)), 'NDA_DST');
  assert.equal(attributeAt(request, at(NDA_FLAGS_EXT)), 'NDA_FLAGS_EXT');
  assert.equal(attributeAt(request, at(NDA_PROTOCOL)), 'NDA_PROTOCOL');
});
