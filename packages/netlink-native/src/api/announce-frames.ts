// The bytes of the frames that tell a LAN an address moved here: gratuitous ARP for IPv4 and an
// unsolicited neighbour advertisement for IPv6. Pure functions of (MAC, addresses), so they are
// golden-tested byte for byte. Layouts: Ethernet II; ARP per RFC 826 (gratuitous form as in
// RFC 5227 section 3 and iputils arping -U / -A); NA per RFC 4861 section 4.4 and 7.2.6.
import { parseIP, parseMac } from '../codec/ip.ts';

export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
/** Shortest Ethernet frame without the FCS; shorter frames are padded with zeros. */
const MIN_FRAME = 60;

function mac6(text: string): Uint8Array {
  const mac = parseMac(text);
  if (mac.length !== 6) throw new TypeError(`not an Ethernet MAC address: ${JSON.stringify(text)}`);
  return mac;
}

function ethernet(dst: Uint8Array, src: Uint8Array, type: number, payloadLength: number): Buffer {
  const frame = Buffer.alloc(Math.max(MIN_FRAME, 14 + payloadLength));
  frame.set(dst, 0);
  frame.set(src, 6);
  frame.writeUInt16BE(type, 12);
  return frame;
}

const BROADCAST = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

/**
 * A gratuitous ARP to the Ethernet broadcast: sender and target protocol address are both `ip`,
 * sender hardware address the interface's MAC. op 1 (request, target MAC ff:ff:ff:ff:ff:ff, as
 * arping -U) or op 2 (reply, target MAC = own MAC, as arping -A). Peers update their caches from either.
 */
export function gratuitousArp(mac: string, ip: string, op: 1 | 2): Buffer {
  const sha = mac6(mac);
  const spa = parseIP(ip, 4);
  const frame = ethernet(BROADCAST, sha, ETHERTYPE_ARP, 28);
  frame.writeUInt16BE(1, 14); // htype Ethernet
  frame.writeUInt16BE(0x0800, 16); // ptype IPv4
  frame[18] = 6; // hlen
  frame[19] = 4; // plen
  frame.writeUInt16BE(op, 20);
  frame.set(sha, 22);
  frame.set(spa, 28);
  frame.set(op === 1 ? BROADCAST : sha, 32);
  frame.set(spa, 38);
  return frame;
}

/** The Internet checksum (RFC 1071) of the given buffers, concatenated. */
function checksum(parts: Uint8Array[]): number {
  let sum = 0;
  for (const part of parts) {
    for (let i = 0; i + 1 < part.length; i += 2) sum += ((part[i] as number) << 8) | (part[i + 1] as number);
    if (part.length % 2) sum += (part[part.length - 1] as number) << 8;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const ALL_NODES = parseIP('ff02::1', 6);
const ALL_NODES_MAC = new Uint8Array([0x33, 0x33, 0x00, 0x00, 0x00, 0x01]);
const ICMPV6 = 58;
const NA_LENGTH = 32; // 24-byte NA + 8-byte target link-layer address option

/**
 * An unsolicited neighbour advertisement to all nodes (ff02::1, 33:33:00:00:00:01) from the
 * interface's link-local address: hop limit 255, Router 0, Solicited 0, Override 1, the target
 * `ip`, and the target link-layer address option carrying the MAC.
 */
export function unsolicitedNa(mac: string, linkLocal: string, ip: string): Buffer {
  const hw = mac6(mac);
  const src = parseIP(linkLocal, 6);
  const target = parseIP(ip, 6);
  const frame = ethernet(ALL_NODES_MAC, hw, ETHERTYPE_IPV6, 40 + NA_LENGTH);
  const ip6 = 14;
  frame.writeUInt32BE(0x60000000, ip6); // version 6, traffic class 0, flow label 0
  frame.writeUInt16BE(NA_LENGTH, ip6 + 4);
  frame[ip6 + 6] = ICMPV6;
  frame[ip6 + 7] = 255; // hop limit: receivers drop NDP with anything else
  frame.set(src, ip6 + 8);
  frame.set(ALL_NODES, ip6 + 24);
  const icmp = ip6 + 40;
  frame[icmp] = 136; // neighbour advertisement
  frame[icmp + 1] = 0;
  frame.writeUInt32BE(0x20000000, icmp + 4); // R=0 S=0 O=1
  frame.set(target, icmp + 8);
  frame[icmp + 24] = 2; // option: target link-layer address
  frame[icmp + 25] = 1; // length in units of 8 bytes
  frame.set(hw, icmp + 26);
  // Pseudo-header: source, destination, upper-layer length (u32), three zero bytes, next header.
  const pseudo = Buffer.alloc(40);
  pseudo.set(src, 0);
  pseudo.set(ALL_NODES, 16);
  pseudo.writeUInt32BE(NA_LENGTH, 32);
  pseudo[39] = ICMPV6;
  frame.writeUInt16BE(checksum([pseudo, frame.subarray(icmp, icmp + NA_LENGTH)]), icmp + 2);
  return frame;
}
