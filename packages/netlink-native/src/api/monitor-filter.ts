// The kernel-side filter of a monitor: a classic BPF program attached to the monitor's socket
// (SO_ATTACH_FILTER) so that notifications the caller does not want are dropped before they are
// queued: no system call, no wake-up, no decode. Built here from a MonitorFilter; pure and
// golden-tested.
//
// What the program reads (rtnetlink notifications carry one message per datagram, the filter sees
// its first bytes; every header field is in host byte order, and BPF word/half-word loads are
// big-endian, so constants compared with them are byte-swapped on a little-endian host):
// - nlmsg_type (u16 at 4). Only RTM_NEWADDR/DELADDR and RTM_NEWROUTE/DELROUTE are ever dropped;
//   every other message (links, nexthops, NLMSG_ERROR/DONE) is kept whole. No load reaches past
//   the header before the type is known, so a short message is never dropped for being short.
// - Addresses: ifa_family (u8 at 16), ifa_prefixlen (u8 at 17), ifa_index (u32 at 20). Only a
//   host-length address (/32 IPv4, /128 IPv6) is ever dropped, and only when hostAddressLinks or
//   hostAddressPrefixes is set: it then passes when its link is one of hostAddressLinks OR its
//   address lies in one of hostAddressPrefixes (an absent list counts as empty when the other is
//   set). Any other prefix length or family passes.
// - The address of a host-length notification: IFA_LOCAL and IFA_ADDRESS (they differ on a
//   point-to-point address: the local end and the peer), each found with the kernel's
//   SKF_AD_NLATTR search from the first attribute (offset 24). Either one inside a prefix of the
//   message's own family passes (a superset is safe: a missed notification is worse than an extra
//   one). With neither attribute found the address is unknown: it passes when its family has a
//   prefix. /0 passes its whole family. Address bytes are in network order, which is the order
//   BPF word loads read, so prefix words are compared unswapped on either host byte order.
// - Prefixes are compared in runs of one (family, length, leading words): a run loads its leading
//   words (IPv6 only, up to three) and compares each, then loads the last word, masks it to the
//   length and compares it with a chain of jumps. All IPv4 prefixes of one length are one run.
//   cBPF jumps only forward, so the runs appear twice per family: once for IFA_LOCAL, once for
//   IFA_ADDRESS. With every list at its limit (255 tables, 255 links, 255 IPv4 and 128 IPv6
//   prefixes shaped for the longest program) that is 3,840 instructions of BPF_MAXINSNS' 4,096.
// - Routes: the table. rtm_table (u8 at 20) holds RT_TABLE_COMPAT (252) for tables above 255, so
//   the program finds the RTA_TABLE attribute (u32, the real id) with the kernel's SKF_AD_NLATTR
//   search from the first attribute (offset 28) and compares that. A route message without
//   RTA_TABLE (the kernel always sends one for IPv4 and IPv6) falls back to rtm_table, and then
//   RT_TABLE_COMPAT passes: its real table is unknown, and a missed notification is worse than an
//   extra one.
import {
  AF_INET,
  AF_INET6,
  IFA_ADDRESS,
  IFA_LOCAL,
  RT_TABLE_COMPAT,
  RTA_TABLE,
  RTM_DELADDR,
  RTM_DELROUTE,
  RTM_NEWADDR,
  RTM_NEWROUTE,
} from '../codec/constants.ts';
import { formatIP, ipFamily, parseIP } from '../codec/ip.ts';
import {
  ALU_AND_K,
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
   * Host-length address notifications (/32 IPv4, /128 IPv6) pass when their link (ifindex) is one
   * of these. With neither this nor hostAddressPrefixes set, all pass; with only the other set,
   * this counts as empty. Other prefix lengths always pass.
   */
  hostAddressLinks?: readonly number[];
  /**
   * Host-length address notifications (/32, /128) also pass when the address lies in one of these
   * prefixes (CIDR text, IPv4 or IPv6, network form: no host bits set). IFA_LOCAL and IFA_ADDRESS
   * are both compared, each with the prefixes of its own family. At most 255 IPv4 and 128 IPv6.
   */
  hostAddressPrefixes?: readonly string[];
}

