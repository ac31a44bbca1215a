// The fdb codec: encode -> decode gives back what was encoded (an fdb RTM_NEWNEIGH is both the
// request and what the kernel reports), states and flags are named as `bridge fdb show` names them,
// bad fields are refused before anything is written, and no byte string makes decodeFdb throw
// anything but a DecodeError.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  AF_INET,
  AttrWriter,
  canonicalIP,
  DecodeError,
  decodeFdb,
  encodeDelFdb,
  encodeFlushFdb,
  encodeGetFdb,
  encodeNewFdb,
  FDB_FLAGS,
  FDB_STATE_BITS,
  type FdbSpec,
  fdbFlagNames,
  fdbStateName,
  isFdbMessage,
  NDA_CACHEINFO,
  NDA_DST,
  NDA_FLAGS_EXT,
  NDA_LINK_NETNSID,
  NDA_MASTER,
  NDA_PORT,
  NDMSG_LEN,
  NTF_EXT_LOCKED,
  NUD_STALE,
  parseMac,
  RTM_DELNEIGH,
  RTM_NEWADDR,
  RTM_NEWNEIGH,
} from '../../src/codec/index.ts';
import { decodesOrThrowsDecodeError, ipv4, ipv6, mac, RUNS } from './arbitraries.ts';
import { one } from './fixtures.ts';

const vni = fc.integer({ min: 0, max: 0xffffff });
const spec: fc.Arbitrary<FdbSpec> = fc
  .record(
    {
      index: fc.integer({ min: 1, max: 0x7fffffff }),
      lladdr: mac.map(parseMac),
      state: fc.constantFrom(...Object.values(FDB_STATE_BITS)),
      flags: fc.integer({ min: 0, max: 0xff }),
      dst: fc.oneof(ipv4, ipv6),
      vlan: fc.integer({ min: 1, max: 4094 }),
      port: fc.integer({ min: 1, max: 0xffff }),
      vni,
      srcVni: vni,
      via: fc.integer({ min: 1, max: 0x7fffffff }),
    },
    { requiredKeys: ['index', 'lladdr'] },
  )
  .map((s) => s as FdbSpec);

test('encodeNewFdb -> decodeFdb gives back every field (property)', () => {
  fc.assert(
    fc.property(spec, fc.constantFrom('add', 'append', 'replace') as fc.Arbitrary<'add'>, (s, mode) => {
      const e = decodeFdb(one(encodeNewFdb(s, mode)));
      const state = s.state ?? FDB_STATE_BITS.permanent;
      const flags = s.flags ?? FDB_FLAGS.self;
      assert.deepEqual(e, {
        index: s.index,
        lladdr: [...s.lladdr].map((b) => b.toString(16).padStart(2, '0')).join(':'),
        dst: s.dst === undefined ? undefined : canonicalIP(s.dst),
        vlan: s.vlan,
        port: s.port,
        vni: s.vni,
        srcVni: s.srcVni,
        via: s.via,
        nhId: undefined,
        master: undefined,
        linkNetnsId: undefined,
        state: fdbStateName(state),
        stateBits: state,
        flags: fdbFlagNames(flags),
        flagBits: flags,
        extFlagBits: undefined,
        cacheInfo: undefined,
      });
    }),
    { numRuns: RUNS },
  );
});

test('a delete carries the add’s fields; the write modes set NLM_F_* as bridge fdb does', () => {
  const s: FdbSpec = { index: 4, lladdr: parseMac('00:00:00:00:00:00'), dst: '10.0.0.2' };
  const del = encodeDelFdb(s);
  assert.equal(del.readUInt16LE(4), RTM_DELNEIGH);
  assert.equal(del.readUInt16LE(6), 0x005, 'REQUEST | ACK');
  assert.deepEqual(del.subarray(16), encodeNewFdb(s).subarray(16));
  assert.equal(encodeNewFdb(s, 'add').readUInt16LE(6), 0x605, 'CREATE | EXCL');
  assert.equal(encodeNewFdb(s, 'append').readUInt16LE(6), 0xc05, 'CREATE | APPEND');
  assert.equal(encodeNewFdb(s, 'replace').readUInt16LE(6), 0x505, 'CREATE | REPLACE');
  assert.throws(() => encodeNewFdb(s, 'change' as never), TypeError);
});

test('states and flags are named as bridge fdb show names them', () => {
  assert.deepEqual([0x80, 0xc0, 0x40, 0x42, 0x02, NUD_STALE, 0x00, 0x20].map(fdbStateName), [
    'permanent',
    'permanent',
    'static',
    'static',
    'dynamic',
    'stale',
    undefined,
    undefined,
  ]);
  assert.deepEqual(fdbFlagNames(0xff, NTF_EXT_LOCKED), [
    'use',
    'self',
    'master',
    'extern_learn',
    'offload',
    'sticky',
    'router',
    'locked',
  ]);
});

