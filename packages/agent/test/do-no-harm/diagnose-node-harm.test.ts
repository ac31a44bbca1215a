// purelb diagnose names the harm an address can do to the node itself. Here the state an older agent
// left with the seed's two-default fault (its local address on kube-lb0 with the LAN's /24): once enp1s0
// flaps, the kernel reaches the gateway through kube-lb0. The diagnosis says so (route get), names
// PureLB's competing prefix, and the agent then removes it and the node reaches its gateway again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ip, netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { diagnoseJson, findingBriefs, standaloneArgs } from '../diagnose/support.ts';
import { addSecondDefault, ManifestFile, runOnce } from '../support/agent-process.ts';
import { manifests } from '../support/manifests.ts';
import { addTagged, routeGet, withSegment } from './support.ts';

describe('purelb diagnose: harm to the node', { skip: netnsUnavailableReason() }, () => {
  it('the gateway reached through kube-lb0 is found, named, and the agent mends it', async () => {
    const file = new ManifestFile(manifests([{ name: 'web', ip: '172.30.250.53' }]));
    try {
      await withNetns(async (ns) => {
        await withSegment(ns, async () => {
          addSecondDefault(ns);
          ip(ns, 'link', 'add', 'kube-lb0', 'type', 'ifb');
          ip(ns, 'link', 'set', 'kube-lb0', 'alias', 'purelb virtual interface', 'up');
          await addTagged(ns, '172.30.250.53/24', 'kube-lb0');
          ip(ns, 'link', 'set', 'enp1s0', 'down');
          ip(ns, 'link', 'set', 'enp1s0', 'up');
          assert.equal(routeGet(ns, '172.30.250.1').dev, 'kube-lb0', 'the harm, as the issue reproduced it');
          const { run, report } = await diagnoseJson(standaloneArgs(ns, file.path));
          assert.equal(run.code, 1);
          const briefs = findingBriefs(report);
          assert.ok(briefs.includes('route-via-virtual error 172.30.250.1'), briefs.join('; '));
          assert.ok(briefs.includes('route-conflict error 172.30.250.53'), briefs.join('; '));
          // The flap took the default route through enp1s0 with it: the LAN itself is what is lost.
          const via = report.findings.find((f) => f.code === 'route-via-virtual');
          assert.match(
            via!.message,
            /reaches a host of 172\.30\.250\.0\/24 \(dev enp1s0\) through the virtual interface \(ip route get 172\.30\.250\.1: 172\.30\.250\.1 dev kube-lb0 src 172\.30\.250\.53\)/,
          );
          assert.equal((await runOnce(ns, file.path)).code, 0);
          assert.equal(routeGet(ns, '172.30.250.1').dev, 'enp1s0', 'mended');
        });
      });
    } finally {
      file.remove();
    }
  });
});
