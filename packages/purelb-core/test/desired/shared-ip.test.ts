// Services sharing one address (purelb.io/allow-shared-ip): one placement listing every user.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredState } from '../../src/desired/desired-state.ts';
import { service, slice } from './builders.ts';
import { seedInput } from './support.ts';

const shared = (name: string, ip: string, etp: 'Cluster' | 'Local' = 'Cluster') =>
  service(name, {
    ips: [ip],
    etp,
    annotations: { 'purelb.io/allocated-by': 'PureLB', 'purelb.io/allow-shared-ip': 'web-key' },
  });

describe('desiredState: shared addresses', () => {
  for (const ip of ['172.31.1.5', '172.30.250.53']) {
    it(`two Services on ${ip} → one placement listing both`, () => {
      const state = desiredState(seedInput({ services: [shared('web-udp', ip), shared('web-tcp', ip)] }));
      assert.equal(state.placements.length, 1);
      assert.equal(state.placements[0]!.ip, ip);
      assert.deepEqual(state.placements[0]!.services, ['default/web-tcp', 'default/web-udp']);
      assert.match(state.placements[0]!.reason, /shared by default\/web-tcp, default\/web-udp$/);
      assert.deepEqual(state.skips, []);
    });
  }

  it('the address stays while any one Service still wants it here', () => {
    // web-local (ETP Local) has no endpoint on this node; web-cluster still wants the address.
    const state = desiredState(
      seedInput({
        services: [shared('web-local', '172.31.1.5', 'Local'), shared('web-cluster', '172.31.1.5')],
        endpointSlices: [slice('web-local', [{ node: 'purelb2-3' }])],
      }),
    );
    assert.deepEqual(
      state.placements.map((p) => [p.ip, p.services]),
      [['172.31.1.5', ['default/web-cluster']]],
    );
    // The "not here" of one sharer is no news when the address is placed for another.
    assert.deepEqual(state.skips, []);
  });

  it('when no sharer wants it here, each one says why', () => {
    const state = desiredState(
      seedInput({ services: [shared('a', '172.31.1.5', 'Local'), shared('b', '172.31.1.5', 'Local')] }),
    );
    assert.deepEqual(state.placements, []);
    assert.deepEqual(
      state.skips.map((s) => [s.service, s.code]),
      [
        ['default/a', 'no-local-endpoint'],
        ['default/b', 'no-local-endpoint'],
      ],
    );
  });

  it('the same Service listed twice counts once', () => {
    const svc = shared('web', '172.31.1.5');
    const state = desiredState(seedInput({ services: [svc, structuredClone(svc)] }));
    assert.deepEqual(state.placements[0]!.services, ['default/web']);
  });
});
