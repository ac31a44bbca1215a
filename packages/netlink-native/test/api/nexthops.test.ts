// nexthops.list / get and the 'nexthop' monitor group against nexthop objects made by `ip nexthop`
// in a throw-away namespace, each result checked against `ip -j nexthop show` of that namespace.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { inNetns } from '../../../../test/support/netns.ts';
import { NEXTHOP_GRP_TYPE_RES, RTNH_F_ONLINK } from '../../src/codec/constants.ts';
import { type MonitorEvent, NetlinkError, type NexthopObject } from '../../src/index.ts';
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
}

const ipNexthops = (ns: string): IpNexthop[] => ipJson<IpNexthop[]>(ns, 'nexthop', 'show');

/** Our object in iproute2's words, so the two can be compared whole. */
function asIp(n: NexthopObject, devName: (index: number) => string): IpNexthop {
  const out: IpNexthop = { id: n.id, flags: n.flags & RTNH_F_ONLINK ? ['onlink'] : [] };
  if (n.gateway !== undefined) out.gateway = n.gateway;
  if (n.oif !== undefined) out.dev = devName(n.oif);
  if (n.blackhole) out.blackhole = null;
  if (n.fdb) out.fdb = null;
  if (n.group !== undefined) out.group = n.group.map((m) => (m.weight === 1 ? { id: m.id } : m));
  if (n.groupType === NEXTHOP_GRP_TYPE_RES) out.type = 'resilient';
  return out;
}

/** The fields both sides report, from `ip -j` (it adds scope and resilient_args, which we check apart). */
function ipCore(n: IpNexthop): IpNexthop {
  const out: IpNexthop = { id: n.id, flags: n.flags };
  for (const k of ['gateway', 'dev', 'blackhole', 'fdb', 'group', 'type'] as const) {
    if (k in n) (out as unknown as Record<string, unknown>)[k] = n[k];
  }
  return out;
}

/** veth v0/v1 with an IPv4 and an IPv6 subnet on v0, nexthop_compat_mode 0 inside the namespace. */
function node(ns: string): void {
  vethPair(ns);
  ip(ns, 'address', 'add', '172.30.250.104/24', 'dev', 'v0');
  ip(ns, '-6', 'address', 'add', '2001:db8:1::104/64', 'dev', 'v0', 'nodad');
  inNetns(ns, 'sysctl', ['-qw', 'net.ipv4.nexthop_compat_mode=0']);
}

function everyKind(ns: string): void {
  ip(ns, 'nexthop', 'add', 'id', '10', 'via', '172.30.250.1', 'dev', 'v0');
  ip(ns, 'nexthop', 'add', 'id', '11', 'via', '172.30.250.2', 'dev', 'v0', 'onlink');
  ip(ns, 'nexthop', 'add', 'id', '12', 'blackhole');
  ip(ns, 'nexthop', 'add', 'id', '13', 'via', '2001:db8:1::1', 'dev', 'v0');
  ip(ns, 'nexthop', 'add', 'id', '14', 'dev', 'v0');
  ip(ns, 'nexthop', 'add', 'id', '20', 'group', '10/11,3');
  ip(ns, 'nexthop', 'add', 'id', '21', 'group', '10/11', 'type', 'resilient', 'buckets', '16');
  ip(ns, 'nexthop', 'add', 'id', '30', 'via', '172.30.250.3', 'fdb');
  ip(ns, 'nexthop', 'add', 'id', '31', 'group', '30', 'fdb');
}

test(
  'nexthops.list and get return every kind of nexthop object as `ip -j nexthop show` has it',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      node(ns);
      everyKind(ns);
      const names = new Map((await nl.links.list()).map((l) => [l.index, l.name]));
      const devName = (i: number) => names.get(i) ?? `#${i}`;
      const listed = await nl.nexthops.list();
      assert.equal(listed.interrupted, false);
      const theirs = ipNexthops(ns).map(ipCore);
      assert.deepEqual(
        listed.map((n) => asIp(n, devName)),
        theirs,
      );
      for (const n of listed) assert.deepEqual(await nl.nexthops.get(n.id), n, `get id ${n.id}`);
      const resilient = listed.find((n) => n.id === 21);
      assert.equal(resilient?.resilient?.buckets, 16);
      assert.equal(listed.find((n) => n.id === 13)?.family, 6);
      assert.equal(listed.find((n) => n.id === 20)?.family, undefined, 'a group has no family');
    }),
);

