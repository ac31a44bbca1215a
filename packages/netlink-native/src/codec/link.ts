// RTM_*LINK: struct ifinfomsg { u8 family; u8 pad; u16 type; s32 index; u32 flags; u32 change; }
// followed by IFLA_* attributes. Request layouts follow iproute2 6.1 byte for byte (golden tests).

import type {
  BridgePortSpec,
  BridgeSpec,
  Link,
  LinkChangeSpec,
  LinkCreateSpec,
  LinkSelector,
  OperState,
  VlanSpec,
  VxlanSpec,
} from '../types.ts';
import {
  type AttrWriter,
  attributeLength,
  attributeType,
  readString,
  readU32,
  sharedWriter,
} from './attributes.ts';
import {
  AF_BRIDGE,
  AF_PACKET,
  AF_UNSPEC,
  IFF_UP,
  IFINFOMSG_LEN,
  IFLA_ADDRESS,
  IFLA_ALT_IFNAME,
  IFLA_BROADCAST,
  IFLA_CARRIER,
  IFLA_EXT_MASK,
  IFLA_GROUP,
  IFLA_IFALIAS,
  IFLA_IFNAME,
  IFLA_INFO_DATA,
  IFLA_INFO_KIND,
  IFLA_INFO_SLAVE_DATA,
  IFLA_INFO_SLAVE_KIND,
  IFLA_LINK,
  IFLA_LINK_NETNSID,
  IFLA_LINKINFO,
  IFLA_MASTER,
  IFLA_MAX_MTU,
  IFLA_MIN_MTU,
  IFLA_MTU,
  IFLA_NET_NS_FD,
  IFLA_NET_NS_PID,
  IFLA_OPERSTATE,
  IFLA_PERM_ADDRESS,
  IFLA_PROMISCUITY,
  IFLA_PROP_LIST,
  IFLA_PROTINFO,
  IFLA_QDISC,
  IFLA_STATS64,
  IFLA_TXQLEN,
  NLA_F_NESTED,
  NLA_TYPE_MASK,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REQUEST,
  RTEXT_FILTER_SKIP_STATS,
  RTEXT_FILTER_VF,
  RTM_DELLINK,
  RTM_GETLINK,
  RTM_NEWLINK,
  RTM_SETLINK,
  VETH_INFO_PEER,
} from './constants.ts';
import { DecodeError } from './decode-error.ts';
import { formatMac, parseMac } from './ip.ts';
import {
  BRIDGE_LINK_ORDER,
  decodeBridgeInfo,
  decodeBridgePortInfo,
  decodeIpvlanInfo,
  decodeMacvlanInfo,
  decodeVlanInfo,
  writeBridgeData,
  writeBridgePortData,
  writeIpvlanData,
  writeMacvlanChange,
  writeMacvlanData,
  writeVlanChange,
  writeVlanData,
} from './link-kinds.ts';
import { decodeLinkStats } from './link-stats.ts';
import { decodeVxlanInfo, writeVxlanChange, writeVxlanData } from './link-vxlan.ts';
import { align4, type NetlinkMessage } from './message.ts';

const OPER_STATES: readonly OperState[] = [
  'unknown',
  'notpresent',
  'down',
  'lowerlayerdown',
  'testing',
  'dormant',
  'up',
];

/** Reads the fields of IFLA_LINKINFO into `link`, the kind's data decoded once the kind is known. */
function decodeLinkInfo(p: Buffer, start: number, end: number, link: Link): void {
  let off = start;
  let slaveData: Buffer | undefined;
  while (end - off >= 4) {
    const len = (p[off] as number) | ((p[off + 1] as number) << 8);
    const type = ((p[off + 2] as number) | ((p[off + 3] as number) << 8)) & NLA_TYPE_MASK;
    if (len < 4 || len > end - off) throw new DecodeError(`IFLA_LINKINFO attribute length ${len}`, off);
    const d = off + 4;
    const dl = len - 4;
    if (type === IFLA_INFO_KIND) link.kind = readString(p, d, dl);
    else if (type === IFLA_INFO_SLAVE_KIND) link.slaveKind = readString(p, d, dl);
    else if (type === IFLA_INFO_DATA) link.infoData = Buffer.from(p.subarray(d, d + dl));
    else if (type === IFLA_INFO_SLAVE_DATA) slaveData = p.subarray(d, d + dl);
    off += align4(len);
  }
  if (link.infoData !== undefined) decodeKindData(link, link.infoData);
  if (slaveData !== undefined && link.slaveKind === 'bridge')
    link.bridgePort = decodeBridgePortInfo(slaveData);
}

