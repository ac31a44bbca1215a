// When the LBNodeAgent asks for it (garpConfig), a local address this node adds is announced with a
// gratuitous ARP on its interface: captured on the veth peer, from the interface's MAC, for the IP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureFrames } from '../../../test/support/capture.ts';
import { ip, netnsUnavailableReason, withNetns } from '../../../test/support/netns.ts';
import { ManifestFile, runOnce, seedShapedNode } from './support/agent-process.ts';
import { group, manifests } from './support/manifests.ts';

const skip = netnsUnavailableReason();

const agentWithGarp = {
  apiVersion: 'purelb.io/v2',
  kind: 'LBNodeAgent',
  metadata: { name: 'default', namespace: 'purelb' },
  spec: { local: { garpConfig: { enabled: true, count: 1, initialDelay: '10ms', verifyBeforeSend: true } } },
};

const v4 = (b: Buffer) => [...b].join('.');

describe('GARP on takeover', { skip }, () => {
  it('announces a newly added local address (ARP request and reply from enp1s0) and not the virtual ones', async () => {
    const config = [
      agentWithGarp,
      group('default', 'local', '172.30.250.50-172.30.250.60', '172.30.250.0/24', 'default'),
      group('remote32', 'remote', '172.31.1.0/24', '172.31.0.0/16', '/32'),
    ];
    const file = new ManifestFile(
      manifests(
        [
          { name: 'web', ip: '172.30.250.53' },
          { name: 'api', ip: '172.31.1.5' },
        ],
        config,
      ),
    );
    try {
      await withNetns(async (ns) => {
        seedShapedNode(ns);
        const mac = (JSON.parse(ip(ns, '-j', 'link', 'show', 'enp1s0')) as { address: string }[])[0]?.address;
        // ARP with a sender IP: the announcements (the probes before the claim carry 0.0.0.0).
        const cap = captureFrames(ns, 'uplink0', 2, 'f[12:14].hex() == "0806" and f[28:32] != bytes(4)');
        await cap.ready;
        const r = await runOnce(ns, file.path);
        assert.equal(r.code, 0, r.stderr);
        const frames = await cap.frames;
        for (const f of frames) {
          assert.equal([...f.subarray(6, 12)].map((x) => x.toString(16).padStart(2, '0')).join(':'), mac);
          assert.equal(v4(f.subarray(28, 32)), '172.30.250.53', 'sender IP');
          assert.equal(v4(f.subarray(38, 42)), '172.30.250.53', 'target IP');
        }
        assert.deepEqual(
          frames.map((f) => f.readUInt16BE(20)),
          [1, 2],
          'an ARP request then an ARP reply',
        );
        const sent = r.logs.filter((l) => l.msg === 'gratuitous ARP sent');
        assert.deepEqual(
          sent.map((l) => [l.ip, l.interface]),
          [['172.30.250.53', 'enp1s0']],
        );
      });
    } finally {
      file.remove();
    }
  });
});
