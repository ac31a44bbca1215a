// The output of `ip -json addr show`, `ip -json route show` and `ip -6 -json route show` (and, for the
// interface kinds, `ip -json -details link show`) as a NodeNetwork. Keys the rules do not need are
// passed over; a value that cannot be read is an error naming the entry and the key.
import type { NodeNetwork } from '../model.ts';
import { addressFlagBit, IFA_F } from './address-flags.ts';
import { addressProtocol } from './from-ip-addr-text.ts';
import type { Family } from './ip.ts';
import {
  bareRoute,
  IpOutputError,
  inDumpOrder,
  indexByName,
  interfaceIndex,
  lifetime,
  prefix,
} from './ip-input.ts';
import { METRIC_WORDS } from './iproute-text.ts';
import { linkFlagBits, linkTypeNumber } from './link-words.ts';
import type { Address, Link, NextHop, Route, RouteMetrics } from './objects.ts';
import {
  nexthopFlagBit,
  prefNumber,
  protocolNumber,
  routeTypeNumber,
  scopeNumber,
  tableNumber,
} from './route-words.ts';

type Json = Record<string, unknown>;
type IndexOf = (name: string) => number | undefined;

/** Each input: the text ip printed, or that text already parsed. */
export interface IpJsonInput {
  /** `ip -json addr show` */
  addr: string | unknown[];
  /** `ip -json route show` */
  route: string | unknown[];
  /** `ip -6 -json route show` */
  route6?: string | unknown[];
  /** `ip -json -details link show`: adds interface kinds and aliases. */
  link?: string | unknown[];
}

