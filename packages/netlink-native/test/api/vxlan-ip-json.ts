// What `ip -j -d link show` (iproute2 6.1) prints as a vxlan's info_data, built from a decoded
// VxlanInfo: the tests compare it with iproute2's own reading of the same kernel reply. Also the
// many-option vxlan of the link-add-vxlan-options golden vector, which the namespace test creates.
import type { VxlanInfo } from '../../src/index.ts';
import type { VxlanSpec } from '../../src/types.ts';

/**
 * The options of the recorded `ip link add vx0 type vxlan dev v0 ttl 64 tos 0x10 ageing 120
 * maxaddress 100 srcport 40000 50000 proxy ... id 100 local 10.0.0.1 remote 10.0.0.2 nolearning
 * dstport 4789` (scripts/record-golden.ts) but its id and device, which each test gives.
 */
export const VXLAN_MANY_OPTIONS: Readonly<VxlanSpec> = {
  group: '10.0.0.2',
  local: '10.0.0.1',
  port: 4789,
  learning: false,
  ttl: 64,
  tos: 0x10,
  ageing: 120,
  limit: 100,
  sourcePortRange: { low: 40000, high: 50000 },
  proxy: true,
  l2miss: true,
  l3miss: true,
  udpChecksum: false,
  gbp: true,
  df: 'set',
};

const isMulticast = (a: string): boolean =>
  a.includes(':') ? a.toLowerCase().startsWith('ff') : (Number(a.split('.')[0]) & 0xf0) === 0xe0;

/** The addresses, as iproute2 names them: remote/group (v4), remote6/group6, local/local6. */
function addressKeys(v: VxlanInfo, o: Record<string, unknown>): void {
  if (v.group !== undefined && v.group !== '0.0.0.0' && v.group !== '::') {
    const key = isMulticast(v.group) ? 'group' : 'remote';
    o[v.group.includes(':') ? `${key}6` : key] = v.group;
  }
  if (v.local !== undefined && v.local !== '0.0.0.0' && v.local !== '::')
    o[v.local.includes(':') ? 'local6' : 'local'] = v.local;
}

/** The keys iproute2 6.1's vxlan_print_opt writes in JSON for what we decoded. */
export function vxlanAsIpJson(v: VxlanInfo, names: Map<number, string>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const hex = (n: number): string => `0x${n.toString(16)}`;
  if (v.external) o.external = true;
  if (v.vnifilter) o.vnifilter = true;
  if (v.id !== undefined) o.id = v.id;
  addressKeys(v, o);
  if (v.link) o.link = names.get(v.link);
  if (v.sourcePortRange !== undefined) o.port_range = v.sourcePortRange;
  if (v.port !== undefined) o.port = v.port;
  if (v.learning !== undefined) o.learning = v.learning;
  for (const k of ['proxy', 'rsc', 'l2miss', 'l3miss'] as const) if (v[k]) o[k] = true;
  if (v.tos) o.tos = hex(v.tos);
  if (!v.ttlInherit && v.ttl !== undefined) o.ttl = v.ttl;
  if (v.df !== undefined) o.df = v.df;
  if (v.label) o.label = hex(v.label);
  if (v.ageing !== undefined) o.ageing = v.ageing;
  if (v.limit) o.limit = v.limit;
  if (v.udpChecksum !== undefined) o.udp_csum = v.udpChecksum;
  if (v.udp6ZeroChecksumTx !== undefined) o.udp_zero_csum6_tx = v.udp6ZeroChecksumTx;
  if (v.udp6ZeroChecksumRx !== undefined) o.udp_zero_csum6_rx = v.udp6ZeroChecksumRx;
  if (v.remoteChecksumTx) o.remcsum_tx = true;
  if (v.remoteChecksumRx) o.remcsum_rx = true;
  if (v.gbp) o.gbp = true;
  if (v.gpe) o.gpe = true;
  return o;
}
