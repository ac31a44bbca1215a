// Links: list, get, create (dummy, ifb, bridge, veth pair, vxlan with its options, vlan, macvlan
// with source MACs, ipvlan), set (up/down, mtu, mac, name, alias, master/nomaster, txqueuelen,
// namespace, bridge and bridge port options, macvlan mode and source MACs, vlan flags and QoS
// maps, vxlan options), delete.
import { open } from 'node:fs/promises';
import { RTEXT_FILTER_VF } from '../codec/constants.ts';
import {
  decodeLink,
  encodeDelLink,
  encodeGetLink,
  encodeNewLink,
  encodeSetBridgePort,
  encodeSetLink,
} from '../codec/link.ts';
import type { NetnsTarget } from '../native/binding.ts';
import type { Connection } from '../transport/connection.ts';
import type { DumpResult } from '../transport/pending.ts';
import type {
  BridgePortSpec,
  BridgeSpec,
  IpvlanSpec,
  Link,
  LinkChangeSpec,
  LinkCreateSpec,
  MacvlanChange,
  MacvlanSpec,
  VlanChange,
  VlanSpec,
  VxlanChangeSpec,
  VxlanDf,
  VxlanSpec,
} from '../types.ts';
import { checkLinkRef, type LinkRef, linkLabel, resolveIndex } from './link-ref.ts';
import { type NetnsOption, netnsTarget } from './netns.ts';

/** Options of a dump. */
export interface DumpOptions {
  /** Re-run the dump up to this many times while the kernel flags it interrupted (NLM_F_DUMP_INTR). */
  retryInterrupted?: number;
}

/** The kinds `links.create` makes. ('dummy', 'vlan' and 'ipvlan' need drivers some kernels lack.) */
export type CreatableKind = 'dummy' | 'ifb' | 'bridge' | 'veth' | 'vxlan' | 'vlan' | 'macvlan' | 'ipvlan';

/**
 * A vxlan's options at creation (`ip link add NAME type vxlan id VNI ...`). Each one left out is
 * the kernel's default (learning: iproute2's, on; off with `external`).
 */
export interface VxlanOptions extends Omit<VxlanSpec, 'device'> {
  /** The underlay device. */
  device?: LinkRef;
}

/**
 * The vxlan options kernel 6.18 lets change after creation (`ip link set DEV type vxlan ...`);
 * the others (VNI, ports, proxy, l2miss, l3miss, rsc, checksums, external, gbp, ttl inherit,
 * limit) are fixed at creation and a change is refused (NetlinkError EOPNOTSUPP or EINVAL with the
 * kernel's message).
 */
export interface VxlanChangeOptions {
  /** Remote unicast or multicast group address. */
  group?: string;
  /** The local address. */
  local?: string;
  /** The underlay device. */
  device?: LinkRef;
  /** Outer TTL 1-255, or 0 for auto. */
  ttl?: number;
  /** Outer TOS 0-255, or 'inherit' from the inner packet. */
  tos?: number | 'inherit';
  /** The outer IPv4 header's don't-fragment bit. */
  df?: VxlanDf;
  /** The outer IPv6 flow label, 0-0xfffff (IPv6 tunnels only). */
  label?: number;
  /** Seconds a learned FDB entry lives. */
  ageing?: number;
  /** Learn remote MACs from received packets. */
  learning?: boolean;
}

/** What `links.create` makes. */
export interface LinkCreateOptions {
  /** The new link's name (1-15 bytes). */
  name: string;
  /** What to create. */
  kind: CreatableKind;
  /** veth only: the peer's name (or its spec). */
  peer?:
    | string
    | {
        /** The peer's name. */
        name: string;
        /** The peer's MTU. */
        mtu?: number;
        /** The peer's link-layer address. */
        mac?: string;
      };
  /** vlan, macvlan, ipvlan: the lower device they stack on (IFLA_LINK). */
  parent?: LinkRef;
  /**
   * vlan only (required): `{ id, protocol?: '802.1Q' | '802.1ad', flags?, ingressQos?, egressQos? }`;
   * the QoS maps are `[{ from, to }]` as `ingress-qos-map` / `egress-qos-map` take them.
   */
  vlan?: VlanSpec;
  /**
   * macvlan only: `{ mode }` (private, vepa, bridge, passthru, source), and in mode source the
   * source MACs whose frames it takes (`{ mode: 'source', sourceMacs: [...] }`).
   */
  macvlan?: MacvlanSpec;
  /** ipvlan only: `{ mode: 'l2' | 'l3' | 'l3s', isolation: 'bridge' | 'private' | 'vepa' }`. */
  ipvlan?: IpvlanSpec;
  /** bridge only: STP, timers (seconds), priority, VLAN filtering. */
  bridge?: BridgeSpec;
  /** vxlan only (required). */
  vxlan?: VxlanOptions;
  /** IFLA_MTU. */
  mtu?: number;
  /** The link-layer address, colon hex. */
  mac?: string;
  /** The transmit queue length (`txqueuelen`). */
  txQueueLength?: number;
  /** Bring the link up at creation. */
  up?: boolean;
  /** A bridge to enslave the new link to. */
  master?: LinkRef;
}

