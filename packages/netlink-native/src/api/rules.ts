// Policy routing rules (`ip rule`): list per family, add, delete. The kernel has no replace for
// rules: it ignores NLM_F_REPLACE and, without NLM_F_EXCL, adds a second identical rule, so only
// add (EEXIST for a duplicate) and delete (ENOENT when nothing matches) are offered.
import { FIB_RULE_INVERT } from '../codec/constants.ts';
import { decodeRule, encodeDelRule, encodeGetRules, encodeNewRule } from '../codec/rule.ts';
import type { Connection } from '../transport/connection.ts';
import type { DumpResult } from '../transport/pending.ts';
import type { Family, Rule, RuleAction, RuleRange, RuleSpec } from '../types.ts';
import { checkRetry, type DumpOptions } from './links.ts';
import { parsePrefix } from './prefix.ts';
import { type ProtocolName, protocolNumber, type TableName, tableNumber } from './route-names.ts';

/** Options of `rules.list`. */
export interface RuleListOptions extends DumpOptions {
  /** Default: both families (two dumps, IPv4 first). */
  family?: Family;
}

/** The actions a rule can be given (FR_ACT_*): look a table up, jump, do nothing, or drop. */
export type RuleActionName = Exclude<RuleAction, 'unspec' | 'res3' | 'res4'>;

/** IP protocols by the names `ip rule add ipproto` takes most often. */
export type IpProtoName = 'icmp' | 'tcp' | 'udp' | 'gre' | 'esp' | 'ipv6-icmp' | 'sctp';

const IP_PROTOS: Record<IpProtoName, number> = {
  icmp: 1,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  'ipv6-icmp': 58,
  sctp: 132,
};

const ACTIONS: readonly RuleActionName[] = ['table', 'goto', 'nop', 'blackhole', 'unreachable', 'prohibit'];

/** A rule to add, or the fields a rule to delete must match (unset ones match anything). */
export interface RuleOptions {
  /** Default: the family of `from` / `to`, else 4. */
  family?: Family;
  /** The preference (lower runs first). Left out on add, the kernel picks one below the first rule after 0. */
  priority?: number;
  /** Source prefix ("10.0.0.0/8", an address for /32 or /128, or "all"). */
  from?: string;
  /** Destination prefix. */
  to?: string;
  /** TOS (IPv4) or traffic class (IPv6) byte. */
  tos?: number;
  /** The firewall mark to match (FRA_FWMARK). */
  fwmark?: number;
  /** The mask the mark is compared under (default: all 32 bits). Needs `fwmark`. */
  fwmask?: number;
  /** The input interface's name. The kernel keeps the name: the interface need not exist yet. */
  iif?: string;
  /** The output interface's name (a socket bound to it, or a VRF). */
  oif?: string;
  /** The table to look up: any u32 (above 255 goes in FRA_TABLE), or a name. Default on add: 'main'. */
  table?: Exclude<TableName, 'all'> | number;
  /** Default: 'goto' when `goto` is given, else 'table' on add and any action on delete. */
  action?: RuleActionName;
  /** The priority of the rule to jump to (action 'goto'). */
  goto?: number;
  /** Ignore routes of this prefix length or shorter in the table looked up. */
  suppressPrefixLength?: number;
  /** Ignore routes out of interfaces of this group in the table looked up. */
  suppressIfgroup?: number;
  /** Look up the table of the L3 master device (VRF) the packet is on (no `table` then). */
  l3mdev?: boolean;
  /** Match the socket's user id in this inclusive range. */
  uidRange?: RuleRange;
  /** The IP protocol to match, a number or a name. */
  ipProto?: IpProtoName | number;
  /** Source port, or an inclusive range. */
  sport?: number | RuleRange;
  /** Destination port, or an inclusive range. */
  dport?: number | RuleRange;
  /** FRA_PROTOCOL: who installed the rule. */
  protocol?: ProtocolName | number;
  /** Negate the selector (`ip rule add not ...`). */
  invert?: boolean;
  /** Realms: (source realm << 16) | destination realm. */
  realms?: number;
}

function checkU32(name: string, v: unknown, max = 0xffffffff): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max)
    throw new RangeError(`${name} must be an integer 0..${max}, got ${v}`);
  return v;
}

function portRange(name: string, v: number | RuleRange): RuleRange {
  const r = typeof v === 'number' ? { start: v, end: v } : v;
  if (typeof r !== 'object' || r === null) throw new TypeError(`${name} must be a port or { start, end }`);
  checkU32(`${name} start`, r.start, 0xffff);
  checkU32(`${name} end`, r.end, 0xffff);
  if (r.start > r.end) throw new RangeError(`${name} start ${r.start} is above its end ${r.end}`);
  return { start: r.start, end: r.end };
}

