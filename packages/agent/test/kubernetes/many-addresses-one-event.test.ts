// One Service showing 100 addresses outside every pool: the real agent (Kubernetes mode, seed-shaped
// node) places none of them and says so in one Event listing them, not one Event per address.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call } from '../../../../test/fake-apiserver/http-helpers.ts';
import { netnsUnavailableReason } from '../../../../test/support/netns.ts';
import { withSeedClusterAgent } from '../support/cluster.ts';
import { service } from '../support/manifests.ts';
import { eventually } from './fixtures.ts';

const skip = netnsUnavailableReason();
const ADDRESSES = 100;

interface EventJson {
  reason: string;
  note: string;
  regarding: { name: string };
  series?: { count: number };
}

describe('a Service with many addresses', { skip }, () => {
  it(`${ADDRESSES} out-of-pool addresses on one Service yield one Event from the node`, async (t) => {
    await withSeedClusterAgent([], async (server, _ns, agent) => {
      const obj = service({ name: 'many', ip: '0.0.0.0' }) as { status: unknown };
      server.apply(obj as Record<string, unknown>);
      const ingress = Array.from({ length: ADDRESSES }, (_, i) => ({
        ip: `10.99.0.${i + 1}`,
        ipMode: 'VIP',
      }));
      const r = await call(
        server,
        'PATCH',
        '/api/v1/namespaces/default/services/many/status',
        { status: { loadBalancer: { ingress } } },
        'application/merge-patch+json',
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const events = () =>
        (
          server.store.list(server.resource('events.k8s.io/v1', 'Event'), 'default') as unknown as EventJson[]
        ).filter((e) => e.regarding.name === 'many');
      await eventually('an Event about Service many', () => events().length > 0, 30_000);
      // Whatever else the agent would post about it arrives within a few seconds of the first.
      await new Promise((r) => setTimeout(r, 3000));
      await agent.until(
        'the agent logged why it places none of them',
        () =>
          agent.logs.filter(
            (l) => l.msg.startsWith('not placed as asked') && String(l.ip).startsWith('10.99.0.'),
          ).length >= ADDRESSES,
      );
      const got = events();
      t.diagnostic(`${got.length} Event(s), the first: ${got[0]?.reason} "${got[0]?.note.slice(0, 100)}..."`);
      assert.equal(got.length, 1, `one Event, got ${got.length}`);
      assert.match(got[0]?.note ?? '', new RegExp(`^${ADDRESSES} addresses: `));
    });
  });
});
