// What the manifests must say beyond schema validity: the node agent's pod shape (host network, the
// two capabilities, non-root, downward-API identity, probes on the agent's HTTP port, which listens on
// the node's address and loopback only, where the kubelet's probes and Prometheus arrive), the
// allocator's single Recreate replica of our image with no capability, serving on its pod IP, and RBAC
// granting each component exactly what it reads and writes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseAllocatorOptions } from '../../packages/agent/src/allocator/options.ts';
import { metricsAddressesFlag } from '../../packages/agent/src/flags.ts';

const DEPLOY = join(import.meta.dirname, '..', '..', 'deploy');

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML; each test asserts the shape it reads.
type Doc = any;
const docs = (file: string): Doc[] =>
  parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8')).map((d) => d.toJS() as Doc);

describe('lbnodeagent DaemonSet', () => {
  const [ds] = docs('lbnodeagent.yaml');
  const pod = ds.spec.template.spec;
  const [c] = pod.containers;

  it('runs in the node network namespace, in purelb-system, as the lbnodeagent service account', () => {
    assert.equal(ds.kind, 'DaemonSet');
    assert.equal(ds.metadata.namespace, 'purelb-system');
    assert.equal(pod.hostNetwork, true);
    assert.equal(pod.dnsPolicy, 'ClusterFirstWithHostNet');
    assert.equal(pod.serviceAccountName, 'lbnodeagent');
  });

  it('is non-root with only NET_ADMIN and NET_RAW', () => {
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.ok(pod.securityContext.runAsUser > 0);
    assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW'] });
    assert.equal(c.securityContext.privileged, undefined);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  });

  it('takes NODE_NAME, POD_NAMESPACE, POD_UID and HOST_IP from the downward API', () => {
    const env = Object.fromEntries(c.env.map((e: Doc) => [e.name, e.valueFrom?.fieldRef?.fieldPath]));
    assert.deepEqual(env, {
      NODE_NAME: 'spec.nodeName',
      POD_NAMESPACE: 'metadata.namespace',
      POD_UID: 'metadata.uid',
      HOST_IP: 'status.hostIP',
    });
  });

  it("serves on the node's address and loopback only: where probes and Prometheus reach it", () => {
    // The kubelet fills HOST_IP with the node's address; a hostNetwork pod's IP is that address, and
    // both the probes (no host: the pod IP) and Prometheus' pod discovery go there.
    const nodeIP = '192.168.10.21';
    const env: NodeJS.ProcessEnv = {};
    for (const e of c.env) if (e.valueFrom?.fieldRef?.fieldPath === 'status.hostIP') env[e.name] = nodeIP;
    const at = c.args.indexOf('--metrics-address');
    const values = at < 0 ? {} : { 'metrics-address': c.args[at + 1] };
    const listening = metricsAddressesFlag(values, env, 'HOST_IP', Error);
    assert.deepEqual(
      listening,
      [nodeIP, '127.0.0.1'],
      'not 0.0.0.0: that includes every LoadBalancer address',
    );
    for (const probe of [c.livenessProbe, c.readinessProbe]) assert.equal(probe.httpGet.host, undefined);
    assert.equal(ds.spec.template.metadata.annotations['prometheus.io/port'], '7472');
    const options = join(DEPLOY, '..', 'packages', 'agent', 'src', 'lbnodeagent', 'options.ts');
    assert.match(
      readFileSync(options, 'utf8'),
      /metricsAddressesFlag\(values, env, 'HOST_IP', UsageError\)/,
      'the agent defaults to HOST_IP',
    );
  });

  it('probes /healthz and /readyz on 7472, where the metrics are served', () => {
    assert.deepEqual(c.ports, [{ name: 'metrics', containerPort: 7472, protocol: 'TCP' }]);
    assert.deepEqual(c.livenessProbe.httpGet, { path: '/healthz', port: 'metrics' });
    assert.deepEqual(c.readinessProbe.httpGet, { path: '/readyz', port: 'metrics' });
    const at = c.args.indexOf('--metrics-port');
    assert.equal(c.args[at + 1], '7472');
  });

  it('passes only flags and environment the agent CLI reads (and no --standalone: Kubernetes mode)', () => {
    const agentSrc = join(DEPLOY, '..', 'packages', 'agent', 'src');
    const cli = readFileSync(join(agentSrc, 'lbnodeagent', 'options.ts'), 'utf8');
    for (const a of c.args.filter((x: string) => x.startsWith('--'))) {
      assert.match(cli, new RegExp(`^  ${a} `, 'm'), `the agent's usage lists ${a}`);
    }
    assert.ok(!c.args.includes('--standalone') && !c.args.includes('--kubeconfig'), 'in-cluster config');
    const sources = [cli, readFileSync(join(agentSrc, 'kubernetes', 'index.ts'), 'utf8')].join('\n');
    for (const e of c.env) assert.match(sources, new RegExp(`\\b${e.name}\\b`), `the agent reads ${e.name}`);
  });

  it('has resource requests and a memory limit', () => {
    assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory);
  });
});

