// The monitor's kernel filter as a program: golden instruction lists for a few filters, and what
// the program decides for hand-built notifications (IPv4 and IPv6, little- and big-endian hosts)
// and for notifications the kernel really sent (recorded dumps), run with a small cBPF evaluator.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { assemble, decodeProgram, JEQ_K, RET_K, type Step } from '../../src/api/cbpf.ts';
import {
  MAX_FILTER_VALUES,
  type MonitorFilterSpec,
  monitorFilterBytes,
  monitorFilterProgram,
  monitorFilterSpec,
} from '../../src/api/monitor-filter.ts';
import { decodeAddress, decodeRoute, parseMessages } from '../../src/codec/index.ts';
import { loadScenario, type RecordedStep } from '../codec/fixtures.ts';
import { runFilter } from './cbpf-evaluator.ts';
import {
  AF_INET,
  AF_INET6,
  address,
  addressPlus,
  decide,
  inPrefix,
  KEEP,
  message,
  NLMSG_DONE,
  NLMSG_ERROR,
  RTM_DELADDR,
  RTM_DELROUTE,
  RTM_NEWADDR,
  RTM_NEWLINK,
  RTM_NEWNEXTHOP,
  RTM_NEWROUTE,
  route,
  u32,
} from './filter-messages.ts';

// ---- golden programs ---------------------------------------------------------------------------

test('golden program: route tables only (little-endian host)', () => {
  const spec = monitorFilterSpec({ routeTables: ['main'] });
  assert.deepEqual(spec, { routeTables: [254] });
  assert.deepEqual(monitorFilterProgram(spec as MonitorFilterSpec, 'LE'), [
    [0x28, 0, 0, 4], // ldh [4]: nlmsg_type, read big-endian
    [0x15, 2, 0, 0x1800], // RTM_NEWROUTE (24) as a little-endian u16 reads
    [0x15, 1, 0, 0x1900], // RTM_DELROUTE
    [0x06, 0, 0, KEEP], // anything else
    [0x00, 0, 0, 28], // ld #28: the first route attribute
    [0x01, 0, 0, 15], // ldx #RTA_TABLE
    [0x20, 0, 0, 0xfffff00c], // ld #nlattr
    [0x15, 3, 0, 0], // none: use rtm_table
    [0x07, 0, 0, 0], // tax
    [0x40, 0, 0, 4], // ld [x + 4]: the table id
    [0x05, 0, 0, 4], // ja to the table list
    [0x30, 0, 0, 20], // ldb [20]: rtm_table
    [0x15, 0, 1, 252], // RT_TABLE_COMPAT without RTA_TABLE: keep
    [0x06, 0, 0, KEEP],
    [0x64, 0, 0, 24], // lsh #24: the byte as a little-endian u32 reads
    [0x15, 1, 0, 0xfe000000], // 254
    [0x06, 0, 0, 0],
    [0x06, 0, 0, KEEP],
  ]);
});

test('golden program: route tables only (big-endian host): no swaps, no shift', () => {
  assert.deepEqual(monitorFilterProgram({ routeTables: [254] }, 'BE'), [
    [0x28, 0, 0, 4],
    [0x15, 2, 0, 24],
    [0x15, 1, 0, 25],
    [0x06, 0, 0, KEEP],
    [0x00, 0, 0, 28],
    [0x01, 0, 0, 15],
    [0x20, 0, 0, 0xfffff00c],
    [0x15, 3, 0, 0],
    [0x07, 0, 0, 0],
    [0x40, 0, 0, 4],
    [0x05, 0, 0, 3],
    [0x30, 0, 0, 20],
    [0x15, 0, 1, 252],
    [0x06, 0, 0, KEEP],
    [0x15, 1, 0, 254],
    [0x06, 0, 0, 0],
    [0x06, 0, 0, KEEP],
  ]);
});

