// Pool ranges: "a-b" or a CIDR as inclusive bounds; size, overlap and containment.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseIP } from '../../src/net/ip.ts';
import {
  formatRange,
  type IPRange,
  parseRange,
  rangeAsCidr,
  rangeContainsIP,
  rangeContainsRange,
  rangeSize,
  rangesOverlap,
} from '../../src/net/range.ts';

const r = (text: string): IPRange => {
  const v = parseRange(text);
  assert.notEqual(typeof v, 'string', String(v));
  return v as IPRange;
};

describe('parseRange', () => {
  const good: [string, string, bigint][] = [
    ['192.168.1.240-192.168.1.250', '192.168.1.240-192.168.1.250', 11n],
    ['192.168.1.240 - 192.168.1.250', '192.168.1.240-192.168.1.250', 11n],
    ['10.0.0.5-10.0.0.5', '10.0.0.5-10.0.0.5', 1n],
    ['192.168.1.240/29', '192.168.1.240-192.168.1.247', 8n],
    ['10.0.0.0/16', '10.0.0.0-10.0.255.255', 65536n],
    ['fd00::10-fd00::1f', 'fd00::10-fd00::1f', 16n],
    ['2001:db8::/64', '2001:db8::-2001:db8::ffff:ffff:ffff:ffff', 1n << 64n],
  ];
  for (const [text, canonical, size] of good) {
    it(`${text} → ${canonical} (${size} addresses)`, () => {
      const range = r(text);
      assert.equal(formatRange(range), canonical);
      assert.equal(rangeSize(range), size);
    });
  }

  const bad: [string, RegExp][] = [
    ['10.0.0.9-10.0.0.1', /first address is above the last/],
    ['10.0.0.1-fd00::1', /different families/],
    ['10.0.0.1-', /"" is not an IP address/],
    ['x-10.0.0.1', /"x" is not an IP address/],
    ['10.0.0.1', /not a CIDR/],
    ['10.0.0.1/24', /host bits set/],
    ['10.0.0.0/40', /prefix length/],
  ];
  for (const [text, message] of bad) {
    it(`${text} is refused`, () => {
      const v = parseRange(text);
      assert.equal(typeof v, 'string');
      assert.match(v as string, message);
    });
  }
});

describe('overlap and containment', () => {
  const cases: [string, string, boolean, boolean][] = [
    // a, b, overlap, a contains b
    ['10.0.0.0/24', '10.0.0.128/25', true, true],
    ['10.0.0.0/24', '10.0.0.10-10.0.0.20', true, true], // a range wholly inside a CIDR
    ['10.0.0.1-10.0.0.100', '10.0.0.10-10.0.0.20', true, true], // a range wholly inside a range
    ['10.0.0.1-10.0.0.10', '10.0.0.10-10.0.0.20', true, false], // touching at one address
    ['10.0.0.1-10.0.0.9', '10.0.0.10-10.0.0.20', false, false],
    ['10.0.0.0/24', 'fd00::/120', false, false], // families never overlap
  ];
  for (const [a, b, overlap, contains] of cases) {
    it(`${a} vs ${b}: overlap ${overlap}, contains ${contains}`, () => {
      assert.equal(rangesOverlap(r(a), r(b)), overlap);
      assert.equal(rangeContainsRange(r(a), r(b)), contains);
    });
  }
  it('rangeContainsIP is inclusive at both ends', () => {
    const range = r('10.0.0.10-10.0.0.20');
    assert.ok(rangeContainsIP(range, parseIP('10.0.0.10')!));
    assert.ok(rangeContainsIP(range, parseIP('10.0.0.20')!));
    assert.ok(!rangeContainsIP(range, parseIP('10.0.0.21')!));
  });
  it('rangeAsCidr only for exact CIDRs', () => {
    assert.equal(rangeAsCidr(r('192.168.1.240-192.168.1.247')), '192.168.1.240/29');
    assert.equal(rangeAsCidr(r('192.168.1.241-192.168.1.248')), undefined);
    assert.equal(rangeAsCidr(r('10.0.0.1-10.0.0.3')), undefined);
    assert.equal(rangeAsCidr(r('fd00::/64')), 'fd00::/64');
  });
});

const arbRange = fc
  .oneof(
    fc.tuple(
      fc.constant(4 as const),
      fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }),
      fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }),
    ),
    fc.tuple(
      fc.constant(6 as const),
      fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
      fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
    ),
  )
  .map(([family, x, y]): IPRange => {
    const [first, last] = x <= y ? [x, y] : [y, x];
    return { family, first, last };
  });

describe('properties', () => {
  it('format ↔ parse round trip', () => {
    fc.assert(fc.property(arbRange, (range) => assert.deepEqual(parseRange(formatRange(range)), range)));
  });
  it('overlap is symmetric, and containment implies overlap', () => {
    fc.assert(
      fc.property(arbRange, arbRange, (a, b) => {
        assert.equal(rangesOverlap(a, b), rangesOverlap(b, a));
        if (rangeContainsRange(a, b)) assert.ok(rangesOverlap(a, b));
        assert.ok(rangesOverlap(a, a) && rangeContainsRange(a, a));
      }),
    );
  });
  it('overlap agrees with "some address is in both"', () => {
    const small = fc
      .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }))
      .map(([x, y]): IPRange => ({ family: 4, first: BigInt(Math.min(x, y)), last: BigInt(Math.max(x, y)) }));
    fc.assert(
      fc.property(small, small, (a, b) => {
        let shared = false;
        for (let v = a.first; v <= a.last; v++)
          if (rangeContainsIP(b, { family: 4, value: v })) shared = true;
        assert.equal(rangesOverlap(a, b), shared);
      }),
    );
  });
});
