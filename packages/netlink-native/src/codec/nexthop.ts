// RTM_*NEXTHOP (linux/nexthop.h): struct nhmsg { u8 family, scope, protocol, resvd; u32 flags; }
// followed by NHA_* attributes. NHA_GROUP is an array of struct nexthop_grp { u32 id; u8 weight;
// u8 weight_high; u16 resvd2; }; NHA_RES_GROUP nests a resilient group's bucket count and timers.
// Requests follow iproute2 6.1 (`ip nexthop show [dev X] [master Y] [groups] [fdb]`,
// `ip nexthop get id N`, `ip nexthop add|replace|del id N ...`) byte for byte.

import type {
  Family,
  IpTunnelEncapSpec,
  NexthopGroupMember,
  NexthopObject,
  NexthopResilience,
} from '../types.ts';
import { attributeLength, attributeType, readU16, readU32, readU64, sharedWriter } from './attributes.ts';
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  NEXTHOP_GRP_LEN,
  NEXTHOP_GRP_TYPE_MPATH,
  NEXTHOP_GRP_TYPE_RES,
  NHA_BLACKHOLE,
  NHA_ENCAP,
  NHA_ENCAP_TYPE,
  NHA_FDB,
  NHA_GATEWAY,
  NHA_GROUP,
  NHA_GROUP_TYPE,
  NHA_GROUPS,
  NHA_HW_STATS_ENABLE,
  NHA_ID,
  NHA_MASTER,
  NHA_OIF,
  NHA_RES_BUCKET,
  NHA_RES_BUCKET_IDLE_TIME,
  NHA_RES_BUCKET_INDEX,
  NHA_RES_BUCKET_NH_ID,
  NHA_RES_GROUP,
  NHA_RES_GROUP_BUCKETS,
  NHA_RES_GROUP_IDLE_TIMER,
  NHA_RES_GROUP_UNBALANCED_TIME,
  NHA_RES_GROUP_UNBALANCED_TIMER,
  NHMSG_LEN,
  NLA_F_NESTED,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_ECHO,
  NLM_F_EXCL,
  NLM_F_REPLACE,
  NLM_F_REQUEST,
  RTM_DELNEXTHOP,
  RTM_GETNEXTHOP,
  RTM_GETNEXTHOPBUCKET,
  RTM_NEWNEXTHOP,
  RTM_NEWNEXTHOPBUCKET,
} from './constants.ts';
import { DecodeError } from './decode-error.ts';
import { checkIfindex, familyByte, formatIPv4, formatIPv6, ipFamily } from './ip.ts';
import { setIpTunnelEncap, writeIpTunnelEncap } from './lwtunnel.ts';
import { align4, type NetlinkMessage } from './message.ts';

/** The kernel reports resilient-group timers in clock_t, USER_HZ = 100 ticks a second. */
const USER_HZ = 100;

function decodeGroup(p: Buffer, d: number, dl: number): NexthopGroupMember[] {
  if (dl % NEXTHOP_GRP_LEN !== 0) {
    throw new DecodeError(`NHA_GROUP of ${dl} bytes is not a whole number of nexthop_grp`, d);
  }
  const members: NexthopGroupMember[] = [];
  for (let at = d; at < d + dl; at += NEXTHOP_GRP_LEN) {
    const weight = ((p[at + 4] as number) | ((p[at + 5] as number) << 8)) + 1;
    members.push({ id: readU32(p, at, 4), weight });
  }
  return members;
}

function decodeResilience(p: Buffer, start: number, end: number): NexthopResilience {
  const r: NexthopResilience = {
    buckets: undefined,
    idleTimer: undefined,
    unbalancedTimer: undefined,
    unbalancedTime: undefined,
  };
  let off = start;
  while (end - off >= 4) {
    const len = attributeLength(p, off, end);
    const d = off + 4;
    const dl = len - 4;
    switch (attributeType(p, off)) {
      case NHA_RES_GROUP_BUCKETS:
        r.buckets = readU16(p, d, dl);
        break;
      case NHA_RES_GROUP_IDLE_TIMER:
        r.idleTimer = readU32(p, d, dl) / USER_HZ;
        break;
      case NHA_RES_GROUP_UNBALANCED_TIMER:
        r.unbalancedTimer = readU32(p, d, dl) / USER_HZ;
        break;
      case NHA_RES_GROUP_UNBALANCED_TIME:
        r.unbalancedTime = Number(readU64(p, d, dl)) / USER_HZ;
        break;
    }
    off += align4(len);
  }
  return r;
}

