// The cluster-wide commands against a seeded three-node cluster on the fake API server: each command's
// table and JSON, the election with --drain, errors that name what is wrong with their exit status,
// and every request a GET/LIST the node agent's own RBAC (deploy/rbac.yaml) grants.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { ElectionReport } from '../../src/cluster-view/election.ts';
import type { PoolsReport } from '../../src/cluster-view/pools.ts';
import type { ServicesReport } from '../../src/cluster-view/services.ts';
import type { StatusReport } from '../../src/cluster-view/status.ts';
import {
  API,
  LOCAL_ETP,
  ROOT,
  runPurelb,
  viewJson,
  viewTable,
  WEB,
  WEB_ORDER,
  WEB_WINNER,
  withSeededCluster,
} from './support.ts';

describe('purelb status', () => {
  it("shows what each node's Lease reports: interfaces without carrier and refused addresses", async () => {
    await withSeededCluster(async (_, kc) => {
      const r = await viewJson<StatusReport>(kc, ['status']);
      const b = r.nodes.find((n) => n.node === 'node-b')!;
      assert.deepEqual(b.carrierDown, ['enp2s0']);
      assert.deepEqual(
        b.refused.map((x) => [x.ip, x.code]),
        [
          ['172.30.250.60', 'no-carrier'],
          ['172.30.250.59', 'ambiguous-default-route'],
        ],
      );
      assert.match(
        b.refused[0]!.message,
        /^node node-b does not place 172\.30\.250\.60 as asked \(no-carrier\): .*NO-CARRIER/,
      );
      assert.equal(b.refusedOmitted, 2);
      assert.deepEqual(
        b.reportErrors.map((e) => e.replace(/:.*/, '')),
        ['carrier-down entry', 'refused entry "bogus" is not ip,code'],
      );
      for (const n of r.nodes.filter((x) => x.node !== 'node-b')) {
        assert.deepEqual(
          [n.carrierDown, n.refused, n.refusedOmitted, n.reportErrors],
          [[], [], 0, []],
          n.node,
        );
      }
      const table = await viewTable(kc, ['status']);
      assert.match(
        table,
        /^node-b +172\.30\.250\.0\/24 +enp2s0 +purelb\/default +\S.* +172\.30\.250\.60 \(no-carrier\), 172\.30\.250\.59 \(ambiguous-default-route\), \+2 more +live$/m,
      );
      assert.match(
        table,
        /^node-a +172\.30\.250\.0\/24 +— +purelb\/default +172\.31\.1\.5 dev kube-lb0 +— +live$/m,
      );
      assert.match(
        table,
        /^node node-b does not place 172\.30\.250\.59 as asked \(ambiguous-default-route\): keep one default route/m,
      );
    });
  });

  it('shows each node: Lease live or not, subnets, LBNodeAgent, the addresses it announces', async () => {
    await withSeededCluster(async (_, kc) => {
      const r = await viewJson<StatusReport>(kc, ['status']);
      assert.equal(r.schema, 'purelb.io/cluster-view/v1');
      assert.deepEqual(
        r.nodes.map((n) => [n.node, n.lease.live, n.subnets.join(','), n.agent]),
        [
          ['node-a', true, '172.30.250.0/24', 'purelb/default'],
          ['node-b', true, '172.30.250.0/24', 'purelb/default'],
          ['node-c', false, '172.30.250.0/24', 'purelb/default'],
        ],
      );
      assert.match(r.nodes[2]!.lease.reason ?? '', /^expired at /);
      const a = r.nodes.find((n) => n.node === 'node-a')!;
      assert.deepEqual(a.addresses, [{ ip: API, interface: 'kube-lb0', services: ['default/api'] }]);
      const winner = r.nodes.find((n) => n.node === WEB_WINNER)!;
      assert.ok(winner.addresses.some((x) => x.ip === WEB && x.interface === 'enp1s0'));
      const table = await viewTable(kc, ['status']);
      assert.match(table, /^NODE +SUBNETS +NO-CARRIER +LBNODEAGENT +ANNOUNCES +REFUSED +LEASE$/m);
      assert.match(table, /^node-c +172\.30\.250\.0\/24 +— +purelb\/default +— +— +not live: expired at /m);
    });
  });
});