test('golden program: host-address links only (little-endian host)', () => {
  assert.deepEqual(monitorFilterProgram({ hostAddressLinks: [5] }, 'LE'), [
    [0x28, 0, 0, 4],
    [0x15, 2, 0, 0x1400], // RTM_NEWADDR
    [0x15, 1, 0, 0x1500], // RTM_DELADDR
    [0x06, 0, 0, KEEP],
    [0x30, 0, 0, 16], // ldb [16]: ifa_family
    [0x15, 1, 0, 2], // AF_INET
    [0x15, 2, 4, 10], // AF_INET6, else keep
    [0x30, 0, 0, 17], // ldb [17]: ifa_prefixlen
    [0x15, 3, 2, 32], // /32: check the link, else keep
    [0x30, 0, 0, 17],
    [0x15, 1, 0, 128], // /128: check the link, else keep
    [0x06, 0, 0, KEEP],
    [0x20, 0, 0, 20], // ld [20]: ifa_index
    [0x15, 1, 0, 0x05000000], // ifindex 5
    [0x06, 0, 0, 0],
    [0x06, 0, 0, KEEP],
  ]);
});

test('golden program: both, several values each (little-endian host)', () => {
  const spec = monitorFilterSpec({ routeTables: [1000, 254, 254], hostAddressLinks: [7, 3] });
  assert.deepEqual(spec, { routeTables: [254, 1000], hostAddressLinks: [3, 7] });
  assert.deepEqual(monitorFilterProgram(spec as MonitorFilterSpec, 'LE'), [
    [0x28, 0, 0, 4],
    [0x15, 5, 0, 0x1400],
    [0x15, 4, 0, 0x1500],
    [0x15, 2, 0, 0x1800],
    [0x15, 1, 0, 0x1900],
    [0x06, 0, 0, KEEP],
    [0x05, 0, 0, 13], // to the route section, past the address one
    [0x30, 0, 0, 16],
    [0x15, 1, 0, 2],
    [0x15, 2, 4, 10],
    [0x30, 0, 0, 17],
    [0x15, 3, 2, 32],
    [0x30, 0, 0, 17],
    [0x15, 1, 0, 128],
    [0x06, 0, 0, KEEP],
    [0x20, 0, 0, 20],
    [0x15, 2, 0, 0x03000000],
    [0x15, 1, 0, 0x07000000],
    [0x06, 0, 0, 0],
    [0x06, 0, 0, KEEP],
    [0x00, 0, 0, 28],
    [0x01, 0, 0, 15],
    [0x20, 0, 0, 0xfffff00c],
    [0x15, 3, 0, 0],
    [0x07, 0, 0, 0],
    [0x40, 0, 0, 4],
    [0x05, 0, 0, 4],
    [0x30, 0, 0, 20],
    [0x15, 0, 1, 252],
    [0x06, 0, 0, KEEP],
    [0x64, 0, 0, 24],
    [0x15, 2, 0, 0xfe000000],
    [0x15, 1, 0, 0xe8030000], // 1000
    [0x06, 0, 0, 0],
    [0x06, 0, 0, KEEP],
  ]);
});

test('the bytes are struct sock_filter[] in the order asked for', () => {
  const spec = { hostAddressLinks: [5] };
  for (const order of ['LE', 'BE'] as const) {
    const bytes = monitorFilterBytes(spec, order) as Buffer;
    assert.equal(bytes.length, 16 * 8);
    assert.deepEqual(decodeProgram(bytes, order), monitorFilterProgram(spec, order));
  }
  assert.equal(monitorFilterBytes(undefined, 'LE'), undefined);
  // ldh [4] is 0x0028 then jt 0, jf 0, then k = 4
  assert.equal((monitorFilterBytes(spec, 'LE') as Buffer).subarray(0, 8).toString('hex'), '2800000004000000');
  assert.equal((monitorFilterBytes(spec, 'BE') as Buffer).subarray(0, 8).toString('hex'), '0028000000000004');
});

// ---- decisions on hand-built notifications --------------------------------------------------

const BOTH: MonitorFilterSpec = { routeTables: [254, 1000], hostAddressLinks: [3, 7] };