/** NHA_GATEWAY: 4 bytes in an IPv4 nexthop, 16 in an IPv6 one; nothing else is an address. */
function decodeGateway(p: Buffer, d: number, dl: number, family: Family | undefined): string {
  if ((dl === 4 && family !== 6) || (dl === 16 && family !== 4)) {
    return dl === 4 ? formatIPv4(p, d) : formatIPv6(p, d);
  }
  throw new DecodeError(
    `NHA_GATEWAY of ${dl} bytes in a ${family ? `IPv${family}` : 'familyless'} nexthop`,
    d,
  );
}

function nexthopFamily(fam: number, at: number): Family | undefined {
  if (fam === AF_INET) return 4;
  if (fam === AF_INET6) return 6;
  if (fam === AF_UNSPEC) return undefined;
  throw new DecodeError(`nexthop family ${fam} is none of AF_UNSPEC, AF_INET, AF_INET6`, at);
}

/** Decodes an RTM_NEWNEXTHOP / RTM_DELNEXTHOP message (a dump entry, a get reply or a notification). */
export function decodeNexthop(msg: NetlinkMessage): NexthopObject {
  if (msg.type !== RTM_NEWNEXTHOP && msg.type !== RTM_DELNEXTHOP) {
    throw new DecodeError(`message type ${msg.type} is not a nexthop message`, 0);
  }
  const p = msg.payload;
  if (p.length < NHMSG_LEN) throw new DecodeError(`nhmsg needs ${NHMSG_LEN} bytes, got ${p.length}`, 0);
  const nh: NexthopObject = {
    id: 0,
    family: nexthopFamily(p[0] as number, 0),
    scope: p[1] as number,
    protocol: p[2] as number,
    flags: p.readUInt32LE(4),
    oif: undefined,
    gateway: undefined,
    blackhole: false,
    fdb: false,
    group: undefined,
    groupType: undefined,
    resilient: undefined,
    encapType: undefined,
    encap: undefined,
    hwStats: undefined,
  };
  let id: number | undefined;
  let off = NHMSG_LEN;
  while (p.length - off >= 4) {
    const len = attributeLength(p, off, p.length);
    const d = off + 4;
    const dl = len - 4;
    switch (attributeType(p, off)) {
      case NHA_ID:
        id = readU32(p, d, dl);
        break;
      case NHA_GROUP:
        nh.group = decodeGroup(p, d, dl);
        break;
      case NHA_GROUP_TYPE:
        nh.groupType = readU16(p, d, dl);
        break;
      case NHA_BLACKHOLE:
        nh.blackhole = true;
        break;
      case NHA_OIF:
        nh.oif = readU32(p, d, dl);
        break;
      case NHA_GATEWAY:
        nh.gateway = decodeGateway(p, d, dl, nh.family);
        break;
      case NHA_ENCAP_TYPE:
        nh.encapType = readU16(p, d, dl);
        break;
      case NHA_ENCAP:
        nh.encap = Buffer.from(p.subarray(d, d + dl));
        break;
      case NHA_FDB:
        nh.fdb = true;
        break;
      case NHA_RES_GROUP:
        nh.resilient = decodeResilience(p, d, d + dl);
        break;
      case NHA_HW_STATS_ENABLE:
        nh.hwStats = readU32(p, d, dl) !== 0;
        break;
    }
    off += align4(len);
  }
  // Every nexthop object has an id (0 only asks the kernel to pick one): without it the message
  // cannot be matched to anything a caller knows.
  if (id === undefined || id === 0) throw new DecodeError('nexthop message without an NHA_ID', NHMSG_LEN);
  nh.id = id;
  setIpTunnelEncap(nh);
  return nh;
}

// ---- request encoders ----

export interface GetNexthopsOptions {
  /** nh_family: only IPv4 or IPv6 nexthops (groups have no family, so the kernel leaves them out). */
  family?: Family;
  /** NHA_OIF: only nexthops through this ifindex. */
  oif?: number;
  /** NHA_MASTER: only nexthops whose device is enslaved to this ifindex (a VRF or bridge). */
  master?: number;
  /** NHA_GROUPS: only groups. */
  groups?: boolean;
  /** NHA_FDB: only fdb nexthops. */
  fdb?: boolean;
}

function writeNhmsg(family: Family | undefined): void {
  const at = sharedWriter.zeros(NHMSG_LEN);
  sharedWriter.buf[at] = familyByte(family);
}

