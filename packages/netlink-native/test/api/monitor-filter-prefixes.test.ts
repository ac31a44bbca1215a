// hostAddressPrefixes in the monitor's kernel filter: the canonical form, golden programs on both
// byte orders, decisions on hand-built IPv4/IPv6 notifications (edges of prefixes, /0, /32, /128,
// point-to-point addresses whose IFA_LOCAL and IFA_ADDRESS differ), bad input, and the program at
// the limits. The property test in monitor-filter-program.test.ts covers the rule as a whole.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Insn, MAX_INSNS } from '../../src/api/cbpf.ts';
import {
  MAX_FILTER_VALUES,
  MAX_IPV4_PREFIXES,
  MAX_IPV6_PREFIXES,
  type MonitorFilter,
  type MonitorFilterSpec,
  monitorFilterProgram,
  monitorFilterSpec,
} from '../../src/api/monitor-filter.ts';
import { runFilter } from './cbpf-evaluator.ts';
import {
  type AddressMessage,
  AF_INET,
  AF_INET6,
  address,
  costliestFilter,
  decide,
  KEEP,
  RTM_DELADDR,
  route,
} from './filter-messages.ts';

const NLATTR = 0xfffff00c;

test('prefixes are checked, made canonical, sorted (IPv4 first) and merged; the list is frozen', () => {
  const spec = monitorFilterSpec({
    hostAddressPrefixes: [
      '2001:DB8:0::/32',
      '10.99.0.0/16',
      '::/0',
      '10.0.0.0/8',
      '10.99.0.0/16',
      '0.0.0.0/0',
    ],
  }) as MonitorFilterSpec;
  assert.deepEqual(spec, {
    hostAddressPrefixes: ['0.0.0.0/0', '10.0.0.0/8', '10.99.0.0/16', '::/0', '2001:db8::/32'],
  });
  assert.ok(Object.isFrozen(spec) && Object.isFrozen(spec.hostAddressPrefixes));
  // same network, other lengths: by length; IPv4-mapped IPv6 stays IPv6
  assert.deepEqual(
    monitorFilterSpec({ hostAddressPrefixes: ['::ffff:10.0.0.0/104', '10.0.0.0/16', '10.0.0.0/8'] }),
    { hostAddressPrefixes: ['10.0.0.0/8', '10.0.0.0/16', '::ffff:10.0.0.0/104'] },
  );
  // an empty list is a filter: it lets no host address through
  assert.deepEqual(monitorFilterSpec({ hostAddressPrefixes: [] }), { hostAddressPrefixes: [] });
});

// ---- golden programs -------------------------------------------------------------------------

const PREFIXES_ONLY: MonitorFilter = {
  hostAddressPrefixes: ['10.99.0.0/16', '192.0.2.7/32', '10.98.0.0/16'],
};

/** PREFIXES_ONLY on a little-endian host. */
const PREFIXES_ONLY_LE: Insn[] = [
  [0x28, 0, 0, 4], // ldh [4]: nlmsg_type
  [0x15, 2, 0, 0x1400], // RTM_NEWADDR, as a little-endian u16 reads
  [0x15, 1, 0, 0x1500], // RTM_DELADDR
  [0x06, 0, 0, KEEP],
  [0x30, 0, 0, 16], // ldb [16]: ifa_family
  [0x15, 1, 0, 2],
  [0x15, 2, 4, 10],
  [0x30, 0, 0, 17], // ldb [17]: ifa_prefixlen
  [0x15, 3, 2, 32], // /32: a host address
  [0x30, 0, 0, 17],
  [0x15, 1, 0, 128], // /128: a host address
  [0x06, 0, 0, KEEP], // any other length
  [0x30, 0, 0, 16], // 12: no link list: straight to the prefixes of the address's family
  [0x15, 1, 0, 2], // AF_INET
  [0x05, 0, 0, 34], // else IPv6: ja 49
  [0x00, 0, 0, 24], // 15: ld #24, the first ifaddrmsg attribute
  [0x01, 0, 0, 2], // ldx #IFA_LOCAL
  [0x20, 0, 0, NLATTR], // A = its offset, or 0
  [0x15, 0, 1, 0],
  [0x05, 0, 0, 14], // none: ja 34
  [0x07, 0, 0, 0], // tax
  [0x40, 0, 0, 4], // ld [x + 4]: the address, network order = as BPF reads it
  [0x54, 0, 0, 0xffff0000], // and #/16
  [0x15, 1, 0, 0x0a620000], // 10.98.0.0/16
  [0x15, 0, 1, 0x0a630000], // 10.99.0.0/16
  [0x06, 0, 0, KEEP],
  [0x40, 0, 0, 4], // the /32 run: no mask
  [0x15, 0, 1, 0xc0000207], // 192.0.2.7/32
  [0x06, 0, 0, KEEP],
  [0x00, 0, 0, 24], // 29: IFA_LOCAL missed every prefix; now IFA_ADDRESS
  [0x01, 0, 0, 1],
  [0x20, 0, 0, NLATTR],
  [0x15, 0, 6, 0], // found: compare it (39)
  [0x06, 0, 0, 0], // none: IFA_LOCAL decided, drop
  [0x00, 0, 0, 24], // 34: no IFA_LOCAL
  [0x01, 0, 0, 1],
  [0x20, 0, 0, NLATTR],
  [0x15, 0, 1, 0],
  [0x06, 0, 0, KEEP], // no address attribute at all: keep
  [0x07, 0, 0, 0], // 39: IFA_ADDRESS, the same runs again
  [0x40, 0, 0, 4],
  [0x54, 0, 0, 0xffff0000],
  [0x15, 1, 0, 0x0a620000],
  [0x15, 0, 1, 0x0a630000],
  [0x06, 0, 0, KEEP],
  [0x40, 0, 0, 4],
  [0x15, 0, 1, 0xc0000207],
  [0x06, 0, 0, KEEP],
  [0x06, 0, 0, 0],
  [0x06, 0, 0, 0], // 49: IPv6 host addresses: no IPv6 prefix, no link list
];

