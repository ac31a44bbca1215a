// Routes: dump a table (filtered in the kernel where strict checking allows), get the route to a
// destination, add / replace / append / delete, IPv4 and IPv6, multipath.
import { RTNH_F_ONLINK } from '../codec/constants.ts';
import {
  decodeRoute,
  encodeDelRoute,
  encodeGetRoute,
  encodeGetRoutes,
  encodeNewRoute,
  type GetRoutesOptions,
  routeMatchesFilter,
} from '../codec/route.ts';
import type { Connection } from '../transport/connection.ts';
import type { Decoder, DumpResult } from '../transport/pending.ts';
import type { Family, NextHopSpec, Route, RouteSpec } from '../types.ts';
import { type LinkRef, linkLabel, resolveIndex } from './link-ref.ts';
import { checkRetry, type DumpOptions } from './links.ts';
import { parseAddressOnly, parsePrefix } from './prefix.ts';
import {
  type ProtocolName,
  protocolNumber,
  type RouteTypeName,
  routeTypeNumber,
  type TableName,
  tableNumber,
} from './route-names.ts';
import { type ScopeName, scopeNumber } from './scope.ts';

export interface RouteListOptions extends DumpOptions {
  /** Default: both families (two dumps). */
  family?: Family;
  /** Default 'main'; 'all' dumps every table. */
  table?: TableName | number;
  protocol?: ProtocolName | number;
  type?: RouteTypeName | number;
  /** Routes out of this link (RTA_OIF, or any nexthop of a multipath route). */
  link?: LinkRef;
}

export interface NextHopOptions {
  gateway?: string;
  link?: LinkRef;
  /** 1..256 */
  weight?: number;
  onlink?: boolean;
}

export interface RouteOptions {
  /** "10.0.0.0/24", a host address, or "default" (then give family or a gateway). */
  dst: string;
  family?: Family;
  gateway?: string;
  link?: LinkRef;
  metric?: number;
  table?: TableName | number;
  protocol?: ProtocolName | number;
  scope?: ScopeName | number;
  type?: RouteTypeName | number;
  /** Preferred source address (RTA_PREFSRC). */
  prefsrc?: string;
  onlink?: boolean;
  nexthops?: NextHopOptions[];
}

export interface RouteGetOptions {
  from?: string;
  /** Output link (RTA_OIF). */
  link?: LinkRef;
  /** Pretend the packet arrived on this link (RTA_IIF). */
  iif?: LinkRef;
  mark?: number;
  /** The FIB entry that matched instead of the resolved route (`ip route get ... fibmatch`). */
  fibMatch?: boolean;
}

export class Routes {
  readonly #conn: Connection;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  async list(options: RouteListOptions = {}): Promise<DumpResult<Route>> {
    const retry = checkRetry(options);
    const { family } = options;
    if (family !== undefined && family !== 4 && family !== 6)
      throw new TypeError(`family must be 4 or 6, got ${family}`);
    const filter: Omit<GetRoutesOptions, 'family'> = {};
    const table = tableNumber(options.table);
    if (table !== undefined) filter.table = table;
    const protocol = protocolNumber(options.protocol);
    if (protocol !== undefined) filter.protocol = protocol;
    const type = routeTypeNumber(options.type);
    if (type !== undefined) filter.type = type;
    if (options.link !== undefined) filter.oif = await resolveIndex(this.#conn, options.link);
    const words = ['route list'];
    if (options.table !== undefined) words.push(`table ${options.table}`);
    if (options.protocol !== undefined) words.push(`proto ${options.protocol}`);
    if (options.type !== undefined) words.push(`type ${options.type}`);
    if (options.link !== undefined) words.push(`dev ${linkLabel(options.link)}`);
    const families: Family[] = family === undefined ? [4, 6] : [family];
    const out = [] as unknown as DumpResult<Route>;
    out.interrupted = false;
    for (const f of families) {
      const opts: GetRoutesOptions = { family: f, ...filter };
      // The kernel filters when strict checking is on; the same test here catches what it leaves
      // (e.g. cloned routes, or a kernel without strict checking).
      const decode: Decoder<Route> = (m) => {
        const r = decodeRoute(m);
        return routeMatchesFilter(r, opts) ? r : undefined;
      };
      const part = await this.#conn.dump(encodeGetRoutes(opts), `${words.join(' ')} -${f}`, decode, retry);
      for (const r of part) out.push(r);
      if (part.interrupted) out.interrupted = true;
    }
    return out;
  }

