// What every frame this library builds shares: Ethernet II framing, MAC text to bytes, and the
// Internet checksum ICMPv6 needs (RFC 1071 over the RFC 8200 section 8.1 pseudo-header).
import { parseMac } from '../codec/ip.ts';

export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
export const IPPROTO_ICMPV6 = 58;
export const BROADCAST_MAC: Uint8Array = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
/** Shortest Ethernet frame without the FCS; shorter frames are padded with zeros. */
const MIN_FRAME = 60;

/** A 6-byte Ethernet MAC from its text; anything else is a TypeError naming it. */
export function mac6(text: string): Uint8Array {
  const mac = parseMac(text);
  if (mac.length !== 6) throw new TypeError(`not an Ethernet MAC address: ${JSON.stringify(text)}`);
  return mac;
}

/** A zeroed frame with its Ethernet header written, long enough for the payload (and the minimum). */
export function ethernetFrame(dst: Uint8Array, src: Uint8Array, type: number, payloadLength: number): Buffer {
  const frame = Buffer.alloc(Math.max(MIN_FRAME, 14 + payloadLength));
  frame.set(dst, 0);
  frame.set(src, 6);
  frame.writeUInt16BE(type, 12);
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

/**
 * Writes the IPv6 header and the ICMPv6 checksum of a frame whose ICMPv6 message (`length`
 * bytes, checksum field zero) is already at byte 54: version 6, hop limit 255 (receivers drop
 * neighbour discovery with anything else), `src` to `dst`.
 */
export function sealIcmpv6(frame: Buffer, src: Uint8Array, dst: Uint8Array, length: number): void {
  const ip6 = 14;
  frame.writeUInt32BE(0x60000000, ip6); // version 6, traffic class 0, flow label 0
  frame.writeUInt16BE(length, ip6 + 4);
  frame[ip6 + 6] = IPPROTO_ICMPV6;
  frame[ip6 + 7] = 255;
  frame.set(src, ip6 + 8);
  frame.set(dst, ip6 + 24);
  const icmp = ip6 + 40;
  // Pseudo-header: source, destination, upper-layer length (u32), three zero bytes, next header.
  const pseudo = Buffer.alloc(40);
  pseudo.set(src, 0);
  pseudo.set(dst, 16);
  pseudo.writeUInt32BE(length, 32);
  pseudo[39] = IPPROTO_ICMPV6;
  frame.writeUInt16BE(checksum([pseudo, frame.subarray(icmp, icmp + length)]), icmp + 2);
}
