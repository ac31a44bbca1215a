// What a node agent loads of Kubernetes clients: in standalone mode none at all; in Kubernetes mode its
// own small client over node:https, never @kubernetes/client-node (~55 MB of RSS at every start) for a
// token user. (An exec or auth-provider user loads client-node: client-authenticates-as-configured.)
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { withFakeApiServer, writeKubeconfig } from '../../../../../test/support/kube.ts';
import { netnsUnavailableReason, withNetns } from '../../../../../test/support/netns.ts';
import { ManifestFile, RunningAgent, runOnce, seedShapedNode } from '../../support/agent-process.ts';
import { addNamespaceAndNodes } from '../../support/cluster.ts';
import { manifests, seedGroups } from '../../support/manifests.ts';

const skip = netnsUnavailableReason();
const HOOK = resolve(import.meta.dirname, '../../support/record-modules.ts');

/** Runs fn with NODE_OPTIONS set so the agents it starts record what they load; returns the URLs. */
async function recorded(fn: () => Promise<void>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'purelb-modules-'));
  const log = join(dir, 'modules.log');
  const saved = { options: process.env.NODE_OPTIONS, log: process.env.PURELB_MODULE_LOG };
  process.env.NODE_OPTIONS = `${saved.options ?? ''} --import=${HOOK}`.trim();
  process.env.PURELB_MODULE_LOG = log;
  try {
    await fn();
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  } finally {
    if (saved.options === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved.options;
    if (saved.log === undefined) delete process.env.PURELB_MODULE_LOG;
    else process.env.PURELB_MODULE_LOG = saved.log;
    rmSync(dir, { recursive: true, force: true });
  }
}

const clientNode = (urls: string[]) => urls.filter((u) => u.includes('@kubernetes/client-node'));
const ownClient = (urls: string[]) =>
  urls.filter((u) => /\/src\/kubernetes\/(client\/|rest\.ts|informer\.ts|index\.ts)/.test(u));

describe('Kubernetes clients an agent loads', { skip }, () => {
  it('standalone --once loads no Kubernetes client at all', async () => {
    const file = new ManifestFile(manifests([{ name: 'web', ip: '172.31.1.5' }]));
    try {
      const urls = await recorded(() =>
        withNetns(async (ns) => {
          seedShapedNode(ns);
          const r = await runOnce(ns, file.path);
          assert.equal(r.code, 0, r.stderr);
        }),
      );
      assert.ok(
        urls.some((u) => u.includes('/src/lbnodeagent/main.ts')),
        'the hook saw the agent load',
      );
      assert.deepEqual(clientNode(urls), []);
      assert.deepEqual(ownClient(urls), []);
    } finally {
      file.remove();
    }
  });

  it('Kubernetes mode with a token user loads its own client, not @kubernetes/client-node', () =>
    withFakeApiServer(async (server) => {
      const kc = writeKubeconfig(server);
      try {
        addNamespaceAndNodes(server, ['purelb2-1']);
        for (const obj of seedGroups()) server.apply(obj as Record<string, unknown>);
        const urls = await recorded(() =>
          withNetns(async (ns) => {
            seedShapedNode(ns);
            const agent = new RunningAgent(ns, '', ['--kubeconfig', kc.kubeconfig, '--namespace', 'purelb']);
            try {
              await agent.until('informers listed', () =>
                agent.logs.some((l) => l.msg === 'kubernetes informers listed'),
              );
            } finally {
              await agent.stop('SIGTERM');
            }
          }),
        );
        assert.ok(ownClient(urls).some((u) => u.endsWith('/client/transport.ts')));
        assert.deepEqual(clientNode(urls), []);
      } finally {
        kc.cleanup();
      }
    }));
});
