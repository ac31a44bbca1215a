// The node that announces a local address: among live members whose subnets hold it, the smallest
// sha256(node + "#" + ip) bytewise — the same answer on every node, from the same leases, in any order.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { electWinner, liveMembers, type Member, rankNodes } from '../../src/election/index.ts';
import type { Lease } from '../../src/kube.ts';
import { type Cidr, cidrContains, parseCidr } from '../../src/net/cidr.ts';
import { parseIP } from '../../src/net/ip.ts';

const cidr = (text: string): Cidr => {
  const c = parseCidr(text);
  if (typeof c === 'string') throw new Error(c);
  return c;
};

const member = (node: string, ...subnets: string[]): Member => ({
  node,
  subnets: subnets.map(cidr),
  expiresAt: Number.POSITIVE_INFINITY,
});

const seedCluster = ['purelb2-1', 'purelb2-2', 'purelb2-3', 'purelb2-4', 'purelb2-5'].map((n) =>
  member(n, '172.30.250.0/24'),
);

test('the election key is sha256 of "node#ip": digests pinned against sha256sum', () => {
  // printf '%s' 'purelb2-1#172.30.250.53' | sha256sum, and so on.
  const pinned: [string, string][] = [
    ['purelb2-1#172.30.250.53', '2645a423b4c4c500cf6a3d2f85b11370433aa6cf44b616d4bbabdbc7775fe759'],
    ['purelb2-2#172.30.250.53', 'f93db5a94ea8ff0468e078c516698414a72238fb2ec4bacd459285d4cb326618'],
    ['purelb2-3#172.30.250.53', 'd15219d89fa2d74ce4be53a3dc673c996e6fade04029d2221190bfd80d53ae8b'],
    ['purelb2-4#172.30.250.53', '3d671c0d7523f189698bb073f0e102df4020e6624757a9c080ebfedaa4d75a19'],
    ['purelb2-5#172.30.250.53', 'ab7818a04058768a328bdf6c160985492bd3c500e47753920f9864e96cffc3dd'],
  ];
  for (const [text, hex] of pinned) assert.equal(createHash('sha256').update(text).digest('hex'), hex);
  // Ascending digests: 26.. < 3d.. < ab.. < d1.. < f9..
  assert.deepEqual(
    rankNodes(
      '172.30.250.53',
      seedCluster.map((m) => m.node),
    ),
    ['purelb2-1', 'purelb2-4', 'purelb2-5', 'purelb2-3', 'purelb2-2'],
  );
});

const cases: {
  name: string;
  ip: string;
  members: Member[];
  eligible?: string[];
  winner: string | undefined;
  candidates: string[];
}[] = [
  {
    name: 'seed cluster: purelb2-1 wins 172.30.250.53, candidates in election order',
    ip: '172.30.250.53',
    members: seedCluster,
    winner: 'purelb2-1',
    candidates: ['purelb2-1', 'purelb2-4', 'purelb2-5', 'purelb2-3', 'purelb2-2'],
  },
  {
    name: 'only members whose subnets hold the address are candidates',
    ip: '172.30.250.53',
    members: [
      member('purelb2-1', '10.0.0.0/8'),
      member('purelb2-4', '172.30.0.0/16'),
      member('purelb2-3', '172.30.250.0/24'),
    ],
    winner: 'purelb2-4',
    candidates: ['purelb2-4', 'purelb2-3'],
  },
  {
    name: 'ETP Local: candidates narrowed to nodes with a ready endpoint',
    ip: '172.30.250.53',
    members: seedCluster,
    eligible: ['purelb2-3', 'purelb2-2', 'not-a-member'],
    winner: 'purelb2-3',
    candidates: ['purelb2-3', 'purelb2-2'],
  },
  {
    name: 'ETP Local with no eligible member: nobody announces',
    ip: '172.30.250.53',
    members: seedCluster,
    eligible: [],
    winner: undefined,
    candidates: [],
  },
  {
    name: 'no subnet holds the address: nobody announces',
    ip: '172.31.1.5',
    members: seedCluster,
    winner: undefined,
    candidates: [],
  },
  { name: 'no members', ip: '172.30.250.53', members: [], winner: undefined, candidates: [] },
  {
    name: 'IPv6: hashed in canonical text (2001:DB8:0::1 is 2001:db8::1)',
    ip: '2001:DB8:0::1',
    members: [
      member('node-a', '2001:db8::/64'),
      member('node-b', '2001:db8::/64'),
      member('node-c', '10.0.0.0/8'),
    ],
    winner: 'node-b',
    candidates: ['node-b', 'node-a'],
  },
  {
    name: 'a node listed twice counts once',
    ip: '2001:db8::1',
    members: [member('node-a', '2001:db8::/64'), member('node-a', '2001:db8::/48')],
    winner: 'node-a',
    candidates: ['node-a'],
  },
];

for (const c of cases) {
  test(c.name, () => {
    const eligible = c.eligible === undefined ? undefined : new Set(c.eligible);
    assert.deepEqual(electWinner(c.ip, c.members, eligible), { winner: c.winner, candidates: c.candidates });
  });
}

test('bad addresses are named', () => {
  assert.throws(
    () => electWinner('172.30.250.300', seedCluster),
    /electWinner: "172\.30\.250\.300" is not an IP address/,
  );
  assert.throws(() => rankNodes('', ['a']), /rankNodes: "" is not an IP address/);
});

