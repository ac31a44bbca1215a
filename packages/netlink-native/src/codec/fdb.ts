// Bridge forwarding database entries (`bridge fdb`): RTM_*NEIGH messages of family AF_BRIDGE.
// struct ndmsg { u8 family = AF_BRIDGE; ...; s32 ifindex (the port or device); u16 state; u8 flags;
// u8 type } then NDA_* attributes: NDA_LLADDR (the MAC), and for a VXLAN device's entries the
// remote NDA_DST, NDA_PORT (big-endian), NDA_VNI, NDA_SRC_VNI, NDA_IFINDEX (the device to reach
// the remote through) or NDA_NH_ID; NDA_VLAN and NDA_MASTER for a bridge's entries. Requests follow
// iproute2 6.1's `bridge fdb add|append|replace|del|show` byte for byte: ndm_state NUD_NOARP plus
// NUD_PERMANENT (the default and `permanent`), NUD_REACHABLE (`static`, with NUD_NOARP) or
// NUD_REACHABLE alone (`dynamic`); NTF_SELF when neither self nor master is named; attributes in
// the order LLADDR, DST, VLAN, NH_ID, PORT, VNI, SRC_VNI, IFINDEX; dump filters as ndm_ifindex
// (the port) and NDA_MASTER (the bridge).

import { forEachAttribute, readS32, readU16, readU32, sharedWriter } from './attributes.ts';
import {
  AF_BRIDGE,
  NLM_F_ACK,
  NLM_F_APPEND,
  NLM_F_BULK,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REPLACE,
  NLM_F_REQUEST,
  RTM_DELNEIGH,
  RTM_GETNEIGH,
  RTM_NEWNEIGH,
} from './constants.ts';
import { DecodeError } from './decode-error.ts';
import { checkIfindex, formatIPv4, formatIPv6, formatMac } from './ip.ts';
import type { NetlinkMessage } from './message.ts';
import {
  decodeCacheInfo,
  NDA_CACHEINFO,
  NDA_DST,
  NDA_FLAGS_EXT,
  NDA_IFINDEX,
  NDA_LINK_NETNSID,
  NDA_LLADDR,
  NDA_MASTER,
  NDA_NDM_FLAGS_MASK,
  NDA_NDM_STATE_MASK,
  NDA_NH_ID,
  NDA_PORT,
  NDA_SRC_VNI,
  NDA_VLAN,
  NDA_VNI,
  NDMSG_LEN,
  NEIGHBOUR_FLAGS,
  NTF_EXT_LOCKED,
  NTF_SELF,
  NUD_NOARP,
  NUD_PERMANENT,
  NUD_REACHABLE,
  NUD_STALE,
  readNdmsg,
  writeNdmsg,
} from './neighbour.ts';

/**
 * An fdb entry's state in `bridge fdb`'s words: 'permanent' (NUD_PERMANENT: a local address of the
 * bridge or device), 'static' (NUD_NOARP: never ages), 'stale' (NUD_STALE) and 'dynamic'
 * (NUD_REACHABLE: learned or added, ages out).
 */
export type FdbState = 'permanent' | 'static' | 'dynamic' | 'stale';

/** fdb flags in `bridge fdb`'s words: ndm_flags (NTF_*), then NDA_FLAGS_EXT ('locked'). */
export type FdbFlag = 'use' | 'self' | 'master' | 'extern_learn' | 'offload' | 'sticky' | 'router' | 'locked';

const { proxy: _proxy, ...ndmFlags } = NEIGHBOUR_FLAGS;

/**
 * The ndm_flags bits of the fdb flags (all but 'locked', which is NDA_FLAGS_EXT): the neighbour
 * flags but proxy, under the same names.
 */
export const FDB_FLAGS: Readonly<Record<Exclude<FdbFlag, 'locked'>, number>> = ndmFlags;

/** The ndm_state a request carries for each state a caller can set, as `bridge fdb add` sends it. */
export const FDB_STATE_BITS: Readonly<Record<Exclude<FdbState, 'stale'>, number>> = {
  permanent: NUD_NOARP | NUD_PERMANENT,
  static: NUD_NOARP | NUD_REACHABLE,
  dynamic: NUD_REACHABLE,
};

