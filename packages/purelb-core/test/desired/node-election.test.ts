// Local-pool addresses: exactly one live member whose subnets hold the address places it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { desiredState } from '../../src/desired/desired-state.ts';
import { rankNodes } from '../../src/election/index.ts';
import { service } from './builders.ts';
import { member, NODE, seedInput } from './support.ts';

const NODES = ['purelb2-1', 'purelb2-2', 'purelb2-3', 'purelb2-4', 'purelb2-5'];
const onSubnet = NODES.map((n) => member(n, '172.30.250.0/24'));

describe('desiredState: node election for local addresses', () => {
  it('the hash winner places the address; every other node skips it naming the winner', () => {
    const ip = '172.30.250.53';
    const winner = rankNodes(ip, NODES)[0]!;
    const svc = service('web', { ips: [ip] });
    for (const node of NODES) {
      const state = desiredState(seedInput({ node, services: [svc], members: onSubnet }));
      if (node === winner) {
        assert.deepEqual(
          state.placements.map((p) => [p.ip, p.link, p.kind]),
          [[ip, 'enp1s0', 'local']],
          node,
        );
        assert.match(state.placements[0]!.reason, /among 5 candidate\(s\)/);
        assert.deepEqual(state.skips, []);
      } else {
        assert.deepEqual(state.placements, [], node);
        assert.deepEqual(
          state.skips.map((s) => [s.code, s.winner, s.error]),
          [['not-winner', winner, false]],
        );
        assert.match(state.skips[0]!.reason, new RegExp(`node ${winner} wins ${ip.replaceAll('.', '\\.')}`));
      }
    }
  });

  it('members whose subnets do not hold the address are not candidates', () => {
    // Only this node advertises the subnet; the others are elsewhere, so this node wins whatever the hash says.
    const members = [member(NODE, '172.30.250.0/24'), ...NODES.slice(1).map((n) => member(n, '10.9.0.0/16'))];
    const state = desiredState(
      seedInput({ services: [service('web', { ips: ['172.30.250.53'] })], members }),
    );
    assert.deepEqual(
      state.placements.map((p) => p.link),
      ['enp1s0'],
    );
    assert.match(state.placements[0]!.reason, /among 1 candidate\(s\)/);
  });

  it('no live member holds the address (this node’s lease not yet live) → nobody announces, not an error', () => {
    const state = desiredState(
      seedInput({ services: [service('web', { ips: ['172.30.250.53'] })], members: [] }),
    );
    assert.deepEqual(state.placements, []);
    assert.deepEqual(
      state.skips.map((s) => [s.code, s.error, s.winner]),
      [['no-candidate', false, undefined]],
    );
    assert.match(state.skips[0]!.reason, /no live node has a subnet holding 172\.30\.250\.53/);
  });

  it('agreement: for any addresses, exactly one of the nodes places each, the one all others name', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 50, max: 60 }), { minLength: 1, maxLength: 6 }),
        fc.subarray(NODES, { minLength: 1 }),
        (hosts, live) => {
          const ips = hosts.map((h) => `172.30.250.${h}`);
          const members = live.map((n) => member(n, '172.30.250.0/24'));
          const svc = service('web', { ips });
          const states = live.map((node) => desiredState(seedInput({ node, services: [svc], members })));
          for (const ip of ips) {
            const placers = states.filter((s) => s.placements.some((p) => p.ip === ip)).map((s) => s.node);
            assert.equal(placers.length, 1, `${ip} placed by ${placers.join(',')}`);
            for (const s of states) {
              const sk = s.skips.find((k) => k.ip === ip);
              if (s.node !== placers[0]) assert.equal(sk?.winner, placers[0]);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
