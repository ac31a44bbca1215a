// Who is alive is this agent's observation, not the writer's word: a Lease lives for its (capped)
// duration after its record is seen to change, on the observer's clock; a writer's clock, skewed or
// set ahead on purpose, cannot stretch it. Only Leases of existing Nodes count, subnets wider than a
// node's segment are refused, and this node's own renewals are the truth about itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ContactClock,
  LeaseObserver,
  liveMembers,
  MAX_LEASE_DURATION_SECONDS,
  type MembershipClock,
} from '../../src/election/index.ts';
import type { Lease } from '../../src/kube.ts';
import { formatCidr, parseCidr } from '../../src/net/cidr.ts';

const WALL = Date.UTC(2026, 11, 7, 1, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '000Z');

function lease(node: string, renewMs: number, fields: { duration?: number; subnets?: string } = {}): Lease {
  return {
    metadata: {
      name: `purelb-node-${node}`,
      namespace: 'purelb-system',
      annotations: { 'purelb.io/subnets': fields.subnets ?? '172.30.250.0/24' },
    },
    spec: { holderIdentity: node, leaseDurationSeconds: fields.duration ?? 10, renewTime: iso(renewMs) },
  };
}

/** An observer fed at observer-clock `t` (ms since the test began) with the wall clock at WALL + t. */
function observed(observer: LeaseObserver, leases: Lease[], t: number): MembershipClock {
  observer.observe(leases, t, WALL + t);
  return { now: t, expiresAt: (l) => observer.expiresAt(l) };
}

test('a renewTime a day ahead lives one duration after it is first seen, not a day', () => {
  const o = new LeaseObserver();
  const rogue = lease('b', WALL + 86_400_000);
  assert.equal(liveMembers([rogue], observed(o, [rogue], 0)).members.length, 1);
  assert.equal(liveMembers([rogue], observed(o, [rogue], 9_999)).members.length, 1);
  const late = liveMembers([rogue], observed(o, [rogue], 10_000));
  assert.deepEqual(late.members, []);
  assert.match(late.ignored[0]?.reason ?? '', /no renewal observed within its 10s/);
});

test('read by the word alone (no history), a future renewTime counts as now: one duration ahead', () => {
  const rogue = lease('b', WALL + 86_400_000);
  assert.equal(liveMembers([rogue], WALL).members[0]?.expiresAt, WALL + 10_000);
});

test('a writer whose clock is an hour behind stays alive while its renewals are seen', () => {
  const o = new LeaseObserver();
  const skew = -3_600_000;
  // First sight: by its word it lapsed an hour ago, so it is not counted yet...
  let l = lease('b', WALL + skew);
  assert.equal(liveMembers([l], observed(o, [l], 0)).members.length, 0);
  // ...but every renewal this observer sees keeps it alive for one duration on this observer's clock.
  for (let t = 5_000; t <= 60_000; t += 5_000) {
    l = lease('b', WALL + t + skew);
    assert.equal(liveMembers([l], observed(o, [l], t)).members.length, 1, `alive at ${t} ms`);
  }
  assert.equal(liveMembers([l], observed(o, [l], 69_999)).members.length, 1);
  assert.equal(liveMembers([l], observed(o, [l], 70_000)).members.length, 0);
});

test('a writer whose clock runs ahead cannot outlive its last renewal by more than a duration', () => {
  const o = new LeaseObserver();
  const l = lease('b', WALL + 30_000);
  observed(o, [l], 0);
  assert.equal(liveMembers([l], observed(o, [l], 10_000)).members.length, 0);
});

test('first sight of a lapsed Lease does not revive it; first sight of a fresh one counts what is left', () => {
  const o = new LeaseObserver();
  const dead = lease('a', WALL - 60_000);
  const fresh = lease('b', WALL - 4_000);
  const m = liveMembers([dead, fresh], observed(o, [dead, fresh], 0));
  assert.deepEqual(
    m.members.map((x) => [x.node, x.expiresAt]),
    [['b', 6_000]],
  );
});

test(`a duration over ${MAX_LEASE_DURATION_SECONDS}s is capped`, () => {
  const o = new LeaseObserver();
  let l = lease('b', WALL, { duration: 86_400 });
  observed(o, [l], 0);
  l = lease('b', WALL + 1, { duration: 86_400 });
  const m = liveMembers([l], observed(o, [l], 1));
  assert.equal(m.members[0]?.expiresAt, 1 + MAX_LEASE_DURATION_SECONDS * 1000);
});

