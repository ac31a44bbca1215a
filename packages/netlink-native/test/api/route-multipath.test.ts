// Multipath routes (RTA_MULTIPATH) written by routes.add and read back by routes.list, each checked
// against `ip -j route show` of the namespace: weights, per-hop links and gateways over two veth
// pairs, per-hop onlink, IPv6, and IPv4 routes through IPv6 gateways (RTA_VIA, alone and per hop).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RTNH_F_ONLINK } from '../../src/codec/constants.ts';
import { NetlinkError, type Route } from '../../src/index.ts';
import { ip, ipJson, needsNetns, vethPair, withHandle } from './support.ts';

interface IpHop {
  gateway?: string;
  via?: { family: string; host: string };
  dev: string;
  weight: number;
  flags: string[];
}
interface IpMultipathRoute {
  dst: string;
  gateway?: string;
  via?: { family: string; host: string };
  dev?: string;
  flags: string[];
  nexthops?: IpHop[];
}

const ipRoute = (ns: string, family: '-4' | '-6', dst: string): IpMultipathRoute | undefined =>
  ipJson<IpMultipathRoute[]>(ns, family, 'route', 'show').find((r) => r.dst === dst);

/** Two veth pairs, a0/b0 and a1/b1, with an IPv4 and an IPv6 subnet on each a-side. */
function twoLinks(ns: string): void {
  vethPair(ns, 'a0', 'b0');
  vethPair(ns, 'a1', 'b1');
  ip(ns, 'address', 'add', '10.0.0.1/24', 'dev', 'a0');
  ip(ns, 'address', 'add', '10.0.1.1/24', 'dev', 'a1');
  ip(ns, '-6', 'address', 'add', '2001:db8:0::1/64', 'dev', 'a0', 'nodad');
  ip(ns, '-6', 'address', 'add', '2001:db8:1::1/64', 'dev', 'a1', 'nodad');
}

async function ours(nl: Parameters<Parameters<typeof withHandle>[0]>[0], family: 4 | 6, dst: string) {
  const found = (await nl.routes.list({ family })).filter((r: Route) => r.dst === dst);
  assert.equal(found.length, 1, `one route to ${dst}`);
  return found[0] as Route;
}

test('a multipath route over two links keeps each hop’s gateway, link and weight', needsNetns, () =>
  withHandle(async (nl, ns) => {
    twoLinks(ns);
    await nl.routes.add({
      dst: '192.168.7.0/24',
      nexthops: [
        { gateway: '10.0.0.254', link: 'a0', weight: 1 },
        { gateway: '10.0.1.254', link: 'a1', weight: 200 },
      ],
    });
    const a0 = (await nl.links.get('a0')).index;
    const a1 = (await nl.links.get('a1')).index;
    const r = await ours(nl, 4, '192.168.7.0');
    assert.deepEqual(r.nexthops, [
      { gateway: '10.0.0.254', oif: a0, weight: 1, flags: 0 },
      { gateway: '10.0.1.254', oif: a1, weight: 200, flags: 0 },
    ]);
    assert.equal(r.gateway, undefined, 'a multipath route has no top-level gateway');
    assert.deepEqual(
      ipRoute(ns, '-4', '192.168.7.0/24')?.nexthops?.map((h) => [h.gateway, h.dev, h.weight]),
      [
        ['10.0.0.254', 'a0', 1],
        ['10.0.1.254', 'a1', 200],
      ],
    );
    // replace with other weights: the same route, re-weighted
    await nl.routes.replace({
      dst: '192.168.7.0/24',
      nexthops: [
        { gateway: '10.0.0.254', link: 'a0', weight: 256 },
        { gateway: '10.0.1.254', link: 'a1', weight: 2 },
      ],
    });
    assert.deepEqual(
      (await ours(nl, 4, '192.168.7.0')).nexthops?.map((h) => h.weight),
      [256, 2],
    );
  }),
);

test('per-hop onlink reaches a gateway outside every subnet; without it the kernel refuses', needsNetns, () =>
  withHandle(async (nl, ns) => {
    twoLinks(ns);
    await assert.rejects(
      nl.routes.add({
        dst: '192.168.8.0/24',
        nexthops: [
          { gateway: '10.0.0.254', link: 'a0' },
          { gateway: '172.16.0.1', link: 'a1' },
        ],
      }),
      (e: unknown) =>
        e instanceof NetlinkError &&
        e.code === 'ENETUNREACH' &&
        e.operation.startsWith('route add 192.168.8.0/24 nexthop via 10.0.0.254 dev a0'),
    );
    await nl.routes.add({
      dst: '192.168.8.0/24',
      nexthops: [
        { gateway: '10.0.0.254', link: 'a0' },
        { gateway: '172.16.0.1', link: 'a1', onlink: true, weight: 5 },
      ],
    });
    const r = await ours(nl, 4, '192.168.8.0');
    assert.deepEqual(
      r.nexthops?.map((h) => [h.gateway, h.weight, h.flags & RTNH_F_ONLINK]),
      [
        ['10.0.0.254', 1, 0],
        ['172.16.0.1', 5, RTNH_F_ONLINK],
      ],
    );
    assert.deepEqual(
      ipRoute(ns, '-4', '192.168.8.0/24')?.nexthops?.map((h) => h.flags),
      [[], ['onlink']],
    );
  }),
);

