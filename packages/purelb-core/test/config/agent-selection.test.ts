// Which LBNodeAgent applies to a node: specific beats catch-all, then namespace/name, first with local.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { selectAgent } from '../../src/config/agent-selection.ts';
import { parseLBNodeAgent } from '../../src/config/lbnodeagent.ts';
import type { LBNodeAgentConfig } from '../../src/config/types.ts';

// local null: an agent without spec.local (undefined would take the default {}).
const agent = (
  name: string,
  nodeSelector: unknown,
  local: unknown = {},
  namespace = 'purelb',
): LBNodeAgentConfig => {
  const r = parseLBNodeAgent({ metadata: { name, namespace }, spec: { nodeSelector, local } });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.value;
};

const zoneA = { zone: 'a' };

describe('selectAgent', () => {
  it('no agents, or none selecting the node: undefined', () => {
    assert.equal(selectAgent([], zoneA), undefined);
    assert.equal(selectAgent([agent('x', { matchLabels: { zone: 'b' } })], zoneA), undefined);
  });
  it('a specific selector beats a catch-all even when the catch-all sorts first', () => {
    const chosen = selectAgent(
      [agent('aaa-default', undefined), agent('zzz-zone-a', { matchLabels: zoneA })],
      zoneA,
    );
    assert.equal(chosen?.name, 'zzz-zone-a');
  });
  it('an empty selector is a catch-all', () => {
    const chosen = selectAgent(
      [agent('a', {}), agent('b', { matchExpressions: [{ key: 'zone', operator: 'Exists' }] })],
      zoneA,
    );
    assert.equal(chosen?.name, 'b');
  });
  it('among specific selectors: namespace/name order', () => {
    const chosen = selectAgent(
      [
        agent('b', { matchLabels: zoneA }),
        agent('c', { matchLabels: zoneA }, {}, 'aa'),
        agent('a', { matchLabels: zoneA }),
      ],
      zoneA,
    );
    assert.equal(`${chosen?.namespace}/${chosen?.name}`, 'aa/c');
  });
  it('the first with .local applies: a matching agent without local is passed over', () => {
    const chosen = selectAgent(
      [agent('specific', { matchLabels: zoneA }, null), agent('default', undefined)],
      zoneA,
    );
    assert.equal(chosen?.name, 'default');
  });
  it('a catch-all applies to nodes the specific one does not select', () => {
    const chosen = selectAgent([agent('default', undefined), agent('zone-a', { matchLabels: zoneA })], {
      zone: 'b',
    });
    assert.equal(chosen?.name, 'default');
  });
  it('property: the choice does not depend on input order', () => {
    const agents = [
      agent('a', undefined),
      agent('b', { matchLabels: zoneA }),
      agent('c', { matchLabels: zoneA }, null),
      agent('d', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }),
      agent('e', {}, null),
    ];
    fc.assert(
      fc.property(fc.shuffledSubarray(agents), fc.constantFrom('a', 'b', 'c'), (subset, zone) => {
        const labels = { zone };
        const expected = selectAgent(subset, labels);
        assert.equal(selectAgent([...subset].reverse(), labels), expected);
      }),
    );
  });
});