/** The typed view of IFLA_INFO_DATA for the kinds the codec knows. */
function decodeKindData(link: Link, data: Buffer): void {
  switch (link.kind) {
    case 'vlan':
      link.vlan = decodeVlanInfo(data);
      break;
    case 'macvlan':
    case 'macvtap':
      link.macvlan = decodeMacvlanInfo(data);
      break;
    case 'ipvlan':
    case 'ipvtap':
      link.ipvlan = decodeIpvlanInfo(data);
      break;
    case 'bridge':
      link.bridge = decodeBridgeInfo(data);
      break;
    case 'vxlan':
      link.vxlan = decodeVxlanInfo(data);
      break;
  }
}

function decodeAltNames(p: Buffer, start: number, end: number): string[] {
  const names: string[] = [];
  let off = start;
  while (end - off >= 4) {
    const len = (p[off] as number) | ((p[off + 1] as number) << 8);
    const type = ((p[off + 2] as number) | ((p[off + 3] as number) << 8)) & NLA_TYPE_MASK;
    if (len < 4 || len > end - off) throw new DecodeError(`IFLA_PROP_LIST attribute length ${len}`, off);
    if (type === IFLA_ALT_IFNAME) names.push(readString(p, off + 4, len - 4));
    off += align4(len);
  }
  return names;
}

/** Reads one IFLA_* attribute (payload p[d, d + dl)) of a link message into `link`. */
function readLinkAttribute(p: Buffer, type: number, d: number, dl: number, link: Link, family: number): void {
  switch (type) {
    case IFLA_IFNAME:
      link.name = readString(p, d, dl);
      break;
    case IFLA_MTU:
      link.mtu = readU32(p, d, dl);
      break;
    case IFLA_ADDRESS:
      link.mac = formatMac(p, d, dl);
      break;
    case IFLA_BROADCAST:
      link.broadcast = formatMac(p, d, dl);
      break;
    case IFLA_PERM_ADDRESS:
      link.permanentMac = formatMac(p, d, dl);
      break;
    case IFLA_OPERSTATE:
      if (dl < 1) throw new DecodeError('IFLA_OPERSTATE of 0 bytes', d);
      link.operState = OPER_STATES[p[d] as number] ?? 'unknown';
      break;
    case IFLA_LINKINFO:
      decodeLinkInfo(p, d, d + dl, link);
      break;
    case IFLA_MASTER:
      link.master = readU32(p, d, dl);
      break;
    case IFLA_LINK:
      link.parent = readU32(p, d, dl);
      break;
    case IFLA_LINK_NETNSID:
      link.linkNetnsId = readU32(p, d, dl) | 0;
      break;
    case IFLA_TXQLEN:
      link.txQueueLength = readU32(p, d, dl);
      break;
    case IFLA_QDISC:
      link.qdisc = readString(p, d, dl);
      break;
    case IFLA_GROUP:
      link.group = readU32(p, d, dl);
      break;
    case IFLA_PROMISCUITY:
      link.promiscuity = readU32(p, d, dl);
      break;
    case IFLA_CARRIER:
      if (dl < 1) throw new DecodeError('IFLA_CARRIER of 0 bytes', d);
      link.carrier = p[d] !== 0;
      break;
    case IFLA_MIN_MTU:
      link.minMtu = readU32(p, d, dl);
      break;
    case IFLA_MAX_MTU:
      link.maxMtu = readU32(p, d, dl);
      break;
    case IFLA_IFALIAS:
      link.alias = readString(p, d, dl);
      break;
    case IFLA_PROP_LIST:
      link.altNames = decodeAltNames(p, d, d + dl);
      break;
    case IFLA_STATS64:
      link.stats = decodeLinkStats(p, d, dl);
      break;
    case IFLA_PROTINFO:
      // IFLA_BRPORT_* only in AF_BRIDGE messages (`bridge link`); other families put other things here
      if (family === AF_BRIDGE) link.bridgePort = decodeBridgePortInfo(p, d, d + dl);
      break;
  }
}