/** A filter as the monitor holds it: canonical, sorted, each once; absent fields let all through. */
export interface MonitorFilterSpec {
  /** Route tables whose notifications pass, as numbers. */
  readonly routeTables?: readonly number[];
  /** Links (ifindex) whose host-length address notifications pass. */
  readonly hostAddressLinks?: readonly number[];
  /** Canonical CIDR text ('2001:db8::/32'), IPv4 first, then by address and length. */
  readonly hostAddressPrefixes?: readonly string[];
}

/** Values per list: a membership test is a chain of jumps to one target, which cBPF reaches only this far. */
export const MAX_FILTER_VALUES = MAX_COND_JUMP;
/** IPv4 prefixes in hostAddressPrefixes: one chain per length, as many values as any other list. */
export const MAX_IPV4_PREFIXES = MAX_FILTER_VALUES;
/**
 * IPv6 prefixes in hostAddressPrefixes. One costs up to 10 instructions per address attribute
 * compared (four loads, a mask, four jumps, a return), and both attributes are compared: with
 * every list at its limit the program stays under BPF_MAXINSNS (see the limit test).
 */
export const MAX_IPV6_PREFIXES = 128;

const FIELDS = new Set(['routeTables', 'hostAddressLinks', 'hostAddressPrefixes']);
const KEEP = 0xffffffff; // keep the whole message
const DROP = 0;

// Offsets in a notification (linux/netlink.h, linux/if_addr.h, linux/rtnetlink.h).
const NLMSG_TYPE = 4;
const IFA_FAMILY = 16;
const IFA_PREFIXLEN = 17;
const IFA_INDEX = 20;
const IFA_ATTRIBUTES = 24; // NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifaddrmsg))
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

/** A prefix as the program compares it. Invariant: no bit of `bytes` beyond `length` is set. */
interface HostPrefix {
  family: 4 | 6;
  length: number;
  bytes: Uint8Array; // the network, 4 or 16 bytes
  text: string; // canonical CIDR text
}

const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

function hostPrefix(v: unknown, at: string): HostPrefix {
  const slash = typeof v === 'string' ? v.indexOf('/') : -1;
  const family = slash < 0 ? undefined : ipFamily((v as string).slice(0, slash));
  const digits = slash < 0 ? '' : (v as string).slice(slash + 1);
  if (family === undefined || !/^\d{1,3}$/.test(digits))
    throw new TypeError(
      `monitor filter ${at} must be CIDR text like "10.0.0.0/8" or "2001:db8::/32", got ${shown(v)}`,
    );
  const given = parseIP((v as string).slice(0, slash), family);
  const length = Number(digits);
  if (length > given.length * 8)
    throw new RangeError(
      `monitor filter ${at}: prefix length ${length} is out of range for IPv${family} (0-${given.length * 8}) in ${shown(v)}`,
    );
  const bytes = given.map((b, i) => b & (0xff00 >> Math.min(8, Math.max(0, length - 8 * i))));
  const text = `${formatIP(bytes, 0, bytes.length)}/${length}`;
  if (bytes.some((b, i) => b !== given[i]))
    throw new RangeError(`monitor filter ${at}: ${shown(v)} has host bits set; the network is ${text}`);
  return { family, length, bytes, text };
}

