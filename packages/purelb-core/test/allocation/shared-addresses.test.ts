// purelb.io/allow-shared-ip: Services with equal keys and disjoint {port, protocol} sets share one
// address per family; anything else is refused with the port or key that clashes. A shared address
// is freed only when its last user goes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Allocator } from '../../src/allocation/index.ts';
import type { ServicePort } from '../../src/kube.ts';
import { group, outcome, service } from './builders.ts';

const alloc = () =>
  new Allocator([group('default', { v4pools: ['172.31.1.5-172.31.1.20'], v6pools: ['2001:db8::/112'] })], {
    defaultAnnouncer: true,
  });
const shared = (name: string, key: string | undefined, ports: (number | ServicePort)[], ns = 'default') =>
  service(name, {
    ns,
    ports,
    ...(key !== undefined ? { annotations: { 'purelb.io/allow-shared-ip': key } } : {}),
  });

const cases: {
  name: string;
  first: [string | undefined, (number | ServicePort)[]];
  second: [string | undefined, (number | ServicePort)[]];
  want: string[] | string;
  message?: RegExp;
}[] = [
  {
    name: 'equal keys, disjoint ports share',
    first: ['k', [80]],
    second: ['k', [443]],
    want: ['172.31.1.5'],
  },
  {
    name: 'the same port number over another protocol is disjoint',
    first: ['k', [53]],
    second: ['k', [{ port: 53, protocol: 'UDP' }]],
    want: ['172.31.1.5'],
  },
  {
    name: 'a port in both is a clash naming it, its holder and the address',
    first: ['k', [80, 8080]],
    second: ['k', [443, 80]],
    want: 'sharing-conflict',
    message: /^port 80\/TCP is already used by other\/first on 172\.31\.1\.5$/,
  },
  {
    name: 'ports without a protocol are TCP',
    first: ['k', [{ port: 80 }]],
    second: ['k', [{ port: 80, protocol: 'TCP' }]],
    want: 'sharing-conflict',
  },
  {
    name: 'different keys get different addresses',
    first: ['k', [80]],
    second: ['j', [443]],
    want: ['172.31.1.6'],
  },
  {
    name: 'no key on the second: its own address',
    first: ['k', [80]],
    second: [undefined, [443]],
    want: ['172.31.1.6'],
  },
  {
    name: 'no key on the first: the second key gets a fresh one',
    first: [undefined, [80]],
    second: ['k', [443]],
    want: ['172.31.1.6'],
  },
];

for (const c of cases) {
  test(`sharing: ${c.name}`, () => {
    const a = alloc();
    assert.deepEqual(outcome(a.allocate(shared('first', c.first[0], c.first[1], 'other'))), ['172.31.1.5']);
    const r = a.allocate(shared('second', c.second[0], c.second[1]));
    assert.deepEqual(outcome(r), c.want);
    if (!r.ok && c.message !== undefined) assert.match(r.message, c.message);
  });
}

test('a requested address held under another key names the key', () => {
  const a = alloc();
  a.allocate(shared('first', 'k', [80], 'other'));
  const r = a.allocate(
    service('second', {
      annotations: { 'purelb.io/allow-shared-ip': 'j', 'purelb.io/addresses': '172.31.1.5' },
    }),
  );
  assert.ok(!r.ok);
  assert.equal(r.reason, 'sharing-conflict');
  assert.match(r.message, /address 172\.31\.1\.5 is shared under key "k" by other\/first, not "j"/);
});

test('a requested address held by a Service that does not share', () => {
  const a = alloc();
  a.allocate(shared('first', undefined, [80], 'other'));
  const r = a.allocate(
    service('second', {
      annotations: { 'purelb.io/allow-shared-ip': 'k', 'purelb.io/addresses': '172.31.1.5' },
    }),
  );
  assert.ok(!r.ok);
  assert.equal(r.reason, 'address-in-use');
  assert.match(r.message, /already used by other\/first, which does not allow sharing/);
});

test('the shared address is freed only when its last user goes', () => {
  const a = alloc();
  a.allocate(shared('one', 'k', [80]));
  a.allocate(shared('two', 'k', [443]));
  a.allocate(shared('three', 'k', [22]));
  assert.deepEqual(a.release('default/one').freed, []);
  assert.deepEqual(a.release('default/two').freed, []);
  assert.deepEqual(outcome(a.allocate(service('plain'))), ['172.31.1.6'], 'still held by three');
  const last = a.release('default/three');
  assert.deepEqual(last, { ...last, released: ['172.31.1.5'], freed: ['172.31.1.5'] });
  assert.deepEqual(outcome(a.allocate(service('plain2'))), ['172.31.1.5']);
});

test('a key is bound to one address per family: dual-stack sharers share both', () => {
  const a = alloc();
  const ds = (name: string, port: number) =>
    service(name, {
      ports: [port],
      families: ['IPv4', 'IPv6'],
      policy: 'RequireDualStack',
      annotations: { 'purelb.io/allow-shared-ip': 'k' },
    });
  assert.deepEqual(outcome(a.allocate(ds('a', 80))), ['172.31.1.5', '2001:db8::1']);
  assert.deepEqual(outcome(a.allocate(ds('b', 443))), ['172.31.1.5', '2001:db8::1']);
});

test('changing ports to clash with a co-sharer is refused and keeps the old ports', () => {
  const a = alloc();
  a.allocate(shared('one', 'k', [80]));
  a.allocate(shared('two', 'k', [443]));
  const r = a.allocate(shared('two', 'k', [80]));
  assert.equal(outcome(r), 'sharing-conflict');
  // two still holds 443 only, so a third Service on 80 still clashes with one, not with two.
  const third = a.allocate(shared('three', 'k', [443]));
  assert.ok(!third.ok);
  assert.match(third.message, /port 443\/TCP is already used by default\/two/);
});

test('a sharer leaving its key moves to its own address', () => {
  const a = alloc();
  a.allocate(shared('one', 'k', [80]));
  a.allocate(shared('two', 'k', [443]));
  const r = a.allocate(shared('two', undefined, [443]));
  assert.ok(r.ok);
  assert.deepEqual(r.ips, ['172.31.1.6']);
  assert.deepEqual(r.released, ['172.31.1.5']);
  assert.deepEqual(a.addressesOf('default/one'), ['172.31.1.5']);
});