function entries(input: string, value: string | unknown[]): Json[] {
  let list: unknown = value;
  if (typeof value === 'string') {
    try {
      list = value.trim() === '' ? [] : JSON.parse(value);
    } catch (err) {
      throw new IpOutputError(input, 1, value.slice(0, 60), `not JSON (${(err as Error).message})`);
    }
  }
  if (!Array.isArray(list)) throw new IpOutputError(input, 1, String(value).slice(0, 60), 'not a JSON array');
  return list.map((e, i) => {
    if (typeof e !== 'object' || e === null)
      throw new IpOutputError(input, i + 1, JSON.stringify(e), 'not an object');
    return e as Json;
  });
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const words = (v: unknown): string[] => (Array.isArray(v) ? v.filter((w) => typeof w === 'string') : []);

function linkFromJson(e: Json, fail: (what: string) => Error): Link {
  const index = num(e.ifindex);
  const name = str(e.ifname);
  if (index === undefined || name === undefined) throw fail('no ifindex or ifname');
  const flags = linkFlagBits(words(e.flags));
  return {
    index,
    name,
    type: linkTypeNumber(str(e.link_type) ?? 'void'),
    flags,
    up: (flags & 1) !== 0,
    mtu: num(e.mtu),
    mac: str(e.address),
    operState: str(e.operstate)?.toLowerCase(),
    alias: str(e.ifalias),
  };
}

function addressFromJson(e: Json, index: number, fail: (what: string) => Error): Address {
  const family: Family = e.family === 'inet6' ? 6 : 4;
  const address = str(e.local);
  const prefixLength = num(e.prefixlen);
  const scope = typeof e.scope === 'number' ? e.scope : scopeNumber(str(e.scope) ?? 'global');
  const valid = lifetime(num(e.valid_life_time) ?? 'forever');
  const preferred = lifetime(num(e.preferred_life_time) ?? 'forever');
  if (address === undefined || prefixLength === undefined)
    throw fail('an address without local or prefixlen');
  if (scope === undefined || valid === undefined || preferred === undefined) throw fail(`scope ${e.scope}`);
  let flags = e.dynamic === true ? 0 : IFA_F.permanent;
  for (const [key, value] of Object.entries(e)) if (value === true) flags |= addressFlagBit(key) ?? 0;
  const proto = e.protocol;
  return {
    family,
    index,
    address,
    prefixLength,
    broadcast: str(e.broadcast),
    label: str(e.label),
    flags,
    scope,
    validLifetime: valid,
    preferredLifetime: preferred,
    protocol:
      typeof proto === 'number' ? proto : typeof proto === 'string' ? addressProtocol(proto) : undefined,
  };
}

/** RTA_METRICS from ip's `"metrics": [{ "mtu": 1400 }]`. */
function metricsFromJson(v: unknown): RouteMetrics | undefined {
  if (!Array.isArray(v)) return undefined;
  const m: RouteMetrics = {};
  for (const o of v as (Json | null)[])
    for (const [key, word] of METRIC_WORDS) {
      const n = o?.[word];
      if (typeof n === 'number') m[key] = n;
    }
  return Object.keys(m).length > 0 ? m : undefined;
}

function flagBitsOf(v: unknown): number {
  return words(v).reduce((bits, w) => bits | (nexthopFlagBit(w) ?? 0), 0);
}

/** A word or a number, read with the table's lookup; undefined when absent. */
function coded(
  v: unknown,
  lookup: (w: string) => number | undefined,
  what: string,
  fail: (w: string) => Error,
) {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : lookup(String(v));
  if (n === undefined) throw fail(`${what} ${JSON.stringify(v)} is not understood`);
  return n;
}

const devIndex = (v: unknown, indexOf: IndexOf, fail: (w: string) => Error): number | undefined =>
  v === undefined ? undefined : interfaceIndex(String(v), indexOf, fail);

function routeFromJson(e: Json, fallback: Family, indexOf: IndexOf, fail: (w: string) => Error): Route {
  const dst = prefix(str(e.dst) ?? '');
  if (dst === undefined) throw fail(`dst ${JSON.stringify(e.dst)} is not a destination`);
  const gw = str(e.gateway);
  const viaObj = e.via as Json | undefined;
  const family: Family = dst.length > 0 ? dst.family : gw?.includes(':') ? 6 : fallback;
  const src = e.src === undefined ? undefined : prefix(String(e.src));
  const r: Route = { ...bareRoute(family), dst: dst.address, dstLength: dst.length };
  const set = <K extends keyof Route>(key: K, value: Route[K] | undefined) => {
    if (value !== undefined) r[key] = value as Route[K];
  };
  set('type', coded(e.type, routeTypeNumber, 'type', fail));
  set('protocol', coded(e.protocol, protocolNumber, 'protocol', fail));
  set('scope', coded(e.scope, scopeNumber, 'scope', fail));
  set('table', coded(e.table, tableNumber, 'table', fail));
  set('pref', coded(e.pref, prefNumber, 'pref', fail));
  set('gateway', gw);
  set('via', str(viaObj?.host));
  set('oif', devIndex(e.dev, indexOf, fail));
  set('priority', num(e.metric));
  set('prefsrc', str(e.prefsrc));
  set('nhId', num(e.nhid));
  set('metrics', metricsFromJson(e.metrics));
  if (src !== undefined) [r.src, r.srcLength] = [src.address, src.length];
  r.flags = flagBitsOf(e.flags);
  if (Array.isArray(e.nexthops))
    r.nexthops = (e.nexthops as Json[]).map(
      (h): NextHop => ({
        gateway: str(h.gateway) ?? str((h.via as Json | undefined)?.host),
        oif: devIndex(h.dev, indexOf, fail) ?? 0,
        weight: num(h.weight) ?? 1,
        flags: flagBitsOf(h.flags),
      }),
    );
  return r;
}

/** Links and addresses of `ip -json addr show`, with kinds and aliases from `ip -json -details link show`. */
function linksAndAddresses(input: IpJsonInput): Pick<NodeNetwork, 'links' | 'addresses'> {
  const links: Link[] = [];
  const addresses: Address[] = [];
  const masters: [Link, string][] = [];
  entries('ip -json addr', input.addr).forEach((e, i) => {
    const fail = (what: string) =>
      new IpOutputError('ip -json addr', i + 1, JSON.stringify(e).slice(0, 80), what);
    const link = linkFromJson(e, fail);
    links.push(link);
    if (typeof e.master === 'string') masters.push([link, e.master]);
    const info = Array.isArray(e.addr_info) ? (e.addr_info as Json[]) : [];
    for (const a of info)
      if (a.family === 'inet' || a.family === 'inet6') addresses.push(addressFromJson(a, link.index, fail));
  });
  const indexOf = indexByName(links);
  for (const [link, master] of masters) link.master = indexOf(master);
  if (input.link !== undefined)
    for (const e of entries('ip -json link', input.link)) {
      const link = links.find((l) => l.index === e.ifindex);
      const kind = str((e.linkinfo as Json | undefined)?.info_kind);
      if (link !== undefined && kind !== undefined) link.kind = kind;
      if (link !== undefined && typeof e.ifalias === 'string') link.alias = e.ifalias;
    }
  return { links, addresses };
}

/**
 * A NodeNetwork from what `ip -json` prints on a node: `fromIpJson({ addr, route, route6 })`, each the
 * command's output (text or parsed). Routes name their interfaces, which the addr output resolves.
 */
export function fromIpJson(input: IpJsonInput): NodeNetwork {
  const { links, addresses } = linksAndAddresses(input);
  const indexOf = indexByName(links);
  const routes = (name: string, value: string | unknown[] | undefined, family: Family): Route[] =>
    value === undefined
      ? []
      : entries(name, value).map((e, i) =>
          routeFromJson(
            e,
            family,
            indexOf,
            (what) => new IpOutputError(name, i + 1, JSON.stringify(e), what),
          ),
        );
  return {
    links,
    addresses: inDumpOrder(addresses),
    routes: [...routes('ip -json route', input.route, 4), ...routes('ip -6 -json route', input.route6, 6)],
  };
}
