// links.create of vlan, macvlan, ipvlan, vxlan and bridge links on a veth parent, each read back
// with its decoded IFLA_INFO_DATA and checked against `ip -d -j link show`. vlan and ipvlan are
// capabilities: this kernel has neither driver, so those tests accept a clean EOPNOTSUPP
// ("Unknown device type") where the kernel lacks them and check the link where it has them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Netlink, NetlinkError } from '../../src/index.ts';
import { ipJson, needsNetns, withHandle } from './support.ts';

interface IpDetailedLink {
  ifname: string;
  ifindex: number;
  link?: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
}

/** `ip -d -j link show dev NAME` → its linkinfo.info_data. */
function ipInfoData(ns: string, name: string): Record<string, unknown> | undefined {
  return ipJson<IpDetailedLink[]>(ns, '-d', 'link', 'show', 'dev', name)[0]?.linkinfo?.info_data;
}

/** Runs `create`; true when the link was made, false when the kernel has no such driver. */
async function createIfSupported(create: () => Promise<void>): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (e) {
    assert.ok(e instanceof NetlinkError, `unexpected error ${String(e)}`);
    assert.equal(e.code, 'EOPNOTSUPP');
    assert.equal(e.extAck?.message, 'Unknown device type');
    return false;
  }
}

async function vethParent(nl: Netlink): Promise<number> {
  await nl.links.create({ name: 'v0', kind: 'veth', peer: 'v1' });
  return (await nl.links.get('v0')).index;
}

test('macvlan in every mode on a veth parent reads back its mode and parent, as `ip` shows', needsNetns, () =>
  withHandle(async (nl, ns) => {
    const parent = await vethParent(nl);
    const modes = ['private', 'vepa', 'bridge', 'source'] as const;
    for (const [i, mode] of modes.entries()) {
      await nl.links.create({ name: `mv${i}`, kind: 'macvlan', parent: 'v0', macvlan: { mode } });
      const mv = await nl.links.get(`mv${i}`);
      assert.equal(mv.kind, 'macvlan');
      assert.equal(mv.parent, parent);
      assert.equal(mv.macvlan?.mode, mode);
      assert.equal(ipInfoData(ns, `mv${i}`)?.mode, mode);
    }
    // passthru takes the whole parent: only on one without other macvlans
    await nl.links.create({ name: 'w0', kind: 'veth', peer: 'w1' });
    await nl.links.create({ name: 'mvp', kind: 'macvlan', parent: 'w0', macvlan: { mode: 'passthru' } });
    assert.equal((await nl.links.get('mvp')).macvlan?.mode, 'passthru');
    assert.equal(ipInfoData(ns, 'mvp')?.mode, 'passthru');
  }),
);

test('a macvlan without a parent is a TypeError and nothing is created', needsNetns, () =>
  withHandle(async (nl) => {
    await assert.rejects(nl.links.create({ name: 'mv0', kind: 'macvlan' }), TypeError);
    await assert.rejects(
      nl.links.create({ name: 'mv0', kind: 'macvlan', parent: 'v0', macvlan: { mode: 'nope' as 'vepa' } }),
      (e: unknown) => e instanceof RangeError && /unknown parent "v0"/.test(e.message),
    );
    await vethParent(nl);
    await assert.rejects(
      nl.links.create({ name: 'mv0', kind: 'macvlan', parent: 'v0', macvlan: { mode: 'nope' as 'vepa' } }),
      /macvlan mode must be one of private, vepa, bridge, passthru, source/,
    );
    await assert.rejects(nl.links.create({ name: 'i0', kind: 'ifb', parent: 'v0' }), /parent is for/);
    assert.equal(await nl.links.find('mv0'), undefined);
  }),
);