/**
 * RTM_GETNEXTHOP dump (`ip [-4|-6] nexthop show [dev X] [master Y] [groups] [fdb]`). The kernel
 * validates and applies every filter itself (nexthop dumps are strict whatever the socket
 * option), so replies need no second filtering here.
 */
export function encodeGetNexthops(opts: GetNexthopsOptions = {}): Buffer {
  const w = sharedWriter;
  if (opts.family !== undefined && opts.family !== 4 && opts.family !== 6) {
    throw new TypeError(`family must be 4 or 6, got ${opts.family}`);
  }
  w.begin(RTM_GETNEXTHOP, NLM_F_REQUEST | NLM_F_DUMP);
  writeNhmsg(opts.family);
  if (opts.oif !== undefined) w.u32(NHA_OIF, checkIfindex('oif', opts.oif));
  if (opts.master !== undefined) w.u32(NHA_MASTER, checkIfindex('master', opts.master));
  if (opts.groups) w.bytes(NHA_GROUPS, EMPTY);
  if (opts.fdb) w.bytes(NHA_FDB, EMPTY);
  return w.finish();
}

const EMPTY = new Uint8Array(0);

/** RTM_GETNEXTHOP for one id (`ip nexthop get id N`); the kernel answers ENOENT when there is none. */
export function encodeGetNexthop(id: number): Buffer {
  if (!Number.isInteger(id) || id < 1 || id > 0xffffffff) {
    throw new TypeError(`nexthop id must be 1..2^32-1, got ${id}`);
  }
  const w = sharedWriter;
  w.begin(RTM_GETNEXTHOP, NLM_F_REQUEST);
  writeNhmsg(undefined);
  w.u32(NHA_ID, id);
  return w.finish();
}

// ---- RTM_NEWNEXTHOP / RTM_DELNEXTHOP ----

/** One member of a group to create: nexthop_grp { id; weight - 1 (low byte); weight_high; }. */
export interface NexthopGroupMemberSpec {
  id: number;
  /**
   * 1..256; up to 65535 on kernels >= 6.12, which read the high byte (older ones refuse it). The
   * kernel keeps the weight in a u16, so it refuses 65536.
   */
  weight?: number;
}

/** NHA_RES_GROUP of a resilient group to create; timers in seconds (sent as clock_t, 1/100 s). */
export interface NexthopResilienceSpec {
  /** NHA_RES_GROUP_BUCKETS: 1..65535 (the kernel's default is 128). */
  buckets?: number;
  /** NHA_RES_GROUP_IDLE_TIMER. */
  idleTimer?: number;
  /** NHA_RES_GROUP_UNBALANCED_TIMER (0: never force). */
  unbalancedTimer?: number;
}

/**
 * What RTM_NEWNEXTHOP sends (`ip nexthop add id N ...`). A single nexthop is a gateway and/or a
 * device, a blackhole, or an fdb gateway; a group lists other nexthop objects. The kernel refuses
 * other mixes (a group with a device, a blackhole with a gateway); `encodeNewNexthop` refuses them
 * first.
 */
export interface NexthopSpec {
  /**
   * NHA_ID, 1..2^32-1. Left out of an add, the kernel picks a free id (`ip nexthop add via ...`
   * without `id`); a replace needs one.
   */
  id?: number;
  /** nh_family. Default: the gateway's; AF_UNSPEC for a group; else IPv4 (as iproute2 sends a bare `blackhole`). */
  family?: Family;
  /** nh_protocol (RTPROT_*), default 0. */
  protocol?: number;
  /** nh_flags: RTNH_F_ONLINK is the one a request may set. */
  flags?: number;
  gateway?: string;
  /** NHA_OIF. */
  oif?: number;
  blackhole?: boolean;
  fdb?: boolean;
  group?: readonly NexthopGroupMemberSpec[];
  /** NHA_GROUP_TYPE: NEXTHOP_GRP_TYPE_MPATH or NEXTHOP_GRP_TYPE_RES; left out unless given. */
  groupType?: number;
  /** Only with groupType NEXTHOP_GRP_TYPE_RES. */
  resilient?: NexthopResilienceSpec;
  /** NHA_ENCAP + NHA_ENCAP_TYPE: a lightweight tunnel encapsulation (`encap ip ...`); single nexthops only. */
  encap?: IpTunnelEncapSpec;
}

function nexthopIdOf(id: number): number {
  if (!Number.isInteger(id) || id < 1 || id > 0xffffffff) {
    throw new TypeError(`nexthop id must be 1..2^32-1, got ${id}`);
  }
  return id;
}

