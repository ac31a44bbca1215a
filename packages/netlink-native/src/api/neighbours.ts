// Neighbours (`ip neigh`): the ARP (IPv4) and neighbour-discovery (IPv6) caches and the proxy
// entries. list (family and link filtered in the kernel, state here), get, add, replace, change,
// delete, and flush (`ip neigh flush`: a dump, then a delete per matching entry).
import { parseIP, parseMac } from '../codec/ip.ts';
import { decodeLink, encodeGetLink } from '../codec/link.ts';
import {
  decodeNeighbour,
  encodeDelNeighbour,
  encodeGetNeighbour,
  encodeGetNeighbours,
  encodeNewNeighbour,
  NEIGHBOUR_EXT_FLAGS,
  NEIGHBOUR_FLAGS,
  NEIGHBOUR_STATES,
  type NeighbourWriteMode,
  NTF_PROXY,
  NUD_NOARP,
  NUD_PERMANENT,
} from '../codec/neighbour.ts';
import { NetlinkError } from '../errors.ts';
import type { Connection } from '../transport/connection.ts';
import type { Decoder, DumpResult } from '../transport/pending.ts';
import type { Family, Neighbour, NeighbourSpec, NeighbourState } from '../types.ts';
import { type LinkRef, linkLabel, resolveIndex } from './link-ref.ts';
import { checkRetry, type DumpOptions } from './links.ts';
import { parseAddressOnly, parsePrefix } from './prefix.ts';

/** Options of `neighbours.list`: which entries to return. */
export interface NeighbourListOptions extends DumpOptions {
  /** Only IPv4 (ARP) or IPv6 (ND) entries; filtered in the kernel. */
  family?: Family;
  /** Only entries on this link; filtered in the kernel (NDA_IFINDEX), and here too without strict checking. */
  link?: LinkRef;
  /**
   * Only entries on links enslaved to this one (a bridge or VRF); filtered in the kernel
   * (NDA_MASTER), and here too (from a link dump) without strict checking.
   */
  master?: LinkRef;
  /** Only entries in this NUD state (or any of these). The kernel cannot filter by state: done here. */
  state?: NeighbourState | readonly NeighbourState[];
  /** The proxy entries (`ip neigh show proxy`) instead of the neighbours. */
  proxy?: boolean;
  /**
   * Only entries whose address lies in this prefix ("10.0.0.0/24"; an address alone is that
   * host), as `ip neigh show to PREFIX`: filtered here, and the family follows it.
   */
  to?: string;
}

/**
 * Options of `neighbours.flush`: which entries to delete, as `ip neigh flush` selects them. Family,
 * link (`dev X`), master (`master B`), proxy and prefix (`to PREFIX`) select as `neighbours.list`
 * does. Without `state`, every entry except those in state permanent or noarp is deleted
 * (iproute2's default); proxy entries (`proxy: true`) and externally learned entries (flag
 * extern_learn) are deleted whatever their state, as iproute2 does.
 */
export interface NeighbourFlushOptions extends Omit<NeighbourListOptions, 'state'> {
  /** Only entries in this state or these (`nud STATE`); 'permanent' and 'noarp' must be named to go. */
  state?: NeighbourState | readonly NeighbourState[];
}

/** iproute2 gives up on a flush after this many rounds of dump-then-delete. */
const FLUSH_ROUNDS = 10;
/** iproute2's stand-in bit for NUD_NONE (0) in a state mask. */
const NONE_BIT = 0x100;
const ENOENT = 2;

/** Flags a caller may set on an entry: NTF_USE, NTF_ROUTER (IPv6), NTF_EXT_LEARNED, NTF_EXT_MANAGED. */
export type NeighbourSetFlag = 'use' | 'router' | 'extern_learn' | 'managed';

/** One entry: the link it is on and its IP address; `proxy` for a proxy entry. */
export interface NeighbourKey {
  /** The link the entry is on: an ifindex, or a name (looked up first). */
  link: LinkRef;
  /** The neighbour's IPv4 or IPv6 address. */
  address: string;
  /** A proxy entry (NTF_PROXY, `ip neigh ... proxy ADDR dev X`): this host answers for the address. */
  proxy?: boolean;
}

