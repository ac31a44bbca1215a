// Each address finding on a real node: the agent places the seed's addresses, `ip` breaks one of them,
// and the diagnosis names it (code, row verdict, expected vs actual, the fix) and exits 1.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ip, netnsUnavailableReason } from '../../../../test/support/netns.ts';
import { manifests } from '../support/manifests.ts';
import {
  addOwned,
  diagnoseJson,
  findingBriefs,
  rowOf,
  SEED_SERVICES,
  standaloneArgs,
  withPlacedSeedNode,
} from './support.ts';

const skip = netnsUnavailableReason();

describe('purelb diagnose: address findings', { skip }, () => {
  it('address-missing: a wanted local address deleted behind the agent’s back', async () => {
    await withPlacedSeedNode(async (ns, file) => {
      ip(ns, 'addr', 'del', '172.30.250.53/24', 'dev', 'enp1s0');
      const { run, report } = await diagnoseJson(standaloneArgs(ns, file.path));
      assert.equal(run.code, 1);
      assert.deepEqual(findingBriefs(report), ['address-missing error 172.30.250.53']);
      const [f] = report.findings;
      assert.equal(f?.service, 'default/web');
      assert.equal(f?.message, 'inet 172.30.250.53/24 dev enp1s0 is missing');
      assert.equal(f?.actual, 'absent');
      const row = rowOf(report, '172.30.250.53');
      assert.equal(row.verdict, 'missing');
      assert.equal(row.expected?.text, '172.30.250.53/24 brd 172.30.250.255 dev enp1s0');
      assert.deepEqual(row.actual, []);
      assert.equal(row.winner, 'purelb2-1');
    });
  });

  it('address-stale: an address PureLB placed for a Service that is gone', async () => {
    await withPlacedSeedNode(async (ns, file) => {
      file.write(manifests([SEED_SERVICES[1]!])); // web (172.30.250.53) deleted
      const { run, report } = await diagnoseJson(standaloneArgs(ns, file.path));
      assert.equal(run.code, 1);
      assert.deepEqual(findingBriefs(report), ['address-stale warning 172.30.250.53']);
      assert.match(report.findings[0]?.fix ?? '', /"ip addr del 172\.30\.250\.53\/24 dev enp1s0"/);
      const row = rowOf(report, '172.30.250.53');
      assert.deepEqual(row.services, []);
      assert.equal(row.expected, null);
      assert.deepEqual(row.notHere, { code: 'unwanted', reason: 'no Service wants it on this node' });
      assert.equal(row.verdict, 'stale');
    });
  });

  it('wrong-interface: a virtual address found on the local interface instead of kube-lb0', async () => {
    await withPlacedSeedNode(async (ns, file) => {
      ip(ns, 'addr', 'del', '172.31.1.5/32', 'dev', 'kube-lb0');
      await addOwned(ns, '172.31.1.5/32', 'enp1s0');
      const { run, report } = await diagnoseJson(standaloneArgs(ns, file.path));
      assert.equal(run.code, 1);
      assert.deepEqual(findingBriefs(report), ['wrong-interface error 172.31.1.5']);
      assert.equal(
        report.findings[0]?.message,
        'inet 172.31.1.5/32 dev enp1s0 is on the wrong interface: wanted on dev kube-lb0',
      );
      const row = rowOf(report, '172.31.1.5');
      assert.equal(row.verdict, 'wrong-interface');
      assert.equal(row.expected?.interface, 'kube-lb0');
      assert.deepEqual(
        row.actual.map((a) => a.interface),
        ['enp1s0'],
      );
    });
  });

  it('wrong-prefix: the local address at /32 where the pool’s subnet says /24', async () => {
    await withPlacedSeedNode(async (ns, file) => {
      ip(ns, 'addr', 'del', '172.30.250.53/24', 'dev', 'enp1s0');
      await addOwned(ns, '172.30.250.53/32', 'enp1s0');
      const { run, report } = await diagnoseJson(standaloneArgs(ns, file.path));
      assert.equal(run.code, 1);
      assert.deepEqual(findingBriefs(report), ['wrong-prefix error 172.30.250.53']);
      assert.equal(
        report.findings[0]?.message,
        'inet 172.30.250.53/32 dev enp1s0 has prefix /32, wanted /24',
      );
      const row = rowOf(report, '172.30.250.53');
      assert.equal(row.verdict, 'wrong-prefix');
      assert.equal(row.expected?.prefixLength, 24);
      assert.deepEqual(
        row.actual.map((a) => a.prefixLength),
        [32],
      );
    });
  });

  it('address-in-use: the wanted address held by an untagged (hand-added) address: named, never to be deleted by hand', async () => {
    await withPlacedSeedNode(async (ns, file) => {
      ip(ns, 'addr', 'del', '172.30.250.53/24', 'dev', 'enp1s0');
      ip(ns, 'addr', 'add', '172.30.250.53/24', 'dev', 'enp1s0');
      const { run, report } = await diagnoseJson(standaloneArgs(ns, file.path));
      assert.equal(run.code, 1);
      assert.deepEqual(findingBriefs(report), ['address-in-use error 172.30.250.53']);
      assert.match(
        report.findings[0]?.message ?? '',
        /172\.30\.250\.53 is already an address of this node \(inet 172\.30\.250\.53\/24 dev enp1s0\) that PureLB did not add/,
      );
      // A secondary added by hand may be a leftover: removing it is offered.
      assert.match(report.findings[0]?.fix ?? '', /ip addr del 172\.30\.250\.53\/24 dev enp1s0/);
      const row = rowOf(report, '172.30.250.53');
      assert.equal(row.verdict, 'in-use');
      assert.deepEqual(
        row.actual.map((a) => a.owned),
        [false],
      );
    });
  });
});
