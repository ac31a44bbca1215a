// Kubernetes mode against the fake API server (through the real client-node): who wins each local
// address comes from the Leases, who announces it from the Services' announcing annotations. A node
// holding an address another node wins, an annotation naming a node that does not win, and a node
// without a live Lease are findings; a consistent node exits 0. Every request is a GET: the agent's
// own permissions are enough.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rankNodes } from '@purelb-ts/core';
import { call } from '../../../../test/fake-apiserver/http-helpers.ts';
import { type FakeApiServer, withFakeApiServer, writeKubeconfig } from '../../../../test/support/kube.ts';
import { netnsUnavailableReason } from '../../../../test/support/netns.ts';
import { formatMicroTime } from '../../src/kubernetes/micro-time.ts';
import { seedGroups, service } from '../support/manifests.ts';
import {
  diagnoseJson,
  findingBriefs,
  rowOf,
  runDiagnose,
  SEED_SERVICES,
  THIS_NODE,
  withPlacedSeedNode,
} from './support.ts';

const skip = netnsUnavailableReason();
const WEB = '172.30.250.53';
const PEERS = Array.from({ length: 30 }, (_, i) => `purelb2-${i + 2}`);
/** A peer that wins WEB against this node, and one that loses to it (sha256 election, as every agent computes). */
const WINNER_PEER = PEERS.find((p) => rankNodes(WEB, [THIS_NODE, p])[0] === p)!;
const LOSER_PEER = PEERS.find((p) => rankNodes(WEB, [THIS_NODE, p])[0] === THIS_NODE)!;
assert.ok(WINNER_PEER !== undefined && LOSER_PEER !== undefined, 'peers on both sides of the election');

const lease = (node: string, renewed = Date.now()) => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: {
    name: `purelb-node-${node}`,
    namespace: 'purelb',
    annotations: { 'purelb.io/subnets': '172.30.250.0/24' },
  },
  spec: { holderIdentity: node, leaseDurationSeconds: 600, renewTime: formatMicroTime(renewed) },
});

interface Cluster {
  leases: object[];
  /** purelb.io/announcing-IPv4 of the web Service. */
  announcing?: string;
}

