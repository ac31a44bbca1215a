// fromIpText and fromIpJson read what real `ip` prints into the NodeNetwork the netlink library reads
// from the same namespace (for every field core's rules use), and name the line they cannot read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { electDefaultInterface } from '../../src/election/index.ts';
import { fromIpJson } from '../../src/net/from-ip-json.ts';
import { fromIpText } from '../../src/net/from-ip-text.ts';
import { IpOutputError } from '../../src/net/ip-input.ts';
import { coreFields } from './core-fields.ts';
import { type FixtureSet, fixture, readNetworkFixture } from './ip-fixtures.ts';

/** The saved read as coreFields would give it with the same projection. */
function expected(set: FixtureSet, noKinds: boolean): unknown {
  const read = readNetworkFixture(set) as {
    links: Record<string, unknown>[];
    addresses: Record<string, unknown>[];
    routes: unknown[];
  };
  const finite = (v: unknown) => (typeof v === 'number' ? 'finite' : v);
  return {
    links: read.links.map(({ kind, alias, ...rest }) => (noKinds ? rest : { ...rest, kind, alias })),
    // The iproute2 that wrote the fixtures (6.1) prints no address protocol (6.3 and later print
    // "proto"): the kernel's own marks (kernel_lo, kernel_ll) are in the dump only.
    addresses: read.addresses.map(({ protocol, ...a }) => ({
      ...a,
      validLifetime: finite(a.validLifetime),
      preferredLifetime: finite(a.preferredLifetime),
    })),
    routes: read.routes,
  };
}

const dropUndefined = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

const text = (set: FixtureSet) =>
  fromIpText({
    addr: fixture(set, 'addr.txt'),
    route: fixture(set, 'route.txt'),
    route6: fixture(set, 'route6.txt'),
  });
const json = (set: FixtureSet) =>
  fromIpJson({
    addr: fixture(set, 'addr.json'),
    route: fixture(set, 'route.json'),
    route6: fixture(set, 'route6.json'),
    link: fixture(set, 'link.json'),
  });

for (const set of ['seed', 'two-defaults'] as const) {
  describe(`${set}: ip output read as the library reads the namespace`, () => {
    it('ip addr + ip route + ip -6 route text (no kinds or aliases: the text has none)', () =>
      assert.deepEqual(
        dropUndefined(coreFields(text(set), { noKinds: true, finite: true })),
        dropUndefined(expected(set, true)),
      ));
    it('ip -json addr / route / -6 route, with ip -json -details link for kinds and aliases', () =>
      assert.deepEqual(
        dropUndefined(coreFields(json(set), { finite: true })),
        dropUndefined(expected(set, false)),
      ));
  });
}

describe('the election over parsed ip output', () => {
  it('the seed node elects enp1s0; a second default at the same metric makes it ambiguous', () => {
    const seed = electDefaultInterface(4, text('seed'));
    assert.equal(seed.status === 'elected' && seed.link, 'enp1s0');
    const two = electDefaultInterface(4, json('two-defaults'));
    assert.deepEqual(two.status === 'ambiguous' && two.candidates, ['enp1s0', 'enp2s0']);
  });
  it('the finite lifetimes are read as printed', () => {
    const a = text('seed').addresses.find((x) => x.address === '2001:470:8bf5:1:1::2');
    assert.ok(a !== undefined && a.validLifetime > 3000 && a.validLifetime <= 3367, `${a?.validLifetime}`);
    assert.equal(a.validLifetime - a.preferredLifetime, 1000);
  });
});

describe('the text as the troubleshooting page prints it', () => {
  const addr = `2: enp1s0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP qlen 1000
    link/ether 52:54:00:76:05:b6 brd ff:ff:ff:ff:ff:ff
    inet 172.30.250.104/24 brd 172.30.250.255 scope global enp1s0
       valid_lft forever preferred_lft forever
    inet 172.30.250.53/24 brd 172.30.250.255 scope global secondary enp1s0
       valid_lft forever preferred_lft forever
    inet6 2001:470:8bf5:1:1::2/128 scope global dynamic 
       valid_lft 3367sec preferred_lft 2367sec
`;
  it('double spaces and trailing blanks: "default via 172.30.250.1 dev enp1s0  src 172.30.250.104  metric 100 "', () => {
    const n = fromIpText({
      addr,
      route: 'default via 172.30.250.1 dev enp1s0  src 172.30.250.104  metric 100 \n',
    });
    assert.deepEqual(
      [n.routes[0]?.gateway, n.routes[0]?.oif, n.routes[0]?.prefsrc, n.routes[0]?.priority],
      ['172.30.250.1', 2, '172.30.250.104', 100],
    );
    assert.deepEqual(
      n.addresses.map((a) => [a.address, a.flags, a.label, a.validLifetime]),
      [
        ['172.30.250.104', 0x80, 'enp1s0', Infinity],
        ['172.30.250.53', 0x81, 'enp1s0', Infinity],
        ['2001:470:8bf5:1:1::2', 0, undefined, 3367],
      ],
    );
    assert.deepEqual(
      [n.links[0]?.operState, n.links[0]?.mac, n.links[0]?.mtu, n.links[0]?.flags],
      ['up', '52:54:00:76:05:b6', 1500, 0x1 | 0x2 | 0x40 | 0x1000 | 0x10000],
    );
  });
  it('a route through an interface the ip addr text does not hold is an error naming the line', () =>
    assert.throws(
      () =>
        fromIpText({
          addr,
          route: 'default via 172.30.250.1 dev enp1s0\n10.129.0.0/24 dev cni0 scope link\n',
        }),
      (e: unknown) =>
        e instanceof IpOutputError &&
        /^ip route line 2: dev cni0 is not an interface of the ip addr output/.test(e.message),
    ));
  it('a line that is not ip output is an error naming it', () =>
    assert.throws(
      () => fromIpText({ addr: `${addr}hello\n`, route: '' }),
      /ip addr line 9: not an interface line/,
    ));
  it('unknown attributes are passed over, not fatal', () => {
    const n = fromIpText({
      addr: `${addr}    altname enp0s1\n    some-future-attribute 7\n`,
      route: 'default via 172.30.250.1 dev enp1s0 rt_offload_failed someword 3 metric 100\n',
    });
    assert.equal(n.routes[0]?.priority, 100);
    assert.equal(n.addresses.length, 3);
  });
  it('a JSON error names the entry and the key', () =>
    assert.throws(
      () => fromIpJson({ addr: '[]', route: '[{"dst":"default","dev":"eth9"}]' }),
      /ip -json route line 1: dev eth9 is not an interface/,
    ));
});

