// RTM_NEWNEXTHOPBUCKET decoding: a bucket message laid out as the kernel sends it (nhmsg, NHA_ID,
// NHA_RES_BUCKET { INDEX u16, IDLE_TIME u64 clock_t, NH_ID u32 }) becomes a NexthopBucket with the
// idle time in seconds; a message missing what identifies the bucket is a DecodeError.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AttrWriter,
  DecodeError,
  decodeNexthopBucket,
  NHA_ID,
  NHA_RES_BUCKET,
  NHA_RES_BUCKET_IDLE_TIME,
  NHA_RES_BUCKET_INDEX,
  NHA_RES_BUCKET_NH_ID,
  NLA_F_NESTED,
  parseMessages,
  RTM_NEWNEXTHOP,
  RTM_NEWNEXTHOPBUCKET,
  RTNH_F_TRAP,
} from '../../src/codec/index.ts';

function bucketMessage(parts: { id?: number; index?: number; idle?: bigint; nhId?: number; type?: number }) {
  const w = new AttrWriter();
  w.begin(parts.type ?? RTM_NEWNEXTHOPBUCKET, 0);
  const at = w.zeros(8);
  w.buf.writeUInt32LE(RTNH_F_TRAP, at + 4);
  if (parts.id !== undefined) w.u32(NHA_ID, parts.id);
  const nest = w.nestStart(NHA_RES_BUCKET | NLA_F_NESTED);
  if (parts.index !== undefined) w.u16(NHA_RES_BUCKET_INDEX, parts.index);
  if (parts.idle !== undefined) w.u64(NHA_RES_BUCKET_IDLE_TIME, parts.idle);
  if (parts.nhId !== undefined) w.u32(NHA_RES_BUCKET_NH_ID, parts.nhId);
  w.nestEnd(nest);
  const [msg] = parseMessages(w.finish());
  assert.ok(msg);
  return msg;
}

test('a bucket message decodes to group, index, member, idle seconds and flags', () => {
  assert.deepEqual(decodeNexthopBucket(bucketMessage({ id: 40, index: 3, idle: 1250n, nhId: 11 })), {
    groupId: 40,
    index: 3,
    nhId: 11,
    idleTime: 12.5,
    flags: RTNH_F_TRAP,
  });
  assert.equal(decodeNexthopBucket(bucketMessage({ id: 40, index: 0, nhId: 10 })).index, 0, 'index 0 counts');
});

test('a bucket message without its group, index or member, or of another type, is a DecodeError', () => {
  for (const parts of [
    { index: 1, nhId: 2 },
    { id: 40, nhId: 2 },
    { id: 40, index: 1 },
  ]) {
    assert.throws(() => decodeNexthopBucket(bucketMessage(parts)), DecodeError, JSON.stringify(parts));
  }
  assert.throws(
    () => decodeNexthopBucket(bucketMessage({ id: 40, index: 1, nhId: 2, type: RTM_NEWNEXTHOP })),
    /not a nexthop bucket message/,
  );
});