function ipProtoNumber(v: IpProtoName | number): number {
  if (typeof v === 'number') return checkU32('ipProto', v, 255);
  const n = Object.hasOwn(IP_PROTOS, v) ? IP_PROTOS[v] : undefined;
  if (n === undefined)
    throw new TypeError(`unknown ipProto ${JSON.stringify(v)} (known: ${Object.keys(IP_PROTOS).join(', ')})`);
  return n;
}

function checkInterfaceName(name: string, v: unknown): string {
  if (typeof v !== 'string' || v === '' || Buffer.byteLength(v) > 15 || /[\s/\0:]/.test(v)) {
    throw new TypeError(`${name} must be an interface name (1-15 bytes), got ${JSON.stringify(v)}`);
  }
  return v;
}

/** The rule's family: from `from` / `to` when given, checked against `family`. */
function ruleFamily(o: RuleOptions): Family {
  if (o.family !== undefined && o.family !== 4 && o.family !== 6)
    throw new TypeError(`family must be 4 or 6, got ${o.family}`);
  let family = o.family;
  for (const [what, text] of [
    ['from', o.from],
    ['to', o.to],
  ] as const) {
    if (text === undefined || text === 'all') continue;
    const p = parsePrefix(text, undefined, `rule ${what} prefix`);
    if (family !== undefined && p.family !== family)
      throw new TypeError(`rule ${what} ${JSON.stringify(text)} is IPv${p.family}, not IPv${family}`);
    family = p.family;
  }
  return family ?? 4;
}

/** The prefix selectors into the spec and the words describing them. */
function prefixes(o: RuleOptions, spec: RuleSpec, words: string[]): void {
  if (o.from !== undefined && o.from !== 'all') {
    const p = parsePrefix(o.from, undefined, 'rule from prefix');
    spec.src = p.address;
    spec.srcLength = p.prefixLength;
    words.push(`from ${p.address}/${p.prefixLength}`);
  }
  if (o.to !== undefined && o.to !== 'all') {
    const p = parsePrefix(o.to, undefined, 'rule to prefix');
    spec.dst = p.address;
    spec.dstLength = p.prefixLength;
    words.push(`to ${p.address}/${p.prefixLength}`);
  }
}

/** Everything a packet is matched on, besides the prefixes. */
function selectors(o: RuleOptions, spec: RuleSpec, words: string[]): void {
  if (o.invert !== undefined && typeof o.invert !== 'boolean')
    throw new TypeError('invert must be a boolean');
  if (o.invert) {
    spec.flags = FIB_RULE_INVERT;
    words.unshift('not');
  }
  if (o.tos !== undefined) {
    spec.tos = checkU32('tos', o.tos, 255);
    words.push(`tos ${o.tos}`);
  }
  if (o.fwmask !== undefined && o.fwmark === undefined) throw new TypeError('fwmask needs fwmark');
  if (o.fwmark !== undefined) {
    spec.fwmark = checkU32('fwmark', o.fwmark);
    if (o.fwmask !== undefined) spec.fwmask = checkU32('fwmask', o.fwmask);
    words.push(`fwmark ${o.fwmark}${o.fwmask !== undefined ? `/${o.fwmask}` : ''}`);
  }
  if (o.iif !== undefined) {
    spec.iif = checkInterfaceName('iif', o.iif);
    words.push(`iif ${o.iif}`);
  }
  if (o.oif !== undefined) {
    spec.oif = checkInterfaceName('oif', o.oif);
    words.push(`oif ${o.oif}`);
  }
  if (o.l3mdev !== undefined && typeof o.l3mdev !== 'boolean')
    throw new TypeError('l3mdev must be a boolean');
  if (o.l3mdev) {
    spec.l3mdev = true;
    words.push('l3mdev');
  }
  if (o.uidRange !== undefined) {
    const r = o.uidRange;
    if (typeof r !== 'object' || r === null) throw new TypeError('uidRange must be { start, end }');
    checkU32('uidRange start', r.start);
    checkU32('uidRange end', r.end);
    if (r.start > r.end) throw new RangeError(`uidRange start ${r.start} is above its end ${r.end}`);
    spec.uidRange = { start: r.start, end: r.end };
    words.push(`uidrange ${r.start}-${r.end}`);
  }
  if (o.ipProto !== undefined) {
    spec.ipProto = ipProtoNumber(o.ipProto);
    words.push(`ipproto ${o.ipProto}`);
  }
  for (const key of ['sport', 'dport'] as const) {
    const v = o[key];
    if (v === undefined) continue;
    const r = portRange(key, v);
    spec[key === 'sport' ? 'sportRange' : 'dportRange'] = r;
    words.push(`${key} ${r.start === r.end ? r.start : `${r.start}-${r.end}`}`);
  }
}

