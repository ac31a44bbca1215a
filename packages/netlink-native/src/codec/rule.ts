// RTM_*RULE (linux/fib_rules.h): struct fib_rule_hdr { u8 family, dst_len, src_len, tos, table,
// res1, res2, action; u32 flags; } followed by FRA_* attributes. Requests follow iproute2 6.1
// (`ip rule add|del ...`, `ip [-6] rule show`) byte for byte; iproute2 writes attributes in the
// order of its command line, and the golden vectors are recorded with the arguments in this
// encoder's order: pref, from, to, fwmark[/mask], iif, oif, l3mdev, uidrange, ipproto, sport,
// dport, table (> 255), suppress_prefixlength, suppress_ifgroup, goto, realms, protocol.

import type { Family, Rule, RuleAction, RuleRange, RuleSpec } from '../types.ts';
import { attributeLength, attributeType, readString, readU16, readU32, sharedWriter } from './attributes.ts';
import {
  AF_INET,
  AF_INET6,
  FIB_RULE_HDR_LEN,
  FIB_RULE_INVERT,
  FR_ACT_GOTO,
  FR_ACT_TO_TBL,
  FR_ACT_UNSPEC,
  FRA_DPORT_MASK,
  FRA_DPORT_RANGE,
  FRA_DSCP,
  FRA_DSCP_MASK,
  FRA_DST,
  FRA_FLOW,
  FRA_FLOWLABEL,
  FRA_FLOWLABEL_MASK,
  FRA_FWMARK,
  FRA_FWMASK,
  FRA_GOTO,
  FRA_IIFNAME,
  FRA_IP_PROTO,
  FRA_L3MDEV,
  FRA_OIFNAME,
  FRA_PRIORITY,
  FRA_PROTOCOL,
  FRA_SPORT_MASK,
  FRA_SPORT_RANGE,
  FRA_SRC,
  FRA_SUPPRESS_IFGROUP,
  FRA_SUPPRESS_PREFIXLEN,
  FRA_TABLE,
  FRA_TUN_ID,
  FRA_UID_RANGE,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REQUEST,
  RT_TABLE_MAIN,
  RT_TABLE_UNSPEC,
  RTM_DELRULE,
  RTM_GETRULE,
  RTM_NEWRULE,
} from './constants.ts';
import { DecodeError } from './decode-error.ts';
import { familyByte, readAddressAttribute } from './ip.ts';
import { align4, type NetlinkMessage } from './message.ts';

/** FR_ACT_* value → name; the index is the wire value (the kernel refuses anything above 8). */
export const RULE_ACTIONS: readonly RuleAction[] = [
  'unspec',
  'table',
  'goto',
  'nop',
  'res3',
  'res4',
  'blackhole',
  'unreachable',
  'prohibit',
];

/** The FR_ACT_* number of a rule action name; a name it does not know is a TypeError. */
export function ruleActionNumber(action: RuleAction): number {
  const n = RULE_ACTIONS.indexOf(action);
  if (n < 0) {
    throw new TypeError(`unknown rule action ${JSON.stringify(action)} (known: ${RULE_ACTIONS.join(', ')})`);
  }
  return n;
}

/** struct fib_rule_uid_range (u32 pair) or fib_rule_port_range (u16 pair), host byte order. */
function readRange(p: Buffer, d: number, dl: number, size: 2 | 4, what: string): RuleRange {
  if (dl < 2 * size) throw new DecodeError(`${what} of ${dl} bytes, expected ${2 * size}`, d);
  return size === 4
    ? { start: p.readUInt32LE(d), end: p.readUInt32LE(d + 4) }
    : { start: p.readUInt16LE(d), end: p.readUInt16LE(d + 2) };
}

function readU8At(p: Buffer, d: number, dl: number, what: string): number {
  if (dl < 1) throw new DecodeError(`${what} of 0 bytes`, d);
  return p[d] as number;
}

function readBe32(p: Buffer, d: number, dl: number, what: string): number {
  if (dl < 4) throw new DecodeError(`${what} of ${dl} bytes`, d);
  return p.readUInt32BE(d);
}