/** The mixes the kernel refuses, refused before anything is sent. */
function checkNexthopShape(s: NexthopSpec): void {
  const isGroup = s.group !== undefined;
  if (isGroup) {
    if (!Array.isArray(s.group) || s.group.length === 0)
      throw new TypeError('group must be a non-empty array');
    if (s.gateway !== undefined || s.oif !== undefined || s.blackhole) {
      throw new TypeError('a nexthop group takes no gateway, device or blackhole (its members do)');
    }
    if (s.family !== undefined) throw new TypeError('a nexthop group has no family');
  } else if (s.groupType !== undefined || s.resilient !== undefined) {
    throw new TypeError('groupType and resilient need a group');
  }
  if (s.blackhole && (s.gateway !== undefined || s.oif !== undefined || s.fdb)) {
    throw new TypeError('a blackhole nexthop takes no gateway, device or fdb');
  }
  if (s.fdb && s.oif !== undefined) throw new TypeError('an fdb nexthop takes no device');
  if (s.encap !== undefined && (isGroup || s.blackhole || s.fdb)) {
    throw new TypeError(
      'an encap goes on a single nexthop with a device, not on a group, blackhole or fdb nexthop',
    );
  }
  if (!isGroup && !s.blackhole && s.gateway === undefined && s.oif === undefined) {
    throw new TypeError('a nexthop needs a gateway, a device, blackhole or a group');
  }
  if (s.resilient !== undefined && s.groupType !== NEXTHOP_GRP_TYPE_RES) {
    throw new TypeError('resilient settings need groupType NEXTHOP_GRP_TYPE_RES');
  }
}

function writeGroup(members: readonly NexthopGroupMemberSpec[]): void {
  const w = sharedWriter;
  const at = w.nestStart(NHA_GROUP);
  for (const m of members) {
    const weight = m.weight ?? 1;
    if (!Number.isInteger(weight) || weight < 1 || weight > 65535) {
      throw new TypeError(`group member weight must be 1..65535, got ${weight}`);
    }
    const o = w.zeros(NEXTHOP_GRP_LEN);
    w.buf.writeUInt32LE(nexthopIdOf(m.id), o);
    w.buf[o + 4] = (weight - 1) & 0xff;
    w.buf[o + 5] = (weight - 1) >> 8;
  }
  w.nestEnd(at);
}

function clockTicks(name: string, seconds: number): number {
  const ticks = Math.round(seconds * USER_HZ);
  if (!Number.isFinite(seconds) || seconds < 0 || ticks > 0xffffffff) {
    throw new TypeError(`${name} must be 0..${Math.floor(0xffffffff / USER_HZ)} seconds, got ${seconds}`);
  }
  return ticks;
}

function writeResilience(r: NexthopResilienceSpec): void {
  const w = sharedWriter;
  const at = w.nestStart(NHA_RES_GROUP | NLA_F_NESTED);
  if (r.buckets !== undefined) {
    if (!Number.isInteger(r.buckets) || r.buckets < 1 || r.buckets > 0xffff) {
      throw new TypeError(`buckets must be 1..65535, got ${r.buckets}`);
    }
    w.u16(NHA_RES_GROUP_BUCKETS, r.buckets);
  }
  if (r.idleTimer !== undefined) w.u32(NHA_RES_GROUP_IDLE_TIMER, clockTicks('idleTimer', r.idleTimer));
  if (r.unbalancedTimer !== undefined) {
    w.u32(NHA_RES_GROUP_UNBALANCED_TIMER, clockTicks('unbalancedTimer', r.unbalancedTimer));
  }
  w.nestEnd(at);
}

function u8Of(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 255) throw new TypeError(`${name} must be 0..255, got ${v}`);
  return v;
}

/**
 * RTM_NEWNEXTHOP: 'add' = CREATE|EXCL (EEXIST when the id is taken), 'replace' = CREATE|REPLACE.
 * Attributes in the order iproute2 6.1 writes them for `ip nexthop add id N [group ...] [type
 * resilient ...] [blackhole] [via GW] [encap ...] [dev X] [fdb]`: NHA_ID, NHA_GROUP, NHA_RES_GROUP,
 * NHA_GROUP_TYPE, NHA_BLACKHOLE, NHA_GATEWAY, NHA_ENCAP and NHA_ENCAP_TYPE, NHA_OIF, NHA_FDB. `echo` sets NLM_F_ECHO (`ip -echo
 * nexthop add`): the kernel then sends the object it made, with the id it chose, before the ACK.
 */
