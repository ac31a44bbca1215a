// Nexthop objects (`ip nexthop`): read them, so a route that names one by id (Route.nhId, as with
// `ip route add default nhid 10`) can be followed to the device and gateway it leaves through;
// create, replace and delete them (single nexthops, blackholes, fdb nexthops and groups).
import { NEXTHOP_GRP_TYPE_MPATH, NEXTHOP_GRP_TYPE_RES, RTNH_F_ONLINK } from '../codec/constants.ts';
import {
  decodeNexthop,
  decodeNexthopBucket,
  encodeDelNexthop,
  encodeGetNexthop,
  encodeGetNexthopBucket,
  encodeGetNexthopBuckets,
  encodeGetNexthops,
  encodeNewNexthop,
  type GetNexthopBucketsOptions,
  type GetNexthopsOptions,
  type NexthopBucket,
  type NexthopResilienceSpec,
  type NexthopSpec,
} from '../codec/nexthop.ts';
import type { Connection } from '../transport/connection.ts';
import type { DumpResult } from '../transport/pending.ts';
import type { Family, IpTunnelEncapSpec, NexthopObject } from '../types.ts';
import { type LinkRef, linkLabel, resolveIndex } from './link-ref.ts';
import { checkRetry, type DumpOptions } from './links.ts';
import { parseAddressOnly } from './prefix.ts';
import { type ProtocolName, protocolNumber } from './route-names.ts';
import { encapWords } from './routes.ts';

/** What `nexthops.list` dumps; the kernel applies every filter. */
export interface NexthopListOptions extends DumpOptions {
  /** Only IPv4 or IPv6 nexthops. Groups have no family, so the kernel leaves them out. */
  family?: Family;
  /** Only nexthops through this link (NHA_OIF); groups are left out. */
  link?: LinkRef;
  /** Only nexthops whose device is enslaved to this link, a VRF or bridge (NHA_MASTER). */
  master?: LinkRef;
  /** Only groups (NHA_GROUPS). */
  groupsOnly?: boolean;
  /** Only fdb nexthops (NHA_FDB). */
  fdbOnly?: boolean;
}

/** One member of a group to create (`group 10/11,3`): a nexthop object id and its weight. */
export interface NexthopGroupMemberOptions {
  /** The member nexthop object's id (it must exist, and not be a group). */
  id: number;
  /** 1..256 (default 1); up to 65535 on kernels >= 6.12. */
  weight?: number;
}

/** A resilient group's bucket table (`type resilient buckets N idle_timer S unbalanced_timer S`). */
export interface NexthopResilienceOptions extends NexthopResilienceSpec {
  /** NHA_RES_GROUP_BUCKETS: 1..65535 (the kernel's default is 128). */
  buckets?: number;
  /** Seconds a bucket must be idle before it may move to another member (NHA_RES_GROUP_IDLE_TIMER). */
  idleTimer?: number;
  /** Seconds the group may stay unbalanced before busy buckets move too; 0: never. */
  unbalancedTimer?: number;
}

/**
 * A nexthop object to create or replace (`ip nexthop add id N ...`): exactly one of
 * - a gateway and/or a link (`via GW dev X [onlink]`),
 * - `blackhole: true`,
 * - `fdb: true` with a gateway (a VXLAN/bridge fdb nexthop) or with a group of fdb nexthops,
 * - a `group` of other nexthop objects, hash-threshold ('mpath', the default) or 'resilient'.
 */
export interface NexthopOptions {
  /**
   * 1..2^32-1: the id routes name it by (`nhId`). `add` may leave it out: the kernel then picks a
   * free id, and `add` resolves with it. `replace` needs it.
   */
  id?: number;
  /** NHA_GATEWAY, IPv4 or IPv6. */
  gateway?: string;
  /** NHA_OIF: the link it leaves through. */
  link?: LinkRef;
  /** RTNH_F_ONLINK: the gateway is on the link even if no address says so. */
  onlink?: boolean;
  /** NHA_BLACKHOLE: packets through it are dropped. */
  blackhole?: boolean;
  /** NHA_FDB: for bridge/VXLAN forwarding entries, not for routes. */
  fdb?: boolean;
  /** For a blackhole or link-only nexthop (default 4); a gateway sets its own family. */
  family?: Family;
  /** nh_protocol: who installed it. */
  protocol?: ProtocolName | number;
  /** NHA_GROUP: the members of a group (ids of single nexthop objects) and their weights. */
  group?: NexthopGroupMemberOptions[];
  /** NHA_GROUP_TYPE; sent only when given (the kernel's default is 'mpath'). */
  type?: 'mpath' | 'resilient';
  /** Only with `type: 'resilient'`. */
  resilient?: NexthopResilienceOptions;
  /**
   * NHA_ENCAP: a lightweight tunnel encapsulation on a single nexthop with a link (`ip nexthop add
   * id N encap ip id 7 dst 10.0.0.3 dev vx0`), as on a route.
   */
  encap?: IpTunnelEncapSpec;
}

