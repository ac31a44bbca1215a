// A node the cluster takes out of load balancing hands its local addresses over while it is still up,
// before its pods go: cordoned (kubectl cordon/drain), labelled exclude-from-external-load-balancers,
// tainted out-of-service, or with NetworkUnavailable. Each change is made to the holder's Node object
// on the fake API server; another node holds the address after it, and never two at once.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { call } from '../../../../test/fake-apiserver/http-helpers.ts';
import { withFakeApiServer } from '../../../../test/support/kube.ts';
import { netnsUnavailableReason } from '../../../../test/support/netns.ts';
import { withThreeNodes } from '../support/three-nodes.ts';
import { untilOneHolder } from '../support/vip-holders.ts';

const skip = netnsUnavailableReason();
const LEASE_SECONDS = 10;

/** [what is done to the holder's Node, the merge patch, its status subresource or not, the undo]. */
const CAUSES: [string, object, boolean, object][] = [
  ['cordoned', { spec: { unschedulable: true } }, false, { spec: { unschedulable: null } }],
  [
    'labelled exclude-from-external-load-balancers',
    { metadata: { labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': 'true' } } },
    false,
    { metadata: { labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': null } } },
  ],
  [
    'tainted out-of-service',
    {
      spec: {
        taints: [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }],
      },
    },
    false,
    { spec: { taints: null } },
  ],
  [
    'NetworkUnavailable',
    { status: { conditions: [{ type: 'NetworkUnavailable', status: 'True', reason: 'NoRouteCreated' }] } },
    true,
    { status: { conditions: [{ type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated' }] } },
  ],
];

describe('a node taken out of load balancing', { skip }, () => {
  it('hands its local address to another node, one holder at a time, for each cause', async (t) => {
    await withFakeApiServer(async (server) => {
      await withThreeNodes(server, { leaseSeconds: LEASE_SECONDS }, async (c) => {
        const patch = async (node: string, body: object, status: boolean) => {
          const path = `/api/v1/nodes/${node}${status ? '/status' : ''}`;
          const r = await call(server, 'PATCH', path, body, 'application/merge-patch+json');
          assert.equal(r.status, 200, JSON.stringify(r.body));
        };
        for (const [cause, change, status, undo] of CAUSES) {
          const holder = await c.steady();
          const rest = c.all.filter((n) => n !== holder);
          const at = performance.now();
          await patch(holder, change, status);
          const next = await untilOneHolder(c.holders, {
            among: rest,
            since: at,
            limitMs: 10_000,
            logs: c.logs,
          });
          t.diagnostic(
            `${holder} ${cause}: ${next.holders[0]} holds the address after ${next.ms.toFixed(0)} ms`,
          );
          await patch(holder, undo, status);
        }
      });
    });
  });
});
