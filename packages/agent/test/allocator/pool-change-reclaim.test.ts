// A valid pool change takes back what falls outside it: a ServiceGroup shrunk or deleted leaves no
// Service showing an address outside every pool. The Service is moved within its group when the
// group has room; otherwise its address (and the brand) is cleared with a Warning event whose reason
// names the change. An invalid edit is not a pool change: nothing is taken back because of it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, group, lb, NS, withCluster } from './harness.ts';

const GROUPS = `/apis/purelb.io/v2/namespaces/${NS}/servicegroups`;
const names = ['a', 'b', 'c', 'd', 'e', 'f'];
const inPool = (ip: string, first: number, last: number): boolean => {
  const m = /^10\.1\.0\.(\d+)$/.exec(ip);
  return m !== null && Number(m[1]) >= first && Number(m[1]) <= last;
};

test('a shrunk pool: Services outside it move within the group while it has room, the rest are cleared', () =>
  withCluster(
    async (c) => {
      for (const n of names) c.create(lb(n));
      for (const n of names) await c.waitIPs(n, (ips) => ips.length === 1, 'an address');
      const remote = {
        v4pools: [{ pool: '10.1.0.4-10.1.0.7', subnet: '10.0.0.0/8', aggregation: 'default' }],
      };
      assert.equal(await c.patch(`${GROUPS}/default`, { spec: { remote } }), 200);

      // .4-.6 stay; of the three outside, one moves to .7 and two are cleared.
      await eventually('no Service shows an address outside 10.1.0.4-10.1.0.7', () =>
        names.every((n) => c.ips(n).every((ip) => inPool(ip, 4, 7))),
      );
      await c.controllers[0]!.whenIdle();
      const held = names.filter((n) => c.ips(n).length === 1);
      const cleared = names.filter((n) => c.ips(n).length === 0);
      assert.equal(held.length, 4, `held: ${held}`);
      assert.deepEqual(held.map((n) => c.ips(n)[0]).sort(), ['10.1.0.4', '10.1.0.5', '10.1.0.6', '10.1.0.7']);
      assert.equal(cleared.length, 2);
      const shrunk = (n: string) => c.events('PoolShrunk').filter((e) => e.regarding.name === n);
      await eventually('PoolShrunk on both', () => cleared.every((n) => shrunk(n).length > 0));
      for (const n of cleared) {
        assert.equal(c.service(n).metadata.annotations?.['purelb.io/allocated-by'], undefined, n);
        const events = shrunk(n);
        assert.equal(events.length, 1, `one PoolShrunk event on ${n}`);
        assert.equal(events[0].type, 'Warning');
        assert.match(events[0].note, /ServiceGroup default no longer holds 10\.1\.0\.[123]/);
      }
      const moved = names.find((n) => c.ips(n)[0] === '10.1.0.7')!;
      const released = c.events('AddressReleased').filter((e) => e.regarding.name === moved);
      assert.match(released.at(-1).note, /ServiceGroup default no longer holds 10\.1\.0\.[123]/);
      assert.ok(
        c.lines.some((l) => l.msg === 'address reclaimed: no pool of its ServiceGroup holds it' && l.ip),
        'a log line per cleared address',
      );
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));

test('a deleted ServiceGroup: its Services are cleared with ServiceGroupDeleted; others keep theirs', () =>
  withCluster(
    async (c) => {
      c.create(group('other', { v4: ['10.2.0.0/24'] }));
      c.create(lb('keep'));
      c.create(lb('x', { annotations: { 'purelb.io/service-group': 'other' } }));
      c.create(lb('y', { annotations: { 'purelb.io/service-group': 'other' } }));
      await c.waitIPs('x', (ips) => ips.length === 1, 'an address');
      await c.waitIPs('y', (ips) => ips.length === 1, 'an address');
      const keep = await c.waitIPs('keep', (ips) => ips.length === 1, 'an address');
      c.server.store.remove(c.server.resource('purelb.io/v2', 'ServiceGroup'), NS, 'other');

      await c.waitIPs('x', (ips) => ips.length === 0, 'no address');
      await c.waitIPs('y', (ips) => ips.length === 0, 'no address');
      await c.controllers[0]!.whenIdle();
      assert.deepEqual(c.ips('keep'), keep);
      const deleted = (n: string) => c.events('ServiceGroupDeleted').filter((ev) => ev.regarding.name === n);
      await eventually(
        'ServiceGroupDeleted on x and y',
        () => deleted('x').length + deleted('y').length === 2,
      );
      for (const n of ['x', 'y']) {
        const [e, ...more] = deleted(n);
        assert.equal(more.length, 0);
        assert.equal(e.type, 'Warning');
        assert.match(e.note, /ServiceGroup other was deleted/);
        assert.equal(c.service(n).metadata.annotations?.['purelb.io/allocated-by'], undefined);
      }
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));

test('an invalid edit is not a pool change: no Service loses or moves its address', () =>
  withCluster(
    async (c) => {
      // Namespace "other" takes its addresses from "team"; were "team" ignored, they would fall back to "default".
      c.create(
        group('team', { v4: ['10.2.0.0/24'] }, 'remote', { namespaces: ['other'], namespaceDefault: true }),
      );
      for (const n of names) c.create(lb(n, { ns: 'other' }));
      c.create(lb('named', { annotations: { 'purelb.io/service-group': 'team' } }));
      for (const n of names) await c.waitIPs(n, (ips) => ips.length === 1, 'an address', 'other');
      await c.waitIPs('named', (ips) => ips.length === 1, 'an address');
      const before = c.allIPs();
      // A typo: the pool is outside its subnet. The parser refuses it; the CRD schema would not.
      const remote = {
        v4pools: [{ pool: '10.2.0.1-10.2.0.2', subnet: '192.168.0.0/16', aggregation: 'default' }],
      };
      assert.equal(await c.patch(`${GROUPS}/team`, { spec: { remote } }), 200);
      await eventually('ParseFailed on team', () => c.events('ParseFailed').length > 0);
      await c.controllers[0]!.whenIdle();
      assert.deepEqual(c.allIPs(), before);
      assert.deepEqual([...c.events('PoolShrunk'), ...c.events('ServiceGroupDeleted')], []);
      for (const n of names) {
        assert.equal(c.service(n, 'other').metadata.annotations?.['purelb.io/allocated-from'], 'team');
      }
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));

test('a ServiceGroup deleted while no allocator ran: the next one reclaims at start', () =>
  withCluster(
    async (c) => {
      c.create(group('other', { v4: ['10.2.0.0/24'] }));
      c.create(lb('x', { annotations: { 'purelb.io/service-group': 'other' } }));
      await c.waitIPs('x', (ips) => ips.length === 1, 'an address');
      await c.controllers[0]!.stop();
      c.server.store.remove(c.server.resource('purelb.io/v2', 'ServiceGroup'), NS, 'other');
      await c.startAllocator();
      await c.waitIPs('x', (ips) => ips.length === 0, 'no address');
      await eventually('ServiceGroupDeleted on x', () =>
        c.events('ServiceGroupDeleted').some((e) => e.regarding.name === 'x'),
      );
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));
