// nexthops.add / replace / delete against the kernel of a throw-away namespace: every kind of
// nexthop object (gateway and link, onlink, link only, IPv6, blackhole, fdb, hash-threshold and
// resilient groups, fdb groups) is created through the API and read back both with nexthops.list
// and with `ip -j nexthop show`; routes name them by nhId and follow a replace.
import assert from 'node:assert/strict';
import { release } from 'node:os';
import { test } from 'node:test';
import { inNetns } from '../../../../test/support/netns.ts';
import { NEXTHOP_GRP_TYPE_RES, RTNH_F_ONLINK, RTPROT_STATIC } from '../../src/codec/constants.ts';
import { type MonitorEvent, NetlinkError } from '../../src/index.ts';
import { ip, ipJson, needsNetns, vethPair, withHandle } from './support.ts';

interface IpNexthop {
  id: number;
  gateway?: string;
  dev?: string;
  flags: string[];
  blackhole?: null;
  fdb?: null;
  group?: { id: number; weight?: number }[];
  type?: string;
  protocol?: string;
  resilient_args?: { buckets: number; idle_timer: number; unbalanced_timer: number; unbalanced_time: number };
}

const ipNexthops = (ns: string): IpNexthop[] => ipJson<IpNexthop[]>(ns, 'nexthop', 'show');

function node(ns: string): void {
  vethPair(ns);
  ip(ns, 'address', 'add', '172.30.250.104/24', 'dev', 'v0');
  ip(ns, '-6', 'address', 'add', '2001:db8:1::104/64', 'dev', 'v0', 'nodad');
  inNetns(ns, 'sysctl', ['-qw', 'net.ipv4.nexthop_compat_mode=0']);
}

test('nexthops.add creates every kind of nexthop object as `ip nexthop add` would', needsNetns, () =>
  withHandle(async (nl, ns) => {
    node(ns);
    await nl.nexthops.add({ id: 10, gateway: '172.30.250.1', link: 'v0' });
    await nl.nexthops.add({ id: 11, gateway: '172.30.250.2', link: 'v0', onlink: true, protocol: 'static' });
    await nl.nexthops.add({ id: 12, blackhole: true });
    await nl.nexthops.add({ id: 13, gateway: '2001:db8:1::1', link: 'v0' });
    await nl.nexthops.add({ id: 14, link: 'v0' });
    await nl.nexthops.add({ id: 15, blackhole: true, family: 6 });
    await nl.nexthops.add({ id: 20, group: [{ id: 10 }, { id: 11, weight: 3 }] });
    await nl.nexthops.add({
      id: 21,
      group: [{ id: 10, weight: 2 }, { id: 11 }],
      type: 'resilient',
      resilient: { buckets: 16, idleTimer: 10, unbalancedTimer: 20 },
    });
    await nl.nexthops.add({ id: 22, group: [{ id: 10 }, { id: 11 }], type: 'mpath' });
    await nl.nexthops.add({ id: 30, gateway: '172.30.250.3', fdb: true });
    await nl.nexthops.add({ id: 31, group: [{ id: 30 }], fdb: true });

    const theirs = new Map(ipNexthops(ns).map((n) => [n.id, n]));
    assert.deepEqual([...theirs.keys()], [10, 11, 12, 13, 14, 15, 20, 21, 22, 30, 31]);
    assert.deepEqual(theirs.get(11)?.flags, ['onlink']);
    assert.equal(theirs.get(11)?.protocol, 'static');
    assert.equal(theirs.get(12)?.blackhole, null);
    assert.equal(theirs.get(14)?.dev, 'v0');
    assert.deepEqual(theirs.get(20)?.group, [{ id: 10 }, { id: 11, weight: 3 }]);
    assert.equal(theirs.get(21)?.type, 'resilient');
    assert.deepEqual(theirs.get(21)?.resilient_args, {
      buckets: 16,
      idle_timer: 10,
      unbalanced_timer: 20,
      unbalanced_time: 0,
    });
    assert.equal(theirs.get(30)?.fdb, null);
    assert.equal(theirs.get(31)?.fdb, null);

    const v0 = (await nl.links.get('v0')).index;
    const ours = new Map((await nl.nexthops.list()).map((n) => [n.id, n]));
    assert.deepEqual(
      [ours.get(10)?.gateway, ours.get(10)?.oif, ours.get(10)?.family],
      ['172.30.250.1', v0, 4],
    );
    assert.equal((ours.get(11)?.flags ?? 0) & RTNH_F_ONLINK, RTNH_F_ONLINK);
    assert.equal(ours.get(11)?.protocol, RTPROT_STATIC);
    assert.equal(ours.get(13)?.family, 6);
    assert.deepEqual([ours.get(15)?.blackhole, ours.get(15)?.family], [true, 6]);
    assert.deepEqual(ours.get(20)?.group, [
      { id: 10, weight: 1 },
      { id: 11, weight: 3 },
    ]);
    const resilient = ours.get(21);
    assert.equal(resilient?.groupType, NEXTHOP_GRP_TYPE_RES);
    assert.deepEqual(
      [resilient?.resilient?.buckets, resilient?.resilient?.idleTimer, resilient?.resilient?.unbalancedTimer],
      [16, 10, 20],
    );
    assert.deepEqual(ours.get(31)?.group, [{ id: 30, weight: 1 }]);
    assert.equal(ours.get(31)?.fdb, true);
  }),
);

