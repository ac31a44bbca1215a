// IFLA_INFO_DATA of a vxlan link (IFLA_VXLAN_*): the create request as iproute2 6.1 writes it, and
// the kernel's report as vxlan_fill_info sends it (every u8 option always, GBP / GPE /
// REMCSUM_NOPARTIAL flags only when on, VNIFILTER and MC_ROUTE only when on).

import type { VxlanChangeSpec, VxlanDf, VxlanInfo, VxlanSpec } from '../types.ts';
import { type AttrWriter, forEachAttribute, readU8, readU32 } from './attributes.ts';
import {
  IFLA_VXLAN_GROUP,
  IFLA_VXLAN_GROUP6,
  IFLA_VXLAN_ID,
  IFLA_VXLAN_LEARNING,
  IFLA_VXLAN_LINK,
  IFLA_VXLAN_LOCAL,
  IFLA_VXLAN_LOCAL6,
  IFLA_VXLAN_PORT,
} from './constants.ts';
import { DecodeError } from './decode-error.ts';
import { ipFamily, readAddressAttribute } from './ip.ts';

// The rest of enum IFLA_VXLAN_* (linux/if_link.h; 31-34 are newer than the 6.1 headers).
const IFLA_VXLAN_TTL = 5;
const IFLA_VXLAN_TOS = 6;
const IFLA_VXLAN_AGEING = 8;
const IFLA_VXLAN_LIMIT = 9;
const IFLA_VXLAN_PORT_RANGE = 10;
const IFLA_VXLAN_PROXY = 11;
const IFLA_VXLAN_RSC = 12;
const IFLA_VXLAN_L2MISS = 13;
const IFLA_VXLAN_L3MISS = 14;
const IFLA_VXLAN_UDP_CSUM = 18;
const IFLA_VXLAN_UDP_ZERO_CSUM6_TX = 19;
const IFLA_VXLAN_UDP_ZERO_CSUM6_RX = 20;
const IFLA_VXLAN_REMCSUM_TX = 21;
const IFLA_VXLAN_REMCSUM_RX = 22;
const IFLA_VXLAN_GBP = 23;
const IFLA_VXLAN_REMCSUM_NOPARTIAL = 24;
const IFLA_VXLAN_COLLECT_METADATA = 25;
const IFLA_VXLAN_LABEL = 26;
const IFLA_VXLAN_GPE = 27;
const IFLA_VXLAN_TTL_INHERIT = 28;
const IFLA_VXLAN_DF = 29;
const IFLA_VXLAN_VNIFILTER = 30;
const IFLA_VXLAN_LOCALBYPASS = 31;
const IFLA_VXLAN_LABEL_POLICY = 32;
const IFLA_VXLAN_RESERVED_BITS = 33;
const IFLA_VXLAN_MC_ROUTE = 34;

/** VXLAN_DF_UNSET, _SET, _INHERIT. */
const DF_NAMES: readonly VxlanDf[] = ['unset', 'set', 'inherit'];

/** The u8 on/off options, in IFLA_VXLAN_* order (the order the encoder writes them in). */
const BOOLEAN_OPTIONS: readonly [keyof VxlanSpec, number][] = [
  ['proxy', IFLA_VXLAN_PROXY],
  ['rsc', IFLA_VXLAN_RSC],
  ['l2miss', IFLA_VXLAN_L2MISS],
  ['l3miss', IFLA_VXLAN_L3MISS],
  ['udpChecksum', IFLA_VXLAN_UDP_CSUM],
  ['udp6ZeroChecksumTx', IFLA_VXLAN_UDP_ZERO_CSUM6_TX],
  ['udp6ZeroChecksumRx', IFLA_VXLAN_UDP_ZERO_CSUM6_RX],
];

function checkInt(what: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new RangeError(`vxlan ${what} must be ${min}-${max}, got ${JSON.stringify(v)}`);
  return v;
}

