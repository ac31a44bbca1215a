// The dead-man lifetime of local addresses: shorter than the Lease, never under 2 s, and a cap on what
// the LBNodeAgent configures for the local interface only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LocalAgentConfig } from '../../src/config/types.ts';
import { deadManLifetime, withDeadManLifetime } from '../../src/placement/dead-man.ts';

const local = (validLifetime: number, preferredLifetime: number): LocalAgentConfig => ({
  localInterface: 'default',
  dummyInterface: 'kube-lb0',
  interfaces: [],
  garp: undefined,
  avoidCordonedNodes: true,
  addressConfig: {
    localInterface: { validLifetime, preferredLifetime, noPrefixRoute: true },
    dummyInterface: { validLifetime: Infinity, preferredLifetime: Infinity, noPrefixRoute: false },
  },
});

describe('dead-man lifetime', () => {
  it('is a second less than the Lease, at least 2 s', () => {
    assert.deepEqual([1, 2, 3, 10, 60].map(deadManLifetime), [2, 2, 2, 9, 59]);
    assert.throws(() => deadManLifetime(0), /whole number/);
    assert.throws(() => deadManLifetime(2.5), /whole number/);
  });

  it('caps the local interface’s lifetimes (forever included), never lengthens them, leaves the dummy alone', () => {
    const capped = withDeadManLifetime(local(300, Infinity), 9).addressConfig;
    assert.deepEqual(capped.localInterface, { validLifetime: 9, preferredLifetime: 9, noPrefixRoute: true });
    assert.equal(capped.dummyInterface.validLifetime, Infinity);
    assert.equal(withDeadManLifetime(local(5, 4), 9).addressConfig.localInterface.validLifetime, 5);
  });
});
