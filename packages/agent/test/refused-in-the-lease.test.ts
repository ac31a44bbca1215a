// A node that cannot place an address as asked says so in its own Lease (purelb.io/refused), where
// the allocator and `purelb status` read it: the seed's failure, a second equal default route, sends
// the local address to kube-lb0 with an ambiguous-default-route error; the Lease names the address
// and the code, and drops the entry once the route is gone again. The remote-pool address, placed as
// asked, is never listed, nor is any interface in purelb.io/carrier-down (every link has carrier).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call } from '../../../test/fake-apiserver/http-helpers.ts';
import type { FakeApiServer } from '../../../test/support/kube.ts';
import { ip, netnsUnavailableReason } from '../../../test/support/netns.ts';
import { addSecondDefault, v4Addresses } from './support/agent-process.ts';
import { withSeedClusterAgent } from './support/cluster.ts';

const skip = netnsUnavailableReason();
const LEASE = '/apis/coordination.k8s.io/v1/namespaces/purelb/leases/purelb-node-purelb2-1';
const VIP = '172.30.250.53';

/** Polls an async predicate (a read of the fake API server); throws with the agent's log on timeout. */
async function eventually(what: string, ok: () => Promise<boolean>, ms: number, logs: () => string) {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; agent log:\n${logs()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const leaseAnnotations = async (server: FakeApiServer): Promise<Record<string, string>> =>
  (await call(server, 'GET', LEASE)).body?.metadata?.annotations ?? {};

describe("a node's refusals in its Lease", { skip }, () => {
  it('an ambiguous default route: the Lease lists the local address with its code, and no longer once fixed', async () => {
    await withSeedClusterAgent(
      [
        { name: 'web', ip: VIP },
        { name: 'api', ip: '172.31.1.5' },
      ],
      async (server, ns, agent) => {
        const on = (link: string, cidr: string) => v4Addresses(ns).get(link)?.includes(cidr) ?? false;
        await agent.until('placed on enp1s0', () => on('enp1s0', `${VIP}/24`), 10_000);
        const before = await leaseAnnotations(server);
        assert.equal(before['purelb.io/subnets'], '172.30.250.0/24', JSON.stringify(before));
        assert.equal('purelb.io/refused' in before, false, 'nothing refused while placed as asked');
        assert.equal('purelb.io/carrier-down' in before, false, 'every candidate has carrier');

        addSecondDefault(ns);
        await agent.until('moved to kube-lb0', () => on('kube-lb0', `${VIP}/32`), 10_000);
        let refused: string | undefined;
        await eventually(
          'the Lease lists the refusal',
          async () => {
            refused = (await leaseAnnotations(server))['purelb.io/refused'];
            return refused !== undefined;
          },
          10_000,
          () => agent.stderr,
        );
        assert.equal(refused, `${VIP},ambiguous-default-route`);
        assert.ok(
          agent.logs.some((l) => l.msg.startsWith('addresses refused on this node changed') && l.ip === VIP),
          'logged with its ip field',
        );

        ip(ns, 'route', 'del', 'default', 'via', '192.168.122.1', 'dev', 'enp2s0');
        await agent.until('back on enp1s0', () => on('enp1s0', `${VIP}/24`), 10_000);
        await eventually(
          'the Lease drops the refusal',
          async () => !('purelb.io/refused' in (await leaseAnnotations(server))),
          10_000,
          () => agent.stderr,
        );
        assert.equal('purelb.io/carrier-down' in (await leaseAnnotations(server)), false);
      },
    );
  });
});