export function encodeNewNexthop(spec: NexthopSpec, mode: 'add' | 'replace' = 'add', echo = false): Buffer {
  checkNexthopShape(spec);
  if (spec.id === undefined && mode === 'replace') {
    throw new TypeError('a nexthop replace needs the id of the object to replace');
  }
  const gwFamily = spec.gateway === undefined ? undefined : ipFamily(spec.gateway);
  if (spec.gateway !== undefined && gwFamily === undefined) {
    throw new TypeError(`not an IP address: ${JSON.stringify(spec.gateway)}`);
  }
  if (spec.family !== undefined && spec.family !== 4 && spec.family !== 6) {
    throw new TypeError(`family must be 4 or 6, got ${spec.family}`);
  }
  if (spec.family !== undefined && gwFamily !== undefined && spec.family !== gwFamily) {
    throw new TypeError(`gateway ${spec.gateway} is not IPv${spec.family}`);
  }
  const family = spec.group !== undefined ? undefined : (spec.family ?? gwFamily ?? 4);
  const w = sharedWriter;
  w.begin(
    RTM_NEWNEXTHOP,
    NLM_F_REQUEST |
      NLM_F_ACK |
      NLM_F_CREATE |
      (mode === 'replace' ? NLM_F_REPLACE : NLM_F_EXCL) |
      (echo ? NLM_F_ECHO : 0),
  );
  const at = w.zeros(NHMSG_LEN);
  w.buf[at] = familyByte(family);
  w.buf[at + 2] = u8Of('protocol', spec.protocol ?? 0);
  w.buf.writeUInt32LE(u32Of('flags', spec.flags ?? 0), at + 4);
  if (spec.id !== undefined) w.u32(NHA_ID, nexthopIdOf(spec.id));
  if (spec.group !== undefined) writeGroup(spec.group);
  if (spec.resilient !== undefined) writeResilience(spec.resilient);
  if (spec.groupType !== undefined) {
    if (spec.groupType !== NEXTHOP_GRP_TYPE_MPATH && spec.groupType !== NEXTHOP_GRP_TYPE_RES) {
      throw new TypeError(
        `groupType must be NEXTHOP_GRP_TYPE_MPATH or NEXTHOP_GRP_TYPE_RES, got ${spec.groupType}`,
      );
    }
    w.u16(NHA_GROUP_TYPE, spec.groupType);
  }
  if (spec.blackhole) w.bytes(NHA_BLACKHOLE, EMPTY);
  if (spec.gateway !== undefined) w.ip(NHA_GATEWAY, spec.gateway, gwFamily);
  if (spec.encap !== undefined) writeIpTunnelEncap(w, NHA_ENCAP, NHA_ENCAP_TYPE, spec.encap);
  if (spec.oif !== undefined) w.u32(NHA_OIF, checkIfindex('oif', spec.oif));
  if (spec.fdb) w.bytes(NHA_FDB, EMPTY);
  return w.finish();
}

function u32Of(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new TypeError(`${name} must be a u32, got ${v}`);
  return v;
}

/** RTM_DELNEXTHOP (`ip nexthop del id N`): nhmsg AF_UNSPEC and NHA_ID. */
export function encodeDelNexthop(id: number): Buffer {
  const w = sharedWriter;
  w.begin(RTM_DELNEXTHOP, NLM_F_REQUEST | NLM_F_ACK);
  writeNhmsg(undefined);
  w.u32(NHA_ID, nexthopIdOf(id));
  return w.finish();
}

// ---- resilient group buckets (RTM_GETNEXTHOPBUCKET, `ip nexthop bucket`) ----

/** One bucket of a resilient nexthop group (RTM_NEWNEXTHOPBUCKET): which member its flows go to. */
export interface NexthopBucket {
  /** NHA_ID: the resilient group's id. */
  groupId: number;
  /** NHA_RES_BUCKET_INDEX: 0 .. buckets - 1. */
  index: number;
  /** NHA_RES_BUCKET_NH_ID: the member nexthop the bucket's flows go to. */
  nhId: number;
  /** NHA_RES_BUCKET_IDLE_TIME: seconds since traffic last hit the bucket. */
  idleTime: number;
  /** nh_flags: RTNH_F_* (RTNH_F_OFFLOAD / RTNH_F_TRAP when a driver holds it). */
  flags: number;
}

