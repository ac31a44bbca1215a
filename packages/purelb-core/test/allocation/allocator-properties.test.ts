// Properties of the allocator under random allocate/release sequences: no address ever goes to two
// Services that may not share it, nor is a network or broadcast address handed out (10.0.1.3 is
// asked for), a failure changes nothing, rebuilding from the Services it wrote
// gives the same state and the same future answers, and equal inputs give equal answers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Allocator } from '../../src/allocation/index.ts';
import type { ServiceGroupConfig } from '../../src/config/types.ts';
import type { IPFamilyName, Service } from '../../src/kube.ts';
import { group, service, written } from './builders.ts';

const groups = (balancePools: boolean): ServiceGroupConfig[] => [
  group('default', {
    v4pools: ['10.0.0.1-10.0.0.4', '10.0.1.0/30'],
    v6pools: ['2001:db8::1-2001:db8::3'],
    balancePools,
  }),
  group('other', { v4pools: ['10.0.9.0/31'], namespaces: ['b'], namespaceDefault: true }),
];

const NAMES = ['s0', 's1', 's2', 's3', 's4', 's5'];
const FAMILY_CHOICES: [IPFamilyName[], 'SingleStack' | 'PreferDualStack' | 'RequireDualStack'][] = [
  [['IPv4'], 'SingleStack'],
  [['IPv6'], 'SingleStack'],
  [['IPv4', 'IPv6'], 'RequireDualStack'],
  [['IPv6', 'IPv4'], 'PreferDualStack'],
];

type Op =
  | {
      kind: 'allocate';
      name: string;
      ns: 'a' | 'b';
      key: string | undefined;
      ports: number[];
      fam: number;
      addr: string | undefined;
    }
  | { kind: 'release'; name: string; ns: 'a' | 'b' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('allocate' as const),
      name: fc.constantFrom(...NAMES),
      ns: fc.constantFrom('a' as const, 'b' as const),
      key: fc.constantFrom(undefined, 'k1', 'k2'),
      ports: fc.subarray([80, 443, 53], { minLength: 1 }),
      fam: fc.nat({ max: FAMILY_CHOICES.length - 1 }),
      addr: fc.constantFrom(
        undefined,
        undefined,
        undefined,
        '10.0.0.2',
        '10.0.1.3',
        '10.0.9.1',
        '2001:db8::2',
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('release' as const),
      name: fc.constantFrom(...NAMES),
      ns: fc.constantFrom('a' as const, 'b' as const),
    }),
  },
);

function toService(op: Extract<Op, { kind: 'allocate' }>): Service {
  const [families, policy] = FAMILY_CHOICES[op.fam] as (typeof FAMILY_CHOICES)[number];
  const annotations: Record<string, string> = {};
  if (op.key !== undefined) annotations['purelb.io/allow-shared-ip'] = op.key;
  if (op.addr !== undefined) annotations['purelb.io/addresses'] = op.addr;
  return service(op.name, { ns: op.ns, ports: op.ports, families, policy, annotations });
}

/** Runs the ops; returns every answer and the Services as the controller would have written them. */
function run(alloc: Allocator, ops: Op[], cluster = new Map<string, Service>()) {
  const answers: unknown[] = [];
  for (const op of ops) {
    const key = `${op.ns}/${op.name}`;
    if (op.kind === 'release') {
      answers.push(alloc.release(key));
      cluster.delete(key);
      continue;
    }
    const svc = toService(op);
    const before = alloc.snapshot();
    const r = alloc.allocate(svc);
    answers.push(r);
    if (r.ok) cluster.set(key, written(svc, r));
    else assert.deepEqual(alloc.snapshot(), before, `a failed allocation (${r.reason}) changed the state`);
  }
  return { answers, cluster };
}

test('property: no address is held by two Services that may not share it', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 60 }), fc.boolean(), (ops, balance) => {
      const alloc = new Allocator(groups(balance), { defaultAnnouncer: true });
      const { cluster } = run(alloc, ops);
      // Check against what the Services say (key, ports, ingress), not the allocator's own records.
      const holders = new Map<string, Service[]>();
      for (const svc of cluster.values()) {
        for (const e of svc.status?.loadBalancer?.ingress ?? []) {
          holders.set(e.ip as string, [...(holders.get(e.ip as string) ?? []), svc]);
        }
      }
      for (const ip of ['10.0.1.0', '10.0.1.3']) {
        assert.ok(!holders.has(ip), `${ip}, the network or broadcast address of 10.0.1.0/30, handed out`);
      }
      for (const [ip, svcs] of holders) {
        if (svcs.length < 2) continue;
        const keys = new Set(svcs.map((s) => s.metadata.annotations?.['purelb.io/allow-shared-ip']));
        assert.equal(keys.size, 1, `${ip} held under different keys`);
        assert.notEqual([...keys][0], undefined, `${ip} shared without a key`);
        const ports = svcs.flatMap((s) => (s.spec?.ports ?? []).map((p) => `${p.port}/${p.protocol}`));
        assert.equal(new Set(ports).size, ports.length, `${ip}: a port used twice`);
      }
      // And the allocator agrees with the cluster on who holds what.
      for (const [key, svc] of cluster) {
        assert.deepEqual(
          alloc.addressesOf(key),
          (svc.status?.loadBalancer?.ingress ?? []).map((e) => e.ip),
        );
      }
    }),
    { numRuns: 300 },
  );
});

test('property: rebuilding from the written Services gives the same state and the same future answers', () => {
  fc.assert(
    fc.property(
      fc.array(opArb, { maxLength: 40 }),
      fc.array(opArb, { maxLength: 20 }),
      fc.boolean(),
      (past, future, balance) => {
        const original = new Allocator(groups(balance), { defaultAnnouncer: true });
        const { cluster } = run(original, past);
        const restarted = new Allocator(groups(balance), { defaultAnnouncer: true });
        const report = restarted.rebuild([...cluster.values()].reverse());
        assert.deepEqual(report.conflicts, []);
        assert.deepEqual(report.orphans, []);
        assert.deepEqual(restarted.snapshot(), original.snapshot());
        assert.deepEqual(restarted.usage(), original.usage());
        assert.deepEqual(run(restarted, future).answers, run(original, future).answers);
      },
    ),
    { numRuns: 300 },
  );
});

test('property: the same groups (in any order) and the same requests give the same answers', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 60 }), fc.boolean(), (ops, balance) => {
      const a = new Allocator(groups(balance), { defaultAnnouncer: true });
      const b = new Allocator(groups(balance).reverse(), { defaultAnnouncer: true });
      assert.deepEqual(run(a, ops).answers, run(b, ops).answers);
      assert.deepEqual(a.snapshot(), b.snapshot());
    }),
    { numRuns: 200 },
  );
});
