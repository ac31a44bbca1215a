// Addresses never handed out: the network and broadcast address of an IPv4 CIDR pool or subnet of
// prefix /30 or shorter, the subnet-router anycast address (the first) of an IPv6 one of /126 or
// shorter. Upstream PureLB hands them out. Asked for, they are refused saying why; sizes leave them
// out; a Service that already holds one (from upstream or an older allocator) keeps it, with a
// warning, and nobody gets it after it lets it go.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Allocator } from '../../src/allocation/index.ts';
import type { IPFamilyName, Service } from '../../src/kube.ts';
import { formatIP } from '../../src/net/ip.ts';
import { group, outcome, service } from './builders.ts';

type PoolSpec = string | { pool: string; subnet: string };

/** Every address automatic allocation hands out from one pool, lowest first, until it is exhausted. */
function drain(pool: PoolSpec, family: 4 | 6): { handed: string[]; size: bigint | undefined } {
  const key = family === 4 ? 'v4pools' : 'v6pools';
  const alloc = new Allocator([group('default', { [key]: [pool] })], { defaultAnnouncer: true });
  const families: IPFamilyName[] = [family === 4 ? 'IPv4' : 'IPv6'];
  const handed: string[] = [];
  for (let i = 0; ; i++) {
    const r = alloc.allocate(service(`s${i}`, { families }));
    if (!r.ok) {
      assert.equal(r.reason, 'exhausted', r.message);
      break;
    }
    handed.push(...r.ips);
  }
  return { handed, size: alloc.usage()[0]?.size };
}

const drains: { name: string; pool: PoolSpec; family: 4 | 6; want: string[] }[] = [
  { name: 'an IPv4 /30 loses both ends', pool: '10.0.1.0/30', family: 4, want: ['10.0.1.1', '10.0.1.2'] },
  {
    name: 'an IPv4 /31 keeps both (RFC 3021)',
    pool: '10.0.1.0/31',
    family: 4,
    want: ['10.0.1.0', '10.0.1.1'],
  },
  { name: 'an IPv4 /32 is its one address', pool: '10.0.1.7/32', family: 4, want: ['10.0.1.7'] },
  {
    name: 'a /29 pool at the start of a /24 subnet loses its own ends',
    pool: { pool: '10.0.1.0/29', subnet: '10.0.1.0/24' },
    family: 4,
    want: ['10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.4', '10.0.1.5', '10.0.1.6'],
  },
  {
    name: "a /31 pool holding its /24 subnet's network address loses only that",
    pool: { pool: '10.0.1.0/31', subnet: '10.0.1.0/24' },
    family: 4,
    want: ['10.0.1.1'],
  },
  {
    name: "a range spanning its /29 subnet loses the subnet's network and broadcast",
    pool: { pool: '10.0.1.0-10.0.1.7', subnet: '10.0.1.0/29' },
    family: 4,
    want: ['10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.4', '10.0.1.5', '10.0.1.6'],
  },
  {
    name: 'a range inside its subnet loses nothing',
    pool: { pool: '10.0.1.5-10.0.1.7', subnet: '10.0.1.0/24' },
    family: 4,
    want: ['10.0.1.5', '10.0.1.6', '10.0.1.7'],
  },
  {
    name: "a range ending at its subnet's broadcast address stops before it",
    pool: { pool: '10.0.1.253-10.0.1.255', subnet: '10.0.1.0/24' },
    family: 4,
    want: ['10.0.1.253', '10.0.1.254'],
  },
  {
    name: 'a range over a whole /31 subnet keeps both',
    pool: { pool: '10.0.1.0-10.0.1.1', subnet: '10.0.1.0/31' },
    family: 4,
    want: ['10.0.1.0', '10.0.1.1'],
  },
  {
    name: "a range of only its subnet's network address hands out nothing",
    pool: { pool: '10.0.1.0-10.0.1.0', subnet: '10.0.1.0/24' },
    family: 4,
    want: [],
  },
  {
    name: 'an IPv6 /126 loses its first address only (no broadcast in IPv6)',
    pool: '2001:db8::/126',
    family: 6,
    want: ['2001:db8::1', '2001:db8::2', '2001:db8::3'],
  },
  {
    name: 'an IPv6 /127 keeps both (RFC 6164)',
    pool: '2001:db8::/127',
    family: 6,
    want: ['2001:db8::', '2001:db8::1'],
  },
  {
    name: "an IPv6 range starting at its /64 subnet's first address starts after it",
    pool: { pool: '2001:db8::-2001:db8::2', subnet: '2001:db8::/64' },
    family: 6,
    want: ['2001:db8::1', '2001:db8::2'],
  },
];

