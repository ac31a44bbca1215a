// Links: list, get, create (dummy, ifb, bridge, veth pair), set up/down, delete.
import { decodeLink, encodeDelLink, encodeGetLink, encodeNewLink, encodeSetLink } from '../codec/link.ts';
import type { Connection } from '../transport/connection.ts';
import type { DumpResult } from '../transport/pending.ts';
import type { Link, LinkChangeSpec, LinkCreateSpec } from '../types.ts';
import { checkLinkRef, getLink, type LinkRef, linkLabel, resolveIndex } from './link-ref.ts';

export interface DumpOptions {
  /** Re-run the dump up to this many times while the kernel flags it interrupted (NLM_F_DUMP_INTR). */
  retryInterrupted?: number;
}

/** The kinds `links.create` makes. ('dummy' needs the dummy driver, which some kernels lack.) */
export type CreatableKind = 'dummy' | 'ifb' | 'bridge' | 'veth';

export interface LinkCreateOptions {
  name: string;
  kind: CreatableKind;
  /** veth only: the peer's name (or its spec). */
  peer?: string | { name: string; mtu?: number; mac?: string };
  mtu?: number;
  mac?: string;
  up?: boolean;
  /** A bridge to enslave the new link to. */
  master?: LinkRef;
}

export interface LinkSetOptions {
  up?: boolean;
  mtu?: number;
  mac?: string;
  /** A bridge to enslave to; null detaches. */
  master?: LinkRef | null;
  /** Rename (the link must be down). */
  name?: string;
  /** IFLA_IFALIAS, the free-text alias `ip link show` prints ("" clears it). */
  alias?: string;
}

const KINDS: ReadonlySet<string> = new Set(['dummy', 'ifb', 'bridge', 'veth']);

export function checkRetry(options: DumpOptions | undefined): number {
  const n = options?.retryInterrupted ?? 0;
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`retryInterrupted must be a non-negative integer, got ${n}`);
  return n;
}

export class Links {
  readonly #conn: Connection;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  /** Every link in the namespace. */
  list(options?: DumpOptions): Promise<DumpResult<Link>> {
    try {
      return this.#conn.dump(encodeGetLink({ dump: true }), 'link list', decodeLink, checkRetry(options));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** One link by name or index; a missing one rejects with NetlinkError ENODEV. */
  get(ref: LinkRef): Promise<Link> {
    try {
      return getLink(this.#conn, ref);
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
    let description = `link add ${name} type ${kind}`;
    if (kind === 'veth') {
      const peer = typeof options.peer === 'string' ? { name: options.peer } : options.peer;
      if (peer === undefined) throw new TypeError(`veth ${name} needs a peer name (peer: 'NAME')`);
      checkLinkRef(peer.name, 'veth peer name');
      spec.peer = peer;
      description += ` peer ${peer.name}`;
    } else if (options.peer !== undefined) {
      throw new TypeError(`peer is for veth links, not ${kind}`);
    }
    if (options.mtu !== undefined) spec.mtu = checkMtu(options.mtu);
    if (options.mac !== undefined) spec.mac = options.mac;
    if (options.up !== undefined) spec.up = options.up;
    if (options.master !== undefined) spec.master = await resolveIndex(this.#conn, options.master, 'master');
    await this.#conn.ack(encodeNewLink(spec), description);
  }

  setUp(ref: LinkRef): Promise<void> {
    return this.set(ref, { up: true });
  }

  setDown(ref: LinkRef): Promise<void> {
    return this.set(ref, { up: false });
  }

  async set(ref: LinkRef, changes: LinkSetOptions): Promise<void> {
    const index = await resolveIndex(this.#conn, ref);
    const spec: LinkChangeSpec = { index };
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
    await this.#conn.ack(encodeSetLink(spec), `link set ${linkLabel(ref)} ${words.join(' ')}`.trimEnd());
  }

  async delete(ref: LinkRef): Promise<void> {
    const index = await resolveIndex(this.#conn, ref);
    await this.#conn.ack(encodeDelLink({ index }), `link del ${linkLabel(ref)}`);
  }
}

function checkMtu(mtu: number): number {
  if (!Number.isInteger(mtu) || mtu < 1 || mtu > 0x7fffffff)
    throw new RangeError(`mtu must be a positive integer, got ${mtu}`);
  return mtu;
}
