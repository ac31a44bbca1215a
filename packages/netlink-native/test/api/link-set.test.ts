// links.set of several attributes in one request, checked with `ip`, and a port made and
// configured in one call (IFLA_MASTER first, then the port's own request).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ipJson, needsNetns, withHandle } from './support.ts';

interface IpSetLink {
  ifname: string;
  mtu: number;
  address: string;
  txqlen: number;
  master?: string;
  linkinfo?: { info_slave_data?: { cost?: number; isolated?: boolean } };
}

const ipLink = (ns: string, name: string): IpSetLink | undefined =>
  ipJson<IpSetLink[]>(ns, '-d', 'link', 'show', 'dev', name)[0];

test('links.set renames and sets MTU, MAC and txqueuelen in one request; `ip` sees each', needsNetns, () =>
  withHandle(async (nl, ns) => {
    await nl.links.create({ name: 'v0', kind: 'veth', peer: 'v1', txQueueLength: 300 });
    assert.equal(ipLink(ns, 'v0')?.txqlen, 300, 'txQueueLength at creation');
    const { index } = await nl.links.get('v0');
    await nl.links.set('v0', { name: 'uplink', mtu: 1280, mac: '02:00:00:00:00:42', txQueueLength: 2000 });
    const shown = ipLink(ns, 'uplink');
    assert.deepEqual([shown?.mtu, shown?.address, shown?.txqlen], [1280, '02:00:00:00:00:42', 2000]);
    const ours = await nl.links.get(index);
    assert.deepEqual(
      [ours.name, ours.mtu, ours.mac, ours.txQueueLength],
      ['uplink', 1280, '02:00:00:00:00:42', 2000],
    );
    await assert.rejects(nl.links.set(index, { txQueueLength: -1 }), RangeError);
  }),
);

test(
  'links.set master and bridgePort in one call: enslaved first, then the port configured',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      await nl.links.create({ name: 'b0', kind: 'bridge' });
      await nl.links.create({ name: 'v0', kind: 'veth', peer: 'v1' });
      await nl.links.set('v0', { master: 'b0', bridgePort: { cost: 42, isolated: true } });
      const shown = ipLink(ns, 'v0');
      assert.equal(shown?.master, 'b0');
      assert.deepEqual(
        [shown?.linkinfo?.info_slave_data?.cost, shown?.linkinfo?.info_slave_data?.isolated],
        [42, true],
      );
      const port = (await nl.links.get('v0')).bridgePort;
      assert.deepEqual([port?.cost, port?.isolated], [42, true]);
    }),
);
