// Re-records the kernel replies in test/fixtures/replies/: each scenario builds a throw-away
// namespace with `ip`, then scripts/record-replies.py (a raw AF_NETLINK socket with EXT_ACK and
// STRICT_CHK) sends requests made by our encoders inside it and keeps every datagram the kernel
// returns. `ip -j` output of the same state is stored beside the bytes so the decode tests can
// cross-check against iproute2's own reading. Run as root:
//   node_modules/.bin/node --conditions=purelb-source packages/netlink-native/scripts/record-replies.ts [name...]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inNetns, ipJson, netnsUnavailableReason, withNetns } from '../../../test/support/netns.ts';
import { encodeGetFdb, encodeGetFdbs, encodeNewFdb, FDB_FLAGS, FDB_STATE_BITS } from '../src/codec/fdb.ts';
import {
  AF_INET,
  AttrWriter,
  encodeGetAddress,
  encodeGetLink,
  encodeGetNexthop,
  encodeGetNexthops,
  encodeGetRoute,
  encodeGetRoutes,
  encodeNewAddress,
  encodeNewLink,
  encodeNewRoute,
  IFA_F_NODAD,
  IFA_FLAGS,
  IFA_LOCAL,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_EXCL,
  NLM_F_REQUEST,
  RTM_NEWADDR,
} from '../src/codec/index.ts';
import { parseMac } from '../src/codec/ip.ts';
import { encodeGetNeighbour, encodeGetNeighbours } from '../src/codec/neighbour.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, '..', 'test', 'fixtures', 'replies');
const PY = join(HERE, 'record-replies.py');

interface Step {
  /** What the request is, in words and as the encoder call that made it. */
  request: string;
  hex: string;
  sock?: number;
  until?: 'done' | 'reply';
  recvSize?: number;
  interleave?: Step[];
}

interface Scenario {
  name: string;
  description: string;
  /** `sysctl -w` settings made inside the namespace before setup. */
  sysctl?: string[];
  setup: string[];
  /** Built after setup, so requests can use the namespace's ifindexes. */
  steps: (ix: Record<string, number>) => Step[];
  /** `ip -j` commands whose output is stored for cross-checking. */
  ipJson: string[];
  notes?: string;
}

const hex = (b: Buffer): string => b.toString('hex');
const need = (ix: Record<string, number>, n: string): number => {
  const v = ix[n];
  if (v === undefined) throw new Error(`no link ${n}`);
  return v;
};

// The seed's node: enp1s0 (a veth renamed) with the node address and default route, and the
// kube-lb0 dummy-like device (ifb here: the kernel has no dummy driver) holding PureLB's VIPs.
const SEED_SETUP = [
  'link add tmp0 type veth peer name enp1s0-peer',
  'link set tmp0 name enp1s0',
  'link set enp1s0 address 52:54:00:12:34:56',
  'link set enp1s0-peer address 52:54:00:65:43:21',
  'link set enp1s0 up',
  'link set enp1s0-peer up',
  'address add 172.30.250.104/24 dev enp1s0',
  'route add default via 172.30.250.1 dev enp1s0 metric 100',
  'link add kube-lb0 type ifb',
  'link set kube-lb0 up',
  'address add 172.31.1.5/32 dev kube-lb0',
  'address add 172.31.2.128/24 dev kube-lb0',
  'address add 172.31.0.9/24 dev kube-lb0',
];

