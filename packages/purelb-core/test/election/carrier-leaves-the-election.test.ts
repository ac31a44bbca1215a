// An interface without carrier is no local candidate: its subnets leave the node's purelb.io/subnets
// at once; carrier that comes back counts only after it has held for the hysteresis time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  advertisedSubnets,
  CarrierHysteresis,
  carrierDownInterfaces,
  hasCarrier,
  IFF_LOWER_UP,
  localCandidates,
} from '../../src/election/index.ts';
import type { Link } from '../../src/net/objects.ts';
import { DOCKER0, ENP1S0, seedNode } from '../fixtures/seed-node.ts';
import { agentLocal } from './helpers.ts';

const withoutCarrier = (links: Link[], index: number): Link[] =>
  links.map((l) =>
    l.index === index ? { ...l, flags: l.flags & ~IFF_LOWER_UP, operState: 'lowerlayerdown' } : l,
  );

test('the default interface losing carrier takes its subnet out of the advertised ones', () => {
  const seed = seedNode();
  assert.deepEqual(advertisedSubnets(seed, undefined), ['172.30.250.0/24']);
  const down = { ...seed, links: withoutCarrier(seed.links, ENP1S0) };
  assert.equal(hasCarrier(down.links.find((l) => l.index === ENP1S0) as Link), false);
  assert.deepEqual(advertisedSubnets(down, undefined), []);
  assert.deepEqual(localCandidates(4, down, undefined).candidates, []);
  // The default route itself is still elected: the kernel keeps it (linkdown); only placement moves.
  assert.equal(localCandidates(4, down, undefined).election.status, 'elected');
});

test('carrier that is back but held is no candidate yet', () => {
  const seed = seedNode();
  const held = { ...seed, carrierHeld: new Set([ENP1S0]) };
  assert.deepEqual(advertisedSubnets(held, undefined), []);
});

test('hysteresis: a loss counts at once, a return only after holdMs without another loss', () => {
  const h = new CarrierHysteresis(10_000);
  const { links } = seedNode();
  const down = withoutCarrier(links, ENP1S0);
  assert.deepEqual(h.observe(links, 0), { held: new Set(), nextAt: undefined }, 'trusted when first seen');
  assert.deepEqual(h.observe(down, 1_000).held, new Set());
  assert.deepEqual(h.observe(links, 2_000), { held: new Set([ENP1S0]), nextAt: 12_000 });
  assert.deepEqual(h.observe(links, 11_999).held, new Set([ENP1S0]));
  // A flap within the hold starts the wait over.
  h.observe(down, 11_999);
  assert.deepEqual(h.observe(links, 12_500), { held: new Set([ENP1S0]), nextAt: 22_500 });
  assert.deepEqual(h.observe(links, 22_500), { held: new Set(), nextAt: undefined });
  assert.deepEqual(h.observe(links, 30_000).held, new Set());
});

test('a link that is gone is forgotten; one that appears with carrier is trusted at once', () => {
  const h = new CarrierHysteresis(10_000);
  const { links } = seedNode();
  h.observe(withoutCarrier(links, ENP1S0), 0);
  h.observe(
    links.filter((l) => l.index !== ENP1S0),
    1,
  );
  assert.deepEqual(h.observe(links, 2).held, new Set(), 'seen anew: its past loss does not hold it');
  assert.throws(() => new CarrierHysteresis(-1), /holdMs must be >= 0/);
});

test('carrier-down names the interfaces the rules would choose but for carrier, lost or held', () => {
  const seed = seedNode();
  assert.deepEqual(carrierDownInterfaces(seed, undefined), [], 'all up: none');
  const down = { ...seed, links: withoutCarrier(seed.links, ENP1S0) };
  assert.deepEqual(carrierDownInterfaces(down, undefined), ['enp1s0']);
  assert.deepEqual(carrierDownInterfaces({ ...seed, carrierHeld: new Set([ENP1S0]) }, undefined), ['enp1s0']);
  // docker0 is no candidate of the default election: its carrier does not matter.
  const dockerDown = { ...seed, links: withoutCarrier(seed.links, DOCKER0) };
  assert.deepEqual(carrierDownInterfaces(dockerDown, undefined), []);
  // Named in interfaces[] it is one, and both are listed once, sorted.
  const both = { ...seed, links: withoutCarrier(withoutCarrier(seed.links, DOCKER0), ENP1S0) };
  assert.deepEqual(carrierDownInterfaces(both, agentLocal({ interfaces: ['docker0'] })), [
    'docker0',
    'enp1s0',
  ]);
  // A regex choosing only docker0 leaves enp1s0 out.
  assert.deepEqual(carrierDownInterfaces(both, agentLocal({ localInterface: '^docker' })), ['docker0']);
});