for (const c of drains) {
  test(`reserved: ${c.name}`, () => {
    const { handed, size } = drain(c.pool, c.family);
    assert.deepEqual(handed, c.want);
    assert.equal(size, BigInt(c.want.length), 'the size counts what is handed out');
  });
}

const inSubnet = () =>
  group('default', {
    v4pools: [
      { pool: '10.0.1.0/29', subnet: '10.0.1.0/24' },
      { pool: '10.0.1.250-10.0.1.255', subnet: '10.0.1.0/24' },
    ],
  });

const asked: { address: string; why: RegExp }[] = [
  {
    address: '10.0.1.0',
    why: /^address 10\.0\.1\.0 is the network address of pool 10\.0\.1\.0\/29 and the network address of subnet 10\.0\.1\.0\/24 \(ServiceGroup default\)/,
  },
  { address: '10.0.1.7', why: /^address 10\.0\.1\.7 is the broadcast address of pool 10\.0\.1\.0\/29 \(/ },
  {
    address: '10.0.1.255',
    why: /^address 10\.0\.1\.255 is the broadcast address of subnet 10\.0\.1\.0\/24 \(/,
  },
];

for (const c of asked) {
  test(`reserved: asking for ${c.address} is refused, saying what it is`, () => {
    const alloc = new Allocator([inSubnet()], { defaultAnnouncer: true });
    const r = alloc.allocate(service('s', { annotations: { 'purelb.io/addresses': c.address } }));
    assert.ok(!r.ok);
    assert.equal(r.reason, 'reserved-address');
    assert.match(r.message, c.why);
    assert.deepEqual(alloc.snapshot(), { services: [], addresses: [] }, 'nothing taken');
  });
}

/** A Service as an earlier allocator (or upstream PureLB) left it: branded, holding `ips`. */
function heldBefore(name: string, ips: string[], annotations: Record<string, string> = {}): Service {
  const svc = service(name, {
    annotations: {
      'purelb.io/allocated-by': 'PureLB',
      'purelb.io/allocated-from': 'default',
      'purelb.io/pool-type': 'remote',
      ...annotations,
    },
  });
  return { ...svc, status: { loadBalancer: { ingress: ips.map((ip) => ({ ip, ipMode: 'VIP' as const })) } } };
}

const slash24 = () => group('default', { v4pools: ['10.0.1.0/24'] });

test('reserved: a Service that already holds one keeps it with a warning; freed, nobody gets it', () => {
  const alloc = new Allocator([slash24()], { defaultAnnouncer: true });
  const old = heldBefore('old', ['10.0.1.0']);
  const report = alloc.rebuild([old]);
  assert.deepEqual(report.orphans, [
    {
      service: 'default/old',
      ip: '10.0.1.0',
      group: 'default',
      reserved: 'the network address of pool and subnet 10.0.1.0/24',
    },
  ]);
  const r = alloc.allocate(old);
  assert.ok(r.ok);
  assert.deepEqual(
    { ips: r.ips, changed: r.changed, released: r.released },
    {
      ips: ['10.0.1.0'],
      changed: false,
      released: [],
    },
  );
  assert.deepEqual(r.warnings, [
    '10.0.1.0 is the network address of pool and subnet 10.0.1.0/24, which is not handed out: this Service keeps it, but once it lets it go no Service gets it again',
  ]);
  assert.deepEqual(
    alloc.usage().map((u) => [u.size, u.inUse]),
    [[254n, 0]],
    'counted in no pool',
  );
  assert.deepEqual(alloc.release('default/old').freed, ['10.0.1.0']);
  assert.deepEqual(outcome(alloc.allocate(service('next'))), ['10.0.1.1']);
  const again = alloc.allocate(service('again', { annotations: { 'purelb.io/addresses': '10.0.1.0' } }));
  assert.equal(outcome(again), 'reserved-address');
});

test('reserved: a held one that is also asked for is refused, and the Service still holds it', () => {
  const alloc = new Allocator([slash24()], { defaultAnnouncer: true });
  const old = heldBefore('old', ['10.0.1.255'], { 'purelb.io/addresses': '10.0.1.255' });
  alloc.rebuild([old]);
  const r = alloc.allocate(old);
  assert.equal(outcome(r), 'reserved-address');
  assert.deepEqual(alloc.addressesOf('default/old'), ['10.0.1.255']);
});

test('reserved: a sharing key bound to a held one gives a new sharer a fresh address', () => {
  const alloc = new Allocator([slash24()], { defaultAnnouncer: true });
  const key = { 'purelb.io/allow-shared-ip': 'k' };
  alloc.rebuild([heldBefore('old', ['10.0.1.0'], key)]);
  const r = alloc.allocate(service('new', { ports: [443], annotations: key }));
  assert.deepEqual(outcome(r), ['10.0.1.1']);
  assert.deepEqual(alloc.holdersOf('10.0.1.0'), ['default/old']);
});

test('reserved: multiPool keeps a held one in its range and adds the others', () => {
  const multi = group('default', {
    multiPool: true,
    v4pools: [
      { pool: '10.0.1.0-10.0.1.9', subnet: '10.0.1.0/24' },
      { pool: '10.0.2.0-10.0.2.9', subnet: '10.0.2.0/24' },
    ],
  });
  const alloc = new Allocator([multi], { defaultAnnouncer: true });
  const old = heldBefore('old', ['10.0.1.0']);
  alloc.rebuild([old]);
  const r = alloc.allocate(old);
  assert.ok(r.ok);
  assert.deepEqual(r.ips, ['10.0.1.0', '10.0.2.1']);
  assert.equal(r.warnings.length, 1);
});

/** A subnet and a pool inside it, drawn at random; the pool is a CIDR or a range. */
const shapeArb = fc
  .record({
    family: fc.constantFrom(4 as const, 6 as const),
    hostBits: fc.integer({ min: 0, max: 10 }),
    poolBits: fc.integer({ min: 0, max: 10 }),
    cidr: fc.boolean(),
    a: fc.nat(),
    b: fc.nat(),
    c: fc.nat(),
  })
  .map((r) => {
    const bits = r.family === 4 ? 32 : 128;
    const base = r.family === 4 ? 0x0a000000n : 0x20010db8n << 96n;
    const subnetSize = 1n << BigInt(r.hostBits);
    // The subnet is aligned on its size somewhere above the base.
    const subnetFirst = base + BigInt(r.a % 64) * subnetSize;
    let first: bigint;
    let last: bigint;
    let poolPrefix: number | undefined;
    if (r.cidr) {
      const size = 1n << BigInt(Math.min(r.poolBits, r.hostBits));
      first = subnetFirst + (BigInt(r.b) % (subnetSize / size)) * size;
      last = first + size - 1n;
      poolPrefix = bits - Math.min(r.poolBits, r.hostBits);
    } else {
      const x = subnetFirst + (BigInt(r.b) % subnetSize);
      const y = subnetFirst + (BigInt(r.c) % subnetSize);
      [first, last] = x <= y ? [x, y] : [y, x];
    }
    return {
      family: r.family,
      bits,
      subnetFirst,
      subnetSize,
      subnetPrefix: bits - r.hostBits,
      first,
      last,
      poolPrefix,
    };
  });

type Shape = typeof shapeArb extends fc.Arbitrary<infer T> ? T : never;

/** What the pool should hand out, by the rule written out address by address. */
function expected(s: Shape): bigint[] {
  const longest = s.family === 4 ? 30 : 126;
  const ends = (first: bigint, size: bigint, prefix: number): bigint[] =>
    prefix > longest ? [] : s.family === 4 ? [first, first + size - 1n] : [first];
  const reserved = new Set(ends(s.subnetFirst, s.subnetSize, s.subnetPrefix));
  if (s.poolPrefix !== undefined) {
    for (const x of ends(s.first, s.last - s.first + 1n, s.poolPrefix)) reserved.add(x);
  }
  const out: bigint[] = [];
  for (let x = s.first; x <= s.last; x++) if (!reserved.has(x)) out.push(x);
  return out;
}

test('property: a pool hands out exactly its addresses minus the reserved ones, and its size says so', () => {
  fc.assert(
    fc.property(shapeArb, (s) => {
      const text = (value: bigint) => formatIP({ family: s.family, value });
      const pool =
        s.poolPrefix !== undefined ? `${text(s.first)}/${s.poolPrefix}` : `${text(s.first)}-${text(s.last)}`;
      const { handed, size } = drain({ pool, subnet: `${text(s.subnetFirst)}/${s.subnetPrefix}` }, s.family);
      const want = expected(s).map(text);
      assert.deepEqual(handed, want);
      assert.equal(size, BigInt(want.length));
    }),
    { numRuns: 150 },
  );
});