describe('purelb pools', () => {
  it('counts size, used and free per ServiceGroup and family as the allocator does', async () => {
    await withSeededCluster(async (_, kc) => {
      const r = await viewJson<PoolsReport>(kc, ['pools']);
      assert.deepEqual(
        r.pools.map((p) => [p.group, p.type, p.family, p.size, p.used, p.free]),
        [
          ['default', 'local', 4, '11', 2, '9'],
          ['remote24', 'remote', 4, '254', 0, '254'],
          ['remote32', 'remote', 4, '254', 1, '253'],
        ],
      );
      const table = await viewTable(kc, ['pools']);
      assert.match(table, /^SERVICEGROUP +TYPE +FAMILY +SIZE +USED +FREE +RANGES$/m);
      assert.match(table, /^default +local +IPv4 +11 +2 +9 +172\.30\.250\.50-172\.30\.250\.60$/m);
    });
  });
});

describe('purelb services', () => {
  it('gives each LoadBalancer Service its address, pool, announcer and why (or why not)', async () => {
    await withSeededCluster(async (_, kc) => {
      const r = await viewJson<ServicesReport>(kc, ['services']);
      const by = new Map(r.services.map((s) => [s.service, s]));
      assert.deepEqual([...by.keys()], ['default/api', 'default/only-b', 'default/pending', 'default/web']);
      const web = by.get('default/web')!.addresses[0]!;
      assert.equal(web.winner, WEB_WINNER);
      assert.deepEqual(web.candidates, WEB_ORDER);
      assert.deepEqual(web.announcedBy, [{ node: WEB_WINNER, interface: 'enp1s0', service: 'default/web' }]);
      const onlyB = by.get('default/only-b')!.addresses[0]!;
      assert.deepEqual([onlyB.winner, onlyB.endpointNodes], ['node-b', ['node-b']]);
      assert.deepEqual(by.get('default/api')!.addresses[0]!.expected, ['node-a', 'node-b', 'node-c']);
      assert.match(by.get('default/pending')!.notAnnounced ?? '', /PureLB did not allocate/);
      const table = await viewTable(kc, ['services']);
      assert.match(table, /^SERVICE +ADDRESS +POOL +ANNOUNCED BY +WHY$/m);
      assert.match(
        table,
        new RegExp(`^default/web +${WEB} +default \\(local\\) +${WEB_WINNER} dev enp1s0 +local pool`, 'm'),
      );
      assert.match(table, new RegExp(`^default/only-b +${LOCAL_ETP} .*nobody \\(expected node-b\\)`, 'm'));
      assert.match(table, /^default\/pending +— +— +nobody +not announced: /m);
    });
  });
});

describe('purelb election', () => {
  it('names the winner, the candidates in order, and who wins with the winner drained', async () => {
    await withSeededCluster(async (_, kc) => {
      const r = await viewJson<ElectionReport>(kc, ['election', WEB, '--drain', WEB_WINNER]);
      assert.equal(r.address.winner, WEB_WINNER);
      assert.deepEqual(r.address.candidates, WEB_ORDER);
      assert.deepEqual(r.services, ['default/web']);
      assert.equal(r.nodes.find((n) => n.node === 'node-c')?.excluded, 'its Lease is not live');
      assert.equal(r.drain?.node, WEB_WINNER);
      assert.equal(r.drain?.address.winner, WEB_ORDER[1]);
      assert.deepEqual(r.drain?.address.candidates, [WEB_ORDER[1]]);
      const table = await viewTable(kc, ['election', WEB, '--drain', WEB_WINNER]);
      assert.match(table, new RegExp(`^winner ${WEB_WINNER}$`, 'm'));
      assert.match(table, new RegExp(`^ +1 +${WEB_WINNER} +winner$`, 'm'));
      assert.match(table, new RegExp(`^ +2 +${WEB_ORDER[1]} +candidate$`, 'm'));
      assert.match(
        table,
        new RegExp(
          `^with ${WEB_WINNER} drained: winner ${WEB_ORDER[1]} \\(${WEB_WINNER} → ${WEB_ORDER[1]}\\)$`,
          'm',
        ),
      );
    });
  });

  it('narrows an externalTrafficPolicy Local address to the nodes with a ready endpoint', async () => {
    await withSeededCluster(async (_, kc) => {
      const r = await viewJson<ElectionReport>(kc, ['election', LOCAL_ETP, '--drain', 'node-b']);
      assert.deepEqual(r.address.candidates, ['node-b']);
      assert.equal(r.nodes.find((n) => n.node === 'node-a')?.excluded, 'no ready endpoint here');
      assert.equal(r.drain?.address.winner, null);
      assert.match(
        r.drain?.address.why ?? '',
        /no live node with a ready endpoint advertises a subnet holding/,
      );
    });
  });
});

