// encode -> decode gives back what was encoded, for generated addresses, links, routes,
// attribute trees and error messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  type AttrList,
  decodeAddress,
  decodeDone,
  decodeError,
  decodeLink,
  decodeRoute,
  decodeVethPeer,
  deriveBroadcast,
  type ExtAck,
  encodeAttributes,
  encodeDone,
  encodeError,
  encodeNewAddress,
  encodeNewLink,
  encodeNewRoute,
  IFF_UP,
  listAttributes,
  NLMSG_HDRLEN,
  RT_TABLE_MAIN,
} from '../../src/codec/index.ts';
import type { Address, Link, Route } from '../../src/types.ts';
import { addressSpec, ipv4, linkCreateSpec, RUNS, routeSpec } from './arbitraries.ts';
import { one } from './fixtures.ts';

test('address spec -> RTM_NEWADDR -> Address round trip', () => {
  fc.assert(
    fc.property(addressSpec, fc.constantFrom('add' as const, 'replace' as const), (spec, mode) => {
      const a = decodeAddress(one(encodeNewAddress(spec, mode)));
      const v4 = spec.address.includes('.');
      const hasCache = spec.validLifetime !== undefined || spec.preferredLifetime !== undefined;
      const valid = spec.validLifetime ?? Number.POSITIVE_INFINITY;
      const brd =
        spec.broadcast === 'auto'
          ? deriveBroadcast(spec.address, spec.prefixLength)
          : spec.broadcast === null
            ? undefined
            : spec.broadcast;
      const local = spec.local ?? spec.address;
      const expected: Address = {
        family: v4 ? 4 : 6,
        index: spec.index,
        address: local,
        prefixLength: spec.prefixLength,
        peer: local !== spec.address ? spec.address : undefined,
        broadcast: brd,
        anycast: undefined,
        label: spec.label,
        flags: spec.flags ?? 0,
        scope: spec.scope ?? (v4 && local.startsWith('127.') ? 254 : 0),
        validLifetime: hasCache ? valid : Number.POSITIVE_INFINITY,
        preferredLifetime: hasCache ? (spec.preferredLifetime ?? valid) : Number.POSITIVE_INFINITY,
        created: hasCache ? 0 : undefined,
        updated: hasCache ? 0 : undefined,
        protocol: spec.protocol,
        routePriority: spec.routePriority,
      };
      assert.deepEqual(a, expected);
    }),
    { numRuns: RUNS },
  );
});

test('link create spec -> RTM_NEWLINK -> Link round trip (veth peer included)', () => {
  fc.assert(
    fc.property(linkCreateSpec, (spec) => {
      const l = decodeLink(one(encodeNewLink(spec)));
      const expected: Partial<Link> = {
        index: 0,
        name: spec.name,
        flags: spec.up ? IFF_UP : 0,
        up: spec.up === true,
        mtu: spec.mtu,
        mac: spec.mac,
        kind: spec.kind,
        master: spec.master,
        txQueueLength: spec.txQueueLength,
      };
      for (const [k, v] of Object.entries(expected)) assert.deepEqual(l[k as keyof Link], v, k);
      if (spec.kind === 'veth') {
        assert.ok(l.infoData);
        const peer = decodeVethPeer(l.infoData);
        assert.equal(peer?.name, spec.peer?.name);
        assert.equal(peer?.mtu, spec.peer?.mtu);
        assert.equal(peer?.mac, spec.peer?.mac);
      } else {
        assert.equal(l.infoData, undefined);
      }
    }),
    { numRuns: RUNS },
  );
});

test('route spec -> RTM_NEWROUTE -> Route round trip (multipath, metrics, big tables)', () => {
  fc.assert(
    fc.property(routeSpec, (spec) => {
      const r = decodeRoute(one(encodeNewRoute(spec)));
      const max = spec.family === 4 ? 32 : 128;
      const expected: Route = {
        family: spec.family as 4 | 6,
        dst: spec.dst,
        dstLength: spec.dstLength ?? (spec.dst === undefined ? 0 : max),
        src: spec.src,
        srcLength: spec.srcLength ?? (spec.src === undefined ? 0 : max),
        tos: spec.tos ?? 0,
        table: spec.table ?? RT_TABLE_MAIN,
        protocol: spec.protocol ?? 3,
        scope: r.scope, // defaults are pinned by the golden vectors
        type: spec.type ?? 1,
        flags: spec.flags ?? 0,
        gateway: spec.gateway,
        via: undefined,
        oif: spec.oif,
        iif: spec.iif,
        priority: spec.priority,
        prefsrc: spec.prefsrc,
        pref: spec.pref,
        mark: spec.mark,
        expires: undefined,
        nhId: spec.nhId,
        metrics: spec.metrics,
        nexthops: spec.nexthops?.map((h) => ({
          gateway: h.gateway,
          oif: h.oif ?? 0,
          weight: h.weight ?? 1,
          flags: h.flags ?? 0,
        })),
      };
      if (spec.scope !== undefined) assert.equal(r.scope, spec.scope);
      assert.deepEqual(r, expected);
    }),
    { numRuns: RUNS },
  );
});

