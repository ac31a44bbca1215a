// What a node publishes in its Lease: purelb.io/carrier-down and purelb.io/refused, their codecs and
// the sentence an operator reads for a refusal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ANNOTATION_CARRIER_DOWN, ANNOTATION_REFUSED } from '../../src/annotations.ts';
import { desiredState } from '../../src/desired/desired-state.ts';
import { skipFix } from '../../src/diagnosis/skip-findings.ts';
import * as core from '../../src/index.ts';
import {
  formatCarrierDown,
  formatRefused,
  leaseReports,
  parseCarrierDown,
  parseRefused,
  REFUSAL_CODES,
  REFUSED_MAX_ENTRIES,
  type Refusal,
  type RefusalCode,
  refusalSentence,
  refusalsOf,
} from '../../src/lease-reports.ts';
import type { PlacementSkip } from '../../src/model.ts';
import { service } from '../desired/builders.ts';
import { seedInput } from '../desired/support.ts';

// Every skip code is classed: a refusal (an error) or one of the normal outcomes below. A new code
// that is neither makes this line fail to compile.
type NotRefusal = 'not-winner' | 'no-candidate' | 'no-local-endpoint' | 'not-selected';
const everyCodeClassed: [Exclude<PlacementSkip['code'], RefusalCode | NotRefusal>] extends [never]
  ? true
  : never = true;

const collect = () => {
  const errors: [string, string][] = [];
  return { errors, onError: (entry: string, message: string) => errors.push([entry, message]) };
};

describe('Lease report annotations', () => {
  it('have their keys, and core exports the codecs', () => {
    assert.equal(everyCodeClassed, true);
    assert.equal(ANNOTATION_CARRIER_DOWN, 'purelb.io/carrier-down');
    assert.equal(ANNOTATION_REFUSED, 'purelb.io/refused');
    for (const name of ['formatCarrierDown', 'parseCarrierDown', 'formatRefused', 'parseRefused']) {
      assert.equal(typeof (core as Record<string, unknown>)[name], 'function', name);
    }
    assert.equal(core.ANNOTATION_REFUSED, ANNOTATION_REFUSED);
  });
});

describe('purelb.io/carrier-down', () => {
  it('is the names sorted, deduplicated and space-separated; empty when none', () => {
    assert.equal(formatCarrierDown(['eth1', 'enp1s0', 'eth1']), 'enp1s0 eth1');
    assert.equal(formatCarrierDown([]), '');
  });

  it('reads back what it writes', () => {
    const name = fc.stringMatching(/^[a-zA-Z0-9_.@-]{1,15}$/).filter((n) => n !== '.' && n !== '..');
    fc.assert(
      fc.property(fc.array(name, { maxLength: 8 }), (names) => {
        const value = formatCarrierDown(names);
        const { errors, onError } = collect();
        assert.deepEqual(parseCarrierDown(value, onError), [...new Set(names)].sort());
        assert.deepEqual(errors, []);
        assert.equal(formatCarrierDown(parseCarrierDown(value)), value);
      }),
    );
  });

  it('skips and reports a name the kernel would refuse, and keeps the rest', () => {
    const { errors, onError } = collect();
    assert.deepEqual(parseCarrierDown('  eth0 averyveryverylongname a/b ..  eth0 ', onError), ['eth0']);
    assert.deepEqual(
      errors.map(([entry]) => entry),
      ['averyveryverylongname', 'a/b', '..'],
    );
    assert.match(errors[0]![1], /carrier-down entry: .* longer than 15/);
  });

  it('reads an absent or blank value as no interface', () => {
    assert.deepEqual(parseCarrierDown(undefined), []);
    assert.deepEqual(parseCarrierDown('   '), []);
  });
});

