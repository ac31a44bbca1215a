// IP text: strict parsing, canonical text (dotted quad, RFC 5952), IPv4-mapped IPv6.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalIP, formatIP, ipEquals, parseIP } from '../../src/net/ip.ts';

describe('canonical text (RFC 5952 for IPv6)', () => {
  const cases: [string, string][] = [
    ['192.168.1.1', '192.168.1.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['2001:DB8::1', '2001:db8::1'], // lowercase
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'], // no leading zeros, longest run
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first run on a tie
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not shortened
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longer run wins
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['fe80::1:2', 'fe80::1:2'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'], // IPv4-mapped keeps the dotted quad
    ['::ffff:c000:201', '::ffff:192.0.2.1'],
    ['0:0:0:0:0:ffff:10.1.2.3', '::ffff:10.1.2.3'],
    ['::1.2.3.4', '::102:304'], // deprecated IPv4-compatible form is plain IPv6
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
  ];
  for (const [input, want] of cases) {
    it(`${input} → ${want}`, () => assert.equal(canonicalIP(input), want));
  }
});

describe('bad input is refused, not guessed', () => {
  const bad = [
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4', // leading zero: octal or decimal? refuse
    '1.2.3.4/24',
    ' 1.2.3.4',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    ':1::',
    '1:2:3:4:5:6:7:8::',
    '12345::',
    'g::1',
    '::ffff:1.2.3.256',
    'fe80::1%eth0',
    'localhost',
  ];
  for (const text of bad) {
    it(`${JSON.stringify(text)} is not an address`, () => {
      assert.equal(parseIP(text), undefined);
      assert.equal(canonicalIP(text), undefined);
    });
  }
});

describe('parse ↔ format round trip', () => {
  it('every IPv4 value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), (value) => {
        const ip = { family: 4 as const, value };
        assert.deepEqual(parseIP(formatIP(ip)), ip);
      }),
    );
  });
  it('every IPv6 value, including zero-heavy and mapped ones', () => {
    const group = fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff }));
    const v6 = fc
      .array(group, { minLength: 8, maxLength: 8 })
      .map((g) => g.reduce((v, x) => (v << 16n) | BigInt(x), 0n));
    fc.assert(
      fc.property(v6, (value) => {
        const ip = { family: 6 as const, value };
        const text = formatIP(ip);
        assert.deepEqual(parseIP(text), ip);
        assert.equal(text, text.toLowerCase());
        assert.ok(!text.includes(':::'));
      }),
    );
  });
  it('ipEquals compares family and value', () => {
    assert.ok(ipEquals(parseIP('10.0.0.1')!, parseIP('10.0.0.1')!));
    assert.ok(!ipEquals(parseIP('::a00:1')!, parseIP('10.0.0.1')!));
  });
});
