import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NetlinkError } from '../../src/index.ts';
import { ip, ipJson, ipRoutes, needsNetns, vethPair, withHandle } from './support.ts';

test('routes.add / delete, IPv4 and IPv6, each checked with `ip route`', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    ip(ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'v0');
    ip(ns, 'addr', 'add', '2001:db8::1/64', 'dev', 'v0', 'nodad');
    await nl.routes.add({ dst: '192.168.5.0/24', gateway: '10.0.0.254', metric: 7 });
    await nl.routes.add({ dst: '2001:db8:5::/48', gateway: '2001:db8::fe', link: 'v0' });
    await nl.routes.add({ dst: '198.51.100.7', link: 'v0', protocol: 'static' });
    const v4 = ipRoutes(ns);
    assert.deepEqual(
      v4.find((r) => r.dst === '192.168.5.0/24'),
      { dst: '192.168.5.0/24', gateway: '10.0.0.254', dev: 'v0', metric: 7, flags: [] },
    );
    const host = v4.find((r) => r.dst === '198.51.100.7');
    assert.equal(host?.scope, 'link');
    assert.equal(host?.protocol, 'static');
    const v6 = ipRoutes(ns, '-6').find((r) => r.dst === '2001:db8:5::/48');
    assert.equal(v6?.gateway, '2001:db8::fe');
    await nl.routes.delete({ dst: '192.168.5.0/24', gateway: '10.0.0.254', metric: 7 });
    await nl.routes.delete({ dst: '2001:db8:5::/48' });
    assert.equal(
      ipRoutes(ns).find((r) => r.dst === '192.168.5.0/24'),
      undefined,
    );
    assert.equal(
      ipRoutes(ns, '-6').find((r) => r.dst === '2001:db8:5::/48'),
      undefined,
    );
    await assert.rejects(nl.routes.delete({ dst: '192.168.5.0/24' }), (e: unknown) => {
      assert.ok(e instanceof NetlinkError);
      assert.equal(e.code, 'ESRCH');
      assert.equal(e.operation, 'route del 192.168.5.0/24');
      return true;
    });
  }),
);

test('routes.list dumps one table with the kernel filtering table, protocol, type and link', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    ip(ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'v0');
    ip(ns, 'addr', 'add', '10.0.1.1/24', 'dev', 'v1');
    ip(ns, 'route', 'add', '192.168.1.0/24', 'via', '10.0.0.254', 'table', '100', 'proto', 'static');
    ip(ns, 'route', 'add', '192.168.2.0/24', 'via', '10.0.1.254', 'table', '100');
    ip(ns, 'route', 'add', 'blackhole', '192.168.3.0/24', 'table', '100');
    const t100 = await nl.routes.list({ family: 4, table: 100 });
    assert.deepEqual(t100.map((r) => `${r.dst}/${r.dstLength}`).sort(), [
      '192.168.1.0/24',
      '192.168.2.0/24',
      '192.168.3.0/24',
    ]);
    assert.ok(t100.every((r) => r.table === 100));
    const staticOnes = await nl.routes.list({ family: 4, table: 100, protocol: 'static' });
    assert.deepEqual(
      staticOnes.map((r) => r.dst),
      ['192.168.1.0'],
    );
    const blackholes = await nl.routes.list({ family: 4, table: 100, type: 'blackhole' });
    assert.deepEqual(
      blackholes.map((r) => r.dst),
      ['192.168.3.0'],
    );
    const viaV1 = await nl.routes.list({ family: 4, table: 100, link: 'v1' });
    assert.deepEqual(
      viaV1.map((r) => r.dst),
      ['192.168.2.0'],
    );
    // The main table by default, matching `ip route show` (both families when family is left out).
    const main = await nl.routes.list({ family: 4 });
    assert.deepEqual(
      main.map((r) => `${r.dst}/${r.dstLength}`).sort(),
      ipRoutes(ns)
        .map((r) => r.dst)
        .sort(),
    );
    const all = await nl.routes.list({ table: 'all' });
    assert.ok(
      all.some((r) => r.family === 6) && all.some((r) => r.table === 255) && all.some((r) => r.table === 100),
    );
  }),
);

test(
  'routes.get returns the kernel’s choice for a destination (RTM_GETROUTE), like `ip route get`',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      vethPair(ns);
      ip(ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'v0');
      ip(ns, 'route', 'add', '192.168.9.0/24', 'via', '10.0.0.254');
      const r = await nl.routes.get('192.168.9.77');
      const [theirs] = ipJsonGet(ns, '192.168.9.77');
      assert.equal(r.dst, '192.168.9.77');
      assert.equal(r.gateway, theirs?.gateway);
      assert.equal(r.gateway, '10.0.0.254');
      assert.equal(r.prefsrc, '10.0.0.1');
      assert.equal(r.oif, (await nl.links.get('v0')).index);
      const fib = await nl.routes.get('192.168.9.77', { fibMatch: true });
      assert.equal(`${fib.dst}/${fib.dstLength}`, '192.168.9.0/24');
      await assert.rejects(
        nl.routes.get('203.0.113.1'),
        (e: unknown) => e instanceof NetlinkError && e.code === 'ENETUNREACH',
      );
    }),
);

