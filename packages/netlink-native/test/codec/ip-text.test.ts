// Canonical address text: IPv4 dotted quad, IPv6 per RFC 5952; strict parsing of caller input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  canonicalIP,
  formatIPv4,
  formatIPv6,
  formatMac,
  ipFamily,
  parseCIDR,
  parseIP,
  parseMac,
} from '../../src/codec/index.ts';

test('IPv6 text follows RFC 5952', () => {
  const cases: [string, string][] = [
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    // the longest run is compressed; on a tie the first
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    // a single zero group is not "::"
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    // lowercase, no leading zeros
    ['2001:DB8:00AB::0001', '2001:db8:ab::1'],
    // IPv4-mapped keeps the dotted quad (section 5)
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['0:0:0:0:0:ffff:c000:0201', '::ffff:192.0.2.1'],
    ['fe80::1:2:3:4', 'fe80::1:2:3:4'],
  ];
  for (const [input, canonical] of cases) assert.equal(canonicalIP(input), canonical, input);
});

test('IPv6 formatting agrees with the WHATWG URL serializer (which also compresses per RFC 5952)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }),
      (g) => {
        const b = new Uint8Array(16);
        g.forEach((v, i) => {
          b[2 * i] = v >> 8;
          b[2 * i + 1] = v & 0xff;
        });
        const ours = formatIPv6(b, 0);
        assert.deepEqual(parseIP(ours), b);
        const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
        if (!mapped) assert.equal(ours, new URL(`http://[${ours}]/`).hostname.slice(1, -1));
      },
    ),
    { numRuns: 2000 },
  );
});

test('every written form of an IPv6 address parses to the same bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.boolean(), (b, upper) => {
      const groups = Array.from({ length: 8 }, (_, i) =>
        (((b[2 * i] as number) << 8) | (b[2 * i + 1] as number)).toString(16),
      );
      const full = groups.map((g) => g.padStart(4, '0')).join(':');
      const mixed = `${groups.slice(0, 6).join(':')}:${formatIPv4(b, 12)}`;
      for (const text of [full, mixed, formatIPv6(b, 0)]) {
        assert.deepEqual(parseIP(upper ? text.toUpperCase() : text), b, text);
      }
    }),
    { numRuns: 2000 },
  );
});

test('IPv4 dotted quads round trip and odd forms are refused', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
      assert.deepEqual(parseIP(formatIPv4(b, 0)), b);
    }),
  );
  for (const bad of ['01.2.3.4', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.', ' 1.2.3.4', '1.2.3.4/24', '']) {
    assert.throws(() => parseIP(bad), TypeError, bad);
    assert.equal(ipFamily(bad), undefined, bad);
  }
});

test('the IPv4 text cache never returns another address (colliding slots, 255.255.255.255, 0.0.0.0)', () => {
  const plain = (b: Uint8Array): string => `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const edge = fc.constantFrom(
    Uint8Array.from([255, 255, 255, 255]),
    Uint8Array.from([0, 0, 0, 0]),
    Uint8Array.from([0, 0, 4, 0]),
    Uint8Array.from([0, 0, 0, 4]),
  );
  fc.assert(
    fc.property(
      fc.array(fc.oneof(edge, fc.uint8Array({ minLength: 4, maxLength: 4 })), { maxLength: 200 }),
      (list) => {
        for (const b of [...list, ...list]) assert.equal(formatIPv4(b, 0), plain(b));
      },
    ),
    { numRuns: 300 },
  );
});

test('malformed IPv6 text is refused', () => {
  for (const bad of [
    ':::',
    '1::2::3',
    'g::1',
    '12345::',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '::1.2.3',
    '1::2:3:4:5:6:7:8',
  ]) {
    assert.throws(() => parseIP(bad), TypeError, bad);
  }
  assert.throws(() => parseIP('10.0.0.1', 6), TypeError);
  assert.throws(() => parseIP('::1', 4), TypeError);
});

test('CIDR parsing gives the canonical address, family and prefix', () => {
  assert.deepEqual(parseCIDR('10.1.2.3/24'), { address: '10.1.2.3', family: 4, prefixLength: 24 });
  assert.deepEqual(parseCIDR('2001:DB8::1'), { address: '2001:db8::1', family: 6, prefixLength: 128 });
  assert.throws(() => parseCIDR('10.0.0.0/33'), TypeError);
  assert.throws(() => parseCIDR('::/129'), TypeError);
  assert.throws(() => parseCIDR('10.0.0.0/x'), TypeError);
});

test('link-layer addresses are lowercase colon hex both ways', () => {
  assert.equal(formatMac(Uint8Array.from([0x52, 0x54, 0, 0xab, 0xcd, 0xef]), 0, 6), '52:54:00:ab:cd:ef');
  assert.deepEqual(parseMac('52:54:00:AB:CD:EF'), Uint8Array.from([0x52, 0x54, 0, 0xab, 0xcd, 0xef]));
  assert.throws(() => parseMac('52:54:00:ab:cd:zz'), TypeError);
});
