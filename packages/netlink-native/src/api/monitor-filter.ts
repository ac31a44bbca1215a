// The kernel-side filter of a monitor: a classic BPF program attached to the monitor's socket
// (SO_ATTACH_FILTER) so that notifications the caller does not want are dropped before they are
// queued: no system call, no wake-up, no decode. Built here from a MonitorFilter; pure and
// golden-tested.
//
// What the program reads (rtnetlink notifications carry one message per datagram, the filter sees
// its first bytes; every field is in host byte order, and BPF word/half-word loads are big-endian,
// so constants compared with them are byte-swapped on a little-endian host):
// - nlmsg_type (u16 at 4). Only RTM_NEWADDR/DELADDR and RTM_NEWROUTE/DELROUTE are ever dropped;
//   every other message (links, nexthops, NLMSG_ERROR/DONE) is kept whole. No load reaches past
//   the header before the type is known, so a short message is never dropped for being short.
// - Addresses: ifa_family (u8 at 16), ifa_prefixlen (u8 at 17), ifa_index (u32 at 20). A /32 IPv4
//   or /128 IPv6 address passes only on the links listed; any other prefix or family passes.
// - Routes: the table. rtm_table (u8 at 20) holds RT_TABLE_COMPAT (252) for tables above 255, so
//   the program finds the RTA_TABLE attribute (u32, the real id) with the kernel's SKF_AD_NLATTR
//   search from the first attribute (offset 28) and compares that. A route message without
//   RTA_TABLE (the kernel always sends one for IPv4 and IPv6) falls back to rtm_table, and then
//   RT_TABLE_COMPAT passes: its real table is unknown, and a missed notification is worse than an
//   extra one.
import {
  AF_INET,
  AF_INET6,
  RT_TABLE_COMPAT,
  RTA_TABLE,
  RTM_DELADDR,
  RTM_DELROUTE,
  RTM_NEWADDR,
  RTM_NEWROUTE,
} from '../codec/constants.ts';
import {
  ALU_LSH_K,
  assemble,
  type Endianness,
  encodeProgram,
  type Insn,
  JA,
  JEQ_K,
  LD_B_ABS,
  LD_H_ABS,
  LD_IMM,
  LD_W_ABS,
  LD_W_IND,
  LDX_IMM,
  MAX_COND_JUMP,
  RET_K,
  SKF_AD_NLATTR,
  type Step,
  TAX,
} from './cbpf.ts';
import { tableNumber } from './route-names.ts';

/** Which address and route notifications a monitor receives; the kernel drops the rest. */
export interface MonitorFilter {
  /**
   * Route notifications pass only when their table is one of these (numbers, or 'main', 'local',
   * 'default'); absent: every table passes. Tables above 255 are matched exactly (RTA_TABLE).
   */
  routeTables?: readonly (number | 'main' | 'local' | 'default')[];
  /**
   * Address notifications with a host-length prefix (/32 IPv4, /128 IPv6) pass only when their
   * link (ifindex) is one of these; absent: all pass. Other prefix lengths always pass.
   */
  hostAddressLinks?: readonly number[];
}

/** A filter as the monitor holds it: numbers only, sorted, each once; absent fields let all through. */
export interface MonitorFilterSpec {
  readonly routeTables?: readonly number[];
  readonly hostAddressLinks?: readonly number[];
}

/** Values per list: a membership test is a chain of jumps to one target, which cBPF reaches only this far. */
export const MAX_FILTER_VALUES = MAX_COND_JUMP;

const FIELDS = new Set(['routeTables', 'hostAddressLinks']);
const KEEP = 0xffffffff; // keep the whole message
const DROP = 0;

// Offsets in a notification (linux/netlink.h, linux/if_addr.h, linux/rtnetlink.h).
const NLMSG_TYPE = 4;
const IFA_FAMILY = 16;
const IFA_PREFIXLEN = 17;
const IFA_INDEX = 20;
const RTM_TABLE = 20;
const RTM_ATTRIBUTES = 28; // NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct rtmsg))
const NLA_HDRLEN = 4;

function list(
  field: string,
  value: unknown,
  toNumber: (v: unknown, at: string) => number,
): readonly number[] {
  if (!Array.isArray(value))
    throw new TypeError(`monitor filter ${field} must be an array, got ${String(value)}`);
  const out = [...new Set(value.map((v, i) => toNumber(v, `${field}[${i}]`)))].sort((a, b) => a - b);
  if (out.length > MAX_FILTER_VALUES)
    throw new RangeError(
      `monitor filter ${field} holds at most ${MAX_FILTER_VALUES} values, got ${out.length}`,
    );
  return Object.freeze(out); // monitor.filter hands it out: it must say what the kernel has
}

function routeTable(v: unknown, at: string): number {
  if (typeof v !== 'number' && typeof v !== 'string')
    throw new TypeError(`monitor filter ${at} must be a table number or name, got ${String(v)}`);
  const n = tableNumber(v as number | 'main');
  // 0 is RT_TABLE_UNSPEC ('all' in a dump): no route lives there.
  if (n === undefined || n === 0)
    throw new RangeError(
      `monitor filter ${at}: ${JSON.stringify(v)} is no table; leave routeTables out to let every table through`,
    );
  return n;
}

function linkIndex(v: unknown, at: string): number {
  if (typeof v !== 'number')
    throw new TypeError(`monitor filter ${at} must be an ifindex (a number), got ${JSON.stringify(v)}`);
  if (!Number.isInteger(v) || v < 1 || v > 0x7fffffff)
    throw new RangeError(`monitor filter ${at} must be an ifindex 1..2147483647, got ${v}`);
  return v;
}

