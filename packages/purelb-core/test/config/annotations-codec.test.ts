// purelb.io/* keys and the codecs of the announcing slots (Services) and subnets (node Leases).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ANNOTATION_ADDRESSES,
  ANNOTATION_ALLOCATED_BY,
  ANNOTATION_ALLOCATED_FROM,
  ANNOTATION_ALLOW_LOCAL,
  ANNOTATION_ALLOW_SHARED_IP,
  ANNOTATION_ANNOUNCING_IPV4,
  ANNOTATION_ANNOUNCING_IPV6,
  ANNOTATION_INSTANCE,
  ANNOTATION_MULTI_POOL,
  ANNOTATION_NODE_AFFINITY,
  ANNOTATION_POOL_TYPE,
  ANNOTATION_RE_EVALUATE,
  ANNOTATION_SERVICE_GROUP,
  ANNOTATION_SKIP_IPV6_DAD,
  ANNOTATION_SUBNETS,
  type AnnounceSlot,
  announcingAnnotation,
  formatAnnouncing,
  formatSubnets,
  PURELB_BRAND,
  parseAnnouncing,
  parseSubnetsAnnotation,
  removeAnnouncingSlots,
  setAnnouncingSlot,
} from '../../src/annotations.ts';
import { type Cidr, formatCidr, parseCidr } from '../../src/net/cidr.ts';

describe("annotation keys are PureLB v2's", () => {
  const keys: [string, string][] = [
    [ANNOTATION_SERVICE_GROUP, 'purelb.io/service-group'],
    [ANNOTATION_ADDRESSES, 'purelb.io/addresses'],
    [ANNOTATION_ALLOW_SHARED_IP, 'purelb.io/allow-shared-ip'],
    [ANNOTATION_ALLOCATED_BY, 'purelb.io/allocated-by'],
    [ANNOTATION_ALLOCATED_FROM, 'purelb.io/allocated-from'],
    [ANNOTATION_POOL_TYPE, 'purelb.io/pool-type'],
    [ANNOTATION_SKIP_IPV6_DAD, 'purelb.io/skip-ipv6-dad'],
    [ANNOTATION_ANNOUNCING_IPV4, 'purelb.io/announcing-IPv4'],
    [ANNOTATION_ANNOUNCING_IPV6, 'purelb.io/announcing-IPv6'],
    [ANNOTATION_SUBNETS, 'purelb.io/subnets'],
    [ANNOTATION_INSTANCE, 'purelb.io/instance'],
    [ANNOTATION_NODE_AFFINITY, 'purelb.io/node-affinity'],
    [ANNOTATION_ALLOW_LOCAL, 'purelb.io/allow-local'],
    [ANNOTATION_MULTI_POOL, 'purelb.io/multi-pool'],
    [ANNOTATION_RE_EVALUATE, 'purelb.io/re-evaluate'],
    [PURELB_BRAND, 'PureLB'],
    [announcingAnnotation(4), 'purelb.io/announcing-IPv4'],
    [announcingAnnotation(6), 'purelb.io/announcing-IPv6'],
  ];
  for (const [got, want] of keys) it(want, () => assert.equal(got, want));
});

