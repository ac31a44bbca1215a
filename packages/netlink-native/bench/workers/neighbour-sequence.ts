// The neighbour sequence every contender of the neighbours phase adds and deletes
// (bench/neighbours.ts), so all of them do the same kernel work. bench/peers/pyroute2_worker.py
// computes the same; keep them in step.

/** NUD_PERMANENT: the state of every entry of the sequence (`ip neigh add`'s default). */
export const NEIGHBOUR_STATE_PERMANENT = 0x80;

/** Entry i (0-based): `10.200.<i / 256>.<i % 256> lladdr 02:00:00:00:<i / 256>:<i % 256>`, i below 65,536. */
export function neighbourAt(i: number): { address: string; lladdr: string } {
  if (!Number.isInteger(i) || i < 0 || i >= 65536)
    throw new RangeError(`neighbour ${i} is outside the sequence`);
  const hi = i >>> 8;
  const lo = i & 255;
  const hex = (b: number) => b.toString(16).padStart(2, '0');
  return { address: `10.200.${hi}.${lo}`, lladdr: `02:00:00:00:${hex(hi)}:${hex(lo)}` };
}

/** Entry i's address and lladdr as bytes, for libraries that take buffers. */
export function neighbourBytes(i: number): { address: Buffer; lladdr: Buffer } {
  const hi = i >>> 8;
  const lo = i & 255;
  return { address: Buffer.from([10, 200, hi, lo]), lladdr: Buffer.from([2, 0, 0, 0, hi, lo]) };
}
