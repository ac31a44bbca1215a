// The same rules through the API server (Kubernetes mode, the fake API server and the real client): an
// LBNodeAgent PATCHed to name enp1s0 as its virtual interface, or to a regex typo, is refused with a
// ParseFailed event on it naming the field, and the node keeps everything as it was; a Service PATCHed
// into a malformed status costs that Service only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call } from '../../../../test/fake-apiserver/http-helpers.ts';
import { netnsUnavailableReason } from '../../../../test/support/netns.ts';
import { withSeedClusterAgent } from '../support/cluster.ts';
import { addressesOf, routesOf, sleep } from './support.ts';

const skip = netnsUnavailableReason();
const AGENT = '/apis/purelb.io/v2/namespaces/purelb/lbnodeagents/default';
const EVENTS = '/apis/events.k8s.io/v1/namespaces/purelb/events';
const PLACED = ['172.30.250.53/24 enp1s0', '172.31.1.5/32 kube-lb0'];

interface EventList {
  items: { reason: string; note: string; regarding: { kind: string; name: string } }[];
}

describe('edits through the API degrade nothing', { skip }, () => {
  it('an LBNodeAgent PATCHed to dummyInterface: enp1s0, then to a regex typo: ParseFailed naming the field, nothing touched', async () => {
    const services = [
      { name: 'web', ip: '172.30.250.53' },
      { name: 'api', ip: '172.31.1.5' },
    ];
    await withSeedClusterAgent(services, async (server, ns, agent) => {
      const placed = () => PLACED.every((a) => addressesOf(ns).includes(a));
      await agent.until('placed', placed, 10_000);
      for (const [local, field] of [
        [{ dummyInterface: 'enp1s0' }, 'spec.local.dummyInterface'],
        [{ dummyInterface: 'kube-lb0', localInterface: '([' }, 'spec.local.localInterface'],
      ] as const) {
        const patched = await call(
          server,
          'PATCH',
          AGENT,
          { spec: { local } },
          'application/merge-patch+json',
        );
        assert.equal(patched.status, 200, 'the CRD accepts it: only the node can tell');
        const event = async () =>
          ((await call(server, 'GET', EVENTS)).body as EventList).items.find(
            (e) => e.reason === 'ParseFailed' && e.regarding.name === 'default' && e.note.includes(field),
          );
        for (let i = 0; i < 250 && (await event()) === undefined; i++) await sleep(20);
        assert.match((await event())?.note ?? '', /its last valid version stays in force/);
        await sleep(1500);
        assert.ok(placed(), `${field}: everything stays placed`);
        assert.ok(addressesOf(ns).includes('172.30.250.104/24 enp1s0'));
        assert.match(routesOf(ns), /^default via 172\.30\.250\.1 dev enp1s0/m);
      }
      assert.ok(!agent.logs.some((l) => l.msg.startsWith('address withdrawn')));
    });
  });
});
