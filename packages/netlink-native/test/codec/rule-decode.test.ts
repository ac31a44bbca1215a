// Rules decoded from kernel replies recorded here (Linux 6.18, `ip -4|-6 rule show` under
// `strace -e trace=recvmsg -e read=all` in a throw-away namespace), pinned as exact typed objects;
// malformed rule messages are DecodeErrors naming what was wrong.
//
// The namespace: veth v0/v1, then
//   ip rule add pref 100 from 10.0.0.0/8 to 192.168.0.0/16 fwmark 0x10/0xff iif v0 oif nosuch1 table 1000
//   ip rule add pref 209 not uidrange 100-200 ipproto tcp sport 1000-2000 dport 80 tos 0x10 realms 2/3 table 5 protocol static
//   ip rule add pref 210 goto 32766
//   ip rule add pref 211 table main suppress_prefixlength 0 suppress_ifgroup 5
//   ip -6 rule add pref 300 from 2001:db8::/32 l3mdev unreachable
//   ip -6 rule add pref 301 to 2001:db8:1::/48 table 70000
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  AttrWriter,
  DecodeError,
  decodeRule,
  FIB_RULE_HDR_LEN,
  FIB_RULE_INVERT,
  FIB_RULE_OIF_DETACHED,
  FRA_DSCP,
  FRA_DSCP_MASK,
  FRA_FLOWLABEL,
  FRA_FLOWLABEL_MASK,
  FRA_SPORT_MASK,
  FRA_SPORT_RANGE,
  FRA_SRC,
  FRA_TUN_ID,
  FRA_UID_RANGE,
  isIpRule,
  parseMessages,
  RTM_DELRULE,
  RTM_NEWROUTE,
  RTM_NEWRULE,
} from '../../src/codec/index.ts';
import type { Rule } from '../../src/types.ts';
import { Rng } from './fuzz-engine.ts';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'golden');

const V4 = [
  '34000000200002009e73166bd574000002000000ff0000010000000008000f00ff00000008000e00ffffffff0500150002000000',
  '70000000200002009e73166bd574000002100800fc0000011000000008000f00e803000008000e00ffffffff050015000000000007000300763000000c0011006e6f737563683100080006006400000008000a001000000008001000ff00000008000100c0a80000080002000a000000',
  '70000000200002009e73166bd574000002000010050000010200000008000f000500000008000e00ffffffff050015000400000008000600d10000000c00140064000000c800000008001700e803d007080018005000500006001d00ffff0000050016000600000008000b0003000200',
  '44000000200002009e73166bd574000002000000000000020000000008000f000000000008000e00ffffffff050015000000000008000600d200000008000400fe7f0000',
  '44000000200002009e73166bd574000002000000fe0000010000000008000f00fe00000008000e0000000000050015000000000008000600d300000008000d0005000000',
  '3c000000200002009e73166bd574000002000000fe0000010000000008000f00fe00000008000e00ffffffff050015000200000008000600fe7f0000',
  '3c000000200002009e73166bd574000002000000fd0000010000000008000f00fd00000008000e00ffffffff050015000200000008000600ff7f0000',
];
const V6 = [
  '34000000200002009e73166bda7400000a000000ff0000010000000008000f00ff00000008000e00ffffffff0500150002000000',
  '58000000200002009e73166bda7400000a002000000000070000000008000f000000000008000e00ffffffff0500150000000000080006002c01000005001300010000001400020020010db8000000000000000000000000',
  '50000000200002009e73166bda7400000a300000fc0000010000000008000f007011010008000e00ffffffff0500150000000000080006002d0100001400010020010db8000100000000000000000000',
  '3c000000200002009e73166bda7400000a000000fe0000010000000008000f00fe00000008000e00ffffffff050015000200000008000600fe7f0000',
];

const decodeHex = (hex: string): Rule => decodeRule(parseMessages(Buffer.from(hex, 'hex'))[0] as never);

const rule = (over: Partial<Rule>): Rule => ({
  family: 4,
  priority: 0,
  src: undefined,
  srcLength: 0,
  dst: undefined,
  dstLength: 0,
  tos: 0,
  table: 0,
  action: 'table',
  flags: 0,
  invert: false,
  iif: undefined,
  oif: undefined,
  fwmark: undefined,
  fwmask: undefined,
  goto: undefined,
  realms: undefined,
  tunId: undefined,
  suppressPrefixLength: undefined,
  suppressIfgroup: undefined,
  l3mdev: false,
  uidRange: undefined,
  protocol: 0,
  ipProto: undefined,
  sportRange: undefined,
  dportRange: undefined,
  dscp: undefined,
  flowlabel: undefined,
  flowlabelMask: undefined,
  sportMask: undefined,
  dportMask: undefined,
  dscpMask: undefined,
  ...over,
});

