// routes.get with the whole flow `ip route get` takes (from, iif, oif, mark, tos / dscp, uid,
// ipproto, sport, dport, fibmatch): policy rules made with `ip rule` in a throw-away namespace send
// each kind of flow to its own table, so every option is seen to reach the kernel's lookup, and the
// answers are checked against `ip -j route get` with the same arguments.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inNetns } from '../../../../test/support/netns.ts';
import { NetlinkError, type RouteGetOptions } from '../../src/index.ts';
import { addressedVethPair, ip, ipJson, needsNetns, withHandle } from './support.ts';

// table → the rule sending flows to it and the gateway its route to 192.168.9.0/24 goes through
const TABLES: [table: string, rule: string[], gateway: string][] = [
  ['100', ['fwmark', '7'], '10.0.0.100'],
  ['200', ['iif', 'v1'], '10.0.0.200'],
  ['300', ['tos', '0x10'], '10.0.0.30'],
  ['400', ['uidrange', '1000-1000'], '10.0.0.40'],
  ['500', ['ipproto', 'tcp', 'dport', '80'], '10.0.0.50'],
  ['600', ['ipproto', 'udp', 'sport', '1234'], '10.0.0.60'],
  ['700', ['from', '10.0.1.1'], '10.0.0.70'],
  ['800', ['oif', 'v1'], '10.0.1.80'],
];

function policyNode(ns: string): void {
  addressedVethPair(ns);
  ip(ns, 'route', 'add', '192.168.9.0/24', 'via', '10.0.0.254');
  ip(ns, '-6', 'route', 'add', '2001:db8:9::/64', 'via', '2001:db8::fe');
  TABLES.forEach(([table, rule, gateway], i) => {
    ip(ns, 'route', 'add', '192.168.9.0/24', 'via', gateway, 'table', table);
    ip(ns, 'rule', 'add', 'pref', String(100 + i), ...rule, 'lookup', table);
  });
  ip(ns, '-6', 'route', 'add', '2001:db8:9::/64', 'via', '2001:db8::100', 'table', '100');
  ip(ns, '-6', 'rule', 'add', 'pref', '100', 'fwmark', '7', 'lookup', '100');
  ip(ns, '-6', 'route', 'add', '2001:db8:9::/64', 'via', '2001:db8::40', 'table', '400');
  ip(ns, '-6', 'rule', 'add', 'pref', '103', 'uidrange', '1000-1000', 'lookup', '400');
  // a lookup as for a received packet (iif) forwards: these sysctls are the namespace's own
  inNetns(ns, 'sysctl', [
    '-qw',
    'net.ipv4.ip_forward=1',
    'net.ipv4.conf.all.rp_filter=0',
    'net.ipv4.conf.v1.rp_filter=0',
  ]);
}

const ipGet = (ns: string, ...args: string[]) =>
  ipJson<{ gateway?: string; dev?: string; uid?: number }[]>(ns, 'route', 'get', ...args)[0];

test(
  'routes.get follows policy rules on mark, iif, tos, dscp, uid, ipproto and ports, from and oif',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      policyNode(ns);
      const via = async (options: RouteGetOptions) => (await nl.routes.get('192.168.9.77', options)).gateway;
      assert.equal(await via({}), '10.0.0.254', 'no rule matches: the main table');
      assert.equal(await via({ mark: 7 }), '10.0.0.100');
      assert.equal(await via({ mark: 8 }), '10.0.0.254');
      assert.equal(await via({ from: '10.0.1.2', iif: 'v1' }), '10.0.0.200');
      assert.equal(await via({ from: '10.0.1.2', iif: 'v1', mark: 7 }), '10.0.0.100', 'the lower pref wins');
      assert.equal(await via({ tos: 0x10 }), '10.0.0.30');
      assert.equal(await via({ dscp: 4 }), '10.0.0.30', 'dscp 4 is tos 0x10');
      assert.equal(await via({ uid: 1000 }), '10.0.0.40');
      assert.equal(await via({ uid: 1001 }), '10.0.0.254');
      assert.equal(await via({ ipProto: 'tcp', dport: 80 }), '10.0.0.50');
      assert.equal(await via({ ipProto: 6, dport: 81 }), '10.0.0.254');
      assert.equal(await via({ ipProto: 'udp', sport: 1234 }), '10.0.0.60');
      assert.equal(await via({ from: '10.0.1.1' }), '10.0.0.70');
      assert.equal(await via({ link: 'v1' }), '10.0.1.80');

      // the same answers as `ip route get` with the same words
      assert.equal(await via({ mark: 7 }), ipGet(ns, '192.168.9.77', 'mark', '7')?.gateway);
      assert.equal(
        await via({ from: '10.0.1.2', iif: 'v1' }),
        ipGet(ns, '192.168.9.77', 'from', '10.0.1.2', 'iif', 'v1')?.gateway,
      );
      assert.equal(
        await via({ ipProto: 'tcp', dport: 80, uid: 5 }),
        ipGet(ns, '192.168.9.77', 'ipproto', 'tcp', 'dport', '80', 'uid', '5')?.gateway,
      );

      const v0 = (await nl.links.get('v0')).index;
      const v1 = (await nl.links.get('v1')).index;
      const received = await nl.routes.get('192.168.9.77', { from: '10.0.1.2', iif: 'v1' });
      assert.deepEqual([received.iif, received.oif, received.src], [v1, v0, '10.0.1.2']);
      const fib = await nl.routes.get('192.168.9.77', { mark: 7, fibMatch: true });
      assert.deepEqual(
        [`${fib.dst}/${fib.dstLength}`, fib.table, fib.gateway],
        ['192.168.9.0/24', 100, '10.0.0.100'],
      );
    }),
);

test('routes.get of an IPv6 destination takes mark and uid too', needsNetns, () =>
  withHandle(async (nl, ns) => {
    policyNode(ns);
    const via = async (options: RouteGetOptions) => (await nl.routes.get('2001:db8:9::77', options)).gateway;
    assert.equal(await via({}), '2001:db8::fe');
    assert.equal(await via({ mark: 7 }), '2001:db8::100');
    assert.equal(await via({ uid: 1000 }), '2001:db8::40');
    assert.equal(await via({ ipProto: 'ipv6-icmp' }), '2001:db8::fe');
  }),
);

test(
  'routes.get refuses bad flows before sending, and the kernel’s refusals name the lookup',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      policyNode(ns);
      const get = (o: RouteGetOptions) => nl.routes.get('192.168.9.77', o);
      await assert.rejects(get({ tos: 256 }), RangeError);
      await assert.rejects(get({ dscp: 64 }), RangeError);
      await assert.rejects(get({ tos: 4, dscp: 1 }), /tos or dscp, not both/);
      await assert.rejects(get({ uid: -1 }), RangeError);
      await assert.rejects(get({ sport: 65536 }), RangeError);
      await assert.rejects(get({ dport: '80' as unknown as number }), TypeError);
      await assert.rejects(get({ ipProto: 'sctp' as 'tcp' }), /unknown ipProto "sctp"/);
      await assert.rejects(get({ from: '2001:db8::1' }), TypeError);
      await assert.rejects(get({ iif: 'nosuch0' }), /unknown iif "nosuch0"/);
      assert.equal(nl.info.inFlight, 0);
      await assert.rejects(get({ ipProto: 47 }), (e: unknown) => {
        assert.ok(e instanceof NetlinkError);
        assert.equal(e.code, 'EOPNOTSUPP');
        assert.equal(e.operation, 'route get 192.168.9.77 ipproto 47');
        assert.equal(e.extAck?.message, 'Unsupported ip proto');
        return true;
      });
    }),
);