/** The name of an fdb entry's ndm_state, read as `bridge fdb show` reads it (first bit that matches). */
export function fdbStateName(bits: number): FdbState | undefined {
  if (bits & NUD_PERMANENT) return 'permanent';
  if (bits & NUD_NOARP) return 'static';
  if (bits & NUD_STALE) return 'stale';
  if (bits & NUD_REACHABLE) return 'dynamic';
  return undefined;
}

/** A bridge fdb entry (AF_BRIDGE RTM_NEWNEIGH), as `bridge fdb show` lists it. */
export interface FdbEntry {
  /** ifindex of the port or device the entry is on (ndm_ifindex). */
  index: number;
  /** The MAC address (NDA_LLADDR), lowercase colon hex. */
  lladdr: string | undefined;
  /** The remote IPv4 / IPv6 address of a VXLAN entry (NDA_DST). */
  dst: string | undefined;
  /** The VLAN of a bridge entry (NDA_VLAN); undefined when it has none. */
  vlan: number | undefined;
  /** The remote UDP port of a VXLAN entry (NDA_PORT); undefined when it is the device's own. */
  port: number | undefined;
  /** The remote VNI of a VXLAN entry (NDA_VNI); undefined when it is the device's own. */
  vni: number | undefined;
  /** The source VNI of an entry of a collect-metadata VXLAN device (NDA_SRC_VNI). */
  srcVni: number | undefined;
  /** ifindex of the device that reaches the remote (NDA_IFINDEX, `via`). */
  via: number | undefined;
  /** The fdb nexthop group of a VXLAN entry (NDA_NH_ID). */
  nhId: number | undefined;
  /** ifindex of the bridge (NDA_MASTER). */
  master: number | undefined;
  /** NDA_LINK_NETNSID: the namespace of `via`. */
  linkNetnsId: number | undefined;
  /** The state as `bridge fdb show` names it; undefined when no known bit is set (see stateBits). */
  state: FdbState | undefined;
  /** ndm_state as sent. */
  stateBits: number;
  /** The names of the known bits of ndm_flags and NDA_FLAGS_EXT. */
  flags: FdbFlag[];
  /** ndm_flags as sent (NTF_* bits). */
  flagBits: number;
  /** NDA_FLAGS_EXT as sent (NTF_EXT_LOCKED). */
  extFlagBits: number | undefined;
  /** NDA_CACHEINFO: seconds since the entry was used and updated; undefined when not sent. */
  cacheInfo: FdbCacheInfo | undefined;
}

/** An fdb entry's ages (NDA_CACHEINFO), in seconds. */
export interface FdbCacheInfo {
  /** Seconds since a frame was last forwarded by the entry. */
  used: number;
  /** Seconds since the entry last changed (or was refreshed by a frame from the MAC). */
  updated: number;
}

/** What encodeNewFdb / encodeDelFdb send. */
export interface FdbSpec {
  /** ifindex of the port or device (ndm_ifindex). */
  index: number;
  /** The MAC address: NDA_LLADDR, 6 bytes. */
  lladdr: Uint8Array;
  /** ndm_state (default NUD_NOARP | NUD_PERMANENT, as `bridge fdb add` sends). */
  state?: number;
  /** ndm_flags (default NTF_SELF, as `bridge fdb add` sends). */
  flags?: number;
  /** NDA_DST: a VXLAN remote, IPv4 or IPv6. */
  dst?: string;
  /** NDA_VLAN (1..4094). */
  vlan?: number;
  /** NDA_NH_ID: an fdb nexthop group instead of dst / port / vni. */
  nhId?: number;
  /** NDA_PORT: the remote UDP port (1..65535). */
  port?: number;
  /** NDA_VNI: the remote VNI (24 bits). */
  vni?: number;
  /** NDA_SRC_VNI (24 bits). */
  srcVni?: number;
  /** NDA_IFINDEX: the device that reaches the remote. */
  via?: number;
}

/** True for an AF_BRIDGE neighbour message: an fdb entry, not an IPv4 / IPv6 neighbour. */
export function isFdbMessage(msg: NetlinkMessage): boolean {
  return msg.payload.length >= 1 && msg.payload[0] === AF_BRIDGE;
}

