// Kind-specific link data: IFLA_INFO_DATA of vlan, macvlan (with its source MAC list), ipvlan and
// bridge links, and the bridge port attributes (IFLA_BRPORT_*); vxlan's is in link-vxlan.ts. Encoders write the nest bodies in attribute-number order
// (iproute2 writes them in argument order; the golden vectors give the arguments in that order);
// decoders read what the kernel's fill_info sends back.

import type {
  BridgeInfo,
  BridgePortInfo,
  BridgePortSpec,
  BridgePortState,
  BridgeSpec,
  IpvlanInfo,
  IpvlanIsolation,
  IpvlanMode,
  IpvlanSpec,
  MacvlanChange,
  MacvlanInfo,
  MacvlanMode,
  MacvlanSpec,
  VlanChange,
  VlanFlags,
  VlanInfo,
  VlanProtocol,
  VlanQosMapping,
  VlanSpec,
} from '../types.ts';
import { type AttrWriter, forEachAttribute, readU8, readU16, readU32 } from './attributes.ts';
import {
  ETH_P_8021AD,
  ETH_P_8021Q,
  IFLA_BR_AGEING_TIME,
  IFLA_BR_FORWARD_DELAY,
  IFLA_BR_HELLO_TIME,
  IFLA_BR_MAX_AGE,
  IFLA_BR_MCAST_SNOOPING,
  IFLA_BR_PRIORITY,
  IFLA_BR_STP_STATE,
  IFLA_BR_VLAN_DEFAULT_PVID,
  IFLA_BR_VLAN_FILTERING,
  IFLA_BR_VLAN_PROTOCOL,
  IFLA_BRPORT_BCAST_FLOOD,
  IFLA_BRPORT_COST,
  IFLA_BRPORT_FAST_LEAVE,
  IFLA_BRPORT_GUARD,
  IFLA_BRPORT_ISOLATED,
  IFLA_BRPORT_LEARNING,
  IFLA_BRPORT_MCAST_FLOOD,
  IFLA_BRPORT_MODE,
  IFLA_BRPORT_NEIGH_SUPPRESS,
  IFLA_BRPORT_PRIORITY,
  IFLA_BRPORT_PROTECT,
  IFLA_BRPORT_PROXYARP,
  IFLA_BRPORT_STATE,
  IFLA_BRPORT_UNICAST_FLOOD,
  IFLA_IPVLAN_FLAGS,
  IFLA_IPVLAN_MODE,
  IFLA_MACVLAN_FLAGS,
  IFLA_MACVLAN_MODE,
  IFLA_VLAN_EGRESS_QOS,
  IFLA_VLAN_FLAGS,
  IFLA_VLAN_ID,
  IFLA_VLAN_INGRESS_QOS,
  IFLA_VLAN_PROTOCOL,
  IPVLAN_F_PRIVATE,
  IPVLAN_F_VEPA,
  MACVLAN_MODE_BRIDGE,
  MACVLAN_MODE_PASSTHRU,
  MACVLAN_MODE_PRIVATE,
  MACVLAN_MODE_SOURCE,
  MACVLAN_MODE_VEPA,
  VLAN_FLAG_BRIDGE_BINDING,
  VLAN_FLAG_GVRP,
  VLAN_FLAG_LOOSE_BINDING,
  VLAN_FLAG_MVRP,
  VLAN_FLAG_REORDER_HDR,
} from './constants.ts';
import { DecodeError } from './decode-error.ts';
import { formatMac, parseMac } from './ip.ts';

/** IFLA_VLAN_QOS_MAPPING, the one attribute of IFLA_VLAN_INGRESS_QOS / EGRESS_QOS. */
const IFLA_VLAN_QOS_MAPPING = 1;

// The source-mode MAC list and broadcast queue of enum IFLA_MACVLAN_* (linux/if_link.h).
const IFLA_MACVLAN_MACADDR_MODE = 3;
const IFLA_MACVLAN_MACADDR = 4;
const IFLA_MACVLAN_MACADDR_DATA = 5;
const IFLA_MACVLAN_MACADDR_COUNT = 6;
const IFLA_MACVLAN_BC_QUEUE_LEN = 7;
const IFLA_MACVLAN_BC_QUEUE_LEN_USED = 8;

