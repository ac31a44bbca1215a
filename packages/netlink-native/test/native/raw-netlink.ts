// Hand-built netlink bytes for the addon's tests (the real codec lives in src/codec and has its
// own tests; these tests pin the transport only, so they depend on nothing above it).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ip } from '../../../../test/support/netns.ts';
import type { NativeSocket, NativeSocketControls, NativeSocketOptions } from '../../src/native/binding.ts';
import { native } from '../../src/native/load.ts';

export const RTM_NEWLINK = 16;
export const RTM_GETLINK = 18;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLM_F_REQUEST = 0x1;
export const NLM_F_ACK = 0x4;
export const NLM_F_DUMP = 0x300;
const IFLA_IFNAME = 3;

/** RTM_GETLINK: a dump of every link, or (index > 0) one link. */
export function getLink(seq: number, index = 0): Buffer {
  const msg = Buffer.alloc(32); // nlmsghdr (16) + ifinfomsg (16)
  msg.writeUInt32LE(32, 0);
  msg.writeUInt16LE(RTM_GETLINK, 4);
  msg.writeUInt16LE(index > 0 ? NLM_F_REQUEST : NLM_F_REQUEST | NLM_F_DUMP, 6);
  msg.writeUInt32LE(seq, 8);
  msg.writeInt32LE(index, 20);
  return msg;
}

/** RTM_NEWLINK on `index` changing nothing, with NLM_F_ACK: answered by one 36-byte ACK. */
export function touchLink(seq: number, index: number): Buffer {
  const msg = Buffer.alloc(32);
  msg.writeUInt32LE(32, 0);
  msg.writeUInt16LE(RTM_NEWLINK, 4);
  msg.writeUInt16LE(NLM_F_REQUEST | NLM_F_ACK, 6);
  msg.writeUInt32LE(seq, 8);
  msg.writeInt32LE(index, 20);
  return msg;
}

/** The errno of an NLMSG_ERROR message (0 for an ACK). */
export function errnoOf(msg: RawMessage): number {
  return -msg.body.readInt32LE(0) | 0; // | 0: an ACK is 0, not -0
}

/** Gives `dev` 495 altnames of 127 bytes (the most the kernel takes): its RTM_NEWLINK exceeds 64 KiB. */
export function addLongAltnames(ns: string, dev: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'plbt-altnames-'));
  try {
    const lines = Array.from(
      { length: 495 },
      (_, i) => `link property add dev ${dev} altname ${longAltname(i)}`,
    );
    writeFileSync(join(dir, 'batch'), `${lines.join('\n')}\n`);
    ip(ns, '-batch', join(dir, 'batch'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The i-th altname addLongAltnames gives. */
export function longAltname(i: number): string {
  return `a${String(i).padStart(126, '0')}`;
}

export interface RawMessage {
  type: number;
  flags: number;
  seq: number;
  length: number;
  body: Buffer;
}

/** Splits a delivered chunk into messages, checking every length (a bad one fails the test). */
export function splitMessages(chunk: Buffer): RawMessage[] {
  const out: RawMessage[] = [];
  let off = 0;
  while (off < chunk.length) {
    const length = chunk.readUInt32LE(off);
    if (length < 16 || off + length > chunk.length) {
      throw new Error(`bad nlmsg_len ${length} at ${off} of ${chunk.length}`);
    }
    out.push({
      type: chunk.readUInt16LE(off + 4),
      flags: chunk.readUInt16LE(off + 6),
      seq: chunk.readUInt32LE(off + 8),
      length,
      body: chunk.subarray(off + 16, off + length),
    });
    off += (length + 3) & ~3;
  }
  return out;
}

/** The IFLA_IFNAME of an RTM_NEWLINK message. */
export function linkName(msg: RawMessage): string | undefined {
  let off = 16; // after ifinfomsg
  while (off + 4 <= msg.body.length) {
    const len = msg.body.readUInt16LE(off);
    const type = msg.body.readUInt16LE(off + 2) & 0x3fff;
    if (len < 4) return undefined;
    if (type === IFLA_IFNAME) return msg.body.toString('utf8', off + 4, off + len).replace(/\0+$/, '');
    off += (len + 3) & ~3;
  }
  return undefined;
}

export type TestSocket = NativeSocket & NativeSocketControls;

export interface Collector {
  socket: TestSocket;
  messages: RawMessage[];
  chunks: number[];
  errors: { errno: number; code: string; token: number; cause?: unknown }[];
  /** Resolves once `predicate` holds (checked after every delivery), or rejects after `ms`. */
  until(predicate: () => boolean, ms?: number): Promise<void>;
}

/** Opens a socket that records everything it is given. */
export function openCollector(options: Partial<NativeSocketOptions> = {}): Collector {
  const messages: RawMessage[] = [];
  const chunks: number[] = [];
  const errors: Collector['errors'] = [];
  const waiters = new Set<() => void>();
  const poke = () => {
    for (const w of waiters) w();
  };
  const socket = new native.NetlinkSocket({
    protocol: 0,
    rcvbuf: 1 << 20,
    sndbuf: 1 << 15,
    groups: [],
    ...options,
    onData: (chunk) => {
      chunks.push(chunk.length);
      messages.push(...splitMessages(chunk));
      poke();
    },
    onError: (errno, code, token, cause) => {
      errors.push({ errno, code, token, cause });
      poke();
    },
  });
  const until = (predicate: () => boolean, ms = 10_000) =>
    new Promise<void>((resolve, reject) => {
      if (predicate()) return resolve();
      const check = () => {
        if (!predicate()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${ms} ms (${messages.length} messages, ${errors.length} errors)`));
      }, ms);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
    });
  return { socket, messages, chunks, errors, until };
}

/** Dumps the links visible to the socket's namespace and returns their names. */
export async function dumpLinkNames(c: Collector, seq: number): Promise<string[]> {
  const start = c.messages.length;
  c.socket.send(getLink(seq), seq);
  await c.until(() => c.messages.slice(start).some((m) => m.seq === seq && m.type === NLMSG_DONE));
  return c.messages
    .slice(start)
    .filter((m) => m.seq === seq && m.type === RTM_NEWLINK)
    .map((m) => linkName(m) ?? '?');
}