function emptyRule(p: Buffer, family: Family): Rule {
  const flags = p.readUInt32LE(8);
  const action = RULE_ACTIONS[p[7] as number];
  if (action === undefined) throw new DecodeError(`rule action ${p[7]} is not an FR_ACT_* value`, 7);
  return {
    family,
    priority: 0,
    src: undefined,
    srcLength: p[2] as number,
    dst: undefined,
    dstLength: p[1] as number,
    tos: p[3] as number,
    table: p[4] as number,
    action,
    flags,
    invert: (flags & FIB_RULE_INVERT) !== 0,
    iif: undefined,
    oif: undefined,
    fwmark: undefined,
    fwmask: undefined,
    goto: undefined,
    realms: undefined,
    tunId: undefined,
    suppressPrefixLength: undefined,
    suppressIfgroup: undefined,
    l3mdev: false,
    uidRange: undefined,
    protocol: 0,
    ipProto: undefined,
    sportRange: undefined,
    dportRange: undefined,
    dscp: undefined,
    flowlabel: undefined,
    flowlabelMask: undefined,
    sportMask: undefined,
    dportMask: undefined,
    dscpMask: undefined,
  };
}

const unlessUnset = (v: number): number | undefined => (v === 0xffffffff ? undefined : v);

/** One FRA_* attribute into the rule; attributes neither function knows are skipped. */
function decodeRuleAttribute(r: Rule, p: Buffer, type: number, d: number, dl: number, alen: 4 | 16): void {
  switch (type) {
    case FRA_SRC:
      r.src = readAddressAttribute(p, d, dl, alen, 'FRA_SRC');
      break;
    case FRA_DST:
      r.dst = readAddressAttribute(p, d, dl, alen, 'FRA_DST');
      break;
    case FRA_IIFNAME:
      r.iif = readString(p, d, dl);
      break;
    case FRA_OIFNAME:
      r.oif = readString(p, d, dl);
      break;
    case FRA_GOTO:
      r.goto = readU32(p, d, dl);
      break;
    case FRA_PRIORITY:
      r.priority = readU32(p, d, dl);
      break;
    case FRA_FWMARK:
      r.fwmark = readU32(p, d, dl);
      break;
    case FRA_FWMASK:
      r.fwmask = readU32(p, d, dl);
      break;
    case FRA_FLOW:
      r.realms = readU32(p, d, dl);
      break;
    case FRA_TUN_ID:
      if (dl < 8) throw new DecodeError(`FRA_TUN_ID of ${dl} bytes`, d);
      r.tunId = p.readBigUInt64BE(d);
      break;
    // The kernel keeps -1 for "not set" and sends it as is (FRA_SUPPRESS_PREFIXLEN always, here).
    case FRA_SUPPRESS_IFGROUP:
      r.suppressIfgroup = unlessUnset(readU32(p, d, dl));
      break;
    case FRA_SUPPRESS_PREFIXLEN:
      r.suppressPrefixLength = unlessUnset(readU32(p, d, dl));
      break;
    case FRA_TABLE:
      r.table = readU32(p, d, dl);
      break;
    case FRA_L3MDEV:
      r.l3mdev = readU8At(p, d, dl, 'FRA_L3MDEV') !== 0;
      break;
    default:
      decodeMatchAttribute(r, p, type, d, dl);
  }
}

/** The attributes newer kernels added: uid range, protocol, ipproto, ports, DSCP, flow label, masks. */
function decodeMatchAttribute(r: Rule, p: Buffer, type: number, d: number, dl: number): void {
  switch (type) {
    case FRA_UID_RANGE:
      r.uidRange = readRange(p, d, dl, 4, 'FRA_UID_RANGE');
      break;
    case FRA_PROTOCOL:
      r.protocol = readU8At(p, d, dl, 'FRA_PROTOCOL');
      break;
    case FRA_IP_PROTO:
      r.ipProto = readU8At(p, d, dl, 'FRA_IP_PROTO');
      break;
    case FRA_SPORT_RANGE:
      r.sportRange = readRange(p, d, dl, 2, 'FRA_SPORT_RANGE');
      break;
    case FRA_DPORT_RANGE:
      r.dportRange = readRange(p, d, dl, 2, 'FRA_DPORT_RANGE');
      break;
    case FRA_DSCP:
      r.dscp = readU8At(p, d, dl, 'FRA_DSCP');
      break;
    case FRA_FLOWLABEL:
      r.flowlabel = readBe32(p, d, dl, 'FRA_FLOWLABEL');
      break;
    case FRA_FLOWLABEL_MASK:
      r.flowlabelMask = readBe32(p, d, dl, 'FRA_FLOWLABEL_MASK');
      break;
    case FRA_SPORT_MASK:
      r.sportMask = readU16(p, d, dl);
      break;
    case FRA_DPORT_MASK:
      r.dportMask = readU16(p, d, dl);
      break;
    case FRA_DSCP_MASK:
      r.dscpMask = readU8At(p, d, dl, 'FRA_DSCP_MASK');
      break;
  }
}

