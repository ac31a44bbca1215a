// fast-check generators for planning properties: small pools of IPs and links so that desired and observed
// states collide often (same IP on two links, two prefixes, foreign copies, the dummy missing or down).

import fc from 'fast-check';
import type { Address, DesiredState, NodeNetwork, Placement } from '../../src/model.ts';
import { PURELB_ADDRESS_PROTOCOL } from '../../src/model.ts';
import type { AddressFlag } from '../../src/net/objects.ts';
import { addr, desired, link } from './build.ts';

/** Links that may hold addresses; eth9 exists only in placements (a link the node does not have). */
export const LINKS = [
  { index: 2, name: 'eth0' },
  { index: 3, name: 'eth1' },
  { index: 5, name: 'abcdefghijkl' }, // too long for the IPv4 label fallback
  { index: 44, name: 'kube-lb0' },
];
const PLACEMENT_LINKS = ['eth0', 'eth1', 'abcdefghijkl', 'kube-lb0', 'eth9'];

const IPV4 = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '172.31.1.5', '172.31.1.6'];
const IPV6 = ['2001:db8::1', '2001:db8::2', '2001:db8:1::5', 'fe80::1'];

const ipArb = fc.oneof(
  fc.constantFrom(...IPV4).map((ip) => ({ ip, family: 4 as const })),
  fc.constantFrom(...IPV6).map((ip) => ({ ip, family: 6 as const })),
);
const prefixFor = (family: 4 | 6): fc.Arbitrary<number> =>
  family === 4 ? fc.constantFrom(24, 30, 31, 32) : fc.constantFrom(64, 128);
const lifetimeArb = fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.integer({ min: 0, max: 600 }));

/** Who put an observed address there: us (IFA_PROTO or label), someone else, or the kernel. */
const ownerArb = fc.constantFrom('ours', 'ours-by-label', 'unknown', 'other-protocol', 'kernel');

const observedAddressArb: fc.Arbitrary<Address> = fc
  .record({
    where: fc.constantFrom(...LINKS),
    ip: ipArb,
    owner: ownerArb,
    flags: fc.integer({ min: 0, max: 0xfff }),
    broadcast: fc.constantFrom(undefined, '10.0.0.255', '172.31.1.255'),
    valid: lifetimeArb,
    preferred: lifetimeArb,
  })
  .chain((r) => prefixFor(r.ip.family).map((prefixLength) => ({ ...r, prefixLength })))
  .map((r) => {
    const v4 = r.ip.family === 4;
    const label = !v4
      ? undefined
      : r.owner === 'ours-by-label'
        ? `${r.where.name}:plb`.slice(0, 15)
        : r.where.name;
    const protocol =
      r.owner === 'ours'
        ? PURELB_ADDRESS_PROTOCOL
        : r.owner === 'other-protocol'
          ? 0x10
          : r.owner === 'kernel'
            ? 3
            : undefined;
    return addr(r.where.index, `${r.ip.ip}/${r.prefixLength}`, {
      label,
      protocol,
      flags: r.flags,
      broadcast: v4 ? r.broadcast : undefined,
      validLifetime: r.valid,
      preferredLifetime: Math.min(r.preferred, r.valid),
    });
  });

/** The kernel's identity of an address: one per (link, IP, prefix) for IPv4, per (link, IP) for IPv6. */
const slot = (a: Address): string => `${a.index} ${a.address} ${a.family === 4 ? a.prefixLength : ''}`;

export const observedArb: fc.Arbitrary<NodeNetwork> = fc
  .record({
    addresses: fc.uniqueArray(observedAddressArb, { maxLength: 12, selector: slot }),
    dummy: fc.constantFrom('up', 'down', 'missing'),
  })
  .map(({ addresses, dummy }) => {
    const links = [link(1, 'lo', { type: 772 })];
    for (const l of LINKS) {
      if (l.name !== 'kube-lb0') links.push(link(l.index, l.name));
      else if (dummy !== 'missing') links.push(link(l.index, l.name, { kind: 'dummy', up: dummy === 'up' }));
    }
    const present = new Set(links.map((l) => l.index));
    return { links, addresses: addresses.filter((a) => present.has(a.index)), routes: [] };
  });

const flagsArb: fc.Arbitrary<AddressFlag[]> = fc.subarray(['nodad', 'noprefixroute'] as AddressFlag[]);

const placementArb: fc.Arbitrary<Placement> = fc
  .record({
    ip: ipArb,
    link: fc.constantFrom(...PLACEMENT_LINKS),
    flags: flagsArb,
    valid: lifetimeArb.filter((v) => v > 0),
    preferredZero: fc.boolean(),
    withBroadcast: fc.boolean(),
  })
  .chain((r) => prefixFor(r.ip.family).map((prefixLength) => ({ ...r, prefixLength })))
  .map((r) => ({
    ip: r.ip.ip,
    family: r.ip.family,
    kind: r.link === 'kube-lb0' ? ('virtual' as const) : ('local' as const),
    link: r.link,
    prefixLength: r.prefixLength,
    broadcast: r.ip.family === 4 && r.withBroadcast && r.prefixLength < 31 ? '10.0.0.255' : undefined,
    flags: r.flags,
    validLifetime: r.valid,
    preferredLifetime: r.preferredZero ? 0 : r.valid,
    services: ['default/svc'],
    reason: 'generated',
  }));

export const desiredArb: fc.Arbitrary<DesiredState> = fc
  .uniqueArray(placementArb, { maxLength: 8, selector: (p) => `${p.link} ${p.ip}` })
  .map((placements) => desired(placements));