/**
 * Decodes the ifinfomsg + IFLA_* attributes found in `p[start, end)`. Shared by decodeLink and by
 * callers holding a nested ifinfomsg (the veth peer).
 */
export function decodeLinkPayload(p: Buffer, start = 0, end = p.length): Link {
  if (start < 0 || end > p.length || start > end) {
    throw new DecodeError(`link range ${start}..${end} outside ${p.length} bytes`, start);
  }
  if (end - start < IFINFOMSG_LEN)
    throw new DecodeError(`ifinfomsg needs 16 bytes, got ${end - start}`, start);
  const flags = p.readUInt32LE(start + 8);
  const link: Link = {
    index: p.readInt32LE(start + 4),
    name: '',
    type: p.readUInt16LE(start + 2),
    flags,
    up: (flags & IFF_UP) !== 0,
    mtu: undefined,
    mac: undefined,
    broadcast: undefined,
    permanentMac: undefined,
    operState: undefined,
    kind: undefined,
    slaveKind: undefined,
    master: undefined,
    parent: undefined,
    linkNetnsId: undefined,
    txQueueLength: undefined,
    qdisc: undefined,
    group: undefined,
    promiscuity: undefined,
    carrier: undefined,
    minMtu: undefined,
    maxMtu: undefined,
    alias: undefined,
    altNames: undefined,
    infoData: undefined,
    stats: undefined,
    vlan: undefined,
    macvlan: undefined,
    ipvlan: undefined,
    bridge: undefined,
    bridgePort: undefined,
    vxlan: undefined,
  };
  const family = p[start] as number;
  let off = start + IFINFOMSG_LEN;
  while (end - off >= 4) {
    const len = attributeLength(p, off, end);
    readLinkAttribute(p, attributeType(p, off), off + 4, len - 4, link, family);
    off += align4(len);
  }
  return link;
}

/**
 * The peer described in a veth's IFLA_INFO_DATA (VETH_INFO_PEER: an ifinfomsg and IFLA_*
 * attributes), as sent in a create request. The kernel does not report it back in dumps; there the
 * peer is IFLA_LINK. Undefined when the data holds no peer.
 */
export function decodeVethPeer(infoData: Buffer): Link | undefined {
  let peer: Link | undefined;
  let off = 0;
  const end = infoData.length;
  while (end - off >= 4) {
    const len = (infoData[off] as number) | ((infoData[off + 1] as number) << 8);
    const type = ((infoData[off + 2] as number) | ((infoData[off + 3] as number) << 8)) & NLA_TYPE_MASK;
    if (len < 4 || len > end - off) throw new DecodeError(`veth info attribute length ${len}`, off);
    if (type === VETH_INFO_PEER) peer = decodeLinkPayload(infoData, off + 4, off + len);
    off += align4(len);
  }
  return peer;
}

/** decodeLinkPayload under the name the other range decoders use (decodeRouteAt, decodeAddressAt). */
export function decodeLinkAt(p: Buffer, start: number, end: number): Link {
  return decodeLinkPayload(p, start, end);
}

/** Decodes an RTM_NEWLINK / RTM_DELLINK message. */
export function decodeLink(msg: NetlinkMessage): Link {
  if (msg.type !== RTM_NEWLINK && msg.type !== RTM_DELLINK) {
    throw new DecodeError(`message type ${msg.type} is not a link message`, 0);
  }
  return decodeLinkPayload(msg.payload);
}

// ---- request encoders ----

function writeIfinfomsg(w: AttrWriter, family: number, index: number, flags: number, change: number): void {
  const at = w.zeros(IFINFOMSG_LEN);
  w.buf[at] = family;
  w.buf.writeInt32LE(index, at + 4);
  w.buf.writeUInt32LE(flags >>> 0, at + 8);
  w.buf.writeUInt32LE(change >>> 0, at + 12);
}

