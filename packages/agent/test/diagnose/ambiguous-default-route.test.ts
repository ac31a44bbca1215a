// The seed's failure, exactly: enp1s0 172.30.250.104/24 with default via 172.30.250.1 metric 100, then a
// second default route at the same metric. The diagnosis names both routes, says local addresses go to
// kube-lb0, gives the command that fixes it, and exits 1 — in the table and in JSON.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { netnsUnavailableReason } from '../../../../test/support/netns.ts';
import { addSecondDefault, runOnce } from '../support/agent-process.ts';
import {
  diagnoseJson,
  findingBriefs,
  rowOf,
  runDiagnose,
  standaloneArgs,
  withPlacedSeedNode,
} from './support.ts';

const skip = netnsUnavailableReason();
const ROUTE1 = 'default via 172.30.250.1 dev enp1s0 metric 100';
const ROUTE2 = 'default via 192.168.122.1 dev enp2s0 metric 100';

describe('purelb diagnose: two default routes at one metric (the seed’s case)', { skip }, () => {
  it('reports ambiguous-default-route with both routes and the fix, and the local address on the wrong interface', async () => {
    await withPlacedSeedNode(async (ns, file) => {
      addSecondDefault(ns);
      const { run, report } = await diagnoseJson(standaloneArgs(ns, file.path));
      assert.equal(run.code, 1);
      assert.equal(report.verdict, 'findings');
      assert.deepEqual(report.routes.ipv4.defaults, [ROUTE1, ROUTE2]);
      assert.equal(report.routes.ipv4.election, 'ambiguous');
      assert.deepEqual(report.routes.ipv4.candidates, ['enp1s0', 'enp2s0']);
      assert.equal(report.routes.ipv4.used, true);
      // The agent placed .53 on enp1s0 before the second route; now it belongs on kube-lb0.
      assert.deepEqual(findingBriefs(report), [
        'ambiguous-default-route error -',
        'wrong-interface error 172.30.250.53',
      ]);
      const [ambiguous] = report.findings;
      assert.equal(
        ambiguous?.message,
        `PureLB is unable to identify the local interface for IPv4: 2 default routes at metric 100 (${ROUTE1}; ${ROUTE2}); local addresses go to dev kube-lb0 instead`,
      );
      assert.equal(ambiguous?.actual, `${ROUTE1}; ${ROUTE2}`);
      assert.match(ambiguous?.fix ?? '', /"ip route del default via 192\.168\.122\.1 dev enp2s0 metric 100"/);
      assert.match(ambiguous?.fix ?? '', /spec\.local\.localInterface/);
      const web = rowOf(report, '172.30.250.53');
      assert.equal(web.expected?.interface, 'kube-lb0');
      assert.deepEqual(
        web.actual.map((a) => `${a.text} ${a.owned}`),
        ['172.30.250.53/24 brd 172.30.250.255 dev enp1s0 true'],
      );
      assert.equal(web.verdict, 'wrong-interface');
      assert.deepEqual(web.errors, ['ambiguous-default-route']);
      assert.equal(web.winner, null, 'a local address fallen back to the dummy has no winner');
    });
  });

  it('after the agent has moved the address, the table still says why, and exits 1', async () => {
    await withPlacedSeedNode(async (ns, file) => {
      addSecondDefault(ns);
      assert.equal((await runOnce(ns, file.path)).code, 0);
      const run = await runDiagnose(standaloneArgs(ns, file.path));
      assert.equal(run.code, 1, run.stderr);
      const lines = run.stdout.split('\n');
      assert.ok(lines.includes(`    ${ROUTE1}`) && lines.includes(`    ${ROUTE2}`), run.stdout);
      assert.ok(lines.includes('    local interface: ambiguous between dev enp1s0, dev enp2s0'), run.stdout);
      const web = lines.find((l) => l.startsWith('default/web '));
      assert.match(
        web ?? '',
        /^default\/web +172\.30\.250\.53 +172\.30\.250\.53\/32 dev kube-lb0 +172\.30\.250\.53\/32 dev kube-lb0 +— +ambiguous-default-route$/,
      );
      assert.ok(lines.includes('1 finding (1 error, 0 warnings, 0 info):'), run.stdout);
      assert.ok(lines.includes('error ambiguous-default-route  dev enp1s0,enp2s0'), run.stdout);
      assert.equal(lines.at(-2), 'verdict: findings');
    });
  });
});
