// The local-interface election agrees with the kernel: for each form a default route takes on real nodes
// (metrics, router advertisements of different preference, nexthop objects and groups with
// nexthop_compat_mode=0, hosting-style /32 with an onlink gateway, a bridge, an IPv4 default via an IPv6
// gateway, multipath), the interface core elects is the one the kernel's own `route get` of an off-link
// address answers; a true tie stays ambiguous. And each default route reads exactly as `ip route show`
// prints it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { electDefaultInterface, routeText } from '@purelb-ts/core';
import { Netlink } from '@purelb-ts/netlink-native';
import { inNetns, ip, netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { sendRouterAdvertisement } from '../../../../test/support/router-advert.ts';
import { readNetwork } from '../../src/network/read-network.ts';
import { sleep } from './support.ts';

const skip = netnsUnavailableReason();
const OFF_LINK = { 4: '198.51.100.7', 6: '2001:db8:ffff::7' } as const;

/** Two uplinks, up, each with its own subnet; eth1's far end lives in `peer` (for router advertisements). */
function twoUplinks(ns: string, peer: string): void {
  // The routers' link-local addresses must be usable at once (RAs are sent from them): no DAD there.
  inNetns(peer, 'sysctl', ['-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
  for (const [i, v4, v6] of [
    [0, '192.0.2.10/24', '2001:db8:a::10/64'],
    [1, '203.0.113.10/24', '2001:db8:b::10/64'],
  ] as const) {
    ip(ns, 'link', 'add', `eth${i}`, 'type', 'veth', 'peer', 'name', `far${i}`);
    ip(ns, 'link', 'set', `far${i}`, 'netns', peer);
    ip(peer, 'link', 'set', `far${i}`, 'up');
    ip(ns, 'link', 'set', `eth${i}`, 'up');
    ip(ns, 'addr', 'add', v4, 'dev', `eth${i}`);
    ip(ns, '-6', 'addr', 'add', v6, 'dev', `eth${i}`, 'nodad');
  }
}

interface Form {
  name: string;
  family: 4 | 6;
  setUp(ns: string, peer: string): Promise<void> | void;
  /** The elected interface, or 'ambiguous' (a true tie: the kernel's coin toss). */
  expect: string;
}

const forms: Form[] = [
  {
    name: 'one default',
    family: 4,
    setUp: (ns) => ip(ns, 'route', 'add', 'default', 'via', '203.0.113.1', 'dev', 'eth1'),
    expect: 'eth1',
  },
  {
    name: 'two defaults, the lower metric wins',
    family: 4,
    setUp: (ns) => {
      ip(ns, 'route', 'add', 'default', 'via', '192.0.2.1', 'metric', '200');
      ip(ns, 'route', 'add', 'default', 'via', '203.0.113.1', 'metric', '100');
    },
    expect: 'eth1',
  },
  {
    name: 'two defaults at one metric through two interfaces: a true tie',
    family: 4,
    setUp: (ns) => {
      ip(ns, 'route', 'add', 'default', 'via', '192.0.2.1', 'metric', '100');
      ip(ns, 'route', 'append', 'default', 'via', '203.0.113.1', 'metric', '100');
    },
    expect: 'ambiguous',
  },
  {
    name: 'hosting-style: a /32 address and an onlink gateway',
    family: 4,
    setUp: (ns) => {
      ip(ns, 'addr', 'add', '198.18.0.10/32', 'dev', 'eth0');
      ip(ns, 'route', 'add', 'default', 'via', '198.18.0.1', 'dev', 'eth0', 'onlink');
    },
    expect: 'eth0',
  },
  {
    name: 'a bridge holding the uplink',
    family: 4,
    setUp: (ns) => {
      ip(ns, 'link', 'add', 'br0', 'type', 'bridge');
      ip(ns, 'link', 'set', 'eth1', 'master', 'br0');
      ip(ns, 'link', 'set', 'br0', 'up');
      ip(ns, 'addr', 'add', '10.99.0.10/24', 'dev', 'br0');
      ip(ns, 'route', 'add', 'default', 'via', '10.99.0.1', 'dev', 'br0');
    },
    expect: 'br0',
  },
  {
    name: 'a nexthop object, nexthop_compat_mode=0 (the route names only its id)',
    family: 4,
    setUp: (ns) => {
      inNetns(ns, 'sysctl', ['-qw', 'net.ipv4.nexthop_compat_mode=0']);
      ip(ns, 'nexthop', 'add', 'id', '10', 'via', '203.0.113.1', 'dev', 'eth1');
      ip(ns, 'route', 'add', 'default', 'nhid', '10');
    },
    expect: 'eth1',
  },
  {
    name: 'a nexthop group whose members share one interface',
    family: 4,
    setUp: (ns) => {
      inNetns(ns, 'sysctl', ['-qw', 'net.ipv4.nexthop_compat_mode=0']);
      ip(ns, 'nexthop', 'add', 'id', '10', 'via', '192.0.2.1', 'dev', 'eth0');
      ip(ns, 'nexthop', 'add', 'id', '11', 'via', '192.0.2.2', 'dev', 'eth0');
      ip(ns, 'nexthop', 'add', 'id', '20', 'group', '10/11');
      ip(ns, 'route', 'add', 'default', 'nhid', '20');
    },
    expect: 'eth0',
  },
  {
    name: 'a nexthop group over two interfaces: a true tie',
    family: 4,
    setUp: (ns) => {
      ip(ns, 'nexthop', 'add', 'id', '10', 'via', '192.0.2.1', 'dev', 'eth0');
      ip(ns, 'nexthop', 'add', 'id', '11', 'via', '203.0.113.1', 'dev', 'eth1');
      ip(ns, 'nexthop', 'add', 'id', '20', 'group', '10/11');
      ip(ns, 'route', 'add', 'default', 'nhid', '20');
    },
    expect: 'ambiguous',
  },
  {
    name: 'an IPv4 default via an IPv6 gateway (RTA_VIA)',
    family: 4,
    // -4: with "default" and an inet6 gateway alone, iproute2 would make an IPv6 default.
    setUp: (ns) => ip(ns, '-4', 'route', 'add', 'default', 'via', 'inet6', '2001:db8:b::1', 'dev', 'eth1'),
    expect: 'eth1',
  },
  {
    name: 'multipath whose nexthops share one interface',
    family: 4,
    setUp: (ns) =>
      ip(ns, 'route', 'add', 'default', 'nexthop', 'via', '203.0.113.1', 'nexthop', 'via', '203.0.113.2'),
    expect: 'eth1',
  },
  {
    name: 'router advertisements: preference high on eth0, low on eth1, one metric',
    family: 6,
    setUp: async (_ns, peer) => {
      sendRouterAdvertisement(peer, 'far1', 'low');
      sendRouterAdvertisement(peer, 'far0', 'high');
      await sleep(300);
    },
    expect: 'eth0',
  },
  {
    name: 'router advertisements of one preference on two interfaces: a true tie',
    family: 6,
    setUp: async (_ns, peer) => {
      sendRouterAdvertisement(peer, 'far0', 'medium');
      sendRouterAdvertisement(peer, 'far1', 'medium');
      await sleep(300);
    },
    expect: 'ambiguous',
  },
];

/** `ip route show default` lines, without the expiry (it changes every second; routeText leaves it out). */
const shownDefaults = (ns: string, family: 4 | 6): string[] =>
  execFileSync('ip', ['-n', ns, `-${family}`, 'route', 'show', 'default'], { encoding: 'utf8' })
    .replace(/\s*\n\s+nexthop/g, ' nexthop')
    .split('\n')
    .map((l) =>
      l
        .replace(/ expires \d+sec/, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter(Boolean);

describe('the election agrees with the kernel', { skip }, () => {
  for (const form of forms) {
    it(form.name, async () => {
      await withNetns(async (ns) => {
        await withNetns(async (peer) => {
          twoUplinks(ns, peer);
          await sleep(200); // the link-local addresses leave DAD, so router advertisements are accepted
          await form.setUp(ns, peer);
          const nl = await Netlink.open({ netns: ns });
          try {
            const network = await readNetwork(nl);
            const election = electDefaultInterface(form.family, network);
            const kernel = await nl.routes.get(OFF_LINK[form.family]);
            const kernelDev = network.links.find((l) => l.index === kernel.oif)?.name;
            if (form.expect === 'ambiguous') {
              assert.equal(election.status, 'ambiguous', election.reason);
              assert.ok(election.status === 'ambiguous' && election.candidates.includes(kernelDev ?? ''));
            } else {
              assert.equal(election.status, 'elected', election.reason);
              assert.equal(election.status === 'elected' && election.link, form.expect);
              assert.equal(kernelDev, form.expect, 'the kernel agrees');
            }
            const defaults = network.routes.filter((r) => r.family === form.family && r.dstLength === 0);
            assert.deepEqual(
              defaults.map((r) => routeText(r, network.links)),
              shownDefaults(ns, form.family),
            );
          } finally {
            nl.close();
          }
        });
      });
    });
  }
});