test('bad fdb request fields are refused before anything is written', () => {
  const base: FdbSpec = { index: 3, lladdr: parseMac('02:00:00:00:00:01') };
  const bad: [Partial<FdbSpec>, ErrorConstructor][] = [
    [{ lladdr: new Uint8Array(5) }, TypeError],
    [{ index: 0 }, TypeError],
    [{ dst: '10.0.0' }, TypeError],
    [{ vlan: 0 }, RangeError],
    [{ vlan: 4095 }, RangeError],
    [{ port: 0x10000 }, RangeError],
    [{ vni: 0x1000000 }, RangeError],
    [{ srcVni: -1 }, RangeError],
    [{ nhId: 0 }, RangeError],
    [{ nhId: 7, vni: 5 }, TypeError],
    [{ state: 0x10000 }, RangeError],
    [{ flags: 256 }, RangeError],
    [{ via: 1.5 }, TypeError],
  ];
  for (const [b, type] of bad) assert.throws(() => encodeNewFdb({ ...base, ...b }), type, JSON.stringify(b));
});

function message(build: (w: AttrWriter) => void, family = 7, type = RTM_NEWNEIGH): Buffer {
  const w = new AttrWriter();
  w.begin(type, 0);
  const at = w.zeros(NDMSG_LEN);
  w.buf[at] = family;
  w.buf.writeInt32LE(3, at + 4);
  w.buf.writeUInt16LE(0x02, at + 8);
  build(w);
  return w.finish();
}

test('what only the kernel sends: master, link netns id, cache ages, locked', () => {
  const e = decodeFdb(
    one(
      message((w) => {
        w.bytes(2, parseMac('02:00:00:00:00:01'));
        w.u32(NDA_MASTER, 5);
        w.s32(NDA_LINK_NETNSID, -1);
        w.u32(NDA_FLAGS_EXT, NTF_EXT_LOCKED);
        const at = w.zeros(4 + 16);
        w.buf.writeUInt16LE(20, at);
        w.buf.writeUInt16LE(NDA_CACHEINFO, at + 2);
        w.buf.writeUInt32LE(150, at + 8);
        w.buf.writeUInt32LE(250, at + 12);
      }),
    ),
  );
  assert.deepEqual(
    [e.master, e.linkNetnsId, e.flags, e.cacheInfo, e.state],
    [5, -1, ['locked'], { used: 1.5, updated: 2.5 }, 'dynamic'],
  );
});

test('malformed fdb messages are DecodeErrors; isFdbMessage tells fdb entries from neighbours', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['an IPv4 neighbour', message((w) => w.ip(NDA_DST, '10.0.0.1'), AF_INET), /not AF_BRIDGE/],
    ['not a neighbour message', message(() => {}, 7, RTM_NEWADDR), /not a neighbour/],
    ['a 5-byte NDA_DST', message((w) => w.bytes(NDA_DST, new Uint8Array(5))), /NDA_DST of 5 bytes/],
    ['a 1-byte NDA_PORT', message((w) => w.bytes(NDA_PORT, new Uint8Array(1))), /NDA_PORT of 1 bytes/],
    [
      'a short NDA_CACHEINFO',
      message((w) => w.bytes(NDA_CACHEINFO, new Uint8Array(8))),
      /NDA_CACHEINFO of 8/,
    ],
  ];
  for (const [what, bytes, why] of cases) {
    assert.throws(
      () => decodeFdb(one(bytes)),
      (e: unknown) => e instanceof DecodeError && why.test(e.message),
      what,
    );
  }
  assert.equal(isFdbMessage(one(message(() => {}))), true);
  assert.equal(isFdbMessage(one(message(() => {}, AF_INET))), false);
});

test('decodeFdb throws only DecodeError on mutated and truncated entries (property)', () => {
  const seed = encodeNewFdb({
    index: 3,
    lladdr: parseMac('02:00:00:00:00:12'),
    dst: '2001:db8::2',
    vlan: 5,
    port: 4789,
    vni: 7,
    srcVni: 8,
    via: 2,
  });
  decodesOrThrowsDecodeError(seed, 16, decodeFdb);
});

test('encodeGetFdb needs a device or a bridge and a 6-byte MAC; the flags pick the table', () => {
  const lladdr = parseMac('02:00:00:00:00:01');
  assert.throws(() => encodeGetFdb({ lladdr }), TypeError);
  assert.throws(() => encodeGetFdb({ lladdr: new Uint8Array(4), index: 3 }), TypeError);
  assert.throws(() => encodeGetFdb({ lladdr, index: 3, vlan: 4095 }), RangeError);
  const b = encodeGetFdb({ lladdr, master: 5, flags: FDB_FLAGS.master });
  assert.deepEqual([b.readUInt16LE(4), b.readUInt16LE(6), b[16], b.readInt32LE(20), b[26]], [30, 1, 7, 0, 4]);
});

test('encodeFlushFdb: a bulk delete of the device, NTF_SELF by default, masks only when set', () => {
  const b = encodeFlushFdb({ index: 5 });
  assert.deepEqual(
    [b.length, b.readUInt16LE(4), b.readUInt16LE(6), b[16], b.readInt32LE(20), b[26]],
    [28, 29, 0x205, 7, 5, 2],
  );
  assert.throws(() => encodeFlushFdb({ index: 5, vlan: 0 }), RangeError);
  assert.throws(() => encodeFlushFdb({ index: 5, port: -1 }), TypeError);
  assert.throws(() => encodeFlushFdb({ index: 5, stateMask: 0x10000 }), RangeError);
});
