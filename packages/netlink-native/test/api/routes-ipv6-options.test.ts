// The IPv6-only route options of routes.add: pref (RTA_PREF, `pref high`) and expires (RTA_EXPIRES,
// `expires 300`), read back by routes.list next to what `ip -j -d route show` prints, and refused
// for IPv4 routes before anything is sent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ICMPV6_ROUTER_PREF_HIGH, ICMPV6_ROUTER_PREF_LOW } from '../../src/codec/constants.ts';
import type { RoutePrefName } from '../../src/index.ts';
import { ip, ipJson, needsNetns, vethPair, withHandle } from './support.ts';

test(
  'routes.add with pref and expires makes the route `ip -6 route add ... expires N pref P` makes',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      vethPair(ns);
      ip(ns, '-6', 'address', 'add', '2001:db8::1/64', 'dev', 'v0', 'nodad');
      await nl.routes.add({ dst: '2001:db8:7::/64', gateway: '2001:db8::fe', expires: 300, pref: 'high' });
      await nl.routes.add({ dst: '2001:db8:8::/64', gateway: '2001:db8::fe', pref: 'low' });
      const [theirs] = ipJson<{ expires?: number; pref?: string }[]>(
        ns,
        '-d',
        '-6',
        'route',
        'show',
        '2001:db8:7::/64',
      );
      assert.equal(theirs?.pref, 'high');
      assert.ok(
        theirs?.expires !== undefined && theirs.expires > 290 && theirs.expires <= 300,
        `ip: ${theirs?.expires}`,
      );
      const ours = new Map((await nl.routes.list({ family: 6 })).map((r) => [r.dst, r]));
      const seven = ours.get('2001:db8:7::');
      assert.equal(seven?.pref, ICMPV6_ROUTER_PREF_HIGH);
      assert.ok(
        seven?.expires !== undefined && seven.expires > 290 && seven.expires <= 300,
        `ours: ${seven?.expires}`,
      );
      assert.deepEqual(
        [ours.get('2001:db8:8::')?.pref, ours.get('2001:db8:8::')?.expires],
        [ICMPV6_ROUTER_PREF_LOW, undefined],
      );

      await assert.rejects(
        nl.routes.add({ dst: '10.1.0.0/16', link: 'v0', pref: 'high' }),
        /IPv6 routes only/,
      );
      await assert.rejects(nl.routes.add({ dst: '10.1.0.0/16', link: 'v0', expires: 5 }), /IPv6 routes only/);
      await assert.rejects(nl.routes.add({ dst: '2001:db8:9::/64', link: 'v0', expires: 0 }), RangeError);
      await assert.rejects(
        nl.routes.add({ dst: '2001:db8:9::/64', link: 'v0', pref: 'top' as RoutePrefName }),
        /pref must be 'low', 'medium' or 'high'/,
      );
      assert.equal(nl.info.inFlight, 0);
    }),
);