test('an IPv4 rule dump decodes to exact typed rules, tables above 255 from FRA_TABLE', () => {
  assert.deepEqual(V4.map(decodeHex), [
    rule({ table: 255, protocol: 2 }),
    rule({
      priority: 100,
      src: '10.0.0.0',
      srcLength: 8,
      dst: '192.168.0.0',
      dstLength: 16,
      table: 1000, // fib_rule_hdr.table holds RT_TABLE_COMPAT (252)
      flags: FIB_RULE_OIF_DETACHED,
      iif: 'v0',
      oif: 'nosuch1',
      fwmark: 0x10,
      fwmask: 0xff,
    }),
    rule({
      priority: 209,
      tos: 0x10,
      table: 5,
      flags: FIB_RULE_INVERT,
      invert: true,
      realms: (2 << 16) | 3,
      uidRange: { start: 100, end: 200 },
      protocol: 4,
      ipProto: 6,
      sportRange: { start: 1000, end: 2000 },
      dportRange: { start: 80, end: 80 },
      dportMask: 0xffff, // FRA_DPORT_MASK (29): the kernel reports the mask of a single port
    }),
    rule({ priority: 210, action: 'goto', goto: 32766 }),
    rule({ priority: 211, table: 254, suppressPrefixLength: 0, suppressIfgroup: 5 }),
    rule({ priority: 32766, table: 254, protocol: 2 }),
    rule({ priority: 32767, table: 253, protocol: 2 }),
  ]);
});

test('an IPv6 rule dump decodes to exact typed rules', () => {
  assert.deepEqual(V6.map(decodeHex), [
    rule({ family: 6, table: 255, protocol: 2 }),
    rule({ family: 6, priority: 300, src: '2001:db8::', srcLength: 32, action: 'unreachable', l3mdev: true }),
    rule({ family: 6, priority: 301, dst: '2001:db8:1::', dstLength: 48, table: 70000 }),
    rule({ family: 6, priority: 32766, table: 254, protocol: 2 }),
  ]);
});

test('FRA_SUPPRESS_PREFIXLEN / IFGROUP of -1 (what the kernel sends when unset) decode as undefined', () => {
  const r = decodeHex(V4[0] as string);
  assert.match(V4[0] as string, /08000e00ffffffff/, 'the recorded reply does carry the -1');
  assert.equal(r.suppressPrefixLength, undefined);
  assert.equal(decodeHex(V4[4] as string).suppressPrefixLength, 0, 'a real 0 stays 0');
});

/** A rule message built by hand: a fib_rule_hdr (family, action) and then `attrs`. */
function built(family: number, action: number, attrs: (w: AttrWriter) => void, type = RTM_NEWRULE): Buffer {
  const w = new AttrWriter();
  w.begin(type, 0);
  const at = w.zeros(FIB_RULE_HDR_LEN);
  w.buf[at] = family;
  w.buf[at + 7] = action;
  attrs(w);
  return w.finish();
}

const decodeBuilt = (b: Buffer) => decodeRule(parseMessages(b)[0] as never);

test('the newer attributes decode: tunnel id, DSCP, flow label, the masks; unknown ones are skipped', () => {
  const msg = built(10, 1, (w) => {
    w.u64(FRA_TUN_ID, 0n);
    w.buf.writeBigUInt64BE(0x0102030405060708n, w.pos - 8);
    w.u8(FRA_DSCP, 46);
    w.u32(FRA_FLOWLABEL, 0);
    w.buf.writeUInt32BE(0xabcde, w.pos - 4);
    w.u32(FRA_FLOWLABEL_MASK, 0);
    w.buf.writeUInt32BE(0xfffff, w.pos - 4);
    w.u16(FRA_SPORT_MASK, 0xff00);
    w.u8(FRA_DSCP_MASK, 0x38);
    w.u32(99, 7);
  });
  const r = decodeBuilt(msg);
  assert.equal(r.tunId, 0x0102030405060708n);
  assert.equal(r.dscp, 46);
  assert.equal(r.flowlabel, 0xabcde);
  assert.equal(r.flowlabelMask, 0xfffff);
  assert.equal(r.sportMask, 0xff00);
  assert.equal(r.dscpMask, 0x38);
  assert.equal(
    decodeBuilt(built(2, 0, () => {}, RTM_DELRULE)).action,
    'unspec',
    'a deletion notification decodes too',
  );
});