/** enum macvlan_macaddr_mode: what IFLA_MACVLAN_MACADDR_MODE does to the list. */
const MACADDR_OPS = { add: 0, del: 1, flush: 2, set: 3 } as const;

/** Clock ticks of the bridge's clock_t attributes (USER_HZ). */
const USER_HZ = 100;

const VLAN_PROTOCOLS: Record<VlanProtocol, number> = { '802.1Q': ETH_P_8021Q, '802.1ad': ETH_P_8021AD };

const VLAN_FLAG_BITS: Record<keyof VlanFlags, number> = {
  reorderHdr: VLAN_FLAG_REORDER_HDR,
  gvrp: VLAN_FLAG_GVRP,
  looseBinding: VLAN_FLAG_LOOSE_BINDING,
  mvrp: VLAN_FLAG_MVRP,
  bridgeBinding: VLAN_FLAG_BRIDGE_BINDING,
};

const MACVLAN_MODES: Record<MacvlanMode, number> = {
  private: MACVLAN_MODE_PRIVATE,
  vepa: MACVLAN_MODE_VEPA,
  bridge: MACVLAN_MODE_BRIDGE,
  passthru: MACVLAN_MODE_PASSTHRU,
  source: MACVLAN_MODE_SOURCE,
};

const IPVLAN_MODES: readonly IpvlanMode[] = ['l2', 'l3', 'l3s'];

const IPVLAN_ISOLATION: Record<IpvlanIsolation, number> = {
  bridge: 0,
  private: IPVLAN_F_PRIVATE,
  vepa: IPVLAN_F_VEPA,
};

const BR_PORT_STATES: readonly BridgePortState[] = [
  'disabled',
  'listening',
  'learning',
  'forwarding',
  'blocking',
];

/** The names of a table's keys, for error messages. */
const known = (o: object): string => Object.keys(o).join(', ');

function checkInt(what: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new RangeError(`${what} must be ${min}-${max}, got ${v}`);
  return v;
}

