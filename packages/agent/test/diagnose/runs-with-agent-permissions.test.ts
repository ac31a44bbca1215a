// `kubectl exec -n purelb-system ds/lbnodeagent -- purelb diagnose` must work with what the agent's pod
// already has: every request diagnose sends is a GET/LIST the agent's RBAC grants, and the image puts a
// `purelb` command on PATH that runs the compiled purelb.js without any capability.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { withFakeApiServer, writeKubeconfig } from '../../../../test/support/kube.ts';
import { netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { seedGroups } from '../support/manifests.ts';
import { runDiagnose } from './support.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface RbacObject {
  kind: string;
  metadata: { name: string };
  rules?: Rule[];
}

/** The rules of the lbnodeagent's ClusterRole and namespaced Role in deploy/rbac.yaml. */
function agentRules(): { cluster: Rule[]; namespaced: Rule[] } {
  const docs = parseAllDocuments(readFileSync(join(ROOT, 'deploy/rbac.yaml'), 'utf8')) as unknown as {
    toJS(): RbacObject;
  }[];
  const objects = docs.map((d) => d.toJS());
  const rules = (kind: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name)?.rules ?? [];
  return { cluster: rules('ClusterRole', 'purelb:lbnodeagent'), namespaced: rules('Role', 'lbnodeagent') };
}

const grants = (rules: Rule[], group: string, resource: string, verb: string): boolean =>
  rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));

/** "GET /apis/g/v/namespaces/ns/r" → the RBAC group, resource, verb and whether it is namespaced. */
function rbacOf(request: string): { group: string; resource: string; verb: string; namespaced: boolean } {
  const [method, url = ''] = request.split(' ');
  assert.equal(method, 'GET', `diagnose only reads: ${request}`);
  const parts = (url.split('?')[0] ?? '').split('/').filter(Boolean);
  const [group, rest] = parts[0] === 'api' ? ['', parts.slice(2)] : [parts[1] ?? '', parts.slice(3)];
  const namespaced = rest[0] === 'namespaces';
  const tail = namespaced ? rest.slice(2) : rest;
  return { group, resource: tail[0] ?? '', verb: tail.length > 1 ? 'get' : 'list', namespaced };
}

describe('purelb diagnose runs in the agent container', () => {
  it('sends only requests the agent’s own RBAC grants', { skip: netnsUnavailableReason() }, async () => {
    const { cluster, namespaced } = agentRules();
    assert.ok(cluster.length > 0 && namespaced.length > 0, 'deploy/rbac.yaml has the lbnodeagent roles');
    await withFakeApiServer(async (server) => {
      const kc = writeKubeconfig(server);
      try {
        server.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'purelb-system' } });
        server.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'purelb2-1' } });
        for (const obj of seedGroups()) {
          const o = obj as { metadata: { namespace: string } };
          o.metadata.namespace = 'purelb-system';
          server.apply(obj as Record<string, unknown>);
        }
        await withNetns(async (ns) => {
          const run = await runDiagnose(['--kubeconfig', kc.kubeconfig, '--netns', ns], {
            NODE_NAME: 'purelb2-1',
            POD_NAMESPACE: 'purelb-system',
          });
          assert.ok(run.code === 0 || run.code === 1, run.stderr);
        });
      } finally {
        kc.cleanup();
      }
      const sent = server.requests.filter((r) => !r.startsWith('GET /api ') && !r.startsWith('GET /apis '));
      assert.ok(sent.length >= 6, `one read per kind: ${sent.join(', ')}`);
      for (const r of sent) {
        const { group, resource, verb, namespaced: inNs } = rbacOf(r);
        const granted =
          grants(cluster, group, resource, verb) || (inNs && grants(namespaced, group, resource, verb));
        assert.ok(granted, `the lbnodeagent roles grant ${verb} ${group || 'core'}/${resource} (${r})`);
      }
    });
  });

  it('the image’s purelb command runs the compiled purelb.js, needing no capability', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /^COPY --chmod=0755 deploy\/image\/purelb\.sh \/usr\/local\/bin\/purelb$/m);
    const script = readFileSync(join(ROOT, 'deploy/image/purelb.sh'), 'utf8');
    assert.match(script, /^node_unprivileged "\$PURELB_APP\/purelb\.js" "\$@"$/m);
    const lib = readFileSync(join(ROOT, 'deploy/image/node-run.sh'), 'utf8');
    assert.match(lib, /^PURELB_APP=\/opt\/purelb-ts\/packages\/agent\/dist$/m);
    // The same script, pointed at this checkout's sources (the run's NODE_OPTIONS selects them), runs
    // the command through the dynamic loader, as in the image.
    const dir = mkdtempSync(join(tmpdir(), 'purelb-shim-'));
    try {
      writeFileSync(
        join(dir, 'node-run.sh'),
        lib.replace('PURELB_NODE=/usr/local/bin/node', `PURELB_NODE=${process.execPath}`),
      );
      const path = join(dir, 'purelb');
      writeFileSync(
        path,
        script
          .replace('/usr/local/lib/purelb-ts/node-run.sh', join(dir, 'node-run.sh'))
          .replace('"$PURELB_APP/purelb.js"', `"${join(ROOT, 'packages/agent/src/purelb.ts')}"`),
      );
      chmodSync(path, 0o755);
      const out = execFileSync(path, ['diagnose', '--help'], { encoding: 'utf8' });
      assert.match(out, /^usage: purelb diagnose /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
