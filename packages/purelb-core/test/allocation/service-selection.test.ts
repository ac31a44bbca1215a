// Which Services the allocator serves: type LoadBalancer with class purelb.io/purelbv2, or with no
// class only when it is the default announcer. Others are left alone and nothing is taken.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Allocator, handlesService } from '../../src/allocation/index.ts';
import { group, outcome, service } from './builders.ts';

const cases: {
  name: string;
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  cls?: string;
  defaultAnnouncer: boolean;
  handled: boolean;
}[] = [
  { name: 'our class', cls: 'purelb.io/purelbv2', defaultAnnouncer: false, handled: true },
  {
    name: 'our class, default announcer too',
    cls: 'purelb.io/purelbv2',
    defaultAnnouncer: true,
    handled: true,
  },
  { name: 'no class, default announcer', defaultAnnouncer: true, handled: true },
  { name: 'no class, not the default announcer', defaultAnnouncer: false, handled: false },
  { name: 'an empty class counts as none', cls: '', defaultAnnouncer: true, handled: true },
  { name: "PureLB v1's class is not ours", cls: 'purelb.io/purelb', defaultAnnouncer: true, handled: false },
  {
    name: "another implementation's class",
    cls: 'metallb.io/metallb',
    defaultAnnouncer: true,
    handled: false,
  },
  {
    name: 'a ClusterIP Service',
    type: 'ClusterIP',
    cls: 'purelb.io/purelbv2',
    defaultAnnouncer: true,
    handled: false,
  },
  { name: 'a NodePort Service', type: 'NodePort', defaultAnnouncer: true, handled: false },
];

for (const c of cases) {
  test(`service selection: ${c.name} → ${c.handled ? 'allocated' : 'left alone'}`, () => {
    const svc = service('s', {
      ...(c.type ? { type: c.type } : {}),
      ...(c.cls !== undefined ? { class: c.cls } : {}),
    });
    assert.equal(handlesService(svc, c.defaultAnnouncer), c.handled);
    const alloc = new Allocator([group('default', { v4pools: ['172.31.1.0/24'] })], {
      defaultAnnouncer: c.defaultAnnouncer,
    });
    const r = alloc.allocate(svc);
    assert.deepEqual(outcome(r), c.handled ? ['172.31.1.1'] : 'not-handled');
    if (!c.handled) assert.deepEqual(alloc.snapshot().addresses, []);
  });
}
