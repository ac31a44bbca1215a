// Properties of planReconcile over arbitrary desired and observed states (foreign, kernel and our own
// addresses mixed, the dummy missing, down or up).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Address, NodeNetwork, Placement } from '../../src/model.ts';
import { canonicalIP, familyBits, parseIP } from '../../src/net/ip.ts';
import { attributeDifferences, needsRefresh } from '../../src/plan/attributes.ts';
import { isOwned } from '../../src/plan/ownership.ts';
import { planReconcile } from '../../src/plan/planner.ts';
import { applyPlanToModel } from '../../src/plan/simulate.ts';
import { desiredArb, observedArb } from './arbitraries.ts';
import { OURS } from './build.ts';

const RUNS = { numRuns: 400 };

const linkName = (net: NodeNetwork, index: number): string | undefined =>
  net.links.find((l) => l.index === index)?.name;
const sameAddress = (a: Address, b: Address): boolean =>
  a.index === b.index &&
  canonicalIP(a.address) === canonicalIP(b.address) &&
  a.prefixLength === b.prefixLength;

/** The network of `ip` at `len`, as text (arithmetic on the parsed value). */
const networkOf = (ip: string, len: number): string => {
  const v = parseIP(ip)!;
  const bits = BigInt(familyBits(v.family));
  const mask = ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(len))) - 1n);
  return `${v.family}:${(v.value & mask).toString(16)}`;
};

/**
 * A placement the planner must not (or cannot) satisfy: no such link; its IP already held by an address
 * PureLB did not add (on any link); a subnet's network or broadcast address; or, on the dummy with a
 * prefix shorter than the host's, a network overlapping a subnet another link holds.
 */
function unplaceable(p: Placement, net: NodeNetwork): boolean {
  const link = net.links.find((l) => l.name === p.link);
  if (link === undefined && p.link !== 'kube-lb0') return true;
  const foreign = net.addresses.filter((a) => !isOwned(a, net.links, OURS));
  // A foreign copy blocks on the placement's own link, or anywhere it answers on a segment (not lo or NOARP).
  const onSegment = (a: Address) => {
    const l = net.links.find((x) => x.index === a.index);
    return l !== undefined && l.type !== 772 && (l.flags & 0x88) === 0;
  };
  if (foreign.some((a) => canonicalIP(a.address) === p.ip && (onSegment(a) || a.index === link?.index))) {
    return true;
  }
  const bits = familyBits(p.family);
  const value = parseIP(p.ip)!.value;
  const host = (1n << BigInt(bits - p.prefixLength)) - 1n;
  if (p.prefixLength <= (p.family === 4 ? 30 : 126) && (value & host) === 0n) return true;
  if (p.family === 4 && p.prefixLength <= 30 && (value & host) === host) return true;
  if (p.kind !== 'virtual' || p.prefixLength >= bits) return false;
  return foreign.some((a) => {
    if (a.index === link?.index || a.family !== p.family || a.prefixLength >= bits) return false;
    const shorter = Math.min(a.prefixLength, p.prefixLength);
    return networkOf(a.address, shorter) === networkOf(p.ip, shorter);
  });
}

