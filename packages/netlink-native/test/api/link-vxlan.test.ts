// vxlan links with many options, made through links.create (and a few through `ip` for the options
// it does not make), read back with their IFLA_INFO_DATA decoded and checked field by field against
// what `ip -j -d link show` (iproute2 6.1) prints for the same kernel reply; in dumps, gets and
// monitor events alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Link, type MonitorEvent, NetlinkError } from '../../src/index.ts';
import { addressedVethPair, ip, ipJson, needsNetns, rejectsEach, withHandle } from './support.ts';
import { VXLAN_MANY_OPTIONS, vxlanAsIpJson } from './vxlan-ip-json.ts';

interface IpVxlanLink {
  ifname: string;
  ifindex: number;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
}

/** Every vxlan link's decoded data matches `ip -j -d link show`, key for key. */
function checkAgainstIp(ns: string, links: Link[]): void {
  const names = new Map(links.map((l) => [l.index, l.name]));
  const shown = ipJson<IpVxlanLink[]>(ns, '-d', 'link', 'show').filter(
    (l) => l.linkinfo?.info_kind === 'vxlan',
  );
  assert.ok(shown.length > 0);
  for (const s of shown) {
    const ours = links.find((l) => l.index === s.ifindex);
    assert.ok(ours?.vxlan, `${s.ifname} decoded`);
    assert.deepEqual(vxlanAsIpJson(ours.vxlan, names), s.linkinfo?.info_data, s.ifname);
  }
}

test(
  'vxlan options made by links.create read back decoded, key for key as `ip -j -d` shows them',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      addressedVethPair(ns);
      const v0 = (await nl.links.get('v0')).index;
      await nl.links.create({
        name: 'vxa',
        kind: 'vxlan',
        vxlan: { ...VXLAN_MANY_OPTIONS, id: 42, device: 'v0' },
      });
      await nl.links.create({
        name: 'vxb',
        kind: 'vxlan',
        vxlan: {
          id: 200,
          device: v0,
          local: '2001:db8::1',
          group: 'ff05::100',
          port: 4789,
          ttl: 'inherit',
          tos: 'inherit',
          udp6ZeroChecksumTx: true,
          label: 0x12345,
          df: 'inherit',
        },
      });
      await nl.links.create({
        name: 'vxc',
        kind: 'vxlan',
        vxlan: { external: true, vnifilter: true, port: 4790 },
      });
      await nl.links.create({
        name: 'vxd',
        kind: 'vxlan',
        vxlan: { id: 300, group: '2001:db8::2', local: '2001:db8::1', port: 4789, rsc: true, ageing: 0 },
      });
      const a = (await nl.links.get('vxa')).vxlan;
      assert.deepEqual(
        [a?.id, a?.group, a?.local, a?.link, a?.port, a?.learning, a?.ttl, a?.tos, a?.ageing, a?.limit],
        [42, '10.0.0.2', '10.0.0.1', v0, 4789, false, 64, 0x10, 120, 100],
      );
      assert.deepEqual(a?.sourcePortRange, { low: 40000, high: 50000 });
      assert.deepEqual(
        [a?.proxy, a?.rsc, a?.l2miss, a?.l3miss, a?.udpChecksum, a?.gbp, a?.df, a?.external],
        [true, false, true, true, false, true, 'set', false],
      );
      const b = (await nl.links.get('vxb')).vxlan;
      assert.deepEqual(
        [b?.group, b?.local, b?.ttlInherit, b?.tos, b?.label, b?.df, b?.udp6ZeroChecksumTx],
        ['ff05::100', '2001:db8::1', true, 1, 0x12345, 'inherit', true],
      );
      const c = (await nl.links.get('vxc')).vxlan;
      assert.deepEqual([c?.external, c?.vnifilter, c?.learning, c?.id], [true, true, false, 0]);
      const d = (await nl.links.get('vxd')).vxlan;
      // ageing 0 at creation is the kernel's default, 300 s (vxlan_config_apply)
      assert.deepEqual([d?.group, d?.rsc, d?.ageing, d?.learning], ['2001:db8::2', true, 300, true]);
      // what `ip` does not print: this kernel (6.18) sends LOCALBYPASS on and LABEL_POLICY 0 (fixed)
      assert.deepEqual([a?.localBypass, a?.labelPolicy, a?.vnifilter], [true, 0, undefined]);
      checkAgainstIp(ns, await nl.links.list());
    }),
);

