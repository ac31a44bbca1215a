// `kubectl purelb status` through the real kubectl: the kubectl-purelb bin (scripts/bin, the same
// program as purelb) found on PATH as a plugin, reading the cluster kubectl's $KUBECONFIG names.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { KUBECTL } from '../../../../test/support/kube.ts';
import { childEnv, NODE, ROOT, runProgram, WEB, WEB_WINNER, withSeededCluster } from './support.ts';

const skip = existsSync(KUBECTL) ? false : `needs ${KUBECTL}`;

describe('kubectl plugin', { skip }, () => {
  it('kubectl purelb status runs kubectl-purelb from PATH against kubectl’s cluster', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'plb-plugin-'));
    try {
      symlinkSync(join(ROOT, 'scripts/bin/kubectl-purelb.js'), join(bin, 'kubectl-purelb'));
      await withSeededCluster(async (_, kubeconfig) => {
        const env = childEnv({
          KUBECONFIG: kubeconfig,
          PATH: [bin, dirname(NODE), dirname(KUBECTL), '/bin'].join(':'),
        });
        const list = await runProgram(KUBECTL, ['plugin', 'list'], env);
        assert.match(list.stdout, /kubectl-purelb/, list.stderr);
        const r = await runProgram(KUBECTL, ['purelb', 'status', '--namespace', 'purelb'], env);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^NODE +SUBNETS +NO-CARRIER +LBNODEAGENT +ANNOUNCES +REFUSED +LEASE$/m);
        assert.match(
          r.stdout,
          new RegExp(
            `^${WEB_WINNER} +172\\.30\\.250\\.0/24 +\\S+ +purelb/default +${WEB.replaceAll('.', '\\.')} dev enp1s0 +.* +live$`,
            'm',
          ),
        );
        const json = await runProgram(KUBECTL, ['purelb', 'pools', '-n', 'purelb', '-o', 'json'], env);
        assert.equal(json.code, 0, json.stderr);
        assert.equal((JSON.parse(json.stdout) as { kind: string }).kind, 'pools');
      });
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
