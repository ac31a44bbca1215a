// The text of `ip route` / `ip -6 route` as routes. A multipath route's "nexthop ..." lines belong to the
// route above them. Words the rules do not need (expires, realms, tos) are passed over.

import type { Family } from './ip.ts';
import { bareRoute, IpOutputError, interfaceIndex, prefix } from './ip-input.ts';
import { METRIC_WORDS } from './iproute-text.ts';
import type { NextHop, Route, RouteMetrics } from './objects.ts';
import {
  nexthopFlagBit,
  prefNumber,
  protocolNumber,
  routeTypeNumber,
  scopeNumber,
  tableNumber,
} from './route-words.ts';

type IndexOf = (name: string) => number | undefined;

/** The words of one route: its first line and its "nexthop" lines, with the first line's number. */
function routeLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    const last = out.at(-1);
    if (/^\s+nexthop\b/.test(raw) && last !== undefined) last.text += ` ${raw.trim()}`;
    else out.push({ line: i + 1, text: raw.trim() });
  });
  return out;
}

/** "via 172.30.250.1" / "via inet6 fe80::1": the gateway, or RTA_VIA when of the other family. */
function via(words: string[], i: number, family: Family): { gateway?: string; via?: string; used: number } {
  const w = words[i + 1] ?? '';
  if (w === 'inet' || w === 'inet6') {
    const addr = words[i + 2];
    const same = (w === 'inet6') === (family === 6);
    return same ? { gateway: addr, used: 2 } : { via: addr, used: 2 };
  }
  return { gateway: w, used: 1 };
}

/** One "nexthop via X dev Y weight N [onlink]" of a multipath route; returns the words used. */
function nexthop(
  words: string[],
  start: number,
  family: Family,
  indexOf: IndexOf,
  fail: (w: string) => Error,
) {
  const h: NextHop = { oif: 0, weight: 1, flags: 0 };
  let i = start + 1;
  for (; i < words.length && words[i] !== 'nexthop'; i++) {
    const w = words[i] ?? '';
    if (w === 'via') {
      const v = via(words, i, family);
      h.gateway = v.gateway ?? v.via;
      i += v.used;
    } else if (w === 'dev') {
      h.oif = interfaceIndex(words[++i] ?? '', indexOf, fail);
    } else if (w === 'weight') h.weight = Number(words[++i]);
    else h.flags |= nexthopFlagBit(w) ?? 0;
  }
  return { hop: h, next: i };
}

/** Reads "key value" words into the route; returns false for a word it does not know (then ignored). */
function option(r: Route, words: string[], i: number, indexOf: IndexOf, fail: (w: string) => Error): number {
  const w = words[i] ?? '';
  const v = words[i + 1] ?? '';
  const known = (n: number | undefined, what: string): number => {
    if (n === undefined || Number.isNaN(n)) throw fail(`${what} "${v}" is not understood`);
    return n;
  };
  switch (w) {
    case 'via': {
      const g = via(words, i, r.family);
      if (g.gateway !== undefined) r.gateway = g.gateway;
      if (g.via !== undefined) r.via = g.via;
      return i + 1 + g.used;
    }
    case 'dev':
      r.oif = interfaceIndex(v, indexOf, fail);
      return i + 2;
    case 'src':
      r.prefsrc = v;
      return i + 2;
    case 'from': {
      const p = prefix(v);
      r.src = p?.address;
      r.srcLength = known(p?.length, 'from');
      return i + 2;
    }
    case 'proto':
      r.protocol = known(protocolNumber(v), 'proto');
      return i + 2;
    case 'scope':
      r.scope = known(scopeNumber(v), 'scope');
      return i + 2;
    case 'table':
      r.table = known(tableNumber(v), 'table');
      return i + 2;
    case 'metric':
      r.priority = known(Number(v), 'metric');
      return i + 2;
    case 'nhid':
      r.nhId = known(Number(v), 'nhid');
      return i + 2;
    case 'pref':
      r.pref = known(prefNumber(v), 'pref');
      return i + 2;
    case 'expires':
    case 'realm':
    case 'realms':
    case 'tos':
    case 'dsfield':
    case 'error':
      return i + 2;
  }
  return metricOrFlag(r, words, i);
}

/** "mtu [lock] 1400" and the other RTA_METRICS words, or a flag word ("onlink"); unknown words pass. */
function metricOrFlag(r: Route, words: string[], i: number): number {
  const w = words[i] ?? '';
  const metric = METRIC_WORDS.find(([, word]) => word === w);
  if (metric !== undefined) {
    const [key, , bit] = metric;
    const locked = words[i + 1] === 'lock';
    const value = Number(words[i + (locked ? 2 : 1)]);
    const m: RouteMetrics = { ...r.metrics, [key]: value };
    if (locked) m.lock = (m.lock ?? 0) | (1 << bit);
    r.metrics = m;
    return i + (locked ? 3 : 2);
  }
  r.flags |= nexthopFlagBit(w) ?? 0;
  return i + 1;
}

/** One route as `ip route` prints it: "[type] dst [options] [nexthop ...]". */
function routeFrom(text: string, fallback: Family, indexOf: IndexOf, fail: (w: string) => Error): Route {
  const words = text.split(/\s+/);
  const type = routeTypeNumber(words[0] ?? '');
  let i = type === undefined || /^\d+$/.test(words[0] ?? '') ? 0 : 1;
  const dst = prefix(words[i] ?? '');
  if (dst === undefined) throw fail(`"${words[i]}" is not a destination`);
  // "default" names no family: the gateway's does (`ip route` can hold an IPv4 default via inet6).
  const v = words.indexOf('via');
  const gateway = v < 0 ? '' : words[v + 1] === 'inet6' ? '' : (words[v + 1] ?? '');
  const family: Family = dst.length > 0 ? dst.family : gateway.includes(':') ? 6 : fallback;
  const r: Route = { ...bareRoute(family), type: type ?? 1, dst: dst.address, dstLength: dst.length };
  for (i++; i < words.length; ) {
    if (words[i] === 'nexthop') {
      const { hop, next } = nexthop(words, i, family, indexOf, fail);
      r.nexthops = [...(r.nexthops ?? []), hop];
      i = next;
    } else i = option(r, words, i, indexOf, fail);
  }
  return r;
}

/** Routes from the text of `ip route` (family 4) or `ip -6 route` (6); `indexOf` names the interfaces. */
export function parseIpRouteText(text: string, family: Family, indexOf: IndexOf): Route[] {
  const input = family === 6 ? 'ip -6 route' : 'ip route';
  return routeLines(text).map(({ line, text: t }) =>
    routeFrom(t, family, indexOf, (what) => new IpOutputError(input, line, t, what)),
  );
}