function checkBool(what: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${what} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function vlanProtocol(p: VlanProtocol): number {
  const v = VLAN_PROTOCOLS[p];
  if (v === undefined)
    throw new TypeError(`vlan protocol must be one of ${known(VLAN_PROTOCOLS)}, got ${JSON.stringify(p)}`);
  return v;
}

const protocolName = (v: number): VlanProtocol | undefined =>
  v === ETH_P_8021Q ? '802.1Q' : v === ETH_P_8021AD ? '802.1ad' : undefined;

/**
 * A QoS map nest (no NLA_F_NESTED, as iproute2) of IFLA_VLAN_QOS_MAPPING { u32 from, u32 to }. The
 * 802.1p side (ingress from, egress to) is 0-7.
 */
function writeQosMap(w: AttrWriter, type: number, map: readonly VlanQosMapping[], pcp: 'from' | 'to'): void {
  const what = type === IFLA_VLAN_INGRESS_QOS ? 'ingressQos' : 'egressQos';
  if (!Array.isArray(map)) throw new TypeError(`vlan ${what} must be an array of { from, to }`);
  const nest = w.nestStart(type);
  for (const m of map) {
    if (typeof m !== 'object' || m === null) throw new TypeError(`vlan ${what} entries are { from, to }`);
    const from = checkInt(`vlan ${what} from`, m.from, 0, pcp === 'from' ? 7 : 0xffffffff);
    const to = checkInt(`vlan ${what} to`, m.to, 0, pcp === 'to' ? 7 : 0xffffffff);
    const at = w.zeros(12);
    w.buf.writeUInt16LE(12, at);
    w.buf.writeUInt16LE(IFLA_VLAN_QOS_MAPPING, at + 2);
    w.buf.writeUInt32LE(from, at + 4);
    w.buf.writeUInt32LE(to, at + 8);
  }
  w.nestEnd(nest);
}

/**
 * IFLA_INFO_DATA body of a vlan: PROTOCOL (big endian), ID, EGRESS_QOS, INGRESS_QOS, FLAGS
 * { flags, mask }: iproute2's order with the arguments in IFLA_VLAN_* order (it writes the QoS maps
 * as it parses them and FLAGS last).
 */
export function writeVlanData(w: AttrWriter, spec: VlanSpec): void {
  if (typeof spec !== 'object' || spec === null) throw new TypeError('a vlan needs vlan: { id }');
  const id = checkInt('vlan id', spec.id, 0, 4095);
  if (spec.protocol !== undefined) w.be16(IFLA_VLAN_PROTOCOL, vlanProtocol(spec.protocol));
  w.u16(IFLA_VLAN_ID, id);
  writeVlanChange(w, spec);
}

/**
 * IFLA_INFO_DATA body of a change to a vlan (`ip link set DEV type vlan ...`), and the tail of a
 * create: EGRESS_QOS, INGRESS_QOS, then FLAGS { flags, mask } of the flags given.
 */
export function writeVlanChange(w: AttrWriter, spec: VlanChange): void {
  if (typeof spec !== 'object' || spec === null) throw new TypeError('vlan changes must be an object');
  if (spec.egressQos !== undefined) writeQosMap(w, IFLA_VLAN_EGRESS_QOS, spec.egressQos, 'to');
  if (spec.ingressQos !== undefined) writeQosMap(w, IFLA_VLAN_INGRESS_QOS, spec.ingressQos, 'from');
  if (spec.flags === undefined) return;
  let flags = 0;
  let mask = 0;
  for (const [name, on] of Object.entries(spec.flags)) {
    const bit = VLAN_FLAG_BITS[name as keyof VlanFlags];
    if (bit === undefined) throw new TypeError(`unknown vlan flag ${name} (known: ${known(VLAN_FLAG_BITS)})`);
    if (on === undefined) continue;
    mask |= bit;
    if (checkBool(`vlan flag ${name}`, on)) flags |= bit;
  }
  if (mask === 0) return;
  const at = w.zeros(12);
  w.buf.writeUInt16LE(12, at);
  w.buf.writeUInt16LE(IFLA_VLAN_FLAGS, at + 2);
  w.buf.writeUInt32LE(flags, at + 4);
  w.buf.writeUInt32LE(mask, at + 8);
}

function macvlanMode(mode: MacvlanMode): number {
  const v = MACVLAN_MODES[mode];
  if (v === undefined)
    throw new TypeError(`macvlan mode must be one of ${known(MACVLAN_MODES)}, got ${JSON.stringify(mode)}`);
  return v;
}

/** An Ethernet address (6 bytes), as the kernel wants each source MAC. */
function ethernetMac(mac: string): Uint8Array {
  const b = parseMac(mac);
  if (b.length !== 6) throw new TypeError(`a source MAC has 6 bytes, got ${JSON.stringify(mac)}`);
  return b;
}

/** MACADDR_MODE SET and MACADDR_DATA { MACADDR... }: the list replaced by `macs`. */
function writeMacList(w: AttrWriter, macs: readonly string[]): void {
  if (!Array.isArray(macs)) throw new TypeError(`source MACs must be an array, got ${JSON.stringify(macs)}`);
  w.u32(IFLA_MACVLAN_MACADDR_MODE, MACADDR_OPS.set);
  const data = w.nestStart(IFLA_MACVLAN_MACADDR_DATA);
  for (const mac of macs) w.bytes(IFLA_MACVLAN_MACADDR, ethernetMac(mac));
  w.nestEnd(data);
}

/**
 * IFLA_INFO_DATA body of a macvlan: the source MAC list (`macaddr set ...`, mode source only),
 * then MODE, which iproute2 writes after its loop.
 */
export function writeMacvlanData(w: AttrWriter, spec: MacvlanSpec): void {
  if (spec.sourceMacs !== undefined) {
    if (spec.mode !== 'source') throw new TypeError("macvlan sourceMacs need mode: 'source'");
    writeMacList(w, spec.sourceMacs);
  }
  if (spec.mode !== undefined) w.u32(IFLA_MACVLAN_MODE, macvlanMode(spec.mode));
}

/** The one operation a MacvlanSourceMacsChange names, checked. */
function sourceMacsOp(change: MacvlanChange['sourceMacs']): keyof typeof MACADDR_OPS {
  if (typeof change !== 'object' || change === null)
    throw new TypeError('sourceMacs must be { add } | { del } | { set } | { flush: true }');
  const ops = Object.keys(change).filter((k) => change[k as keyof typeof change] !== undefined);
  const op = ops[0];
  if (ops.length !== 1 || op === undefined || !(op in MACADDR_OPS))
    throw new TypeError(
      `sourceMacs takes exactly one of add, del, set, flush; got ${JSON.stringify(change)}`,
    );
  if (op === 'flush' && change.flush !== true) throw new TypeError('sourceMacs flush must be true');
  return op as keyof typeof MACADDR_OPS;
}

/**
 * IFLA_INFO_DATA body of a change to a macvlan (`ip link set DEV type macvlan [macaddr OP ...]
 * [mode M]`): MACADDR_MODE with MACADDR (add, del) or MACADDR_DATA (set), then MODE.
 */
export function writeMacvlanChange(w: AttrWriter, change: MacvlanChange): void {
  if (typeof change !== 'object' || change === null) throw new TypeError('macvlan changes must be an object');
  if (change.sourceMacs !== undefined) {
    const op = sourceMacsOp(change.sourceMacs);
    const c = change.sourceMacs;
    if (op === 'set') writeMacList(w, c.set as string[]);
    else {
      w.u32(IFLA_MACVLAN_MACADDR_MODE, MACADDR_OPS[op]);
      if (op !== 'flush') w.bytes(IFLA_MACVLAN_MACADDR, ethernetMac(c[op] as string));
    }
  }
  if (change.mode !== undefined) w.u32(IFLA_MACVLAN_MODE, macvlanMode(change.mode));
}

/** IFLA_INFO_DATA body of an ipvlan: MODE and FLAGS, both u16 and both always sent (iproute2). */
export function writeIpvlanData(w: AttrWriter, spec: IpvlanSpec): void {
  const mode = IPVLAN_MODES.indexOf(spec.mode ?? 'l3');
  if (mode < 0)
    throw new TypeError(
      `ipvlan mode must be one of ${IPVLAN_MODES.join(', ')}, got ${JSON.stringify(spec.mode)}`,
    );
  const isolation = IPVLAN_ISOLATION[spec.isolation ?? 'bridge'];
  if (isolation === undefined) {
    throw new TypeError(
      `ipvlan isolation must be one of ${known(IPVLAN_ISOLATION)}, got ${JSON.stringify(spec.isolation)}`,
    );
  }
  w.u16(IFLA_IPVLAN_MODE, mode);
  w.u16(IFLA_IPVLAN_FLAGS, isolation);
}

/** Seconds to the bridge's clock_t (hundredths). */
function ticks(what: string, seconds: number): number {
  if (
    typeof seconds !== 'number' ||
    !Number.isFinite(seconds) ||
    seconds < 0 ||
    seconds * USER_HZ > 0xffffffff
  ) {
    throw new RangeError(`${what} must be a non-negative number of seconds, got ${seconds}`);
  }
  return Math.round(seconds * USER_HZ);
}

/** IFLA_INFO_DATA body of a bridge: the options given, in IFLA_BR_* order. */
export function writeBridgeData(w: AttrWriter, spec: BridgeSpec): void {
  if (spec.forwardDelay !== undefined) w.u32(IFLA_BR_FORWARD_DELAY, ticks('forwardDelay', spec.forwardDelay));
  if (spec.helloTime !== undefined) w.u32(IFLA_BR_HELLO_TIME, ticks('helloTime', spec.helloTime));
  if (spec.maxAge !== undefined) w.u32(IFLA_BR_MAX_AGE, ticks('maxAge', spec.maxAge));
  if (spec.ageingTime !== undefined) w.u32(IFLA_BR_AGEING_TIME, ticks('ageingTime', spec.ageingTime));
  if (spec.stp !== undefined) w.u32(IFLA_BR_STP_STATE, checkBool('stp', spec.stp) ? 1 : 0);
  if (spec.priority !== undefined)
    w.u16(IFLA_BR_PRIORITY, checkInt('bridge priority', spec.priority, 0, 0xffff));
  if (spec.vlanFiltering !== undefined)
    w.u8(IFLA_BR_VLAN_FILTERING, checkBool('vlanFiltering', spec.vlanFiltering) ? 1 : 0);
}

/** The u8 on/off port attributes. */
const PORT_FLAGS: readonly [keyof BridgePortSpec, number][] = [
  ['hairpin', IFLA_BRPORT_MODE],
  ['guard', IFLA_BRPORT_GUARD],
  ['rootBlock', IFLA_BRPORT_PROTECT],
  ['fastLeave', IFLA_BRPORT_FAST_LEAVE],
  ['learning', IFLA_BRPORT_LEARNING],
  ['unicastFlood', IFLA_BRPORT_UNICAST_FLOOD],
  ['proxyArp', IFLA_BRPORT_PROXYARP],
  ['multicastFlood', IFLA_BRPORT_MCAST_FLOOD],
  ['broadcastFlood', IFLA_BRPORT_BCAST_FLOOD],
  ['neighSuppress', IFLA_BRPORT_NEIGH_SUPPRESS],
  ['isolated', IFLA_BRPORT_ISOLATED],
];

const PORT_FLAG_TYPE = new Map(PORT_FLAGS);

/** The order `ip link set P type bridge_slave` writes them in when given in IFLA_BRPORT_* order. */
export const BRIDGE_SLAVE_ORDER: readonly (keyof BridgePortSpec)[] = [
  'state',
  'priority',
  'cost',
  'hairpin',
  'guard',
  'rootBlock',
  'fastLeave',
  'learning',
  'unicastFlood',
  'proxyArp',
  'multicastFlood',
  'broadcastFlood',
  'neighSuppress',
  'isolated',
];

/**
 * The order `bridge link set` (iproute2 6.1) writes them in, whatever the argument order. It has
 * no proxy_arp; that one goes last.
 */
export const BRIDGE_LINK_ORDER: readonly (keyof BridgePortSpec)[] = [
  'guard',
  'hairpin',
  'fastLeave',
  'rootBlock',
  'unicastFlood',
  'multicastFlood',
  'broadcastFlood',
  'learning',
  'cost',
  'priority',
  'state',
  'neighSuppress',
  'isolated',
  'proxyArp',
];

const PORT_KEYS: ReadonlySet<string> = new Set(BRIDGE_SLAVE_ORDER);

function writePortAttribute(w: AttrWriter, key: keyof BridgePortSpec, v: BridgePortSpec[typeof key]): void {
  if (key === 'state') {
    const state = BR_PORT_STATES.indexOf(v as BridgePortState);
    if (state < 0) {
      throw new TypeError(
        `bridge port state must be one of ${BR_PORT_STATES.join(', ')}, got ${JSON.stringify(v)}`,
      );
    }
    w.u8(IFLA_BRPORT_STATE, state);
  } else if (key === 'priority') w.u16(IFLA_BRPORT_PRIORITY, checkInt('port priority', v as number, 0, 63));
  else if (key === 'cost') w.u32(IFLA_BRPORT_COST, checkInt('port cost', v as number, 1, 65535));
  else w.u8(PORT_FLAG_TYPE.get(key) as number, checkBool(key, v) ? 1 : 0);
}

/**
 * The IFLA_BRPORT_* attributes given in `spec`, in `order`: the body of IFLA_INFO_SLAVE_DATA
 * (BRIDGE_SLAVE_ORDER) or of IFLA_PROTINFO (BRIDGE_LINK_ORDER).
 */
export function writeBridgePortData(
  w: AttrWriter,
  spec: BridgePortSpec,
  order: readonly (keyof BridgePortSpec)[] = BRIDGE_SLAVE_ORDER,
): void {
  if (typeof spec !== 'object' || spec === null)
    throw new TypeError('bridge port attributes must be an object');
  for (const key of Object.keys(spec)) {
    if (!PORT_KEYS.has(key))
      throw new TypeError(`unknown bridge port attribute ${key} (known: ${[...PORT_KEYS].join(', ')})`);
  }
  for (const key of order) {
    const v = spec[key];
    if (v !== undefined) writePortAttribute(w, key, v);
  }
}

// ---- decoders ----

/** The IFLA_VLAN_QOS_MAPPING entries of a QoS map nest p[start, end). */
function decodeQosMap(p: Buffer, start: number, end: number): VlanQosMapping[] {
  const map: VlanQosMapping[] = [];
  forEachAttribute(p, start, end, (type, d, dl) => {
    if (type !== IFLA_VLAN_QOS_MAPPING) return;
    if (dl < 8) throw new DecodeError(`IFLA_VLAN_QOS_MAPPING of ${dl} bytes`, d);
    map.push({ from: readU32(p, d, 4), to: readU32(p, d + 4, 4) });
  });
  return map;
}

/**
 * A vlan's IFLA_INFO_DATA. The kernel (vlan_fill_info) sends a QoS map only when it has mappings,
 * ingress ones in 802.1p order and egress ones by skb priority hash bucket.
 */
export function decodeVlanInfo(p: Buffer): VlanInfo {
  const info: VlanInfo = {
    id: undefined,
    protocol: undefined,
    flags: undefined,
    ingressQos: undefined,
    egressQos: undefined,
  };
  forEachAttribute(p, 0, p.length, (type, d, dl) => {
    if (type === IFLA_VLAN_ID) info.id = readU16(p, d, dl);
    else if (type === IFLA_VLAN_INGRESS_QOS) info.ingressQos = decodeQosMap(p, d, d + dl);
    else if (type === IFLA_VLAN_EGRESS_QOS) info.egressQos = decodeQosMap(p, d, d + dl);
    else if (type === IFLA_VLAN_PROTOCOL) {
      if (dl < 2) throw new DecodeError(`IFLA_VLAN_PROTOCOL of ${dl} bytes`, d);
      info.protocol = protocolName(p.readUInt16BE(d));
    } else if (type === IFLA_VLAN_FLAGS) {
      const bits = readU32(p, d, dl);
      info.flags = {
        reorderHdr: (bits & VLAN_FLAG_REORDER_HDR) !== 0,
        gvrp: (bits & VLAN_FLAG_GVRP) !== 0,
        looseBinding: (bits & VLAN_FLAG_LOOSE_BINDING) !== 0,
        mvrp: (bits & VLAN_FLAG_MVRP) !== 0,
        bridgeBinding: (bits & VLAN_FLAG_BRIDGE_BINDING) !== 0,
      };
    }
  });
  return info;
}

/** The MACs in IFLA_MACVLAN_MACADDR_DATA p[start, end). */
function decodeMacList(p: Buffer, start: number, end: number): string[] {
  const macs: string[] = [];
  forEachAttribute(p, start, end, (type, d, dl) => {
    if (type === IFLA_MACVLAN_MACADDR) macs.push(formatMac(p, d, dl));
  });
  return macs;
}

/** A macvlan's IFLA_INFO_DATA. */
export function decodeMacvlanInfo(p: Buffer): MacvlanInfo {
  const info: MacvlanInfo = {
    mode: undefined,
    flags: undefined,
    sourceMacCount: undefined,
    sourceMacs: undefined,
    broadcastQueueLength: undefined,
    broadcastQueueLengthUsed: undefined,
  };
  forEachAttribute(p, 0, p.length, (type, d, dl) => {
    if (type === IFLA_MACVLAN_MODE) {
      const mode = readU32(p, d, dl);
      info.mode = (Object.keys(MACVLAN_MODES) as MacvlanMode[]).find((k) => MACVLAN_MODES[k] === mode);
    } else if (type === IFLA_MACVLAN_FLAGS) info.flags = readU16(p, d, dl);
    else if (type === IFLA_MACVLAN_MACADDR_COUNT) info.sourceMacCount = readU32(p, d, dl);
    else if (type === IFLA_MACVLAN_MACADDR_DATA) info.sourceMacs = decodeMacList(p, d, d + dl);
    else if (type === IFLA_MACVLAN_BC_QUEUE_LEN) info.broadcastQueueLength = readU32(p, d, dl);
    else if (type === IFLA_MACVLAN_BC_QUEUE_LEN_USED) info.broadcastQueueLengthUsed = readU32(p, d, dl);
  });
  return info;
}

/** An ipvlan's IFLA_INFO_DATA. */
export function decodeIpvlanInfo(p: Buffer): IpvlanInfo {
  const info: IpvlanInfo = { mode: undefined, isolation: undefined };
  forEachAttribute(p, 0, p.length, (type, d, dl) => {
    if (type === IFLA_IPVLAN_MODE) info.mode = IPVLAN_MODES[readU16(p, d, dl)];
    else if (type === IFLA_IPVLAN_FLAGS) {
      const f = readU16(p, d, dl);
      info.isolation = f & IPVLAN_F_PRIVATE ? 'private' : f & IPVLAN_F_VEPA ? 'vepa' : 'bridge';
    }
  });
  return info;
}

/** A bridge's IFLA_INFO_DATA (the options BridgeInfo names; the rest is in Link.infoData). */
export function decodeBridgeInfo(p: Buffer): BridgeInfo {
  const b: BridgeInfo = {
    forwardDelay: undefined,
    helloTime: undefined,
    maxAge: undefined,
    ageingTime: undefined,
    stp: undefined,
    priority: undefined,
    vlanFiltering: undefined,
    vlanProtocol: undefined,
    vlanDefaultPvid: undefined,
    multicastSnooping: undefined,
  };
  forEachAttribute(p, 0, p.length, (type, d, dl) => {
    switch (type) {
      case IFLA_BR_FORWARD_DELAY:
        b.forwardDelay = readU32(p, d, dl) / USER_HZ;
        break;
      case IFLA_BR_HELLO_TIME:
        b.helloTime = readU32(p, d, dl) / USER_HZ;
        break;
      case IFLA_BR_MAX_AGE:
        b.maxAge = readU32(p, d, dl) / USER_HZ;
        break;
      case IFLA_BR_AGEING_TIME:
        b.ageingTime = readU32(p, d, dl) / USER_HZ;
        break;
      case IFLA_BR_STP_STATE:
        b.stp = readU32(p, d, dl) !== 0;
        break;
      case IFLA_BR_PRIORITY:
        b.priority = readU16(p, d, dl);
        break;
      case IFLA_BR_VLAN_FILTERING:
        b.vlanFiltering = readU8(p, d, dl) !== 0;
        break;
      case IFLA_BR_VLAN_PROTOCOL:
        if (dl < 2) throw new DecodeError(`IFLA_BR_VLAN_PROTOCOL of ${dl} bytes`, d);
        b.vlanProtocol = protocolName(p.readUInt16BE(d));
        break;
      case IFLA_BR_VLAN_DEFAULT_PVID:
        b.vlanDefaultPvid = readU16(p, d, dl);
        break;
      case IFLA_BR_MCAST_SNOOPING:
        b.multicastSnooping = readU8(p, d, dl) !== 0;
        break;
    }
  });
  return b;
}

const PORT_FLAG_BY_TYPE = new Map(PORT_FLAGS.map(([key, type]) => [type, key]));

/** A bridge port's IFLA_BRPORT_* attributes in p[start, end). */
export function decodeBridgePortInfo(p: Buffer, start = 0, end = p.length): BridgePortInfo {
  const port: BridgePortInfo = {
    state: undefined,
    priority: undefined,
    cost: undefined,
    hairpin: undefined,
    guard: undefined,
    rootBlock: undefined,
    fastLeave: undefined,
    learning: undefined,
    unicastFlood: undefined,
    proxyArp: undefined,
    multicastFlood: undefined,
    broadcastFlood: undefined,
    neighSuppress: undefined,
    isolated: undefined,
  };
  forEachAttribute(p, start, end, (type, d, dl) => {
    if (type === IFLA_BRPORT_STATE) port.state = BR_PORT_STATES[readU8(p, d, dl)];
    else if (type === IFLA_BRPORT_PRIORITY) port.priority = readU16(p, d, dl);
    else if (type === IFLA_BRPORT_COST) port.cost = readU32(p, d, dl);
    else {
      const key = PORT_FLAG_BY_TYPE.get(type);
      if (key !== undefined) (port as unknown as Record<string, boolean>)[key] = readU8(p, d, dl) !== 0;
    }
  });
  return port;
}
