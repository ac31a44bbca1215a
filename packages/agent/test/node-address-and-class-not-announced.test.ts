// The real agent in Kubernetes mode never adds another Node's address (it watches every Node), and
// never announces a Service of another loadBalancerClass, even one carrying PureLB's brand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call } from '../../../test/fake-apiserver/http-helpers.ts';
import { netnsUnavailableReason } from '../../../test/support/netns.ts';
import { v4Addresses } from './support/agent-process.ts';
import { addService, withSeedClusterAgent } from './support/cluster.ts';

const skip = netnsUnavailableReason();
const SVC = '/api/v1/namespaces/default/services';

describe('purelb-agent places no node address and no other class', { skip }, () => {
  it("refuses node-b's address naming node-b, ignores the other class, places the rest", async () => {
    await withSeedClusterAgent([], async (server, ns, agent) => {
      const has = (ip: string) => (v4Addresses(ns).get('enp1s0') ?? []).some((a) => a.startsWith(`${ip}/`));
      // Another class, carrying the brand, in a local pool (created before web: the watch is ordered).
      await addService(server, 'foreign', '172.30.250.56');
      const patch = { spec: { loadBalancerClass: 'example.com/other' } };
      assert.equal(
        (await call(server, 'PATCH', `${SVC}/foreign`, patch, 'application/merge-patch+json')).status,
        200,
      );
      server.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-b' } });
      const status = { addresses: [{ type: 'InternalIP', address: '172.30.250.55' }] };
      const r = await call(
        server,
        'PATCH',
        '/api/v1/nodes/node-b/status',
        { status },
        'application/merge-patch+json',
      );
      assert.equal(r.status, 200);
      await addService(server, 'nodeip', '172.30.250.55');
      await agent.until(
        "a refusal naming node-b's address",
        () =>
          agent.logs.some(
            (l) => l.ip === '172.30.250.55' && /node node-b's InternalIP/.test(String(l.reason ?? l.msg)),
          ),
        10_000,
      );
      await addService(server, 'web', '172.30.250.53');
      await agent.until('web placed', () => has('172.30.250.53'), 10_000);
      assert.ok(!has('172.30.250.55'), "node-b's address is not on this node");
      assert.ok(!has('172.30.250.56'), 'the other class is not announced');
    });
  });
});