function checkIndex(index: number): void {
  if (!Number.isInteger(index) || index <= 0 || index > 0x7fffffff) {
    throw new TypeError(`link index must be a positive integer, got ${index}`);
  }
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || Buffer.byteLength(name) > 15 || name.includes('\0')) {
    throw new TypeError(`link name must be 1-15 bytes without NUL, got ${JSON.stringify(name)}`);
  }
}

export interface GetLinkOptions {
  index?: number;
  name?: string;
  /** Dump every link (ignores index/name). */
  dump?: boolean;
  /** ifi_family; default AF_PACKET for dumps and name lookups, AF_UNSPEC by index (as iproute2). */
  family?: number;
  /** IFLA_EXT_MASK; default RTEXT_FILTER_VF, or VF|SKIP_STATS by index (as iproute2). */
  extMask?: number;
}

/**
 * RTM_GETLINK: a dump (`ip link show`), a get by name (`ip link show dev NAME`) or a get by
 * index (iproute2's index-to-name lookup). Gets are sent without NLM_F_ACK: the reply is the link
 * or an NLMSG_ERROR.
 */
export function encodeGetLink(opts: GetLinkOptions = {}): Buffer {
  const w = sharedWriter;
  if (opts.dump || (opts.index === undefined && opts.name === undefined)) {
    w.begin(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP);
    writeIfinfomsg(w, opts.family ?? AF_PACKET, 0, 0, 0);
    w.u32(IFLA_EXT_MASK, opts.extMask ?? RTEXT_FILTER_VF);
    return w.finish();
  }
  w.begin(RTM_GETLINK, NLM_F_REQUEST);
  if (opts.index !== undefined) {
    checkIndex(opts.index);
    writeIfinfomsg(w, opts.family ?? AF_UNSPEC, opts.index, 0, 0);
    w.u32(IFLA_EXT_MASK, opts.extMask ?? RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS);
    if (opts.name !== undefined) {
      checkName(opts.name);
      w.string(IFLA_IFNAME, opts.name);
    }
    return w.finish();
  }
  const name = opts.name as string;
  checkName(name);
  writeIfinfomsg(w, opts.family ?? AF_PACKET, 0, 0, 0);
  w.string(IFLA_IFNAME, name);
  w.u32(IFLA_EXT_MASK, opts.extMask ?? RTEXT_FILTER_VF);
  return w.finish();
}

function writeVethData(w: AttrWriter, spec: LinkCreateSpec): void {
  const peer = spec.peer;
  if (!peer) throw new TypeError('a veth needs peer: { name }');
  checkName(peer.name);
  const p = w.nestStart(VETH_INFO_PEER);
  writeIfinfomsg(w, AF_UNSPEC, 0, 0, 0);
  if (peer.mac !== undefined) w.bytes(IFLA_ADDRESS, parseMac(peer.mac));
  if (peer.mtu !== undefined) w.u32(IFLA_MTU, peer.mtu);
  if (peer.netnsFd !== undefined) w.u32(IFLA_NET_NS_FD, peer.netnsFd);
  w.string(IFLA_IFNAME, peer.name);
  w.nestEnd(p);
}

/** Writes IFLA_INFO_DATA with `body`, leaving it out when the body writes nothing (as iproute2). */
function writeInfoData(w: AttrWriter, body: () => void): void {
  const data = w.nestStart(IFLA_INFO_DATA);
  body();
  if (w.pos === data + 4) w.pos = data;
  else w.nestEnd(data);
}

