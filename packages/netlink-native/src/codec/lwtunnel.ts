// Lightweight tunnel encapsulation (linux/lwtunnel.h) of kinds ip and ip6: RTA_ENCAP + RTA_ENCAP_TYPE
// on a route, NHA_ENCAP + NHA_ENCAP_TYPE on a nexthop object. It is the tunnel metadata (key,
// outer addresses, TTL, TOS, flags) a collect_metadata ("external") tunnel device such as vxlan
// puts on the packets the route sends (`ip route add ... encap ip id 1 dst 10.0.0.2 dev vx0`).
// iproute2 6.1 writes the encap nest (NLA_F_NESTED) and then its type, where `encap` is named, and
// inside it LWTUNNEL_IP_* in the order named with the flags last.

import type { IpTunnelEncap, IpTunnelEncapSpec } from '../types.ts';
import { type AttrWriter, forEachAttribute, readU8 } from './attributes.ts';
import { NLA_F_NESTED } from './constants.ts';
import { DecodeError } from './decode-error.ts';
import { ipFamily, readAddressAttribute } from './ip.ts';

/** LWTUNNEL_ENCAP_IP: an IPv4 outer header (`encap ip`). */
export const LWTUNNEL_ENCAP_IP = 2;
/** LWTUNNEL_ENCAP_IP6: an IPv6 outer header (`encap ip6`). */
export const LWTUNNEL_ENCAP_IP6 = 4;

// LWTUNNEL_IP_* and LWTUNNEL_IP6_* share their numbers (TTL is HOPLIMIT, TOS is TC for ip6).
const IP_ID = 1;
const IP_DST = 2;
const IP_SRC = 3;
const IP_TTL = 4;
const IP_TOS = 5;
const IP_FLAGS = 6;
// TUNNEL_* bits of LWTUNNEL_IP_FLAGS, a big-endian u16 on the wire (linux/if_tunnel.h).
const TUNNEL_CSUM = 0x01;
const TUNNEL_KEY = 0x04;
const TUNNEL_SEQ = 0x08;
const U64_MAX = 0xffffffffffffffffn;

/**
 * Decodes the attributes of an RTA_ENCAP / NHA_ENCAP nest, `p[start, end)`, of type `encapType`;
 * undefined for the kinds other than ip and ip6 (their raw bytes stay with the caller).
 */
export function decodeIpTunnelEncap(
  p: Buffer,
  start: number,
  end: number,
  encapType: number,
): IpTunnelEncap | undefined {
  if (encapType !== LWTUNNEL_ENCAP_IP && encapType !== LWTUNNEL_ENCAP_IP6) return undefined;
  const alen = encapType === LWTUNNEL_ENCAP_IP ? 4 : 16;
  const e: IpTunnelEncap = {
    type: encapType === LWTUNNEL_ENCAP_IP ? 'ip' : 'ip6',
    id: 0n,
    dst: undefined,
    src: undefined,
    ttl: 0,
    tos: 0,
    key: false,
    csum: false,
    seq: false,
  };
  forEachAttribute(p, start, end, (type, d, dl) => {
    switch (type) {
      case IP_ID:
        if (dl !== 8) throw new DecodeError(`LWTUNNEL_IP_ID of ${dl} bytes`, d);
        e.id = p.readBigUInt64BE(d);
        break;
      case IP_DST:
        e.dst = readAddressAttribute(p, d, dl, alen, 'LWTUNNEL_IP_DST');
        break;
      case IP_SRC:
        e.src = readAddressAttribute(p, d, dl, alen, 'LWTUNNEL_IP_SRC');
        break;
      case IP_TTL:
        e.ttl = readU8(p, d, dl);
        break;
      case IP_TOS:
        e.tos = readU8(p, d, dl);
        break;
      case IP_FLAGS: {
        if (dl < 2) throw new DecodeError(`LWTUNNEL_IP_FLAGS of ${dl} bytes`, d);
        const flags = p.readUInt16BE(d);
        e.key = (flags & TUNNEL_KEY) !== 0;
        e.csum = (flags & TUNNEL_CSUM) !== 0;
        e.seq = (flags & TUNNEL_SEQ) !== 0;
        break;
      }
    }
  });
  return e;
}

