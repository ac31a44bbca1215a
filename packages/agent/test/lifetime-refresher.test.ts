// LifetimeRefresher: what the agent renews between reconciles. Only what the last reconcile left in
// place with a finite lifetime; never an address the kernel deleted since; never one that may already
// have expired (a frozen agent resuming), which is left to a reconcile instead.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DesiredState, NodeNetwork, Placement } from '@purelb-ts/core';
import type { Address } from '@purelb-ts/netlink-native';
import { LifetimeRefresher } from '../src/lbnodeagent/lifetime-refresh.ts';
import type { OpResult } from '../src/network/apply-plan.ts';

const OWN = { protocol: 0x6c, labelFallback: false };

const placement = (ip: string, kind: 'local' | 'virtual', validLifetime: number): Placement => ({
  ip,
  family: 4,
  kind,
  link: kind === 'local' ? 'enp1s0' : 'kube-lb0',
  prefixLength: kind === 'local' ? 24 : 32,
  broadcast: undefined,
  flags: [],
  validLifetime,
  preferredLifetime: validLifetime,
  services: ['default/web'],
  reason: 'test',
});

const address = (ip: string, index: number, validLifetime: number): Address =>
  ({ family: 4, index, address: ip, prefixLength: 24, validLifetime, protocol: 0x6c }) as Address;

const desired = (placements: Placement[]) => ({ placements, skips: [] }) as unknown as DesiredState;

const network = (addresses: Address[]): NodeNetwork => ({
  links: [
    { name: 'enp1s0', index: 2 },
    { name: 'kube-lb0', index: 3 },
  ] as NodeNetwork['links'],
  addresses,
  routes: [],
});

describe('LifetimeRefresher', () => {
  it('renews the finite-lifetime placements held, every third of the shortest lifetime', () => {
    let now = 0;
    const r = new LifetimeRefresher(OWN, () => now);
    const ps = [placement('172.30.250.53', 'local', 9), placement('172.31.1.1', 'virtual', Infinity)];
    r.track(
      desired(ps),
      network([address('172.30.250.53', 2, 9), address('172.31.1.1', 3, Infinity)]),
      [],
      0,
    );
    assert.equal(r.size, 1);
    assert.equal(r.periodMs(), 3000);
    now = 3000;
    const due = r.due();
    assert.equal(due.lapsed, 0);
    assert.deepEqual(
      due.ops.map((o) => [o.op, o.why, o.placement.ip, o.tag.protocol]),
      [['replace-address', 'refresh-lifetime', '172.30.250.53', 0x6c]],
    );
  });

  it('an address the kernel deleted since is not renewed (a replace would re-create it)', () => {
    const r = new LifetimeRefresher(OWN, () => 1000);
    r.track(
      desired([placement('172.30.250.53', 'local', 9)]),
      network([address('172.30.250.53', 2, 9)]),
      [],
      0,
    );
    r.forget(address('172.30.250.53', 2, 0));
    assert.deepEqual(r.due().ops, []);
  });

  it('one that may have expired (the agent was frozen past it) is left to a reconcile', () => {
    let now = 0;
    const r = new LifetimeRefresher(OWN, () => now);
    r.track(
      desired([placement('172.30.250.53', 'local', 9)]),
      network([address('172.30.250.53', 2, 9)]),
      [],
      0,
    );
    now = 8500;
    const due = r.due();
    assert.deepEqual([due.ops.length, due.lapsed, r.size], [0, 1, 0]);
  });

  it('a renewal that succeeded restarts the clock; one that failed drops the address', () => {
    let now = 0;
    const r = new LifetimeRefresher(OWN, () => now);
    const ps = [placement('172.30.250.53', 'local', 9), placement('172.30.250.54', 'local', 9)];
    r.track(desired(ps), network([address('172.30.250.53', 2, 9), address('172.30.250.54', 2, 9)]), [], 0);
    now = 3000;
    const { ops } = r.due();
    const results: OpResult[] = [
      { op: ops[0] as OpResult['op'], ok: true },
      { op: ops[1] as OpResult['op'], ok: false, error: 'ENODEV' },
    ];
    r.renewed(results, 3000);
    now = 10_500;
    assert.deepEqual(
      r.due().ops.map((o) => o.placement.ip),
      ['172.30.250.53'],
    );
  });

  it('an address added by the last run counts its full lifetime from then; one not held is not tracked', () => {
    let now = 5000;
    const r = new LifetimeRefresher(OWN, () => now);
    const p = placement('172.30.250.53', 'local', 9);
    const added: OpResult = {
      op: { op: 'add-address', placement: p, tag: { protocol: 0x6c, label: undefined } },
      ok: true,
    };
    r.track(desired([p, placement('172.30.250.54', 'local', 9)]), network([]), [added], 0);
    assert.equal(r.size, 1);
    now = 12_000;
    assert.equal(r.due().ops.length, 1);
  });
});