describe('announcing slots', () => {
  it('parses node,interface,ip entries and canonicalises the IP', () => {
    assert.deepEqual(parseAnnouncing('purelb2-1,enp1s0,172.30.250.53  purelb2-2,eth0,FD00::0001'), [
      { node: 'purelb2-1', interface: 'enp1s0', ip: '172.30.250.53' },
      { node: 'purelb2-2', interface: 'eth0', ip: 'fd00::1' },
    ]);
    assert.deepEqual(parseAnnouncing(undefined), []);
    assert.deepEqual(parseAnnouncing(''), []);
  });

  it('reports malformed entries and keeps the good ones', () => {
    const errors: [string, string][] = [];
    const slots = parseAnnouncing(
      'n1,eth0,10.0.0.1 n2,eth0 n3,eth0,10.0.0.999 ,eth0,10.0.0.2 n4,eth0,10.0.0.3,x',
      (e, m) => errors.push([e, m]),
    );
    assert.deepEqual(slots, [{ node: 'n1', interface: 'eth0', ip: '10.0.0.1' }]);
    assert.deepEqual(
      errors.map(([e]) => e),
      ['n2,eth0', 'n3,eth0,10.0.0.999', ',eth0,10.0.0.2', 'n4,eth0,10.0.0.3,x'],
    );
    assert.match(errors[1]![1], /"10\.0\.0\.999" is not an IP address/);
    assert.match(errors[2]![1], /must not be empty/);
  });

  it('formats sorted numerically per family (not as strings), IPv4 first, one slot per IP', () => {
    const slots: AnnounceSlot[] = [
      { node: 'c', interface: 'eth0', ip: 'fd00::a' },
      { node: 'a', interface: 'eth0', ip: '10.0.0.10' },
      { node: 'b', interface: 'eth0', ip: '10.0.0.9' },
      { node: 'd', interface: 'eth0', ip: 'fd00::9' },
      { node: 'e', interface: 'eth1', ip: '10.0.0.10' }, // same IP: the later slot wins
    ];
    assert.equal(formatAnnouncing(slots), 'b,eth0,10.0.0.9 e,eth1,10.0.0.10 d,eth0,fd00::9 c,eth0,fd00::a');
  });

  it("setAnnouncingSlot: the winner overwrites its IP's slot and leaves the others", () => {
    const before = 'n1,eth0,10.0.0.1 n1,eth0,10.0.0.2';
    assert.equal(
      setAnnouncingSlot(before, { node: 'n2', interface: 'enp1s0', ip: '10.0.0.2' }),
      'n1,eth0,10.0.0.1 n2,enp1s0,10.0.0.2',
    );
    assert.equal(
      setAnnouncingSlot(undefined, { node: 'n2', interface: 'eth0', ip: '10.0.0.3' }),
      'n2,eth0,10.0.0.3',
    );
  });

  it('removeAnnouncingSlots keeps only the IPs still in ingress (compared canonically)', () => {
    const value = 'n1,eth0,10.0.0.1 n2,eth0,10.0.0.2 n3,eth0,fd00::1';
    assert.equal(removeAnnouncingSlots(value, ['10.0.0.2', 'FD00:0::1']), 'n2,eth0,10.0.0.2 n3,eth0,fd00::1');
    assert.equal(removeAnnouncingSlots(value, []), '');
  });

  it('property: format ∘ parse ∘ format = format', () => {
    const slot = fc.record({
      node: fc.constantFrom('n1', 'n2', 'purelb2-1'),
      interface: fc.constantFrom('eth0', 'enp1s0'),
      ip: fc.oneof(fc.ipV4(), fc.ipV6()),
    });
    fc.assert(
      fc.property(fc.array(slot, { maxLength: 8 }), (slots) => {
        const text = formatAnnouncing(slots);
        assert.equal(formatAnnouncing(parseAnnouncing(text)), text);
        assert.equal(new Set(parseAnnouncing(text).map((s) => s.ip)).size, parseAnnouncing(text).length);
      }),
    );
  });
});

describe('subnets on node Leases', () => {
  it('parses comma-joined CIDRs and lists bad entries', () => {
    const r = parseSubnetsAnnotation('172.30.250.0/24, fd00::/64,,bogus,10.0.0.0/40');
    assert.deepEqual(r.subnets.map(formatCidr), ['172.30.250.0/24', 'fd00::/64']);
    assert.equal(r.errors.length, 2);
    assert.match(r.errors[0]!, /bogus/);
    assert.match(r.errors[1]!, /10\.0\.0\.0\/40/);
    assert.deepEqual(parseSubnetsAnnotation(undefined), { subnets: [], errors: [] });
    assert.deepEqual(parseSubnetsAnnotation(''), { subnets: [], errors: [] });
  });
  it('host bits from another writer are cleared', () => {
    assert.deepEqual(parseSubnetsAnnotation('172.30.250.101/24').subnets.map(formatCidr), [
      '172.30.250.0/24',
    ]);
  });
  it('formats deduplicated, canonical, sorted as strings, comma-joined', () => {
    const cidrs = ['fd00:0::/64', '172.30.250.0/24', '10.0.0.0/8', '172.30.250.0/24', 'FD00::/64'].map(
      (t) => parseCidr(t) as Cidr,
    );
    assert.equal(formatSubnets(cidrs), '10.0.0.0/8,172.30.250.0/24,fd00::/64');
    assert.equal(formatSubnets([]), '');
  });
  it('a Cidr with host bits still formats as its network', () => {
    assert.equal(formatSubnets([{ family: 4, network: 0xac1efa65n, prefixLength: 24 }]), '172.30.250.0/24');
  });
  it('property: parse ∘ format is the identity on formatted values', () => {
    const cidr = fc.oneof(
      fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, n]) => `${ip}/${n}`),
      fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([ip, n]) => `${ip}/${n}`),
    );
    fc.assert(
      fc.property(fc.array(cidr, { maxLength: 6 }), (texts) => {
        const value = formatSubnets(texts.map((t) => parseCidr(t) as Cidr));
        const again = parseSubnetsAnnotation(value);
        assert.deepEqual(again.errors, []);
        assert.equal(formatSubnets(again.subnets), value);
      }),
    );
  });
});