const SCENARIOS: Scenario[] = [
  {
    name: 'seed-node',
    description:
      "The seed's node: enp1s0 172.30.250.104/24, default via 172.30.250.1 metric 100, kube-lb0 with three VIPs.",
    setup: SEED_SETUP,
    steps: () => [
      { request: 'encodeGetLink({ dump: true })', hex: hex(encodeGetLink({ dump: true })) },
      {
        request: "encodeGetLink({ name: 'kube-lb0' })",
        hex: hex(encodeGetLink({ name: 'kube-lb0' })),
        until: 'reply',
      },
      { request: 'encodeGetAddress({ family: 4 })', hex: hex(encodeGetAddress({ family: 4 })) },
      { request: 'encodeGetRoutes({ family: 4 })', hex: hex(encodeGetRoutes({ family: 4 })) },
      {
        request: "encodeGetRoute({ dst: '8.8.8.8' }) (a lookup only: nothing is sent to that address)",
        hex: hex(encodeGetRoute({ dst: '8.8.8.8' })),
        until: 'reply',
      },
    ],
    ipJson: ['link show', '-4 address show', '-4 route show'],
  },
  {
    name: 'ipv6-lifetimes',
    description: 'An IPv6 address with finite lifetimes next to a permanent one.',
    setup: [
      'link add v0 type veth peer name v1',
      'link set v0 up',
      '-6 address add 2001:db8::10/64 dev v0 valid_lft 3600 preferred_lft 1800 nodad',
      '-6 address add 2001:db8:0:1::1/64 dev v0 nodad noprefixroute',
    ],
    steps: (ix) => [
      {
        request: `encodeGetAddress({ family: 6, index: ${need(ix, 'v0')} })`,
        hex: hex(encodeGetAddress({ family: 6, index: need(ix, 'v0') })),
      },
      { request: 'encodeGetRoutes({ family: 6 })', hex: hex(encodeGetRoutes({ family: 6 })) },
    ],
    ipJson: ['-6 address show dev v0', '-6 route show'],
  },
  {
    name: 'multipath-route',
    description: 'A multipath route with two weighted nexthops, plus a route in table 1000.',
    setup: [
      'link add v0 type veth peer name v1',
      'link set v0 up',
      'link set v1 up',
      'address add 10.0.0.1/24 dev v0',
      'route add 10.2.0.0/16 metric 20 nexthop via 10.0.0.2 dev v0 weight 1 nexthop via 10.0.0.3 dev v0 weight 3',
      'route add 10.3.0.0/16 via 10.0.0.3 table 1000 proto static',
    ],
    steps: () => [
      { request: 'encodeGetRoutes({ family: 4 })', hex: hex(encodeGetRoutes({ family: 4 })) },
      {
        request: 'encodeGetRoutes({ family: 4, table: 1000 })',
        hex: hex(encodeGetRoutes({ family: 4, table: 1000 })),
      },
    ],
    ipJson: ['-4 route show', '-4 route show table 1000'],
  },
  {
    name: 'eexist-error',
    description: 'Adding an IPv6 address and an IPv4 route that already exist: NLMSG_ERROR EEXIST.',
    setup: [
      'link add v0 type veth peer name v1',
      'link set v0 up',
      'address add 10.0.0.1/24 dev v0',
      '-6 address add 2001:db8::1/64 dev v0 nodad',
    ],
    steps: (ix) => [
      {
        request: `encodeNewAddress({ index: ${need(ix, 'v0')}, address: '2001:db8::1', prefixLength: 64, flags: IFA_F_NODAD })`,
        hex: hex(
          encodeNewAddress({
            index: need(ix, 'v0'),
            address: '2001:db8::1',
            prefixLength: 64,
            flags: IFA_F_NODAD,
          }),
        ),
      },
      {
        request: `encodeNewAddress({ index: ${need(ix, 'v0')}, address: '10.0.0.1', prefixLength: 24 })`,
        hex: hex(encodeNewAddress({ index: need(ix, 'v0'), address: '10.0.0.1', prefixLength: 24 })),
      },
      {
        request: `encodeNewRoute({ dst: '10.0.0.0', dstLength: 24, oif: ${need(ix, 'v0')}, protocol: 2, scope: 253, prefsrc: '10.0.0.1' })`,
        hex: hex(
          encodeNewRoute({
            dst: '10.0.0.0',
            dstLength: 24,
            oif: need(ix, 'v0'),
            protocol: 2,
            scope: 253,
            prefsrc: '10.0.0.1',
          }),
        ),
      },
    ],
    ipJson: [],
  },
  {
    name: 'dummy-eopnotsupp',
    description: 'Creating a dummy link on a kernel without the dummy driver.',
    setup: [],
    steps: () => [
      {
        request: "encodeNewLink({ name: 'd0', kind: 'dummy' })",
        hex: hex(encodeNewLink({ name: 'd0', kind: 'dummy' })),
      },
      {
        request: "encodeGetLink({ name: 'nosuch0' })",
        hex: hex(encodeGetLink({ name: 'nosuch0' })),
        until: 'reply',
      },
    ],
    ipJson: [],
  },
  {
    name: 'dump-done-error',
    description:
      'A strict-checked route dump of a table that does not exist: the kernel ends the dump with NLMSG_DONE carrying -ENOENT and ext-ack text.',
    setup: [],
    steps: () => [
      {
        request: 'encodeGetRoutes({ family: 4, table: 12345 })',
        hex: hex(encodeGetRoutes({ family: 4, table: 12345 })),
      },
    ],
    ipJson: [],
  },
  {
    name: 'policy-error',
    description:
      'An address request whose IFA_FLAGS is 2 bytes instead of a u32: the kernel rejects it with EINVAL, ext-ack text, the offending attribute offset and its policy.',
    setup: ['link add v0 type veth peer name v1'],
    steps: (ix) => {
      const w = new AttrWriter(128);
      w.begin(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
      const at = w.zeros(8);
      w.buf[at] = AF_INET;
      w.buf[at + 1] = 24;
      w.buf.writeUInt32LE(need(ix, 'v0'), at + 4);
      w.ip(IFA_LOCAL, '10.0.0.1');
      w.u16(IFA_FLAGS, 0x200);
      return [
        {
          request: 'RTM_NEWADDR 10.0.0.1/24 with a 2-byte IFA_FLAGS (AttrWriter by hand)',
          hex: hex(w.finish()),
        },
      ];
    },
    ipJson: [],
  },
  {
    name: 'address-proto',
    description:
      'The hand-built IFA_PROTO request (iproute2 6.1 cannot send it) accepted by the kernel, which reports the protocol back in dumps.',
    setup: ['link add v0 type veth peer name v1', 'link set v0 up'],
    steps: (ix) => [
      {
        request: `encodeNewAddress({ index: ${need(ix, 'v0')}, address: '10.0.0.9', prefixLength: 24, protocol: 99 })`,
        hex: hex(
          encodeNewAddress({ index: need(ix, 'v0'), address: '10.0.0.9', prefixLength: 24, protocol: 99 }),
        ),
      },
      {
        request: `encodeGetAddress({ family: 4, index: ${need(ix, 'v0')} })`,
        hex: hex(encodeGetAddress({ family: 4, index: need(ix, 'v0') })),
      },
    ],
    ipJson: [],
  },
  {
    name: 'dump-intr',
    description:
      'An IPv4 address dump interrupted by an address added between two of its datagrams: the kernel flags the later messages NLM_F_DUMP_INTR.',
    setup: [
      'link add v0 type veth peer name v1',
      'link set v0 up',
      ...Array.from({ length: 400 }, (_, i) => `address add 10.${100 + (i >> 8)}.${i & 255}.1/32 dev v0`),
    ],
    steps: (ix) => [
      {
        request: 'encodeGetAddress({ family: 4 })',
        hex: hex(encodeGetAddress({ family: 4 })),
        recvSize: 16384,
        interleave: [
          {
            request: `encodeNewAddress({ index: ${need(ix, 'v0')}, address: '10.200.0.1', prefixLength: 32 }) on a second socket`,
            hex: hex(encodeNewAddress({ index: need(ix, 'v0'), address: '10.200.0.1', prefixLength: 32 })),
            sock: 1,
          },
        ],
      },
    ],
    ipJson: [],
    notes: 'Provoked for real (not a flipped flag): the address generation counter changes mid-dump.',
  },
  {
    name: 'nexthops',
    description:
      'Nexthop objects of every kind (gateway, onlink, blackhole, IPv6, device only, fdb, a weighted group, a resilient group, an fdb group) and routes using them, with nexthop_compat_mode 0 so route dumps carry only RTA_NH_ID.',
    sysctl: ['net.ipv4.nexthop_compat_mode=0'],
    setup: [
      'link add v0 type veth peer name v1',
      'link set v0 up',
      'link set v1 up',
      'address add 172.30.250.104/24 dev v0',
      '-6 address add 2001:db8:1::104/64 dev v0 nodad',
      'nexthop add id 10 via 172.30.250.1 dev v0',
      'nexthop add id 11 via 172.30.250.2 dev v0 onlink',
      'nexthop add id 12 blackhole',
      'nexthop add id 13 via 2001:db8:1::1 dev v0',
      'nexthop add id 14 dev v0',
      'nexthop add id 20 group 10/11,3',
      'nexthop add id 21 group 10/11 type resilient buckets 8 idle_timer 60 unbalanced_timer 30',
      'nexthop add id 30 via 172.30.250.3 fdb',
      'nexthop add id 31 group 30 fdb',
      'route add default nhid 20',
      'route add 10.9.0.0/16 nhid 12',
    ],
    steps: () => [
      { request: 'encodeGetNexthops()', hex: hex(encodeGetNexthops()) },
      { request: 'encodeGetNexthops({ groups: true })', hex: hex(encodeGetNexthops({ groups: true })) },
      { request: 'encodeGetNexthop(21)', hex: hex(encodeGetNexthop(21)), until: 'reply' },
      { request: 'encodeGetNexthop(99) (no such id)', hex: hex(encodeGetNexthop(99)), until: 'reply' },
      { request: 'encodeGetRoutes({ family: 4 })', hex: hex(encodeGetRoutes({ family: 4 })) },
    ],
    ipJson: ['nexthop show', '-4 route show'],
  },
];

// Neighbours (issue 14): every kind of entry `ip neigh` makes, the dumps and gets of nl.neighbours.
SCENARIOS.push({
  name: 'neighbours',
  description:
    'ARP and ND entries in several NUD states with flags (router, extern_learn, managed) and a protocol, and IPv4 and IPv6 proxy entries, over a veth pair.',
  setup: [
    'link add v0 type veth peer name v1',
    'link set v0 up',
    'link set v1 up',
    'address add 10.0.0.1/24 dev v0',
    'address add 10.0.1.1/24 dev v1',
    '-6 address add 2001:db8::1/64 dev v0 nodad',
    'neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0',
    'neigh add 10.0.0.3 lladdr 02:00:00:00:00:03 dev v0 nud stale',
    'neigh add 10.0.1.2 lladdr 02:00:00:00:01:02 dev v1 nud reachable',
    'neigh add 10.0.0.4 lladdr 02:00:00:00:00:04 dev v0 nud noarp',
    'neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev v0 extern_learn protocol 42',
    'neigh add 10.0.0.10 dev v0 managed',
    'neigh add 2001:db8::2 lladdr 02:00:00:00:00:12 dev v0 router',
    'neigh add proxy 10.0.0.5 dev v0',
    'neigh add proxy 2001:db8::5 dev v0',
  ],
  steps: (ix) => [
    { request: 'encodeGetNeighbours()', hex: hex(encodeGetNeighbours()) },
    {
      request: 'encodeGetNeighbours({ index: v1 })',
      hex: hex(encodeGetNeighbours({ index: ix.v1 as number })),
    },
    { request: 'encodeGetNeighbours({ proxy: true })', hex: hex(encodeGetNeighbours({ proxy: true })) },
    {
      request: 'encodeGetNeighbour({ index: v0, address: 2001:db8::2 })',
      hex: hex(encodeGetNeighbour({ index: ix.v0 as number, address: '2001:db8::2' })),
      until: 'reply',
    },
    {
      request: 'encodeGetNeighbour({ index: v0, address: 10.0.0.99 }) (no such entry)',
      hex: hex(encodeGetNeighbour({ index: ix.v0 as number, address: '10.0.0.99' })),
      until: 'reply',
    },
  ],
  ipJson: ['neigh show nud all', 'neigh show proxy'],
});

// Bridge fdb entries (issue 14): a vxlan device's remotes (the all-zeros flood list, a remote with
// port, vni and via) and a bridge port's static entry, made by our encoders; the dumps and gets of nl.fdb.
const mac = parseMac;
SCENARIOS.push({
  name: 'fdb',
  description:
    'vxlan vx0 over v0 (no learning) and bridge b0 with port v1 (learning off); fdb entries added by encodeNewFdb, then dumped and got.',
  setup: [
    'link add v0 type veth peer name v1',
    'link set v0 up',
    'link set v1 up',
    'address add 10.0.0.1/24 dev v0',
    'link add vx0 type vxlan id 42 dstport 4789 dev v0 nolearning',
    'link set vx0 up',
    'link add b0 type bridge',
    'link set v1 master b0',
    'link set v1 type bridge_slave learning off',
    'link set b0 up',
  ],
  steps: (ix) => {
    const vx0 = need(ix, 'vx0');
    const v1 = need(ix, 'v1');
    const zero = mac('00:00:00:00:00:00');
    const add = (request: string, b: Buffer): Step => ({ request, hex: hex(b), until: 'reply' });
    return [
      add(
        'append 00:00:00:00:00:00 dst 10.0.0.2 dev vx0',
        encodeNewFdb({ index: vx0, lladdr: zero, dst: '10.0.0.2' }, 'append'),
      ),
      add(
        'append 00:00:00:00:00:00 dst 10.0.0.3 dev vx0',
        encodeNewFdb({ index: vx0, lladdr: zero, dst: '10.0.0.3' }, 'append'),
      ),
      add(
        'add 02:00:00:00:00:0a dst 10.0.0.4 port 8472 vni 100 via v0 dev vx0',
        encodeNewFdb({
          index: vx0,
          lladdr: mac('02:00:00:00:00:0a'),
          dst: '10.0.0.4',
          port: 8472,
          vni: 100,
          via: need(ix, 'v0'),
        }),
      ),
      add(
        'add 02:00:00:00:01:01 dev v1 master static',
        encodeNewFdb({
          index: v1,
          lladdr: mac('02:00:00:00:01:01'),
          flags: FDB_FLAGS.master,
          state: FDB_STATE_BITS.static,
        }),
      ),
      { request: 'encodeGetFdbs({ index: vx0 })', hex: hex(encodeGetFdbs({ index: vx0 })) },
      { request: 'encodeGetFdbs({ master: b0 })', hex: hex(encodeGetFdbs({ master: need(ix, 'b0') })) },
      add(
        'encodeGetFdb({ lladdr: 02:00:00:00:00:0a, index: vx0, self })',
        encodeGetFdb({ lladdr: mac('02:00:00:00:00:0a'), index: vx0, flags: FDB_FLAGS.self }),
      ),
      add(
        'encodeGetFdb({ lladdr: 02:00:00:00:01:09, index: v1 }) (no such entry)',
        encodeGetFdb({ lladdr: mac('02:00:00:00:01:09'), index: v1 }),
      ),
    ];
  },
  ipJson: ['link show'],
});

// Link kind data (issue 14): vxlan devices with many options (v4, v6, external with vnifilter, gpe,
// remcsum), a source-mode macvlan with its MAC list, as the kernel reports them in a link dump.
SCENARIOS.push({
  name: 'link-kinds',
  description:
    'vxlan devices with many options over veth v0, and a source-mode macvlan mv0 on v1 with two source MACs; one link dump.',
  setup: [
    'link add v0 type veth peer name v1',
    'address add 10.0.0.1/24 dev v0',
    'address add 2001:db8::1/64 dev v0 nodad',
    'link add vxa type vxlan id 42 remote 10.0.0.2 local 10.0.0.1 dev v0 dstport 4789 ttl 64 tos 0x10 ' +
      'ageing 120 maxaddress 100 srcport 40000 50000 proxy l2miss l3miss noudpcsum gbp df set nolearning',
    'link add vxb type vxlan id 200 local 2001:db8::1 group ff05::100 dev v0 dstport 4789 ttl inherit ' +
      'tos inherit flowlabel 0x12345 df inherit udp6zerocsumtx',
    'link add vxc type vxlan external vnifilter dstport 4790',
    'link add vxd type vxlan external dstport 4791 gpe nolearning',
    'link add vxe type vxlan id 9 group 239.1.1.1 dev v0 dstport 4792 remcsumtx remcsumrx rsc',
    'link add link v1 name mv0 type macvlan mode source macaddr set 02:00:00:00:00:21 02:00:00:00:00:22',
  ],
  steps: () => [{ request: 'encodeGetLink({ dump: true })', hex: hex(encodeGetLink({ dump: true })) }],
  ipJson: ['-d link show'],
});

interface PyResult {
  replies: string[];
  interleaved: PyResult[];
}

function describe(s: Step, r: PyResult | undefined): Record<string, unknown> {
  if (!r) throw new Error(`no replies recorded for ${s.request}`);
  const out: Record<string, unknown> = { request: s.request, hex: s.hex, replies: r.replies };
  if (s.interleave) out.interleaved = s.interleave.map((x, j) => describe(x, r.interleaved[j]));
  return out;
}

function capture(ns: string, steps: Step[]): unknown {
  const input = JSON.stringify(steps);
  const out = execFileSync('ip', ['netns', 'exec', ns, '/usr/bin/python3', PY], { input, encoding: 'utf8' });
  const results = JSON.parse(out) as PyResult[];
  return steps.map((s, i) => describe(s, results[i]));
}

async function main(): Promise<void> {
  const why = netnsUnavailableReason();
  if (why) throw new Error(`cannot record: ${why}`);
  mkdirSync(OUT, { recursive: true });
  const only = process.argv.slice(2);
  for (const sc of SCENARIOS) {
    if (only.length > 0 && !only.includes(sc.name)) continue;
    const fixture = await withNetns((ns) => {
      // `-6` is not accepted inside -batch; the addresses say their family anyway
      for (const setting of sc.sysctl ?? []) inNetns(ns, 'sysctl', ['-qw', setting]);
      const batch = sc.setup.map((l) => l.replace(/^-6 /, '')).join('\n');
      if (batch) execFileSync('ip', ['-n', ns, '-batch', '-'], { input: `${batch}\n` });
      const ix: Record<string, number> = {};
      for (const l of ipJson<{ ifname: string; ifindex: number }[]>(ns, 'link', 'show'))
        ix[l.ifname] = l.ifindex;
      const json: Record<string, unknown> = {};
      for (const c of sc.ipJson) json[`ip -j ${c}`] = ipJson(ns, ...c.split(' '));
      return {
        description: sc.description,
        sysctl: sc.sysctl,
        setup: sc.setup.map((s) => `ip ${s}`),
        recordedWith: 'scripts/record-replies.ts (raw AF_NETLINK socket via scripts/record-replies.py)',
        kernel: execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim(),
        ifindex: ix,
        notes: sc.notes,
        steps: capture(ns, sc.steps(ix)),
        ipJson: json,
      };
    });
    writeFileSync(join(OUT, `${sc.name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
    console.log(`${sc.name}: recorded`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
