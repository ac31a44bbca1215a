// nexthops.buckets / bucket: the bucket table of a resilient nexthop group made by nexthops.add in a
// throw-away namespace, read back whole, filtered in the kernel, one bucket at a time, and checked
// against `ip -j nexthop bucket show` of the namespace.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NetlinkError } from '../../src/index.ts';
import { ip, ipJson, needsNetns, vethPair, withHandle } from './support.ts';

interface IpBucket {
  id: number;
  bucket: { index: number; idle_time: number; nhid: number };
}

async function resilientGroup(nl: Parameters<Parameters<typeof withHandle>[0]>[0], ns: string) {
  vethPair(ns);
  ip(ns, 'address', 'add', '172.30.250.104/24', 'dev', 'v0');
  ip(ns, 'address', 'add', '172.30.251.104/24', 'dev', 'v1');
  await nl.nexthops.add({ id: 10, gateway: '172.30.250.1', link: 'v0' });
  await nl.nexthops.add({ id: 11, gateway: '172.30.251.1', link: 'v1' });
  await nl.nexthops.add({
    id: 40,
    group: [{ id: 10 }, { id: 11, weight: 3 }],
    type: 'resilient',
    resilient: { buckets: 8 },
  });
}

test('nexthops.buckets lists a resilient group’s buckets as `ip nexthop bucket show` does', needsNetns, () =>
  withHandle(async (nl, ns) => {
    await resilientGroup(nl, ns);
    const all = await nl.nexthops.buckets();
    assert.equal(all.interrupted, false);
    const theirs = ipJson<IpBucket[]>(ns, 'nexthop', 'bucket', 'show');
    assert.deepEqual(
      all.map((b) => [b.groupId, b.index, b.nhId]),
      theirs.map((b) => [b.id, b.bucket.index, b.bucket.nhid]),
    );
    assert.deepEqual(
      all.map((b) => b.index),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
    // weights 1 and 3 over 8 buckets: 2 for member 10, 6 for member 11
    assert.equal(all.filter((b) => b.nhId === 10).length, 2);
    assert.equal(all.filter((b) => b.nhId === 11).length, 6);
    assert.ok(all.every((b) => b.idleTime >= 0 && b.flags === 0));

    const ofMember = await nl.nexthops.buckets({ id: 40, nhId: 10 });
    assert.deepEqual(
      ofMember.map((b) => b.index),
      all.filter((b) => b.nhId === 10).map((b) => b.index),
    );
    const viaV1 = await nl.nexthops.buckets({ link: 'v1' });
    assert.ok(viaV1.length === 6 && viaV1.every((b) => b.nhId === 11));

    const first = all[0];
    assert.ok(first);
    const one = await nl.nexthops.bucket(40, first.index);
    assert.deepEqual([one.groupId, one.index, one.nhId], [40, first.index, first.nhId]);
  }),
);

test(
  'nexthops.bucket errors: a missing bucket is the kernel’s, bad arguments are refused first',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      await resilientGroup(nl, ns);
      await assert.rejects(
        nl.nexthops.bucket(40, 8),
        (e: unknown) =>
          e instanceof NetlinkError &&
          e.code === 'ENOENT' &&
          e.operation === 'nexthop bucket get id 40 index 8',
      );
      await assert.rejects(
        nl.nexthops.bucket(10, 0),
        (e: unknown) =>
          e instanceof NetlinkError && e.code === 'EINVAL' && e.extAck?.message === 'Not a nexthop group',
        'a single nexthop has no buckets',
      );
      await assert.rejects(nl.nexthops.bucket(0, 0), RangeError);
      await assert.rejects(nl.nexthops.bucket(40, -1), RangeError);
      await assert.rejects(nl.nexthops.bucket(40, 65536), RangeError);
      await assert.rejects(nl.nexthops.buckets({ id: 0 }), RangeError);
      await assert.rejects(nl.nexthops.buckets({ link: 'nosuch0' }), /unknown link "nosuch0"/);
      assert.equal(nl.info.inFlight, 0);
    }),
);
