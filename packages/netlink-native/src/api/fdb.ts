// Bridge forwarding database entries (`bridge fdb`): a bridge's MAC table and a VXLAN device's
// remotes. list (port and bridge filtered in the kernel, vlan and state here), add, append,
// replace, delete.

import {
  decodeFdb,
  encodeDelFdb,
  encodeFlushFdb,
  encodeGetFdb,
  encodeGetFdbs,
  encodeNewFdb,
  FDB_FLAGS,
  FDB_STATE_BITS,
  type FdbEntry,
  type FdbSpec,
  type FdbState,
  type FdbWriteMode,
  isFdbMessage,
} from '../codec/fdb.ts';
import { parseMac } from '../codec/ip.ts';
import { decodeLink, encodeGetLink } from '../codec/link.ts';
import {
  NTF_EXT_LEARNED,
  NTF_MASTER,
  NTF_OFFLOADED,
  NTF_SELF,
  NTF_STICKY,
  NTF_USE,
  NUD_NOARP,
  NUD_PERMANENT,
} from '../codec/neighbour.ts';
import type { Connection } from '../transport/connection.ts';
import type { Decoder, DumpResult } from '../transport/pending.ts';
import { type LinkRef, linkLabel, resolveIndex } from './link-ref.ts';
import { checkRetry, type DumpOptions } from './links.ts';
import { parseAddressOnly } from './prefix.ts';

/** Options of `fdb.list`: which entries to return (`bridge fdb show`). */
export interface FdbListOptions extends DumpOptions {
  /** Only the entries of this port or device (`dev X` / `brport X`); filtered in the kernel. */
  link?: LinkRef;
  /** Only the entries of this bridge, its own and its ports' (`br Y`); filtered in the kernel. */
  master?: LinkRef;
  /** Only entries of this VLAN (`vlan VID`); filtered here, as `bridge` does. */
  vlan?: number;
  /** Only entries in this state (or any of these); filtered here, as `bridge` does. */
  state?: FdbState | readonly FdbState[];
}

/** One entry to look up (`bridge fdb get LLADDR [dev X] [br Y] [vlan V] [vni N] [self] [master]`). */
export interface FdbGetOptions {
  /** The MAC address, "aa:bb:cc:dd:ee:ff". */
  lladdr: string;
  /** The port or device whose entry it is (`dev X` / `brport X`). */
  link?: LinkRef;
  /** The bridge whose table to look in (`br Y`). Exactly one of link and master is given (the kernel's rule). */
  master?: LinkRef;
  /** The VLAN of a bridge entry (1..4094). */
  vlan?: number;
  /** The VNI of the entry, on a VXLAN device that filters VNIs. */
  vni?: number;
  /** 'self' (the device's own table) and / or 'master' (the bridge's); default: the bridge's for a port. */
  flags?: readonly ('self' | 'master')[];
}

/**
 * What `fdb.flush` deletes (`bridge fdb flush dev X ...`): the entries of one bridge or VXLAN device,
 * narrowed by port, VLAN, state and flags. Each match option is iproute2's word: `true` keeps
 * only entries that are so (`static`), `false` only entries that are not (`nostatic`).
 */
export interface FdbFlushOptions {
  /** The bridge or VXLAN device whose table is flushed (`dev X`). */
  link: LinkRef;
  /** Only the entries of this bridge port (`brport P`). */
  port?: LinkRef;
  /** Only the entries of this VLAN (1..4094). */
  vlan?: number;
  /** Which table: 'self' (the device's own; the default) and / or 'master'. */
  flags?: readonly ('self' | 'master')[];
  /** Local entries (NUD_PERMANENT), or (false) all but them. */
  permanent?: boolean;
  /** Static entries (NUD_NOARP, not permanent), or (false) all but them. */
  static?: boolean;
  /** Dynamic entries (neither permanent nor static), or (false) all but them. */
  dynamic?: boolean;
  /** Entries added by a user (NTF_USE), or not. */
  addedByUser?: boolean;
  /** Externally learned entries (NTF_EXT_LEARNED), or not. */
  externLearn?: boolean;
  /** Sticky entries (NTF_STICKY), or not. */
  sticky?: boolean;
  /** Offloaded entries (NTF_OFFLOADED), or not. */
  offloaded?: boolean;
}

const FLUSH_FLAG_MATCHES = [
  ['addedByUser', NTF_USE],
  ['externLearn', NTF_EXT_LEARNED],
  ['sticky', NTF_STICKY],
  ['offloaded', NTF_OFFLOADED],
] as const;

