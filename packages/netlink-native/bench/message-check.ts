// Checks that every contender sends the same address requests, from the bytes themselves: the
// contender runs one add and one delete per family under `strace -e write=all`, and the hex dumps
// of its sendto/sendmsg buffers are decoded here (nlmsghdr, ifaddrmsg, attribute types).
import { readFileSync } from 'node:fs';

const RTM_NEWADDR = 20;
const RTM_DELADDR = 21;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLM_F_EXCL = 0x200;
const NLM_F_CREATE = 0x400;
const IFA_F_NODAD = 0x2;
const IFA_FLAGS = 8;
const ATTR_NAMES: Record<number, string> = {
  1: 'ADDRESS',
  2: 'LOCAL',
  3: 'LABEL',
  4: 'BROADCAST',
  6: 'CACHEINFO',
  8: 'FLAGS',
  9: 'RT_PRIORITY',
  11: 'PROTO',
};

export interface SeenRequest {
  type: 'add' | 'del';
  family: 4 | 6;
  nlmsgFlags: number;
  ifaFlags: number;
  prefixLength: number;
  /** Attribute names in the order sent. */
  attrs: string[];
  /** IFA_FLAGS value when present. */
  attrFlags?: number;
}

/**
 * Buffers dumped by strace (`| 00000  48 00 ...` lines). A dump restarts at offset 0 for each
 * syscall and for each iovec of a sendmsg (announced by `* N bytes in buffer K`); the iovecs of one
 * sendmsg are joined, since a library may split one message across them.
 */
export function dumpedBuffers(straceOutput: string): Buffer[] {
  const buffers: number[][] = [];
  let continuing = false;
  for (const line of straceOutput.split('\n')) {
    const iov = /\* \d+ bytes in buffer (\d+)/.exec(line);
    if (iov) {
      continuing = iov[1] !== '0';
      continue;
    }
    const m = /\|\s+([0-9a-f]{5})\s+((?:[0-9a-f]{2}\s{1,2}){1,16})/.exec(line);
    if (!m) continue;
    const bytes = m[2]!
      .trim()
      .split(/\s+/)
      .map((h) => Number.parseInt(h, 16));
    if ((m[1] === '00000' && !continuing) || buffers.length === 0) buffers.push([]);
    if (m[1] === '00000') continuing = false;
    buffers.at(-1)!.push(...bytes);
  }
  return buffers.map((b) => Buffer.from(b));
}

/** Every RTM_NEWADDR / RTM_DELADDR in the buffers. */
export function addressRequests(buffers: Buffer[]): SeenRequest[] {
  const seen: SeenRequest[] = [];
  for (const buf of buffers) {
    for (let off = 0; off + 16 <= buf.length; ) {
      const len = buf.readUInt32LE(off);
      const type = buf.readUInt16LE(off + 4);
      if (len < 16 || off + len > buf.length) break;
      if ((type === RTM_NEWADDR || type === RTM_DELADDR) && len >= 24) {
        const req: SeenRequest = {
          type: type === RTM_NEWADDR ? 'add' : 'del',
          family: buf[off + 16] === 10 ? 6 : 4,
          nlmsgFlags: buf.readUInt16LE(off + 6),
          prefixLength: buf[off + 17]!,
          ifaFlags: buf[off + 18]!,
          attrs: [],
        };
        for (let a = off + 24; a + 4 <= off + len; ) {
          const alen = buf.readUInt16LE(a);
          const atype = buf.readUInt16LE(a + 2) & 0x3fff;
          if (alen < 4) break;
          req.attrs.push(ATTR_NAMES[atype] ?? `#${atype}`);
          if (atype === IFA_FLAGS && alen >= 8) req.attrFlags = buf.readUInt32LE(a + 4);
          a += (alen + 3) & ~3;
        }
        seen.push(req);
      }
      off += (len + 3) & ~3;
    }
  }
  return seen;
}

/** What differs from the reference request, or [] when it is equivalent. */
export function deviations(r: SeenRequest): string[] {
  const out: string[] = [];
  const want =
    r.type === 'add' ? NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL : NLM_F_REQUEST | NLM_F_ACK;
  if (r.nlmsgFlags !== want) out.push(`flags 0x${r.nlmsgFlags.toString(16)} (want 0x${want.toString(16)})`);
  if (r.prefixLength !== (r.family === 4 ? 32 : 128)) out.push(`prefix /${r.prefixLength}`);
  const attrs = new Set(r.attrs);
  if (!attrs.has('LOCAL') || !attrs.has('ADDRESS')) out.push('missing IFA_LOCAL or IFA_ADDRESS');
  const extra = r.attrs.filter((a) => a !== 'LOCAL' && a !== 'ADDRESS' && a !== 'FLAGS');
  if (extra.length) out.push(`extra ${extra.join(',')}`);
  const nodad = (r.ifaFlags & IFA_F_NODAD) !== 0 || ((r.attrFlags ?? 0) & IFA_F_NODAD) !== 0;
  if (r.type === 'add' && r.family === 6 && !nodad) out.push('IPv6 add without NODAD');
  return out;
}

/** One line describing how a request is encoded, for the report. */
export function describe(r: SeenRequest): string {
  const flags =
    r.attrFlags === undefined
      ? `ifa_flags=0x${r.ifaFlags.toString(16)}`
      : `ifa_flags=0x${r.ifaFlags.toString(16)}+IFA_FLAGS=0x${r.attrFlags.toString(16)}`;
  return `${r.type}${r.family} nlmsg_flags=0x${r.nlmsgFlags.toString(16)} ${flags} attrs=${r.attrs.join('+')}`;
}

export function requestsInStraceFile(path: string): SeenRequest[] {
  return addressRequests(dumpedBuffers(readFileSync(path, 'utf8')));
}
