// The address sequence every contender adds and deletes, so all of them do the same kernel work.
// bench/c-limit.c and bench/peers/pyroute2_worker.py compute the same sequence; keep them in step.

export type Family = 4 | 6;

export const IPV4_PREFIX_LENGTH = 32;
export const IPV6_PREFIX_LENGTH = 128;

/** What a dump line starts with for addresses of this sequence (for counting them). */
export const SEQUENCE_MATCH: Record<Family, RegExp> = {
  4: /inet 100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
  6: /inet6 fd00:b:/,
};

/**
 * Address i (0-based): 100.64.0.0 + i + 1 for IPv4; fd00:b::N:0:1 with N = i + 1 in bits 32-63 for
 * IPv6. Every IPv6 address ends in 00:0001, so all share one solicited-node multicast group; with
 * distinct low bits each add joins a new group and the kernel's MLD work swamps the measurement.
 */
export function addressAt(family: Family, i: number): string {
  const n = i + 1;
  if (family === 4) {
    const v = 0x64400000 + n;
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  return `fd00:b:0:0:${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}:0:1`;
}

export function prefixLengthOf(family: Family): number {
  return family === 4 ? IPV4_PREFIX_LENGTH : IPV6_PREFIX_LENGTH;
}

/** The address as bytes (network order), for libraries that take buffers. */
export function addressBytes(family: Family, i: number): Buffer {
  const n = i + 1;
  if (family === 4) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(0x64400000 + n);
    return b;
  }
  const b = Buffer.alloc(16);
  b.writeUInt32BE(0xfd00000b, 0);
  b.writeUInt32BE(n, 8);
  b.writeUInt32BE(1, 12);
  return b;
}

export function parseFamily(text: string | undefined): Family {
  if (text === '4') return 4;
  if (text === '6') return 6;
  throw new Error(`family must be 4 or 6, got ${text}`);
}