describe('what newer or other ip output holds', () => {
  const link = '44: kube-lb0: <BROADCAST,NOARP,UP,LOWER_UP> mtu 1500 qdisc noqueue state UNKNOWN qlen 1000\n';
  it('"proto 0x6c" on an address (iproute2 >= 6.3) is its IFA_PROTO: PureLB\'s mark', () => {
    const n = fromIpText({
      addr: `${link}    inet 172.31.1.5/32 scope global kube-lb0\n       valid_lft forever preferred_lft forever\n    inet6 fe80::1/64 scope link proto kernel_ll \n`,
      route: '',
    });
    assert.deepEqual(
      n.addresses.map((a) => [a.address, a.protocol, a.label]),
      [
        ['172.31.1.5', undefined, 'kube-lb0'],
        ['fe80::1', 3, undefined],
      ],
    );
    const tagged = fromIpText({
      addr: `${link}    inet 172.31.1.5/32 scope global proto 0x6c kube-lb0\n`,
      route: '',
    });
    assert.equal(tagged.addresses[0]?.protocol, 0x6c);
  });
  it('an IPv6 temporary address is a secondary; NO-CARRIER means up but not running', () => {
    const n = fromIpText({
      addr: '3: enp2s0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 state DOWN\n    inet6 2001:db8::5/64 scope global temporary dynamic \n',
      route: '',
    });
    assert.equal(n.links[0]?.flags, 0x1 | 0x2 | 0x1000);
    assert.equal(n.links[0]?.operState, 'down');
    assert.equal(n.addresses[0]?.flags, 0x01);
  });
  it('nexthop ids, an IPv4 route via an IPv6 gateway, another table, a route source', () => {
    const addr = '2: enp1s0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500\n';
    const [a, b, c] = fromIpText({
      addr,
      route: [
        'default nhid 10 proto static metric 50',
        '10.8.0.0/16 via inet6 fe80::1 dev enp1s0',
        '10.9.0.0/16 dev enp1s0 table 100 scope link',
      ].join('\n'),
    }).routes;
    assert.deepEqual([a?.nhId, a?.protocol, a?.priority, a?.oif], [10, 4, 50, undefined]);
    assert.deepEqual([b?.family, b?.via, b?.gateway, b?.oif], [4, 'fe80::1', undefined, 2]);
    assert.deepEqual([c?.table, c?.scope], [100, 253]);
    const [d] = fromIpText({
      addr,
      route: '',
      route6: 'default from 2001:db8::/64 via fe80::1 dev enp1s0 pref low',
    }).routes;
    assert.deepEqual(
      [d?.family, d?.src, d?.srcLength, d?.gateway, d?.pref],
      [6, '2001:db8::', 64, 'fe80::1', 3],
    );
  });
  it('JSON: a route via an IPv6 gateway object, nhid, and text instead of an array is refused', () => {
    const addr =
      '[{"ifindex":2,"ifname":"enp1s0","flags":["UP","LOWER_UP"],"link_type":"ether","addr_info":[]}]';
    const n = fromIpJson({
      addr,
      route:
        '[{"dst":"10.8.0.0/16","via":{"family":"inet6","host":"fe80::1"},"dev":"enp1s0","flags":[]},{"dst":"default","nhid":10,"flags":[]}]',
    });
    assert.deepEqual([n.routes[0]?.via, n.routes[0]?.oif, n.routes[1]?.nhId], ['fe80::1', 2, 10]);
    assert.throws(
      () => fromIpJson({ addr, route: '{"dst":"default"}' }),
      /ip -json route line 1: not a JSON array/,
    );
    assert.throws(() => fromIpJson({ addr: 'default via', route: '[]' }), /ip -json addr line 1: not JSON/);
  });
});
