// The kernel filter of a claim watch (nl.watchClaims): it keeps what conflictEvidence could read
// as a claim on a watched address and drops everything else before it is queued, so the watch's
// I/O thread sleeps through ordinary traffic (pings, TCP, the host's own sends) and through the
// ARP and neighbour discovery of addresses nobody watches. Kept, cut to the bytes the evidence
// rules read:
// - ARP whose sender IP is watched, or whose sender IP is 0.0.0.0 (a probe) and target IP watched;
// - ICMPv6 right after the IPv6 header (where RFC 4861 senders put it): a neighbour advertisement
//   whose target is watched, a solicitation from :: whose target is watched (DAD), a solicitation
//   whose source is watched.
// Dropped as well: frames the host itself sends (PACKET_OUTGOING). The socket also asks the kernel
// not to hand it those at all (PACKET_IGNORE_OUTGOING, Linux 4.20+); this rule covers older
// kernels. The MAC and hop-limit rules stay in user space: the filter only has to keep a superset.
// Each IPv4 address costs 4 instructions and each IPv6 one 18; a set too large for one program
// (BPF_MAXINSNS: about 1,000 IPv4 or 225 IPv6 addresses) gets the program without addresses,
// which keeps all ARP and neighbour solicitations and advertisements.
import { parseIP } from '../codec/ip.ts';
import {
  assemble,
  encodeProgram,
  type Insn,
  JA,
  JEQ_K,
  LD_B_ABS,
  LD_H_ABS,
  LD_W_ABS,
  MAX_INSNS,
  RET_K,
  SKF_AD_PKTTYPE,
  type Step,
} from './cbpf.ts';
import { ETHERTYPE_ARP, ETHERTYPE_IPV6, IPPROTO_ICMPV6 } from './ethernet.ts';
import {
  ICMPV6_NEIGHBOUR_ADVERTISEMENT,
  ICMPV6_NEIGHBOUR_SOLICITATION,
  PROBE_SNAP_LENGTH,
} from './probe-frames.ts';

/** linux/if_packet.h: a frame the host sent, looped back to packet sockets. */
export const PACKET_OUTGOING = 4;

// Offsets in the Ethernet frame.
const ARP_SENDER_IP = 28;
const ARP_TARGET_IP = 38;
const IPV6_SOURCE = 22;
const ND_TARGET = 62;

const words = (ip: string): number[] => {
  const b = parseIP(ip, 6);
  return [0, 4, 8, 12].map(
    (i) =>
      (((b[i] as number) << 24) |
        ((b[i + 1] as number) << 16) |
        ((b[i + 2] as number) << 8) |
        (b[i + 3] as number)) >>>
      0,
  );
};

// Labels for the instruction after a jump pair: `assemble` takes labels only.
let labels = 0;
const fresh = (): string => `next-${labels++}`;

// Jumps to labels that may lie beyond the 255 instructions a conditional jump reaches.
function ifEqual(k: number, label: string): Step[] {
  const next = fresh();
  return [[JEQ_K, 0, next, k], [JA, 0, 0, label], { label: next }];
}
function ifNotEqual(k: number, label: string): Step[] {
  const next = fresh();
  return [[JEQ_K, next, 0, k], [JA, 0, 0, label], { label: next }];
}

/** Steps that jump to `keep` when the IPv4 word at `offset` is one of `ips`, else fall through. */
function matchIPv4(offset: number, ips: readonly number[]): Step[] {
  const steps: Step[] = [[LD_W_ABS, 0, 0, offset]];
  for (const ip of ips) steps.push(...ifEqual(ip, 'keep'));
  return steps;
}

/** Steps that jump to `keep` when the 16 bytes at `offset` are one of `ips`, else fall through. */
function matchIPv6(offset: number, ips: readonly number[][]): Step[] {
  const steps: Step[] = [];
  ips.forEach((w) => {
    const next = fresh();
    for (let j = 0; j < 4; j++)
      steps.push([LD_W_ABS, 0, 0, offset + 4 * j], [JEQ_K, 0, next, w[j] as number]);
    steps.push([JA, 0, 0, 'keep'], { label: next });
  });
  return steps;
}

/**
 * The program for the watched set (canonical texts), or for every address when `addresses` is
 * undefined or too large for one program.
 */
export function claimWatchProgram(addresses?: ReadonlySet<string>): Insn[] {
  labels = 0;
  if (addresses !== undefined) {
    const v4 = [...addresses]
      .filter((a) => !a.includes(':'))
      .map((a) => Buffer.from(parseIP(a, 4)).readUInt32BE(0));
    const v6 = [...addresses].filter((a) => a.includes(':')).map(words);
    const steps: Step[] = [
      [LD_W_ABS, 0, 0, SKF_AD_PKTTYPE],
      ...ifEqual(PACKET_OUTGOING, 'drop'),
      [LD_H_ABS, 0, 0, 12], // EtherType
      ...ifNotEqual(ETHERTYPE_ARP, 'not-arp'),
      [LD_W_ABS, 0, 0, ARP_SENDER_IP],
      ...ifEqual(0, 'arp-probe'),
      ...matchIPv4(ARP_SENDER_IP, v4),
      [JA, 0, 0, 'drop'],
      { label: 'arp-probe' },
      ...matchIPv4(ARP_TARGET_IP, v4),
      [JA, 0, 0, 'drop'],
      { label: 'not-arp' },
      ...ifNotEqual(ETHERTYPE_IPV6, 'drop'),
      [LD_B_ABS, 0, 0, 20], // IPv6 next header
      ...ifNotEqual(IPPROTO_ICMPV6, 'drop'),
      [LD_B_ABS, 0, 0, 54], // ICMPv6 type
      ...ifEqual(ICMPV6_NEIGHBOUR_ADVERTISEMENT, 'target'),
      ...ifNotEqual(ICMPV6_NEIGHBOUR_SOLICITATION, 'drop'),
      // A solicitation from :: is DAD (its target matters); any other, its source.
      [LD_W_ABS, 0, 0, IPV6_SOURCE],
      [JEQ_K, 0, 'source', 0],
      [LD_W_ABS, 0, 0, IPV6_SOURCE + 4],
      [JEQ_K, 0, 'source', 0],
      [LD_W_ABS, 0, 0, IPV6_SOURCE + 8],
      [JEQ_K, 0, 'source', 0],
      [LD_W_ABS, 0, 0, IPV6_SOURCE + 12],
      [JEQ_K, 0, 'source', 0],
      [JA, 0, 0, 'target'],
      { label: 'source' },
      ...matchIPv6(IPV6_SOURCE, v6),
      [JA, 0, 0, 'drop'],
      { label: 'target' },
      ...matchIPv6(ND_TARGET, v6),
      { label: 'drop' },
      [RET_K, 0, 0, 0],
      { label: 'keep' },
      [RET_K, 0, 0, PROBE_SNAP_LENGTH],
    ];
    if (steps.filter(Array.isArray).length <= MAX_INSNS) return assemble(steps);
  }
  return assemble([
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
}

/** The program as struct sock_filter[] in the host's byte order. */
export function claimWatchFilter(addresses?: ReadonlySet<string>): Buffer {
  return encodeProgram(claimWatchProgram(addresses));
}
