import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { externalTrafficLocal, sharingKey, wantsSkipIPv6DAD } from '../../src/services/sharing.ts';
import { service } from '../desired/builders.ts';

describe('Service facts read from annotations and spec', () => {
  it('sharingKey is the allow-shared-ip value; absent or empty means not shared', () => {
    const brand = { 'purelb.io/allocated-by': 'PureLB' };
    assert.equal(
      sharingKey(service('a', { annotations: { ...brand, 'purelb.io/allow-shared-ip': 'k1' } })),
      'k1',
    );
    assert.equal(
      sharingKey(service('a', { annotations: { ...brand, 'purelb.io/allow-shared-ip': '' } })),
      undefined,
    );
    assert.equal(sharingKey(service('a')), undefined);
    assert.equal(sharingKey(service('a', { annotations: undefined })), undefined);
  });

  it('skip-ipv6-dad only when exactly "true"', () => {
    const brand = { 'purelb.io/allocated-by': 'PureLB' };
    assert.equal(
      wantsSkipIPv6DAD(service('a', { annotations: { ...brand, 'purelb.io/skip-ipv6-dad': 'true' } })),
      true,
    );
    assert.equal(
      wantsSkipIPv6DAD(service('a', { annotations: { ...brand, 'purelb.io/skip-ipv6-dad': 'yes' } })),
      false,
    );
    assert.equal(wantsSkipIPv6DAD(service('a')), false);
  });

  it('externalTrafficLocal reads spec.externalTrafficPolicy', () => {
    assert.equal(externalTrafficLocal(service('a', { etp: 'Local' })), true);
    assert.equal(externalTrafficLocal(service('a', { etp: 'Cluster' })), false);
    assert.equal(externalTrafficLocal({ metadata: { name: 'a' } }), false);
  });
});
