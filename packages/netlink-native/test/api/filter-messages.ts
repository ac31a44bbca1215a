// Hand-built rtnetlink notifications in either byte order, for running the monitor's filter
// program over them (test/api/cbpf-evaluator.ts); a reference for "address inside a prefix"
// written with bigints, independent of the program builder; and the costliest filter the API
// takes. Header fields and attribute headers
// are in the host's byte order; address bytes are in network order, as the kernel writes them.
import type { Endianness } from '../../src/api/cbpf.ts';
import {
  MAX_FILTER_VALUES,
  MAX_IPV4_PREFIXES,
  MAX_IPV6_PREFIXES,
  type MonitorFilter,
  type MonitorFilterSpec,
  monitorFilterProgram,
} from '../../src/api/monitor-filter.ts';
import { parseIP } from '../../src/codec/ip.ts';
import { runFilter } from './cbpf-evaluator.ts';

export const KEEP = 0xffffffff;
export const RTM_NEWLINK = 16;
export const RTM_NEWADDR = 20;
export const RTM_DELADDR = 21;
export const RTM_NEWROUTE = 24;
export const RTM_DELROUTE = 25;
export const RTM_NEWNEXTHOP = 104;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const AF_INET = 2;
export const AF_INET6 = 10;
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const IFA_BROADCAST = 4;
const IFA_FLAGS = 8;
const RTA_DST = 1;
const RTA_OIF = 4;
const RTA_TABLE = 15;

type Attr = [type: number, value: Uint8Array];

export function u32(order: Endianness, v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, order === 'LE');
  return b;
}

/** nlmsghdr + fixed header + attributes, every multi-byte field in `order`. */
export function message(order: Endianness, type: number, fixed: Uint8Array, attrs: Attr[] = []): Buffer {
  const le = order === 'LE';
  const size = 16 + fixed.length + attrs.reduce((n, [, v]) => n + ((4 + v.length + 3) & ~3), 0);
  const buf = Buffer.alloc(size);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  view.setUint32(0, size, le);
  view.setUint16(4, type, le);
  buf.set(fixed, 16);
  let off = 16 + fixed.length;
  for (const [t, v] of attrs) {
    view.setUint16(off, 4 + v.length, le);
    view.setUint16(off + 2, t, le);
    buf.set(v, off + 4);
    off += (4 + v.length + 3) & ~3;
  }
  return buf;
}

export interface AddressMessage {
  family: number;
  prefixLength: number;
  index: number;
  type?: number;
  /** IFA_ADDRESS (the peer on a point-to-point address); null leaves it out. Default: 7s. */
  address?: string | null;
  /** IFA_LOCAL, after IFA_ADDRESS as the kernel orders them; absent by default. */
  local?: string;
  /** IFA_BROADCAST, first: an address the filter must not read. */
  broadcast?: string;
}

/** An RTM_NEWADDR/DELADDR as the kernel lays it out: ifaddrmsg, then address attributes, then IFA_FLAGS. */
export function address(order: Endianness, a: AddressMessage): Buffer {
  const fixed = new Uint8Array(8); // ifaddrmsg: family, prefixlen, flags, scope, u32 index
  fixed[0] = a.family;
  fixed[1] = a.prefixLength;
  fixed.set(u32(order, a.index), 4);
  const attrs: Attr[] = [];
  if (a.broadcast !== undefined) attrs.push([IFA_BROADCAST, parseIP(a.broadcast)]);
  if (a.address === undefined)
    attrs.push([IFA_ADDRESS, new Uint8Array(a.family === AF_INET6 ? 16 : 4).fill(7)]);
  else if (a.address !== null) attrs.push([IFA_ADDRESS, parseIP(a.address)]);
  if (a.local !== undefined) attrs.push([IFA_LOCAL, parseIP(a.local)]);
  attrs.push([IFA_FLAGS, u32(order, 0x80)]);
  return message(order, a.type ?? RTM_NEWADDR, fixed, attrs);
}

/** rtm_table is what the kernel writes: the table itself up to 255, RT_TABLE_COMPAT above. */
export function route(
  order: Endianness,
  r: { family: number; table: number; type?: number; tableAttribute?: boolean; rtmTable?: number },
): Buffer {
  const fixed = new Uint8Array(12); // rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, u32 flags
  fixed[0] = r.family;
  fixed[1] = r.family === AF_INET6 ? 128 : 32;
  fixed[4] = r.rtmTable ?? (r.table > 255 ? 252 : r.table);
  fixed[7] = 1;
  const dst = new Uint8Array(r.family === AF_INET6 ? 16 : 4).fill(9);
  const attrs: Attr[] = [[RTA_DST, dst]];
  if (r.tableAttribute !== false) attrs.push([RTA_TABLE, u32(order, r.table)]);
  attrs.push([RTA_OIF, u32(order, 2)]);
  return message(order, r.type ?? RTM_NEWROUTE, fixed, attrs);
}

export const decide = (spec: MonitorFilterSpec, order: Endianness, packet: Uint8Array) =>
  runFilter(monitorFilterProgram(spec, order), packet, order) === KEEP ? 'keep' : 'drop';

const bigOf = (bytes: Uint8Array) => bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);

/** `text` (an address) lies in `cidr` (same family only): the top bits agree. */
export function inPrefix(text: string, cidr: string): boolean {
  const [net, len] = cidr.split('/') as [string, string];
  const a = parseIP(text);
  const n = parseIP(net);
  if (a.length !== n.length) return false;
  const shift = BigInt(a.length * 8 - Number(len));
  return bigOf(a) >> shift === bigOf(n) >> shift;
}

/** The address `offset` away from `text` in its family (wrapping), as text the parser takes. */
export function addressPlus(text: string, offset: bigint): string {
  const b = parseIP(text);
  const bits = BigInt(b.length * 8);
  let v = (bigOf(b) + offset) & ((1n << bits) - 1n);
  const out = new Uint8Array(b.length);
  for (let i = b.length - 1; i >= 0; i--) {
    out[i] = Number(v & 255n);
    v >>= 8n;
  }
  if (b.length === 4) return out.join('.');
  return Array.from({ length: 8 }, (_, i) =>
    ((out[2 * i] as number) * 256 + (out[2 * i + 1] as number)).toString(16),
  ).join(':');
}

/**
 * Every list at its limit, shaped for the longest program: IPv4 prefixes of all 32 lengths (a run
 * each) plus /24s, and IPv6 /127s that differ in their second word (a run each, with three
 * leading words and a mask). 200.1.1.1 and 2001:db8:80::/48 lie outside every prefix.
 */
export function costliestFilter(): MonitorFilter {
  const v4 = Array.from({ length: 32 }, (_, i) => `0.0.0.0/${i + 1}`);
  for (let i = 0; v4.length < MAX_IPV4_PREFIXES; i++) v4.push(`10.0.${i}.0/24`);
  const v6 = Array.from({ length: MAX_IPV6_PREFIXES }, (_, i) => `2001:db8:${i.toString(16)}::/127`);
  return {
    routeTables: Array.from({ length: MAX_FILTER_VALUES }, (_, i) => i + 1),
    hostAddressLinks: Array.from({ length: MAX_FILTER_VALUES }, (_, i) => i + 1),
    hostAddressPrefixes: [...v4, ...v6],
  };
}
