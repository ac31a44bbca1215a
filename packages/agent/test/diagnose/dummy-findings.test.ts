// The virtual interface: gone (dummy-missing) or down (dummy-down), each diagnosed on a real node where
// the agent had created it (ifb here: this kernel has no dummy driver) and placed the remote address.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ip, netnsUnavailableReason } from '../../../../test/support/netns.ts';
import {
  diagnoseJson,
  findingBriefs,
  rowOf,
  runDiagnose,
  standaloneArgs,
  withPlacedSeedNode,
} from './support.ts';

const skip = netnsUnavailableReason();

describe('purelb diagnose: the virtual interface', { skip }, () => {
  it('dummy-missing: kube-lb0 deleted, its virtual address cannot be placed', async () => {
    await withPlacedSeedNode(async (ns, file) => {
      ip(ns, 'link', 'del', 'kube-lb0');
      const { run, report } = await diagnoseJson(standaloneArgs(ns, file.path));
      assert.equal(run.code, 1);
      assert.deepEqual(findingBriefs(report), ['dummy-missing error -']);
      assert.equal(report.findings[0]?.link, 'kube-lb0');
      assert.equal(
        report.findings[0]?.message,
        'dev kube-lb0 does not exist: 1 virtual address cannot be placed',
      );
      const row = rowOf(report, '172.31.1.5');
      assert.equal(row.verdict, 'dummy-missing');
      assert.deepEqual(row.actual, []);
      assert.equal(rowOf(report, '172.30.250.53').verdict, 'ok', 'the local address is unaffected');
    });
  });

  it('dummy-down: kube-lb0 set down, the table names it on the virtual address’s row', async () => {
    await withPlacedSeedNode(async (ns, file) => {
      ip(ns, 'link', 'set', 'kube-lb0', 'down');
      const { run, report } = await diagnoseJson(standaloneArgs(ns, file.path));
      assert.equal(run.code, 1);
      assert.deepEqual(findingBriefs(report), ['dummy-down error -']);
      assert.match(report.findings[0]?.fix ?? '', /^"ip link set dev kube-lb0 up"/);
      assert.equal(rowOf(report, '172.31.1.5').verdict, 'dummy-down');
      const table = await runDiagnose(standaloneArgs(ns, file.path));
      assert.equal(table.code, 1);
      assert.match(
        table.stdout,
        /^default\/api +172\.31\.1\.5 +172\.31\.1\.5\/32 dev kube-lb0 +172\.31\.1\.5\/32 dev kube-lb0 +every node +dummy-down$/m,
      );
      assert.match(table.stdout, /^error dummy-down {2}dev kube-lb0$/m);
    });
  });
});