test(
  'a route through a nexthop object (nhId) is added, read back and follows nexthops.replace',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      node(ns);
      await nl.nexthops.add({ id: 10, gateway: '172.30.250.1', link: 'v0' });
      await nl.nexthops.add({ id: 11, gateway: '172.30.250.2', link: 'v0' });
      await nl.nexthops.add({ id: 20, group: [{ id: 10 }, { id: 11 }] });
      await nl.routes.add({ dst: '198.51.100.0/24', nhId: 10 });
      await nl.routes.add({ dst: 'default', family: 4, nhId: 20, metric: 5 });
      const [route] = (await nl.routes.list({ family: 4 })).filter((r) => r.dst === '198.51.100.0');
      assert.equal(route?.nhId, 10);
      assert.equal(route?.scope, 0, 'a route through a nexthop object is scope universe');
      const def = (await nl.routes.list({ family: 4 })).find((r) => r.dstLength === 0);
      assert.deepEqual([def?.nhId, def?.priority], [20, 5]);
      const theirs = ipJson<{ dst: string; nhid?: number }[]>(ns, 'route', 'show');
      assert.deepEqual(
        theirs.map((r) => [r.dst, r.nhid]).filter(([, id]) => id !== undefined),
        [
          ['default', 20],
          ['198.51.100.0/24', 10],
        ],
      );
      assert.equal((await nl.routes.get('198.51.100.9')).gateway, '172.30.250.1');

      // replacing the object moves the route with it; no route is touched
      await nl.nexthops.replace({ id: 10, gateway: '172.30.250.9', link: 'v0' });
      assert.equal((await nl.routes.get('198.51.100.9')).gateway, '172.30.250.9');
      assert.equal(ipNexthops(ns).find((n) => n.id === 10)?.gateway, '172.30.250.9');
      // a group is replaced by a group: now only member 11
      await nl.nexthops.replace({ id: 20, group: [{ id: 11 }] });
      assert.equal((await nl.routes.get('203.0.113.1')).gateway, '172.30.250.2');
      // a route by nhId is deleted by naming it
      await nl.routes.delete({ dst: '198.51.100.0/24', nhId: 10 });
      assert.equal(
        (await nl.routes.list({ family: 4 })).some((r) => r.dst === '198.51.100.0'),
        false,
      );
      // deleting a nexthop object deletes the routes through it
      await nl.nexthops.delete(20);
      assert.equal(
        (await nl.routes.list({ family: 4 })).some((r) => r.dstLength === 0),
        false,
      );
      assert.deepEqual(
        ipNexthops(ns).map((n) => n.id),
        [10, 11],
      );
    }),
);