describe('errors name what is wrong', () => {
  const args = (kc: string) => ['--kubeconfig', kc, '--namespace', 'purelb'];
  it('an unknown IP or node: exit 1; not an IP or a bad flag: exit 2', async () => {
    await withSeededCluster(async (_, kc) => {
      let r = await runPurelb(['election', '192.0.2.9', ...args(kc)]);
      assert.deepEqual([r.code, r.stdout], [1, '']);
      assert.match(r.stderr, /^purelb election: unknown IP 192\.0\.2\.9: no LoadBalancer Service holds it/);
      r = await runPurelb(['election', '172.30.250.59', ...args(kc)]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /unknown IP 172\.30\.250\.59: .*ServiceGroup default has it free/);
      r = await runPurelb(['election', WEB, '--drain', 'node-z', ...args(kc)]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^purelb election: no such node node-z: .*\(nodes: node-a, node-b, node-c\)\n$/);
      r = await runPurelb(['election', 'web', ...args(kc)]);
      assert.deepEqual([r.code, r.stderr], [2, 'purelb election: "web" is not an IP address\n']);
      r = await runPurelb(['pools', '-o', 'yaml', ...args(kc)]);
      assert.deepEqual(
        [r.code, r.stderr],
        [2, 'purelb pools: -o/--output must be table or json, got "yaml"\n'],
      );
      r = await runPurelb(['status', '--drain', 'node-a', ...args(kc)]);
      assert.equal(r.code, 2);
    });
  });

  it('an API server that does not answer: exit 2 naming the server and the cause', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    await withSeededCluster(async (_, kc) => {
      const text = readFileSync(kc, 'utf8').replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${port}`);
      const dead = `${kc}.dead`;
      writeFileSync(dead, text);
      const r = await runPurelb(['status', '--kubeconfig', dead, '--timeout', '5']);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(
        r.stderr,
        new RegExp(
          `^purelb status: cannot read the cluster at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`,
        ),
      );
    });
  });
});

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** The lbnodeagent ClusterRole's and Role's rules in deploy/rbac.yaml. */
function agentRules(): Rule[] {
  const docs = parseAllDocuments(readFileSync(join(ROOT, 'deploy/rbac.yaml'), 'utf8'));
  const objects = docs.map((d) => d.toJS() as { kind: string; metadata: { name: string }; rules?: Rule[] });
  return objects
    .filter(
      (o) =>
        (o.kind === 'ClusterRole' && o.metadata.name === 'purelb:lbnodeagent') ||
        (o.kind === 'Role' && o.metadata.name === 'lbnodeagent'),
    )
    .flatMap((o) => o.rules ?? []);
}

describe('within the node agent’s RBAC', () => {
  it('every request is a LIST the agent’s roles grant', async () => {
    const rules = agentRules();
    await withSeededCluster(async (server, kc) => {
      const before = server.requests.length;
      for (const c of [['status'], ['pools'], ['services'], ['election', WEB, '--drain', 'node-a']]) {
        await viewJson(kc, c);
      }
      const sent = server.requests.slice(before);
      assert.equal(sent.length, 4 * 6, sent.join('\n'));
      for (const r of sent) {
        const [method, url = ''] = r.split(' ');
        assert.equal(method, 'GET', r);
        const parts = url.split('?')[0]!.split('/').filter(Boolean);
        const [group, rest] = parts[0] === 'api' ? ['', parts.slice(2)] : [parts[1]!, parts.slice(3)];
        const resource = rest[0] === 'namespaces' ? rest[2] : rest[0];
        const tail = rest[0] === 'namespaces' ? rest.slice(2) : rest;
        assert.equal(tail.length, 1, `a LIST, not a GET of one object: ${r}`);
        assert.ok(
          rules.some(
            (x) => x.apiGroups.includes(group) && x.resources.includes(resource!) && x.verbs.includes('list'),
          ),
          `the agent may list ${group}/${resource}: ${r}`,
        );
      }
    });
  });
});