describe('allocator Deployment', () => {
  const [d] = docs('allocator.yaml');
  const [c] = d.spec.template.spec.containers;
  it('is one replica, replaced with Recreate so two never run at once', () => {
    assert.equal(d.spec.replicas, 1);
    assert.deepEqual(d.spec.strategy, { type: 'Recreate' });
    assert.equal(d.spec.template.spec.serviceAccountName, 'allocator');
  });
  it("runs this project's image as `purelb-agent allocator`, with flags and environment it reads", () => {
    assert.equal(c.image, docs('lbnodeagent.yaml')[0].spec.template.spec.containers[0].image);
    assert.deepEqual(c.command, ['purelb-agent', 'allocator']);
    // The Deployment's args and env, with the downward API filled in as the kubelet would, parse into
    // exactly what they say: a flag or variable the allocator does not read would be refused or lost.
    const env: NodeJS.ProcessEnv = {};
    const fieldValues: Record<string, string> = {
      'metadata.namespace': 'purelb-system',
      'metadata.name': 'allocator-7d9f-abcde',
      'status.podIP': '10.244.3.17',
    };
    for (const e of c.env) env[e.name] = e.value ?? fieldValues[e.valueFrom.fieldRef.fieldPath];
    const o = parseAllocatorOptions(c.args, env);
    assert.notEqual(o, 'help');
    if (o === 'help') return;
    assert.deepEqual(
      { namespace: o.namespace, identity: o.identity, defaultAnnouncer: o.defaultAnnouncer },
      { namespace: 'purelb-system', identity: 'allocator-7d9f-abcde', defaultAnnouncer: true },
    );
    assert.equal(o.metricsPort, 7473);
    // The pod IP, where the kubelet probes (no host set) and Prometheus scrapes, and loopback.
    assert.deepEqual(o.metricsAddresses, ['10.244.3.17', '127.0.0.1']);
    for (const probe of [c.livenessProbe, c.readinessProbe]) assert.equal(probe.httpGet.host, undefined);
    assert.equal(o.logLevel, c.args[c.args.indexOf('--log-level') + 1]);
    assert.deepEqual(
      c.env.map((e: { name: string }) => e.name).sort(),
      ['DEFAULT_ANNOUNCER', 'POD_IP', 'POD_NAME', 'POD_NAMESPACE'],
      'every variable set is one checked above',
    );
  });
  it('serves metrics and probes on 7473 and runs non-root with no capabilities', () => {
    assert.deepEqual(c.ports, [{ name: 'metrics', containerPort: 7473, protocol: 'TCP' }]);
    assert.equal(c.args[c.args.indexOf('--metrics-port') + 1], '7473');
    assert.deepEqual(c.livenessProbe.httpGet, { path: '/healthz', port: 'metrics' });
    assert.deepEqual(c.readinessProbe.httpGet, { path: '/readyz', port: 'metrics' });
    assert.equal(d.spec.template.spec.securityContext.runAsNonRoot, true);
    assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  });
});

/** "group/resource verb" strings a role grants, for exact comparison. */
function grants(role: Doc): string[] {
  return role.rules
    .flatMap((r: Doc) =>
      r.apiGroups.flatMap((g: string) =>
        r.resources.flatMap((res: string) => r.verbs.map((v: string) => `${g || 'core'}/${res} ${v}`)),
      ),
    )
    .sort();
}
const expand = (spec: Record<string, string[]>): string[] =>
  Object.entries(spec)
    .flatMap(([res, verbs]) => verbs.map((v) => `${res} ${v}`))
    .sort();