const LINKS_AND_PREFIXES: MonitorFilter = {
  hostAddressLinks: [5],
  hostAddressPrefixes: ['2001:db8:99::/48'],
};

/** LINKS_AND_PREFIXES on a little-endian host. */
const LINKS_AND_PREFIXES_LE: Insn[] = [
  [0x28, 0, 0, 4],
  [0x15, 2, 0, 0x1400],
  [0x15, 1, 0, 0x1500],
  [0x06, 0, 0, KEEP],
  [0x30, 0, 0, 16],
  [0x15, 1, 0, 2],
  [0x15, 2, 4, 10],
  [0x30, 0, 0, 17],
  [0x15, 3, 2, 32],
  [0x30, 0, 0, 17],
  [0x15, 1, 0, 128],
  [0x06, 0, 0, KEEP],
  [0x20, 0, 0, 20], // 12: ld [20]: ifa_index
  [0x15, 1, 0, 0x05000000], // ifindex 5, as a little-endian u32 reads
  [0x05, 0, 0, 1], // no listed link: the prefixes decide (16)
  [0x06, 0, 0, KEEP],
  [0x30, 0, 0, 16], // 16
  [0x15, 1, 0, 2],
  [0x05, 0, 0, 1], // IPv6: ja 20
  [0x06, 0, 0, 0], // IPv4: no IPv4 prefix
  [0x00, 0, 0, 24], // 20: IFA_LOCAL
  [0x01, 0, 0, 2],
  [0x20, 0, 0, NLATTR],
  [0x15, 0, 1, 0],
  [0x05, 0, 0, 12], // none: ja 37
  [0x07, 0, 0, 0],
  [0x40, 0, 0, 4], // word 0
  [0x15, 0, 4, 0x20010db8], // 2001:db8: else past the run (32)
  [0x40, 0, 0, 8], // word 1
  [0x54, 0, 0, 0xffff0000], // its top 16 bits: /48
  [0x15, 0, 1, 0x00990000], // :99
  [0x06, 0, 0, KEEP],
  [0x00, 0, 0, 24], // 32: IFA_ADDRESS
  [0x01, 0, 0, 1],
  [0x20, 0, 0, NLATTR],
  [0x15, 0, 6, 0],
  [0x06, 0, 0, 0],
  [0x00, 0, 0, 24], // 37
  [0x01, 0, 0, 1],
  [0x20, 0, 0, NLATTR],
  [0x15, 0, 1, 0],
  [0x06, 0, 0, KEEP],
  [0x07, 0, 0, 0], // 42
  [0x40, 0, 0, 4],
  [0x15, 0, 4, 0x20010db8],
  [0x40, 0, 0, 8],
  [0x54, 0, 0, 0xffff0000],
  [0x15, 0, 1, 0x00990000],
  [0x06, 0, 0, KEEP],
  [0x06, 0, 0, 0],
];