for (const order of ['LE', 'BE'] as const) {
  test(`addresses (${order}): host-length prefixes pass only on the listed links, others always`, () => {
    const cases: [string, Buffer, 'keep' | 'drop'][] = [
      ['/32 on link 3', address(order, { family: AF_INET, prefixLength: 32, index: 3 }), 'keep'],
      [
        '/32 on link 7, deleted',
        address(order, { family: AF_INET, prefixLength: 32, index: 7, type: RTM_DELADDR }),
        'keep',
      ],
      ['/32 on link 4', address(order, { family: AF_INET, prefixLength: 32, index: 4 }), 'drop'],
      [
        '/32 on link 4, deleted',
        address(order, { family: AF_INET, prefixLength: 32, index: 4, type: RTM_DELADDR }),
        'drop',
      ],
      // the same bytes of the index, the other way round: the comparison is not endian-blind
      [
        '/32 on link 0x03000000',
        address(order, { family: AF_INET, prefixLength: 32, index: 0x03000000 }),
        'drop',
      ],
      ['/24 on link 4', address(order, { family: AF_INET, prefixLength: 24, index: 4 }), 'keep'],
      ['/31 on link 4', address(order, { family: AF_INET, prefixLength: 31, index: 4 }), 'keep'],
      ['/128 on link 3', address(order, { family: AF_INET6, prefixLength: 128, index: 3 }), 'keep'],
      ['/128 on link 4', address(order, { family: AF_INET6, prefixLength: 128, index: 4 }), 'drop'],
      ['/64 on link 4', address(order, { family: AF_INET6, prefixLength: 64, index: 4 }), 'keep'],
      ['IPv6 /32 on link 4', address(order, { family: AF_INET6, prefixLength: 32, index: 4 }), 'keep'],
      ['another family, /32, link 4', address(order, { family: 28, prefixLength: 32, index: 4 }), 'keep'],
    ];
    for (const [what, packet, want] of cases) assert.equal(decide(BOTH, order, packet), want, what);
    // without hostAddressLinks every address passes
    const routesOnly = { routeTables: [254] };
    assert.equal(
      decide(routesOnly, order, address(order, { family: AF_INET, prefixLength: 32, index: 4 })),
      'keep',
    );
  });

  test(`routes (${order}): only the listed tables pass, found through RTA_TABLE`, () => {
    const cases: [string, Buffer, 'keep' | 'drop'][] = [
      ['IPv4 main', route(order, { family: AF_INET, table: 254 }), 'keep'],
      ['IPv4 main, deleted', route(order, { family: AF_INET, table: 254, type: RTM_DELROUTE }), 'keep'],
      ['IPv4 local', route(order, { family: AF_INET, table: 255 }), 'drop'],
      ['IPv4 local, deleted', route(order, { family: AF_INET, table: 255, type: RTM_DELROUTE }), 'drop'],
      ['IPv6 main', route(order, { family: AF_INET6, table: 254 }), 'keep'],
      ['IPv6 local', route(order, { family: AF_INET6, table: 255 }), 'drop'],
      ['table 1000 (rtm_table 252)', route(order, { family: AF_INET, table: 1000 }), 'keep'],
      ['table 1001 (rtm_table 252)', route(order, { family: AF_INET, table: 1001 }), 'drop'],
      ['table 252 itself', route(order, { family: AF_INET, table: 252 }), 'drop'],
      ['table 0xfe000000 (254 byte-swapped)', route(order, { family: AF_INET, table: 0xfe000000 }), 'drop'],
      // no RTA_TABLE: rtm_table decides, and RT_TABLE_COMPAT passes (its real table is unknown)
      ['main, no RTA_TABLE', route(order, { family: AF_INET, table: 254, tableAttribute: false }), 'keep'],
      ['local, no RTA_TABLE', route(order, { family: AF_INET, table: 255, tableAttribute: false }), 'drop'],
      ['compat, no RTA_TABLE', route(order, { family: AF_INET, table: 5000, tableAttribute: false }), 'keep'],
    ];
    for (const [what, packet, want] of cases) assert.equal(decide(BOTH, order, packet), want, what);
    // without routeTables every route passes
    assert.equal(
      decide({ hostAddressLinks: [3] }, order, route(order, { family: AF_INET, table: 255 })),
      'keep',
    );
    // an empty list lets no route through
    assert.equal(decide({ routeTables: [] }, order, route(order, { family: AF_INET, table: 254 })), 'drop');
  });

  test(`everything else passes untouched (${order}), short messages included`, () => {
    const done = message(order, NLMSG_DONE, u32(order, 0));
    const error = message(order, NLMSG_ERROR, new Uint8Array(20));
    const link = message(order, RTM_NEWLINK, new Uint8Array(16));
    const nexthop = message(order, RTM_NEWNEXTHOP, new Uint8Array(8));
    const bare = message(order, 0x10, new Uint8Array(0)); // a header alone
    const strict: MonitorFilterSpec = { routeTables: [], hostAddressLinks: [] };
    for (const packet of [done, error, link, nexthop, bare])
      assert.equal(decide(strict, order, packet), 'keep');
  });
}

