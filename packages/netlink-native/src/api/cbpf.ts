// Classic BPF as SO_ATTACH_FILTER takes it (linux/filter.h, linux/bpf_common.h): the instructions
// this library's kernel filters use, a small assembler that resolves forward labels, and the
// encoding as struct sock_filter[] in the host's byte order. The programs themselves live beside
// what they filter (probe-frames.ts, monitor-filter.ts).
import { endianness as hostEndianness } from 'node:os';

export type Endianness = 'LE' | 'BE';

/** One struct sock_filter: { u16 code; u8 jt; u8 jf; u32 k }. */
export type Insn = [code: number, jt: number, jf: number, k: number];

// Loads from the packet are big-endian whatever the host (BPF_LD | BPF_W/BPF_H | BPF_ABS/BPF_IND).
export const LD_W_ABS = 0x20; // A = u32 at k
export const LD_H_ABS = 0x28; // A = u16 at k
export const LD_B_ABS = 0x30; // A = u8 at k
export const LD_W_IND = 0x40; // A = u32 at X + k
export const LD_IMM = 0x00; // A = k
export const LDX_IMM = 0x01; // X = k
export const TAX = 0x07; // X = A
export const ALU_AND_K = 0x54; // A &= k
export const ALU_LSH_K = 0x64; // A <<= k
export const JA = 0x05; // pc += k
export const JEQ_K = 0x15; // pc += A == k ? jt : jf
export const RET_K = 0x06; // keep k bytes of the packet (0 drops it)

/** Ancillary load: A = the packet type, PACKET_HOST..PACKET_OUTGOING (SKF_AD_PKTTYPE). */
export const SKF_AD_PKTTYPE = (-0x1000 + 4) >>> 0;
/** Ancillary load: A = offset of the first attribute of type X at or after offset A, or 0 (SKF_AD_NLATTR). */
export const SKF_AD_NLATTR = (-0x1000 + 12) >>> 0;
/** The kernel refuses longer programs (BPF_MAXINSNS). */
export const MAX_INSNS = 4096;
/** A conditional jump skips at most this many instructions (jt and jf are u8). */
export const MAX_COND_JUMP = 255;

/** The program as struct sock_filter[] in the given byte order (the host's by default). */
export function encodeProgram(program: readonly Insn[], order: Endianness = hostEndianness()): Buffer {
  const out = Buffer.alloc(program.length * 8);
  const le = order === 'LE';
  program.forEach(([code, jt, jf, k], i) => {
    const at = i * 8;
    if (le) out.writeUInt16LE(code, at);
    else out.writeUInt16BE(code, at);
    out[at + 2] = jt;
    out[at + 3] = jf;
    if (le) out.writeUInt32LE(k >>> 0, at + 4);
    else out.writeUInt32BE(k >>> 0, at + 4);
  });
  return out;
}

/** struct sock_filter[] bytes back into instructions (tests read programs this way). */
export function decodeProgram(bytes: Buffer, order: Endianness = hostEndianness()): Insn[] {
  const le = order === 'LE';
  return Array.from({ length: bytes.length / 8 }, (_, i) => {
    const at = i * 8;
    return [
      le ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at),
      bytes[at + 2] as number,
      bytes[at + 3] as number,
      le ? bytes.readUInt32LE(at + 4) : bytes.readUInt32BE(at + 4),
    ];
  });
}

/** A jump target: a label defined later in the program, or 0 for the next instruction. */
export type Target = string | 0;
/** An instruction whose jumps may name labels, or a label for the instruction after it. */
export type Step = { label: string } | [code: number, jt: Target, jf: Target, k: number | string];

/**
 * Resolves labels into relative offsets. Every jump is forward (cBPF has no other kind); a
 * conditional one that would skip more than 255 instructions, an unknown or repeated label, or a
 * program longer than the kernel takes is a RangeError: the caller built something impossible.
 */
export function assemble(steps: readonly Step[]): Insn[] {
  const labels = new Map<string, number>();
  let count = 0;
  for (const step of steps) {
    if (!Array.isArray(step)) {
      if (labels.has(step.label)) throw new RangeError(`cBPF label ${step.label} defined twice`);
      labels.set(step.label, count);
    } else count++;
  }
  if (count === 0 || count > MAX_INSNS)
    throw new RangeError(`a cBPF program holds 1..${MAX_INSNS} instructions, got ${count}`);
  const out: Insn[] = [];
  const offset = (target: Target | number | string, at: number, max: number) => {
    if (typeof target === 'number') return target;
    const to = labels.get(target);
    if (to === undefined) throw new RangeError(`cBPF label ${target} is not defined`);
    const skip = to - at - 1;
    if (skip < 0 || skip > max)
      throw new RangeError(`cBPF jump from ${at} to ${target} (${to}) is out of reach`);
    return skip;
  };
  for (const step of steps) {
    if (!Array.isArray(step)) continue;
    const [code, jt, jf, k] = step;
    const at = out.length;
    if (code === JA) out.push([code, 0, 0, offset(k, at, 0xffffffff)]);
    else if (typeof k === 'string')
      throw new RangeError(`cBPF instruction ${at} (code ${code}) cannot take a label as k`);
    else out.push([code, offset(jt, at, MAX_COND_JUMP), offset(jf, at, MAX_COND_JUMP), k]);
  }
  return out;
}
