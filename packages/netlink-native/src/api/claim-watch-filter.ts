// The kernel filter of a claim watch (nl.watchClaims): it keeps what conflictEvidence can read
// as a claim and drops everything else before it is queued, so the watch's I/O thread sleeps
// through ordinary traffic (pings, TCP, the host's own sends). Kept: ARP, and ICMPv6 neighbour
// solicitations and advertisements right after the IPv6 header (where RFC 4861 senders put them),
// cut to the bytes the evidence rules read. Dropped as well: frames the host itself sends
// (PACKET_OUTGOING). The socket also asks the kernel not to hand it those at all
// (PACKET_IGNORE_OUTGOING, Linux 4.20+); this rule covers older kernels.
// Which addresses are watched is decided in user space: the set can change at any time and be
// any size, and ARP and neighbour discovery are rare next to data traffic.
import {
  assemble,
  encodeProgram,
  type Insn,
  JEQ_K,
  LD_B_ABS,
  LD_H_ABS,
  LD_W_ABS,
  RET_K,
  SKF_AD_PKTTYPE,
} from './cbpf.ts';
import { ETHERTYPE_ARP, ETHERTYPE_IPV6, IPPROTO_ICMPV6 } from './ethernet.ts';
import {
  ICMPV6_NEIGHBOUR_ADVERTISEMENT,
  ICMPV6_NEIGHBOUR_SOLICITATION,
  PROBE_SNAP_LENGTH,
} from './probe-frames.ts';

/** linux/if_packet.h: a frame the host sent, looped back to packet sockets. */
export const PACKET_OUTGOING = 4;

export const CLAIM_WATCH_PROGRAM: readonly Insn[] = assemble([
  [LD_W_ABS, 0, 0, SKF_AD_PKTTYPE],
  [JEQ_K, 'drop', 0, PACKET_OUTGOING],
  [LD_H_ABS, 0, 0, 12], // EtherType
  [JEQ_K, 'keep', 0, ETHERTYPE_ARP],
  [JEQ_K, 0, 'drop', ETHERTYPE_IPV6],
  [LD_B_ABS, 0, 0, 20], // IPv6 next header
  [JEQ_K, 0, 'drop', IPPROTO_ICMPV6],
  [LD_B_ABS, 0, 0, 54], // ICMPv6 type
  [JEQ_K, 'keep', 0, ICMPV6_NEIGHBOUR_SOLICITATION],
  [JEQ_K, 'keep', 'drop', ICMPV6_NEIGHBOUR_ADVERTISEMENT],
  { label: 'keep' },
  [RET_K, 0, 0, PROBE_SNAP_LENGTH],
  { label: 'drop' },
  [RET_K, 0, 0, 0],
]);

/** The program as struct sock_filter[] in the host's byte order. */
export function claimWatchFilter(): Buffer {
  return encodeProgram(CLAIM_WATCH_PROGRAM);
}