test('malformed rule messages are DecodeErrors naming what was wrong', () => {
  const cases: [Buffer, RegExp][] = [
    [built(128, 1, () => {}), /rule family 128 is neither AF_INET nor AF_INET6/], // RTNL_FAMILY_IPMR
    [built(2, 9, () => {}), /rule action 9 is not an FR_ACT_\* value/],
    [built(2, 1, (w) => w.bytes(FRA_SRC, Buffer.alloc(16))), /FRA_SRC of 16 bytes in an IPv4 message/],
    [built(2, 1, (w) => w.bytes(FRA_UID_RANGE, Buffer.alloc(4))), /FRA_UID_RANGE of 4 bytes, expected 8/],
    [built(2, 1, (w) => w.bytes(FRA_SPORT_RANGE, Buffer.alloc(2))), /FRA_SPORT_RANGE of 2 bytes, expected 4/],
    [built(2, 1, (w) => w.bytes(FRA_TUN_ID, Buffer.alloc(4))), /FRA_TUN_ID of 4 bytes/],
    [built(2, 1, (w) => w.bytes(FRA_DSCP, Buffer.alloc(0))), /FRA_DSCP of 0 bytes/],
  ];
  for (const [msg, message] of cases) assert.throws(() => decodeBuilt(msg), { name: 'DecodeError', message });
  const short = Buffer.from(V4[0] as string, 'hex').subarray(0, 16 + 8);
  short.writeUInt32LE(24, 0);
  assert.throws(() => decodeBuilt(short), /fib_rule_hdr needs 12 bytes, got 8/);
  const overrun = Buffer.from(V4[0] as string, 'hex');
  overrun.writeUInt16LE(200, 28); // the first attribute claims more than the message has
  assert.throws(() => decodeBuilt(overrun), DecodeError);
  assert.equal(
    isIpRule(parseMessages(built(128, 1, () => {}))[0] as never),
    false,
    'an IPv4 multicast routing rule',
  );
  assert.equal(isIpRule(parseMessages(built(10, 1, () => {}))[0] as never), true);
  const route = built(2, 1, () => {}, RTM_NEWROUTE);
  assert.throws(() => decodeBuilt(route), /message type 24 is not a rule message/);
});

test('mutated rule messages decode or throw DecodeError, never anything else', () => {
  // The recorded replies and every golden rule request (the same layout), bit-flipped, truncated,
  // with attribute lengths and types replaced: 20,000 inputs, seeded.
  const corpus = [...V4, ...V6].map((h) => Buffer.from(h, 'hex'));
  for (const f of readdirSync(GOLDEN).filter((n) => n.startsWith('rule-'))) {
    corpus.push(Buffer.from(JSON.parse(readFileSync(join(GOLDEN, f), 'utf8')).hex, 'hex'));
  }
  const rng = new Rng(0x2a1e);
  const interesting = [0, 1, 3, 4, 5, 7, 8, 12, 16, 0xff, 0xffff];
  let decoded = 0;
  let rejected = 0;
  for (let i = 0; i < 20_000; i++) {
    const input = Buffer.from(corpus[rng.below(corpus.length)] as Buffer);
    for (let k = 1 + rng.below(4); k > 0; k--) {
      const at = 16 + rng.below(Math.max(1, input.length - 16));
      if (at >= input.length) continue;
      if (rng.below(2) === 0) input[at] = rng.next() & 0xff;
      else if (at + 1 < input.length)
        input.writeUInt16LE(interesting[rng.below(interesting.length)] as number, at);
    }
    const cut = rng.below(3) === 0 ? 16 + rng.below(input.length - 15) : input.length;
    const msg = { type: RTM_NEWRULE, flags: 0, seq: 0, pid: 0, payload: input.subarray(16, cut) };
    try {
      decodeRule(msg);
      decoded++;
    } catch (e) {
      if (!(e instanceof DecodeError))
        throw new Error(`${String(e)} on ${input.subarray(0, cut).toString('hex')}`);
      rejected++;
    }
  }
  assert.ok(decoded > 1000 && rejected > 1000, `decoded ${decoded}, rejected ${rejected}`);
});
