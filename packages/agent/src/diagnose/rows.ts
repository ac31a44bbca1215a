// One row per address the node should carry, should not carry, or holds as PureLB's: what it should be
// (interface and prefix, or why not here), what the kernel shows, who wins it, and a one-word verdict
// taken from the findings that name it. No rule is decided here: the desired state and the findings
// (both from purelb-core) say everything; this only lays them out per address.
import {
  type Address,
  announcersByIP,
  canonicalIP,
  compareAddressKeys,
  type DesiredState,
  type Finding,
  localWinners,
  type NodeNetwork,
  type Ownership,
  observeAddresses,
  type Placement,
  type PlacementSkip,
  type Service,
} from '@purelb-ts/core';

export interface ExpectedAddress {
  kind: 'local' | 'virtual';
  interface: string;
  prefixLength: number;
  /** As `ip addr` prints it: "172.30.250.53/24 brd 172.30.250.255 dev enp1s0". */
  text: string;
}

export interface ActualAddress {
  interface: string;
  prefixLength: number;
  /** Tagged as PureLB's (its IFA_PROTO, its label, or on the dummy interface). */
  owned: boolean;
  text: string;
}

export interface AddressRow {
  /** "namespace/name" of the Services that want it; empty for an address no Service wants. */
  services: string[];
  ip: string;
  family: 4 | 6;
  /** What this node should hold; null when it should not hold the address. */
  expected: ExpectedAddress | null;
  /** Why this node should not hold it (null when it should): the desired state's skip. */
  notHere: { code: PlacementSkip['code'] | 'unwanted'; reason: string } | null;
  /** Every address with this IP the kernel shows, on any interface. */
  actual: ActualAddress[];
  /** The election winner of a local address (null: virtual, or nobody wins it). */
  winner: string | null;
  /** Kubernetes mode: the nodes the Services' announcing annotations name for this IP. */
  announcedBy: string[];
  verdict: string;
  /** The codes of the desired state's error skips for this address (e.g. ambiguous-default-route). */
  errors: string[];
  /** The codes of the findings about this address, most severe first. */
  findings: string[];
}

/** The word a finding about an address gives its row. */
const VERDICT: Record<string, string> = {
  'address-missing': 'missing',
  'address-stale': 'stale',
  'wrong-interface': 'wrong-interface',
  'wrong-prefix': 'wrong-prefix',
  'wrong-attributes': 'wrong-attributes',
  'not-winner-but-present': 'held-but-not-winner',
  'announced-by-non-winner': 'held-elsewhere',
  'foreign-address-conflict': 'foreign',
  'address-in-use': 'in-use',
  'reserved-address': 'reserved',
  'route-conflict': 'route-conflict',
  'address-conflict': 'conflict',
  'dad-failed': 'dad-failed',
  'pool-address-in-use': 'foreign',
  'route-via-virtual': 'route-via-virtual',
};

const NOT_HERE: Record<PlacementSkip['code'], string> = {
  'not-winner': 'not the winner',
  'no-local-endpoint': 'no endpoint here',
  'not-selected': 'no LBNodeAgent selects this node',
  'no-candidate': 'no live node can hold it',
  'no-group': 'in no pool',
  'invalid-config': 'invalid configuration',
  'no-local-interface': 'no local interface',
  'no-carrier': 'its local interface has no carrier',
  'ambiguous-default-route': 'ambiguous default route',
  'address-in-use': 'the node already uses it',
  'reserved-address': 'a gateway or reserved address',
  'route-conflict': "its route would compete with the node's",
  'address-conflict': 'another host on the segment uses it',
  'node-address': "a node's own address",
};

export const shortText = (ip: string, prefixLength: number, broadcast: string | undefined, link: string) =>
  `${ip}/${prefixLength}${broadcast === undefined ? '' : ` brd ${broadcast}`} dev ${link}`;

const expectedOf = (p: Placement): ExpectedAddress => ({
  kind: p.kind,
  interface: p.link,
  prefixLength: p.prefixLength,
  text: shortText(p.ip, p.prefixLength, p.broadcast, p.link),
});

function actualOf(a: Address, link: string, owned: boolean): ActualAddress {
  return {
    interface: link,
    prefixLength: a.prefixLength,
    owned,
    text: shortText(a.address, a.prefixLength, a.broadcast, link),
  };
}

