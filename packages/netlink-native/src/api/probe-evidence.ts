// Reads a frame received during a probe window and says whether it shows another host using (or
// about to use) one of the probed addresses. Pure, so every rule is unit-tested on built frames:
// - ARP (RFC 5227 section 2.1.1): any ARP packet whose sender IP is a probed address (a reply to
//   our probe, or a request of the address's holder), or another host's probe for it (sender IP
//   0.0.0.0, target IP the address).
// - IPv6 (RFC 4862 section 5.4.3/5.4.4): a neighbour advertisement for a probed target, another
//   host's DAD solicitation for it (source ::), or a solicitation sent from the address itself.
// Frames from our own MAC never count: whatever the host sends (or a switch reflects) is not a
// conflict. Neighbour discovery with a hop limit below 255 did not start on this link (RFC 4861
// section 7.1) and is ignored too.
import { formatIPv4, formatIPv6, formatMac } from '../codec/ip.ts';
import { ETHERTYPE_ARP, ETHERTYPE_IPV6, IPPROTO_ICMPV6 } from './ethernet.ts';
import { ICMPV6_NEIGHBOUR_ADVERTISEMENT, ICMPV6_NEIGHBOUR_SOLICITATION } from './probe-frames.ts';

/** What showed the conflict. */
export type ConflictEvidence =
  /** An ARP reply from the address (Linux answers a probe this way). */
  | 'arp-reply'
  /** An ARP request sent from the address. */
  | 'arp-request'
  /** Another host probing the same address (RFC 5227: a conflict for both). */
  | 'arp-probe'
  /** A neighbour advertisement for the address. */
  | 'neighbour-advertisement'
  /** Another host's duplicate address detection for the same address. */
  | 'dad-probe'
  /** A neighbour solicitation sent from the address. */
  | 'neighbour-solicitation';

export interface Evidence {
  /** The probed address, canonical text. */
  address: string;
  /** The other host's MAC (ARP sender, NA target link-layer option, else the Ethernet source). */
  mac: string;
  how: ConflictEvidence;
}

const sameMac = (frame: Buffer, at: number, mac: Uint8Array): boolean =>
  frame.compare(mac, 0, 6, at, at + 6) === 0;

function arpEvidence(frame: Buffer, own: Uint8Array, probed: ReadonlySet<string>): Evidence | undefined {
  if (frame.length < 42 || frame.readUInt16BE(14) !== 1 || frame.readUInt16BE(16) !== 0x0800)
    return undefined;
  if (frame[18] !== 6 || frame[19] !== 4 || sameMac(frame, 22, own)) return undefined;
  const op = frame.readUInt16BE(20);
  const mac = formatMac(frame, 22, 6);
  if (frame.readUInt32BE(28) !== 0) {
    const sender = formatIPv4(frame, 28);
    if (probed.has(sender) && (op === 1 || op === 2)) {
      return { address: sender, mac, how: op === 2 ? 'arp-reply' : 'arp-request' };
    }
    return undefined;
  }
  const target = formatIPv4(frame, 38);
  return op === 1 && probed.has(target) ? { address: target, mac, how: 'arp-probe' } : undefined;
}

/** The link-layer address in the first option of type `type` after the fixed NS/NA part. */
function optionMac(frame: Buffer, type: number): string | undefined {
  for (let at = 78; at + 8 <= frame.length; ) {
    const len = (frame[at + 1] as number) * 8;
    if (len === 0) return undefined;
    if (frame[at] === type && len >= 8) return formatMac(frame, at + 2, 6);
    at += len;
  }
  return undefined;
}

function ndEvidence(frame: Buffer, probed: ReadonlySet<string>): Evidence | undefined {
  if (frame.length < 78 || frame[20] !== IPPROTO_ICMPV6 || frame[21] !== 255 || frame[55] !== 0) {
    return undefined;
  }
  const type = frame[54];
  const target = formatIPv6(frame, 62);
  if (type === ICMPV6_NEIGHBOUR_ADVERTISEMENT) {
    if (!probed.has(target)) return undefined;
    const mac = optionMac(frame, 2) ?? formatMac(frame, 6, 6);
    return { address: target, mac, how: 'neighbour-advertisement' };
  }
  if (type !== ICMPV6_NEIGHBOUR_SOLICITATION) return undefined;
  const source = formatIPv6(frame, 22);
  if (source === '::') {
    return probed.has(target)
      ? { address: target, mac: formatMac(frame, 6, 6), how: 'dad-probe' }
      : undefined;
  }
  if (!probed.has(source)) return undefined;
  const mac = optionMac(frame, 1) ?? formatMac(frame, 6, 6);
  return { address: source, mac, how: 'neighbour-solicitation' };
}

/**
 * The conflict `frame` shows for one of the `probed` addresses (canonical text), or undefined.
 * `own` is the probing interface's MAC.
 */
export function conflictEvidence(
  frame: Buffer,
  own: Uint8Array,
  probed: ReadonlySet<string>,
): Evidence | undefined {
  if (frame.length < 14 || sameMac(frame, 6, own)) return undefined;
  const type = frame.readUInt16BE(12);
  if (type === ETHERTYPE_ARP) return arpEvidence(frame, own, probed);
  if (type === ETHERTYPE_IPV6) return ndEvidence(frame, probed);
  return undefined;
}