/** The names of the known bits of an entry's ndm_flags and NDA_FLAGS_EXT, in bit order. */
export function fdbFlagNames(flags: number, extFlags = 0): FdbFlag[] {
  const out: FdbFlag[] = [];
  for (const [name, bit] of Object.entries(FDB_FLAGS)) if (flags & bit) out.push(name as FdbFlag);
  if (extFlags & NTF_EXT_LOCKED) out.push('locked');
  return out;
}

function readDst(p: Buffer, d: number, dl: number): string {
  if (dl === 4) return formatIPv4(p, d);
  if (dl === 16) return formatIPv6(p, d);
  throw new DecodeError(`NDA_DST of ${dl} bytes is neither IPv4 nor IPv6`, d);
}

/** Reads one attribute into the entry. */
function readAttribute(e: FdbEntry, p: Buffer, type: number, d: number, dl: number): void {
  switch (type) {
    case NDA_LLADDR:
      e.lladdr = dl === 0 ? undefined : formatMac(p, d, dl);
      break;
    case NDA_DST:
      e.dst = readDst(p, d, dl);
      break;
    case NDA_VLAN:
      e.vlan = readU16(p, d, dl);
      break;
    case NDA_PORT:
      if (dl < 2) throw new DecodeError(`NDA_PORT of ${dl} bytes`, d);
      e.port = p.readUInt16BE(d);
      break;
    case NDA_VNI:
      e.vni = readU32(p, d, dl);
      break;
    case NDA_SRC_VNI:
      e.srcVni = readU32(p, d, dl);
      break;
    case NDA_IFINDEX:
      e.via = readU32(p, d, dl);
      break;
    case NDA_NH_ID:
      e.nhId = readU32(p, d, dl);
      break;
    case NDA_MASTER:
      e.master = readU32(p, d, dl);
      break;
    case NDA_LINK_NETNSID:
      e.linkNetnsId = readS32(p, d, dl);
      break;
    case NDA_FLAGS_EXT:
      e.extFlagBits = readU32(p, d, dl);
      break;
    case NDA_CACHEINFO: {
      // The bridge fills only used and updated of struct nda_cacheinfo.
      const { used, updated } = decodeCacheInfo(p, d, dl);
      e.cacheInfo = { used, updated };
      break;
    }
  }
}

/**
 * Decodes an AF_BRIDGE RTM_NEWNEIGH / RTM_DELNEIGH message (a dump entry or a notification) into
 * an fdb entry. Any other message, or an IPv4 / IPv6 neighbour, is a DecodeError.
 */
export function decodeFdb(msg: NetlinkMessage): FdbEntry {
  const { family, index, stateBits, flagBits } = readNdmsg(msg);
  const p = msg.payload;
  if (family !== AF_BRIDGE) throw new DecodeError(`neighbour family ${family} is not AF_BRIDGE`, 0);
  const e: FdbEntry = {
    index,
    lladdr: undefined,
    dst: undefined,
    vlan: undefined,
    port: undefined,
    vni: undefined,
    srcVni: undefined,
    via: undefined,
    nhId: undefined,
    master: undefined,
    linkNetnsId: undefined,
    state: fdbStateName(stateBits),
    stateBits,
    flags: [],
    flagBits,
    extFlagBits: undefined,
    cacheInfo: undefined,
  };
  forEachAttribute(p, NDMSG_LEN, p.length, (type, d, dl) => readAttribute(e, p, type, d, dl));
  e.flags = fdbFlagNames(flagBits, e.extFlagBits ?? 0);
  return e;
}

// ---- request encoders ----

/** What an fdb dump asks the kernel for (`bridge fdb show [brport X] [br Y]`). */
export interface GetFdbOptions {
  /** ndm_ifindex: only the entries of this port or device. */
  index?: number;
  /** NDA_MASTER: only the entries of this bridge (its own and its ports'). */
  master?: number;
}