function writeLinkInfo(w: AttrWriter, spec: LinkCreateSpec): void {
  const info = w.nestStart(IFLA_LINKINFO);
  w.chars(IFLA_INFO_KIND, spec.kind);
  switch (spec.kind) {
    case 'veth':
      writeInfoData(w, () => writeVethData(w, spec));
      break;
    case 'vxlan':
      writeInfoData(w, () => writeVxlanData(w, spec.vxlan as VxlanSpec));
      break;
    case 'vlan':
      writeInfoData(w, () => writeVlanData(w, spec.vlan as VlanSpec));
      break;
    case 'macvlan':
      writeInfoData(w, () => writeMacvlanData(w, spec.macvlan ?? {}));
      break;
    case 'ipvlan':
      writeInfoData(w, () => writeIpvlanData(w, spec.ipvlan ?? {}));
      break;
    case 'bridge':
      if (spec.bridge !== undefined) writeInfoData(w, () => writeBridgeData(w, spec.bridge as BridgeSpec));
      break;
  }
  w.nestEnd(info);
}

const KINDS = new Set(['dummy', 'ifb', 'bridge', 'veth', 'vxlan', 'vlan', 'macvlan', 'ipvlan']);

/** Kinds stacked on a lower device, which they need (IFLA_LINK). */
const NEEDS_LINK = new Set(['vlan', 'macvlan', 'ipvlan']);