function comparePrefixes(a: HostPrefix, b: HostPrefix): number {
  if (a.family !== b.family) return a.family - b.family;
  for (let i = 0; i < a.bytes.length; i++) {
    const d = (a.bytes[i] as number) - (b.bytes[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** The prefixes each once, sorted (IPv4 first); a list over a family's limit is a RangeError. */
function prefixList(value: unknown): HostPrefix[] {
  const field = 'hostAddressPrefixes';
  if (!Array.isArray(value))
    throw new TypeError(`monitor filter ${field} must be an array, got ${String(value)}`);
  const byText = new Map<string, HostPrefix>();
  value.forEach((v, i) => {
    const p = hostPrefix(v, `${field}[${i}]`);
    byText.set(p.text, p);
  });
  const out = [...byText.values()].sort(comparePrefixes);
  for (const [family, max] of [
    [4, MAX_IPV4_PREFIXES],
    [6, MAX_IPV6_PREFIXES],
  ] as const) {
    const n = out.filter((p) => p.family === family).length;
    if (n > max)
      throw new RangeError(`monitor filter ${field} holds at most ${max} IPv${family} prefixes, got ${n}`);
  }
  return out;
}

/**
 * Checks a MonitorFilter and returns it in canonical form, or undefined when it filters nothing
 * (absent, or no field set). Bad input is a TypeError or RangeError naming the field.
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
  const spec: {
    routeTables?: readonly number[];
    hostAddressLinks?: readonly number[];
    hostAddressPrefixes?: readonly string[];
  } = {};
  if (filter.routeTables !== undefined)
    spec.routeTables = list('routeTables', filter.routeTables, routeTable);
  if (filter.hostAddressLinks !== undefined)
    spec.hostAddressLinks = list('hostAddressLinks', filter.hostAddressLinks, linkIndex);
  if (filter.hostAddressPrefixes !== undefined)
    // frozen: monitor.filter hands it out, and it must say what the kernel has
    spec.hostAddressPrefixes = Object.freeze(prefixList(filter.hostAddressPrefixes).map((p) => p.text));
  return Object.keys(spec).length > 0 ? Object.freeze(spec) : undefined;
}

const swap16 = (v: number) => ((v & 0xff) << 8) | (v >>> 8);
const swap32 = (v: number) =>
  (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;

/** A value is one of `values`: keep, else `miss` (drop by default). */
function membership(name: string, values: readonly number[], miss: Step = [RET_K, 0, 0, DROP]): Step[] {
  return [
    ...values.map((v): Step => [JEQ_K, `${name}-match`, 0, v]),
    miss,
    { label: `${name}-match` },
    [RET_K, 0, 0, KEEP],
  ];
}

/**
 * Prefixes of one family and length that share every word but the last: the words to compare in
 * network order as BPF loads them (big-endian u32), the last one masked to the length.
 */
interface PrefixRun {
  leading: number[];
  mask: number;
  last: number[];
}

function prefixRuns(prefixes: readonly HostPrefix[]): PrefixRun[] {
  const runs = new Map<string, PrefixRun>();
  for (const p of prefixes) {
    const view = new DataView(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength);
    const words = Array.from({ length: Math.ceil(p.length / 32) }, (_, i) => view.getUint32(4 * i));
    const leading = words.slice(0, -1);
    const key = `${p.length} ${leading.join(' ')}`;
    let run = runs.get(key);
    if (!run) {
      const bits = p.length - 32 * leading.length; // 1..32
      run = { leading, mask: (0xffffffff << (32 - bits)) >>> 0, last: [] };
      runs.set(key, run);
    }
    // prefixes come sorted by address, so each run's last words are ascending and distinct
    run.last.push(words.at(-1) as number);
  }
  return [...runs.values()];
}

/**
 * X holds the offset of an address attribute: keep when its address lies in the run, else fall
 * through past the run. Every jump stays inside the run, within a conditional jump's reach: an
 * IPv4 run holds at most 255 values, an IPv6 one at most 128 behind at most 7 other instructions.
 * The kernel's address attributes hold 4 or 16 bytes as the family says; were one shorter, a load
 * past the message's end would end the program with 0 (drop).
 */
function runSteps(run: PrefixRun, id: string): Step[] {
  const end = `${id}-end`;
  const keep = `${id}-keep`;
  const steps: Step[] = [];
  run.leading.forEach((w, i) => {
    steps.push([LD_W_IND, 0, 0, NLA_HDRLEN + 4 * i], [JEQ_K, 0, end, w]);
  });
  steps.push([LD_W_IND, 0, 0, NLA_HDRLEN + 4 * run.leading.length]);
  if (run.mask !== 0xffffffff) steps.push([ALU_AND_K, 0, 0, run.mask]);
  run.last.forEach((w, i) => {
    steps.push([JEQ_K, keep, i === run.last.length - 1 ? end : 0, w]);
  });
  steps.push({ label: keep }, [RET_K, 0, 0, KEEP], { label: end });
  return steps;
}

/** A = offset of the first attribute of `type` after the ifaddrmsg, or 0. */
const findAddressAttribute = (type: number): Step[] => [
  [LD_IMM, 0, 0, IFA_ATTRIBUTES],
  [LDX_IMM, 0, 0, type],
  [LD_W_ABS, 0, 0, SKF_AD_NLATTR],
];

/**
 * A host-length address of one family whose link did not match: keep when IFA_LOCAL or
 * IFA_ADDRESS lies in one of `prefixes` (all of this family), or when neither attribute is there.
 * The comparison runs twice, once per attribute, since cBPF cannot jump back.
 */
function familyPrefixes(name: string, prefixes: readonly HostPrefix[]): Step[] {
  if (prefixes.length === 0) return [[RET_K, 0, 0, DROP]];
  if (prefixes.some((p) => p.length === 0)) return [[RET_K, 0, 0, KEEP]]; // every address is inside
  const runs = prefixRuns(prefixes);
  const compare = (pass: string) => runs.flatMap((r, i) => runSteps(r, `${name}-${pass}-run${i}`));
  return [
    ...findAddressAttribute(IFA_LOCAL),
    [JEQ_K, 0, `${name}-local`, 0],
    [JA, 0, 0, `${name}-no-local`], // the comparison may be longer than a conditional jump reaches
    { label: `${name}-local` },
    [TAX, 0, 0, 0],
    ...compare('local'),
    ...findAddressAttribute(IFA_ADDRESS),
    [JEQ_K, 0, `${name}-address`, 0],
    [RET_K, 0, 0, DROP], // IFA_LOCAL is outside every prefix, and there is no IFA_ADDRESS
    { label: `${name}-no-local` },
    ...findAddressAttribute(IFA_ADDRESS),
    [JEQ_K, 0, `${name}-address`, 0],
    [RET_K, 0, 0, KEEP], // neither attribute: the address is unknown, and an extra event is cheaper
    { label: `${name}-address` },
    [TAX, 0, 0, 0],
    ...compare('address'),
    [RET_K, 0, 0, DROP],
  ];
}

/** A host-length address whose link did not match: its family picks the prefixes it is compared with. */
function prefixSection(prefixes: readonly HostPrefix[]): Step[] {
  if (prefixes.length === 0) return [[RET_K, 0, 0, DROP]];
  return [
    { label: 'host-prefixes' },
    [LD_B_ABS, 0, 0, IFA_FAMILY], // AF_INET or AF_INET6: the address section let no other through
    [JEQ_K, 'ipv4-prefixes', 0, AF_INET],
    [JA, 0, 0, 'ipv6-prefixes'],
    { label: 'ipv4-prefixes' },
    ...familyPrefixes(
      'ipv4',
      prefixes.filter((p) => p.family === 4),
    ),
    { label: 'ipv6-prefixes' },
    ...familyPrefixes(
      'ipv6',
      prefixes.filter((p) => p.family === 6),
    ),
  ];
}

/**
 * A host-length address: keep when its link is listed or its address lies in a prefix. An absent
 * list is empty here: the caller builds this section only when one of the two is set.
 */
function hostAddressSection(
  links: readonly number[],
  prefixes: readonly HostPrefix[],
  word: (v: number) => number,
): Step[] {
  if (links.length === 0) return prefixSection(prefixes);
  if (prefixes.length === 0) return [[LD_W_ABS, 0, 0, IFA_INDEX], ...membership('link', links.map(word))];
  return [
    [LD_W_ABS, 0, 0, IFA_INDEX],
    ...membership('link', links.map(word), [JA, 0, 0, 'host-prefixes']),
    ...prefixSection(prefixes),
  ];
}

function addressSection(
  links: readonly number[],
  prefixes: readonly HostPrefix[],
  word: (v: number) => number,
): Step[] {
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
    ...hostAddressSection(links, prefixes, word),
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
  const addresses = spec.hostAddressLinks !== undefined || spec.hostAddressPrefixes !== undefined;
  const tables = spec.routeTables;
  // The address section sits between the dispatch and the route section, so routes get there
  // through an unconditional jump, which has no 255-instruction limit.
  const routeEntry = addresses ? 'to-route' : 'route';
  const steps: Step[] = [[LD_H_ABS, 0, 0, NLMSG_TYPE]];
  if (addresses)
    steps.push([JEQ_K, 'address', 0, half(RTM_NEWADDR)], [JEQ_K, 'address', 0, half(RTM_DELADDR)]);
  if (tables)
    steps.push([JEQ_K, routeEntry, 0, half(RTM_NEWROUTE)], [JEQ_K, routeEntry, 0, half(RTM_DELROUTE)]);
  steps.push([RET_K, 0, 0, KEEP]);
  if (addresses && tables) steps.push({ label: 'to-route' }, [JA, 0, 0, 'route']);
  if (addresses) {
    // checked again (and parsed): a spec may come from anywhere, and the program trusts its prefixes
    const prefixes = spec.hostAddressPrefixes ? prefixList(spec.hostAddressPrefixes) : [];
    steps.push(...addressSection(spec.hostAddressLinks ?? [], prefixes, word));
  }
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