test('vlan 802.1Q and 802.1ad with flags on a veth parent, or EOPNOTSUPP without 8021q', needsNetns, () =>
  withHandle(async (nl, ns) => {
    const parent = await vethParent(nl);
    const made = await createIfSupported(() =>
      nl.links.create({ name: 'v0.10', kind: 'vlan', parent: 'v0', vlan: { id: 10 } }),
    );
    assert.equal(await nl.links.find('v0.10').then(Boolean), made, 'created exactly when accepted');
    if (!made) return;
    const q = await nl.links.get('v0.10');
    assert.equal(q.parent, parent);
    assert.deepEqual(
      [q.vlan?.id, q.vlan?.protocol, q.vlan?.flags?.reorderHdr],
      [10, '802.1Q', true], // the kernel's default flags: reorder_hdr on
    );
    await nl.links.create({
      name: 'v0.20',
      kind: 'vlan',
      parent: 'v0',
      vlan: { id: 20, protocol: '802.1ad', flags: { reorderHdr: false, looseBinding: true } },
    });
    const ad = await nl.links.get('v0.20');
    assert.deepEqual(ad.vlan, {
      id: 20,
      protocol: '802.1ad',
      flags: { reorderHdr: false, gvrp: false, looseBinding: true, mvrp: false, bridgeBinding: false },
      ingressQos: undefined,
      egressQos: undefined,
    });
    const shown = ipInfoData(ns, 'v0.20');
    assert.equal(shown?.protocol, '802.1ad');
    assert.equal(shown?.id, 20);
  }),
);

test('vlan with QoS maps reads them back as `ip` shows them, or EOPNOTSUPP without 8021q', needsNetns, () =>
  withHandle(async (nl, ns) => {
    await vethParent(nl);
    // vlan data on a link that is no vlan: EOPNOTSUPP, with or without 8021q
    await assert.rejects(
      nl.links.set('v0', { vlan: { ingressQos: [{ from: 1, to: 2 }] } }),
      (e: unknown) =>
        e instanceof NetlinkError &&
        e.code === 'EOPNOTSUPP' &&
        e.operation === 'link set v0 type vlan ingressQos',
    );
    const made = await createIfSupported(() =>
      nl.links.create({
        name: 'v0.30',
        kind: 'vlan',
        parent: 'v0',
        vlan: { id: 30, ingressQos: [{ from: 1, to: 2 }], egressQos: [{ from: 3, to: 4 }] },
      }),
    );
    assert.equal(await nl.links.find('v0.30').then(Boolean), made, 'created exactly when accepted');
    if (!made) return;
    const v = (await nl.links.get('v0.30')).vlan;
    assert.deepEqual([v?.ingressQos, v?.egressQos], [[{ from: 1, to: 2 }], [{ from: 3, to: 4 }]]);
    const shown = ipInfoData(ns, 'v0.30');
    assert.deepEqual([shown?.ingress_qos, shown?.egress_qos], [v?.ingressQos, v?.egressQos]);
    await nl.links.set('v0.30', {
      vlan: { ingressQos: [{ from: 5, to: 6 }], egressQos: [{ from: 3, to: 0 }] },
    });
    const changed = (await nl.links.get('v0.30')).vlan;
    // mappings add up; an egress mapping to 0 clears that entry
    assert.deepEqual(changed?.ingressQos, [
      { from: 1, to: 2 },
      { from: 5, to: 6 },
    ]);
    assert.deepEqual(changed?.egressQos ?? [], []);
  }),
);

test('ipvlan l2/l3/l3s with isolation on a veth parent, or EOPNOTSUPP without ipvlan', needsNetns, () =>
  withHandle(async (nl, ns) => {
    const parent = await vethParent(nl);
    const made = await createIfSupported(() =>
      nl.links.create({ name: 'iv0', kind: 'ipvlan', parent: 'v0', ipvlan: { mode: 'l3s' } }),
    );
    assert.equal(await nl.links.find('iv0').then(Boolean), made, 'created exactly when accepted');
    if (!made) return;
    const l3s = await nl.links.get('iv0');
    assert.equal(l3s.parent, parent);
    assert.deepEqual(l3s.ipvlan, { mode: 'l3s', isolation: 'bridge' });
    await nl.links.create({
      name: 'iv1',
      kind: 'ipvlan',
      parent: 'v0',
      ipvlan: { mode: 'l2', isolation: 'vepa' },
    });
    assert.deepEqual((await nl.links.get('iv1')).ipvlan, { mode: 'l2', isolation: 'vepa' });
    assert.equal(ipInfoData(ns, 'iv1')?.mode, 'l2');
  }),
);