/** What `neighbours.add` / `replace` set. */
export interface NeighbourOptions extends NeighbourKey {
  /** Link-layer address, "aa:bb:cc:dd:ee:ff" (not for a proxy entry). */
  lladdr?: string;
  /** Default 'permanent' ('none' with the 'managed' flag), as `ip neigh add` has it. Not for a proxy entry. */
  state?: NeighbourState;
  /** Flags to set on the entry ('router' is IPv6 only). */
  flags?: readonly NeighbourSetFlag[];
  /** NDA_PROTOCOL (0-255): who installed the entry. */
  protocol?: number;
}

const SETTABLE: ReadonlySet<string> = new Set<NeighbourSetFlag>(['use', 'router', 'extern_learn', 'managed']);

function stateBits(state: unknown): number {
  if (typeof state !== 'string' || !Object.hasOwn(NEIGHBOUR_STATES, state)) {
    throw new TypeError(
      `unknown neighbour state ${JSON.stringify(state)} (known: ${Object.keys(NEIGHBOUR_STATES).join(', ')})`,
    );
  }
  return NEIGHBOUR_STATES[state as NeighbourState];
}

function checkKey(key: NeighbourKey, what: string): Family {
  if (typeof key !== 'object' || key === null)
    throw new TypeError(`neighbour ${what} needs { link, address }`);
  if (key.proxy !== undefined && typeof key.proxy !== 'boolean')
    throw new TypeError(`proxy must be a boolean, got ${key.proxy}`);
  return parseAddressOnly(key.address, 'neighbour address');
}

/** The request's fields apart from the ifindex (filled in once the link is known). */
function specOf(o: NeighbourOptions): NeighbourSpec {
  checkKey(o, 'add');
  const spec: NeighbourSpec = { index: 1, address: o.address };
  let flags = o.proxy ? NTF_PROXY : 0;
  let ext = 0;
  for (const f of o.flags ?? []) {
    if (!SETTABLE.has(f))
      throw new TypeError(
        `neighbour flag ${JSON.stringify(f)} cannot be set (settable: ${[...SETTABLE].join(', ')})`,
      );
    if (f === 'managed') ext |= NEIGHBOUR_EXT_FLAGS.managed;
    else flags |= NEIGHBOUR_FLAGS[f as Exclude<NeighbourSetFlag, 'managed'>];
  }
  if (o.proxy && (o.lladdr !== undefined || o.state !== undefined)) {
    throw new TypeError('a proxy entry has no lladdr or state');
  }
  if (o.lladdr !== undefined) spec.lladdr = parseMac(o.lladdr);
  if (o.state !== undefined) spec.state = stateBits(o.state);
  else if (ext) spec.state = NEIGHBOUR_STATES.none;
  if (flags) spec.flags = flags;
  if (ext) spec.extFlags = ext;
  if (o.protocol !== undefined) {
    if (!Number.isInteger(o.protocol) || o.protocol < 0 || o.protocol > 255)
      throw new RangeError(`protocol must be 0..255, got ${o.protocol}`);
    spec.protocol = o.protocol;
  }
  return spec;
}

/** "neighbour add proxy 10.0.0.5 dev v0", as the operation of an error. */
const describe = (verb: string, key: NeighbourKey): string =>
  `neighbour ${verb}${key.proxy ? ' proxy' : ''} ${key.address} dev ${linkLabel(key.link)}`;

/** The `to` filter: a test of an entry's address, and the family it implies. */
function prefixFilter(to: string | undefined, family: Family | undefined) {
  if (to === undefined) return undefined;
  const p = parsePrefix(to, undefined, 'to');
  if (family !== undefined && family !== p.family) {
    throw new TypeError(`to ${JSON.stringify(to)} is IPv${p.family}, but family is ${family}`);
  }
  const want = parseIP(p.address);
  const whole = p.prefixLength >> 3;
  const rest = p.prefixLength & 7;
  const mask = (0xff << (8 - rest)) & 0xff;
  const test = (address: string): boolean => {
    const got = parseIP(address);
    if (got.length !== want.length) return false;
    for (let i = 0; i < whole; i++) if (got[i] !== want[i]) return false;
    return rest === 0 || (((got[whole] as number) ^ (want[whole] as number)) & mask) === 0;
  };
  return { family: p.family, test };
}