/** What carries a raw encap and its type (a route, a route's path, a nexthop object). */
interface EncapCarrier {
  encapType?: number | undefined;
  encap?: Buffer | undefined;
  ipEncap?: IpTunnelEncap;
}

/** Sets `o.ipEncap` to `o.encap` decoded when it is an encap ip or ip6; otherwise leaves it unset. */
export function setIpTunnelEncap(o: EncapCarrier): void {
  if (o.encap === undefined || o.encapType === undefined) return;
  const ipEncap = decodeIpTunnelEncap(o.encap, 0, o.encap.length, o.encapType);
  if (ipEncap !== undefined) o.ipEncap = ipEncap;
}

function byte(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
    throw new TypeError(`encap.${name} must be 0..255, got ${v}`);
  }
  return v;
}

function flagOf(name: string, v: unknown, bit: number): number {
  if (v !== undefined && typeof v !== 'boolean')
    throw new TypeError(`encap.${name} must be a boolean, got ${v}`);
  return v === true ? bit : 0;
}

function tunnelId(v: unknown): bigint {
  const id = typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : v;
  if (typeof id !== 'bigint' || id < 0n || id > U64_MAX) {
    throw new TypeError(`encap.id must be an integer 0..2^64-1 (a number or a bigint), got ${v}`);
  }
  return id;
}

/** Refuses an encap spec the encoder could not write, before anything is sent. */
export function checkIpTunnelEncap(spec: IpTunnelEncapSpec): void {
  if (typeof spec !== 'object' || spec === null) throw new TypeError('encap must be an object');
  if (spec.type !== 'ip' && spec.type !== 'ip6') {
    throw new TypeError(`encap.type must be 'ip' or 'ip6', got ${JSON.stringify(spec.type)}`);
  }
  const family = spec.type === 'ip' ? 4 : 6;
  for (const key of ['dst', 'src'] as const) {
    const text = spec[key];
    if (text !== undefined && ipFamily(text) !== family) {
      throw new TypeError(
        `encap.${key} of encap ${spec.type} must be an IPv${family} address, got ${JSON.stringify(text)}`,
      );
    }
  }
  if (spec.id !== undefined) tunnelId(spec.id);
  if (spec.ttl !== undefined) byte('ttl', spec.ttl);
  if (spec.tos !== undefined) byte('tos', spec.tos);
  flagOf('key', spec.key, TUNNEL_KEY);
  flagOf('csum', spec.csum, TUNNEL_CSUM);
  flagOf('seq', spec.seq, TUNNEL_SEQ);
}

/**
 * Writes `encapAttr` (NLA_F_NESTED) { LWTUNNEL_IP_ID, DST, SRC, TTL, TOS, FLAGS } and then
 * `typeAttr` (u16 LWTUNNEL_ENCAP_IP or _IP6): `encap ip id N dst A src B ttl T tos S [key] [csum]
 * [seq]` as iproute2 writes it.
 */
export function writeIpTunnelEncap(
  w: AttrWriter,
  encapAttr: number,
  typeAttr: number,
  spec: IpTunnelEncapSpec,
): void {
  checkIpTunnelEncap(spec);
  const family = spec.type === 'ip' ? 4 : 6;
  const at = w.nestStart(encapAttr | NLA_F_NESTED);
  if (spec.id !== undefined) {
    const id = Buffer.alloc(8);
    id.writeBigUInt64BE(tunnelId(spec.id));
    w.bytes(IP_ID, id);
  }
  if (spec.dst !== undefined) w.ip(IP_DST, spec.dst, family);
  if (spec.src !== undefined) w.ip(IP_SRC, spec.src, family);
  if (spec.ttl !== undefined) w.u8(IP_TTL, spec.ttl);
  if (spec.tos !== undefined) w.u8(IP_TOS, spec.tos);
  const flags =
    flagOf('key', spec.key, TUNNEL_KEY) |
    flagOf('csum', spec.csum, TUNNEL_CSUM) |
    flagOf('seq', spec.seq, TUNNEL_SEQ);
  if (flags !== 0) w.be16(IP_FLAGS, flags);
  w.nestEnd(at);
  w.u16(typeAttr, family === 4 ? LWTUNNEL_ENCAP_IP : LWTUNNEL_ENCAP_IP6);
}
