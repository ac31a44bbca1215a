// Loads the recorded kernel replies in test/fixtures/replies (see scripts/record-replies.ts) and
// the golden requests in test/fixtures/golden (scripts/record-golden.ts), and reads back the single
// message an encoder wrote.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeLinkPayload, type NetlinkMessage, parseMessages } from '../../src/codec/index.ts';

export interface RecordedStep {
  request: string;
  hex: string;
  replies: string[];
  interleaved?: RecordedStep[];
}

export interface RecordedScenario {
  description: string;
  setup: string[];
  ifindex: Record<string, number>;
  steps: RecordedStep[];
  ipJson: Record<string, unknown>;
}

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'replies');

export function loadScenario(name: string): RecordedScenario {
  return JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as RecordedScenario;
}

/** Every message of every datagram of a step, in order. */
export function stepMessages(step: RecordedStep): NetlinkMessage[] {
  return step.replies.flatMap((h) => parseMessages(Buffer.from(h, 'hex')));
}

/** The step whose request description starts with `prefix`. */
export function findStep(sc: RecordedScenario, prefix: string): RecordedStep {
  const s = sc.steps.find((x) => x.request.startsWith(prefix));
  if (!s) throw new Error(`no recorded step ${prefix}`);
  return s;
}

export function allReplyHex(): string[] {
  const names = [
    'seed-node',
    'ipv6-lifetimes',
    'multipath-route',
    'eexist-error',
    'dummy-eopnotsupp',
    'dump-intr',
    'nexthops',
    'neighbours',
  ];
  const out: string[] = [];
  for (const n of names) {
    const visit = (s: RecordedStep): void => {
      out.push(...s.replies);
      s.interleaved?.forEach(visit);
    };
    loadScenario(n).steps.forEach(visit);
  }
  return out;
}

/** The one message in `b` (an encoder's output), asserting there is exactly one. */
export function one(b: Buffer): NetlinkMessage {
  const msgs = parseMessages(b);
  assert.equal(msgs.length, 1);
  return msgs[0] as NetlinkMessage;
}

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'golden');

/** The golden request `name` (iproute2's bytes) decoded as a link message (RTM_NEWLINK / RTM_SETLINK). */
export function goldenLink(name: string): ReturnType<typeof decodeLinkPayload> {
  const g = JSON.parse(readFileSync(join(GOLDEN_DIR, `${name}.json`), 'utf8')) as { hex: string };
  const [msg] = parseMessages(Buffer.from(g.hex, 'hex'));
  assert.ok(msg);
  return decodeLinkPayload(msg.payload);
}
