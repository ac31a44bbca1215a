// docs/troubleshooting.md shows `purelb diagnose` output captured from real runs. This re-runs the same
// scenario (the example manifests on the seed-shaped node, then a second equal default route) and checks
// the page still shows what the command prints, so the documentation cannot drift from the code.
// Only the run-specific parts are normalised: the namespace name, the file path and the lifetimes left.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { addSecondDefault, ManifestFile, runOnce, seedShapedNode } from '../support/agent-process.ts';
import { runDiagnose, standaloneArgs } from './support.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');
const COMMAND = '$ purelb diagnose --standalone seed-node.yaml --netns node1 --node purelb2-1';

/** The fenced blocks of the page that start with COMMAND, without that line. */
function documentedRuns(): string[] {
  const page = readFileSync(join(ROOT, 'docs/troubleshooting.md'), 'utf8');
  const blocks = [...page.matchAll(/```plaintext\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks.filter((b) => b.startsWith(`${COMMAND}\n`)).map((b) => b.slice(COMMAND.length + 1));
}

const normalise = (text: string, ns: string, file: string): string =>
  text
    .replaceAll(`netns ${ns}:`, 'netns node1:')
    .replaceAll(file, '/tmp/diagdoc/seed-node.yaml')
    .replace(/(valid|preferred)_lft \d+sec/g, '$1_lft Nsec');

describe('docs/troubleshooting.md', { skip: netnsUnavailableReason() }, () => {
  it('shows what purelb diagnose prints for the healthy seed node and for the two-default-routes failure', async () => {
    const documented = documentedRuns();
    assert.equal(documented.length, 2, 'the page shows the healthy run and the two-default-routes run');
    const file = new ManifestFile(readFileSync(join(ROOT, 'packages/agent/examples/seed-node.yaml'), 'utf8'));
    try {
      await withNetns(async (ns) => {
        seedShapedNode(ns);
        assert.equal((await runOnce(ns, file.path)).code, 0);
        const healthy = await runDiagnose(standaloneArgs(ns, file.path));
        assert.equal(healthy.code, 0, healthy.stderr);
        addSecondDefault(ns);
        const failing = await runDiagnose(standaloneArgs(ns, file.path));
        assert.equal(failing.code, 1, failing.stderr);
        const strip = (t: string) => normalise(t, ns, file.path);
        assert.equal(strip(documented[0] ?? ''), strip(healthy.stdout));
        assert.equal(strip(documented[1] ?? ''), strip(failing.stdout));
      });
    } finally {
      file.remove();
    }
  });
});
