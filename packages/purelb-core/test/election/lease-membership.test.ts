// Members of the node election come from per-node Leases: named purelb-node-<node>, held by <node>, live
// while now < renewTime + leaseDurationSeconds, advertising purelb.io/subnets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveMembers, parseMicroTime } from '../../src/election/index.ts';
import type { Lease } from '../../src/kube.ts';
import { formatCidr } from '../../src/net/cidr.ts';

const T0 = Date.UTC(2026, 10, 26, 2, 35, 42); // 2026-11-26T02:35:42Z

function lease(
  node: string,
  fields: {
    holder?: string | undefined;
    renew?: string | undefined;
    duration?: number | undefined;
    subnets?: string;
    name?: string;
  } = {},
): Lease {
  const annotations: Record<string, string> = {};
  if (fields.subnets !== undefined) annotations['purelb.io/subnets'] = fields.subnets;
  return {
    metadata: { name: fields.name ?? `purelb-node-${node}`, namespace: 'purelb-system', annotations },
    spec: {
      holderIdentity: 'holder' in fields ? fields.holder : node,
      leaseDurationSeconds: 'duration' in fields ? fields.duration : 10,
      renewTime: 'renew' in fields ? fields.renew : '2026-11-26T02:35:42.000000Z',
    },
  };
}

test('a live lease makes a member with its subnets and expiry', () => {
  const { members, ignored, malformed } = liveMembers(
    [lease('purelb2-1', { subnets: '172.30.250.0/24,2001:db8::/64' })],
    T0 + 5000,
  );
  assert.deepEqual(ignored, []);
  assert.deepEqual(malformed, []);
  assert.equal(members.length, 1);
  assert.equal(members[0]?.node, 'purelb2-1');
  assert.equal(members[0]?.expiresAt, T0 + 10_000);
  assert.deepEqual(members[0]?.subnets.map(formatCidr), ['172.30.250.0/24', '2001:db8::/64']);
});

const expiry: { name: string; now: number; live: boolean }[] = [
  { name: 'just renewed', now: T0, live: true },
  { name: '1 ms before expiry', now: T0 + 9_999, live: true },
  { name: 'exactly at expiry (now == renewTime + duration) is dead', now: T0 + 10_000, live: false },
  { name: 'after expiry', now: T0 + 60_000, live: false },
];
for (const c of expiry) {
  test(`lease expiry: ${c.name}`, () => {
    const { members, ignored } = liveMembers([lease('n1')], c.now);
    assert.equal(members.length, c.live ? 1 : 0);
    if (!c.live) assert.match(ignored[0]?.reason ?? '', /expired at 2026-11-26T02:35:52\.000Z/);
  });
}

test('sub-millisecond renewTime keeps its microseconds at the boundary', () => {
  const l = lease('n1', { renew: '2026-11-26T02:35:42.000500Z', duration: 1 });
  assert.equal(liveMembers([l], T0 + 1000).members.length, 1);
  assert.equal(liveMembers([l], T0 + 1000.5).members.length, 0);
});

const rejected: { name: string; lease: Lease; reason: RegExp }[] = [
  {
    name: 'holder is another node',
    lease: lease('n1', { holder: 'n2' }),
    reason: /holderIdentity "n2" is not the node "n1"/,
  },
  { name: 'no holder', lease: lease('n1', { holder: undefined }), reason: /holderIdentity undefined/ },
  {
    name: 'not a PureLB lease',
    lease: lease('n1', { name: 'kube-scheduler' }),
    reason: /not a PureLB node lease/,
  },
  {
    name: 'the bare prefix names no node',
    lease: lease('', { name: 'purelb-node-' }),
    reason: /not a PureLB node lease/,
  },
  {
    name: 'no duration',
    lease: lease('n1', { duration: undefined }),
    reason: /leaseDurationSeconds undefined/,
  },
  {
    name: 'zero duration',
    lease: lease('n1', { duration: 0 }),
    reason: /leaseDurationSeconds 0 is not a positive/,
  },
  { name: 'no renewTime', lease: lease('n1', { renew: undefined }), reason: /renewTime is missing/ },
  {
    name: 'bad renewTime',
    lease: lease('n1', { renew: 'yesterday' }),
    reason: /renewTime: "yesterday" is not an RFC 3339 time/,
  },
];
for (const c of rejected) {
  test(`ignored with a reason: ${c.name}`, () => {
    const { members, ignored } = liveMembers([c.lease], T0 + 1000);
    assert.deepEqual(members, []);
    assert.equal(ignored.length, 1);
    assert.equal(ignored[0]?.lease, c.lease.metadata.name);
    assert.match(ignored[0]?.reason ?? '', c.reason);
  });
}