// Attribute trees: leaves are byte strings, nests are lists (a nest's bytes are re-read as a list).
type Tree = { type: number; value: Uint8Array | Tree[] };
const tree: fc.Arbitrary<Tree[]> = fc.letrec<{ list: Tree[]; node: Tree }>((tie) => ({
  node: fc.record(
    {
      type: fc.integer({ min: 1, max: 0x3fff }),
      value: fc.oneof(
        { depthSize: 'small' },
        fc.uint8Array({ maxLength: 40 }),
        tie('list') as fc.Arbitrary<Tree[]>,
      ),
    },
    { noNullPrototype: true },
  ),
  list: fc.array(tie('node') as fc.Arbitrary<Tree>, { maxLength: 5 }),
})).list;

const toList = (t: Tree[]): AttrList =>
  t.map((n) => [n.type, n.value instanceof Uint8Array ? n.value : toList(n.value)]);

function readTree(buf: Buffer, start: number, end: number, shape: Tree[]): Tree[] {
  const attrs = listAttributes(buf, start, end);
  assert.equal(attrs.length, shape.length);
  return attrs.map((a, i) => {
    const s = shape[i] as Tree;
    return {
      type: a.type,
      value:
        s.value instanceof Uint8Array
          ? new Uint8Array(buf.subarray(a.offset, a.offset + a.length))
          : readTree(buf, a.offset, a.offset + a.length, s.value),
    };
  });
}

test('attribute trees round trip through the writer and reader', () => {
  fc.assert(
    fc.property(tree, (t) => {
      const buf = encodeAttributes(toList(t));
      assert.equal(buf.length % 4, 0);
      assert.deepEqual(readTree(buf, 0, buf.length, t), t);
    }),
    { numRuns: RUNS },
  );
});

const extAck: fc.Arbitrary<ExtAck> = fc.record(
  {
    message: fc.string({ maxLength: 60 }).filter((s) => !s.includes('\0')),
    offset: fc.integer({ min: 0, max: 0xffffffff }),
    cookie: fc.uint8Array({ minLength: 1, maxLength: 20 }).map((b) => Buffer.from(b)),
    policy: fc.record(
      {
        type: fc.integer({ min: 0, max: 0xffffffff }),
        minValue: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
        maxValue: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
        minLength: fc.integer({ min: 0, max: 0xffffffff }),
        maxLength: fc.integer({ min: 0, max: 0xffffffff }),
        mask: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      },
      { requiredKeys: [], noNullPrototype: true },
    ),
    missingType: fc.integer({ min: 0, max: 0xffffffff }),
    missingNest: fc.integer({ min: 0, max: 0xffffffff }),
  },
  { requiredKeys: [], noNullPrototype: true },
);

test('NLMSG_ERROR and NLMSG_DONE round trip with every ext-ack TLV, capped or not', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 4095 }),
      fc.boolean(),
      fc.option(extAck, { nil: undefined }),
      ipv4,
      fc.integer({ min: 0, max: 0xffffffff }),
      (errno, capped, ack, addr, seq) => {
        const request = encodeNewAddress({ index: 1, address: addr, prefixLength: 24 });
        request.writeUInt32LE(seq, 8);
        const msg = one(encodeError({ errno, request, capped, extAck: ack }));
        assert.equal(msg.seq, seq);
        const e = decodeError(msg);
        const isCapped = capped;
        assert.deepEqual(e, {
          errno,
          request: { length: request.length, type: 20, flags: request.readUInt16LE(6), seq, pid: 0 },
          requestPayload: isCapped ? undefined : request.subarray(NLMSG_HDRLEN),
          extAck: ack && Object.keys(ack).length > 0 ? ack : undefined,
        });
        const done = decodeDone(one(encodeDone({ errno, extAck: ack })));
        assert.deepEqual(done, { errno, extAck: ack && Object.keys(ack).length > 0 ? ack : undefined });
      },
    ),
    { numRuns: RUNS },
  );
});