test('an IPv6 multipath route keeps its hops and weights', needsNetns, () =>
  withHandle(async (nl, ns) => {
    twoLinks(ns);
    await nl.routes.add({
      dst: '2001:db8:7::/48',
      metric: 1024,
      nexthops: [
        { gateway: '2001:db8:0::fe', link: 'a0', weight: 3 },
        { gateway: '2001:db8:1::fe', link: 'a1', weight: 1 },
      ],
    });
    const a0 = (await nl.links.get('a0')).index;
    const a1 = (await nl.links.get('a1')).index;
    const r = await ours(nl, 6, '2001:db8:7::');
    assert.deepEqual(
      r.nexthops?.map((h) => [h.gateway, h.oif, h.weight]),
      [
        ['2001:db8::fe', a0, 3],
        ['2001:db8:1::fe', a1, 1],
      ],
    );
    assert.deepEqual(
      ipRoute(ns, '-6', '2001:db8:7::/48')?.nexthops?.map((h) => [h.gateway, h.dev, h.weight]),
      [
        ['2001:db8::fe', 'a0', 3],
        ['2001:db8:1::fe', 'a1', 1],
      ],
    );
  }),
);

test('an IPv4 route through an IPv6 gateway is RTA_VIA, alone or per hop', needsNetns, () =>
  withHandle(async (nl, ns) => {
    twoLinks(ns);
    await nl.routes.add({ dst: '192.168.10.0/24', gateway: '2001:db8::fe', link: 'a0' });
    await nl.routes.add({ dst: 'default', family: 4, gateway: 'fe80::1', link: 'a1', metric: 10 });
    const single = await ours(nl, 4, '192.168.10.0');
    assert.equal(single.via, '2001:db8::fe');
    assert.equal(single.gateway, undefined);
    assert.deepEqual(ipRoute(ns, '-4', '192.168.10.0/24')?.via, { family: 'inet6', host: '2001:db8::fe' });
    const def = (await nl.routes.list({ family: 4 })).find((r) => r.dstLength === 0);
    assert.equal(def?.via, 'fe80::1');
    assert.equal(def?.priority, 10);

    await nl.routes.add({
      dst: '192.168.11.0/24',
      nexthops: [
        { gateway: '2001:db8:1::fe', link: 'a1', weight: 3 },
        { gateway: '10.0.0.254', link: 'a0' },
      ],
    });
    const mixed = await ours(nl, 4, '192.168.11.0');
    assert.deepEqual(
      mixed.nexthops?.map((h) => [h.gateway, h.weight]),
      [
        ['2001:db8:1::fe', 3],
        ['10.0.0.254', 1],
      ],
    );
    const theirs = ipRoute(ns, '-4', '192.168.11.0/24')?.nexthops;
    assert.deepEqual(theirs?.[0]?.via, { family: 'inet6', host: '2001:db8:1::fe' });
    assert.equal(theirs?.[1]?.gateway, '10.0.0.254');
  }),
);

test('an IPv6 route through an IPv4 gateway is the kernel’s EINVAL, naming the operation', needsNetns, () =>
  withHandle(async (nl, ns) => {
    twoLinks(ns);
    await assert.rejects(
      nl.routes.add({ dst: '2001:db8:9::/48', gateway: '10.0.0.254', link: 'a0' }),
      (e: unknown) => {
        assert.ok(e instanceof NetlinkError);
        assert.equal(e.code, 'EINVAL');
        assert.equal(e.operation, 'route add 2001:db8:9::/48 via inet 10.0.0.254 dev a0');
        return true;
      },
    );
    await assert.rejects(
      nl.routes.add({ dst: '192.168.7.0/24', nexthops: [{ gateway: '10.0.0.1', weight: 257 }] }),
      RangeError,
    );
    await assert.rejects(nl.routes.add({ dst: '192.168.7.0/24', nexthops: [] }), TypeError);
    assert.equal(nl.info.inFlight, 0);
  }),
);