/** `golden` with the k of the given instructions replaced. */
const withK = (golden: Insn[], ks: Record<number, number>): Insn[] =>
  golden.map(([c, jt, jf, k], i) => [c, jt, jf, ks[i] ?? k]);

test('golden program: prefixes only (little-endian host)', () => {
  assert.deepEqual(
    monitorFilterProgram(monitorFilterSpec(PREFIXES_ONLY) as MonitorFilterSpec, 'LE'),
    PREFIXES_ONLY_LE,
  );
});

test('golden program: prefixes only (big-endian host): the message types unswapped, address words the same', () => {
  assert.deepEqual(
    monitorFilterProgram(monitorFilterSpec(PREFIXES_ONLY) as MonitorFilterSpec, 'BE'),
    withK(PREFIXES_ONLY_LE, { 1: 20, 2: 21 }),
  );
});

test('golden program: links and prefixes (little-endian host)', () => {
  assert.deepEqual(
    monitorFilterProgram(monitorFilterSpec(LINKS_AND_PREFIXES) as MonitorFilterSpec, 'LE'),
    LINKS_AND_PREFIXES_LE,
  );
});

test('golden program: links and prefixes (big-endian host): types and ifindex unswapped, words the same', () => {
  assert.deepEqual(
    monitorFilterProgram(monitorFilterSpec(LINKS_AND_PREFIXES) as MonitorFilterSpec, 'BE'),
    withK(LINKS_AND_PREFIXES_LE, { 1: 20, 2: 21, 13: 5 }),
  );
});

test('an empty prefix list adds nothing to a link list; with no link list it drops every host address', () => {
  assert.deepEqual(
    monitorFilterProgram({ hostAddressLinks: [5], hostAddressPrefixes: [] }, 'LE'),
    monitorFilterProgram({ hostAddressLinks: [5] }, 'LE'),
  );
  const none = monitorFilterProgram({ hostAddressPrefixes: [] }, 'LE');
  assert.deepEqual(none.slice(12), [[0x06, 0, 0, 0]]);
});

// ---- decisions on hand-built notifications ----------------------------------------------------

type Case = [
  what: string,
  message: Omit<AddressMessage, 'family' | 'prefixLength' | 'index'> & {
    index?: number;
    prefixLength?: number;
  },
  want: 'keep' | 'drop',
];

/** Runs each case as a host-length notification of `family` on link 4 unless it says otherwise. */
function check(spec: MonitorFilter, family: number, cases: Case[]): void {
  const normal = monitorFilterSpec(spec) as MonitorFilterSpec;
  for (const order of ['LE', 'BE'] as const) {
    for (const [what, m, want] of cases) {
      const packet = address(order, {
        family,
        prefixLength: family === AF_INET ? 32 : 128,
        index: 4,
        ...m,
      });
      assert.equal(decide(normal, order, packet), want, `${what} (${order}) under ${JSON.stringify(normal)}`);
    }
  }
}

/** The kernel's usual layout: IFA_ADDRESS, and for IPv4 an equal IFA_LOCAL. */
const v4 = (a: string) => ({ address: a, local: a });
const v6 = (a: string) => ({ address: a });

const SPEC: MonitorFilter = {
  hostAddressPrefixes: ['10.99.0.0/16', '192.0.2.7/32', '2001:db8:99::/48', '2001:db8::7/128'],
};

test('IPv4 host addresses pass inside a prefix, up to its edges, and not a step beyond', () => {
  check(SPEC, AF_INET, [
    ['inside', v4('10.99.3.4'), 'keep'],
    ['first address', v4('10.99.0.0'), 'keep'],
    ['last address', v4('10.99.255.255'), 'keep'],
    ['one before', v4('10.98.255.255'), 'drop'],
    ['one after', v4('10.100.0.0'), 'drop'],
    ['deleted, inside', { ...v4('10.99.3.4'), type: RTM_DELADDR }, 'keep'],
    ['deleted, outside', { ...v4('10.60.3.4'), type: RTM_DELADDR }, 'drop'],
    ['a /32 prefix: the address itself', v4('192.0.2.7'), 'keep'],
    ['a /32 prefix: one below', v4('192.0.2.6'), 'drop'],
    ['a /32 prefix: one above', v4('192.0.2.8'), 'drop'],
    // the address bytes the other way round: the words are compared in network order
    ['10.99.3.4 byte-reversed', v4('4.3.99.10'), 'drop'],
    ['0.0.99.10 (10.99.0.0 read little-endian)', v4('0.0.99.10'), 'drop'],
    ['the first word of 2001:db8:99::/48 as IPv4', v4('32.1.13.184'), 'drop'],
    ['not a host address, outside', { ...v4('10.60.0.1'), prefixLength: 24 }, 'keep'],
    ['IFA_BROADCAST inside is not the address', { ...v4('10.60.0.1'), broadcast: '10.99.0.255' }, 'drop'],
  ]);
});

