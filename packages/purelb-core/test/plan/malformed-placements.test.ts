// A malformed placement is named by field path and value: the planner refuses before planning anything,
// the diagnosis reports it and checks the rest.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose } from '../../src/diagnosis/diagnose.ts';
import type { Placement } from '../../src/model.ts';
import { planReconcile } from '../../src/plan/planner.ts';
import { desired, network, OURS, virtual } from './build.ts';

const cases: [string, Partial<Placement>, RegExp][] = [
  [
    'an IP that is not one',
    { ip: '172.31.1.300' },
    /desired\.placements\[1\]\.ip: "172\.31\.1\.300" is not an IP address/,
  ],
  [
    'a family that does not match',
    { family: 6 },
    /desired\.placements\[1\]\.family: 6 does not match the address 172\.31\.1\.6/,
  ],
  [
    'a prefix out of range',
    { prefixLength: 33 },
    /desired\.placements\[1\]\.prefixLength: 33 must be an integer 0\.\.32/,
  ],
  ['an empty link name', { link: '' }, /desired\.placements\[1\]\.link: "" must be an interface name/],
  [
    'a link name longer than IFNAMSIZ',
    { link: 'a-very-long-ifname' },
    /desired\.placements\[1\]\.link: "a-very-long-ifname"/,
  ],
  [
    'a broadcast that is not IPv4',
    { broadcast: 'ff02::1' },
    /desired\.placements\[1\]\.broadcast: "ff02::1"/,
  ],
  [
    'an unknown flag',
    { flags: ['noprefixroute', 'nodadd' as 'nodad'] },
    /desired\.placements\[1\]\.flags\[1\]: "nodadd" is not an address flag/,
  ],
  ['a negative lifetime', { validLifetime: -1 }, /desired\.placements\[1\]\.validLifetime: -1/],
  [
    'a NaN lifetime',
    { preferredLifetime: Number.NaN },
    /desired\.placements\[1\]\.preferredLifetime: NaN must be a number/,
  ],
];

describe('malformed placements', () => {
  for (const [name, bad, message] of cases) {
    const want = desired([virtual('172.31.1.5/32'), virtual('172.31.1.6/32', bad)]);
    it(`planReconcile names ${name}`, () => {
      assert.throws(
        () => planReconcile(want, network(), OURS),
        (e: unknown) => e instanceof TypeError && message.test(e.message),
      );
    });
    it(`diagnose reports ${name} and still checks the good placement`, () => {
      const findings = diagnose({ desired: want, network: network(), ownership: OURS });
      assert.equal(findings[0]?.code, 'invalid-config');
      assert.match(findings[0]?.message ?? '', message);
      assert.ok(findings.some((f) => f.code === 'address-missing' && f.ip === '172.31.1.5'));
    });
  }
});