/** ndm_state / ndm_flags and their masks for a flush, built as `bridge fdb flush` builds them. */
function flushMatch(o: FdbFlushOptions) {
  let state = 0;
  let stateMask = 0;
  let flags = 0;
  let flagsMask = 0;
  const bool = (k: keyof FdbFlushOptions): boolean | undefined => {
    const v = o[k];
    if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`fdb flush ${k} must be a boolean`);
    return v as boolean | undefined;
  };
  const permanent = bool('permanent');
  if (permanent !== undefined) {
    state = permanent ? state | NUD_PERMANENT : state & ~NUD_PERMANENT;
    stateMask |= NUD_PERMANENT;
  }
  const stat = bool('static');
  if (stat !== undefined) {
    state = stat ? state | NUD_NOARP : state & ~NUD_NOARP;
    stateMask |= stat ? NUD_NOARP | NUD_PERMANENT : NUD_NOARP;
  }
  const dynamic = bool('dynamic');
  if (dynamic !== undefined) {
    state = dynamic ? state & ~NUD_NOARP : state | NUD_NOARP;
    stateMask |= dynamic ? NUD_NOARP | NUD_PERMANENT : NUD_NOARP;
  }
  for (const [k, bit] of FLUSH_FLAG_MATCHES) {
    const v = bool(k);
    if (v === undefined) continue;
    flags = v ? flags | bit : flags & ~bit;
    flagsMask |= bit;
  }
  flags |= tableFlags(o.flags, 'flush');
  if (!(flags & (NTF_SELF | NTF_MASTER))) flags |= NTF_SELF;
  return { state, stateMask, flags, flagsMask };
}

/** NTF_SELF / NTF_MASTER of a get's or a flush's `flags` (which table). */
function tableFlags(names: readonly ('self' | 'master')[] | undefined, verb: string): number {
  let flags = 0;
  for (const f of names ?? []) {
    if (f !== 'self' && f !== 'master')
      throw new TypeError(`fdb ${verb} flags are self and master, got ${JSON.stringify(f)}`);
    flags |= FDB_FLAGS[f];
  }
  return flags;
}

/** Flags a caller may set on an fdb entry (`bridge fdb add ... self master router use extern_learn sticky`). */
export type FdbSetFlag = 'self' | 'master' | 'router' | 'use' | 'extern_learn' | 'sticky';

/** One fdb entry to add, append, replace or delete (`bridge fdb add LLADDR dev X ...`). */
export interface FdbOptions {
  /** The port or device the entry is on (`dev X`): an ifindex, or a name (looked up first). */
  link: LinkRef;
  /** The MAC address, "aa:bb:cc:dd:ee:ff"; all zeros is a VXLAN device's default (flood) entry. */
  lladdr: string;
  /** A VXLAN remote: the IPv4 or IPv6 address of the other end (`dst`). */
  dst?: string;
  /** The remote's VNI when it is not the device's own (`vni`, 0..2^24-1). */
  vni?: number;
  /** The remote's UDP port when it is not the device's own (`port`). */
  port?: number;
  /** Source VNI, for a collect-metadata ('external') VXLAN device (`src_vni`). */
  srcVni?: number;
  /** The VLAN of a bridge entry (`vlan`, 1..4094). */
  vlan?: number;
  /** The device that reaches the remote (`via`). */
  via?: LinkRef;
  /** An fdb nexthop group instead of dst, port and vni (`nhid`). */
  nhId?: number;
  /**
   * 'permanent' (the default: the entry is local, never ages), 'static' (never ages, forwarded) or
   * 'dynamic' (ages out like a learned entry).
   */
  state?: Exclude<FdbState, 'stale'>;
  /**
   * Which table and how: 'self' (the device's own: a VXLAN device, or the bridge itself),
   * 'master' (the bridge a port belongs to), 'router', 'use', 'extern_learn', 'sticky'. Neither
   * self nor master means self, as `bridge fdb add` has it.
   */
  flags?: readonly FdbSetFlag[];
}

const SETTABLE: ReadonlySet<string> = new Set<FdbSetFlag>([
  'self',
  'master',
  'router',
  'use',
  'extern_learn',
  'sticky',
]);