test(
  'nexthops.add / replace / delete errors: kernel refusals are NetlinkErrors naming the operation',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      node(ns);
      await nl.nexthops.add({ id: 10, gateway: '172.30.250.1', link: 'v0' });
      await assert.rejects(
        nl.nexthops.add({ id: 10, gateway: '172.30.250.2', link: 'v0' }),
        (e: unknown) =>
          e instanceof NetlinkError &&
          e.code === 'EEXIST' &&
          e.operation === 'nexthop add id 10 via 172.30.250.2 dev v0',
      );
      await assert.rejects(
        nl.nexthops.add({ id: 20, group: [{ id: 10 }, { id: 99 }] }),
        (e: unknown) =>
          e instanceof NetlinkError && e.code === 'EINVAL' && /99|nexthop id/i.test(e.extAck?.message ?? ''),
      );
      await assert.rejects(
        nl.nexthops.add({ id: 11, gateway: '192.0.2.1', link: 'v0' }),
        (e: unknown) => e instanceof NetlinkError && e.code === 'ENETUNREACH',
        'a gateway off every subnet needs onlink',
      );
      await assert.rejects(
        nl.nexthops.replace({ id: 10, group: [{ id: 10 }] }),
        (e: unknown) => e instanceof NetlinkError && e.code === 'EINVAL',
        'a single nexthop cannot become a group',
      );
      await nl.nexthops.delete(10);
      await assert.rejects(
        nl.nexthops.delete(10),
        (e: unknown) =>
          e instanceof NetlinkError && e.code === 'ENOENT' && e.operation === 'nexthop del id 10',
      );
      assert.deepEqual(ipNexthops(ns), []);
    }),
);

test('nexthops.add refuses bad arguments before anything is sent', needsNetns, () =>
  withHandle(async (nl) => {
    await assert.rejects(nl.nexthops.add({ id: 0, blackhole: true }), RangeError);
    await assert.rejects(nl.nexthops.add({ id: 2 ** 32, blackhole: true }), RangeError);
    await assert.rejects(nl.nexthops.add({ id: '5' as unknown as number, blackhole: true }), TypeError);
    await assert.rejects(nl.nexthops.add({ id: 1 }), /needs a gateway, a device, blackhole or a group/);
    await assert.rejects(nl.nexthops.add({ id: 1, blackhole: true, gateway: '10.0.0.1' }), TypeError);
    await assert.rejects(nl.nexthops.add({ id: 1, group: [{ id: 2 }], gateway: '10.0.0.1' }), TypeError);
    await assert.rejects(nl.nexthops.add({ id: 1, group: [] }), TypeError);
    await assert.rejects(nl.nexthops.add({ id: 1, group: [{ id: 2, weight: 0 }] }), RangeError);
    await assert.rejects(nl.nexthops.add({ id: 1, group: [{ id: 2, weight: 65536 }] }), RangeError);
    await assert.rejects(nl.nexthops.add({ id: 1, gateway: '10.0.0.1', fdb: true, link: 'lo' }), TypeError);
    await assert.rejects(nl.nexthops.add({ id: 1, gateway: 'nope', link: 'lo' }), TypeError);
    await assert.rejects(nl.nexthops.add({ id: 1, gateway: '10.0.0.1', family: 6 }), TypeError);
    await assert.rejects(nl.nexthops.add({ id: 1, group: [{ id: 2 }], type: 'x' as 'mpath' }), TypeError);
    await assert.rejects(
      nl.nexthops.add({ id: 1, group: [{ id: 2 }], resilient: { buckets: 8 } }),
      /need type: 'resilient'/,
    );
    await assert.rejects(
      nl.nexthops.add({ id: 1, group: [{ id: 2 }], type: 'resilient', resilient: { buckets: 0 } }),
      TypeError,
    );
    await assert.rejects(nl.nexthops.add({ id: 1, gateway: '10.0.0.1', link: 'nosuch0' }), /unknown link/);
    await assert.rejects(nl.nexthops.delete(0), RangeError);
    assert.equal(nl.info.inFlight, 0);
  }),
);

const [major = 0, minor = 0] = release().split('.').map(Number);
const wideWeights = major > 6 || (major === 6 && minor >= 12);

