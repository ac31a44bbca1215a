// The rule sequence every contender of the rules phase adds and deletes (bench/rules.ts), so all of
// them do the same kernel work. bench/peers/pyroute2_worker.py computes the same; keep them in step.

/** The table every rule of the sequence looks up. */
export const RULE_TABLE = 100;
/** Rule i has priority RULE_PRIORITY_BASE + i: above 0 (local) and below 32766 (main). */
export const RULE_PRIORITY_BASE = 10000;
/** The source prefix length of every rule of the sequence. */
export const RULE_SOURCE_LENGTH = 24;

/** Rule i (0-based): `pref 10000+i from 10.<i / 256>.<i % 256>.0/24 table 100`, i below 65,536. */
export function ruleAt(i: number): { priority: number; source: string } {
  if (!Number.isInteger(i) || i < 0 || i >= 65536) throw new RangeError(`rule ${i} is outside the sequence`);
  return { priority: RULE_PRIORITY_BASE + i, source: `10.${i >>> 8}.${i & 255}.0` };
}

/** The source prefix of rule i as bytes (network order), for libraries that take buffers. */
export function ruleSourceBytes(i: number): Buffer {
  return Buffer.from([10, i >>> 8, i & 255, 0]);
}