/** RTM_GETNEIGH dump of family AF_BRIDGE, as `bridge fdb show` sends it to a strict-checking kernel. */
export function encodeGetFdbs(opts: GetFdbOptions = {}): Buffer {
  const w = sharedWriter;
  w.begin(RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP);
  writeNdmsg(AF_BRIDGE, opts.index === undefined ? 0 : checkIfindex('index', opts.index), 0, 0);
  if (opts.master !== undefined) w.u32(NDA_MASTER, checkIfindex('master', opts.master));
  return w.finish();
}

/** What `bridge fdb get` asks for: the entry of one MAC on a port or device, or in a bridge. */
export interface GetFdbSpec {
  /** The MAC address: NDA_LLADDR, 6 bytes. */
  lladdr: Uint8Array;
  /** ndm_ifindex: the port or device (`dev X` / `brport X`). */
  index?: number;
  /** NDA_MASTER: the bridge (`br Y`). */
  master?: number;
  /** NDA_VLAN (1..4094). */
  vlan?: number;
  /** NDA_VNI (24 bits): which VNI's entry, on a VXLAN device that filters VNIs. */
  vni?: number;
  /** ndm_flags: NTF_SELF (the device's own table) and / or NTF_MASTER (the bridge's). */
  flags?: number;
}

/** RTM_GETNEIGH of family AF_BRIDGE for one entry (`bridge fdb get`): ENOENT when there is none. */
export function encodeGetFdb(spec: GetFdbSpec): Buffer {
  if (spec.index === undefined && spec.master === undefined) {
    throw new TypeError('an fdb get needs a port or device (index), a bridge (master), or both');
  }
  if (!(spec.lladdr instanceof Uint8Array) || spec.lladdr.length !== 6) {
    throw new TypeError('an fdb lladdr is a 6-byte Ethernet address');
  }
  const w = sharedWriter;
  w.begin(RTM_GETNEIGH, NLM_F_REQUEST);
  const index = spec.index === undefined ? 0 : checkIfindex('index', spec.index);
  writeNdmsg(AF_BRIDGE, index, 0, checkRange('flags', spec.flags ?? 0, 0, 0xff));
  w.bytes(NDA_LLADDR, spec.lladdr);
  if (spec.vlan !== undefined) w.u16(NDA_VLAN, checkRange('vlan', spec.vlan, 1, 4094));
  if (spec.vni !== undefined) w.u32(NDA_VNI, checkRange('vni', spec.vni, 0, 0xffffff));
  if (spec.master !== undefined) w.u32(NDA_MASTER, checkIfindex('master', spec.master));
  return w.finish();
}

function checkRange(name: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new RangeError(`${name} must be ${min}..${max}, got ${v}`);
  return v;
}

/** Shared body of add / append / replace / delete: the same message, as `bridge fdb` builds it. */
function encodeFdbRequest(type: number, flags: number, spec: FdbSpec): Buffer {
  const state = checkRange('state', spec.state ?? NUD_NOARP | NUD_PERMANENT, 0, 0xffff);
  const ndmFlags = checkRange('flags', spec.flags ?? NTF_SELF, 0, 0xff);
  if (!(spec.lladdr instanceof Uint8Array) || spec.lladdr.length !== 6) {
    throw new TypeError('an fdb lladdr is a 6-byte Ethernet address');
  }
  if (
    spec.nhId !== undefined &&
    (spec.dst !== undefined || spec.port !== undefined || spec.vni !== undefined)
  ) {
    throw new TypeError('nhId excludes dst, port and vni');
  }
  const w = sharedWriter;
  w.begin(type, flags);
  writeNdmsg(AF_BRIDGE, checkIfindex('index', spec.index), state, ndmFlags);
  w.bytes(NDA_LLADDR, spec.lladdr);
  if (spec.dst !== undefined) w.ip(NDA_DST, spec.dst);
  if (spec.vlan !== undefined) w.u16(NDA_VLAN, checkRange('vlan', spec.vlan, 1, 4094));
  if (spec.nhId !== undefined) w.u32(NDA_NH_ID, checkRange('nhId', spec.nhId, 1, 0xffffffff));
  if (spec.port !== undefined) w.be16(NDA_PORT, checkRange('port', spec.port, 1, 0xffff));
  if (spec.vni !== undefined) w.u32(NDA_VNI, checkRange('vni', spec.vni, 0, 0xffffff));
  if (spec.srcVni !== undefined) w.u32(NDA_SRC_VNI, checkRange('srcVni', spec.srcVni, 0, 0xffffff));
  if (spec.via !== undefined) w.u32(NDA_IFINDEX, checkIfindex('via', spec.via));
  return w.finish();
}