function stateFilter(state: NeighbourListOptions['state']): ReadonlySet<number> | undefined {
  if (state === undefined) return undefined;
  const names = typeof state === 'string' ? [state] : state;
  if (!Array.isArray(names) || names.length === 0)
    throw new TypeError('state must be a state name or a non-empty array of them');
  return new Set(names.map(stateBits));
}

/** The state mask of a flush, in iproute2's terms (NUD_* bits, NONE_BIT for NUD_NONE). */
function flushMask(state: NeighbourFlushOptions['state']): number {
  if (state === undefined) return (0x1ff & ~(NUD_PERMANENT | NUD_NOARP)) >>> 0;
  let mask = 0;
  for (const bits of stateFilter(state) as ReadonlySet<number>) mask |= bits === 0 ? NONE_BIT : bits;
  return mask;
}

/** iproute2's test: in the mask, or a proxy or externally learned entry whatever its state. */
function flushes(n: Neighbour, mask: number): boolean {
  if (n.flags.includes('proxy') || n.flags.includes('extern_learn')) return true;
  return n.stateBits === 0 ? (mask & NONE_BIT) !== 0 : (mask & n.stateBits) !== 0;
}

/** nl.neighbours: the ARP / ND caches and proxy entries of the handle's namespace. */
export class Neighbours {
  readonly #conn: Connection;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  /**
   * Neighbour entries (RTM_GETNEIGH dump), or proxy entries with `proxy: true`. Unlike `ip neigh
   * show`, entries in state noarp are listed too unless `state` leaves them out.
   */
  async list(options: NeighbourListOptions = {}): Promise<DumpResult<Neighbour>> {
    const retry = checkRetry(options);
    if (options.family !== undefined && options.family !== 4 && options.family !== 6)
      throw new TypeError(`family must be 4 or 6, got ${options.family}`);
    const to = prefixFilter(options.to, options.family);
    const family = options.family ?? to?.family;
    if (options.proxy !== undefined && typeof options.proxy !== 'boolean')
      throw new TypeError(`proxy must be a boolean, got ${options.proxy}`);
    const states = stateFilter(options.state);
    const index = options.link === undefined ? undefined : await resolveIndex(this.#conn, options.link);
    const master =
      options.master === undefined ? undefined : await resolveIndex(this.#conn, options.master, 'master');
    // Without strict checking an old kernel may ignore NDA_IFINDEX / NDA_MASTER: checked here too.
    const links = this.#conn.socket.strictCheck ? undefined : await this.#linksOf(index, master);
    let decode: Decoder<Neighbour> = decodeNeighbour;
    if (states !== undefined || links !== undefined || to !== undefined) {
      decode = (m) => {
        const n = decodeNeighbour(m);
        if (states !== undefined && !states.has(n.stateBits)) return undefined;
        if (to !== undefined && !to.test(n.address)) return undefined;
        return links === undefined || links.has(n.index) ? n : undefined;
      };
    }
    const words = ['neighbour list'];
    if (family) words.push(`-${family}`);
    if (options.proxy) words.push('proxy');
    if (options.link !== undefined) words.push(`dev ${linkLabel(options.link)}`);
    if (options.master !== undefined) words.push(`master ${linkLabel(options.master)}`);
    if (options.to !== undefined) words.push(`to ${options.to}`);
    const request = encodeGetNeighbours({ family, index, master, proxy: options.proxy === true });
    return this.#conn.dump(request, words.join(' '), decode, retry);
  }

  /** The links a link / master filter leaves (undefined: no filter); a master's ports from a link dump. */
  async #linksOf(index: number | undefined, master: number | undefined): Promise<Set<number> | undefined> {
    if (master === undefined) return index === undefined ? undefined : new Set([index]);
    const ports = await this.#conn.dump(encodeGetLink({ dump: true }), 'link list', decodeLink);
    const set = new Set(ports.filter((l) => l.master === master).map((l) => l.index));
    if (index !== undefined) return set.has(index) ? new Set([index]) : new Set();
    return set;
  }

  /** One entry (`ip neigh get ADDR dev X`); a missing one rejects with NetlinkError ENOENT. */
  async get(key: NeighbourKey): Promise<Neighbour> {
    checkKey(key, 'get');
    const index = await resolveIndex(this.#conn, key.link);
    const request = encodeGetNeighbour({ index, address: key.address, proxy: key.proxy === true });
    return this.#conn.single(request, describe('get', key), decodeNeighbour);
  }

  /** Adds an entry; EEXIST when there is one for the address on the link. */
  add(options: NeighbourOptions): Promise<void> {
    return this.#change(options, 'add');
  }

  /** Adds the entry or overwrites the one there (lladdr, state, flags). */
  replace(options: NeighbourOptions): Promise<void> {
    return this.#change(options, 'replace');
  }

  /**
   * Overwrites an existing entry (`ip neigh change`: NLM_F_REPLACE without NLM_F_CREATE); a
   * missing one rejects with NetlinkError ENOENT. A proxy entry is created all the same: the
   * kernel always creates those.
   */
  change(options: NeighbourOptions): Promise<void> {
    return this.#change(options, 'change');
  }

  /**
   * Deletes the entries `options` selects, as `ip neigh flush` does: a dump, then a delete per
   * entry, again until a round finds nothing (at most 10 rounds; 'failed' entries are left after
   * the first, as iproute2 leaves them). An entry gone before its delete arrives is not counted.
   * Resolves with the number of entries deleted.
   */
  async flush(options: NeighbourFlushOptions = {}): Promise<number> {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('flush options must be an object');
    let mask = flushMask(options.state);
    const { family, link, master, proxy, to, retryInterrupted } = options;
    let removed = 0;
    for (let round = 0; round < FLUSH_ROUNDS; round++) {
      const entries = await this.list({ family, link, master, proxy, to, retryInterrupted });
      const doomed = entries.filter((n) => flushes(n, mask));
      if (doomed.length === 0) break;
      const results = await Promise.allSettled(doomed.map((n) => this.#flushOne(n)));
      for (const r of results) {
        if (r.status === 'rejected') throw r.reason;
        if (r.value) removed++;
      }
      mask &= ~NEIGHBOUR_STATES.failed;
    }
    return removed;
  }

  /** Deletes one listed entry: true when it went, false when it was already gone (ENOENT). */
  async #flushOne(n: Neighbour): Promise<boolean> {
    const proxy = n.flags.includes('proxy');
    const spec: NeighbourSpec = { index: n.index, address: n.address };
    if (proxy) spec.flags = NTF_PROXY;
    try {
      await this.#conn.ack(
        encodeDelNeighbour(spec),
        describe('flush del', { link: n.index, address: n.address, proxy }),
      );
      return true;
    } catch (err) {
      if (err instanceof NetlinkError && err.errno === ENOENT) return false;
      throw err;
    }
  }

  /** Deletes an entry; a missing one rejects with NetlinkError ENOENT. */
  delete(key: NeighbourKey): Promise<void> {
    try {
      checkKey(key, 'delete');
      const spec: NeighbourSpec = { index: 1, address: key.address };
      if (key.proxy) spec.flags = NTF_PROXY;
      return this.#send(key.link, spec, (s) => encodeDelNeighbour(s), describe('del', key));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #change(options: NeighbourOptions, mode: NeighbourWriteMode): Promise<void> {
    try {
      const spec = specOf(options);
      // Encode once before any link lookup, so a bad field fails before anything is sent.
      encodeNewNeighbour(spec, mode);
      return this.#send(options.link, spec, (s) => encodeNewNeighbour(s, mode), describe(mode, options));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #send(
    link: LinkRef,
    spec: NeighbourSpec,
    encode: (s: NeighbourSpec) => Buffer,
    what: string,
  ): Promise<void> {
    if (typeof link === 'number') {
      if (!Number.isInteger(link) || link <= 0 || link > 0x7fffffff)
        throw new RangeError(`link index must be a positive integer, got ${link}`);
      spec.index = link;
      return this.#conn.ack(encode(spec), what);
    }
    return resolveIndex(this.#conn, link).then((index) => {
      spec.index = index;
      return this.#conn.ack(encode(spec), what);
    });
  }
}