/** Where `links.set` moves a link: a namespace as `Netlink.open` takes it, or a process's. */
export type LinkNetns =
  | NetnsOption
  | {
      /** A process whose network namespace to move into (IFLA_NET_NS_PID). */
      pid: number;
    };

/** What `links.set` changes; everything left out stays as it is. */
export interface LinkSetOptions {
  /** IFF_UP on or off. */
  up?: boolean;
  /** IFLA_MTU. */
  mtu?: number;
  /** The link-layer address, colon hex. */
  mac?: string;
  /** A bridge to enslave to; null detaches (nomaster). */
  master?: LinkRef | null;
  /** Rename (the link must be down). */
  name?: string;
  /** IFLA_IFALIAS, the free-text alias `ip link show` prints ("" clears it). */
  alias?: string;
  /** The transmit queue length (`txqueuelen`). */
  txQueueLength?: number;
  /**
   * Move the link to another namespace: a name (`ip netns`), `{ path }`, `{ fd }` or `{ pid }`.
   * It leaves this handle's namespace (with its addresses gone); find it with a handle opened there.
   */
  netns?: LinkNetns;
  /** A bridge's own options (`ip link set B type bridge ...`). */
  bridge?: BridgeSpec;
  /**
   * A bridge port's options, sent as `bridge link set dev P ...` does (RTM_SETLINK, AF_BRIDGE), in
   * a request of its own after the other changes. The link must be a bridge port.
   */
  bridgePort?: BridgePortSpec;
  /**
   * A macvlan's mode, or its source MAC list (mode source): `{ sourceMacs: { add: MAC } }`,
   * `{ del: MAC }`, `{ set: [MAC...] }` or `{ flush: true }` (`ip link set DEV type macvlan macaddr ...`).
   */
  macvlan?: MacvlanChange;
  /** A vxlan's changeable options (`ip link set DEV type vxlan ...`). */
  vxlan?: VxlanChangeOptions;
  /**
   * A vlan's flags and QoS maps (`ip link set DEV type vlan [flags] ingress-qos-map ...
   * egress-qos-map ...`); each mapping given is set, the others stay.
   */
  vlan?: VlanChange;
}

const KINDS: ReadonlySet<string> = new Set([
  'dummy',
  'ifb',
  'bridge',
  'veth',
  'vxlan',
  'vlan',
  'macvlan',
  'ipvlan',
]);

/** Which kind each kind-specific option belongs to. */
const KIND_OPTIONS = {
  peer: 'veth',
  parent: '',
  vlan: 'vlan',
  macvlan: 'macvlan',
  ipvlan: 'ipvlan',
  bridge: 'bridge',
  vxlan: 'vxlan',
} as const;

/** The options VxlanOptions names. */
const VXLAN_KEYS: ReadonlySet<string> = new Set([
  'id',
  'group',
  'local',
  'device',
  'port',
  'learning',
  'ttl',
  'tos',
  'df',
  'label',
  'ageing',
  'limit',
  'sourcePortRange',
  'proxy',
  'rsc',
  'l2miss',
  'l3miss',
  'udpChecksum',
  'udp6ZeroChecksumTx',
  'udp6ZeroChecksumRx',
  'external',
  'vnifilter',
  'gbp',
]);

/** The options VxlanChangeOptions names. */
const VXLAN_CHANGE_KEYS: ReadonlySet<string> = new Set([
  'group',
  'local',
  'device',
  'ttl',
  'tos',
  'df',
  'label',
  'ageing',
  'learning',
]);

const STACKED: ReadonlySet<string> = new Set(['vlan', 'macvlan', 'ipvlan']);

/** The retry count of a dump's options, checked. */
export function checkRetry(options: DumpOptions | undefined): number {
  const n = options?.retryInterrupted ?? 0;
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`retryInterrupted must be a non-negative integer, got ${n}`);
  return n;
}

/** `nl.links`: the links of the handle's namespace. */
export class Links {
  readonly #conn: Connection;

  /** Used by Netlink; callers use `nl.links`. */
  constructor(conn: Connection) {
    this.#conn = conn;
  }