test(
  'a default route through a nexthop group leads by nhId to the members, device and gateway',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      node(ns);
      ip(ns, 'nexthop', 'add', 'id', '10', 'via', '172.30.250.1', 'dev', 'v0');
      ip(ns, 'nexthop', 'add', 'id', '11', 'via', '172.30.250.2', 'dev', 'v0');
      ip(ns, 'nexthop', 'add', 'id', '20', 'group', '10/11');
      ip(ns, 'route', 'add', 'default', 'nhid', '20');
      const defaults = (await nl.routes.list({ family: 4 })).filter((r) => r.dstLength === 0);
      assert.equal(defaults.length, 1);
      const route = defaults[0];
      assert.equal(route?.nhId, 20);
      assert.equal(route?.oif, undefined, 'compat mode 0: the route carries only RTA_NH_ID');
      const group = await nl.nexthops.get(route?.nhId as number);
      const members = await Promise.all((group.group ?? []).map((m) => nl.nexthops.get(m.id)));
      const v0 = await nl.links.get('v0');
      assert.deepEqual(
        members.map((m) => [m.oif, m.gateway]),
        [
          [v0.index, '172.30.250.1'],
          [v0.index, '172.30.250.2'],
        ],
      );
    }),
);

test('nexthop_compat_mode set inside a namespace leaves the host value alone', needsNetns, () =>
  withHandle(async (_nl, ns) => {
    const path = '/proc/sys/net/ipv4/nexthop_compat_mode';
    const host = readFileSync(path, 'utf8').trim();
    inNetns(ns, 'sysctl', ['-qw', `net.ipv4.nexthop_compat_mode=${host === '0' ? 1 : 0}`]);
    assert.equal(
      readFileSync(path, 'utf8').trim(),
      host,
      'this process (the host namespace) still reads its own value',
    );
    assert.notEqual(inNetns(ns, 'cat', [path]).trim(), host, 'the namespace has its own');
  }),
);

test('nexthops.list filters by family, link, master, groups and fdb in the kernel', needsNetns, () =>
  withHandle(async (nl, ns) => {
    node(ns);
    everyKind(ns);
    ip(ns, 'link', 'add', 'b0', 'type', 'bridge');
    ip(ns, 'link', 'set', 'b0', 'up');
    ip(ns, 'link', 'set', 'v1', 'master', 'b0');
    ip(ns, 'nexthop', 'add', 'id', '40', 'dev', 'v1');
    const ids = async (o: Parameters<typeof nl.nexthops.list>[0]) =>
      (await nl.nexthops.list(o)).map((n) => n.id);
    const expect = (...args: string[]) => ipJson<IpNexthop[]>(ns, ...args).map((n) => n.id);
    assert.deepEqual(await ids({ family: 4 }), expect('-4', 'nexthop', 'show'));
    assert.deepEqual(await ids({ family: 6 }), [13]);
    assert.deepEqual(await ids({ link: 'v0' }), expect('nexthop', 'show', 'dev', 'v0'));
    assert.deepEqual(await ids({ master: 'b0' }), [40]);
    assert.deepEqual(await ids({ groupsOnly: true }), [20, 21, 31]);
    assert.deepEqual(await ids({ fdbOnly: true }), expect('nexthop', 'show', 'fdb'));
  }),
);