test('from leases to winner: an expired node drops out and the next in rank takes over', () => {
  const t0 = Date.UTC(2026, 10, 26, 2, 0, 0);
  const leases: Lease[] = seedCluster.map((m, i) => ({
    metadata: { name: `purelb-node-${m.node}`, annotations: { 'purelb.io/subnets': '172.30.250.0/24' } },
    spec: {
      holderIdentity: m.node,
      leaseDurationSeconds: 10,
      // purelb2-1 renewed last 20 s ago; the others just now.
      renewTime: new Date(i === 0 ? t0 - 20_000 : t0).toISOString(),
    },
  }));
  const { members } = liveMembers(leases, t0 + 1);
  assert.equal(electWinner('172.30.250.53', members).winner, 'purelb2-4');
});

// Properties.

const nodeName = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
const v4 = fc
  .integer({ min: 0, max: 0xffffffff })
  .map((n) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`);
/** Members in 10.0.0.0/8 with /8 or /16 subnets, so that some hold the address and some do not. */
const members = fc.uniqueArray(
  fc.record({
    node: nodeName,
    second: fc.integer({ min: 0, max: 3 }),
    wide: fc.boolean(),
  }),
  { selector: (m) => m.node, minLength: 0, maxLength: 12 },
);
const ipIn10 = fc
  .integer({ min: 0, max: 3 })
  .chain((second) =>
    fc
      .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
      .map(([a, b]) => `10.${second}.${a}.${b}`),
  );
const toMembers = (ms: { node: string; second: number; wide: boolean }[]): Member[] =>
  ms.map((m) => member(m.node, m.wide ? '10.0.0.0/8' : `10.${m.second}.0.0/16`));

test('property: determinism and agreement — every order of the same members gives the same result', () => {
  fc.assert(
    fc.property(members, ipIn10, fc.func(fc.integer()), (ms, ip, key) => {
      const list = toMembers(ms);
      const shuffled = [...list].sort((a, b) => key(a.node) - key(b.node) || (a.node < b.node ? -1 : 1));
      const reversed = [...list].reverse();
      const r = electWinner(ip, list);
      assert.deepEqual(electWinner(ip, shuffled), r);
      assert.deepEqual(electWinner(ip, reversed), r);
      assert.deepEqual(electWinner(ip, list), r);
    }),
  );
});

test('property: candidates are the members holding the address; the winner is the one with the smallest digest', () => {
  fc.assert(
    fc.property(members, fc.oneof(ipIn10, v4), (ms, ip) => {
      const list = toMembers(ms);
      const { winner, candidates } = electWinner(ip, list);
      // Candidates are exactly the members whose subnets hold the address.
      const addr = parseIP(ip)!;
      const holding = list.filter((m) => m.subnets.some((s) => cidrContains(s, addr))).map((m) => m.node);
      assert.deepEqual([...candidates].sort(), holding.sort());
      assert.equal(winner, candidates[0]);
      const digest = (n: string) => createHash('sha256').update(`${n}#${ip}`).digest('hex');
      for (const c of candidates) assert.ok(digest(winner!) <= digest(c));
    }),
  );
});

test('property: removing a non-winner never changes the winner; removing the winner promotes the runner-up', () => {
  fc.assert(
    fc.property(members, ipIn10, fc.nat(), (ms, ip, pick) => {
      const list = toMembers(ms);
      const { winner, candidates } = electWinner(ip, list);
      if (list.length === 0) return;
      const removed = list[pick % list.length]!;
      const rest = list.filter((m) => m !== removed);
      const after = electWinner(ip, rest);
      if (removed.node !== winner) assert.equal(after.winner, winner);
      else assert.equal(after.winner, candidates[1]);
    }),
  );
});

test('property: narrowing to eligible nodes picks the best-ranked eligible candidate', () => {
  fc.assert(
    fc.property(members, ipIn10, fc.func(fc.boolean()), (ms, ip, isEligible) => {
      const list = toMembers(ms);
      const eligible = new Set(list.map((m) => m.node).filter((n) => isEligible(n)));
      const all = electWinner(ip, list).candidates;
      const narrowed = electWinner(ip, list, eligible);
      assert.deepEqual(
        narrowed.candidates,
        all.filter((n) => eligible.has(n)),
      );
      assert.equal(narrowed.winner, narrowed.candidates[0]);
    }),
  );
});

test('property: rankNodes orders by digest and is a permutation of its distinct input', () => {
  fc.assert(
    fc.property(fc.array(nodeName, { maxLength: 10 }), v4, (nodes, ip) => {
      const ranked = rankNodes(ip, nodes);
      assert.deepEqual([...ranked].sort(), [...new Set(nodes)].sort());
      const digest = (n: string) => createHash('sha256').update(`${n}#${ip}`).digest('hex');
      for (let i = 1; i < ranked.length; i++) assert.ok(digest(ranked[i - 1]!) < digest(ranked[i]!));
    }),
  );
});

test('node-affinity service-endpoints: endpoint nodes rank first, else the plain order stands', () => {
  const ip = '172.30.250.53';
  const plain = electWinner(ip, seedCluster).candidates;
  const last = plain.at(-1) as string;
  const preferred = electWinner(ip, seedCluster, undefined, new Set([last, 'not-a-member']));
  assert.equal(preferred.winner, last, 'the one endpoint node wins although it hashes last');
  assert.deepEqual(preferred.candidates, [last, ...plain.slice(0, -1)]);
  assert.deepEqual(electWinner(ip, seedCluster, undefined, new Set(['elsewhere'])).candidates, plain);
  fc.assert(
    fc.property(fc.subarray(plain), (nodes) => {
      const c = electWinner(ip, seedCluster, undefined, new Set(nodes)).candidates;
      assert.deepEqual(new Set(c.slice(0, nodes.length)), new Set(nodes), 'endpoint nodes first');
      assert.deepEqual(
        c.slice(0, nodes.length),
        plain.filter((n) => nodes.includes(n)),
        'in hash order',
      );
    }),
  );
});
