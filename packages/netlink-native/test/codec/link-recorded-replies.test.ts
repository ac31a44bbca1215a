// A link dump recorded from kernel 6.18 (scripts/record-replies.ts, scenario link-kinds): vxlan
// devices with many options and a source-mode macvlan, decoded and checked against `ip -j -d link
// show` of the same namespace, stored beside the bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeLink, NLMSG_DONE, RTM_NEWLINK } from '../../src/codec/index.ts';
import type { Link } from '../../src/types.ts';
import { vxlanAsIpJson } from '../api/vxlan-ip-json.ts';
import { findStep, loadScenario, stepMessages } from './fixtures.ts';

interface IpDetailedLink {
  ifname: string;
  ifindex: number;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
}

const scenario = loadScenario('link-kinds');
const shown = scenario.ipJson['ip -j -d link show'] as IpDetailedLink[];

function dump(): Link[] {
  const msgs = stepMessages(findStep(scenario, 'encodeGetLink({ dump'));
  assert.equal(msgs.at(-1)?.type, NLMSG_DONE);
  return msgs.filter((m) => m.type === RTM_NEWLINK).map(decodeLink);
}

test("every recorded vxlan decodes to what `ip -j -d` read from the same kernel's reply", () => {
  const links = dump();
  const names = new Map(links.map((l) => [l.index, l.name]));
  const vxlans = shown.filter((l) => l.linkinfo?.info_kind === 'vxlan');
  assert.equal(vxlans.length, 5);
  for (const s of vxlans) {
    const ours = links.find((l) => l.index === s.ifindex)?.vxlan;
    assert.ok(ours, s.ifname);
    assert.deepEqual(vxlanAsIpJson(ours, names), s.linkinfo?.info_data, s.ifname);
  }
});

test('the recorded vxlan with most options decodes exactly, the attributes `ip` does not print too', () => {
  const vxa = dump().find((l) => l.name === 'vxa');
  assert.deepEqual(vxa?.vxlan, {
    id: 42,
    group: '10.0.0.2',
    local: '10.0.0.1',
    link: scenario.ifindex.v0,
    ttl: 64,
    ttlInherit: false,
    tos: 0x10,
    df: 'set',
    label: 0,
    labelPolicy: 0,
    learning: false,
    proxy: true,
    rsc: false,
    l2miss: true,
    l3miss: true,
    external: false,
    ageing: 120,
    limit: 100,
    port: 4789,
    sourcePortRange: { low: 40000, high: 50000 },
    udpChecksum: false,
    udp6ZeroChecksumTx: false,
    udp6ZeroChecksumRx: false,
    remoteChecksumTx: false,
    remoteChecksumRx: false,
    remoteChecksumNoPartial: false,
    gbp: true,
    gpe: false,
    vnifilter: undefined,
    localBypass: true,
    mcRoute: undefined,
    // the header bits still reserved on receive: GBP takes the policy bits (and some flags)
    reservedBits: { flags: 0x77000000, vni: 0xff },
  });
  // without extensions every bit but I (0x08000000) is reserved; remote checksum offload takes its
  // RCO flag (0x00200000) and the VNI word's low byte
  const reserved = (name: string) => dump().find((l) => l.name === name)?.vxlan?.reservedBits;
  assert.deepEqual(reserved('vxb'), { flags: 0xf7ffffff, vni: 0xff });
  assert.deepEqual(reserved('vxe'), { flags: 0xf7dfffff, vni: 0 });
  const b = dump().find((l) => l.name === 'vxb')?.vxlan;
  assert.deepEqual(
    [b?.ttlInherit, b?.tos, b?.label, b?.df, b?.group, b?.local],
    [true, 1, 0x12345, 'inherit', 'ff05::100', '2001:db8::1'],
  );
});

test('the recorded source-mode macvlan decodes its MAC list in the order `ip` printed it', () => {
  const mv = dump().find((l) => l.name === 'mv0')?.macvlan;
  const ipData = shown.find((l) => l.ifname === 'mv0')?.linkinfo?.info_data;
  assert.equal(mv?.mode, 'source');
  assert.equal(mv?.sourceMacCount, 2);
  assert.deepEqual(mv?.sourceMacs, ipData?.macaddr_data);
  assert.deepEqual([...(mv?.sourceMacs ?? [])].sort(), ['02:00:00:00:00:21', '02:00:00:00:00:22']);
  assert.deepEqual(
    [mv?.broadcastQueueLength, mv?.broadcastQueueLengthUsed],
    [ipData?.bcqueuelen, ipData?.usedbcqueuelen],
  );
});
