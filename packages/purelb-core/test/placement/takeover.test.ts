// takeovers: a local address another PureLB node announces is taken over (announced), not probed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Service } from '../../src/kube.ts';
import type { Placement } from '../../src/model.ts';
import { takeovers } from '../../src/placement/takeover.ts';

const placement = (ip: string, services: string[], family: 4 | 6 = 4): Placement => ({
  ip,
  family,
  kind: 'local',
  link: 'enp1s0',
  prefixLength: family === 4 ? 24 : 64,
  broadcast: undefined,
  flags: [],
  validLifetime: 300,
  preferredLifetime: 300,
  services,
  reason: 'test',
});

const service = (name: string, annotations: Record<string, string> = {}): Service => ({
  metadata: { name, namespace: 'default', annotations },
});

describe('takeovers', () => {
  it('an address another node announces is a takeover from that node', () => {
    const got = takeovers(
      [placement('172.30.250.53', ['default/web'])],
      [service('web', { 'purelb.io/announcing-IPv4': 'node-b,enp1s0,172.30.250.53' })],
      'node-c',
    );
    assert.deepEqual([...got], [['172.30.250.53', 'node-b']]);
  });

  it('no annotation, one naming this node, or one for another address: a first claim', () => {
    const got = takeovers(
      [
        placement('172.30.250.53', ['default/web']),
        placement('172.30.250.54', ['default/mine']),
        placement('172.30.250.55', ['default/other-ip']),
      ],
      [
        service('web'),
        service('mine', { 'purelb.io/announcing-IPv4': 'node-c,enp1s0,172.30.250.54' }),
        service('other-ip', { 'purelb.io/announcing-IPv4': 'node-b,enp1s0,172.30.250.99' }),
      ],
      'node-c',
    );
    assert.deepEqual([...got], []);
  });

  it('IPv6 reads the IPv6 annotation, whatever the spelling of the address', () => {
    const got = takeovers(
      [placement('2001:db8:1::53', ['default/web'], 6)],
      [
        service('web', {
          'purelb.io/announcing-IPv4': 'node-a,enp1s0,172.30.250.53',
          'purelb.io/announcing-IPv6': 'node-b,enp1s0,2001:DB8:1:0::53',
        }),
      ],
      'node-c',
    );
    assert.deepEqual([...got], [['2001:db8:1::53', 'node-b']]);
  });

  it('a shared address: any of its Services naming another node makes it a takeover', () => {
    const got = takeovers(
      [placement('172.30.250.53', ['default/a', 'default/b'])],
      [service('a'), service('b', { 'purelb.io/announcing-IPv4': 'node-b,enp1s0,172.30.250.53' })],
      'node-c',
    );
    assert.equal(got.get('172.30.250.53'), 'node-b');
  });

  it('a malformed annotation counts for nothing', () => {
    const got = takeovers(
      [placement('172.30.250.53', ['default/web'])],
      [service('web', { 'purelb.io/announcing-IPv4': 'node-b;enp1s0;172.30.250.53 ,,' })],
      'node-c',
    );
    assert.deepEqual([...got], []);
  });
});