/** The action and what it acts with: table, goto, suppressors, realms, protocol. */
function action(o: RuleOptions, spec: RuleSpec, words: string[], mode: 'add' | 'del'): void {
  if (o.action !== undefined && !ACTIONS.includes(o.action))
    throw new TypeError(`unknown rule action ${JSON.stringify(o.action)} (known: ${ACTIONS.join(', ')})`);
  const act = o.action ?? (o.goto !== undefined ? 'goto' : undefined);
  if (o.goto !== undefined && act !== 'goto') throw new TypeError(`goto needs action 'goto', not '${act}'`);
  if (act === 'goto' && o.goto === undefined && mode === 'add')
    throw new TypeError("action 'goto' needs goto");
  if (act !== undefined) spec.action = act;
  const table = tableNumber(o.table);
  if (table !== undefined) {
    if (act !== undefined && act !== 'table') throw new TypeError(`table needs action 'table', not '${act}'`);
    if (o.l3mdev) throw new TypeError('an l3mdev rule takes its table from the device: give no table');
    spec.table = table;
    words.push(`table ${o.table}`);
  }
  if (act !== undefined && act !== 'table' && act !== 'goto') words.push(act);
  if (o.suppressPrefixLength !== undefined) {
    spec.suppressPrefixLength = checkU32('suppressPrefixLength', o.suppressPrefixLength, 128);
    words.push(`suppress_prefixlength ${o.suppressPrefixLength}`);
  }
  if (o.suppressIfgroup !== undefined) {
    spec.suppressIfgroup = checkU32('suppressIfgroup', o.suppressIfgroup, 0x7fffffff);
    words.push(`suppress_ifgroup ${o.suppressIfgroup}`);
  }
  if (o.goto !== undefined) {
    spec.goto = checkU32('goto', o.goto);
    words.push(`goto ${o.goto}`);
  }
  if (o.realms !== undefined) {
    spec.realms = checkU32('realms', o.realms);
    words.push(`realms ${o.realms}`);
  }
  const protocol = protocolNumber(o.protocol);
  if (protocol !== undefined) {
    spec.protocol = protocol;
    words.push(`protocol ${o.protocol}`);
  }
}

/** Checks the options and builds the request spec and the operation's description. */
export function ruleSpec(o: RuleOptions, mode: 'add' | 'del'): { spec: RuleSpec; operation: string } {
  if (typeof o !== 'object' || o === null) throw new TypeError(`rule ${mode} needs an options object`);
  const family = ruleFamily(o);
  const spec: RuleSpec = { family };
  const words: string[] = [];
  if (o.priority !== undefined) {
    spec.priority = checkU32('priority', o.priority);
    words.push(`pref ${o.priority}`);
  }
  prefixes(o, spec, words);
  selectors(o, spec, words);
  action(o, spec, words, mode);
  if (mode === 'del' && words.length === 0) {
    // The kernel would delete the first rule of the family: the local-table lookup at priority 0.
    throw new TypeError('rule delete needs at least one field to match (priority, from, table...)');
  }
  return { spec, operation: `rule ${mode}${family === 6 ? ' -6' : ''} ${words.join(' ')}`.trimEnd() };
}

/** `nl.rules`: the policy routing rules of the handle's namespace, IPv4 and IPv6. */
export class Rules {
  readonly #conn: Connection;

  /** Used by the handle; callers get theirs as `nl.rules`. */
  constructor(conn: Connection) {
    this.#conn = conn;
  }

  /** Every rule of one family, or of both (IPv4 first), in the kernel's order (by priority). */
  async list(options: RuleListOptions = {}): Promise<DumpResult<Rule>> {
    const retry = checkRetry(options);
    const { family } = options;
    if (family !== undefined && family !== 4 && family !== 6)
      throw new TypeError(`family must be 4 or 6, got ${family}`);
    const out = [] as unknown as DumpResult<Rule>;
    out.interrupted = false;
    for (const f of family === undefined ? ([4, 6] as const) : [family]) {
      const part = await this.#conn.dump(encodeGetRules(f), `rule list -${f}`, decodeRule, retry);
      for (const r of part) out.push(r);
      if (part.interrupted) out.interrupted = true;
    }
    return out;
  }

  /** Adds a rule (NLM_F_EXCL): NetlinkError EEXIST when an identical one is there. */
  add(options: RuleOptions): Promise<void> {
    try {
      const { spec, operation } = ruleSpec(options, 'add');
      return this.#conn.ack(encodeNewRule(spec), operation);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Deletes the first rule (lowest priority) matching every field given; unset fields match
   * anything. NetlinkError ENOENT when none matches. At least one field is required.
   */
  delete(options: RuleOptions): Promise<void> {
    try {
      const { spec, operation } = ruleSpec(options, 'del');
      return this.#conn.ack(encodeDelRule(spec), operation);
    } catch (err) {
      return Promise.reject(err);
    }
  }
}
