// The agent never damages the networking of the node it runs on: it refuses a virtual interface that is
// one of the node's own, never deletes an address it did not add (the virtual interface included), and
// never gives the virtual interface a prefix whose route competes with the node's own, so a link flap, a
// DHCP renew or a re-added default route leaves the node reaching its gateway and LAN.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ip, netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { addSecondDefault, RunningAgent, runOnce, seedShapedNode } from '../support/agent-process.ts';
import { group, manifests, seedGroups } from '../support/manifests.ts';
import { addressesOf, routeGet, routesOf, sleep, withFile, withSegment } from './support.ts';

const skip = netnsUnavailableReason();
const WEB = { name: 'web', ip: '172.30.250.53' };
const API = { name: 'api', ip: '172.31.1.5' };

const agentNaming = (dummyInterface: string) => ({
  apiVersion: 'purelb.io/v2',
  kind: 'LBNodeAgent',
  metadata: { name: 'default', namespace: 'purelb' },
  spec: { local: { localInterface: 'default', dummyInterface } },
});

describe('the node’s own networking is never touched', { skip }, () => {
  it('dummyInterface: enp1s0 is refused naming the field; the node keeps its address and default route', async () => {
    const config = [agentNaming('enp1s0'), ...seedGroups().slice(1)];
    await withFile(manifests([WEB, API], config), async (file) => {
      await withNetns(async (ns) => {
        seedShapedNode(ns);
        const r = await runOnce(ns, file.path);
        assert.equal(r.code, 1, 'an invalid configuration is not success');
        assert.ok(addressesOf(ns).includes('172.30.250.104/24 enp1s0'), 'the primary address stays');
        assert.match(routesOf(ns), /^default via 172\.30\.250\.1 dev enp1s0 metric 100/m);
        const err = r.logs.find((l) => l.level === 'error' && l.kind === 'LBNodeAgent');
        assert.equal(err?.field, 'spec.local.dummyInterface');
        assert.match(String(err?.reason), /enp1s0 exists and is a veth interface PureLB did not create/);
        assert.deepEqual(
          addressesOf(ns).filter((a) => a.startsWith('172.31.')),
          [],
          'nothing is placed while no valid LBNodeAgent was ever seen',
        );
      });
    });
  });

  it('an address added by hand on kube-lb0 is never deleted, whatever the agent reconciles', async () => {
    await withFile(manifests([API]), async (file) => {
      await withNetns(async (ns) => {
        seedShapedNode(ns);
        const agent = new RunningAgent(ns, file.path, ['--resync', '1']);
        try {
          await agent.until('placed', () => addressesOf(ns).includes('172.31.1.5/32 kube-lb0'), 10_000);
          ip(ns, 'addr', 'add', '172.31.9.9/32', 'dev', 'kube-lb0');
          file.write(manifests([])); // api goes: its address is withdrawn, the hand-added one stays
          await agent.until('api withdrawn', () => !addressesOf(ns).includes('172.31.1.5/32 kube-lb0'));
          await sleep(3000); // three resyncs
          assert.ok(addressesOf(ns).includes('172.31.9.9/32 kube-lb0'));
          assert.ok(!agent.logs.some((l) => l.ip === '172.31.9.9'), 'never even planned');
        } finally {
          await agent.stop('SIGKILL');
        }
      });
    });
  });

  it('two equal defaults: the local address goes to kube-lb0 as /32, and a flap, a DHCP renew and a flush never route the gateway into kube-lb0', async () => {
    await withFile(manifests([WEB, API]), async (file) => {
      await withNetns(async (ns) => {
        await withSegment(ns, async () => {
          addSecondDefault(ns);
          const agent = new RunningAgent(ns, file.path);
          try {
            await agent.until('moved to kube-lb0', () =>
              addressesOf(ns).some((a) => a.startsWith('172.30.250.53/') && a.endsWith('kube-lb0')),
            );
            await sleep(300);
            // An ordinary flap of the uplink.
            ip(ns, 'link', 'set', 'enp1s0', 'down');
            ip(ns, 'link', 'set', 'enp1s0', 'up');
            await sleep(300);
            assert.equal(routeGet(ns, '172.30.250.1').dev, 'enp1s0');
            // A DHCP renew: the address goes and comes back.
            ip(ns, 'addr', 'del', '172.30.250.104/24', 'dev', 'enp1s0');
            ip(ns, 'addr', 'add', '172.30.250.104/24', 'dev', 'enp1s0');
            await sleep(300);
            assert.deepEqual(routeGet(ns, '172.30.250.1'), {
              ...routeGet(ns, '172.30.250.1'),
              dev: 'enp1s0',
            });
            assert.equal(routeGet(ns, '172.30.250.1').prefsrc, '172.30.250.104');
            assert.ok(addressesOf(ns).includes('172.30.250.53/32 kube-lb0'), 'as /32');
            assert.ok(!routesOf(ns).includes('172.30.250.0/24 dev kube-lb0'), 'no LAN route on kube-lb0');
            // Flushed and re-made by hand: the default route lands on enp1s0.
            ip(ns, 'addr', 'flush', 'dev', 'enp1s0');
            ip(ns, 'addr', 'add', '172.30.250.104/24', 'dev', 'enp1s0');
            ip(ns, 'route', 'add', 'default', 'via', '172.30.250.1', 'metric', '50');
            await sleep(300);
            assert.match(routesOf(ns), /^default via 172\.30\.250\.1 dev enp1s0 metric 50/m);
            assert.equal(routeGet(ns, '198.51.100.7').dev, 'enp1s0');
          } finally {
            await agent.stop('SIGKILL');
          }
        });
      });
    });
  });

  it('IPv6: a local-pool address whose /64 is on a non-default interface goes to kube-lb0 as /128, and the node keeps its /64', async () => {
    const config = [
      ...seedGroups(),
      group('v6', 'local', '2001:db8:2::50-2001:db8:2::60', '2001:db8:2::/64', 'default'),
    ];
    (config.at(-1) as { spec: { local: Record<string, unknown> } }).spec.local = {
      v6pool: { pool: '2001:db8:2::50-2001:db8:2::60', subnet: '2001:db8:2::/64', aggregation: 'default' },
    };
    await withFile(manifests([{ name: 'v6', ip: '2001:db8:2::53' }], config), async (file) => {
      await withNetns(async (ns) => {
        seedShapedNode(ns);
        ip(ns, '-6', 'addr', 'add', '2001:db8:1::104/64', 'dev', 'enp1s0', 'nodad');
        ip(ns, '-6', 'route', 'add', 'default', 'via', '2001:db8:1::1', 'dev', 'enp1s0');
        ip(ns, 'link', 'add', 'enp2s0', 'type', 'veth', 'peer', 'name', 'uplink1');
        ip(ns, 'link', 'set', 'enp2s0', 'up');
        ip(ns, 'link', 'set', 'uplink1', 'up');
        ip(ns, '-6', 'addr', 'add', '2001:db8:2::104/64', 'dev', 'enp2s0', 'nodad');
        const r = await runOnce(ns, file.path);
        assert.equal(r.code, 0, r.stderr);
        // The node's own address comes back (a renew): its /64 is still reached through enp2s0.
        ip(ns, '-6', 'addr', 'del', '2001:db8:2::104/64', 'dev', 'enp2s0');
        ip(ns, '-6', 'addr', 'add', '2001:db8:2::104/64', 'dev', 'enp2s0', 'nodad');
        assert.equal(routeGet(ns, '2001:db8:2::1').dev, 'enp2s0');
        assert.ok(addressesOf(ns).includes('2001:db8:2::53/128 kube-lb0'), addressesOf(ns).join('; '));
      });
    });
  });

  it("a remote pool whose aggregation covers the node's subnet is refused naming the field; /1 never parses", async () => {
    const covering = group('wide', 'remote', '172.30.0.0/24', '172.30.0.0/16', 'default');
    const slash1 = group('slash1', 'remote', '10.200.0.0/24', '10.200.0.0/16', '/1');
    await withFile(
      manifests(
        [API, { name: 'wide', ip: '172.30.0.7' }, { name: 'one', ip: '10.200.0.7' }],
        [...seedGroups(), covering, slash1],
      ),
      async (file) => {
        await withNetns(async (ns) => {
          seedShapedNode(ns);
          const r = await runOnce(ns, file.path);
          assert.equal(r.code, 1, 'the /1 group is invalid');
          assert.ok(addressesOf(ns).includes('172.31.1.5/32 kube-lb0'), 'the valid rest is placed');
          assert.ok(!addressesOf(ns).some((a) => a.startsWith('172.30.0.7')));
          assert.ok(
            !routesOf(ns).includes('128.0.0.0/1') &&
              !routesOf(ns).includes('dev kube-lb0 proto kernel scope link src 172.30'),
          );
          const refused = r.logs.find((l) => l.level === 'error' && l.ip === '172.30.0.7');
          assert.equal(refused?.code, 'route-conflict');
          assert.match(
            String(refused?.reason),
            /overlaps 172\.30\.250\.0\/24 .*ServiceGroup wide spec\.remote\.v4pool\.aggregation/,
          );
          const invalid = r.logs.find((l) => l.level === 'error' && l.kind === 'ServiceGroup');
          assert.equal(invalid?.field, 'spec.remote.v4pool.aggregation');
          assert.equal(routeGet(ns, '172.30.250.1').dev, 'enp1s0');
        });
      },
    );
  });
});
