// The agent never claims an address its node or segment already uses: not the node's own addresses,
// not a gateway, not a subnet's network or broadcast address, and not an address another host answers
// for when probed. Each refusal is an error naming the address and the collision, and the diagnosis
// says so too (never suggesting to delete the node's own address).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ip, netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { diagnoseJson, findingBriefs, standaloneArgs } from '../diagnose/support.ts';
import { runOnce } from '../support/agent-process.ts';
import { group, manifests, seedGroups } from '../support/manifests.ts';
import { addressesOf, withFile, withSegment } from './support.ts';

const skip = netnsUnavailableReason();

/** The seed's configuration with a local pool holding the whole LAN, its gateway and reserved ends included. */
const withLanPool = () => [
  seedGroups()[0]!,
  group('default', 'local', '172.30.250.0/24', '172.30.250.0/24', 'default'),
  ...seedGroups().slice(2),
];

describe('the agent never claims what the segment already uses', { skip }, () => {
  it('a pool holding the gateway, network and broadcast: none of them is added to enp1s0, each error says why', async () => {
    const services = ['172.30.250.1', '172.30.250.0', '172.30.250.255', '172.30.250.57'].map((ipText, i) => ({
      name: `s${i}`,
      ip: ipText,
    }));
    await withFile(manifests(services, withLanPool()), async (file) => {
      await withNetns(async (ns) => {
        await withSegment(ns, async () => {
          const r = await runOnce(ns, file.path);
          assert.equal(r.code, 0, r.stderr);
          assert.deepEqual(
            addressesOf(ns).filter((a) => a.endsWith('enp1s0')),
            ['172.30.250.104/24 enp1s0', '172.30.250.57/24 enp1s0'],
          );
          const refused = r.logs.filter((l) => l.level === 'error').map((l) => [l.ip, l.code]);
          assert.deepEqual(refused.sort(), [
            ['172.30.250.0', 'reserved-address'],
            ['172.30.250.1', 'reserved-address'],
            ['172.30.250.255', 'reserved-address'],
          ]);
          const { report } = await diagnoseJson(standaloneArgs(ns, file.path));
          // The node's own .104 lies in that pool too: worth a warning before someone is given it.
          assert.deepEqual(findingBriefs(report).sort(), [
            'pool-address-in-use warning 172.30.250.104',
            'reserved-address error 172.30.250.0',
            'reserved-address error 172.30.250.1',
            'reserved-address error 172.30.250.255',
          ]);
        });
      });
    });
  });

  it('another host answering the ARP probe: the address is not claimed, --once exits 1, diagnose names the MAC', async () => {
    await withFile(
      manifests([
        { name: 'web', ip: '172.30.250.56' },
        { name: 'api', ip: '172.30.250.57' },
      ]),
      async (file) => {
        await withNetns(async (ns) => {
          await withSegment(ns, async (lan) => {
            ip(lan, 'addr', 'add', '172.30.250.56/24', 'dev', 'uplink0');
            const mac = (JSON.parse(ip(lan, '-j', 'link', 'show', 'uplink0')) as { address: string }[])[0]!
              .address;
            const r = await runOnce(ns, file.path);
            assert.equal(r.code, 1, 'a conflict is not success');
            assert.match(r.stderr, /172\.30\.250\.56 is not claimed: ARP reply from/);
            const held = addressesOf(ns).filter((a) => a.endsWith('enp1s0'));
            assert.deepEqual(held, ['172.30.250.104/24 enp1s0', '172.30.250.57/24 enp1s0']);
            const err = r.logs.find((l) => l.level === 'error' && l.ip === '172.30.250.56');
            assert.equal(err?.code, 'address-conflict');
            assert.match(String(err?.reason), new RegExp(`ARP reply from ${mac} on enp1s0`));
            const { report } = await diagnoseJson(standaloneArgs(ns, file.path));
            assert.deepEqual(findingBriefs(report), ['address-conflict error 172.30.250.56']);
            assert.match(report.findings[0]!.message, new RegExp(mac));
          });
        });
      },
    );
  });

  it("kube-proxy's IPVS mode binds the Service IPs on kube-ipvs0 (NOARP): the agent still places them, and diagnose is healthy", async () => {
    await withFile(
      manifests([
        { name: 'web', ip: '172.30.250.53' },
        { name: 'api', ip: '172.31.1.5' },
      ]),
      async (file) => {
        await withNetns(async (ns) => {
          await withSegment(ns, async () => {
            // kube-proxy makes a dummy; this kernel has none, and an ifb is NOARP too.
            ip(ns, 'link', 'add', 'kube-ipvs0', 'type', 'ifb');
            ip(ns, 'addr', 'add', '172.30.250.53/32', 'dev', 'kube-ipvs0');
            ip(ns, 'addr', 'add', '172.31.1.5/32', 'dev', 'kube-ipvs0');
            const r = await runOnce(ns, file.path);
            assert.equal(r.code, 0, r.stderr);
            assert.ok(addressesOf(ns).includes('172.30.250.53/24 enp1s0'));
            assert.ok(addressesOf(ns).includes('172.31.1.5/32 kube-lb0'));
            const { run } = await diagnoseJson(standaloneArgs(ns, file.path));
            assert.equal(run.code, 0, run.stdout);
          });
        });
      },
    );
  });

  it('a pool address someone added by hand on enp1s0 is kept, and the diagnosis says who holds it', async () => {
    await withFile(manifests([{ name: 'web', ip: '172.30.250.53' }]), async (file) => {
      await withNetns(async (ns) => {
        await withSegment(ns, async () => {
          ip(ns, 'addr', 'add', '172.30.250.56/24', 'dev', 'enp1s0');
          const r = await runOnce(ns, file.path);
          assert.equal(r.code, 0, r.stderr);
          assert.ok(addressesOf(ns).includes('172.30.250.56/24 enp1s0'));
          const { run, report } = await diagnoseJson(standaloneArgs(ns, file.path));
          assert.equal(run.code, 1);
          assert.deepEqual(findingBriefs(report), ['pool-address-in-use warning 172.30.250.56']);
          assert.match(report.findings[0]!.message, /someone else holds a pool address here/);
        });
      });
    });
  });

  it("a Service given the node's own address: refused, and no fix ever says to delete the node's primary address", async () => {
    const config = [
      seedGroups()[0]!,
      group('default', 'local', '172.30.250.100-172.30.250.110', '172.30.250.0/24', 'default'),
    ];
    await withFile(manifests([{ name: 'web', ip: '172.30.250.104' }], config), async (file) => {
      await withNetns(async (ns) => {
        await withSegment(ns, async () => {
          const r = await runOnce(ns, file.path);
          assert.equal(r.code, 0, r.stderr);
          assert.equal(r.logs.find((l) => l.level === 'error')?.code, 'address-in-use');
          assert.ok(addressesOf(ns).includes('172.30.250.104/24 enp1s0'));
          const { report } = await diagnoseJson(standaloneArgs(ns, file.path));
          for (const f of report.findings) assert.doesNotMatch(f.fix, /ip addr del 172\.30\.250\.104/);
          assert.match(
            report.findings.find((f) => f.code === 'address-in-use')!.fix,
            /this node's own address/,
          );
        });
      });
    });
  });
});
