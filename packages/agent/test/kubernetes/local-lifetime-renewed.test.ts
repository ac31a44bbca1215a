// In Kubernetes mode a local address lives a little less than the election Lease unless the agent
// renews it, and the agent renews it every third of that while it runs: in place (RTM_NEWADDR with
// NLM_F_REPLACE, never a delete), with PureLB's IFA_PROTO kept, and without a reconcile of its own
// (the renewal's notification is the agent's own echo, not a change to react to).
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { PURELB_ADDRESS_PROTOCOL } from '@purelb-ts/core';
import { Netlink } from '@purelb-ts/netlink-native';
import { withFakeApiServer, writeKubeconfig } from '../../../../test/support/kube.ts';
import { ipJson, netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { RunningAgent, seedShapedNode } from '../support/agent-process.ts';
import { addNamespaceAndNodes, addService } from '../support/cluster.ts';
import { seedGroups } from '../support/manifests.ts';

const skip = netnsUnavailableReason();
const VIP = '172.30.250.53';
const LEASE_SECONDS = 3;
/** core's deadManLifetime(3): a second less than the Lease, at least 2 s. */
const LIFETIME = 2;
const WATCH_MS = 3000;

const held = (ns: string) =>
  ipJson<{ addr_info: { local: string; valid_life_time: number }[] }[]>(ns, 'addr', 'show', 'dev', 'enp1s0')
    .flatMap((l) => l.addr_info)
    .find((a) => a.local === VIP);

describe('local address lifetimes in Kubernetes mode', { skip }, () => {
  it('are shorter than the Lease and renewed in place while the agent runs, without reconciling', async (t) => {
    await withFakeApiServer(async (server) => {
      const kc = writeKubeconfig(server);
      try {
        addNamespaceAndNodes(server, ['purelb2-1']);
        for (const obj of seedGroups()) server.apply(obj as Record<string, unknown>);
        await addService(server, 'web', VIP);
        await withNetns(async (ns) => {
          seedShapedNode(ns);
          const args = ['--kubeconfig', kc.kubeconfig, '--namespace', 'purelb', '--node', 'purelb2-1'];
          const agent = new RunningAgent(ns, '', [
            ...args,
            '--lease-duration',
            String(LEASE_SECONDS),
            '--log-level',
            'debug',
          ]);
          const nl = await Netlink.open({ netns: ns });
          try {
            await agent.until(`${VIP} placed`, () => held(ns) !== undefined, 10_000);
            assert.ok(
              (held(ns)?.valid_life_time ?? Infinity) <= LIFETIME,
              `valid_lft ≤ ${LIFETIME}: ${JSON.stringify(held(ns))}`,
            );
            const seen = { renewals: 0, deletes: 0, otherProtocol: 0, longest: 0 };
            const monitor = nl.monitor({ groups: ['ipv4-address'] });
            monitor.on('address', (e) => {
              if (e.address.address !== VIP) return;
              if (e.action === 'del') seen.deletes++;
              else seen.renewals++;
              if (e.address.protocol !== PURELB_ADDRESS_PROTOCOL) seen.otherProtocol++;
              seen.longest = Math.max(seen.longest, e.address.validLifetime);
            });
            const logsBefore = agent.logs.length;
            const start = performance.now();
            await new Promise((r) => setTimeout(r, WATCH_MS));
            monitor.close();
            const byAddress = agent.logs
              .slice(logsBefore)
              .filter((l) => l.msg === 'reconcile scheduled' && l.reason === 'address change');
            t.diagnostic(
              `${seen.renewals} renewals in ${(performance.now() - start).toFixed(0)} ms (lifetime ${LIFETIME} s); reconciles for an address change: ${byAddress.length}`,
            );
            assert.ok(
              seen.renewals >= 3,
              `renewed every third of ${LIFETIME} s: ${seen.renewals}\n${agent.stderr}`,
            );
            assert.equal(seen.deletes, 0, 'renewed in place, never deleted');
            assert.equal(seen.otherProtocol, 0, "PureLB's IFA_PROTO kept");
            assert.ok(seen.longest <= LIFETIME, `never longer than ${LIFETIME} s: ${seen.longest}`);
            assert.equal(byAddress.length, 0, `a renewal is an echo, not a change\n${agent.stderr}`);
          } finally {
            nl.close();
            await agent.stop('SIGKILL');
          }
        });
      } finally {
        kc.cleanup();
      }
    });
  });
});