export interface RowsInput {
  desired: DesiredState;
  network: NodeNetwork;
  findings: readonly Finding[];
  /** Kubernetes mode: the Services whose announcing annotations fill announcedBy (empty standalone). */
  annotatedServices: readonly Service[];
  ownership: Ownership;
}

export function buildRows(input: RowsInput): AddressRow[] {
  const { desired, network, findings } = input;
  const rows = new Map<string, AddressRow>();
  const row = (ip: string, family: 4 | 6): AddressRow => {
    let r = rows.get(ip);
    if (r === undefined) {
      r = {
        services: [],
        ip,
        family,
        expected: null,
        notHere: null,
        actual: [],
        winner: null,
        announcedBy: [],
        verdict: 'ok',
        errors: [],
        findings: [],
      };
      rows.set(ip, r);
    }
    return r;
  };
  const addServices = (r: AddressRow, services: readonly string[]) => {
    for (const s of services) if (!r.services.includes(s)) r.services.push(s);
  };
  for (const p of desired.placements) {
    const r = row(p.ip, p.family);
    r.expected = expectedOf(p);
    addServices(r, p.services);
  }
  for (const s of desired.skips) {
    const ip = canonicalIP(s.ip);
    if (ip === undefined) continue; // an unparsable ingress IP: its invalid-config finding names it
    const r = row(ip, ip.includes(':') ? 6 : 4);
    addServices(r, [s.service]);
    if (s.error && !r.errors.includes(s.code)) r.errors.push(s.code);
    if (r.expected === null && (r.notHere === null || (s.error && r.notHere.code !== s.code))) {
      r.notHere = { code: s.code, reason: s.reason };
    }
  }
  const findingIPs = new Set(
    findings.flatMap((f) => (f.ip === undefined ? [] : [canonicalIP(f.ip) ?? f.ip])),
  );
  for (const o of observeAddresses(network, input.ownership)) {
    if (o.link === undefined) continue;
    if (!o.owned && !rows.has(o.ip) && !findingIPs.has(o.ip)) continue; // the node's own addresses
    const r = row(o.ip, o.address.family);
    r.actual.push(actualOf(o.address, o.link, o.owned));
  }
  for (const r of rows.values()) {
    if (r.expected === null && r.notHere === null)
      r.notHere = { code: 'unwanted', reason: 'no Service wants it on this node' };
  }
  const winners = localWinners(desired);
  const announced = announcersByIP(input.annotatedServices);
  for (const r of rows.values()) {
    r.winner = winners.get(r.ip) ?? null;
    r.announcedBy = [...new Set((announced.get(r.ip) ?? []).map((a) => a.node))];
    r.actual.sort((a, b) =>
      compareAddressKeys(
        { link: a.interface, ip: r.ip, prefixLength: a.prefixLength },
        { link: b.interface, ip: r.ip, prefixLength: b.prefixLength },
      ),
    );
    r.services.sort();
    const mine = findings.filter((f) => f.ip !== undefined && (canonicalIP(f.ip) ?? f.ip) === r.ip);
    // Interface-wide findings (dummy missing or down) are about every address placed on that interface.
    const onLink = findings.filter(
      (f) => f.ip === undefined && r.expected !== null && f.link === r.expected.interface,
    );
    r.findings = [...new Set([...mine, ...onLink].map((f) => f.code))];
    r.verdict = verdictOf(r, mine, onLink);
  }
  return [...rows.values()].sort(compareRows);
}

function verdictOf(r: AddressRow, mine: Finding[], onLink: Finding[]): string {
  const first = mine[0] ?? onLink[0];
  if (first !== undefined) return VERDICT[first.code] ?? first.code;
  // An error skip the diagnosis folded into a node-wide finding (the ambiguous default route).
  return r.errors[0] ?? 'ok';
}

function compareRows(a: AddressRow, b: AddressRow): number {
  const sa = a.services[0] ?? '\uffff';
  const sb = b.services[0] ?? '\uffff';
  if (sa !== sb) return sa < sb ? -1 : 1;
  return compareAddressKeys({ link: '', ip: a.ip, prefixLength: 0 }, { link: '', ip: b.ip, prefixLength: 0 });
}

export const notHereText = (r: AddressRow): string =>
  r.notHere === null ? '' : r.notHere.code === 'unwanted' ? 'no Service wants it' : NOT_HERE[r.notHere.code];