function decodeBucketNest(p: Buffer, start: number, end: number, b: NexthopBucket): void {
  let off = start;
  while (end - off >= 4) {
    const len = attributeLength(p, off, end);
    const d = off + 4;
    const dl = len - 4;
    switch (attributeType(p, off)) {
      case NHA_RES_BUCKET_INDEX:
        b.index = readU16(p, d, dl);
        break;
      case NHA_RES_BUCKET_IDLE_TIME:
        b.idleTime = Number(readU64(p, d, dl)) / USER_HZ;
        break;
      case NHA_RES_BUCKET_NH_ID:
        b.nhId = readU32(p, d, dl);
        break;
    }
    off += align4(len);
  }
}

/** Decodes an RTM_NEWNEXTHOPBUCKET message (a bucket dump entry or a bucket get reply). */
export function decodeNexthopBucket(msg: NetlinkMessage): NexthopBucket {
  if (msg.type !== RTM_NEWNEXTHOPBUCKET) {
    throw new DecodeError(`message type ${msg.type} is not a nexthop bucket message`, 0);
  }
  const p = msg.payload;
  if (p.length < NHMSG_LEN) throw new DecodeError(`nhmsg needs ${NHMSG_LEN} bytes, got ${p.length}`, 0);
  const b: NexthopBucket = { groupId: 0, index: -1, nhId: 0, idleTime: 0, flags: p.readUInt32LE(4) };
  let off = NHMSG_LEN;
  while (p.length - off >= 4) {
    const len = attributeLength(p, off, p.length);
    const type = attributeType(p, off);
    if (type === NHA_ID) b.groupId = readU32(p, off + 4, len - 4);
    else if (type === NHA_RES_BUCKET) decodeBucketNest(p, off + 4, off + len, b);
    off += align4(len);
  }
  if (b.groupId === 0 || b.index < 0 || b.nhId === 0) {
    throw new DecodeError('nexthop bucket message without NHA_ID, bucket index or member id', NHMSG_LEN);
  }
  return b;
}

/** What a bucket dump asks for; the kernel applies every filter. */
export interface GetNexthopBucketsOptions {
  /** NHA_ID: only this resilient group's buckets. */
  id?: number;
  /** NHA_OIF: only buckets whose member leaves through this ifindex. */
  oif?: number;
  /** NHA_MASTER: only buckets whose member's device is enslaved to this ifindex. */
  master?: number;
  /** NHA_RES_BUCKET { NHA_RES_BUCKET_NH_ID }: only buckets holding this member. */
  nhId?: number;
}

/**
 * RTM_GETNEXTHOPBUCKET dump (`ip nexthop bucket show [id N] [nhid M] [dev X] [master Y]`), in the
 * attribute order iproute2 6.1 writes: NHA_OIF, NHA_MASTER, NHA_ID, NHA_RES_BUCKET.
 */
export function encodeGetNexthopBuckets(opts: GetNexthopBucketsOptions = {}): Buffer {
  const w = sharedWriter;
  w.begin(RTM_GETNEXTHOPBUCKET, NLM_F_REQUEST | NLM_F_DUMP);
  writeNhmsg(undefined);
  if (opts.oif !== undefined) w.u32(NHA_OIF, checkIfindex('oif', opts.oif));
  if (opts.master !== undefined) w.u32(NHA_MASTER, checkIfindex('master', opts.master));
  if (opts.id !== undefined) w.u32(NHA_ID, nexthopIdOf(opts.id));
  if (opts.nhId !== undefined) {
    const at = w.nestStart(NHA_RES_BUCKET | NLA_F_NESTED);
    w.u32(NHA_RES_BUCKET_NH_ID, nexthopIdOf(opts.nhId));
    w.nestEnd(at);
  }
  return w.finish();
}

/** RTM_GETNEXTHOPBUCKET for one bucket (`ip nexthop bucket get id N index I`). */
export function encodeGetNexthopBucket(id: number, index: number): Buffer {
  if (!Number.isInteger(index) || index < 0 || index > 0xffff) {
    throw new TypeError(`bucket index must be 0..65535, got ${index}`);
  }
  const w = sharedWriter;
  w.begin(RTM_GETNEXTHOPBUCKET, NLM_F_REQUEST);
  writeNhmsg(undefined);
  w.u32(NHA_ID, nexthopIdOf(id));
  const at = w.nestStart(NHA_RES_BUCKET | NLA_F_NESTED);
  w.u16(NHA_RES_BUCKET_INDEX, index);
  w.nestEnd(at);
  return w.finish();
}