// Prefixes that nest, touch and differ by one bit, of every kind of length; addresses are drawn at
// and just past their edges, so boundaries and family confusion get exercised.
const PREFIX_POOL = [
  '0.0.0.0/0',
  '10.0.0.0/8',
  '10.99.0.0/16',
  '10.99.128.0/17',
  '10.100.0.0/16',
  '192.0.2.7/32',
  '192.0.2.0/31',
  '32.1.13.184/29', // 2001:db8::/29's first word as an IPv4 network
  '::/0',
  '2001:db8::/32',
  '2001:db8:99::/48',
  '2001:db8:99:0:8000::/65',
  '2001:db8::7/128',
  '2001:db8::6/127',
  'a63::/16', // 10.99.0.0/16's first word as an IPv6 network
  'fe80::/10',
];

/** An address of `family` at, just inside or just outside the edge of a pool prefix, or anywhere. */
function nearPrefix(family: number): fc.Arbitrary<string> {
  const pool = PREFIX_POOL.filter((p) => p.includes(':') === (family === AF_INET6));
  const bits = family === AF_INET6 ? 128 : 32;
  return fc
    .tuple(
      fc.constantFrom(...pool),
      fc.integer({ min: 0, max: 5 }),
      fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
    )
    .map(([cidr, how, r]) => {
      const [net, len] = cidr.split('/') as [string, string];
      const size = 1n << BigInt(bits - Number(len));
      const offsets = [0n, size - 1n, -1n, size, r % size, r];
      return addressPlus(net, offsets[how] as bigint);
    });
}

const addressNotification = fc.constantFrom(AF_INET, AF_INET6).chain((family) =>
  fc.record({
    kind: fc.constant('address' as const),
    family: fc.constant(family),
    prefixLength: fc.constantFrom(8, 24, 32, 64, 128),
    index: fc.integer({ min: 1, max: 12 }),
    del: fc.boolean(),
    address: fc.option(nearPrefix(family), { nil: null }),
    local: fc.option(nearPrefix(family), { nil: undefined }),
    broadcast: fc.option(nearPrefix(family), { nil: undefined }),
  }),
);

type AddressCase = typeof addressNotification extends fc.Arbitrary<infer T> ? T : never;

/** The rule, from the README: what a filter lets through of an address notification. */
function addressPasses(spec: MonitorFilterSpec, n: AddressCase): boolean {
  const host = n.prefixLength === (n.family === AF_INET ? 32 : 128);
  if (!host || (!spec.hostAddressLinks && !spec.hostAddressPrefixes)) return true;
  if (spec.hostAddressLinks?.includes(n.index)) return true;
  const prefixes = (spec.hostAddressPrefixes ?? []).filter(
    (p) => p.includes(':') === (n.family === AF_INET6),
  );
  const compared = [n.address, n.local].filter((a): a is string => typeof a === 'string');
  // neither IFA_LOCAL nor IFA_ADDRESS: the address is unknown, and it passes if a prefix could hold it
  if (compared.length === 0) return prefixes.length > 0;
  return compared.some((a) => prefixes.some((p) => inPrefix(a, p)));
}

