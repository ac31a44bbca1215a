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

describe('isAnnounceable: the class is decided by the allocator rule (handlesService)', () => {
  const withClass = (cls: string | undefined) => {
    const svc = service('web', { ips: ['172.31.1.5'] });
    return { ...svc, spec: { ...svc.spec, ...(cls === undefined ? {} : { loadBalancerClass: cls }) } };
  };
  it('another class carrying the brand is not announced, naming the class', () => {
    assert.equal(isAnnounceable(withClass('example.com/other')), false);
    assert.match(notAnnounceableReason(withClass('example.com/other')) ?? '', /example\.com\/other/);
  });
  it("PureLB's class is announced; no class only when PureLB is (or may be) the default announcer", () => {
    assert.equal(isAnnounceable(withClass('purelb.io/purelbv2')), true);
    assert.equal(isAnnounceable(withClass(undefined)), true);
    assert.equal(isAnnounceable(withClass(undefined), false), false);
    assert.match(notAnnounceableReason(withClass(undefined), false) ?? '', /not the default announcer/);
  });
});