async function setUp(server: FakeApiServer, c: Cluster): Promise<void> {
  server.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'purelb' } });
  // A Lease counts only when its Node exists: every node the Leases name has one.
  const names = new Set([
    THIS_NODE,
    ...c.leases.map((l) => (l as { spec: { holderIdentity: string } }).spec.holderIdentity),
  ]);
  for (const name of names)
    server.apply({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    });
  for (const obj of [...seedGroups(), ...c.leases]) server.apply(obj as Record<string, unknown>);
  for (const s of SEED_SERVICES) {
    const obj = service(s) as { metadata: { annotations: Record<string, string> }; status: unknown };
    if (s.name === 'web' && c.announcing !== undefined)
      obj.metadata.annotations['purelb.io/announcing-IPv4'] = c.announcing;
    server.apply(obj as unknown as Record<string, unknown>);
    // A create ignores status, as the real API server does: the allocator writes it through /status.
    const r = await call(
      server,
      'PATCH',
      `/api/v1/namespaces/default/services/${s.name}/status`,
      { status: obj.status },
      'application/merge-patch+json',
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
}

/** Diagnoses the namespace (already placed by the standalone agent) against the fake cluster. */
async function inCluster(
  c: Cluster,
  check: (args: string[], server: FakeApiServer) => Promise<void>,
): Promise<void> {
  await withFakeApiServer(async (server) => {
    const kc = writeKubeconfig(server);
    try {
      await setUp(server, c);
      await withPlacedSeedNode(async (ns) => {
        const before = server.requests.length;
        await check(
          ['--kubeconfig', kc.kubeconfig, '--namespace', 'purelb', '--netns', ns, '--node', THIS_NODE],
          server,
        );
        const sent = server.requests.slice(before);
        assert.ok(sent.length > 0);
        for (const r of sent) assert.match(r, /^GET /, `diagnose only reads: ${r}`);
      });
    } finally {
      kc.cleanup();
    }
  });
}

describe('purelb diagnose in Kubernetes mode', { skip }, () => {
  it('a consistent node (its live Lease, its own announcing slot) is healthy: exit 0', async () => {
    await inCluster(
      { leases: [lease(THIS_NODE), lease(LOSER_PEER)], announcing: `${THIS_NODE},enp1s0,${WEB}` },
      async (args) => {
        const { run, report } = await diagnoseJson(args);
        assert.equal(run.code, 0, JSON.stringify(report.findings));
        assert.match(report.source, /^kubernetes http:\/\/127\.0\.0\.1:\d+ namespace purelb$/);
        const web = rowOf(report, WEB);
        assert.equal(web.winner, THIS_NODE);
        assert.deepEqual(web.announcedBy, [THIS_NODE]);
        assert.equal(web.verdict, 'ok');
      },
    );
  });

  it('held-but-not-winner: this node holds a local address the Leases give to another node', async () => {
    await inCluster({ leases: [lease(THIS_NODE), lease(WINNER_PEER)] }, async (args) => {
      const { run, report } = await diagnoseJson(args);
      assert.equal(run.code, 1);
      assert.deepEqual(findingBriefs(report), [`not-winner-but-present error ${WEB}`]);
      assert.match(
        report.findings[0]?.message ?? '',
        new RegExp(`is present but ${WINNER_PEER} wins ${WEB}`),
      );
      const web = rowOf(report, WEB);
      assert.equal(web.expected, null);
      assert.equal(web.notHere?.code, 'not-winner');
      assert.equal(web.winner, WINNER_PEER);
      assert.equal(web.verdict, 'held-but-not-winner');
      const table = await runDiagnose(args);
      assert.equal(table.code, 1);
      assert.match(
        table.stdout,
        new RegExp(
          `^default/web +${WEB.replaceAll('.', '\\.')} +— \\(not the winner\\) +172\\.30\\.250\\.53/24 brd 172\\.30\\.250\\.255 dev enp1s0 +${WINNER_PEER} +held-but-not-winner$`,
          'm',
        ),
      );
    });
  });

  it('held by another node per the announcing annotation, though this node wins: announced-by-non-winner', async () => {
    await inCluster(
      { leases: [lease(THIS_NODE), lease(LOSER_PEER)], announcing: `${LOSER_PEER},eth0,${WEB}` },
      async (args) => {
        const { run, report } = await diagnoseJson(args);
        assert.equal(run.code, 1);
        assert.deepEqual(findingBriefs(report), [`announced-by-non-winner warning ${WEB}`]);
        const f = report.findings[0];
        assert.equal(f?.service, 'default/web');
        assert.equal(f?.actual, `${LOSER_PEER},eth0,${WEB}`);
        const web = rowOf(report, WEB);
        assert.equal(web.winner, THIS_NODE);
        assert.deepEqual(web.announcedBy, [LOSER_PEER]);
        assert.equal(web.verdict, 'held-elsewhere');
        const table = await runDiagnose(args);
        assert.match(
          table.stdout,
          new RegExp(`this node \\(annotation: ${LOSER_PEER}\\) +held-elsewhere$`, 'm'),
        );
      },
    );
  });

  it('lease-not-live: this node’s Lease expired, so it is no member and its local address is another node’s', async () => {
    const expired = lease(THIS_NODE, Date.now() - 3_600_000);
    await inCluster({ leases: [expired, lease(LOSER_PEER)] }, async (args) => {
      const { run, report } = await diagnoseJson(args);
      assert.equal(run.code, 1);
      assert.deepEqual(findingBriefs(report), [
        `not-winner-but-present error ${WEB}`,
        'lease-not-live error -',
      ]);
      assert.match(
        report.findings[1]?.message ?? '',
        /^Lease purelb-node-purelb2-1 does not count: expired at /,
      );
      assert.equal(rowOf(report, WEB).winner, LOSER_PEER);
    });
  });
});