function checkBool(what: string, v: unknown): boolean {
  if (typeof v !== 'boolean')
    throw new TypeError(`vxlan ${what} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** A TTL or TOS: 0-255 or 'inherit'. */
function byteOrInherit(what: string, v: unknown): number | 'inherit' {
  return v === 'inherit' ? v : checkInt(what, v, 0, 255);
}

/** TTL, TOS, AGEING, LIMIT, PORT_RANGE: the numeric options iproute2 writes as it parses them. */
function writeNumbers(w: AttrWriter, v: VxlanSpec): void {
  if (v.ttl !== undefined && byteOrInherit('ttl', v.ttl) !== 'inherit') w.u8(IFLA_VXLAN_TTL, v.ttl as number);
  if (v.tos !== undefined) {
    const tos = byteOrInherit('tos', v.tos);
    w.u8(IFLA_VXLAN_TOS, tos === 'inherit' ? 1 : tos);
  }
  if (v.ageing !== undefined) w.u32(IFLA_VXLAN_AGEING, checkInt('ageing', v.ageing, 0, 0xffffffff));
  if (v.limit !== undefined) w.u32(IFLA_VXLAN_LIMIT, checkInt('limit', v.limit, 0, 0xffffffff));
  if (v.sourcePortRange !== undefined) {
    const r = v.sourcePortRange;
    if (typeof r !== 'object' || r === null)
      throw new TypeError('vxlan sourcePortRange must be { low, high }');
    const low = checkInt('source port low', r.low, 0, 65535);
    const high = checkInt('source port high', r.high, 0, 65535);
    if (low > high) throw new RangeError(`vxlan source port range ${low}-${high} is backwards`);
    // iproute2 sends nothing for `srcport 0 0` (the kernel's own range)
    if (low !== 0 || high !== 0) {
      const at = w.zeros(8);
      w.buf.writeUInt16LE(8, at);
      w.buf.writeUInt16LE(IFLA_VXLAN_PORT_RANGE, at + 2);
      w.buf.writeUInt16BE(low, at + 4);
      w.buf.writeUInt16BE(high, at + 6);
    }
  }
}

/** The options after PORT_RANGE, in IFLA_VXLAN_* order: on/off, GBP, external, label, TTL inherit, DF. */
function writeFlags(w: AttrWriter, v: VxlanSpec): void {
  for (const [key, type] of BOOLEAN_OPTIONS) {
    const on = v[key];
    if (on !== undefined) w.u8(type, checkBool(key, on) ? 1 : 0);
  }
  if (v.gbp !== undefined && checkBool('gbp', v.gbp)) w.bytes(IFLA_VXLAN_GBP, new Uint8Array(0));
  if (v.external !== undefined) w.u8(IFLA_VXLAN_COLLECT_METADATA, checkBool('external', v.external) ? 1 : 0);
  if (v.label !== undefined) {
    const at = w.zeros(8);
    w.buf.writeUInt16LE(8, at);
    w.buf.writeUInt16LE(IFLA_VXLAN_LABEL, at + 2);
    w.buf.writeUInt32BE(checkInt('label', v.label, 0, 0xfffff), at + 4);
  }
  if (v.ttl === 'inherit') w.bytes(IFLA_VXLAN_TTL_INHERIT, new Uint8Array(0));
  if (v.df !== undefined) {
    const df = DF_NAMES.indexOf(v.df);
    if (df < 0)
      throw new TypeError(`vxlan df must be one of ${DF_NAMES.join(', ')}, got ${JSON.stringify(v.df)}`);
    w.u8(IFLA_VXLAN_DF, df);
  }
  if (v.vnifilter !== undefined) w.u8(IFLA_VXLAN_VNIFILTER, checkBool('vnifilter', v.vnifilter) ? 1 : 0);
}

/**
 * IFLA_INFO_DATA body of a vxlan, in the order iproute2 6.1 writes `ip link add NAME type vxlan
 * ...` when the options are given in IFLA_VXLAN_* order: LINK, the options as parsed, then the
 * ones it adds after its loop (ID, LOCAL, GROUP, LEARNING, PORT). LEARNING is always sent: 1, or 0
 * with `external` (as iproute2).
 */
export function writeVxlanData(w: AttrWriter, v: VxlanSpec): void {
  if (typeof v !== 'object' || v === null) throw new TypeError('a vxlan needs vxlan: { id }');
  const external = v.external === true;
  if (v.id === undefined && !external) throw new TypeError('a vxlan needs vxlan: { id } (or external: true)');
  if (v.id !== undefined && external)
    throw new TypeError('a vxlan takes either an id or external: true, not both');
  if (v.id !== undefined && (!Number.isInteger(v.id) || v.id < 0 || v.id > 0xffffff))
    throw new TypeError(`VNI must be 0..16777215, got ${v.id}`);
  if (v.vnifilter === true && !external) throw new TypeError('vxlan vnifilter needs external: true');
  writeVxlanBody(w, v, !external);
}

/**
 * IFLA_INFO_DATA body of a change to a vxlan (`ip link set DEV type vxlan ...`): the options given,
 * in the order of a create, LEARNING only when given (as iproute2). Kernel 6.18 lets the underlay,
 * local and remote addresses, TTL, TOS, DF, flow label, ageing and learning change.
 */
export function writeVxlanChange(w: AttrWriter, v: VxlanChangeSpec): void {
  if (typeof v !== 'object' || v === null) throw new TypeError('vxlan changes must be an object');
  writeVxlanBody(w, v, undefined);
}

/** LINK, the options as iproute2 parses them, then ID, LOCAL, GROUP, LEARNING, PORT. */
function writeVxlanBody(w: AttrWriter, v: VxlanSpec, learningDefault: boolean | undefined): void {
  if (v.device !== undefined) w.u32(IFLA_VXLAN_LINK, v.device);
  writeNumbers(w, v);
  writeFlags(w, v);
  if (v.id !== undefined) w.u32(IFLA_VXLAN_ID, v.id);
  if (v.local !== undefined) w.ip(ipFamily(v.local) === 6 ? IFLA_VXLAN_LOCAL6 : IFLA_VXLAN_LOCAL, v.local);
  if (v.group !== undefined) w.ip(ipFamily(v.group) === 6 ? IFLA_VXLAN_GROUP6 : IFLA_VXLAN_GROUP, v.group);
  const learning = v.learning === undefined ? learningDefault : checkBool('learning', v.learning);
  if (learning !== undefined) w.u8(IFLA_VXLAN_LEARNING, learning ? 1 : 0);
  if (v.port !== undefined) w.be16(IFLA_VXLAN_PORT, checkInt('port', v.port, 0, 65535));
}

/** A VxlanInfo with every key: undefined, the flags false. */
function emptyVxlanInfo(): VxlanInfo {
  return {
    id: undefined,
    group: undefined,
    local: undefined,
    link: undefined,
    ttl: undefined,
    ttlInherit: undefined,
    tos: undefined,
    df: undefined,
    label: undefined,
    labelPolicy: undefined,
    learning: undefined,
    proxy: undefined,
    rsc: undefined,
    l2miss: undefined,
    l3miss: undefined,
    external: undefined,
    ageing: undefined,
    limit: undefined,
    port: undefined,
    sourcePortRange: undefined,
    udpChecksum: undefined,
    udp6ZeroChecksumTx: undefined,
    udp6ZeroChecksumRx: undefined,
    remoteChecksumTx: undefined,
    remoteChecksumRx: undefined,
    remoteChecksumNoPartial: false,
    gbp: false,
    gpe: false,
    vnifilter: undefined,
    localBypass: undefined,
    mcRoute: undefined,
    reservedBits: undefined,
  };
}

/** The u8 options read as booleans, by attribute type. */
const BOOLEAN_FIELDS = new Map<number, keyof VxlanInfo>([
  [IFLA_VXLAN_TTL_INHERIT, 'ttlInherit'],
  [IFLA_VXLAN_LEARNING, 'learning'],
  [IFLA_VXLAN_PROXY, 'proxy'],
  [IFLA_VXLAN_RSC, 'rsc'],
  [IFLA_VXLAN_L2MISS, 'l2miss'],
  [IFLA_VXLAN_L3MISS, 'l3miss'],
  [IFLA_VXLAN_COLLECT_METADATA, 'external'],
  [IFLA_VXLAN_UDP_CSUM, 'udpChecksum'],
  [IFLA_VXLAN_UDP_ZERO_CSUM6_TX, 'udp6ZeroChecksumTx'],
  [IFLA_VXLAN_UDP_ZERO_CSUM6_RX, 'udp6ZeroChecksumRx'],
  [IFLA_VXLAN_REMCSUM_TX, 'remoteChecksumTx'],
  [IFLA_VXLAN_REMCSUM_RX, 'remoteChecksumRx'],
  [IFLA_VXLAN_VNIFILTER, 'vnifilter'],
  [IFLA_VXLAN_LOCALBYPASS, 'localBypass'],
  [IFLA_VXLAN_MC_ROUTE, 'mcRoute'],
]);

/** The u32 options, by attribute type. */
const U32_FIELDS = new Map<number, keyof VxlanInfo>([
  [IFLA_VXLAN_ID, 'id'],
  [IFLA_VXLAN_LINK, 'link'],
  [IFLA_VXLAN_AGEING, 'ageing'],
  [IFLA_VXLAN_LIMIT, 'limit'],
  [IFLA_VXLAN_LABEL_POLICY, 'labelPolicy'],
]);

/** Throws DecodeError when a fixed-size field (2, 4 or 8 bytes) is shorter than `size`. */
function checkSize(what: string, d: number, dl: number, size: number): void {
  if (dl < size) throw new DecodeError(`${what} of ${dl} bytes`, d);
}

/** One attribute the maps above do not cover. */
function readOther(p: Buffer, type: number, d: number, dl: number, v: VxlanInfo): void {
  switch (type) {
    case IFLA_VXLAN_GROUP:
    case IFLA_VXLAN_GROUP6:
      v.group = readAddressAttribute(p, d, dl, type === IFLA_VXLAN_GROUP ? 4 : 16, 'IFLA_VXLAN_GROUP');
      break;
    case IFLA_VXLAN_LOCAL:
    case IFLA_VXLAN_LOCAL6:
      v.local = readAddressAttribute(p, d, dl, type === IFLA_VXLAN_LOCAL ? 4 : 16, 'IFLA_VXLAN_LOCAL');
      break;
    case IFLA_VXLAN_TTL:
      v.ttl = readU8(p, d, dl);
      break;
    case IFLA_VXLAN_TOS:
      v.tos = readU8(p, d, dl);
      break;
    case IFLA_VXLAN_DF: {
      const df = readU8(p, d, dl);
      v.df = DF_NAMES[df] ?? df;
      break;
    }
    case IFLA_VXLAN_LABEL:
      checkSize('IFLA_VXLAN_LABEL', d, dl, 4);
      v.label = p.readUInt32BE(d);
      break;
    case IFLA_VXLAN_PORT:
      checkSize('IFLA_VXLAN_PORT', d, dl, 2);
      v.port = p.readUInt16BE(d);
      break;
    case IFLA_VXLAN_PORT_RANGE:
      checkSize('IFLA_VXLAN_PORT_RANGE', d, dl, 4);
      v.sourcePortRange = { low: p.readUInt16BE(d), high: p.readUInt16BE(d + 2) };
      break;
    case IFLA_VXLAN_RESERVED_BITS:
      checkSize('IFLA_VXLAN_RESERVED_BITS', d, dl, 8);
      v.reservedBits = { flags: p.readUInt32BE(d), vni: p.readUInt32BE(d + 4) };
      break;
    case IFLA_VXLAN_GBP:
      v.gbp = true;
      break;
    case IFLA_VXLAN_GPE:
      v.gpe = true;
      break;
    case IFLA_VXLAN_REMCSUM_NOPARTIAL:
      v.remoteChecksumNoPartial = true;
      break;
  }
}

/**
 * A vxlan's IFLA_INFO_DATA. In a create request (iproute2's), TTL_INHERIT is an empty flag; the
 * kernel reports it as a u8: both read as ttlInherit.
 */
export function decodeVxlanInfo(p: Buffer): VxlanInfo {
  const v = emptyVxlanInfo();
  const fields = v as unknown as Record<string, unknown>;
  forEachAttribute(p, 0, p.length, (type, d, dl) => {
    const flag = BOOLEAN_FIELDS.get(type);
    if (flag !== undefined)
      fields[flag] = type === IFLA_VXLAN_TTL_INHERIT && dl === 0 ? true : readU8(p, d, dl) !== 0;
    else {
      const u32 = U32_FIELDS.get(type);
      if (u32 !== undefined) fields[u32] = readU32(p, d, dl);
      else readOther(p, type, d, dl, v);
    }
  });
  return v;
}
