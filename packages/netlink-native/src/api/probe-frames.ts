// The frames of an address-conflict probe, and the kernel filter that keeps only possible answers.
// Pure functions, golden-tested byte for byte:
// - IPv4: an ARP probe (RFC 5227 section 2.1.1): a broadcast ARP request from the interface's
//   MAC with sender IP 0.0.0.0 (so no neighbour caches it), target MAC zero and target IP the
//   address being checked.
// - IPv6: the neighbour solicitation of duplicate address detection (RFC 4862 section 5.4.2,
//   RFC 4861 section 4.3): from the unspecified address :: to the target's solicited-node group
//   ff02::1:ffXX:XXXX (Ethernet 33:33:ff:XX:XX:XX, RFC 2464 section 7), hop limit 255, and no
//   source link-layer address option, which RFC 4861 forbids when the source is ::.
import { parseIP } from '../codec/ip.ts';
import { encodeProgram, type Insn, JEQ_K, LD_B_ABS, LD_H_ABS, RET_K } from './cbpf.ts';
import {
  BROADCAST_MAC,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV6,
  ethernetFrame,
  IPPROTO_ICMPV6,
  mac6,
  sealIcmpv6,
} from './ethernet.ts';

export const ICMPV6_NEIGHBOUR_SOLICITATION = 135;
export const ICMPV6_NEIGHBOUR_ADVERTISEMENT = 136;

const ZERO4 = new Uint8Array(4);
const UNSPECIFIED = new Uint8Array(16);
const NS_LENGTH = 24; // type, code, checksum, reserved, target: no options

/** An RFC 5227 ARP probe for `ip` from `mac`. */
export function arpProbe(mac: string, ip: string): Buffer {
  const sha = mac6(mac);
  const tpa = parseIP(ip, 4);
  const frame = ethernetFrame(BROADCAST_MAC, sha, ETHERTYPE_ARP, 28);
  frame.writeUInt16BE(1, 14); // htype Ethernet
  frame.writeUInt16BE(0x0800, 16); // ptype IPv4
  frame[18] = 6; // hlen
  frame[19] = 4; // plen
  frame.writeUInt16BE(1, 20); // request
  frame.set(sha, 22);
  frame.set(ZERO4, 28); // sender IP 0.0.0.0: this is a probe, not a claim
  // target MAC (32..38) stays zero: it is what the probe asks for
  frame.set(tpa, 38);
  return frame;
}

/** The solicited-node multicast address of an IPv6 address (RFC 4291 section 2.7.1). */
export function solicitedNode(ip: string): Uint8Array {
  const target = parseIP(ip, 6);
  const group = parseIP('ff02::1:ff00:0', 6);
  group.set(target.subarray(13), 13);
  return group;
}

/** The Ethernet multicast address an IPv6 group maps to: 33:33 and its last four bytes. */
export function ipv6MulticastMac(group: Uint8Array): Uint8Array {
  return Uint8Array.of(0x33, 0x33, ...group.subarray(12));
}

/** A duplicate-address-detection neighbour solicitation for `ip` from `mac`. */
export function dadSolicitation(mac: string, ip: string): Buffer {
  const hw = mac6(mac);
  const target = parseIP(ip, 6);
  const group = solicitedNode(ip);
  const frame = ethernetFrame(ipv6MulticastMac(group), hw, ETHERTYPE_IPV6, 40 + NS_LENGTH);
  const icmp = 54;
  frame[icmp] = ICMPV6_NEIGHBOUR_SOLICITATION;
  frame[icmp + 1] = 0; // code; bytes 4..7 reserved, zero
  frame.set(target, icmp + 8);
  sealIcmpv6(frame, UNSPECIFIED, group, NS_LENGTH);
  return frame;
}

/** Bytes of each received frame worth keeping: headers, targets and the first option. */
export const PROBE_SNAP_LENGTH = 128;

// ARP, and ICMPv6 neighbour solicitations and advertisements right after the IPv6 header (where
// RFC 4861 senders put them); everything else the interface sees never reaches the socket.
const PROGRAM: Insn[] = [
  [LD_H_ABS, 0, 0, 12], // 0: EtherType
  [JEQ_K, 6, 0, ETHERTYPE_ARP], // 1: ARP → keep
  [JEQ_K, 0, 6, ETHERTYPE_IPV6], // 2: not IPv6 → drop
  [LD_B_ABS, 0, 0, 20], // 3: IPv6 next header
  [JEQ_K, 0, 4, IPPROTO_ICMPV6], // 4: not ICMPv6 → drop
  [LD_B_ABS, 0, 0, 54], // 5: ICMPv6 type
  [JEQ_K, 1, 0, ICMPV6_NEIGHBOUR_SOLICITATION], // 6: NS → keep
  [JEQ_K, 0, 1, ICMPV6_NEIGHBOUR_ADVERTISEMENT], // 7: NA → keep, else drop
  [RET_K, 0, 0, PROBE_SNAP_LENGTH], // 8: keep
  [RET_K, 0, 0, 0], // 9: drop
];

/** The program as struct sock_filter[] { u16 code; u8 jt; u8 jf; u32 k; } in host byte order. */
export function probeFilter(): Buffer {
  return encodeProgram(PROGRAM);
}