test('vxlan through links.create on a veth underlay: VNI, port and device as `ip` shows', needsNetns, () =>
  withHandle(async (nl, ns) => {
    await vethParent(nl);
    await nl.links.create({
      name: 'vx0',
      kind: 'vxlan',
      vxlan: { id: 42, group: '10.0.0.2', device: 'v0', port: 4789, learning: false },
      mtu: 1450,
    });
    const vx = await nl.links.get('vx0');
    assert.equal(vx.kind, 'vxlan');
    assert.equal(vx.mtu, 1450);
    const shown = ipInfoData(ns, 'vx0');
    assert.equal(shown?.id, 42);
    assert.equal(shown?.port, 4789);
    assert.equal(shown?.remote, '10.0.0.2');
    assert.equal(shown?.learning, false);
    assert.equal(shown?.link, 'v0');
    await assert.rejects(nl.links.create({ name: 'vx1', kind: 'vxlan' }), /a vxlan needs vxlan: \{ id \}/);
  }),
);

test(
  'bridge created with STP, timers and priority reads them back in seconds, as `ip` shows',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      await nl.links.create({
        name: 'b0',
        kind: 'bridge',
        bridge: { stp: true, forwardDelay: 4, helloTime: 3, maxAge: 15, ageingTime: 60, priority: 4096 },
      });
      const b = await nl.links.get('b0');
      assert.equal(b.kind, 'bridge');
      assert.equal(b.bridge?.stp, true);
      assert.equal(b.bridge?.forwardDelay, 4);
      assert.equal(b.bridge?.helloTime, 3);
      assert.equal(b.bridge?.maxAge, 15);
      assert.equal(b.bridge?.ageingTime, 60);
      assert.equal(b.bridge?.priority, 4096);
      assert.equal(b.bridge?.vlanFiltering, false);
      assert.equal(b.bridge?.multicastSnooping, true);
      const shown = ipInfoData(ns, 'b0');
      assert.deepEqual(
        [
          shown?.stp_state,
          shown?.forward_delay,
          shown?.hello_time,
          shown?.max_age,
          shown?.ageing_time,
          shown?.priority,
        ],
        [1, 400, 300, 1500, 6000, 4096], // iproute2 prints the clock_t values: hundredths
      );
    }),
);

test('links.set bridge options: STP off, ageing time; `ip` sees them', needsNetns, () =>
  withHandle(async (nl, ns) => {
    await nl.links.create({ name: 'b0', kind: 'bridge', bridge: { stp: true } });
    await nl.links.set('b0', { bridge: { ageingTime: 10, stp: false, priority: 100 } });
    const b = await nl.links.get('b0');
    assert.deepEqual([b.bridge?.ageingTime, b.bridge?.stp, b.bridge?.priority], [10, false, 100]);
    const shown = ipInfoData(ns, 'b0');
    assert.deepEqual([shown?.ageing_time, shown?.stp_state, shown?.priority], [1000, 0, 100]);
    await assert.rejects(nl.links.set('b0', { bridge: { forwardDelay: -1 } }), RangeError);
  }),
);

test(
  'bridge vlan filtering: on where the kernel has it, else EOPNOTSUPP and the bridge unchanged',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      await nl.links.create({ name: 'b0', kind: 'bridge' });
      let supported: boolean;
      try {
        await nl.links.set('b0', { bridge: { vlanFiltering: true } });
        supported = true;
      } catch (e) {
        assert.ok(e instanceof NetlinkError, `unexpected error ${String(e)}`);
        assert.equal(e.code, 'EOPNOTSUPP');
        assert.equal(e.operation, 'link set b0 type bridge vlanFiltering');
        supported = false;
      }
      assert.equal((await nl.links.get('b0')).bridge?.vlanFiltering, supported);
      assert.equal(ipInfoData(ns, 'b0')?.vlan_filtering, supported ? 1 : 0);
    }),
);