test('any filter, any notification: the program agrees with the rule it implements', () => {
  const spec = fc.record(
    {
      routeTables: fc.uniqueArray(
        fc.oneof(fc.constantFrom(253, 254, 255), fc.integer({ min: 1, max: 2000 })),
        {
          maxLength: 6,
        },
      ),
      hostAddressLinks: fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { maxLength: 6 }),
      hostAddressPrefixes: fc.uniqueArray(fc.constantFrom(...PREFIX_POOL), { maxLength: 6 }),
    },
    { requiredKeys: [] },
  );
  const notification = fc.oneof(
    addressNotification,
    fc.record({
      kind: fc.constant('route' as const),
      family: fc.constantFrom(AF_INET, AF_INET6),
      table: fc.oneof(fc.constantFrom(252, 253, 254, 255), fc.integer({ min: 1, max: 2000 })),
      tableAttribute: fc.boolean(),
      del: fc.boolean(),
    }),
  );
  fc.assert(
    fc.property(spec, notification, fc.constantFrom('LE' as const, 'BE' as const), (s, n, order) => {
      const normal = monitorFilterSpec(s);
      let packet: Buffer;
      let want: boolean;
      if (n.kind === 'address') {
        packet = address(order, { ...n, type: n.del ? RTM_DELADDR : RTM_NEWADDR });
        want = addressPasses(normal ?? {}, n);
      } else {
        packet = route(order, { ...n, type: n.del ? RTM_DELROUTE : RTM_NEWROUTE });
        const seen = n.tableAttribute ? n.table : n.table > 255 ? 252 : n.table;
        const tables = normal?.routeTables;
        want = !tables || (seen === 252 && !n.tableAttribute) || tables.includes(seen);
      }
      const got = monitorFilterBytes(normal, order);
      const kept = got ? runFilter(decodeProgram(got, order), packet, order) === KEEP : true;
      assert.equal(kept, want, `${JSON.stringify(n)} under ${JSON.stringify(normal)} (${order})`);
    }),
    { numRuns: 4000 },
  );
});

// ---- notifications the kernel really sent ----------------------------------------------------

/** Every message of a recorded step as its own packet (a notification is one message per datagram). */
function recordedMessages(step: RecordedStep): Buffer[] {
  return step.replies.flatMap((hex) => {
    const datagram = Buffer.from(hex, 'hex');
    return parseMessages(datagram).map((m) => {
      const start = m.payload.byteOffset - datagram.byteOffset - 16;
      return datagram.subarray(start, start + 16 + m.payload.length);
    });
  });
}

test('recorded kernel messages (little-endian): kept exactly when their decoded fields say so', () => {
  const specs: MonitorFilterSpec[] = [
    { routeTables: [254, 1000], hostAddressLinks: [3] },
    { routeTables: [1000], hostAddressLinks: [4] },
    // seed-node's 172.31.1.5/32 is on link 4: these let it through by its address, or drop it
    { routeTables: [1000], hostAddressLinks: [3], hostAddressPrefixes: ['172.31.1.0/24'] },
    { routeTables: [254], hostAddressPrefixes: ['172.31.0.0/24', '2001:db8::/32'] },
  ];
  const seen = { address: 0, route: 0, kept: 0, dropped: 0, table1000: 0, byPrefix: 0, outside: 0 };
  for (const spec of specs) {
    const program = monitorFilterProgram(spec, 'LE');
    for (const name of ['seed-node', 'multipath-route', 'ipv6-lifetimes', 'nexthops']) {
      for (const step of loadScenario(name).steps) {
        for (const packet of recordedMessages(step)) {
          const [m] = parseMessages(packet);
          if (!m) continue;
          let want = true;
          if (m.type === RTM_NEWADDR) {
            const a = decodeAddress(m);
            seen.address++;
            const filtered = spec.hostAddressLinks || spec.hostAddressPrefixes;
            if (filtered && a.prefixLength === (a.family === 4 ? 32 : 128)) {
              const inside = [a.address, a.peer].some(
                (x) => x !== undefined && spec.hostAddressPrefixes?.some((p) => inPrefix(x, p)),
              );
              want = spec.hostAddressLinks?.includes(a.index) || inside;
              if (spec.hostAddressPrefixes) seen[inside ? 'byPrefix' : 'outside']++;
            }
          } else if (m.type === RTM_NEWROUTE) {
            const r = decodeRoute(m);
            seen.route++;
            if (r.table === 1000) seen.table1000++;
            want = spec.routeTables?.includes(r.table) ?? true;
          }
          const kept = runFilter(program, packet, 'LE') === KEEP;
          seen[kept ? 'kept' : 'dropped']++;
          assert.equal(
            kept,
            want,
            `${name}: ${step.request}: message type ${m.type} under ${JSON.stringify(spec)}`,
          );
        }
      }
    }
  }
  // the recordings hold what the filter must tell apart: /32s, other tables, a table above 255
  assert.ok(
    seen.address >= 10 &&
      seen.table1000 >= 2 &&
      seen.dropped >= 10 &&
      seen.kept >= 10 &&
      seen.byPrefix >= 1 &&
      seen.outside >= 1,
    JSON.stringify(seen),
  );
});

