// Which ServiceGroup a Service allocates from: purelb.io/service-group, else its namespace's
// default (namespaceDefault), else the group named "default"; enforceNamespaces fences both ways.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Allocator, resolveGroup } from '../../src/allocation/index.ts';
import type { ServiceGroupConfig } from '../../src/config/types.ts';
import { group, service } from './builders.ts';

const groups = (): ServiceGroupConfig[] => [
  group('default', { v4pools: ['10.0.0.0/24'] }),
  group('web', { v4pools: ['10.0.1.0/24'], namespaces: ['web', 'shop'], namespaceDefault: true }),
  group('web2', { v4pools: ['10.0.2.0/24'], namespaces: ['web'], namespaceDefault: true }),
  group('fenced', { v4pools: ['10.0.3.0/24'], namespaces: ['secure'], enforceNamespaces: true }),
  group('open', { v4pools: ['10.0.4.0/24'] }),
];

const cases: {
  name: string;
  ns: string;
  annotation?: string;
  groups?: () => ServiceGroupConfig[];
  want: string;
}[] = [
  { name: 'no annotation, no namespace default: the "default" group', ns: 'misc', want: 'default' },
  { name: 'the annotation names the group', ns: 'misc', annotation: 'open', want: 'open' },
  { name: "the namespace's default group", ns: 'shop', want: 'web' },
  { name: 'two groups claim the namespace: the first by name', ns: 'web', want: 'web' },
  { name: 'the annotation beats the namespace default', ns: 'shop', annotation: 'open', want: 'open' },
  { name: 'a group the annotation names does not exist', ns: 'misc', annotation: 'nope', want: 'no-group' },
  {
    name: 'no default group and no namespace default',
    ns: 'misc',
    groups: () => groups().filter((g) => g.name !== 'default'),
    want: 'no-group',
  },
  {
    name: 'an enforcing group refuses a namespace it does not list',
    ns: 'misc',
    annotation: 'fenced',
    want: 'namespace-denied',
  },
  {
    name: 'an enforcing group serves a namespace it lists',
    ns: 'secure',
    annotation: 'fenced',
    want: 'fenced',
  },
  {
    name: 'a fenced namespace may not use another group by annotation',
    ns: 'secure',
    annotation: 'open',
    want: 'namespace-denied',
  },
  { name: 'a fenced namespace may not fall back to "default"', ns: 'secure', want: 'namespace-denied' },
  {
    name: 'a fenced namespace uses its enforcing group when it is also the namespace default',
    ns: 'secure',
    groups: () => [
      ...groups().filter((g) => g.name !== 'fenced'),
      group('fenced', {
        v4pools: ['10.0.3.0/24'],
        namespaces: ['secure'],
        enforceNamespaces: true,
        namespaceDefault: true,
      }),
    ],
    want: 'fenced',
  },
];

for (const c of cases) {
  test(`group selection: ${c.name}`, () => {
    const gs = (c.groups ?? groups)().sort((a, b) => (a.name < b.name ? -1 : 1));
    const r = resolveGroup(gs, c.ns, c.annotation);
    assert.equal(r.ok ? r.group.name : r.reason, c.want);
    const alloc = new Allocator(gs, { defaultAnnouncer: true });
    const a = alloc.allocate(
      service('s', {
        ns: c.ns,
        ...(c.annotation ? { annotations: { 'purelb.io/service-group': c.annotation } } : {}),
      }),
    );
    assert.equal(a.ok ? a.groups[0] : a.reason, c.want);
  });
}

test('the refusals say why', () => {
  const gs = groups();
  const denied = resolveGroup(gs, 'misc', 'fenced');
  assert.ok(!denied.ok);
  assert.match(denied.message, /ServiceGroup fenced serves only namespaces secure, not misc/);
  const fenced = resolveGroup(gs, 'secure', 'open');
  assert.ok(!fenced.ok);
  assert.match(
    fenced.message,
    /namespace secure is fenced to ServiceGroup\(s\) fenced \(enforceNamespaces\); open does not list it/,
  );
  const missing = resolveGroup(gs, 'misc', 'nope');
  assert.ok(!missing.ok);
  assert.match(
    missing.message,
    /ServiceGroup "nope" \(annotation purelb\.io\/service-group\) does not exist/,
  );
});

test('the group order given to the Allocator does not matter', () => {
  const forward = new Allocator(groups(), { defaultAnnouncer: true });
  const backward = new Allocator(groups().reverse(), { defaultAnnouncer: true });
  const svc = service('s', { ns: 'web' });
  assert.deepEqual(forward.allocate(svc), backward.allocate(svc));
});

test('moving a Service to another group releases its old address', () => {
  const alloc = new Allocator(groups(), { defaultAnnouncer: true });
  alloc.allocate(service('s', { ns: 'misc' }));
  const r = alloc.allocate(service('s', { ns: 'misc', annotations: { 'purelb.io/service-group': 'open' } }));
  assert.ok(r.ok);
  assert.deepEqual(r.ips, ['10.0.4.1']);
  assert.deepEqual(r.released, ['10.0.0.1']);
  assert.equal(r.annotations['purelb.io/allocated-from'], 'open');
});
