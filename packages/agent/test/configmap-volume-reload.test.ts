// The long-running agent reading its manifests from a ConfigMap volume: kubelet's update swaps the
// `..data` symlink and never touches `manifests.yaml` itself, yet the agent reloads, places the new
// Service's address and withdraws the removed one's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { netnsUnavailableReason, withNetns } from '../../../test/support/netns.ts';
import { RunningAgent, seedShapedNode, v4Addresses } from './support/agent-process.ts';
import { ConfigMapVolume } from './support/configmap-volume.ts';
import { manifests } from './support/manifests.ts';

const skip = netnsUnavailableReason();
/** Generous: the assertion is that it happens (a loaded machine starts the agent slowly), not how fast. */
const WAIT_MS = 20_000;

const has = (ns: string, link: string, cidr: string): boolean =>
  v4Addresses(ns).get(link)?.includes(cidr) ?? false;

describe('purelb-agent reading a ConfigMap volume', { skip }, () => {
  it("reloads when kubelet swaps ..data: the new Service's address is placed, the removed one's withdrawn", async () => {
    const volume = new ConfigMapVolume({
      'manifests.yaml': manifests([
        { name: 'web', ip: '172.30.250.53' },
        { name: 'api', ip: '172.31.1.5' },
      ]),
    });
    try {
      await withNetns(async (ns) => {
        seedShapedNode(ns);
        // RunningAgent runs with --resync 0: no periodic re-read, only the directory watch.
        const agent = new RunningAgent(ns, volume.path('manifests.yaml'));
        try {
          await agent.until(
            'first placements',
            () => has(ns, 'enp1s0', '172.30.250.53/24') && has(ns, 'kube-lb0', '172.31.1.5/32'),
            WAIT_MS,
          );
          volume.update({
            'manifests.yaml': manifests([
              { name: 'web', ip: '172.30.250.53' },
              { name: 'db', ip: '172.31.1.7' },
            ]),
          });
          await agent.until(
            'db placed, api withdrawn',
            () => has(ns, 'kube-lb0', '172.31.1.7/32') && !has(ns, 'kube-lb0', '172.31.1.5/32'),
            WAIT_MS,
          );
          assert.ok(has(ns, 'enp1s0', '172.30.250.53/24'), 'the unchanged Service keeps its address');
          await agent.until('the withdrawal logged', () =>
            agent.logs.some((l) => l.msg.startsWith('address withdrawn') && l.ip === '172.31.1.5'),
          );
        } finally {
          await agent.stop('SIGKILL');
        }
      });
    } finally {
      volume.remove();
    }
  });
});