// ---- bad filters ------------------------------------------------------------------------------

test('bad filters are TypeErrors or RangeErrors naming the field; empty ones filter nothing', () => {
  const bad: [unknown, typeof TypeError | typeof RangeError, RegExp][] = [
    [null, TypeError, /must be an object/],
    [[254], TypeError, /must be an object/],
    [{ routeTable: [254] }, TypeError, /unknown monitor filter field "routeTable"/],
    [{ routeTables: 254 }, TypeError, /routeTables must be an array/],
    [{ routeTables: ['mian'] }, TypeError, /unknown route table "mian"/],
    [{ routeTables: ['all'] }, RangeError, /routeTables\[0\].*leave routeTables out/],
    [{ routeTables: [0] }, RangeError, /routeTables\[0\]/],
    [{ routeTables: [2 ** 32] }, RangeError, /route table/],
    [{ routeTables: [true] }, TypeError, /routeTables\[0\] must be a table/],
    [{ hostAddressLinks: ['v0'] }, TypeError, /hostAddressLinks\[0\] must be an ifindex/],
    [{ hostAddressLinks: [0] }, RangeError, /hostAddressLinks\[0\].*1\.\.2147483647/],
    [{ hostAddressLinks: [1.5] }, RangeError, /hostAddressLinks\[0\]/],
    [
      { hostAddressLinks: Array.from({ length: MAX_FILTER_VALUES + 1 }, (_, i) => i + 1) },
      RangeError,
      /at most 255/,
    ],
  ];
  for (const [filter, type, message] of bad) {
    assert.throws(
      () => monitorFilterSpec(filter as never),
      (e: Error) => e instanceof type && message.test(e.message),
      JSON.stringify(filter),
    );
  }
  assert.equal(monitorFilterSpec(undefined), undefined);
  assert.equal(monitorFilterSpec({}), undefined);
  assert.equal(monitorFilterSpec({ routeTables: undefined }), undefined);
  // the largest lists still assemble (every jump within reach)
  const full = monitorFilterSpec({
    routeTables: Array.from({ length: MAX_FILTER_VALUES }, (_, i) => i + 1),
    hostAddressLinks: Array.from({ length: MAX_FILTER_VALUES }, (_, i) => i + 1),
  }) as MonitorFilterSpec;
  const program = monitorFilterProgram(full, 'LE');
  assert.equal(
    runFilter(program, address('LE', { family: AF_INET, prefixLength: 32, index: 1 }), 'LE'),
    KEEP,
  );
  assert.equal(runFilter(program, address('LE', { family: AF_INET, prefixLength: 32, index: 256 }), 'LE'), 0);
  assert.equal(runFilter(program, route('LE', { family: AF_INET, table: 1 }), 'LE'), KEEP);
});

test('the assembler refuses what the kernel would', () => {
  const ret = (): Step => [RET_K, 0, 0, 0];
  assert.throws(
    () =>
      assemble([
        [JEQ_K, 'end', 0, 1],
        ...Array.from({ length: 256 }, ret),
        { label: 'end' },
        [RET_K, 0, 0, 1],
      ]),
    /out of reach/,
  );
  assert.throws(
    () =>
      assemble([
        [JEQ_K, 'nowhere', 0, 1],
        [RET_K, 0, 0, 0],
      ]),
    /not defined/,
  );
  assert.throws(() => assemble([{ label: 'a' }, { label: 'a' }, [RET_K, 0, 0, 0]]), /defined twice/);
  assert.throws(() => assemble([]), /1\.\.4096 instructions/);
  assert.throws(() => assemble(Array.from({ length: 4097 }, ret)), /got 4097/);
  // 255 is still within reach
  const reach = assemble([
    [JEQ_K, 'end', 0, 1],
    ...Array.from({ length: 255 }, ret),
    { label: 'end' },
    ret(),
  ]);
  assert.deepEqual(reach[0], [JEQ_K, 255, 0, 1]);
});