/** What `nexthops.buckets` dumps (`ip nexthop bucket show`); the kernel applies every filter. */
export interface NexthopBucketListOptions extends DumpOptions {
  /** Only this resilient group's buckets. */
  id?: number;
  /** Only the buckets holding this member nexthop. */
  nhId?: number;
  /** Only buckets whose member leaves through this link. */
  link?: LinkRef;
  /** Only buckets whose member's link is enslaved to this one (a VRF or bridge). */
  master?: LinkRef;
}

function checkId(id: unknown): number {
  if (typeof id !== 'number') throw new TypeError(`nexthop id must be a number, got ${id}`);
  if (!Number.isInteger(id) || id < 1 || id > 0xffffffff) {
    throw new RangeError(`nexthop id must be 1..2^32-1, got ${id}`);
  }
  return id;
}

/** The spec without link indexes (filled in after the lookups), and `ip nexthop`'s words for it. */
function nexthopSpec(o: NexthopOptions): { spec: NexthopSpec; words: string[] } {
  if (typeof o !== 'object' || o === null) throw new TypeError('nexthop add needs { id, ... }');
  const spec: NexthopSpec = {};
  const words: string[] = [];
  if (o.id !== undefined) {
    spec.id = checkId(o.id);
    words.push(`id ${o.id}`);
  }
  if (o.family !== undefined) {
    if (o.family !== 4 && o.family !== 6) throw new TypeError(`family must be 4 or 6, got ${o.family}`);
    spec.family = o.family;
  }
  if (o.group !== undefined) {
    if (!Array.isArray(o.group) || o.group.length === 0)
      throw new TypeError('group must be a non-empty array');
    spec.group = o.group.map((m) => {
      const weight = m.weight ?? 1;
      if (!Number.isInteger(weight) || weight < 1 || weight > 65535) {
        throw new RangeError(`group member weight must be 1..65535, got ${weight}`);
      }
      return { id: checkId(m.id), weight };
    });
    words.push(`group ${spec.group.map((m) => (m.weight === 1 ? m.id : `${m.id},${m.weight}`)).join('/')}`);
  }
  if (o.type !== undefined) {
    if (o.type !== 'mpath' && o.type !== 'resilient') {
      throw new TypeError(`nexthop group type must be 'mpath' or 'resilient', got ${JSON.stringify(o.type)}`);
    }
    spec.groupType = o.type === 'mpath' ? NEXTHOP_GRP_TYPE_MPATH : NEXTHOP_GRP_TYPE_RES;
    words.push(`type ${o.type}`);
  }
  if (o.resilient !== undefined) {
    if (o.type !== 'resilient') throw new TypeError("resilient settings need type: 'resilient'");
    spec.resilient = o.resilient;
    const r = o.resilient;
    if (r.buckets !== undefined) words.push(`buckets ${r.buckets}`);
    if (r.idleTimer !== undefined) words.push(`idle_timer ${r.idleTimer}`);
    if (r.unbalancedTimer !== undefined) words.push(`unbalanced_timer ${r.unbalancedTimer}`);
  }
  if (checkFlag('blackhole', o.blackhole)) {
    spec.blackhole = true;
    words.push('blackhole');
  }
  if (o.gateway !== undefined) {
    parseAddressOnly(o.gateway, 'gateway', o.family);
    spec.gateway = o.gateway;
    words.push(`via ${o.gateway}`);
  }
  if (o.encap !== undefined) {
    words.push(encapWords(o.encap));
    spec.encap = o.encap;
  }
  if (o.link !== undefined) words.push(`dev ${linkLabel(o.link)}`);
  if (checkFlag('onlink', o.onlink)) {
    spec.flags = RTNH_F_ONLINK;
    words.push('onlink');
  }
  if (checkFlag('fdb', o.fdb)) {
    spec.fdb = true;
    words.push('fdb');
  }
  const protocol = protocolNumber(o.protocol);
  if (protocol !== undefined) spec.protocol = protocol;
  return { spec, words };
}

