// handoffWaits: a new winner takes a local address only once no other LIVE node's announcing slot
// names it; a slot of a lapsed node counts for nothing; a holder that never lets go is given up on
// after the timeout (the address is then claimed as a first claim).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Service } from '../../src/kube.ts';
import type { Placement } from '../../src/model.ts';
import { type HandoffInput, handoffWaits } from '../../src/placement/handoff.ts';

const placement = (ip: string, services: string[], kind: 'local' | 'virtual' = 'local'): Placement => ({
  ip,
  family: ip.includes(':') ? 6 : 4,
  kind,
  link: kind === 'local' ? 'enp1s0' : 'kube-lb0',
  prefixLength: 24,
  broadcast: undefined,
  flags: [],
  validLifetime: 2,
  preferredLifetime: 2,
  services,
  reason: 'test',
});

const service = (name: string, slots?: string, family: 4 | 6 = 4): Service => ({
  metadata: {
    name,
    namespace: 'default',
    annotations: slots === undefined ? {} : { [`purelb.io/announcing-IPv${family}`]: slots },
  },
});

const input = (over: Partial<HandoffInput>): HandoffInput => ({
  node: 'node-c',
  placements: [placement('172.30.250.53', ['default/web'])],
  services: [service('web', 'node-b,enp1s0,172.30.250.53')],
  live: new Set(['node-a', 'node-b', 'node-c']),
  waitingSince: new Map(),
  now: 1_000,
  timeoutMs: 3_000,
  ...over,
});

describe('handoffWaits', () => {
  it('waits while another live node announces the address, for at most the timeout', () => {
    const v = handoffWaits(input({}));
    assert.deepEqual(
      [...v.waits],
      [['172.30.250.53', { ip: '172.30.250.53', holder: 'node-b', since: 1_000, until: 4_000 }]],
    );
    assert.equal(v.overdue.size, 0);
  });

  it('a wait keeps its start across runs and gives up once the timeout has passed', () => {
    const waitingSince = new Map([['172.30.250.53', 1_000]]);
    assert.equal(handoffWaits(input({ waitingSince, now: 3_999 })).waits.size, 1);
    const late = handoffWaits(input({ waitingSince, now: 4_000 }));
    assert.equal(late.waits.size, 0);
    assert.equal(late.overdue.get('172.30.250.53')?.holder, 'node-b');
  });

  it('takes at once: no slot, its own slot, a lapsed holder, or a slot for another address', () => {
    const v = handoffWaits(
      input({
        placements: [
          placement('172.30.250.50', ['default/none']),
          placement('172.30.250.51', ['default/mine']),
          placement('172.30.250.52', ['default/dead']),
          placement('172.30.250.53', ['default/other-ip']),
        ],
        services: [
          service('none'),
          service('mine', 'node-c,enp1s0,172.30.250.51'),
          service('dead', 'node-x,enp1s0,172.30.250.52'),
          service('other-ip', 'node-b,enp1s0,172.30.250.99'),
        ],
      }),
    );
    assert.equal(v.waits.size + v.overdue.size, 0);
  });

  it('any of a shared address’s Services naming a live holder holds it back', () => {
    const v = handoffWaits(
      input({
        placements: [placement('172.30.250.53', ['default/a', 'default/b'])],
        services: [service('a'), service('b', 'node-a,enp1s0,172.30.250.53')],
      }),
    );
    assert.equal(v.waits.get('172.30.250.53')?.holder, 'node-a');
  });

  it('IPv6 reads the IPv6 slot; virtual placements never wait (every node holds them)', () => {
    const v = handoffWaits(
      input({
        placements: [
          placement('2001:db8::53', ['default/v6']),
          placement('172.30.250.53', ['default/web'], 'virtual'),
        ],
        services: [
          service('v6', 'node-b,enp1s0,2001:DB8:0::53', 6),
          service('web', 'node-b,enp1s0,172.30.250.53'),
        ],
      }),
    );
    assert.deepEqual([...v.waits.keys()], ['2001:db8::53']);
  });
});