/** RTM_NEWLINK with CREATE|EXCL|ACK (`ip link add NAME [mtu N] [address MAC] type KIND ...`). */
export function encodeNewLink(spec: LinkCreateSpec): Buffer {
  checkName(spec.name);
  if (!KINDS.has(spec.kind)) throw new TypeError(`unsupported link kind ${JSON.stringify(spec.kind)}`);
  const w = sharedWriter;
  w.begin(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  writeIfinfomsg(w, AF_UNSPEC, 0, spec.up ? IFF_UP : 0, spec.up ? IFF_UP : 0);
  if (spec.mac !== undefined) w.bytes(IFLA_ADDRESS, parseMac(spec.mac));
  if (spec.mtu !== undefined) w.u32(IFLA_MTU, spec.mtu);
  if (spec.txQueueLength !== undefined) w.u32(IFLA_TXQLEN, spec.txQueueLength);
  if (spec.master !== undefined) w.u32(IFLA_MASTER, spec.master);
  if (spec.link !== undefined) {
    checkIndex(spec.link);
    w.u32(IFLA_LINK, spec.link);
  } else if (NEEDS_LINK.has(spec.kind)) {
    throw new TypeError(`a ${spec.kind} needs the ifindex of its lower device (link)`);
  }
  w.string(IFLA_IFNAME, spec.name);
  writeLinkInfo(w, spec);
  return w.finish();
}

/**
 * RTM_NEWLINK without CREATE (`ip link set ...`): flags through ifi_flags/ifi_change (only the
 * bits being changed are in the mask), the rest as attributes. By name, the name goes in
 * IFLA_IFNAME and ifi_index stays 0.
 */
export function encodeSetLink(spec: LinkChangeSpec): Buffer {
  const w = sharedWriter;
  w.begin(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
  const change = spec.up === undefined ? 0 : IFF_UP;
  const flags = spec.up ? IFF_UP : 0;
  // Attribute order as iproute2 emits `ip link set DEV address A mtu M txqueuelen T master B
  // alias S netns N name NEW`: the (new) name comes last.
  let name: string;
  if (spec.index !== undefined) {
    checkIndex(spec.index);
    if (spec.newName !== undefined) checkName(spec.newName);
    writeIfinfomsg(w, AF_UNSPEC, spec.index, flags, change);
    name = spec.newName ?? '';
  } else {
    checkName(spec.name);
    if (spec.newName !== undefined) throw new TypeError('renaming needs the link selected by index');
    writeIfinfomsg(w, AF_UNSPEC, 0, flags, change);
    name = spec.name;
  }
  if (spec.mac !== undefined) w.bytes(IFLA_ADDRESS, parseMac(spec.mac));
  if (spec.mtu !== undefined) w.u32(IFLA_MTU, spec.mtu);
  if (spec.txQueueLength !== undefined) w.u32(IFLA_TXQLEN, spec.txQueueLength);
  if (spec.master !== undefined) w.u32(IFLA_MASTER, spec.master);
  if (spec.alias !== undefined) w.chars(IFLA_IFALIAS, spec.alias); // no NUL, as iproute2
  if (spec.netnsFd !== undefined) w.u32(IFLA_NET_NS_FD, spec.netnsFd);
  if (spec.netnsPid !== undefined) w.u32(IFLA_NET_NS_PID, spec.netnsPid);
  if (name !== '') w.string(IFLA_IFNAME, name);
  writeChangeLinkInfo(w, spec);
  return w.finish();
}

/**
 * The kind-specific part of a change: a vxlan's (`ip link set X type vxlan ...`), a vlan's (`ip link set V type vlan ...`), a macvlan's
 * (`ip link set M type macvlan ...`), a bridge's
 * options (`ip link set B type bridge ...`) or a
 * bridge port's (`ip link set P type bridge_slave ...`: IFLA_INFO_KIND "bridge_slave", which the
 * kernel ignores on a change, and IFLA_INFO_SLAVE_DATA, which goes to the port's master).
 */
function writeChangeLinkInfo(w: AttrWriter, spec: LinkChangeSpec): void {
  const kinds = [spec.bridge, spec.bridgePort, spec.macvlan, spec.vlan, spec.vxlan];
  if (kinds.filter((k) => k !== undefined).length > 1)
    throw new TypeError('one link change takes one of bridge, bridgePort, macvlan, vlan, vxlan');
  const { vxlan, vlan, macvlan, bridge, bridgePort } = spec;
  if (vxlan !== undefined) writeKindChange(w, 'vxlan', () => writeVxlanChange(w, vxlan));
  else if (vlan !== undefined) writeKindChange(w, 'vlan', () => writeVlanChange(w, vlan));
  else if (macvlan !== undefined) writeKindChange(w, 'macvlan', () => writeMacvlanChange(w, macvlan));
  else if (bridge !== undefined) writeKindChange(w, 'bridge', () => writeBridgeData(w, bridge));
  else if (bridgePort !== undefined) {
    const info = w.nestStart(IFLA_LINKINFO);
    w.chars(IFLA_INFO_KIND, 'bridge_slave');
    const data = w.nestStart(IFLA_INFO_SLAVE_DATA);
    writeBridgePortData(w, bridgePort);
    w.nestEnd(data);
    w.nestEnd(info);
  }
}

/** IFLA_LINKINFO { IFLA_INFO_KIND `kind`, IFLA_INFO_DATA { what `body` writes } }. */
function writeKindChange(w: AttrWriter, kind: string, body: () => void): void {
  const info = w.nestStart(IFLA_LINKINFO);
  w.chars(IFLA_INFO_KIND, kind);
  writeInfoData(w, body);
  w.nestEnd(info);
}

/**
 * RTM_SETLINK of family AF_BRIDGE with IFLA_PROTINFO (NLA_F_NESTED) { IFLA_BRPORT_* }: a bridge
 * port's attributes as `bridge link set dev P ...` sends them. Unlike the RTM_NEWLINK form
 * (encodeSetLink with bridgePort), this does not end in a NETDEV_CHANGE, which re-enables a
 * disabled port and re-selects port states, so a port state set here stays.
 */
export function encodeSetBridgePort(index: number, spec: BridgePortSpec): Buffer {
  checkIndex(index);
  const w = sharedWriter;
  w.begin(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK);
  writeIfinfomsg(w, AF_BRIDGE, index, 0, 0);
  const at = w.nestStart(IFLA_PROTINFO | NLA_F_NESTED);
  writeBridgePortData(w, spec, BRIDGE_LINK_ORDER);
  w.nestEnd(at);
  return w.finish();
}

/** RTM_DELLINK with ACK (`ip link del NAME`, which iproute2 sends by index). */
export function encodeDelLink(sel: LinkSelector): Buffer {
  const w = sharedWriter;
  w.begin(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK);
  if (sel.index !== undefined) {
    checkIndex(sel.index);
    writeIfinfomsg(w, AF_UNSPEC, sel.index, 0, 0);
  } else {
    checkName(sel.name);
    writeIfinfomsg(w, AF_UNSPEC, 0, 0, 0);
    w.string(IFLA_IFNAME, sel.name);
  }
  return w.finish();
}