/** The request's fields apart from the ifindexes (filled in once the links are known). */
function specOf(o: FdbOptions): FdbSpec {
  if (typeof o !== 'object' || o === null) throw new TypeError('an fdb entry needs { link, lladdr }');
  const spec: FdbSpec = { index: 1, lladdr: parseMac(o.lladdr) };
  let flags = 0;
  if (o.flags !== undefined && !Array.isArray(o.flags)) throw new TypeError('fdb flags must be an array');
  for (const f of (o.flags ?? []) as readonly FdbSetFlag[]) {
    if (!SETTABLE.has(f)) {
      throw new TypeError(
        `fdb flag ${JSON.stringify(f)} cannot be set (settable: ${[...SETTABLE].join(', ')})`,
      );
    }
    flags |= FDB_FLAGS[f];
  }
  if (!(flags & (NTF_SELF | NTF_MASTER))) flags |= NTF_SELF;
  spec.flags = flags;
  if (o.state !== undefined) {
    if (typeof o.state !== 'string' || !Object.hasOwn(FDB_STATE_BITS, o.state)) {
      throw new TypeError(`fdb state must be permanent, static or dynamic, got ${JSON.stringify(o.state)}`);
    }
    spec.state = FDB_STATE_BITS[o.state];
  }
  if (o.dst !== undefined) {
    parseAddressOnly(o.dst, 'fdb dst');
    spec.dst = o.dst;
  }
  for (const k of ['vni', 'port', 'srcVni', 'vlan', 'nhId'] as const) if (o[k] !== undefined) spec[k] = o[k];
  if (o.via !== undefined) spec.via = 1;
  return spec;
}

/** "fdb append 00:00:00:00:00:00 dst 10.0.0.2 dev vx0", as the operation of an error. */
function describe(verb: string, o: FdbOptions): string {
  const words = [`fdb ${verb} ${o.lladdr}`];
  if (o.dst !== undefined) words.push(`dst ${o.dst}`);
  if (o.vlan !== undefined) words.push(`vlan ${o.vlan}`);
  if (o.vni !== undefined) words.push(`vni ${o.vni}`);
  words.push(`dev ${linkLabel(o.link)}`);
  return words.join(' ');
}

function stateFilter(state: FdbListOptions['state']): ReadonlySet<FdbState> | undefined {
  if (state === undefined) return undefined;
  const names = typeof state === 'string' ? [state] : state;
  if (!Array.isArray(names) || names.length === 0) {
    throw new TypeError('fdb state must be a state name or a non-empty array of them');
  }
  for (const s of names) {
    if (s !== 'permanent' && s !== 'static' && s !== 'dynamic' && s !== 'stale') {
      throw new TypeError(
        `unknown fdb state ${JSON.stringify(s)} (known: permanent, static, dynamic, stale)`,
      );
    }
  }
  return new Set(names);
}

/** The port or device and the bridge a list or a get names. */
type LinkAndMaster = Pick<FdbListOptions, 'link' | 'master'>;

/** `dev X br Y`, as an operation's words. */
function linkAndMasterWords(o: LinkAndMaster): string[] {
  const words: string[] = [];
  if (o.link !== undefined) words.push(`dev ${linkLabel(o.link)}`);
  if (o.master !== undefined) words.push(`br ${linkLabel(o.master)}`);
  return words;
}

/** nl.fdb: bridge forwarding database entries (`bridge fdb`) of the handle's namespace. */
export class Fdb {
  readonly #conn: Connection;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  /**
   * Fdb entries (RTM_GETNEIGH dump of family AF_BRIDGE), as `bridge fdb show` lists them: every
   * bridge's and port's, every VXLAN device's remotes, and the devices' own unicast and multicast
   * addresses (flag 'self').
   */
  async list(options: FdbListOptions = {}): Promise<DumpResult<FdbEntry>> {
    const retry = checkRetry(options);
    const states = stateFilter(options.state);
    const { vlan } = options;
    if (vlan !== undefined && (!Number.isInteger(vlan) || vlan < 1 || vlan > 4094)) {
      throw new RangeError(`vlan must be 1..4094, got ${vlan}`);
    }
    const { index, master } = await this.#linkAndMaster(options);
    // Without strict checking the kernel reads the request as an ifinfomsg: filtered here instead.
    const strict = this.#conn.socket.strictCheck;
    const ports = strict || master === undefined ? undefined : await this.#portsOf(master);
    const keep = (e: FdbEntry): boolean =>
      (states === undefined || (e.state !== undefined && states.has(e.state))) &&
      (vlan === undefined || (e.vlan ?? 0) === vlan) &&
      (strict || index === undefined || e.index === index) &&
      (ports === undefined || ports.has(e.index));
    const decode: Decoder<FdbEntry> = (m) => {
      if (!isFdbMessage(m)) return undefined;
      const e = decodeFdb(m);
      return keep(e) ? e : undefined;
    };
    const what = ['fdb list', ...linkAndMasterWords(options)].join(' ');
    return this.#conn.dump(encodeGetFdbs({ index, master }), what, decode, retry);
  }