test('IPv4 point-to-point: IFA_LOCAL or IFA_ADDRESS (the peer) inside passes; neither found passes', () => {
  check(SPEC, AF_INET, [
    ['local outside, peer inside', { local: '10.60.0.1', address: '10.99.0.1' }, 'keep'],
    ['local inside, peer outside', { local: '10.99.0.1', address: '10.60.0.1' }, 'keep'],
    ['both outside', { local: '10.60.0.1', address: '10.61.0.1' }, 'drop'],
    ['IFA_LOCAL alone, inside', { local: '10.99.0.1', address: null }, 'keep'],
    ['IFA_LOCAL alone, outside', { local: '10.60.0.1', address: null }, 'drop'],
    ['IFA_ADDRESS alone, inside', { address: '192.0.2.7' }, 'keep'],
    ['IFA_ADDRESS alone, outside', { address: '192.0.2.9' }, 'drop'],
    ['neither attribute: the address is unknown', { address: null }, 'keep'],
  ]);
});

test('IPv6 host addresses: every word compared, the partial one masked, /128 exactly', () => {
  check(SPEC, AF_INET6, [
    ['inside', v6('2001:db8:99::1'), 'keep'],
    ['first address', v6('2001:db8:99::'), 'keep'],
    ['last address', v6('2001:db8:99:ffff:ffff:ffff:ffff:ffff'), 'keep'],
    ['one before', v6('2001:db8:98:ffff:ffff:ffff:ffff:ffff'), 'drop'],
    ['one after', v6('2001:db8:9a::'), 'drop'],
    ['the first word differs', v6('2001:db9:99::1'), 'drop'],
    ['the prefix in the wrong words', v6('::2001:db8:99:0:0'), 'drop'],
    ['a /128 prefix: the address itself', v6('2001:db8::7'), 'keep'],
    ['a /128 prefix: one below', v6('2001:db8::6'), 'drop'],
    ['a /128 prefix: one above', v6('2001:db8::8'), 'drop'],
    ['a /128 prefix: the last word alone matches', v6('2001:db9::7'), 'drop'],
    ['10.99.0.0/16 as the first IPv6 word', v6('a63::1'), 'drop'],
    ['deleted, inside', { ...v6('2001:db8:99::1'), type: RTM_DELADDR }, 'keep'],
    ['not a host address, outside', { ...v6('2001:db8:60::1'), prefixLength: 64 }, 'keep'],
    ['point-to-point, peer inside', { local: '2001:db8:60::1', address: '2001:db8:99::1' }, 'keep'],
    ['point-to-point, local inside', { local: '2001:db8:99::1', address: '2001:db8:60::1' }, 'keep'],
    ['point-to-point, both outside', { local: '2001:db8:60::1', address: '2001:db8:61::1' }, 'drop'],
    ['neither attribute', { address: null }, 'keep'],
  ]);
});

test('/0 takes in its whole family and only its family; an absent family lets none through', () => {
  check({ hostAddressPrefixes: ['0.0.0.0/0'] }, AF_INET, [
    ['any IPv4', v4('203.0.113.9'), 'keep'],
    ['0.0.0.0', v4('0.0.0.0'), 'keep'],
    ['255.255.255.255', v4('255.255.255.255'), 'keep'],
  ]);
  check({ hostAddressPrefixes: ['0.0.0.0/0'] }, AF_INET6, [
    ['any IPv6', v6('2001:db8::1'), 'drop'],
    ['no attribute: no IPv6 prefix could hold it', { address: null }, 'drop'],
  ]);
  check({ hostAddressPrefixes: ['::/0'] }, AF_INET6, [['any IPv6', v6('fe80::1'), 'keep']]);
  check({ hostAddressPrefixes: ['::/0'] }, AF_INET, [['any IPv4', v4('10.99.0.1'), 'drop']]);
  check({ hostAddressPrefixes: ['2001:db8::/32'] }, AF_INET, [
    ['its first word as IPv4', v4('32.1.13.184'), 'drop'],
  ]);
});

