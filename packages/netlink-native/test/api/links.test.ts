import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NetlinkError } from '../../src/index.ts';
import { ipLinks, needsNetns, withHandle } from './support.ts';

test('links.list matches `ip -j link show`: indexes, names, MACs, up flags', needsNetns, () =>
  withHandle(async (nl, ns) => {
    await nl.links.create({ name: 'v0', kind: 'veth', peer: 'v1' });
    const ours = await nl.links.list();
    assert.equal(ours.interrupted, false);
    const theirs = ipLinks(ns);
    assert.deepEqual(
      ours.map((l) => [l.index, l.name, l.mac, l.up]).sort(),
      theirs.map((l) => [l.ifindex, l.ifname, l.address, l.flags.includes('UP')]).sort(),
    );
  }),
);

test(
  'links.create makes ifb, bridge and a veth pair with the peer name; `ip` sees each kind',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      await nl.links.create({ name: 'kube-lb0', kind: 'ifb' });
      await nl.links.create({ name: 'br0', kind: 'bridge' });
      await nl.links.create({ name: 'va', kind: 'veth', peer: 'vb' });
      const byName = new Map(ipLinks(ns).map((l) => [l.ifname, l]));
      assert.equal(byName.get('kube-lb0')?.linkinfo?.info_kind, 'ifb');
      assert.equal(byName.get('br0')?.linkinfo?.info_kind, 'bridge');
      assert.equal(byName.get('va')?.linkinfo?.info_kind, 'veth');
      assert.equal(byName.get('vb')?.linkinfo?.info_kind, 'veth');
      assert.equal(byName.get('va')?.link, 'vb', 'va is paired with vb');
      const va = await nl.links.get('va');
      assert.equal(va.kind, 'veth');
      assert.equal(va.index, byName.get('va')?.ifindex);
    }),
);

test(
  'links.get by name and by index return the same link; a missing one is NetlinkError ENODEV',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      await nl.links.create({ name: 'kube-lb0', kind: 'ifb' });
      const byName = await nl.links.get('kube-lb0');
      const byIndex = await nl.links.get(byName.index);
      assert.equal(byIndex.name, 'kube-lb0');
      assert.equal(byName.index, ipLinks(ns).find((l) => l.ifname === 'kube-lb0')?.ifindex);
      await assert.rejects(
        nl.links.get('nope0'),
        (e: unknown) => e instanceof NetlinkError && e.code === 'ENODEV',
      );
      assert.equal(await nl.links.find('nope0'), undefined);
    }),
);

test('links.setUp / setDown / delete, each checked with `ip`', needsNetns, () =>
  withHandle(async (nl, ns) => {
    await nl.links.create({ name: 'v0', kind: 'veth', peer: 'v1' });
    const flags = (name: string) => ipLinks(ns).find((l) => l.ifname === name)?.flags ?? [];
    assert.ok(!flags('v0').includes('UP'));
    await nl.links.setUp('v0');
    assert.ok(flags('v0').includes('UP'));
    assert.equal((await nl.links.get('v0')).up, true);
    await nl.links.setDown('v0');
    assert.ok(!flags('v0').includes('UP'));
    await nl.links.delete('v0');
    const names = ipLinks(ns).map((l) => l.ifname);
    assert.ok(!names.includes('v0') && !names.includes('v1'), 'deleting one end removes the pair');
  }),
);

test('links.create of an existing name is NetlinkError EEXIST naming the operation', needsNetns, () =>
  withHandle(async (nl) => {
    await nl.links.create({ name: 'kube-lb0', kind: 'ifb' });
    await assert.rejects(nl.links.create({ name: 'kube-lb0', kind: 'ifb' }), (e: unknown) => {
      assert.ok(e instanceof NetlinkError);
      assert.equal(e.code, 'EEXIST');
      assert.equal(e.errno, 17);
      assert.equal(e.operation, 'link add kube-lb0 type ifb');
      return true;
    });
  }),
);

test(
  'dummy creation is a capability: it works, or fails with EOPNOTSUPP and ext-ack "Unknown device type"',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      let outcome: 'created' | 'unsupported';
      try {
        await nl.links.create({ name: 'd0', kind: 'dummy' });
        outcome = 'created';
      } catch (e) {
        assert.ok(e instanceof NetlinkError, `unexpected error ${String(e)}`);
        assert.equal(e.code, 'EOPNOTSUPP');
        assert.equal(e.errno, 95);
        assert.equal(e.extAck?.message, 'Unknown device type');
        outcome = 'unsupported';
      }
      const present = ipLinks(ns).some((l) => l.ifname === 'd0' && l.linkinfo?.info_kind === 'dummy');
      assert.equal(present, outcome === 'created', 'exactly one of: created (and visible) or refused');
    }),
);

test(
  'links.set alias writes IFLA_IFALIAS, as `ip link set ... alias`, and reads back; "" clears it',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      await nl.links.create({ name: 'kube-lb0', kind: 'ifb' });
      await nl.links.set('kube-lb0', { alias: 'purelb virtual interface' });
      assert.equal((await nl.links.get('kube-lb0')).alias, 'purelb virtual interface');
      const shown = ipLinks(ns).find((l) => l.ifname === 'kube-lb0') as { ifalias?: string } | undefined;
      assert.equal(shown?.ifalias, 'purelb virtual interface');
      await nl.links.set('kube-lb0', { alias: '' });
      assert.equal((await nl.links.get('kube-lb0')).alias, undefined);
      await assert.rejects(nl.links.set('kube-lb0', { alias: 'x'.repeat(256) }), /at most 255 bytes/);
    }),
);
