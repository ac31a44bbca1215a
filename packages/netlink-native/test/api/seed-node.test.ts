// The node from PureLB's troubleshooting guide (/work/shared/seeds/troubleshooting-purelb.md),
// rebuilt through the library and read back exactly as the guide shows it: enp1s0 (a veth renamed,
// since this is a namespace) with its primary and secondary addresses and the default route, and
// kube-lb0 (an ifb: the kernel has no dummy driver) with PureLB's addresses and prefix routes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressFlagNames, type Netlink } from '../../src/index.ts';
import { ipAddresses, ipRoutes, needsNetns, withHandle } from './support.ts';

async function buildSeedNode(nl: Netlink): Promise<void> {
  await nl.links.create({ name: 'seedtmp0', kind: 'veth', peer: 'upstream0' });
  await nl.links.set('seedtmp0', { name: 'enp1s0' });
  await nl.links.setUp('enp1s0');
  await nl.links.setUp('upstream0');
  await nl.addresses.add({ link: 'enp1s0', address: '172.30.250.104/24' });
  await nl.addresses.add({ link: 'enp1s0', address: '172.30.250.53/24' });
  await nl.addresses.add({ link: 'enp1s0', address: '172.30.250.54/24' });
  await nl.routes.add({
    dst: '172.30.250.1',
    link: 'enp1s0',
    prefsrc: '172.30.250.104',
    metric: 100,
    protocol: 'dhcp',
  });
  await nl.routes.add({
    dst: 'default',
    gateway: '172.30.250.1',
    link: 'enp1s0',
    prefsrc: '172.30.250.104',
    metric: 100,
    protocol: 'dhcp',
  });
  await nl.links.create({ name: 'kube-lb0', kind: 'ifb' });
  await nl.links.setUp('kube-lb0');
  await nl.addresses.add({ link: 'kube-lb0', address: '172.31.1.5/32' });
  await nl.addresses.add({ link: 'kube-lb0', address: '172.31.2.128/24' });
  await nl.addresses.add({ link: 'kube-lb0', address: '172.31.0.9/24' });
}

/** `inet A/P [brd B] scope S [secondary] DEV` as the guide's `ip addr show` prints it. */
const line = (
  a: { address: string; prefix: number; brd?: string | undefined; scope: string; secondary: boolean },
  dev: string,
) =>
  `inet ${a.address}/${a.prefix}${a.brd ? ` brd ${a.brd}` : ''} scope ${a.scope}${a.secondary ? ' secondary' : ''} ${dev}`;

const SEED_ENP1S0 = [
  'inet 172.30.250.104/24 brd 172.30.250.255 scope global enp1s0',
  'inet 172.30.250.53/24 brd 172.30.250.255 scope global secondary enp1s0',
  'inet 172.30.250.54/24 brd 172.30.250.255 scope global secondary enp1s0',
];
const SEED_KUBE_LB0 = [
  'inet 172.31.1.5/32 scope global kube-lb0',
  'inet 172.31.2.128/24 brd 172.31.2.255 scope global kube-lb0',
  'inet 172.31.0.9/24 brd 172.31.0.255 scope global kube-lb0',
];
const SEED_ROUTES = [
  'default via 172.30.250.1 dev enp1s0 src 172.30.250.104 metric 100',
  '172.30.250.0/24 dev enp1s0 scope link src 172.30.250.104',
  '172.30.250.1 dev enp1s0 scope link src 172.30.250.104 metric 100',
  '172.31.0.0/24 dev kube-lb0 scope link src 172.31.0.9',
  '172.31.2.0/24 dev kube-lb0 scope link src 172.31.2.128',
];

test(
  'the guide’s node, built through the library, reads back as the guide shows (library and `ip` agree)',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      await buildSeedNode(nl);
      const links = await nl.links.list();
      const name = new Map(links.map((l) => [l.index, l.name]));
      for (const [dev, seed] of [
        ['enp1s0', SEED_ENP1S0],
        ['kube-lb0', SEED_KUBE_LB0],
      ] as const) {
        const ours = (await nl.addresses.list({ family: 4, link: dev })).map((a) =>
          line(
            {
              address: a.address,
              prefix: a.prefixLength,
              brd: a.broadcast,
              scope: a.scope === 0 ? 'global' : String(a.scope),
              secondary: addressFlagNames(a.flags).includes('secondary'),
            },
            dev,
          ),
        );
        const theirs = ipAddresses(ns, dev)
          .filter((a) => a.family === 'inet')
          .map((a) =>
            line(
              {
                address: a.local,
                prefix: a.prefixlen,
                brd: a.broadcast,
                scope: a.scope,
                secondary: a.secondary === true,
              },
              dev,
            ),
          );
        assert.deepEqual(ours, seed, `library view of ${dev}`);
        assert.deepEqual(theirs, seed, `ip view of ${dev}`);
      }
      const routes = (await nl.routes.list({ family: 4 })).map((r) => {
        const dst =
          r.dstLength === 0 ? 'default' : r.dstLength === 32 ? `${r.dst}` : `${r.dst}/${r.dstLength}`;
        const parts = [dst];
        if (r.gateway) parts.push(`via ${r.gateway}`);
        parts.push(`dev ${name.get(r.oif ?? 0)}`);
        if (r.scope === 253) parts.push('scope link');
        if (r.prefsrc) parts.push(`src ${r.prefsrc}`);
        if (r.priority !== undefined) parts.push(`metric ${r.priority}`);
        return parts.join(' ');
      });
      assert.deepEqual(routes.sort(), [...SEED_ROUTES].sort());
      const theirs = ipRoutes(ns).map((r) =>
        [
          r.dst,
          r.gateway && `via ${r.gateway}`,
          `dev ${r.dev}`,
          r.scope && `scope ${r.scope}`,
          r.prefsrc && `src ${r.prefsrc}`,
          r.metric !== undefined && `metric ${r.metric}`,
        ]
          .filter(Boolean)
          .join(' '),
      );
      assert.deepEqual(theirs.sort(), [...SEED_ROUTES].sort());
      const defaults = await nl.routes.list({ family: 4, protocol: 'dhcp' });
      assert.equal(
        defaults.filter((r) => r.dstLength === 0).length,
        1,
        'one default route: PureLB can elect enp1s0',
      );
    }),
);