test('links OR prefixes: either one lets a host address through', () => {
  const spec: MonitorFilter = {
    hostAddressLinks: [3, 7],
    hostAddressPrefixes: ['10.99.0.0/16', '2001:db8:99::/48'],
  };
  check(spec, AF_INET, [
    ['listed link, outside', { ...v4('10.60.0.1'), index: 7 }, 'keep'],
    ['other link, inside', { ...v4('10.99.0.1'), index: 4 }, 'keep'],
    ['other link, outside', { ...v4('10.60.0.1'), index: 4 }, 'drop'],
    ['ifindex 3 byte-swapped, outside', { ...v4('10.60.0.1'), index: 0x03000000 }, 'drop'],
  ]);
  check(spec, AF_INET6, [
    ['listed link, outside', { ...v6('2001:db8:60::1'), index: 3 }, 'keep'],
    ['other link, inside', { ...v6('2001:db8:99::1'), index: 4 }, 'keep'],
    ['other link, outside', { ...v6('2001:db8:60::1'), index: 4 }, 'drop'],
  ]);
  // prefixes alone: no link counts
  check({ hostAddressPrefixes: ['10.99.0.0/16'] }, AF_INET, [
    ['link 3, outside', { ...v4('10.60.0.1'), index: 3 }, 'drop'],
  ]);
});

// ---- bad input and limits ----------------------------------------------------------------------

test('bad prefixes are TypeErrors or RangeErrors naming the field and index', () => {
  const v4s = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => `10.${(from + i) >> 8}.${(from + i) & 255}.0/24`);
  const v6s = (n: number) => Array.from({ length: n }, (_, i) => `2001:db8:${i.toString(16)}::/48`);
  const bad: [unknown, typeof TypeError | typeof RangeError, RegExp][] = [
    ['10.0.0.0/8', TypeError, /hostAddressPrefixes must be an array/],
    [[10], TypeError, /hostAddressPrefixes\[0\] must be CIDR text like "10\.0\.0\.0\/8"/],
    [['10.0.0.0/8', '10.0.0.0'], TypeError, /hostAddressPrefixes\[1\] must be CIDR text.*got "10\.0\.0\.0"/],
    [['10.0.0.256/24'], TypeError, /hostAddressPrefixes\[0\]/],
    [['10.0.0.0/x'], TypeError, /hostAddressPrefixes\[0\]/],
    [['10.0.0.0/'], TypeError, /hostAddressPrefixes\[0\]/],
    [['10.0.0.0/-1'], TypeError, /hostAddressPrefixes\[0\]/],
    [['10.0.0.0/0008'], TypeError, /hostAddressPrefixes\[0\]/],
    [['10.0.0.0/8/8'], TypeError, /hostAddressPrefixes\[0\]/],
    [['kube-lb0/32'], TypeError, /hostAddressPrefixes\[0\]/],
    [
      ['10.0.0.0/33'],
      RangeError,
      /hostAddressPrefixes\[0\]: prefix length 33 is out of range for IPv4 \(0-32\)/,
    ],
    [['2001:db8::/129'], RangeError, /prefix length 129 is out of range for IPv6 \(0-128\)/],
    [
      ['10.1.2.3/16'],
      RangeError,
      /hostAddressPrefixes\[0\]: "10\.1\.2\.3\/16" has host bits set; the network is 10\.1\.0\.0\/16/,
    ],
    [['2001:db8::1/64'], RangeError, /the network is 2001:db8::\/64/],
    [['0.0.0.1/0'], RangeError, /the network is 0\.0\.0\.0\/0/],
    [['::/0', '10.0.0.128/25', '10.0.0.129/25'], RangeError, /hostAddressPrefixes\[2\].*10\.0\.0\.128\/25/],
    [v4s(MAX_IPV4_PREFIXES + 1), RangeError, /at most 255 IPv4 prefixes, got 256/],
    [v6s(MAX_IPV6_PREFIXES + 1), RangeError, /at most 128 IPv6 prefixes, got 129/],
  ];
  for (const [prefixes, type, message] of bad) {
    assert.throws(
      () => monitorFilterSpec({ hostAddressPrefixes: prefixes as string[] }),
      (e: Error) => e instanceof type && message.test(e.message),
      JSON.stringify(prefixes).slice(0, 80),
    );
  }
  // the limits count distinct prefixes of each family: duplicates and the other family do not count
  const full = [...v4s(MAX_IPV4_PREFIXES), '10.0.0.0/24', ...v6s(MAX_IPV6_PREFIXES)];
  assert.equal(monitorFilterSpec({ hostAddressPrefixes: full })?.hostAddressPrefixes?.length, 383);
  // what monitorFilterProgram is handed is checked too, not trusted
  assert.throws(() => monitorFilterProgram({ hostAddressPrefixes: ['10.1.2.3/16'] }, 'LE'), RangeError);
});

