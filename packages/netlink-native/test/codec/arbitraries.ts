// fast-check generators for codec inputs, shared by the property tests and the fuzz corpus.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError, formatIPv4, formatIPv6, type NetlinkMessage } from '../../src/codec/index.ts';
import type { AddressSpec, LinkCreateSpec, NextHopSpec, RouteMetrics, RouteSpec } from '../../src/types.ts';

/** fast-check runs per property: PROPERTY_RUNS from the environment, 300 by default. */
export const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

export const ipv4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIPv4(b, 0));
// Bias towards zero groups so "::" compression and its tie rules get exercised.
const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
export const ipv6 = fc.array(group, { minLength: 8, maxLength: 8 }).map((g) => {
  const b = new Uint8Array(16);
  g.forEach((v, i) => {
    b[2 * i] = v >> 8;
    b[2 * i + 1] = v & 0xff;
  });
  return formatIPv6(b, 0);
});

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const ifindex = fc.integer({ min: 1, max: 0x7fffffff });
const ifname = fc.stringMatching(/^[a-z][a-z0-9_-]{0,14}$/);
export const mac = fc
  .uint8Array({ minLength: 6, maxLength: 6 })
  .map((b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':'));

const lifetime = fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.integer({ min: 0, max: 0xfffffffe }));

export const addressSpec: fc.Arbitrary<AddressSpec> = fc
  .oneof(
    fc.record(
      {
        index: ifindex,
        address: ipv4,
        prefixLength: fc.integer({ min: 0, max: 32 }),
        broadcast: fc.oneof(fc.constant(undefined), fc.constant(null), fc.constant('auto' as const), ipv4),
        local: fc.option(ipv4, { nil: undefined }),
        label: fc.option(ifname, { nil: undefined }),
        flags: fc.option(fc.oneof(fc.integer({ min: 0, max: 0xff }), u32), { nil: undefined }),
        validLifetime: fc.option(lifetime, { nil: undefined }),
        preferredLifetime: fc.option(lifetime, { nil: undefined }),
        protocol: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
        scope: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
        routePriority: fc.option(u32, { nil: undefined }),
      },
      { requiredKeys: ['index', 'address', 'prefixLength'], noNullPrototype: true },
    ),
    fc.record(
      {
        index: ifindex,
        address: ipv6,
        prefixLength: fc.integer({ min: 0, max: 128 }),
        local: fc.option(ipv6, { nil: undefined }),
        flags: fc.option(fc.oneof(fc.integer({ min: 0, max: 0xff }), u32), { nil: undefined }),
        validLifetime: fc.option(lifetime, { nil: undefined }),
        preferredLifetime: fc.option(lifetime, { nil: undefined }),
        protocol: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
        scope: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
        routePriority: fc.option(u32, { nil: undefined }),
      },
      { requiredKeys: ['index', 'address', 'prefixLength'], noNullPrototype: true },
    ),
  )
  .filter((s) => {
    // the encoder refuses preferred > valid (the kernel does too)
    const inf = (v: number | undefined): number =>
      v === undefined || v === Number.POSITIVE_INFINITY ? 2 ** 32 : v;
    if (s.validLifetime === undefined && s.preferredLifetime === undefined) return true;
    const valid = inf(s.validLifetime);
    const preferred = s.preferredLifetime === undefined ? valid : inf(s.preferredLifetime);
    return preferred <= valid;
  });

export const linkCreateSpec: fc.Arbitrary<LinkCreateSpec> = fc.record(
  {
    name: ifname,
    kind: fc.constantFrom('dummy' as const, 'ifb' as const, 'bridge' as const, 'veth' as const),
    mtu: fc.option(fc.integer({ min: 68, max: 65535 }), { nil: undefined }),
    mac: fc.option(mac, { nil: undefined }),
    txQueueLength: fc.option(u32, { nil: undefined }),
    master: fc.option(ifindex, { nil: undefined }),
    up: fc.option(fc.boolean(), { nil: undefined }),
    peer: fc.record(
      {
        name: ifname,
        mtu: fc.option(fc.integer({ min: 68, max: 65535 }), { nil: undefined }),
        mac: fc.option(mac, { nil: undefined }),
      },
      { requiredKeys: ['name'], noNullPrototype: true },
    ),
  },
  { requiredKeys: ['name', 'kind', 'peer'], noNullPrototype: true },
);

const metrics: fc.Arbitrary<RouteMetrics> = fc.record(
  {
    mtu: u32,
    advmss: u32,
    hoplimit: u32,
    initcwnd: u32,
    lock: u32,
    rtoMin: u32,
    ccAlgo: fc.stringMatching(/^[a-z]{1,15}$/),
  },
  { requiredKeys: [], noNullPrototype: true },
);

function routeFor(addr: fc.Arbitrary<string>, max: number): fc.Arbitrary<RouteSpec> {
  const hop: fc.Arbitrary<NextHopSpec> = fc.record(
    {
      gateway: addr,
      oif: ifindex,
      weight: fc.integer({ min: 1, max: 256 }),
      flags: fc.integer({ min: 0, max: 255 }),
    },
    { requiredKeys: [], noNullPrototype: true },
  );
  return fc.record(
    {
      family: fc.constant(max === 32 ? (4 as const) : (6 as const)),
      dst: addr,
      dstLength: fc.integer({ min: 0, max }),
      src: addr,
      srcLength: fc.integer({ min: 0, max }),
      tos: fc.integer({ min: 0, max: 255 }),
      table: fc.oneof(
        fc.integer({ min: 1, max: 255 }),
        u32.filter((t) => t > 255),
      ),
      protocol: fc.integer({ min: 0, max: 255 }),
      scope: fc.integer({ min: 0, max: 255 }),
      type: fc.integer({ min: 0, max: 11 }),
      flags: u32,
      gateway: addr,
      oif: u32,
      iif: u32,
      priority: u32,
      prefsrc: addr,
      pref: fc.integer({ min: 0, max: 255 }),
      mark: u32,
      metrics,
      nexthops: fc.array(hop, { minLength: 1, maxLength: 4 }),
      nhId: fc.integer({ min: 1, max: 0xffffffff }),
    },
    { requiredKeys: ['family'], noNullPrototype: true },
  );
}

export const routeSpec: fc.Arbitrary<RouteSpec> = fc.oneof(routeFor(ipv4, 32), routeFor(ipv6, 128));

/**
 * Property: `decode` of `seed` (one message an encoder wrote) cut to any length from `minLength`
 * and with up to six payload bytes overwritten gives a value or throws a DecodeError, nothing else.
 */
export function decodesOrThrowsDecodeError(
  seed: Buffer,
  minLength: number,
  decode: (msg: NetlinkMessage) => unknown,
): void {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(seed.length - 17), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.integer({ min: minLength, max: seed.length }),
      (edits, length) => {
        const b = Buffer.from(seed.subarray(0, length));
        b.writeUInt32LE(length, 0);
        for (const [at, v] of edits) if (16 + at < length) b[16 + at] = v;
        try {
          decode({ type: b.readUInt16LE(4), flags: 0, seq: 0, pid: 0, payload: b.subarray(16) });
        } catch (err) {
          assert.ok(err instanceof DecodeError, String(err));
        }
      },
    ),
    { numRuns: RUNS },
  );
}