  /** The route the kernel would use for `destination` (RTM_GETROUTE, like `ip route get`). */
  async get(destination: string, options: RouteGetOptions = {}): Promise<Route> {
    const family = parseAddressOnly(destination, 'destination');
    const spec: Parameters<typeof encodeGetRoute>[0] = { dst: destination, family };
    const words = [`route get ${destination}`];
    if (options.from !== undefined) {
      parseAddressOnly(options.from, 'source', family);
      spec.src = options.from;
      words.push(`from ${options.from}`);
    }
    if (options.mark !== undefined) {
      if (!Number.isInteger(options.mark) || options.mark < 0 || options.mark > 0xffffffff) {
        throw new RangeError(`mark must be a u32, got ${options.mark}`);
      }
      spec.mark = options.mark;
      words.push(`mark ${options.mark}`);
    }
    if (options.fibMatch) {
      spec.fibMatch = true;
      words.push('fibmatch');
    }
    if (options.iif !== undefined) {
      spec.iif = await resolveIndex(this.#conn, options.iif, 'iif');
      words.push(`iif ${linkLabel(options.iif)}`);
    }
    if (options.link !== undefined) {
      spec.oif = await resolveIndex(this.#conn, options.link);
      words.push(`oif ${linkLabel(options.link)}`);
    }
    return this.#conn.single(encodeGetRoute(spec), words.join(' '), decodeRoute);
  }

  /** Adds a route; EEXIST when one with the same key is there. */
  add(options: RouteOptions): Promise<void> {
    return this.#change(options, 'add');
  }

  replace(options: RouteOptions): Promise<void> {
    return this.#change(options, 'replace');
  }

  /** Adds a route even when one with the same destination and metric exists (NLM_F_APPEND). */
  append(options: RouteOptions): Promise<void> {
    return this.#change(options, 'append');
  }

  /** Deletes the route matching the fields given (unset ones match anything, as `ip route del`). */
  delete(options: RouteOptions): Promise<void> {
    return this.#change(options, 'del');
  }

  async #change(options: RouteOptions, mode: 'add' | 'replace' | 'append' | 'del'): Promise<void> {
    if (typeof options !== 'object' || options === null)
      throw new TypeError(`route ${mode} needs { dst, ... }`);
    const { spec, words } = this.#spec(options);
    // Encode before the name lookups so a bad field fails before anything is sent.
    const encode = () => (mode === 'del' ? encodeDelRoute(spec) : encodeNewRoute(spec, mode));
    if (options.link !== undefined) spec.oif = 1;
    encode();
    if (options.link !== undefined) spec.oif = await resolveIndex(this.#conn, options.link);
    if (options.nexthops !== undefined) {
      const hops: NextHopSpec[] = [];
      for (const h of options.nexthops) {
        const hop: NextHopSpec = {};
        if (h.gateway !== undefined) hop.gateway = h.gateway;
        if (h.link !== undefined) hop.oif = await resolveIndex(this.#conn, h.link);
        if (h.weight !== undefined) hop.weight = h.weight;
        if (h.onlink) hop.flags = RTNH_F_ONLINK;
        hops.push(hop);
      }
      spec.nexthops = hops;
    }
    await this.#conn.ack(encode(), `route ${mode} ${words.join(' ')}`);
  }

  #spec(o: RouteOptions): { spec: RouteSpec; words: string[] } {
    const spec: RouteSpec = {};
    const words: string[] = [];
    if (o.family !== undefined && o.family !== 4 && o.family !== 6)
      throw new TypeError(`family must be 4 or 6, got ${o.family}`);
    if (o.dst === 'default') {
      words.push('default');
      const family =
        o.family ?? (o.gateway !== undefined ? parseAddressOnly(o.gateway, 'gateway') : undefined);
      const hopGateway = o.nexthops?.find((h) => h.gateway !== undefined)?.gateway;
      spec.family = family ?? (hopGateway !== undefined ? parseAddressOnly(hopGateway, 'gateway') : 4);
      spec.dstLength = 0;
    } else {
      const p = parsePrefix(o.dst, undefined, 'destination');
      if (o.family !== undefined && o.family !== p.family) {
        throw new TypeError(`destination ${JSON.stringify(o.dst)} is IPv${p.family}, not IPv${o.family}`);
      }
      spec.family = p.family;
      spec.dst = p.address;
      spec.dstLength = p.prefixLength;
      words.push(`${p.address}/${p.prefixLength}`);
    }
    const family = spec.family;
    if (o.gateway !== undefined) {
      parseAddressOnly(o.gateway, 'gateway', family);
      spec.gateway = o.gateway;
      words.push(`via ${o.gateway}`);
    }
    if (o.link !== undefined) words.push(`dev ${linkLabel(o.link)}`);
    if (o.prefsrc !== undefined) {
      parseAddressOnly(o.prefsrc, 'prefsrc', family);
      spec.prefsrc = o.prefsrc;
      words.push(`src ${o.prefsrc}`);
    }
    if (o.metric !== undefined) {
      if (!Number.isInteger(o.metric) || o.metric < 0 || o.metric > 0xffffffff) {
        throw new RangeError(`metric must be a u32, got ${o.metric}`);
      }
      spec.priority = o.metric;
      words.push(`metric ${o.metric}`);
    }
    const table = tableNumber(o.table);
    if (table !== undefined) {
      spec.table = table;
      words.push(`table ${o.table}`);
    }
    const protocol = protocolNumber(o.protocol);
    if (protocol !== undefined) spec.protocol = protocol;
    const scope = scopeNumber(o.scope);
    if (scope !== undefined) spec.scope = scope;
    const type = routeTypeNumber(o.type);
    if (type !== undefined) {
      spec.type = type;
      words.unshift(String(o.type));
    }
    if (o.onlink) spec.flags = RTNH_F_ONLINK;
    if (o.nexthops !== undefined) {
      if (!Array.isArray(o.nexthops) || o.nexthops.length === 0)
        throw new TypeError('nexthops must be a non-empty array');
      for (const h of o.nexthops) {
        if (h.gateway !== undefined) parseAddressOnly(h.gateway, 'nexthop gateway', family);
        if (h.weight !== undefined && (!Number.isInteger(h.weight) || h.weight < 1 || h.weight > 256)) {
          throw new RangeError(`nexthop weight must be 1..256, got ${h.weight}`);
        }
        words.push(
          `nexthop${h.gateway ? ` via ${h.gateway}` : ''}${h.link !== undefined ? ` dev ${linkLabel(h.link)}` : ''}`,
        );
      }
      // Without link indexes yet, so the encode before the lookups checks the shape; #change fills them in.
      spec.nexthops = o.nexthops.map((h) => ({
        ...(h.gateway ? { gateway: h.gateway } : {}),
        weight: h.weight ?? 1,
      }));
    }
    return { spec, words };
  }
}