describe('purelb.io/refused', () => {
  it('is ip,code entries sorted by address, IPv4 first, then code; canonical and deduplicated', () => {
    const value = formatRefused([
      { ip: 'FD00::0005', code: 'no-carrier' },
      { ip: '192.168.1.10', code: 'route-conflict' },
      { ip: '192.168.1.9', code: 'no-local-interface' },
      { ip: '192.168.1.10', code: 'ambiguous-default-route' },
      { ip: '192.168.1.9', code: 'no-local-interface' },
    ]);
    assert.equal(
      value,
      '192.168.1.9,no-local-interface 192.168.1.10,ambiguous-default-route 192.168.1.10,route-conflict fd00::5,no-carrier',
    );
    assert.equal(formatRefused([]), '');
  });

  it(`keeps at most ${REFUSED_MAX_ENTRIES} entries, then +N counts those left out`, () => {
    const many: Refusal[] = Array.from({ length: 100 }, (_, i) => ({
      ip: `10.0.0.${i}`,
      code: 'no-carrier',
    }));
    const value = formatRefused(many);
    const entries = value.split(' ');
    assert.equal(entries.length, REFUSED_MAX_ENTRIES + 1);
    assert.equal(entries.at(-1), '+36');
    assert.equal(entries.at(-2), '10.0.0.63,no-carrier');
    const parsed = parseRefused(value);
    assert.equal(parsed.refusals.length, REFUSED_MAX_ENTRIES);
    assert.equal(parsed.omitted, 36);
    assert.equal(formatRefused(many.slice(0, REFUSED_MAX_ENTRIES)).includes('+'), false);
  });

  it('reads back what it writes', () => {
    const ip = fc.oneof(
      fc.ipV4(),
      fc.ipV6().map((t) => core.canonicalIP(t) ?? '::1'),
    );
    const refusal = fc.record({ ip, code: fc.constantFrom(...REFUSAL_CODES) });
    fc.assert(
      fc.property(fc.array(refusal, { maxLength: 80 }), (refusals) => {
        const value = formatRefused(refusals);
        const { errors, onError } = collect();
        const parsed = parseRefused(value, onError);
        assert.deepEqual(errors, []);
        const distinct = new Set(refusals.map((r) => `${core.canonicalIP(r.ip)},${r.code}`)).size;
        assert.equal(parsed.refusals.length + parsed.omitted, distinct);
        assert.equal(parsed.refusals.length, Math.min(distinct, REFUSED_MAX_ENTRIES));
        assert.equal(
          formatRefused(parsed.refusals) + (parsed.omitted > 0 ? ` +${parsed.omitted}` : ''),
          value,
        );
      }),
    );
  });

  it('skips and reports malformed entries, and keeps the well-formed ones', () => {
    const { errors, onError } = collect();
    const parsed = parseRefused(
      '10.0.0.1,no-carrier 10.0.0.2 10.0.0.300,no-carrier 10.0.0.3,some-new-code +2 a,b,c +x 10.0.0.4,route-conflict +0',
      onError,
    );
    assert.deepEqual(parsed, {
      refusals: [
        { ip: '10.0.0.1', code: 'no-carrier' },
        { ip: '10.0.0.4', code: 'route-conflict' },
      ],
      omitted: 0,
    });
    assert.deepEqual(
      errors.map(([entry]) => entry),
      ['10.0.0.2', '10.0.0.300,no-carrier', '10.0.0.3,some-new-code', '+2', 'a,b,c', '+x', '+0'],
    );
    assert.match(errors[2]![1], /unknown code "some-new-code"/);
    assert.match(errors[3]![1], /not a final \+N/);
  });

  it('reads an absent value as nothing refused', () => {
    assert.deepEqual(parseRefused(undefined), { refusals: [], omitted: 0 });
  });

  it("are a desired state's error skips: an address in no pool is refused, a lost election is not", () => {
    const state = desiredState(
      seedInput({ services: [service('a', { ips: ['10.20.30.40', '172.31.1.5'] })] }),
    );
    assert.deepEqual(refusalsOf(state.skips), [{ ip: '10.20.30.40', code: 'no-group' }]);
    const lost: PlacementSkip = {
      service: 'default/b',
      ip: '172.31.1.6',
      code: 'not-winner',
      winner: 'other',
      reason: 'node other wins',
      error: false,
    };
    assert.deepEqual(refusalsOf([lost]), []);
  });
});

describe('a refusal in words', () => {
  it("names the node, the address and the code, with diagnose's fix for that code", () => {
    const r: Refusal = { ip: '192.168.1.9', code: 'ambiguous-default-route' };
    const text = refusalSentence('node-a', r);
    assert.equal(
      text,
      `node node-a does not place 192.168.1.9 as asked (ambiguous-default-route): ${skipFix(r.code, r.ip)}`,
    );
    assert.match(text, /keep one default route at the lowest metric/);
    assert.match(refusalSentence('n', { ip: '10.0.0.1', code: 'no-carrier' }), /NO-CARRIER/);
  });
});

describe('leaseReports', () => {
  it('reads both annotations of a Lease, reporting malformed entries', () => {
    const { errors, onError } = collect();
    const reports = leaseReports(
      {
        metadata: {
          name: 'purelb-node-a',
          annotations: {
            [ANNOTATION_CARRIER_DOWN]: 'eth1 eth0',
            [ANNOTATION_REFUSED]: '10.0.0.1,no-carrier bogus',
          },
        },
      },
      onError,
    );
    assert.deepEqual(reports, {
      carrierDown: ['eth0', 'eth1'],
      refused: { refusals: [{ ip: '10.0.0.1', code: 'no-carrier' }], omitted: 0 },
    });
    assert.deepEqual(
      errors.map(([entry]) => entry),
      ['bogus'],
    );
    assert.deepEqual(leaseReports({ metadata: { name: 'x' } }), {
      carrierDown: [],
      refused: { refusals: [], omitted: 0 },
    });
  });
});
