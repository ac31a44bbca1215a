// Nexthop objects (`ip nexthop`): read them, so a route that names one by id (Route.nhId, as with
// `ip route add default nhid 10`) can be followed to the device and gateway it leaves through.
import {
  decodeNexthop,
  encodeGetNexthop,
  encodeGetNexthops,
  type GetNexthopsOptions,
} from '../codec/nexthop.ts';
import type { Connection } from '../transport/connection.ts';
import type { DumpResult } from '../transport/pending.ts';
import type { Family, NexthopObject } from '../types.ts';
import { type LinkRef, linkLabel, resolveIndex } from './link-ref.ts';
import { checkRetry, type DumpOptions } from './links.ts';

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

function checkFlag(name: string, v: unknown): boolean {
  if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${v}`);
  return v === true;
}

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
}