test(
  'group weights above 256 use nexthop_grp.weight_high: kept by kernels >= 6.12, refused before',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      node(ns);
      await nl.nexthops.add({ id: 10, gateway: '172.30.250.1', link: 'v0' });
      await nl.nexthops.add({ id: 11, gateway: '172.30.250.2', link: 'v0' });
      const add = nl.nexthops.add({
        id: 20,
        group: [
          { id: 10, weight: 300 },
          { id: 11, weight: 65535 },
        ],
      });
      if (!wideWeights) {
        // Before 6.12 weight_high was a reserved byte the kernel requires to be 0.
        await assert.rejects(add, (e: unknown) => e instanceof NetlinkError && e.code === 'EINVAL');
        return;
      }
      await add;
      assert.deepEqual((await nl.nexthops.get(20)).group, [
        { id: 10, weight: 300 },
        { id: 11, weight: 65535 },
      ]);
    }),
);

test('a monitor sees the nexthop objects nexthops.add, replace and delete change', needsNetns, () =>
  withHandle(async (nl, ns) => {
    node(ns);
    const monitor = nl.monitor({ groups: ['nexthop'] });
    const events: Extract<MonitorEvent, { type: 'nexthop' }>[] = [];
    const settled = new Promise<void>((resolve) => {
      monitor.on('nexthop', (e) => {
        events.push(e);
        if (e.action === 'del') resolve();
      });
    });
    try {
      await nl.nexthops.add({ id: 10, gateway: '172.30.250.1', link: 'v0' });
      await nl.nexthops.replace({ id: 10, gateway: '172.30.250.7', link: 'v0' });
      await nl.nexthops.delete(10);
      await settled;
      assert.deepEqual(
        events.map((e) => [e.action, e.nexthop.id, e.nexthop.gateway]),
        [
          ['new', 10, '172.30.250.1'],
          ['new', 10, '172.30.250.7'],
          ['del', 10, '172.30.250.7'],
        ],
      );
    } finally {
      monitor.close();
    }
  }),
);

test(
  'nexthops.add without an id resolves with the id the kernel chose, the one `ip nexthop` shows',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      node(ns);
      ip(ns, 'nexthop', 'add', 'id', '1', 'blackhole'); // taken: the kernel must pick another
      const [a, b, c] = await Promise.all([
        nl.nexthops.add({ gateway: '172.30.250.1', link: 'v0' }),
        nl.nexthops.add({ gateway: '2001:db8:1::1', link: 'v0' }),
        nl.nexthops.add({ blackhole: true }),
      ]);
      const theirs = new Map(ipNexthops(ns).map((n) => [n.id, n]));
      assert.equal(theirs.size, 4);
      assert.equal(new Set([1, a, b, c]).size, 4, `four distinct ids: 1, ${a}, ${b}, ${c}`);
      assert.deepEqual([theirs.get(a)?.gateway, theirs.get(a)?.dev], ['172.30.250.1', 'v0']);
      assert.equal(theirs.get(b)?.gateway, '2001:db8:1::1');
      assert.equal(theirs.get(c)?.blackhole, null);
      // a given id comes back as it was given; the route then names the kernel's id
      assert.equal(await nl.nexthops.add({ id: 77, gateway: '172.30.250.2', link: 'v0' }), 77);
      await nl.routes.add({ dst: '10.9.0.0/16', nhId: a });
      const [route] = ipJson<{ nhid?: number }[]>(ns, 'route', 'show', '10.9.0.0/16');
      assert.equal(route?.nhid, a);
      // the kernel's refusal of an echoed add is a NetlinkError like any other, and nothing is left
      await assert.rejects(nl.nexthops.add({ gateway: '192.0.2.1', link: 'v0' }), (e: unknown) => {
        assert.ok(e instanceof NetlinkError);
        assert.equal(e.code, 'ENETUNREACH');
        assert.equal(e.operation, 'nexthop add via 192.0.2.1 dev v0');
        return true;
      });
      await assert.rejects(nl.nexthops.replace({ gateway: '172.30.250.3', link: 'v0' }), /needs the id/);
      assert.equal(nl.info.inFlight, 0);
      assert.equal(ipNexthops(ns).length, 5);
    }),
);