describe('planReconcile properties', () => {
  for (const protocolSupported of [true, false]) {
    const kernel = protocolSupported ? 'kernel >= 6.3' : 'kernel < 6.3 (no IFA_PROTO)';
    it(`idempotent: planning against the state the plan produces yields nothing (${kernel})`, () => {
      fc.assert(
        fc.property(desiredArb, observedArb, (want, observed) => {
          // Where the kernel drops IFA_PROTO, PureLB's label is its proof.
          const ownership = protocolSupported ? OURS : { ...OURS, labelFallback: true };
          const after = applyPlanToModel(observed, planReconcile(want, observed, ownership), {
            protocolSupported,
          });
          assert.deepEqual(planReconcile(want, after, ownership), []);
        }),
        RUNS,
      );
    });
  }

  it('never deletes or replaces an address that is not provably ours', () => {
    fc.assert(
      fc.property(desiredArb, observedArb, (want, observed) => {
        const plan = planReconcile(want, observed, OURS);
        for (const op of plan) {
          if (op.op !== 'delete-address') continue;
          const target = observed.addresses.filter(
            (a) =>
              linkName(observed, a.index) === op.link &&
              canonicalIP(a.address) === op.ip &&
              a.prefixLength === op.prefixLength,
          );
          assert.ok(target.length > 0, `delete of an address that is not there: ${op.ip}`);
          for (const a of target) assert.ok(isOwned(a, observed.links, OURS), `deletes foreign ${op.ip}`);
        }
        const after = applyPlanToModel(observed, plan);
        for (const a of observed.addresses) {
          if (isOwned(a, observed.links, OURS)) continue;
          const still = after.addresses.find((b) => sameAddress(a, b));
          assert.ok(still, `foreign ${a.address}/${a.prefixLength} on ${a.index} disappeared`);
          assert.equal(still.protocol, a.protocol);
          assert.equal(still.label, a.label);
          assert.equal(still.validLifetime, a.validLifetime);
        }
      }),
      RUNS,
    );
  });

  it('after applying, every placeable placement is present with its attributes and nothing of ours is stale', () => {
    fc.assert(
      fc.property(desiredArb, observedArb, (want, observed) => {
        const after = applyPlanToModel(observed, planReconcile(want, observed, OURS));
        for (const p of want.placements) {
          if (unplaceable(p, observed)) continue;
          const link = after.links.find((l) => l.name === p.link);
          assert.ok(link, `link ${p.link} missing after the plan`);
          const held = after.addresses.find(
            (a) =>
              a.index === link.index && canonicalIP(a.address) === p.ip && a.prefixLength === p.prefixLength,
          );
          assert.ok(held, `${p.ip}/${p.prefixLength} dev ${p.link} missing after the plan`);
          if (isOwned(held, after.links, OURS)) {
            assert.deepEqual(attributeDifferences(p, held), []);
            assert.equal(needsRefresh(p, held), false);
          }
        }
        // Nothing of ours is left that no placement wants.
        for (const a of after.addresses) {
          if (!isOwned(a, after.links, OURS)) continue;
          const name = linkName(after, a.index);
          const wanted = want.placements.some(
            (p) => p.link === name && p.ip === canonicalIP(a.address) && p.prefixLength === a.prefixLength,
          );
          assert.ok(wanted, `stale ${a.address}/${a.prefixLength} dev ${name} left after the plan`);
        }
        const dummy = after.links.find((l) => l.name === 'kube-lb0');
        if (dummy !== undefined) assert.ok(dummy.up, 'the dummy is left down');
      }),
      RUNS,
    );
  });

  it('after time passes, the only ops are refreshes, exactly for placements below half their valid lifetime', () => {
    fc.assert(
      fc.property(desiredArb, observedArb, fc.integer({ min: 0, max: 600 }), (want, observed, elapsed) => {
        const settled = applyPlanToModel(observed, planReconcile(want, observed, OURS));
        const age = (t: number): number => (Number.isFinite(t) ? Math.max(0, t - elapsed) : t);
        const aged = {
          ...settled,
          addresses: settled.addresses.map((a) => ({
            ...a,
            validLifetime: age(a.validLifetime),
            preferredLifetime: age(a.preferredLifetime),
          })),
        };
        const plan = planReconcile(want, aged, OURS);
        for (const op of plan) assert.equal(op.op === 'replace-address' && op.why, 'refresh-lifetime');
        const refreshed = plan.flatMap((op) =>
          op.op === 'replace-address' ? [`${op.placement.link} ${op.placement.ip}`] : [],
        );
        const expected = want.placements
          .filter((p) => {
            const link = aged.links.find((l) => l.name === p.link);
            const held = aged.addresses.find(
              (a) =>
                a.index === link?.index &&
                canonicalIP(a.address) === p.ip &&
                a.prefixLength === p.prefixLength,
            );
            return (
              held !== undefined &&
              isOwned(held, aged.links, OURS) &&
              held.validLifetime < p.validLifetime / 2
            );
          })
          .map((p) => `${p.link} ${p.ip}`);
        assert.deepEqual(refreshed.sort(), expected.sort());
      }),
      RUNS,
    );
  });

  it('is deterministic: the order of the inputs does not change the plan', () => {
    fc.assert(
      fc.property(desiredArb, observedArb, fc.integer(), (want, observed, seed) => {
        const shuffle = <T>(xs: T[]): T[] =>
          xs
            .map((x, i) => ({ x, k: (i * 2654435761 + seed) % 1000003 }))
            .sort((a, b) => a.k - b.k)
            .map((e) => e.x);
        const plan = planReconcile(want, observed, OURS);
        const again = planReconcile(
          { ...want, placements: shuffle(want.placements) },
          { ...observed, addresses: shuffle(observed.addresses), links: shuffle(observed.links) },
          OURS,
        );
        assert.deepEqual(again, plan);
      }),
      RUNS,
    );
  });
});