test('a Lease removed and written again is first sight again', () => {
  const o = new LeaseObserver();
  const l = lease('b', WALL);
  observed(o, [l], 0);
  observed(o, [], 1_000);
  assert.equal(o.expiresAt(l), undefined);
  assert.equal(liveMembers([l], observed(o, [l], 2_000)).members[0]?.expiresAt, 10_000);
});

test('a Lease for a Node that does not exist makes no member', () => {
  const nodes = new Map([['a', 'uid-a']]);
  const m = liveMembers([lease('a', WALL), lease('rogue', WALL)], { now: WALL, nodes });
  assert.deepEqual(
    m.members.map((x) => x.node),
    ['a'],
  );
  assert.match(m.ignored[0]?.reason ?? '', /no Node named "rogue" exists/);
});

test('a Lease owned by an earlier Node of the same name makes no member', () => {
  const l = lease('a', WALL);
  l.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: 'a', uid: 'old-uid' }];
  const m = liveMembers([l], { now: WALL, nodes: new Map([['a', 'new-uid']]) });
  assert.deepEqual(m.members, []);
  assert.match(m.ignored[0]?.reason ?? '', /uid old-uid, not the Node now by that name \(new-uid\)/);
});

const wide: [string, boolean][] = [
  ['0.0.0.0/0', false],
  ['128.0.0.0/1', false],
  ['10.0.0.0/7', false],
  ['10.0.0.0/8', true],
  ['::/0', false],
  ['2001::/15', false],
  ['2001::/16', true],
];
for (const [subnet, kept] of wide) {
  test(`a Lease's subnet ${subnet} is ${kept ? 'kept' : 'refused: wider than a node segment'}`, () => {
    const m = liveMembers([lease('a', WALL, { subnets: `${subnet},172.30.250.0/24` })], WALL);
    assert.equal(m.members.length, 1, 'the Lease still counts');
    const subnets = m.members[0]?.subnets.map(formatCidr) ?? [];
    assert.equal(subnets.includes(subnet), kept);
    if (!kept) assert.match(m.malformed[0]?.reason ?? '', /wider than a node's segment can be/);
  });
}

test("this node's own renewals are the truth about itself, whatever its Lease cache says", () => {
  const own = parseCidr('172.30.250.0/24');
  if (typeof own === 'string') throw new Error(own);
  const stale = lease('me', WALL - 60_000);
  const alive = liveMembers([stale], {
    now: WALL,
    self: { node: 'me', live: true, subnets: [own], expiresAt: WALL + 10_000 },
  });
  assert.deepEqual(
    alive.members.map((m) => [m.node, m.subnets.map(formatCidr)]),
    [['me', ['172.30.250.0/24']]],
  );
  const fresh = lease('me', WALL);
  const dead = liveMembers([fresh], {
    now: WALL,
    self: { node: 'me', live: false, subnets: [own], expiresAt: 0 },
  });
  assert.deepEqual(dead.members, []);
});

test('the contact clock stands still while out of contact, and never goes back', () => {
  const c = new ContactClock(1_000);
  assert.equal(c.read(1_500), 1_500);
  c.set(false, 2_000);
  assert.equal(c.inContact, false);
  assert.equal(c.read(2_000), 2_000);
  assert.equal(c.read(60_000), 2_000);
  c.set(false, 30_000);
  c.set(true, 62_000);
  assert.equal(c.read(62_000), 2_000);
  assert.equal(c.read(63_000), 3_000);
  c.set(true, 64_000);
  assert.equal(c.read(64_000), 4_000);
  const late = new ContactClock(0, false);
  assert.equal(late.read(5_000), 0);
});

test('a full outage on the contact clock lapses nobody; silence heard in contact does', () => {
  const o = new LeaseObserver();
  const c = new ContactClock(0);
  const l = lease('b', WALL);
  o.observe([l], c.read(0), WALL);
  c.set(false, 1_000);
  const during = { now: c.read(61_000), expiresAt: (x: Lease) => o.expiresAt(x) };
  assert.equal(liveMembers([l], during).members.length, 1, 'a 60 s outage lapses nobody');
  c.set(true, 61_000);
  const after = { now: c.read(70_000), expiresAt: (x: Lease) => o.expiresAt(x) };
  assert.equal(liveMembers([l], after).members.length, 0, '10 s of heard silence does');
});
