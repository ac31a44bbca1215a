// nlmsghdr framing and NLMSG_ERROR / NLMSG_DONE edge cases, built by hand from the uapi layouts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DecodeError,
  decodeDone,
  decodeError,
  encodeDone,
  encodeError,
  encodeGetLink,
  encodeMessage,
  encodeNewAddress,
  getSequence,
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  NLM_F_DUMP_INTR,
  NLM_F_MULTI,
  NLMSG_DONE,
  NLMSG_ERROR,
  parseMessages,
  payloadFamily,
  RTM_NEWADDR,
  setPortId,
  setSequence,
} from '../../src/codec/index.ts';

const decodeErrorAt = (fn: () => unknown, offset: number): void => {
  assert.throws(fn, (e: unknown) => e instanceof DecodeError && e.offset === offset);
};

test('parseMessages splits concatenated messages and keeps header fields', () => {
  const a = encodeMessage(RTM_NEWADDR, NLM_F_MULTI | NLM_F_DUMP_INTR, Buffer.from([1, 2, 3, 4, 5]));
  setSequence(a, 0xdeadbeef);
  setPortId(a, 4242);
  const b = encodeMessage(NLMSG_DONE, NLM_F_MULTI, Buffer.alloc(4));
  const msgs = parseMessages(Buffer.concat([a, b]));
  assert.equal(msgs.length, 2);
  assert.deepEqual(
    { ...msgs[0], payload: [...(msgs[0]?.payload ?? [])] },
    {
      type: RTM_NEWADDR,
      flags: NLM_F_MULTI | NLM_F_DUMP_INTR,
      seq: 0xdeadbeef,
      pid: 4242,
      payload: [1, 2, 3, 4, 5],
    },
  );
  assert.equal(getSequence(a), 0xdeadbeef);
  assert.equal(msgs[1]?.type, NLMSG_DONE);
});

test('a final message without its alignment padding is accepted', () => {
  const m = encodeMessage(RTM_NEWADDR, 0, Buffer.from([9]));
  assert.equal(m.length, 20);
  assert.equal(parseMessages(m.subarray(0, 17)).length, 1);
});

test('bad framing is a DecodeError naming the offset', () => {
  const ok = encodeMessage(RTM_NEWADDR, 0, Buffer.alloc(4));
  const short = Buffer.from(ok);
  short.writeUInt32LE(8, 0);
  decodeErrorAt(() => parseMessages(short), 0);
  const long = Buffer.from(ok);
  long.writeUInt32LE(64, 0);
  decodeErrorAt(() => parseMessages(long), 0);
  decodeErrorAt(() => parseMessages(Buffer.concat([ok, Buffer.alloc(8)])), 20);
  assert.deepEqual(parseMessages(Buffer.alloc(0)), []);
});

test('NLMSG_ERROR: capped errors echo only the header; TLVs follow it', () => {
  const req = encodeNewAddress({ index: 7, address: '10.0.0.1', prefixLength: 24 });
  setSequence(req, 99);
  const [msg] = parseMessages(
    encodeError({ errno: 17, request: req, capped: true, extAck: { message: 'exists', offset: 24 } }),
  );
  assert.ok(msg);
  assert.equal(msg.type, NLMSG_ERROR);
  assert.equal(msg.flags, NLM_F_CAPPED | NLM_F_ACK_TLVS);
  assert.equal(msg.payload.length, 20 + 12 + 8);
  const e = decodeError(msg);
  assert.equal(e.errno, 17);
  assert.equal(e.request.seq, 99);
  assert.equal(e.request.length, req.length);
  assert.equal(e.requestPayload, undefined);
  assert.deepEqual(e.extAck, { message: 'exists', offset: 24 });
});

test('an ACK is NLMSG_ERROR with error 0', () => {
  const [msg] = parseMessages(encodeError({ errno: 0, request: encodeGetLink({ name: 'lo' }) }));
  assert.ok(msg);
  assert.deepEqual(decodeError(msg).errno, 0);
  assert.equal(decodeError(msg).extAck, undefined);
});

test('malformed NLMSG_ERROR payloads are DecodeErrors', () => {
  const req = encodeGetLink({ name: 'lo' });
  const good = encodeError({ errno: 19, request: req });
  const [m] = parseMessages(good);
  assert.ok(m);
  // too short for errno + header
  decodeErrorAt(() => decodeError({ ...m, payload: m.payload.subarray(0, 19) }), 0);
  // a positive "errno" is not something the kernel sends
  const pos = Buffer.from(m.payload);
  pos.writeInt32LE(5, 0);
  decodeErrorAt(() => decodeError({ ...m, payload: pos }), 0);
  // not capped, but the echoed request claims more bytes than are there
  const lying = Buffer.from(m.payload);
  lying.writeUInt32LE(4000, 4);
  decodeErrorAt(() => decodeError({ ...m, payload: lying }), 4);
  // an ext-ack TLV running past the end
  const tl = parseMessages(
    encodeError({ errno: 1, request: req, capped: true, extAck: { message: 'x' } }),
  )[0];
  assert.ok(tl);
  const cut = Buffer.from(tl.payload);
  cut.writeUInt16LE(200, 20);
  decodeErrorAt(() => decodeError({ ...tl, payload: cut }), 20);
  // wrong message type
  decodeErrorAt(() => decodeError({ ...m, type: NLMSG_DONE }), 0);
});

test('NLMSG_DONE carries an int errno, possibly with ext-ack', () => {
  const [plain] = parseMessages(encodeDone());
  assert.ok(plain);
  assert.deepEqual(decodeDone(plain), { errno: 0, extAck: undefined });
  const [failed] = parseMessages(
    encodeDone({ errno: 4, extAck: { message: 'Dump interrupted', missingType: 3 } }),
  );
  assert.ok(failed);
  assert.equal(failed.flags, NLM_F_MULTI | NLM_F_ACK_TLVS);
  assert.deepEqual(decodeDone(failed), { errno: 4, extAck: { message: 'Dump interrupted', missingType: 3 } });
  // old kernels: an empty DONE
  assert.deepEqual(decodeDone({ type: NLMSG_DONE, flags: 0, seq: 0, pid: 0, payload: Buffer.alloc(0) }), {
    errno: 0,
    extAck: undefined,
  });
  decodeErrorAt(
    () => decodeDone({ type: NLMSG_DONE, flags: 0, seq: 0, pid: 0, payload: Buffer.alloc(2) }),
    0,
  );
});

test('payloadFamily reads the family byte so AF_UNSPEC dumps can skip non-IP routes', () => {
  const [route] = parseMessages(encodeNewAddress({ index: 1, address: '::1', prefixLength: 128 }));
  assert.ok(route);
  assert.equal(payloadFamily(route), 10);
  assert.equal(payloadFamily({ ...route, payload: Buffer.alloc(0) }), -1);
});