/**
 * Whether a rule message is an IPv4 or IPv6 rule, the ones decodeRule reads. The IPv4 rule group
 * also carries the multicast routing rules (RTNL_FAMILY_IPMR, 128; IPv6's: RTNL_FAMILY_IP6MR, 129).
 */
export function isIpRule(msg: NetlinkMessage): boolean {
  const family = msg.payload[0];
  return msg.payload.length >= FIB_RULE_HDR_LEN && (family === AF_INET || family === AF_INET6);
}

/** Decodes an RTM_NEWRULE / RTM_DELRULE message (a dump entry or a notification) of IPv4 or IPv6. */
export function decodeRule(msg: NetlinkMessage): Rule {
  if (msg.type !== RTM_NEWRULE && msg.type !== RTM_DELRULE) {
    throw new DecodeError(`message type ${msg.type} is not a rule message`, 0);
  }
  const p = msg.payload;
  if (p.length < FIB_RULE_HDR_LEN) {
    throw new DecodeError(`fib_rule_hdr needs ${FIB_RULE_HDR_LEN} bytes, got ${p.length}`, 0);
  }
  const fam = p[0] as number;
  if (fam !== AF_INET && fam !== AF_INET6) {
    throw new DecodeError(`rule family ${fam} is neither AF_INET nor AF_INET6`, 0);
  }
  const r = emptyRule(p, fam === AF_INET ? 4 : 6);
  const alen = fam === AF_INET ? 4 : 16;
  let off = FIB_RULE_HDR_LEN;
  while (p.length - off >= 4) {
    const len = attributeLength(p, off, p.length);
    decodeRuleAttribute(r, p, attributeType(p, off), off + 4, len - 4, alen);
    off += align4(len);
  }
  return r;
}

// ---- request encoders ----

function uint(name: string, v: number, max: number): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new TypeError(`${name} must be 0..${max}, got ${v}`);
  return v;
}

function checkFamily(f: unknown): Family {
  if (f !== 4 && f !== 6) throw new TypeError(`rule family must be 4 or 6, got ${f}`);
  return f;
}

/** RTM_GETRULE dump of one family (`ip [-6] rule show`). Rule dumps take no kernel-side filter. */
export function encodeGetRules(family: Family): Buffer {
  const w = sharedWriter;
  w.begin(RTM_GETRULE, NLM_F_REQUEST | NLM_F_DUMP);
  const at = w.zeros(FIB_RULE_HDR_LEN);
  w.buf[at] = familyByte(checkFamily(family));
  return w.finish();
}

function prefixLength(name: string, len: number | undefined, addr: string | undefined, max: number): number {
  if (len === undefined) return addr === undefined ? 0 : max;
  return uint(name, len, max);
}

function writeRange(type: number, r: RuleRange, size: 2 | 4, name: string): void {
  const max = size === 4 ? 0xffffffff : 0xffff;
  const start = uint(`${name}.start`, r.start, max);
  const end = uint(`${name}.end`, r.end, max);
  if (start > end) throw new TypeError(`${name} start ${start} is above its end ${end}`);
  const b = Buffer.alloc(2 * size);
  if (size === 4) {
    b.writeUInt32LE(start, 0);
    b.writeUInt32LE(end, 4);
  } else {
    b.writeUInt16LE(start, 0);
    b.writeUInt16LE(end, 2);
  }
  sharedWriter.bytes(type, b);
}

