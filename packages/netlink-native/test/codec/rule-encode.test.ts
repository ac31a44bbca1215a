// The rule request encoders beyond the golden vectors: where the table goes (header up to 255,
// FRA_TABLE above), the defaults iproute2 applies (main for an add that looks a table up, nothing
// for a delete), and the TypeErrors for values the wire cannot carry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeRule,
  encodeDelRule,
  encodeGetRules,
  encodeNewRule,
  FR_ACT_GOTO,
  FR_ACT_TO_TBL,
  FR_ACT_UNSPEC,
  FRA_TABLE,
  listAttributes,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_EXCL,
  NLM_F_REQUEST,
  parseMessages,
  RTM_DELRULE,
  RTM_NEWRULE,
  ruleActionNumber,
} from '../../src/codec/index.ts';
import type { RuleSpec } from '../../src/types.ts';

const HDR = 16; // nlmsghdr
const header = (b: Buffer) => ({ table: b[HDR + 4], action: b[HDR + 7] });
const attrTypes = (b: Buffer) => listAttributes(b, HDR + 12).map((a) => a.type);

test('a table up to 255 goes in fib_rule_hdr.table, a larger one in FRA_TABLE with the header at 0', () => {
  const t255 = encodeNewRule({ family: 4, table: 255 });
  assert.deepEqual(header(t255), { table: 255, action: FR_ACT_TO_TBL });
  assert.deepEqual(attrTypes(t255), []);
  const t256 = encodeNewRule({ family: 4, table: 256 });
  assert.deepEqual(header(t256), { table: 0, action: FR_ACT_TO_TBL });
  assert.deepEqual(attrTypes(t256), [FRA_TABLE]);
  const max = encodeNewRule({ family: 6, table: 0xffffffff });
  assert.equal(max.readUInt32LE(max.length - 4), 0xffffffff);
});

test('defaults follow iproute2: an add looks up main, a delete matches any action and table', () => {
  assert.deepEqual(header(encodeNewRule({ family: 4, priority: 5 })), { table: 254, action: FR_ACT_TO_TBL });
  assert.deepEqual(header(encodeNewRule({ family: 4, l3mdev: true })), { table: 0, action: FR_ACT_TO_TBL });
  assert.deepEqual(header(encodeNewRule({ family: 4, goto: 9 })), { table: 0, action: FR_ACT_GOTO });
  assert.deepEqual(header(encodeNewRule({ family: 4, action: 'blackhole' })), { table: 0, action: 6 });
  assert.deepEqual(header(encodeDelRule({ family: 4, priority: 5 })), { table: 0, action: FR_ACT_UNSPEC });
  assert.deepEqual(header(encodeDelRule({ family: 4, goto: 9 })), { table: 0, action: FR_ACT_GOTO });
  const add = parseMessages(encodeNewRule({ family: 4 }))[0];
  assert.equal(add?.type, RTM_NEWRULE);
  assert.equal(add?.flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  const del = parseMessages(encodeDelRule({ family: 6, priority: 1 }))[0];
  assert.equal(del?.type, RTM_DELRULE);
  assert.equal(del?.flags, NLM_F_REQUEST | NLM_F_ACK);
});

test('what an add sends decodes back to the same selectors (the reply layout is the request one)', () => {
  const spec: RuleSpec = {
    family: 6,
    priority: 7,
    src: '2001:db8::',
    srcLength: 32,
    dst: '2001:db8:9::1',
    tos: 4,
    table: 4242,
    flags: 2,
    iif: 'eth0',
    oif: 'vrf-blue',
    fwmark: 1,
    fwmask: 3,
    suppressPrefixLength: 0,
    suppressIfgroup: 7,
    uidRange: { start: 0, end: 0xffffffff },
    protocol: 4,
    ipProto: 17,
    sportRange: { start: 0, end: 0xffff },
    dportRange: { start: 53, end: 53 },
    realms: 0x10002,
  };
  const request = parseMessages(encodeNewRule(spec))[0];
  assert.ok(request);
  const r = decodeRule(request);
  assert.deepEqual(
    [r.family, r.priority, r.src, r.srcLength, r.dst, r.dstLength, r.tos, r.table, r.action, r.invert],
    [6, 7, '2001:db8::', 32, '2001:db8:9::1', 128, 4, 4242, 'table', true],
  );
  assert.deepEqual(
    [r.iif, r.oif, r.fwmark, r.fwmask, r.suppressPrefixLength, r.suppressIfgroup, r.protocol, r.ipProto],
    ['eth0', 'vrf-blue', 1, 3, 0, 7, 4, 17],
  );
  assert.deepEqual(
    [r.uidRange, r.sportRange, r.dportRange, r.realms],
    [{ start: 0, end: 0xffffffff }, { start: 0, end: 0xffff }, { start: 53, end: 53 }, 0x10002],
  );
});

test('values the wire cannot carry are TypeErrors naming the field', () => {
  const bad: [RuleSpec, RegExp][] = [
    [{ family: 5 as 4 }, /rule family must be 4 or 6/],
    [{ family: 4, table: 2 ** 32 }, /table must be 0\.\.4294967295/],
    [{ family: 4, priority: 1.5 }, /priority must be/],
    [{ family: 4, src: '10.0.0.0', srcLength: 33 }, /srcLength must be 0\.\.32/],
    [{ family: 4, src: '2001:db8::' }, /not an IPv4 address/],
    [{ family: 4, tos: 256 }, /tos must be 0\.\.255/],
    [{ family: 4, iif: '' }, /iif must be an interface name/],
    [{ family: 4, oif: 'x'.repeat(16) }, /oif must be an interface name/],
    [{ family: 4, ipProto: 256 }, /ipProto must be 0\.\.255/],
    [{ family: 4, sportRange: { start: 2, end: 1 } }, /sportRange start 2 is above its end 1/],
    [{ family: 4, dportRange: { start: 1, end: 65536 } }, /dportRange\.end must be 0\.\.65535/],
    [{ family: 4, uidRange: { start: -1, end: 1 } }, /uidRange\.start must be/],
    [{ family: 4, suppressPrefixLength: 33 }, /suppressPrefixLength must be 0\.\.32/],
    [{ family: 4, protocol: 300 }, /protocol must be 0\.\.255/],
    [{ family: 4, action: 'jump' as 'goto' }, /unknown rule action "jump"/],
  ];
  for (const [spec, message] of bad) {
    assert.throws(() => encodeNewRule(spec), { name: 'TypeError', message }, JSON.stringify(spec));
  }
  assert.throws(() => encodeGetRules(0 as 4), /rule family must be 4 or 6/);
  assert.equal(ruleActionNumber('prohibit'), 8);
});
