// RTM_*NEIGH (linux/neighbour.h): struct ndmsg { u8 family, pad1; u16 pad2; s32 ifindex;
// u16 state; u8 flags; u8 type; } followed by NDA_* attributes. Requests follow iproute2 6.1
// (`ip neigh add|replace|del|get|show`) byte for byte: NDA_PROTOCOL, NDA_DST, NDA_FLAGS_EXT,
// NDA_LLADDR in that order, ndm_state NUD_PERMANENT unless a state is given (a delete carries it
// too; the kernel ignores it there), and dump filters as NDA_IFINDEX / NDA_MASTER attributes.
// The constants live here, beside the only code that reads them.

import type {
  Family,
  Neighbour,
  NeighbourCacheInfo,
  NeighbourFlag,
  NeighbourSpec,
  NeighbourState,
} from '../types.ts';
import { attributeLength, attributeType, readS32, readU16, readU32, sharedWriter } from './attributes.ts';
import {
  AF_INET,
  AF_INET6,
  NLM_F_ACK,
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
import { checkIfindex, familyByte, formatMac, readAddressAttribute } from './ip.ts';
import { align4, type NetlinkMessage } from './message.ts';

/** sizeof(struct ndmsg). */
export const NDMSG_LEN = 12;

// NDA_* attributes
export const NDA_DST = 1;
export const NDA_LLADDR = 2;
/** struct nda_cacheinfo { u32 confirmed, used, updated, refcnt; }: ages in clock_t (1/100 s). */
export const NDA_CACHEINFO = 3;
export const NDA_PROBES = 4;
export const NDA_VLAN = 5;
export const NDA_PORT = 6;
export const NDA_VNI = 7;
export const NDA_IFINDEX = 8;
export const NDA_MASTER = 9;
export const NDA_LINK_NETNSID = 10;
export const NDA_SRC_VNI = 11;
export const NDA_PROTOCOL = 12;
export const NDA_NH_ID = 13;
export const NDA_FDB_EXT_ATTRS = 14;
export const NDA_FLAGS_EXT = 15;
export const NDA_NDM_STATE_MASK = 16;
export const NDA_NDM_FLAGS_MASK = 17;

// ndm_state: NUD_* (one value at a time; NUD_NONE is 0)
export const NUD_NONE = 0x00;
export const NUD_INCOMPLETE = 0x01;
export const NUD_REACHABLE = 0x02;
export const NUD_STALE = 0x04;
export const NUD_DELAY = 0x08;
export const NUD_PROBE = 0x10;
export const NUD_FAILED = 0x20;
export const NUD_NOARP = 0x40;
export const NUD_PERMANENT = 0x80;

// ndm_flags: NTF_*
export const NTF_USE = 0x01;
export const NTF_SELF = 0x02;
export const NTF_MASTER = 0x04;
export const NTF_PROXY = 0x08;
export const NTF_EXT_LEARNED = 0x10;
export const NTF_OFFLOADED = 0x20;
export const NTF_STICKY = 0x40;
export const NTF_ROUTER = 0x80;
// NDA_FLAGS_EXT bits
export const NTF_EXT_MANAGED = 0x01;
export const NTF_EXT_LOCKED = 0x02;

/** NUD state names (iproute2's words, lower case) and their ndm_state values. */
export const NEIGHBOUR_STATES: Readonly<Record<NeighbourState, number>> = {
  none: NUD_NONE,
  incomplete: NUD_INCOMPLETE,
  reachable: NUD_REACHABLE,
  stale: NUD_STALE,
  delay: NUD_DELAY,
  probe: NUD_PROBE,
  failed: NUD_FAILED,
  noarp: NUD_NOARP,
  permanent: NUD_PERMANENT,
};

const STATE_NAMES = new Map<number, NeighbourState>(
  Object.entries(NEIGHBOUR_STATES).map(([name, bit]) => [bit, name as NeighbourState]),
);

/** ndm_flags names (iproute2's words) and their bits. */
export const NEIGHBOUR_FLAGS: Readonly<Record<Exclude<NeighbourFlag, 'managed' | 'locked'>, number>> = {
  use: NTF_USE,
  self: NTF_SELF,
  master: NTF_MASTER,
  proxy: NTF_PROXY,
  extern_learn: NTF_EXT_LEARNED,
  offload: NTF_OFFLOADED,
  sticky: NTF_STICKY,
  router: NTF_ROUTER,
};

/** NDA_FLAGS_EXT names and their bits. */
export const NEIGHBOUR_EXT_FLAGS: Readonly<Record<'managed' | 'locked', number>> = {
  managed: NTF_EXT_MANAGED,
  locked: NTF_EXT_LOCKED,
};

/** The name of an ndm_state value, or undefined when it is not exactly one NUD_* value. */
export function neighbourStateName(bits: number): NeighbourState | undefined {
  return STATE_NAMES.get(bits);
}

/** The names of the known bits of ndm_flags and NDA_FLAGS_EXT, in bit order. */
export function neighbourFlagNames(flags: number, extFlags = 0): NeighbourFlag[] {
  const out: NeighbourFlag[] = [];
  for (const [name, bit] of Object.entries(NEIGHBOUR_FLAGS)) if (flags & bit) out.push(name as NeighbourFlag);
  for (const [name, bit] of Object.entries(NEIGHBOUR_EXT_FLAGS))
    if (extFlags & bit) out.push(name as NeighbourFlag);
  return out;
}

/** The kernel reports cache ages in clock_t, USER_HZ = 100 ticks a second. */
const USER_HZ = 100;

/** NDA_CACHEINFO (struct nda_cacheinfo), its clock_t ages in seconds. */
export function decodeCacheInfo(p: Buffer, d: number, dl: number): NeighbourCacheInfo {
  if (dl < 16) throw new DecodeError(`NDA_CACHEINFO of ${dl} bytes < 16`, d);
  return {
    confirmed: readU32(p, d, 4) / USER_HZ,
    used: readU32(p, d + 4, 4) / USER_HZ,
    updated: readU32(p, d + 8, 4) / USER_HZ,
    refcount: readU32(p, d + 12, 4),
  };
}

function neighbourFamily(fam: number): { family: Family; alen: 4 | 16 } {
  if (fam === AF_INET) return { family: 4, alen: 4 };
  if (fam === AF_INET6) return { family: 6, alen: 16 };
  throw new DecodeError(`neighbour family ${fam} is neither AF_INET nor AF_INET6`, 0);
}

/** struct ndmsg of a neighbour or fdb message, as the kernel sent it. */
export interface Ndmsg {
  /** ndm_family: AF_INET, AF_INET6 or AF_BRIDGE. */
  family: number;
  /** ndm_ifindex. */
  index: number;
  /** ndm_state (NUD_* bits). */
  stateBits: number;
  /** ndm_flags (NTF_* bits). */
  flagBits: number;
  /** ndm_type. */
  type: number;
}

/**
 * Reads the ndmsg of an RTM_NEWNEIGH / RTM_DELNEIGH message; any other message type, or a payload
 * shorter than an ndmsg, is a DecodeError. Both the neighbour and the fdb decoder start here.
 */
export function readNdmsg(msg: NetlinkMessage): Ndmsg {
  if (msg.type !== RTM_NEWNEIGH && msg.type !== RTM_DELNEIGH) {
    throw new DecodeError(`message type ${msg.type} is not a neighbour message`, 0);
  }
  const p = msg.payload;
  if (p.length < NDMSG_LEN) throw new DecodeError(`ndmsg needs ${NDMSG_LEN} bytes, got ${p.length}`, 0);
  return {
    family: p[0] as number,
    index: p.readInt32LE(4),
    stateBits: p.readUInt16LE(8),
    flagBits: p[10] as number,
    type: p[11] as number,
  };
}

/**
 * Decodes an RTM_NEWNEIGH / RTM_DELNEIGH message of an IPv4 or IPv6 neighbour (a dump entry, a
 * get reply or a notification). Bridge fdb entries (AF_BRIDGE) are not neighbours of an address
 * family: they are a DecodeError here, so callers that may see them check the family first.
 */
export function decodeNeighbour(msg: NetlinkMessage): Neighbour {
  const { family: fam, index, stateBits, flagBits, type } = readNdmsg(msg);
  const p = msg.payload;
  const { family, alen } = neighbourFamily(fam);
  const n: Neighbour = {
    family,
    index,
    address: '',
    lladdr: undefined,
    state: neighbourStateName(stateBits),
    stateBits,
    flags: [],
    flagBits,
    extFlagBits: undefined,
    type,
    probes: undefined,
    protocol: undefined,
    vlan: undefined,
    master: undefined,
    linkNetnsId: undefined,
    cacheInfo: undefined,
  };
  let dst: string | undefined;
  let off = NDMSG_LEN;
  while (p.length - off >= 4) {
    const len = attributeLength(p, off, p.length);
    const d = off + 4;
    const dl = len - 4;
    switch (attributeType(p, off)) {
      case NDA_DST:
        dst = readAddressAttribute(p, d, dl, alen, 'NDA_DST');
        break;
      case NDA_LLADDR:
        n.lladdr = dl === 0 ? undefined : formatMac(p, d, dl);
        break;
      case NDA_CACHEINFO:
        n.cacheInfo = decodeCacheInfo(p, d, dl);
        break;
      case NDA_PROBES:
        n.probes = readU32(p, d, dl);
        break;
      case NDA_PROTOCOL:
        if (dl < 1) throw new DecodeError('NDA_PROTOCOL of 0 bytes', d);
        n.protocol = p[d] as number;
        break;
      case NDA_FLAGS_EXT:
        n.extFlagBits = readU32(p, d, dl);
        break;
      case NDA_VLAN:
        n.vlan = readU16(p, d, dl);
        break;
      case NDA_MASTER:
        n.master = readU32(p, d, dl);
        break;
      case NDA_LINK_NETNSID:
        n.linkNetnsId = readS32(p, d, dl);
        break;
    }
    off += align4(len);
  }
  if (dst === undefined) throw new DecodeError('neighbour message without NDA_DST', NDMSG_LEN);
  n.address = dst;
  n.flags = neighbourFlagNames(flagBits, n.extFlagBits ?? 0);
  return n;
}

// ---- request encoders ----

/** What a neighbour dump asks the kernel for (`ip [-4|-6] neigh show [proxy] [dev X] [master Y]`). */
export interface GetNeighboursOptions {
  /** ndm_family: only IPv4 (ARP) or IPv6 (ND) entries; default both. */
  family?: Family;
  /** NDA_IFINDEX: only entries on this ifindex. */
  index?: number;
  /** NDA_MASTER: only entries on links enslaved to this ifindex (a bridge or VRF). */
  master?: number;
  /** ndm_flags NTF_PROXY: the proxy entries instead of the neighbours. */
  proxy?: boolean;
}

/** Writes struct ndmsg (of a neighbour or an fdb request); returns its offset. */
export function writeNdmsg(family: number, index: number, state: number, flags: number): number {
  const at = sharedWriter.zeros(NDMSG_LEN);
  const b = sharedWriter.buf;
  b[at] = family;
  b.writeInt32LE(index, at + 4);
  b.writeUInt16LE(state, at + 8);
  b[at + 10] = flags;
  return at;
}

/**
 * RTM_GETNEIGH dump. With strict checking the kernel refuses anything in the ndmsg but the family
 * and NTF_PROXY, so the link and master filters go in attributes (which it applies either way).
 */
export function encodeGetNeighbours(opts: GetNeighboursOptions = {}): Buffer {
  const fam = familyByte(opts.family);
  const w = sharedWriter;
  w.begin(RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP);
  writeNdmsg(fam, 0, 0, opts.proxy ? NTF_PROXY : 0);
  if (opts.index !== undefined) w.u32(NDA_IFINDEX, checkIfindex('index', opts.index));
  if (opts.master !== undefined) w.u32(NDA_MASTER, checkIfindex('master', opts.master));
  return w.finish();
}

/** RTM_GETNEIGH for one entry (`ip neigh get [proxy] ADDR dev X`): ENOENT when there is none. */
export function encodeGetNeighbour(spec: { index: number; address: string; proxy?: boolean }): Buffer {
  const w = sharedWriter;
  w.begin(RTM_GETNEIGH, NLM_F_REQUEST);
  const at = writeNdmsg(0, checkIfindex('index', spec.index), 0, spec.proxy ? NTF_PROXY : 0);
  const dstAt = w.pos;
  w.ip(NDA_DST, spec.address);
  w.buf[at] = w.buf.readUInt16LE(dstAt) === 8 ? AF_INET : AF_INET6;
  return w.finish();
}

function checkByte(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new TypeError(`${name} must be 0..255, got ${v}`);
  return v;
}

/** Shared body of add/replace/delete. */
function encodeNeighbourRequest(type: number, flags: number, spec: NeighbourSpec, isDelete: boolean): Buffer {
  const state = spec.state ?? NUD_PERMANENT;
  if (!Number.isInteger(state) || state < 0 || state > 0xffff) {
    throw new TypeError(`state must be a u16 of NUD_* bits, got ${state}`);
  }
  const ndmFlags = checkByte('flags', spec.flags ?? 0);
  const w = sharedWriter;
  w.begin(type, flags);
  const at = writeNdmsg(0, checkIfindex('index', spec.index), state, ndmFlags);
  if (spec.protocol !== undefined && !isDelete) w.u8(NDA_PROTOCOL, checkByte('protocol', spec.protocol));
  const dstAt = w.pos;
  w.ip(NDA_DST, spec.address);
  w.buf[at] = w.buf.readUInt16LE(dstAt) === 8 ? AF_INET : AF_INET6;
  const ext = spec.extFlags ?? 0;
  if (!Number.isInteger(ext) || ext < 0 || ext > 0xffffffff) {
    throw new TypeError(`extFlags must be a u32, got ${ext}`);
  }
  if (ext !== 0 && !isDelete) w.u32(NDA_FLAGS_EXT, ext);
  if (spec.lladdr !== undefined && !isDelete) {
    if (!(spec.lladdr instanceof Uint8Array) || spec.lladdr.length === 0 || spec.lladdr.length > 32) {
      throw new TypeError('lladdr must be 1..32 bytes');
    }
    w.bytes(NDA_LLADDR, spec.lladdr);
  }
  return w.finish();
}

/** How an RTM_NEWNEIGH treats an existing entry: `ip neigh add`, `replace` or `change`. */
export type NeighbourWriteMode = 'add' | 'replace' | 'change';

const WRITE_FLAGS: Readonly<Record<NeighbourWriteMode, number>> = {
  add: NLM_F_CREATE | NLM_F_EXCL,
  replace: NLM_F_CREATE | NLM_F_REPLACE,
  change: NLM_F_REPLACE,
};

/**
 * RTM_NEWNEIGH: 'add' = CREATE|EXCL (EEXIST when there), 'replace' = CREATE|REPLACE, 'change' =
 * REPLACE alone (ENOENT when the entry is absent).
 */
export function encodeNewNeighbour(spec: NeighbourSpec, mode: NeighbourWriteMode = 'add'): Buffer {
  const extra = WRITE_FLAGS[mode];
  if (extra === undefined) throw new TypeError(`unknown neighbour write mode ${JSON.stringify(mode)}`);
  return encodeNeighbourRequest(RTM_NEWNEIGH, NLM_F_REQUEST | NLM_F_ACK | extra, spec, false);
}

/** RTM_DELNEIGH (`ip neigh del [proxy] ADDR dev X`); only index, address and NTF_PROXY matter. */
export function encodeDelNeighbour(spec: NeighbourSpec): Buffer {
  return encodeNeighbourRequest(RTM_DELNEIGH, NLM_F_REQUEST | NLM_F_ACK, spec, true);
}
