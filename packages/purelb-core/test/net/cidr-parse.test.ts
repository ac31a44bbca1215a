// CIDR parsing with clear errors, strict host bits, containment and bounds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cidrBounds, cidrContains, cidrOf, formatCidr, maskOf, parseCidr } from '../../src/net/cidr.ts';
import { parseIP } from '../../src/net/ip.ts';

describe('parseCidr', () => {
  const good: [string, string][] = [
    ['192.168.1.0/24', '192.168.1.0/24'],
    ['192.168.1.7/24', '192.168.1.0/24'], // lenient: host bits cleared
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['10.1.2.3/32', '10.1.2.3/32'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['fd00::1/64', 'fd00::/64'],
    ['::/0', '::/0'],
  ];
  for (const [input, want] of good) {
    it(`${input} → ${want}`, () => {
      const c = parseCidr(input);
      assert.notEqual(typeof c, 'string');
      assert.equal(formatCidr(c as never), want);
    });
  }

  const bad: [string, boolean, RegExp][] = [
    ['192.168.1.0', false, /not a CIDR \(expected address\/prefix-length\)/],
    ['192.168.1/24', false, /"192\.168\.1" is not an IP address/],
    ['10.0.0.0/33', false, /prefix length must be 0\.\.32/],
    ['fd00::/129', false, /prefix length must be 0\.\.128/],
    ['10.0.0.0/-1', false, /prefix length/],
    ['10.0.0.0/', false, /prefix length/],
    ['10.0.0.0/2a', false, /prefix length/],
    ['192.168.1.7/24', true, /host bits set \(did you mean 192\.168\.1\.0\/24\?\)/],
    ['fd00::1/64', true, /did you mean fd00::\/64\?/],
  ];
  for (const [input, strict, message] of bad) {
    it(`${input}${strict ? ' (strict)' : ''} is refused with a message naming it`, () => {
      const c = parseCidr(input, strict);
      assert.equal(typeof c, 'string');
      assert.match(c as string, message);
      assert.ok((c as string).includes(input));
    });
  }
});

describe('containment and bounds', () => {
  it('cidrContains checks family and network', () => {
    const c = parseCidr('172.30.250.0/24') as never;
    assert.ok(cidrContains(c, parseIP('172.30.250.53')!));
    assert.ok(!cidrContains(c, parseIP('172.30.251.1')!));
    assert.ok(!cidrContains(c, parseIP('::ffff:172.30.250.53')!));
  });
  it('bounds include network and broadcast', () => {
    const b = cidrBounds(parseCidr('10.0.0.0/30') as never);
    assert.deepEqual(b, { first: 0x0a000000n, last: 0x0a000003n });
  });
  it('/0 and /32 masks', () => {
    assert.equal(maskOf(4, 0), 0n);
    assert.equal(maskOf(4, 32), 0xffffffffn);
    assert.equal(maskOf(6, 64), ((1n << 64n) - 1n) << 64n);
  });
  it('format ↔ parse round trip, and cidrOf contains its address', () => {
    const arb = fc.oneof(
      fc.tuple(
        fc.constant(4 as const),
        fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }),
        fc.integer({ min: 0, max: 32 }),
      ),
      fc.tuple(
        fc.constant(6 as const),
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        fc.integer({ min: 0, max: 128 }),
      ),
    );
    fc.assert(
      fc.property(arb, ([family, value, len]) => {
        const c = cidrOf({ family, value }, len);
        assert.ok(cidrContains(c, { family, value }));
        assert.deepEqual(parseCidr(formatCidr(c), true), c);
      }),
    );
  });
});
