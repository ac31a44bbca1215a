// answerFor: who should announce one Service address and why, or why nobody does. The one rule the
// cluster view (`purelb services`, `purelb election`) and the allocator's Announced condition share.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Member } from '../../src/election/members.ts';
import { electWinner } from '../../src/election/winner.ts';
import { parseCidr } from '../../src/net/cidr.ts';
import { parseIP } from '../../src/net/ip.ts';
import { type AnnounceContext, answerFor } from '../../src/services/address-answer.ts';
import { prepareGroups } from '../../src/services/group-for-ip.ts';
import { seedGroups, service, slice } from '../desired/builders.ts';

const member = (node: string, ...subnets: string[]): Member => ({
  node,
  subnets: subnets.map((s) => parseCidr(s) as Exclude<ReturnType<typeof parseCidr>, string>),
  expiresAt: Number.POSITIVE_INFINITY,
});

function context(o: Partial<AnnounceContext> & { members?: Member[] } = {}): AnnounceContext {
  const members = o.members ?? [];
  return {
    nodeAddresses: new Map(),
    groups: prepareGroups(seedGroups()),
    live: new Map(members.map((m) => [m.node, m])),
    nodeNames: members.map((m) => m.node),
    selected: () => true,
    slots: () => [],
    slices: () => [],
    ...o,
  };
}

const at = (text: string) => ({ ip: text, parsed: parseIP(text)! });

describe('answerFor', () => {
  const web = service('web', { ips: ['172.30.250.53'] });

  it('local pool: the election winner among the live nodes holding the subnet', () => {
    const members = [
      member('a', '172.30.250.0/24'),
      member('b', '172.30.250.0/24'),
      member('c', '10.0.0.0/24'),
    ];
    const a = answerFor(context({ members }), web, at('172.30.250.53'));
    const { winner } = electWinner('172.30.250.53', members);
    assert.equal(a.pool?.group, 'default');
    assert.equal(a.winner, winner);
    assert.deepEqual(a.expected, [winner]);
    assert.deepEqual([...a.candidates].sort(), ['a', 'b']);
    assert.match(a.why, /wins the election among 2 candidate\(s\)/);
  });

  it('local pool with no live node in the subnet: nobody, and why', () => {
    const a = answerFor(context({ members: [member('c', '10.0.0.0/24')] }), web, at('172.30.250.53'));
    assert.deepEqual(a.expected, []);
    assert.equal(a.winner, null);
    assert.match(a.why, /no live node advertises a subnet holding 172\.30\.250\.53/);
  });

  it('externalTrafficPolicy Local: only nodes with a ready endpoint; none, and it says so', () => {
    const local = service('web', { ips: ['172.31.1.5'], etp: 'Local' });
    const members = [member('a', '172.31.1.0/24'), member('b', '172.31.1.0/24')];
    const notReady = [slice('web', [{ node: 'a', conditions: { ready: false } }])];
    const none = answerFor(context({ members, slices: () => notReady }), local, at('172.31.1.5'));
    assert.deepEqual(none.endpointNodes, []);
    assert.deepEqual(none.expected, []);
    const ready = [slice('web', [{ node: 'b' }])];
    const some = answerFor(context({ members, slices: () => ready }), local, at('172.31.1.5'));
    assert.deepEqual(some.expected, ['b']);
    assert.match(some.why, /every selected node with a ready endpoint/);
  });

  it('remote pool: every node an LBNodeAgent selects, whatever its subnets', () => {
    const remote = service('api', { ips: ['172.31.1.5'] });
    const members = [member('a'), member('b'), member('c')];
    const a = answerFor(context({ members, selected: (n) => n !== 'c' }), remote, at('172.31.1.5'));
    assert.deepEqual(a.expected, ['a', 'b']);
    const nobody = answerFor(context({ members, selected: () => false }), remote, at('172.31.1.5'));
    assert.deepEqual(nobody.expected, []);
    assert.match(nobody.why, /no node is selected by an LBNodeAgent/);
  });

  it("a node's own address, and an address in no pool: nobody, with the reason", () => {
    const own = context({
      members: [member('a', '172.30.250.0/24')],
      nodeAddresses: new Map([['172.30.250.53', { node: 'a', type: 'InternalIP', ip: '172.30.250.53' }]]),
    });
    assert.match(answerFor(own, web, at('172.30.250.53')).why, /never places a node's own address/);
    const stray = service('x', { ips: ['10.9.9.9'] });
    assert.match(answerFor(context(), stray, at('10.9.9.9')).why, /lies in no pool of any ServiceGroup/);
  });

  it('a live node other than the winner still in the slot: the winner waits for it (handoff)', () => {
    const members = [member('a', '172.30.250.0/24'), member('b', '172.30.250.0/24')];
    const { winner } = electWinner('172.30.250.53', members);
    const other = winner === 'a' ? 'b' : 'a';
    const held = service('web', {
      ips: ['172.30.250.53'],
      annotations: {
        'purelb.io/allocated-by': 'PureLB',
        'purelb.io/announcing-IPv4': `${other},eth0,172.30.250.53`,
      },
    });
    const slots = () => [
      { slot: { node: other, interface: 'eth0', ip: '172.30.250.53' }, service: 'default/web' },
    ];
    const a = answerFor(context({ members, slots }), held, at('172.30.250.53'));
    assert.equal(a.handoffFrom, other);
    assert.deepEqual(a.announcedBy, [{ node: other, interface: 'eth0', service: 'default/web' }]);
  });
});
