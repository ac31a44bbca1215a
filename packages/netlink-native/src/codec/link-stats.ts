// IFLA_STATS64: struct rtnl_link_stats64, 24 u64 counters (a 25th, rx_otherhost_dropped, since
// Linux 5.19; later kernels may append more, which are ignored). Counters are bigints, as every
// u64 the codec decodes.

import type { LinkStats } from '../types.ts';
import { RTNL_LINK_STATS64_LEN } from './constants.ts';
import { DecodeError } from './decode-error.ts';

/**
 * A u64 as a bigint, cheaply for the common values: most counters are 0 (a shared literal) or
 * below 2^53 (one BigInt from a number instead of a 64-bit read).
 */
function u64(p: Buffer, at: number): bigint {
  const lo = p.readUInt32LE(at);
  const hi = p.readUInt32LE(at + 4);
  if (hi === 0) return lo === 0 ? 0n : BigInt(lo);
  if (hi < 0x200000) return BigInt(hi * 0x1_0000_0000 + lo);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Decodes the IFLA_STATS64 payload at p[d, d + dl). */
export function decodeLinkStats(p: Buffer, d: number, dl: number): LinkStats {
  if (dl < RTNL_LINK_STATS64_LEN) throw new DecodeError(`IFLA_STATS64 of ${dl} bytes, need 192`, d);
  const u = (i: number): bigint => u64(p, d + i * 8);
  return {
    rxPackets: u(0),
    txPackets: u(1),
    rxBytes: u(2),
    txBytes: u(3),
    rxErrors: u(4),
    txErrors: u(5),
    rxDropped: u(6),
    txDropped: u(7),
    multicast: u(8),
    collisions: u(9),
    rxLengthErrors: u(10),
    rxOverErrors: u(11),
    rxCrcErrors: u(12),
    rxFrameErrors: u(13),
    rxFifoErrors: u(14),
    rxMissedErrors: u(15),
    txAbortedErrors: u(16),
    txCarrierErrors: u(17),
    txFifoErrors: u(18),
    txHeartbeatErrors: u(19),
    txWindowErrors: u(20),
    rxCompressed: u(21),
    txCompressed: u(22),
    rxNohandler: u(23),
    rxOtherhostDropped: dl >= RTNL_LINK_STATS64_LEN + 8 ? u(24) : undefined,
  };
}
