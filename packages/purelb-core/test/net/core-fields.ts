// A NodeNetwork reduced to the fields core's types name, as plain JSON (forever is "forever", absent
// keys dropped): what `ip` output parsed by core and the netlink library's dump of the same namespace
// must agree on. The library's objects carry more keys; core reads only these.
import type { NodeNetwork } from '../../src/model.ts';

const LINK = ['index', 'name', 'type', 'flags', 'up', 'mtu', 'mac', 'operState', 'kind', 'master', 'alias'];
const ADDRESS = ['family', 'index', 'address', 'prefixLength', 'broadcast', 'label', 'flags', 'scope'];
const ROUTE = [
  ...['family', 'dst', 'dstLength', 'src', 'srcLength', 'table', 'protocol', 'scope', 'type', 'flags'],
  ...['gateway', 'via', 'oif', 'priority', 'prefsrc', 'pref', 'nhId', 'metrics'],
];
const NEXTHOP = ['gateway', 'oif', 'weight', 'flags'];

export interface Projection {
  /** Leave out link kinds and aliases (the text of `ip addr` does not print them). */
  noKinds?: boolean;
  /** Finite lifetimes as "finite": they tick between two reads of a live namespace. */
  finite?: boolean;
}

function pick(o: object, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

const lifetime = (s: number, finite: boolean): number | string =>
  !Number.isFinite(s) ? 'forever' : finite ? 'finite' : s;

export function coreFields(n: NodeNetwork, p: Projection = {}): unknown {
  const linkKeys = p.noKinds ? LINK.filter((k) => k !== 'kind' && k !== 'alias') : LINK;
  return {
    links: n.links.map((l) => pick(l, linkKeys)),
    addresses: n.addresses.map((a) => ({
      ...pick(a, ADDRESS),
      ...(a.protocol === undefined ? {} : { protocol: a.protocol }),
      validLifetime: lifetime(a.validLifetime, p.finite === true),
      preferredLifetime: lifetime(a.preferredLifetime, p.finite === true),
    })),
    routes: n.routes.map((r) => ({
      ...pick(r, ROUTE),
      ...(r.nexthops === undefined ? {} : { nexthops: r.nexthops.map((h) => pick(h, NEXTHOP)) }),
    })),
  };
}