function checkFlag(name: string, v: unknown): boolean {
  if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${v}`);
  return v === true;
}

/** `nl.nexthops`: the nexthop objects of the handle's namespace (`ip nexthop`). */
export class Nexthops {
  readonly #conn: Connection;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  /** Every nexthop object (RTM_GETNEXTHOP dump), filtered in the kernel by the options given. */
  async list(options: NexthopListOptions = {}): Promise<DumpResult<NexthopObject>> {
    const retry = checkRetry(options);
    const filter: GetNexthopsOptions = {};
    const words = ['nexthop list'];
    if (options.family !== undefined) {
      if (options.family !== 4 && options.family !== 6)
        throw new TypeError(`family must be 4 or 6, got ${options.family}`);
      filter.family = options.family;
      words.push(`-${options.family}`);
    }
    if (checkFlag('groupsOnly', options.groupsOnly)) {
      filter.groups = true;
      words.push('groups');
    }
    if (checkFlag('fdbOnly', options.fdbOnly)) {
      filter.fdb = true;
      words.push('fdb');
    }
    if (options.link !== undefined) {
      filter.oif = await resolveIndex(this.#conn, options.link);
      words.push(`dev ${linkLabel(options.link)}`);
    }
    if (options.master !== undefined) {
      filter.master = await resolveIndex(this.#conn, options.master, 'master');
      words.push(`master ${linkLabel(options.master)}`);
    }
    return this.#conn.dump(encodeGetNexthops(filter), words.join(' '), decodeNexthop, retry);
  }

  /** One nexthop object by id; a missing one rejects with NetlinkError ENOENT. */
  get(id: number): Promise<NexthopObject> {
    if (typeof id !== 'number')
      return Promise.reject(new TypeError(`nexthop id must be a number, got ${id}`));
    if (!Number.isInteger(id) || id < 1 || id > 0xffffffff) {
      return Promise.reject(new RangeError(`nexthop id must be 1..2^32-1, got ${id}`));
    }
    return this.#conn.single(encodeGetNexthop(id), `nexthop get id ${id}`, decodeNexthop);
  }

  /**
   * Creates a nexthop object (RTM_NEWNEXTHOP, NLM_F_EXCL) and resolves with its id: the one given,
   * or, without `id`, the one the kernel chose (the request then carries NLM_F_ECHO, as `ip -echo
   * nexthop add via ...`, and the kernel answers with the object it made before the ACK). EEXIST
   * when the id is taken.
   */
  async add(options: NexthopOptions): Promise<number> {
    if (typeof options === 'object' && options !== null && options.id === undefined) {
      const made = await this.#change(options, 'add', true);
      return (made as NexthopObject).id;
    }
    await this.#change(options, 'add');
    return options.id as number;
  }

  /**
   * Creates the object or changes the one with this id in place (NLM_F_REPLACE). Every route
   * naming it follows at once, without a route notification. A single nexthop cannot become a
   * group or the reverse (EINVAL).
   */
  async replace(options: NexthopOptions): Promise<void> {
    if (typeof options === 'object' && options !== null && options.id === undefined) {
      throw new TypeError('nexthop replace needs the id of the object to replace');
    }
    await this.#change(options, 'replace');
  }

  /** Deletes a nexthop object (RTM_DELNEXTHOP), and with it every route that names it; ENOENT if none. */
  delete(id: number): Promise<void> {
    try {
      checkId(id);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#conn.ack(encodeDelNexthop(id), `nexthop del id ${id}`);
  }

  /** Sends the add or replace; with `echo`, resolves with the object the kernel echoes back. */
  async #change(
    options: NexthopOptions,
    mode: 'add' | 'replace',
    echo = false,
  ): Promise<NexthopObject | undefined> {
    const { spec, words } = nexthopSpec(options);
    // Encode before the link lookup so a bad shape fails before anything is sent.
    if (options.link !== undefined) spec.oif = 1;
    encodeNewNexthop(spec, mode, echo);
    if (options.link !== undefined) spec.oif = await resolveIndex(this.#conn, options.link);
    const operation = `nexthop ${mode} ${words.join(' ')}`;
    const request = encodeNewNexthop(spec, mode, echo);
    // The echo is a GET-like reply followed by the ACK: the single-reply path keeps it until then.
    if (echo) return this.#conn.single(request, operation, decodeNexthop);
    await this.#conn.ack(request, operation);
    return undefined;
  }

  /**
   * The buckets of resilient groups (RTM_GETNEXTHOPBUCKET dump, `ip nexthop bucket show`): which
   * member each bucket's flows go to, and how long it has been idle.
   */
  async buckets(options: NexthopBucketListOptions = {}): Promise<DumpResult<NexthopBucket>> {
    const retry = checkRetry(options);
    const filter: GetNexthopBucketsOptions = {};
    const words = ['nexthop bucket list'];
    if (options.id !== undefined) {
      filter.id = checkId(options.id);
      words.push(`id ${options.id}`);
    }
    if (options.nhId !== undefined) {
      filter.nhId = checkId(options.nhId);
      words.push(`nhid ${options.nhId}`);
    }
    if (options.link !== undefined) {
      filter.oif = await resolveIndex(this.#conn, options.link);
      words.push(`dev ${linkLabel(options.link)}`);
    }
    if (options.master !== undefined) {
      filter.master = await resolveIndex(this.#conn, options.master, 'master');
      words.push(`master ${linkLabel(options.master)}`);
    }
    return this.#conn.dump(encodeGetNexthopBuckets(filter), words.join(' '), decodeNexthopBucket, retry);
  }

  /** One bucket of a resilient group (`ip nexthop bucket get id N index I`); ENOENT if there is none. */
  bucket(id: number, index: number): Promise<NexthopBucket> {
    try {
      checkId(id);
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 0xffff) {
        throw new RangeError(`bucket index must be 0..65535, got ${index}`);
      }
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#conn.single(
      encodeGetNexthopBucket(id, index),
      `nexthop bucket get id ${id} index ${index}`,
      decodeNexthopBucket,
    );
  }
}
