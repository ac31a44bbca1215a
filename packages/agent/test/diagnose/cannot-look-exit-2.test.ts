// Exit status 2 when the command could not look: one clear line on stderr naming what was wrong, nothing
// on stdout (a script never mistakes it for a report).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withFakeApiServer, writeKubeconfig } from '../../../../test/support/kube.ts';
import { netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { ManifestFile } from '../support/agent-process.ts';
import { type DiagnoseRun, runDiagnose } from './support.ts';

const skip = netnsUnavailableReason();

function cannotLook(run: DiagnoseRun, says: RegExp): void {
  assert.equal(run.code, 2, `exit 2; stdout: ${run.stdout}; stderr: ${run.stderr}`);
  assert.equal(run.stdout, '');
  const lines = run.stderr.split('\n');
  assert.equal(lines.length, 2, `one line on stderr: ${JSON.stringify(run.stderr)}`);
  assert.match(lines[0] ?? '', /^purelb diagnose: /);
  assert.match(lines[0] ?? '', says);
}

describe('purelb diagnose: exit 2 when it could not look', { skip }, () => {
  it('a manifest file that does not exist', async () => {
    await withNetns(async (ns) => {
      const run = await runDiagnose(['--standalone', '/nonexistent/purelb/manifests.yaml', '--netns', ns]);
      cannotLook(run, /cannot read \/nonexistent\/purelb\/manifests\.yaml: ENOENT/);
    });
  });

  it('malformed YAML, naming the file, line and document', async () => {
    const file = new ManifestFile(
      'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\nkind: [unclosed\n',
    );
    try {
      await withNetns(async (ns) => {
        const run = await runDiagnose(['--standalone', file.path, '--netns', ns]);
        cannotLook(run, new RegExp(`${file.path.replaceAll('.', '\\.')}:\\d+: invalid YAML in document 2: `));
      });
    } finally {
      file.remove();
    }
  });

  it('an API server that does not answer', async () => {
    let kubeconfig = '';
    let cleanup = () => {};
    let url = '';
    await withFakeApiServer(async (server) => {
      ({ kubeconfig, cleanup } = writeKubeconfig(server));
      url = server.baseUrl;
    });
    try {
      await withNetns(async (ns) => {
        const run = await runDiagnose(['--kubeconfig', kubeconfig, '--netns', ns, '--node', 'purelb2-1']);
        cannotLook(
          run,
          new RegExp(`cannot read the cluster at ${url.replaceAll('.', '\\.')}: .*ECONNREFUSED`),
        );
      });
    } finally {
      cleanup();
    }
  });

  it('a node the cluster does not know', async () => {
    await withFakeApiServer(async (server) => {
      const kc = writeKubeconfig(server);
      try {
        await withNetns(async (ns) => {
          const run = await runDiagnose([
            '--kubeconfig',
            kc.kubeconfig,
            '--netns',
            ns,
            '--node',
            'no-such-node',
          ]);
          cannotLook(run, /node no-such-node does not exist in the cluster at /);
        });
      } finally {
        kc.cleanup();
      }
    });
  });

  it('no --kubeconfig outside a cluster', async () => {
    await withNetns(async (ns) => {
      const run = await runDiagnose(['--netns', ns, '--node', 'purelb2-1']);
      cannotLook(
        run,
        /no --kubeconfig given and not running in a cluster \(KUBERNETES_SERVICE_HOST is not set\)/,
      );
    });
  });

  it('a network namespace that does not exist', async () => {
    const file = new ManifestFile('');
    try {
      const run = await runDiagnose(['--standalone', file.path, '--netns', 'plbt-no-such-namespace']);
      cannotLook(run, /cannot open a netlink socket in network namespace plbt-no-such-namespace: /);
    } finally {
      file.remove();
    }
  });

  it('a bad flag', async () => {
    cannotLook(await runDiagnose(['-o', 'yaml']), /-o\/--output must be table or json, got "yaml"/);
    cannotLook(
      await runDiagnose(['--standalone', 'a', '--kubeconfig', 'b']),
      /--standalone and --kubeconfig exclude each other/,
    );
    cannotLook(await runDiagnose(['--frobnicate']), /Unknown option '--frobnicate'/);
  });
});
