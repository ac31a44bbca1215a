// The bytes of the frames that tell a LAN an address moved here: gratuitous ARP for IPv4 and an
// unsolicited neighbour advertisement for IPv6. Pure functions of (MAC, addresses), so they are
// golden-tested byte for byte. Layouts: Ethernet II; ARP per RFC 826 (gratuitous form as in
// RFC 5227 section 3 and iputils arping -U / -A); NA per RFC 4861 section 4.4 and 7.2.6.
import { parseIP } from '../codec/ip.ts';
import { BROADCAST_MAC, ETHERTYPE_ARP, ETHERTYPE_IPV6, ethernetFrame, mac6, sealIcmpv6 } from './ethernet.ts';

export { ETHERTYPE_ARP, ETHERTYPE_IPV6 };

/**
 * A gratuitous ARP to the Ethernet broadcast: sender and target protocol address are both `ip`,
 * sender hardware address the interface's MAC. op 1 (request, target MAC ff:ff:ff:ff:ff:ff, as
 * arping -U) or op 2 (reply, target MAC = own MAC, as arping -A). Peers update their caches from either.
 */
export function gratuitousArp(mac: string, ip: string, op: 1 | 2): Buffer {
  const sha = mac6(mac);
  const spa = parseIP(ip, 4);
  const frame = ethernetFrame(BROADCAST_MAC, sha, ETHERTYPE_ARP, 28);
  frame.writeUInt16BE(1, 14); // htype Ethernet
  frame.writeUInt16BE(0x0800, 16); // ptype IPv4
  frame[18] = 6; // hlen
  frame[19] = 4; // plen
  frame.writeUInt16BE(op, 20);
  frame.set(sha, 22);
  frame.set(spa, 28);
  frame.set(op === 1 ? BROADCAST_MAC : sha, 32);
  frame.set(spa, 38);
  return frame;
}

const ALL_NODES = parseIP('ff02::1', 6);
const ALL_NODES_MAC = new Uint8Array([0x33, 0x33, 0x00, 0x00, 0x00, 0x01]);
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
  const frame = ethernetFrame(ALL_NODES_MAC, hw, ETHERTYPE_IPV6, 40 + NA_LENGTH);
  const icmp = 54;
  frame[icmp] = 136; // neighbour advertisement
  frame[icmp + 1] = 0;
  frame.writeUInt32BE(0x20000000, icmp + 4); // R=0 S=0 O=1
  frame.set(target, icmp + 8);
  frame[icmp + 24] = 2; // option: target link-layer address
  frame[icmp + 25] = 1; // length in units of 8 bytes
  frame.set(hw, icmp + 26);
  sealIcmpv6(frame, src, ALL_NODES, NA_LENGTH);
  return frame;
}