/**
 * Checks a MonitorFilter and returns it as numbers, or undefined when it filters nothing (absent,
 * or neither field set). Bad input is a TypeError or RangeError naming the field.
 */
export function monitorFilterSpec(filter: MonitorFilter | undefined): MonitorFilterSpec | undefined {
  if (filter === undefined) return undefined;
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter))
    throw new TypeError(`monitor filter must be an object, got ${JSON.stringify(filter)}`);
  for (const key of Object.keys(filter)) {
    if (!FIELDS.has(key))
      throw new TypeError(
        `unknown monitor filter field ${JSON.stringify(key)} (known: ${[...FIELDS].join(', ')})`,
      );
  }
  const spec: { routeTables?: readonly number[]; hostAddressLinks?: readonly number[] } = {};
  if (filter.routeTables !== undefined)
    spec.routeTables = list('routeTables', filter.routeTables, routeTable);
  if (filter.hostAddressLinks !== undefined)
    spec.hostAddressLinks = list('hostAddressLinks', filter.hostAddressLinks, linkIndex);
  return spec.routeTables || spec.hostAddressLinks ? Object.freeze(spec) : undefined;
}

const swap16 = (v: number) => ((v & 0xff) << 8) | (v >>> 8);
const swap32 = (v: number) =>
  (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;

/** A value is one of `values`: keep, else drop. */
function membership(name: string, values: readonly number[]): Step[] {
  return [
    ...values.map((v): Step => [JEQ_K, `${name}-match`, 0, v]),
    [RET_K, 0, 0, DROP],
    { label: `${name}-match` },
    [RET_K, 0, 0, KEEP],
  ];
}

function addressSection(links: readonly number[], word: (v: number) => number): Step[] {
  return [
    { label: 'address' },
    [LD_B_ABS, 0, 0, IFA_FAMILY],
    [JEQ_K, 'ipv4', 0, AF_INET],
    [JEQ_K, 'ipv6', 'address-keep', AF_INET6],
    { label: 'ipv4' },
    [LD_B_ABS, 0, 0, IFA_PREFIXLEN],
    [JEQ_K, 'host-address', 'address-keep', 32],
    { label: 'ipv6' },
    [LD_B_ABS, 0, 0, IFA_PREFIXLEN],
    [JEQ_K, 'host-address', 'address-keep', 128],
    { label: 'address-keep' },
    [RET_K, 0, 0, KEEP],
    { label: 'host-address' },
    [LD_W_ABS, 0, 0, IFA_INDEX],
    ...membership('link', links.map(word)),
  ];
}

function routeSection(tables: readonly number[], word: (v: number) => number, le: boolean): Step[] {
  return [
    { label: 'route' },
    [LD_IMM, 0, 0, RTM_ATTRIBUTES],
    [LDX_IMM, 0, 0, RTA_TABLE],
    [LD_W_ABS, 0, 0, SKF_AD_NLATTR], // A = offset of RTA_TABLE, or 0
    [JEQ_K, 'no-table-attribute', 0, 0],
    [TAX, 0, 0, 0],
    [LD_W_IND, 0, 0, NLA_HDRLEN], // the u32 table id, read big-endian like the constants below
    [JA, 0, 0, 'table'],
    { label: 'no-table-attribute' },
    [LD_B_ABS, 0, 0, RTM_TABLE],
    [JEQ_K, 0, 'table-byte', RT_TABLE_COMPAT],
    [RET_K, 0, 0, KEEP],
    { label: 'table-byte' },
    // The byte as a host-order u32 read big-endian: on a little-endian host it is the top byte.
    ...(le ? [[ALU_LSH_K, 0, 0, 24] as Step] : []),
    { label: 'table' },
    ...membership('table', tables.map(word)),
  ];
}

/** The filter's program for a host of the given byte order. */
export function monitorFilterProgram(spec: MonitorFilterSpec, order: Endianness): Insn[] {
  const le = order === 'LE';
  const half = (v: number) => (le ? swap16(v) : v);
  const word = (v: number) => (le ? swap32(v) : v);
  const links = spec.hostAddressLinks;
  const tables = spec.routeTables;
  // The address section sits between the dispatch and the route section, so routes get there
  // through an unconditional jump, which has no 255-instruction limit.
  const routeEntry = links ? 'to-route' : 'route';
  const steps: Step[] = [[LD_H_ABS, 0, 0, NLMSG_TYPE]];
  if (links) steps.push([JEQ_K, 'address', 0, half(RTM_NEWADDR)], [JEQ_K, 'address', 0, half(RTM_DELADDR)]);
  if (tables)
    steps.push([JEQ_K, routeEntry, 0, half(RTM_NEWROUTE)], [JEQ_K, routeEntry, 0, half(RTM_DELROUTE)]);
  steps.push([RET_K, 0, 0, KEEP]);
  if (links && tables) steps.push({ label: 'to-route' }, [JA, 0, 0, 'route']);
  if (links) steps.push(...addressSection(links, word));
  if (tables) steps.push(...routeSection(tables, word, le));
  return assemble(steps);
}

/** The program as SO_ATTACH_FILTER takes it on this host, or undefined when nothing is filtered. */
export function monitorFilterBytes(
  spec: MonitorFilterSpec | undefined,
  order: Endianness,
): Buffer | undefined {
  return spec ? encodeProgram(monitorFilterProgram(spec, order), order) : undefined;
}