describe('RBAC', () => {
  const all = docs('rbac.yaml');
  const find = (kind: string, name: string): Doc => {
    const d = all.find((x) => x.kind === kind && x.metadata.name === name);
    assert.ok(d, `${kind} ${name}`);
    return d;
  };

  it('lbnodeagent, cluster-wide: Services read + patch, EndpointSlices, own Node, events', () => {
    assert.deepEqual(
      grants(find('ClusterRole', 'purelb:lbnodeagent')),
      expand({
        'core/services': ['list', 'watch', 'patch'],
        'discovery.k8s.io/endpointslices': ['list', 'watch'],
        'core/nodes': ['get', 'list', 'watch'],
        'events.k8s.io/events': ['create', 'patch'],
      }),
    );
  });

  it('lbnodeagent, install namespace only: its configuration and the election Leases', () => {
    const role = find('Role', 'lbnodeagent');
    assert.equal(role.metadata.namespace, 'purelb-system');
    assert.deepEqual(
      grants(role),
      expand({
        'purelb.io/servicegroups': ['list', 'watch'],
        'purelb.io/lbnodeagents': ['list', 'watch'],
        'coordination.k8s.io/leases': ['get', 'list', 'watch', 'create', 'update', 'delete'],
      }),
    );
  });

  it('allocator: Services and their status, events; in its namespace ServiceGroups, LBNodeAgents, their status, Leases', () => {
    assert.deepEqual(
      grants(find('ClusterRole', 'purelb:allocator')),
      expand({
        'core/services': ['get', 'list', 'watch', 'patch'],
        'core/services/status': ['patch'],
        'core/nodes': ['list', 'watch'],
        'discovery.k8s.io/endpointslices': ['list', 'watch'],
        'events.k8s.io/events': ['create', 'patch'],
      }),
    );
    const role = find('Role', 'allocator');
    assert.equal(role.metadata.namespace, 'purelb-system');
    assert.deepEqual(
      grants(role),
      expand({
        'purelb.io/servicegroups': ['list', 'watch'],
        'purelb.io/servicegroups/status': ['patch'],
        'purelb.io/lbnodeagents': ['list', 'watch'],
        'purelb.io/lbnodeagents/status': ['patch'],
        'coordination.k8s.io/leases': ['list', 'watch', 'create', 'get', 'update'],
      }),
    );
    // Reading and renewing a Lease by name is limited to the allocator's own leader Lease.
    const byName = role.rules.filter((r: Doc) => r.verbs.includes('get') || r.verbs.includes('update'));
    assert.deepEqual(
      byName.map((r: Doc) => r.resourceNames),
      [['purelb-allocator']],
    );
  });

  it('no wildcard, no secrets, and every role is bound to its own service account only', () => {
    for (const d of all.filter((x) => x.kind === 'Role' || x.kind === 'ClusterRole')) {
      for (const g of grants(d)) {
        assert.doesNotMatch(g, /\*/, `${d.metadata.name}: ${g}`);
        assert.doesNotMatch(g, /secrets/, `${d.metadata.name}: ${g}`);
      }
    }
    const bindings = all.filter((x) => x.kind === 'RoleBinding' || x.kind === 'ClusterRoleBinding');
    assert.equal(bindings.length, 4);
    for (const b of bindings) {
      const sa = b.metadata.name.replace('purelb:', '');
      assert.deepEqual(b.subjects, [{ kind: 'ServiceAccount', name: sa, namespace: 'purelb-system' }]);
      assert.equal(b.roleRef.kind, b.kind === 'RoleBinding' ? 'Role' : 'ClusterRole');
      assert.equal(b.roleRef.name, b.metadata.name);
    }
  });

  it('every rule carries a comment saying why (the file is the least-privilege record)', () => {
    const lines = readFileSync(join(DEPLOY, 'rbac.yaml'), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!/^ {2}- apiGroups:/.test(line)) return;
      assert.match(lines[i - 1] ?? '', /^\s+#/, `rbac.yaml line ${i + 1} has no comment above it`);
    });
  });
});