  /** The ifindexes of a list's or a get's port or device (`link`) and bridge (`master`), when given. */
  async #linkAndMaster(o: LinkAndMaster): Promise<{ index: number | undefined; master: number | undefined }> {
    const index = o.link === undefined ? undefined : await resolveIndex(this.#conn, o.link);
    const master = o.master === undefined ? undefined : await resolveIndex(this.#conn, o.master, 'master');
    return { index, master };
  }

  /** A bridge and its ports, from a link dump (the master filter on a kernel without strict checking). */
  async #portsOf(master: number): Promise<Set<number>> {
    const links = await this.#conn.dump(encodeGetLink({ dump: true }), 'link list', decodeLink);
    return new Set([master, ...links.filter((l) => l.master === master).map((l) => l.index)]);
  }

  /**
   * One entry (`bridge fdb get`): a VXLAN device's answers with its first remote. A missing one
   * rejects with NetlinkError ENOENT; a device without fdb lookups with EOPNOTSUPP.
   */
  async get(options: FdbGetOptions): Promise<FdbEntry> {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('fdb get needs { lladdr, link or master }');
    if ((options.link === undefined) === (options.master === undefined)) {
      throw new TypeError('fdb get needs a link (port or device) or a master (bridge): one of them');
    }
    const flags = tableFlags(options.flags, 'get');
    const spec = {
      lladdr: parseMac(options.lladdr),
      vlan: options.vlan,
      vni: options.vni,
      flags,
      index: 1,
      master: 1,
    };
    encodeGetFdb(spec);
    const what = [`fdb get ${options.lladdr}`, ...linkAndMasterWords(options)].join(' ');
    const { index, master } = await this.#linkAndMaster(options);
    const request = encodeGetFdb({ ...spec, index, master });
    return this.#conn.single(request, what, decodeFdb);
  }

  /** Adds an entry (`bridge fdb add`); EEXIST when the device already has one for the MAC. */
  add(options: FdbOptions): Promise<void> {
    return this.#write(options, 'add');
  }

  /**
   * Adds one more remote to a VXLAN device's MAC (`bridge fdb append`): with the all-zeros MAC this
   * is the flood list flannel and other VXLAN overlays build, one `dst` per peer.
   */
  append(options: FdbOptions): Promise<void> {
    return this.#write(options, 'append');
  }

  /** Adds the entry or overwrites the one there (`bridge fdb replace`). */
  replace(options: FdbOptions): Promise<void> {
    return this.#write(options, 'replace');
  }

  /**
   * Deletes an entry (`bridge fdb del`); with a VXLAN MAC, `dst` (and port, vni) names one remote
   * and without it every remote of the MAC goes. A missing one rejects with NetlinkError ENOENT.
   */
  delete(options: FdbOptions): Promise<void> {
    return this.#write(options, 'del');
  }

  /**
   * Deletes every entry of a bridge or VXLAN device that matches (`bridge fdb flush`: one
   * RTM_DELNEIGH with NLM_F_BULK, Linux 5.19 and later; an older kernel refuses it). With no match
   * option every entry of the table goes, the bridge's local (permanent) ones included. The kernel
   * does not say how many it deleted.
   */
  async flush(options: FdbFlushOptions): Promise<void> {
    if (typeof options !== 'object' || options === null) throw new TypeError('fdb flush needs { link }');
    const match = flushMatch(options);
    const spec = { ...match, index: 1, vlan: options.vlan, port: options.port === undefined ? undefined : 1 };
    encodeFlushFdb(spec);
    const words = [`fdb flush dev ${linkLabel(options.link)}`];
    if (options.port !== undefined) words.push(`brport ${linkLabel(options.port)}`);
    if (options.vlan !== undefined) words.push(`vlan ${options.vlan}`);
    spec.index = await resolveIndex(this.#conn, options.link);
    if (options.port !== undefined) spec.port = await resolveIndex(this.#conn, options.port, 'port');
    return this.#conn.ack(encodeFlushFdb(spec), words.join(' '));
  }

  async #write(options: FdbOptions, mode: FdbWriteMode | 'del'): Promise<void> {
    const spec = specOf(options);
    const encode = (s: FdbSpec): Buffer => (mode === 'del' ? encodeDelFdb(s) : encodeNewFdb(s, mode));
    // Encode once before any link lookup, so a bad field fails before anything is sent.
    encode(spec);
    const what = describe(mode, options);
    spec.index = await resolveIndex(this.#conn, options.link);
    if (options.via !== undefined) spec.via = await resolveIndex(this.#conn, options.via, 'via');
    return this.#conn.ack(encode(spec), what);
  }
}