test('malformed subnet entries are skipped and reported; the lease still counts', () => {
  const { members, malformed } = liveMembers(
    [lease('n1', { subnets: '10.0.0.0/24, bogus,,10.0.0.0/33 ,2001:db8::/64' })],
    T0,
  );
  assert.deepEqual(members[0]?.subnets.map(formatCidr), ['10.0.0.0/24', '2001:db8::/64']);
  assert.deepEqual(
    malformed.map((m) => [m.lease, m.entry]),
    [
      ['purelb-node-n1', 'bogus'],
      ['purelb-node-n1', '10.0.0.0/33'],
    ],
  );
  assert.match(malformed[0]?.reason ?? '', /purelb\.io\/subnets.*"bogus" is not a CIDR/);
});

test('no subnets annotation: a live member that holds no address', () => {
  const { members } = liveMembers([lease('n1')], T0);
  assert.deepEqual(members[0]?.subnets, []);
});

test('members are sorted by node; two leases for one node keep the later expiry', () => {
  const { members } = liveMembers(
    [
      lease('b'),
      lease('a', { renew: '2026-11-26T02:35:40Z' }),
      lease('a', { renew: '2026-11-26T02:35:45Z', subnets: '10.0.0.0/8' }),
      lease('a', { renew: '2026-11-26T02:35:41Z' }),
    ],
    T0 + 5000,
  );
  assert.deepEqual(
    members.map((m) => [m.node, m.expiresAt]),
    [
      ['a', T0 + 13_000],
      ['b', T0 + 10_000],
    ],
  );
  assert.equal(members[0]?.subnets.length, 1);
});

const times: { text: string; ms: number | RegExp }[] = [
  { text: '2026-11-26T02:35:42Z', ms: T0 },
  { text: '2026-11-26T02:35:42.123456Z', ms: T0 + 123.456 },
  { text: '2026-11-26T02:35:42.1Z', ms: T0 + 100 },
  { text: '2026-11-26T02:35:42.123456789Z', ms: T0 + 123.456 },
  { text: '2026-11-26t02:35:42.5z', ms: T0 + 500 },
  { text: '2026-11-26T04:35:42+02:00', ms: T0 },
  { text: '2026-11-25T21:05:42.000000-05:30', ms: T0 },
  { text: '1999-12-31T23:59:60Z', ms: Date.UTC(2000, 0, 1) },
  { text: '0050-01-01T00:00:00Z', ms: -60589296000000 },
  { text: '2026-11-26T02:35:42', ms: /not an RFC 3339 time/ },
  { text: '2026-11-26 02:35:42Z', ms: /not an RFC 3339 time/ },
  { text: '2026-11-26T02:35:42.Z', ms: /not an RFC 3339 time/ },
  { text: '2026-11-26T02:35:42.1234567890Z', ms: /not an RFC 3339 time/ },
  { text: '2026-13-26T02:35:42Z', ms: /month 13 is out of range/ },
  { text: '2026-02-29T02:35:42Z', ms: /day 29 is out of range/ },
  { text: '2026-11-26T24:00:00Z', ms: /time of day is out of range/ },
  { text: '2026-11-26T02:35:42+24:00', ms: /UTC offset is out of range/ },
];
for (const c of times) {
  test(`MicroTime ${c.text}`, () => {
    const got = parseMicroTime(c.text);
    if (typeof c.ms === 'number') assert.equal(got, c.ms);
    else assert.match(String(got), c.ms);
  });
}
