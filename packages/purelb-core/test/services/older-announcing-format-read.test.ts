// A cluster moving from an older PureLB carries two-field `node,interface` announcing entries (one per
// node, for every address of the family): they are read as that node's slots for each address, so the
// handover and takeover rules see who holds what, whichever version wrote it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAnnouncing } from '../../src/annotations.ts';
import type { Service } from '../../src/kube.ts';
import { serviceSlots } from '../../src/services/index.ts';

const svc = (annotations: Record<string, string>, ips: string[]): Service => ({
  metadata: { name: 'web', namespace: 'shop', annotations },
  status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } },
});

test('a two-field entry names its node for every ingress address of the family', () => {
  const s = svc({ 'purelb.io/announcing-IPv4': 'node-a,enp1s0' }, [
    '172.30.250.53',
    '172.30.250.54',
    '2001:db8::5',
  ]);
  assert.deepEqual(serviceSlots(s, 4), [
    { node: 'node-a', interface: 'enp1s0', ip: '172.30.250.53' },
    { node: 'node-a', interface: 'enp1s0', ip: '172.30.250.54' },
  ]);
  assert.deepEqual(serviceSlots(s, 6), []);
});

test('v0.17 slots read as before; both formats side by side', () => {
  const s = svc({ 'purelb.io/announcing-IPv6': 'node-b,eth0,2001:DB8::5 node-c,eth1' }, [
    '2001:db8::5',
    '2001:db8::6',
  ]);
  assert.deepEqual(serviceSlots(s, 6), [
    { node: 'node-b', interface: 'eth0', ip: '2001:db8::5' },
    { node: 'node-c', interface: 'eth1', ip: '2001:db8::5' },
    { node: 'node-c', interface: 'eth1', ip: '2001:db8::6' },
  ]);
});

test('without the Service’s addresses a two-field entry is still refused by name', () => {
  const errors: string[] = [];
  assert.deepEqual(
    parseAnnouncing('node-a,enp1s0', (_e, m) => errors.push(m)),
    [],
  );
  assert.match(errors[0] ?? '', /is not node,interface,ip/);
  assert.deepEqual(serviceSlots(svc({ 'purelb.io/announcing-IPv4': ',enp1s0' }, ['10.0.0.1']), 4), []);
});
