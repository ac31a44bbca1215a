import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAnnounceable, notAnnounceableReason } from '../../src/services/announceable.ts';
import { service } from '../desired/builders.ts';

describe('isAnnounceable: which Services this node agent announces', () => {
  const cases: { name: string; svc: ReturnType<typeof service>; want: boolean; reason?: RegExp }[] = [
    {
      name: 'branded LoadBalancer with an ingress IP',
      svc: service('web', { ips: ['172.31.1.5'] }),
      want: true,
    },
    {
      name: 'no annotations at all (upstream skipped the brand check here)',
      svc: service('web', { ips: ['172.31.1.5'], annotations: undefined }),
      want: false,
      reason: /no purelb\.io\/allocated-by/,
    },
    {
      name: 'annotations without the brand',
      svc: service('web', { ips: ['172.31.1.5'], annotations: { other: 'x' } }),
      want: false,
      reason: /no purelb\.io\/allocated-by/,
    },
    {
      name: 'another allocator brand',
      svc: service('web', { ips: ['172.31.1.5'], annotations: { 'purelb.io/allocated-by': 'MetalLB' } }),
      want: false,
      reason: /"MetalLB", not "PureLB"/,
    },
    {
      name: 'type NodePort',
      svc: service('web', { ips: ['172.31.1.5'], type: 'NodePort' }),
      want: false,
      reason: /NodePort, not LoadBalancer/,
    },
    { name: 'empty ingress', svc: service('web', { ips: [] }), want: false, reason: /holds no IP/ },
    {
      name: 'being deleted',
      svc: service('web', { ips: ['172.31.1.5'], deleting: true }),
      want: false,
      reason: /being deleted/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(isAnnounceable(c.svc), c.want);
      const reason = notAnnounceableReason(c.svc);
      if (c.reason === undefined) assert.equal(reason, undefined);
      else assert.match(reason ?? '', c.reason);
    });
  }

  it('a Service without spec is not announceable and says it is not a LoadBalancer', () => {
    const svc = { metadata: { name: 'bare', annotations: { 'purelb.io/allocated-by': 'PureLB' } } };
    assert.equal(isAnnounceable(svc), false);
    assert.match(notAnnounceableReason(svc) ?? '', /ClusterIP, not LoadBalancer/);
  });

  it('an ingress holding only a hostname has no IP to announce', () => {
    const svc = service('web');
    svc.status = { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } };
    assert.equal(isAnnounceable(svc), false);
  });
});