test(
  'vxlan options only `ip` makes here (remcsum, gpe, group with dev) decode as `ip -j -d` shows them',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      addressedVethPair(ns);
      ip(
        ns,
        ...'link add vxe type vxlan id 9 group 239.1.1.1 dev v0 dstport 4791 remcsumtx remcsumrx'.split(' '),
      );
      ip(ns, 'link', 'add', 'vxf', 'type', 'vxlan', 'external', 'dstport', '4792', 'gpe', 'nolearning');
      ip(
        ns,
        'link',
        'add',
        'vxg',
        'type',
        'vxlan',
        'id',
        '10',
        'dstport',
        '4793',
        'udp6zerocsumrx',
        'ttl',
        'auto',
      );
      const e = (await nl.links.get('vxe')).vxlan;
      assert.deepEqual(
        [e?.group, e?.remoteChecksumTx, e?.remoteChecksumRx, e?.gpe],
        ['239.1.1.1', true, true, false],
      );
      const f = (await nl.links.get('vxf')).vxlan;
      assert.deepEqual([f?.gpe, f?.external, f?.port], [true, true, 4792]);
      const g = (await nl.links.get('vxg')).vxlan;
      assert.deepEqual([g?.udp6ZeroChecksumRx, g?.ttl, g?.group, g?.local], [true, 0, undefined, undefined]);
      checkAgainstIp(ns, await nl.links.list());
    }),
);

test('links.set changes what the kernel lets change on a vxlan; `ip` sees it', needsNetns, () =>
  withHandle(async (nl, ns) => {
    addressedVethPair(ns);
    await nl.links.create({
      name: 'vx0',
      kind: 'vxlan',
      vxlan: { id: 5, group: '10.0.0.2', device: 'v0', port: 4789 },
    });
    await nl.links.set('vx0', {
      vxlan: {
        device: 'v1',
        ttl: 9,
        tos: 0x20,
        df: 'set',
        ageing: 600,
        learning: false,
        group: '10.0.1.3',
        local: '10.0.1.1',
      },
    });
    const v = (await nl.links.get('vx0')).vxlan;
    const v1 = (await nl.links.get('v1')).index;
    assert.deepEqual(
      [v?.link, v?.ttl, v?.tos, v?.df, v?.ageing, v?.learning, v?.group, v?.local, v?.id, v?.port],
      [v1, 9, 0x20, 'set', 600, false, '10.0.1.3', '10.0.1.1', 5, 4789],
    );
    checkAgainstIp(ns, await nl.links.list());
    // fixed at creation: refused before sending
    await assert.rejects(
      nl.links.set('vx0', { vxlan: { port: 4790 } as never }),
      /vxlan port cannot change after creation/,
    );
    // the kernel's own refusal: a flow label on an IPv4 vxlan
    await assert.rejects(
      nl.links.set('vx0', { vxlan: { label: 5 } }),
      (e: unknown) =>
        e instanceof NetlinkError &&
        e.operation === 'link set vx0 type vxlan label' &&
        /IPv6/.test(e.extAck?.message ?? ''),
    );
  }),
);

test('a link monitor event carries the new vxlan decoded', needsNetns, () =>
  withHandle(async (nl) => {
    const monitor = nl.monitor({ groups: ['link'] });
    try {
      const seen = new Promise<MonitorEvent>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no link event for vx0')), 2000);
        monitor.on('change', (e) => {
          if (e.type === 'link' && e.action === 'new' && e.link.name === 'vx0') {
            clearTimeout(timer);
            resolve(e);
          }
        });
      });
      await nl.links.create({
        name: 'vx0',
        kind: 'vxlan',
        vxlan: { id: 77, port: 4789, ttl: 9, l2miss: true },
      });
      const e = await seen;
      assert.ok(e.type === 'link');
      assert.deepEqual([e.link.vxlan?.id, e.link.vxlan?.ttl, e.link.vxlan?.l2miss], [77, 9, true]);
    } finally {
      monitor.close();
    }
  }),
);

test('bad vxlan options are refused before anything is sent', needsNetns, () =>
  withHandle(async (nl) => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ id: 1, ttl: 256 }, /vxlan ttl must be 0-255/],
      [{ id: 1, tos: 'x' }, /vxlan tos must be 0-255/],
      [{ id: 1, df: 'maybe' }, /vxlan df must be one of unset, set, inherit/],
      [{ id: 1, label: 0x100000 }, /vxlan label must be 0-1048575/],
      [{ id: 1, sourcePortRange: { low: 2, high: 1 } }, /backwards/],
      [{ id: 1, external: true }, /either an id or external/],
      [{ id: 1, vnifilter: true }, /vnifilter needs external/],
      [{}, /needs vxlan: \{ id \} \(or external: true\)/],
      [{ id: 1, proxy: 'yes' }, /vxlan proxy must be true or false/],
      [{ id: 1, nope: true }, /unknown vxlan option nope/],
    ];
    await rejectsEach((vxlan) => nl.links.create({ name: 'vx0', kind: 'vxlan', vxlan: vxlan as never }), bad);
    assert.equal(await nl.links.find('vx0'), undefined);
  }),
);
