// Decoding any byte sequence yields objects or throws DecodeError: never RangeError, TypeError or
// a hang. FUZZ_RUNS sets the input count (default: a few seconds' worth for CI); FUZZ_SEED the
// PRNG seed. The long run is `npm run fuzz -- 10000000` (scripts/fuzz.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecodeError, parseMessages } from '../../src/codec/index.ts';
import { buildCorpus, fuzzOne, runFuzz } from './fuzz-engine.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 30_000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);

test('the corpus is valid netlink: every item frames cleanly', () => {
  const corpus = buildCorpus();
  assert.ok(corpus.length > 100);
  for (const c of corpus) assert.ok(parseMessages(c).length >= 1);
});

test('the fuzz harness lets DecodeError through and rethrows anything else', () => {
  // an nlmsg_len of 0 is a DecodeError from parseMessages, counted as a rejection
  assert.throws(() => parseMessages(Buffer.alloc(16)), DecodeError);
  assert.ok(fuzzOne(Buffer.alloc(16)) > 0);
  const broken = (m: { payload: Buffer }): number => m.payload.readUInt32LE(1000); // RangeError
  assert.throws(() => fuzzOne(Buffer.alloc(16), [broken]), RangeError);
});

test(`decoders only ever throw DecodeError (${RUNS} fuzzed inputs, seed ${SEED})`, () => {
  const r = runFuzz(RUNS, SEED);
  assert.equal(r.inputs, RUNS);
  assert.ok(r.rejections > 0, 'mutated inputs are rejected somewhere');
});