test('at every limit the program fits: 3840 of 4096 instructions, each jump within reach', () => {
  assert.equal(MAX_IPV4_PREFIXES, MAX_FILTER_VALUES);
  const spec = monitorFilterSpec(costliestFilter()) as MonitorFilterSpec;
  assert.equal(spec.hostAddressPrefixes?.length, MAX_IPV4_PREFIXES + MAX_IPV6_PREFIXES);
  for (const order of ['LE', 'BE'] as const) {
    const program = monitorFilterProgram(spec, order);
    // 7 dispatch, 8 address, 258 links, 3 family, 2×350+18 IPv4, 2×1280+18 IPv6, 268 routes (one
    // fewer on a big-endian host: no shift of rtm_table)
    assert.equal(program.length, order === 'LE' ? 3840 : 3839);
    assert.ok(program.length < MAX_INSNS);
    const run = (m: AddressMessage) =>
      runFilter(program, address(order, m), order) === KEEP ? 'keep' : 'drop';
    const host4 = (a: string, index = 256) => run({ family: AF_INET, prefixLength: 32, index, ...v4(a) });
    const host6 = (a: string, index = 256) => run({ family: AF_INET6, prefixLength: 128, index, ...v6(a) });
    assert.equal(host4('10.0.222.9'), 'keep', 'the last /24');
    assert.equal(host4('0.0.0.0'), 'keep', 'the /32');
    assert.equal(host4('200.1.1.1'), 'drop');
    assert.equal(host4('200.1.1.1', 255), 'keep', 'the last link');
    assert.equal(host6('2001:db8::1'), 'keep', 'the first /127');
    assert.equal(host6('2001:db8:7f::1'), 'keep', 'the last /127');
    assert.equal(host6('2001:db8:7f::2'), 'drop');
    assert.equal(host6('2001:db8:80::'), 'drop');
    assert.equal(
      runFilter(program, route(order, { family: AF_INET, table: 255 }), order),
      KEEP,
      'the last table',
    );
    assert.equal(runFilter(program, route(order, { family: AF_INET, table: 256 }), order), 0);
  }
});

test('a run as long as the limits allow stays within a conditional jump', () => {
  // one IPv4 run of 255 values; one IPv6 run of 128 values behind three leading words and a mask
  const v4s = Array.from({ length: MAX_IPV4_PREFIXES }, (_, i) => `198.51.${i}.7/32`);
  const v6s = Array.from(
    { length: MAX_IPV6_PREFIXES },
    (_, i) => `2001:db8:1:2:3:4:5:${(2 * i).toString(16)}/127`,
  );
  const spec = monitorFilterSpec({ hostAddressPrefixes: [...v4s, ...v6s] }) as MonitorFilterSpec;
  const program = monitorFilterProgram(spec, 'LE');
  const run = (m: AddressMessage) => (runFilter(program, address('LE', m), 'LE') === KEEP ? 'keep' : 'drop');
  assert.equal(run({ family: AF_INET, prefixLength: 32, index: 1, ...v4('198.51.0.7') }), 'keep');
  assert.equal(run({ family: AF_INET, prefixLength: 32, index: 1, ...v4('198.51.254.7') }), 'keep');
  assert.equal(run({ family: AF_INET, prefixLength: 32, index: 1, ...v4('198.51.255.7') }), 'drop');
  assert.equal(run({ family: AF_INET6, prefixLength: 128, index: 1, ...v6('2001:db8:1:2:3:4:5:0') }), 'keep');
  assert.equal(
    run({ family: AF_INET6, prefixLength: 128, index: 1, ...v6('2001:db8:1:2:3:4:5:ff') }),
    'keep',
  );
  assert.equal(
    run({ family: AF_INET6, prefixLength: 128, index: 1, ...v6('2001:db8:1:2:3:4:5:100') }),
    'drop',
  );
  assert.equal(run({ family: AF_INET6, prefixLength: 128, index: 1, ...v6('2001:db8:1:2:3:4:6:0') }), 'drop');
});
