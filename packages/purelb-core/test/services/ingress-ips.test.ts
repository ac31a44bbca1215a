import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ingressIPs } from '../../src/services/ingress.ts';
import { service } from '../desired/builders.ts';

describe('ingressIPs: canonical addresses from status.loadBalancer.ingress', () => {
  it('canonicalises IPv6 and keeps the written order', () => {
    const { ips, invalid } = ingressIPs(service('web', { ips: ['172.31.1.5', '2001:DB8:0:0:0:0:0:50'] }));
    assert.deepEqual(
      ips.map((i) => i.ip),
      ['172.31.1.5', '2001:db8::50'],
    );
    assert.deepEqual(
      ips.map((i) => i.parsed.family),
      [4, 6],
    );
    assert.deepEqual(invalid, []);
  });

  it('reports a malformed entry with its path and value, and keeps the others', () => {
    const { ips, invalid } = ingressIPs(service('web', { ips: ['172.31.1.5', '172.31.1.300', '::1::2'] }));
    assert.deepEqual(
      ips.map((i) => i.ip),
      ['172.31.1.5'],
    );
    assert.deepEqual(
      invalid.map((i) => [i.path, i.value]),
      [
        ['status.loadBalancer.ingress[1].ip', '172.31.1.300'],
        ['status.loadBalancer.ingress[2].ip', '::1::2'],
      ],
    );
    assert.match(
      invalid[0]!.message,
      /status\.loadBalancer\.ingress\[1\]\.ip: "172\.31\.1\.300" is not an IP address/,
    );
  });

  it('lists an address written twice (in two spellings) once', () => {
    const { ips } = ingressIPs(service('web', { ips: ['2001:db8::50', '2001:db8:0::50'] }));
    assert.deepEqual(
      ips.map((i) => i.ip),
      ['2001:db8::50'],
    );
  });

  it('ignores hostname-only entries and a Service without status', () => {
    const svc = service('web');
    svc.status = { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }, { ip: '' }] } };
    assert.deepEqual(ingressIPs(svc), { ips: [], invalid: [] });
    assert.deepEqual(ingressIPs({ metadata: { name: 'x' } }), { ips: [], invalid: [] });
  });
});