test(
  'routes.get of an IPv6 destination is answered (strict check refuses RTM_F_LOOKUP_TABLE there)',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      vethPair(ns);
      ip(ns, '-6', 'addr', 'add', '2001:db8::1/64', 'dev', 'v0', 'nodad');
      ip(ns, '-6', 'route', 'add', '2001:db8:9::/64', 'via', '2001:db8::254');
      const r = await nl.routes.get('2001:db8:9::77');
      assert.equal(r.family, 6);
      assert.equal(r.gateway, '2001:db8::254');
      assert.equal(r.oif, (await nl.links.get('v0')).index);
      const fib = await nl.routes.get('2001:db8:9::77', { fibMatch: true });
      assert.equal(`${fib.dst}/${fib.dstLength}`, '2001:db8:9::/64');
    }),
);

test('a multipath route is added and decoded with every nexthop and weight', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    ip(ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'v0');
    ip(ns, 'addr', 'add', '10.0.1.1/24', 'dev', 'v1');
    await nl.routes.add({
      dst: '192.168.7.0/24',
      nexthops: [
        { gateway: '10.0.0.254', link: 'v0', weight: 1 },
        { gateway: '10.0.1.254', link: 'v1', weight: 3 },
      ],
    });
    const theirs = ipRoutes(ns).find((r) => r.dst === '192.168.7.0/24');
    assert.deepEqual(
      theirs?.nexthops?.map((h) => [h.gateway, h.dev, h.weight]),
      [
        ['10.0.0.254', 'v0', 1],
        ['10.0.1.254', 'v1', 3],
      ],
    );
    const [ours] = (await nl.routes.list({ family: 4 })).filter((r) => r.dst === '192.168.7.0');
    const v0 = (await nl.links.get('v0')).index;
    const v1 = (await nl.links.get('v1')).index;
    assert.deepEqual(
      ours?.nexthops?.map((h) => [h.gateway, h.oif, h.weight]),
      [
        ['10.0.0.254', v0, 1],
        ['10.0.1.254', v1, 3],
      ],
    );
  }),
);

test('two default routes with equal metric are both in the dump', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    ip(ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'v0');
    ip(ns, 'addr', 'add', '10.0.1.1/24', 'dev', 'v1');
    await nl.routes.add({ dst: 'default', gateway: '10.0.0.254', link: 'v0', metric: 100 });
    await nl.routes.append({ dst: 'default', gateway: '10.0.1.254', link: 'v1', metric: 100 });
    const defaults = (await nl.routes.list({ family: 4 })).filter((r) => r.dstLength === 0);
    assert.deepEqual(defaults.map((r) => [r.gateway, r.priority]).sort(), [
      ['10.0.0.254', 100],
      ['10.0.1.254', 100],
    ]);
    const theirs = ipRoutes(ns).filter((r) => r.dst === 'default');
    assert.equal(theirs.length, 2, '`ip route` shows both too');
  }),
);

function ipJsonGet(ns: string, dst: string): { gateway?: string; dev?: string; prefsrc?: string }[] {
  return JSON.parse(ip(ns, '-j', 'route', 'get', dst));
}

test(
  'routes.list nhId keeps the routes through one nexthop object (`ip route show nhid N`)',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      vethPair(ns);
      ip(ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'v0');
      ip(ns, 'addr', 'add', '2001:db8::1/64', 'dev', 'v0', 'nodad');
      await nl.nexthops.add({ id: 10, gateway: '10.0.0.2', link: 'v0' });
      await nl.nexthops.add({ id: 11, gateway: '10.0.0.3', link: 'v0' });
      await nl.nexthops.add({ id: 12, gateway: '2001:db8::2', link: 'v0' });
      await nl.routes.add({ dst: '10.1.0.0/16', nhId: 10 });
      await nl.routes.add({ dst: '10.2.0.0/16', nhId: 11 });
      await nl.routes.add({ dst: '10.3.0.0/16', nhId: 10, table: 100 });
      await nl.routes.add({ dst: '2001:db8:7::/64', nhId: 12 });
      const dsts = async (o: Parameters<typeof nl.routes.list>[0]) =>
        (await nl.routes.list(o)).map((r) => r.dst);
      assert.deepEqual(await dsts({ nhId: 10 }), ['10.1.0.0']);
      assert.deepEqual((await dsts({ nhId: 10, table: 'all' })).sort(), ['10.1.0.0', '10.3.0.0']);
      assert.deepEqual(await dsts({ nhId: 12 }), ['2001:db8:7::']);
      assert.deepEqual(await dsts({ nhId: 99 }), []);
      // iproute2 6.1 has no `show nhid N`: pick them out of its dump
      const theirs = ipJson<{ dst: string; nhid?: number }[]>(ns, 'route', 'show');
      assert.deepEqual(
        theirs.filter((r) => r.nhid === 10).map((r) => r.dst),
        ['10.1.0.0/16'],
      );
      await assert.rejects(nl.routes.list({ nhId: -1 }), RangeError);
    }),
);