/** How an fdb RTM_NEWNEIGH treats an existing entry: `bridge fdb add`, `append` or `replace`. */
export type FdbWriteMode = 'add' | 'append' | 'replace';

const FDB_WRITE_FLAGS: Readonly<Record<FdbWriteMode, number>> = {
  add: NLM_F_CREATE | NLM_F_EXCL,
  append: NLM_F_CREATE | NLM_F_APPEND,
  replace: NLM_F_CREATE | NLM_F_REPLACE,
};

/**
 * RTM_NEWNEIGH of an fdb entry: 'add' = CREATE|EXCL (EEXIST when there), 'append' = CREATE|APPEND
 * (one more remote for a VXLAN MAC, e.g. the all-zeros flood entry), 'replace' = CREATE|REPLACE.
 */
export function encodeNewFdb(spec: FdbSpec, mode: FdbWriteMode = 'add'): Buffer {
  const extra = FDB_WRITE_FLAGS[mode];
  if (extra === undefined) throw new TypeError(`unknown fdb write mode ${JSON.stringify(mode)}`);
  return encodeFdbRequest(RTM_NEWNEIGH, NLM_F_REQUEST | NLM_F_ACK | extra, spec);
}

/** RTM_DELNEIGH of an fdb entry (`bridge fdb del`): the same attributes as the add. */
export function encodeDelFdb(spec: FdbSpec): Buffer {
  return encodeFdbRequest(RTM_DELNEIGH, NLM_F_REQUEST | NLM_F_ACK, spec);
}

/** What a bulk delete (`bridge fdb flush`) matches: the entries of one device, by port, VLAN, state and flags. */
export interface FlushFdbSpec {
  /** ndm_ifindex: the bridge or VXLAN device whose table is flushed. */
  index: number;
  /** ndm_flags: NTF_SELF / NTF_MASTER (which table), and the flag values to match under flagsMask. */
  flags?: number;
  /** ndm_state: the state values to match under stateMask. */
  state?: number;
  /** NDA_NDM_STATE_MASK: which ndm_state bits must equal `state`. */
  stateMask?: number;
  /** NDA_NDM_FLAGS_MASK: which ndm_flags bits must equal `flags`. */
  flagsMask?: number;
  /** NDA_IFINDEX: only the entries of this bridge port. */
  port?: number;
  /** NDA_VLAN: only the entries of this VLAN. */
  vlan?: number;
}

/**
 * RTM_DELNEIGH with NLM_F_BULK of family AF_BRIDGE (`bridge fdb flush`, Linux 5.19 and later): the
 * kernel deletes every entry that matches. Attributes in iproute2's order: IFINDEX, VLAN,
 * NDM_FLAGS_MASK (u8), NDM_STATE_MASK (u16).
 */
export function encodeFlushFdb(spec: FlushFdbSpec): Buffer {
  const w = sharedWriter;
  w.begin(RTM_DELNEIGH, NLM_F_REQUEST | NLM_F_ACK | NLM_F_BULK);
  const state = checkRange('state', spec.state ?? 0, 0, 0xffff);
  const index = checkIfindex('index', spec.index);
  writeNdmsg(AF_BRIDGE, index, state, checkRange('flags', spec.flags ?? NTF_SELF, 0, 0xff));
  if (spec.port !== undefined) w.u32(NDA_IFINDEX, checkIfindex('port', spec.port));
  if (spec.vlan !== undefined) w.u16(NDA_VLAN, checkRange('vlan', spec.vlan, 1, 4094));
  if (spec.flagsMask) w.u8(NDA_NDM_FLAGS_MASK, checkRange('flagsMask', spec.flagsMask, 0, 0xff));
  if (spec.stateMask) w.u16(NDA_NDM_STATE_MASK, checkRange('stateMask', spec.stateMask, 0, 0xffff));
  return w.finish();
}