  /** Every link in the namespace, with its statistics. */
  list(options?: DumpOptions): Promise<DumpResult<Link>> {
    try {
      return this.#conn.dump(encodeGetLink({ dump: true }), 'link list', decodeLink, checkRetry(options));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * One link by name or index, with its statistics; a missing one rejects with NetlinkError
   * ENODEV. (By index the request asks for IFLA_STATS64, which iproute2's lookups skip.)
   */
  get(ref: LinkRef): Promise<Link> {
    try {
      checkLinkRef(ref);
      const request =
        typeof ref === 'number'
          ? encodeGetLink({ index: ref, extMask: RTEXT_FILTER_VF })
          : encodeGetLink({ name: ref });
      return this.#conn.single(request, `link get ${linkLabel(ref)}`, decodeLink);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** One link, or undefined when there is none by that name or index. */
  async find(ref: LinkRef): Promise<Link | undefined> {
    try {
      return await this.get(ref);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENODEV') return undefined;
      throw err;
    }
  }

  /** Creates a link (`ip link add`); an existing name is NetlinkError EEXIST. */
  async create(options: LinkCreateOptions): Promise<void> {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('links.create needs { name, kind }');
    const { name, kind } = options;
    checkLinkRef(name, 'link name');
    if (typeof name !== 'string') throw new TypeError(`link name must be a string, got ${name}`);
    if (!KINDS.has(kind)) {
      throw new TypeError(`unknown link kind ${JSON.stringify(kind)} (known: ${[...KINDS].join(', ')})`);
    }
    const spec: LinkCreateSpec = { name, kind };
    const words = await this.#kindOptions(options, spec);
    if (options.mtu !== undefined) spec.mtu = checkMtu(options.mtu);
    if (options.mac !== undefined) spec.mac = options.mac;
    if (options.txQueueLength !== undefined) spec.txQueueLength = checkTxQueueLength(options.txQueueLength);
    if (options.up !== undefined) spec.up = options.up;
    if (options.master !== undefined) spec.master = await resolveIndex(this.#conn, options.master, 'master');
    const link = options.parent === undefined ? '' : `link ${linkLabel(options.parent)} `;
    await this.#conn.ack(encodeNewLink(spec), `link add ${link}${name} type ${kind}${words}`);
  }

  /** Checks and fills in the options of the link's kind; returns them as `ip` words. */
  async #kindOptions(options: LinkCreateOptions, spec: LinkCreateSpec): Promise<string> {
    const { kind } = options;
    for (const [key, owner] of Object.entries(KIND_OPTIONS)) {
      if (options[key as keyof typeof KIND_OPTIONS] === undefined) continue;
      if (key === 'parent' ? !STACKED.has(kind) : owner !== kind)
        throw new TypeError(
          `${key} is for ${key === 'parent' ? [...STACKED].join('/') : owner} links, not ${kind}`,
        );
    }
    if (STACKED.has(kind)) {
      if (options.parent === undefined)
        throw new TypeError(`a ${kind} needs its lower device (parent: LINK)`);
      spec.link = await resolveIndex(this.#conn, options.parent, 'parent');
    }
    switch (kind) {
      case 'veth': {
        const peer = typeof options.peer === 'string' ? { name: options.peer } : options.peer;
        if (peer === undefined) throw new TypeError(`veth ${options.name} needs a peer name (peer: 'NAME')`);
        checkLinkRef(peer.name, 'veth peer name');
        spec.peer = peer;
        return ` peer ${peer.name}`;
      }
      case 'vlan':
        if (options.vlan === undefined) throw new TypeError(`vlan ${options.name} needs vlan: { id }`);
        spec.vlan = options.vlan;
        return ` id ${options.vlan.id}${options.vlan.protocol ? ` protocol ${options.vlan.protocol}` : ''}`;
      case 'macvlan': {
        spec.macvlan = options.macvlan ?? {};
        const macs = spec.macvlan.sourceMacs;
        const list = Array.isArray(macs) ? ` macaddr set ${macs.join(' ')}` : '';
        return `${spec.macvlan.mode ? ` mode ${spec.macvlan.mode}` : ''}${list}`;
      }
      case 'ipvlan':
        spec.ipvlan = options.ipvlan ?? {};
        return ` mode ${spec.ipvlan.mode ?? 'l3'}${spec.ipvlan.isolation ? ` ${spec.ipvlan.isolation}` : ''}`;
      case 'bridge':
        if (options.bridge !== undefined) spec.bridge = options.bridge;
        return '';
      case 'vxlan':
        return this.#vxlan(options.vxlan, spec);
    }
    return '';
  }

  async #vxlan(v: VxlanOptions | undefined, spec: LinkCreateSpec): Promise<string> {
    if (typeof v !== 'object' || v === null) throw new TypeError('a vxlan needs vxlan: { id }');
    for (const key of Object.keys(v)) {
      if (!VXLAN_KEYS.has(key))
        throw new TypeError(`unknown vxlan option ${key} (known: ${[...VXLAN_KEYS].join(', ')})`);
    }
    if (v.port !== undefined && (!Number.isInteger(v.port) || v.port < 1 || v.port > 65535))
      throw new RangeError(`vxlan port must be 1-65535, got ${v.port}`);
    const { device, ...rest } = v;
    const vxlan: VxlanSpec = Object.fromEntries(Object.entries(rest).filter(([, x]) => x !== undefined));
    if (device !== undefined) vxlan.device = await resolveIndex(this.#conn, device, 'vxlan device');
    spec.vxlan = vxlan;
    return v.external === true ? ' external' : ` id ${v.id}`;
  }

  /** Checks a vxlan change; resolves its underlay device to an ifindex. */
  async #vxlanChange(v: VxlanChangeOptions): Promise<VxlanChangeSpec> {
    if (typeof v !== 'object' || v === null) throw new TypeError('vxlan changes must be an object');
    for (const key of Object.keys(v)) {
      if (!VXLAN_CHANGE_KEYS.has(key)) {
        throw new TypeError(
          `vxlan ${key} cannot change after creation (changeable: ${[...VXLAN_CHANGE_KEYS].join(', ')})`,
        );
      }
    }
    const { device, ...rest } = v;
    const spec: VxlanChangeSpec = Object.fromEntries(Object.entries(rest).filter(([, x]) => x !== undefined));
    if (device !== undefined) spec.device = await resolveIndex(this.#conn, device, 'vxlan device');
    return spec;
  }

  /** Sets IFF_UP only. */
  setUp(ref: LinkRef): Promise<void> {
    return this.set(ref, { up: true });
  }

  /** Clears IFF_UP only. */
  setDown(ref: LinkRef): Promise<void> {
    return this.set(ref, { up: false });
  }

  /** Changes a link (`ip link set`) in one request; only what `changes` names is sent. */
  async set(ref: LinkRef, changes: LinkSetOptions): Promise<void> {
    if (typeof changes !== 'object' || changes === null)
      throw new TypeError('links.set needs an object of changes');
    const spec: LinkChangeSpec = { index: 0 };
    const path = netnsInto(changes.netns, spec);
    spec.index = await resolveIndex(this.#conn, ref);
    const words = await this.#changes(changes, spec);
    const port = changes.bridgePort;
    // the port's attributes go in a request of their own, encoded (checked) before anything is sent
    const portRequest = port === undefined ? undefined : encodeSetBridgePort(spec.index, port);
    if (port === undefined || words.length > 0) {
      const description = `link set ${linkLabel(ref)} ${words.join(' ')}`.trimEnd();
      if (path === undefined) await this.#conn.ack(encodeSetLink(spec), description);
      else await this.#setWithNetnsFile(path, changes.netns as LinkNetns, spec, description);
    }
    if (portRequest !== undefined) {
      const description = `bridge link set dev ${linkLabel(ref)} ${Object.keys(port as object).join(' ')}`;
      await this.#conn.ack(portRequest, description);
    }
  }

  /** Sends the change with IFLA_NET_NS_FD of the namespace file, open until the kernel answers. */
  async #setWithNetnsFile(
    path: string,
    netns: LinkNetns,
    spec: LinkChangeSpec,
    description: string,
  ): Promise<void> {
    let file: Awaited<ReturnType<typeof open>>;
    try {
      file = await open(path, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new RangeError(`unknown netns ${JSON.stringify(netns)}: no ${path}`);
      throw err;
    }
    try {
      spec.netnsFd = file.fd;
      await this.#conn.ack(encodeSetLink(spec), description);
    } finally {
      await file.close();
    }
  }

  /** Checks `changes` into `spec`; returns them as `ip link set` words. */
  async #changes(changes: LinkSetOptions, spec: LinkChangeSpec): Promise<string[]> {
    const words: string[] = [];
    if (changes.name !== undefined) {
      checkLinkRef(changes.name, 'new link name');
      spec.newName = String(changes.name);
      words.push(`name ${changes.name}`);
    }
    if (changes.up !== undefined) {
      spec.up = changes.up;
      words.push(changes.up ? 'up' : 'down');
    }
    if (changes.mtu !== undefined) {
      spec.mtu = checkMtu(changes.mtu);
      words.push(`mtu ${changes.mtu}`);
    }
    if (changes.mac !== undefined) {
      spec.mac = changes.mac;
      words.push(`address ${changes.mac}`);
    }
    if (changes.txQueueLength !== undefined) {
      spec.txQueueLength = checkTxQueueLength(changes.txQueueLength);
      words.push(`txqueuelen ${changes.txQueueLength}`);
    }
    if (changes.master !== undefined) {
      spec.master = changes.master === null ? 0 : await resolveIndex(this.#conn, changes.master, 'master');
      words.push(changes.master === null ? 'nomaster' : `master ${linkLabel(changes.master)}`);
    }
    if (changes.alias !== undefined) {
      if (typeof changes.alias !== 'string' || Buffer.byteLength(changes.alias) > 255) {
        throw new TypeError(
          `alias must be a string of at most 255 bytes, got ${JSON.stringify(changes.alias)}`,
        );
      }
      spec.alias = changes.alias;
      words.push(`alias ${changes.alias}`);
    }
    if (changes.netns !== undefined) words.push(`netns ${netnsWord(changes.netns)}`);
    if (changes.bridge !== undefined) {
      spec.bridge = changes.bridge;
      words.push(`type bridge ${Object.keys(changes.bridge).join(' ')}`);
    }
    if (changes.macvlan !== undefined) {
      spec.macvlan = changes.macvlan;
      words.push(`type macvlan${macvlanWords(changes.macvlan)}`);
    }
    if (changes.vlan !== undefined) {
      spec.vlan = changes.vlan;
      words.push(`type vlan ${Object.keys(changes.vlan).join(' ')}`);
    }
    if (changes.vxlan !== undefined) {
      spec.vxlan = await this.#vxlanChange(changes.vxlan);
      words.push(`type vxlan ${Object.keys(changes.vxlan).join(' ')}`);
    }
    return words;
  }

  /** Deletes a link (`ip link del`); deleting one end of a veth removes both. */
  async delete(ref: LinkRef): Promise<void> {
    const index = await resolveIndex(this.#conn, ref);
    await this.#conn.ack(encodeDelLink({ index }), `link del ${linkLabel(ref)}`);
  }
}

/**
 * Puts a move to another namespace into `spec`: IFLA_NET_NS_PID for `{ pid }`, IFLA_NET_NS_FD for
 * `{ fd }`. For a name or `{ path }` it returns the file to open (its fd goes in at send time).
 */
function netnsInto(netns: LinkNetns | undefined, spec: LinkChangeSpec): string | undefined {
  if (netns === undefined) return undefined;
  if (typeof netns === 'object' && netns !== null && 'pid' in netns) {
    spec.netnsPid = checkPid(netns.pid);
    return undefined;
  }
  const target = netnsTarget(netns) as NetnsTarget;
  if (target.fd !== undefined) {
    spec.netnsFd = target.fd;
    return undefined;
  }
  return target.path;
}

/** A macvlan change as `ip link set DEV type macvlan` words: `macaddr OP [MAC...]`, `mode M`. */
function macvlanWords(change: MacvlanChange): string {
  if (typeof change !== 'object' || change === null) return '';
  let words = '';
  const macs = change.sourceMacs;
  if (typeof macs === 'object' && macs !== null) {
    for (const [op, v] of Object.entries(macs)) {
      if (v === undefined) continue;
      words += ` macaddr ${op}${op === 'flush' ? '' : ` ${Array.isArray(v) ? v.join(' ') : String(v)}`}`;
    }
  }
  return change.mode === undefined ? words : `${words} mode ${change.mode}`;
}

function netnsWord(netns: LinkNetns): string {
  if (typeof netns === 'string') return netns;
  if (typeof netns === 'object' && netns !== null) {
    if ('pid' in netns) return String(netns.pid);
    if ('path' in netns) return netns.path;
    if ('fd' in netns) return `fd ${netns.fd}`;
  }
  return JSON.stringify(netns);
}

function checkPid(pid: number): number {
  if (!Number.isInteger(pid) || pid <= 0 || pid > 0x7fffffff)
    throw new RangeError(`netns pid must be a positive integer, got ${pid}`);
  return pid;
}

function checkMtu(mtu: number): number {
  if (!Number.isInteger(mtu) || mtu < 1 || mtu > 0x7fffffff)
    throw new RangeError(`mtu must be a positive integer, got ${mtu}`);
  return mtu;
}

function checkTxQueueLength(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new RangeError(`txQueueLength must be a non-negative integer, got ${n}`);
  return n;
}