function interfaceName(name: string, v: string): string {
  if (typeof v !== 'string' || v === '' || Buffer.byteLength(v) > 15) {
    throw new TypeError(`${name} must be an interface name of 1-15 bytes, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** The selector attributes, in the encoder's fixed order (see the top of this file). */
function writeSelectors(spec: RuleSpec): void {
  const w = sharedWriter;
  if (spec.priority !== undefined) w.u32(FRA_PRIORITY, uint('priority', spec.priority, 0xffffffff));
  if (spec.src !== undefined) w.ip(FRA_SRC, spec.src, spec.family);
  if (spec.dst !== undefined) w.ip(FRA_DST, spec.dst, spec.family);
  if (spec.fwmark !== undefined) w.u32(FRA_FWMARK, uint('fwmark', spec.fwmark, 0xffffffff));
  if (spec.fwmask !== undefined) w.u32(FRA_FWMASK, uint('fwmask', spec.fwmask, 0xffffffff));
  if (spec.iif !== undefined) w.string(FRA_IIFNAME, interfaceName('iif', spec.iif));
  if (spec.oif !== undefined) w.string(FRA_OIFNAME, interfaceName('oif', spec.oif));
  if (spec.l3mdev) w.u8(FRA_L3MDEV, 1);
  if (spec.uidRange !== undefined) writeRange(FRA_UID_RANGE, spec.uidRange, 4, 'uidRange');
  if (spec.ipProto !== undefined) w.u8(FRA_IP_PROTO, uint('ipProto', spec.ipProto, 255));
  if (spec.sportRange !== undefined) writeRange(FRA_SPORT_RANGE, spec.sportRange, 2, 'sportRange');
  if (spec.dportRange !== undefined) writeRange(FRA_DPORT_RANGE, spec.dportRange, 2, 'dportRange');
}

function encodeRuleRequest(msgType: number, nlFlags: number, spec: RuleSpec, isDelete: boolean): Buffer {
  const family = checkFamily(spec.family);
  const max = family === 4 ? 32 : 128;
  const action =
    spec.action !== undefined
      ? ruleActionNumber(spec.action)
      : spec.goto !== undefined
        ? FR_ACT_GOTO
        : isDelete
          ? FR_ACT_UNSPEC
          : FR_ACT_TO_TBL;
  // iproute2: an add that looks a table up, names none and is not l3mdev looks up main.
  let table = spec.table;
  if (table === undefined && !isDelete && action === FR_ACT_TO_TBL && !spec.l3mdev) table = RT_TABLE_MAIN;
  if (table !== undefined) uint('table', table, 0xffffffff);
  const w = sharedWriter;
  w.begin(msgType, nlFlags);
  const at = w.zeros(FIB_RULE_HDR_LEN);
  const b = w.buf;
  b[at] = familyByte(family);
  b[at + 1] = prefixLength('dstLength', spec.dstLength, spec.dst, max);
  b[at + 2] = prefixLength('srcLength', spec.srcLength, spec.src, max);
  b[at + 3] = uint('tos', spec.tos ?? 0, 255);
  b[at + 4] = table === undefined || table > 255 ? RT_TABLE_UNSPEC : table;
  b[at + 7] = action;
  b.writeUInt32LE(uint('flags', spec.flags ?? 0, 0xffffffff), at + 8);
  writeSelectors(spec);
  if (table !== undefined && table > 255) w.u32(FRA_TABLE, table);
  if (spec.suppressPrefixLength !== undefined)
    w.u32(FRA_SUPPRESS_PREFIXLEN, uint('suppressPrefixLength', spec.suppressPrefixLength, max));
  if (spec.suppressIfgroup !== undefined)
    w.u32(FRA_SUPPRESS_IFGROUP, uint('suppressIfgroup', spec.suppressIfgroup, 0x7fffffff));
  if (spec.goto !== undefined) w.u32(FRA_GOTO, uint('goto', spec.goto, 0xffffffff));
  if (spec.realms !== undefined) w.u32(FRA_FLOW, uint('realms', spec.realms, 0xffffffff));
  if (spec.protocol !== undefined) w.u8(FRA_PROTOCOL, uint('protocol', spec.protocol, 255));
  return w.finish();
}

/** RTM_NEWRULE with NLM_F_CREATE | NLM_F_EXCL (`ip rule add`): EEXIST when the same rule is there. */
export function encodeNewRule(spec: RuleSpec): Buffer {
  return encodeRuleRequest(RTM_NEWRULE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, spec, false);
}

/** RTM_DELRULE (`ip rule del ...`): the kernel deletes the first rule matching every field given. */
export function encodeDelRule(spec: RuleSpec): Buffer {
  return encodeRuleRequest(RTM_DELRULE, NLM_F_REQUEST | NLM_F_ACK, spec, true);
}