test(
  'nexthops.get of a missing id is NetlinkError ENOENT; bad arguments are refused before sending',
  needsNetns,
  () =>
    withHandle(async (nl) => {
      await assert.rejects(
        nl.nexthops.get(4242),
        (e: unknown) =>
          e instanceof NetlinkError && e.code === 'ENOENT' && e.operation === 'nexthop get id 4242',
      );
      await assert.rejects(nl.nexthops.get(0), RangeError);
      await assert.rejects(nl.nexthops.get(1.5), RangeError);
      await assert.rejects(nl.nexthops.get(2 ** 32), RangeError);
      await assert.rejects(nl.nexthops.get('10' as unknown as number), TypeError);
      await assert.rejects(nl.nexthops.list({ family: 5 as 4 }), TypeError);
      await assert.rejects(nl.nexthops.list({ groupsOnly: 'yes' as unknown as boolean }), TypeError);
      await assert.rejects(nl.nexthops.list({ link: 'nosuch0' }), /unknown link "nosuch0"/);
      await assert.rejects(nl.nexthops.list({ retryInterrupted: -1 }), RangeError);
      assert.equal(nl.info.inFlight, 0);
    }),
);

test("the 'nexthop' monitor group reports new, replaced and deleted nexthop objects", needsNetns, () =>
  withHandle(async (nl, ns) => {
    node(ns);
    const monitor = nl.monitor({ groups: ['nexthop'] });
    const events: Extract<MonitorEvent, { type: 'nexthop' }>[] = [];
    monitor.on('nexthop', (e) => events.push(e));
    const waitFor = (pred: (e: (typeof events)[number]) => boolean, what: string) =>
      new Promise<(typeof events)[number]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${what} in ${JSON.stringify(events)}`)), 2000);
        const check = () => {
          const hit = events.find(pred);
          if (hit) {
            clearTimeout(timer);
            monitor.off('nexthop', check);
            resolve(hit);
          }
        };
        monitor.on('nexthop', check);
        check();
      });
    try {
      ip(ns, 'nexthop', 'add', 'id', '10', 'via', '172.30.250.1', 'dev', 'v0');
      ip(ns, 'nexthop', 'add', 'id', '11', 'via', '172.30.250.2', 'dev', 'v0');
      ip(ns, 'nexthop', 'add', 'id', '12', 'blackhole');
      ip(ns, 'nexthop', 'add', 'id', '20', 'group', '10/11');
      const added = await waitFor((e) => e.action === 'new' && e.nexthop.id === 20, 'new group 20');
      assert.deepEqual(added.nexthop, await nl.nexthops.get(20));
      ip(ns, 'nexthop', 'replace', 'id', '10', 'via', '172.30.250.9', 'dev', 'v0');
      const replaced = await waitFor(
        (e) => e.nexthop.id === 10 && e.nexthop.gateway === '172.30.250.9',
        'replace',
      );
      assert.equal(replaced.action, 'new');
      assert.equal(ipNexthops(ns).find((n) => n.id === 10)?.gateway, '172.30.250.9');
      ip(ns, 'nexthop', 'del', 'id', '12');
      const deleted = await waitFor((e) => e.action === 'del' && e.nexthop.id === 12, 'del 12');
      assert.equal(deleted.nexthop.blackhole, true, 'a delete carries the object as it was');
      ip(ns, 'nexthop', 'del', 'id', '11');
      await waitFor((e) => e.action === 'del' && e.nexthop.id === 11, 'del 11');
      // the group lost a member: the kernel re-announces it, as `ip` now shows it
      const shrunk = await waitFor(
        (e) => e.nexthop.id === 20 && e.nexthop.group?.length === 1,
        'group 20 shrunk',
      );
      assert.deepEqual(
        shrunk.nexthop.group?.map((m) => m.id),
        ipNexthops(ns)
          .find((n) => n.id === 20)
          ?.group?.map((m) => m.id),
      );
    } finally {
      monitor.close();
    }
  }),
);

test(
  "a monitor without groups does not join 'nexthop' (kernels before 5.3 would refuse it)",
  needsNetns,
  () =>
    withHandle(async (nl) => {
      const monitor = nl.monitor();
      try {
        assert.deepEqual(monitor.groups, [
          'link',
          'ipv4-address',
          'ipv6-address',
          'ipv4-route',
          'ipv6-route',
        ]);
      } finally {
        monitor.close();
      }
    }),
);
