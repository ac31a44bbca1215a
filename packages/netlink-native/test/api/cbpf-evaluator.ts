// A small classic-BPF evaluator for tests: runs a program over one packet the way the kernel's
// socket filter does (linux/filter.h semantics), so a program can be checked against hand-built
// and recorded messages without a kernel. Written from the instruction set, not from the
// builders it checks: word and half-word packet loads are big-endian, a load past the end of the
// packet ends the program with 0 (drop), jumps only go forward, and SKF_AD_NLATTR searches the
// netlink attributes from offset A for type X (their headers in the packet's own byte order);
// SKF_AD_PKTTYPE loads the packet type the caller names.

import type { Endianness, Insn } from '../../src/api/cbpf.ts';

const SKF_AD_OFF = -0x1000;
const SKF_AD_NLATTR = 12;
const SKF_AD_PKTTYPE = 4;

class OutOfBounds extends Error {}

function load(packet: Uint8Array, offset: number, size: 1 | 2 | 4): number {
  if (offset < 0 || offset + size > packet.length) throw new OutOfBounds();
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + (packet[offset + i] as number);
  return v;
}

/** The kernel's nla_find from `start`: the offset of the first attribute of `type`, or 0. */
function findAttribute(packet: Uint8Array, order: Endianness, start: number, type: number): number {
  if (packet.length < 4 || start > packet.length - 4) return 0;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const le = order === 'LE';
  let off = start;
  let remaining = packet.length - start;
  while (remaining >= 4) {
    const len = view.getUint16(off, le);
    if (len < 4 || len > remaining) return 0;
    if ((view.getUint16(off + 2, le) & 0x3fff) === type) return off;
    const step = (len + 3) & ~3;
    off += step;
    remaining -= step;
  }
  return 0;
}

function loadAbsolute(
  packet: Uint8Array,
  order: Endianness,
  k: number,
  size: 1 | 2 | 4,
  x: number,
  pktType: number,
) {
  const signed = k | 0;
  if (signed < 0) {
    if (signed - SKF_AD_OFF === SKF_AD_NLATTR) return (a: number) => findAttribute(packet, order, a, x);
    if (signed - SKF_AD_OFF === SKF_AD_PKTTYPE) return () => pktType;
    throw new Error(`ancillary load ${signed - SKF_AD_OFF} is not modelled`);
  }
  const v = load(packet, k, size);
  return () => v;
}

const SIZES: Record<number, 1 | 2 | 4> = { 0: 4, 8: 2, 16: 1 };

function alu(op: number, a: number, operand: number): number {
  switch (op) {
    case 0x00:
      return (a + operand) >>> 0;
    case 0x10:
      return (a - operand) >>> 0;
    case 0x40:
      return (a | operand) >>> 0;
    case 0x50:
      return (a & operand) >>> 0;
    case 0x60:
      return operand >= 32 ? 0 : (a << operand) >>> 0;
    case 0x70:
      return operand >= 32 ? 0 : a >>> operand;
    default:
      throw new Error(`ALU op ${op.toString(16)} is not modelled`);
  }
}

function jump(op: number, a: number, operand: number): boolean {
  switch (op) {
    case 0x10:
      return a === operand;
    case 0x20:
      return a > operand;
    case 0x30:
      return a >= operand;
    case 0x40:
      return (a & operand) !== 0;
    default:
      throw new Error(`jump op ${op.toString(16)} is not modelled`);
  }
}

/**
 * Runs `program` over `packet`: the number of bytes the kernel would keep (0: dropped).
 * `pktType` is what SKF_AD_PKTTYPE loads (a packet socket's PACKET_HOST..PACKET_OUTGOING).
 */
export function runFilter(
  program: readonly Insn[],
  packet: Uint8Array,
  order: Endianness,
  pktType = 0,
): number {
  let a = 0;
  let x = 0;
  const mem = new Uint32Array(16);
  try {
    for (let pc = 0; pc < program.length; pc++) {
      const [code, jt, jf, k] = program[pc] as Insn;
      const cls = code & 0x07;
      if (cls === 0x00 || cls === 0x01) {
        const mode = code & 0xe0;
        let v: number;
        if (mode === 0x00) v = k >>> 0;
        else if (mode === 0x20 && cls === 0x00)
          v = loadAbsolute(packet, order, k, SIZES[code & 0x18] as 1, x, pktType)(a);
        else if (mode === 0x40 && cls === 0x00) v = load(packet, (x + k) >>> 0, SIZES[code & 0x18] as 1);
        else if (mode === 0x60) v = mem[k] as number;
        else if (mode === 0x80) v = packet.length;
        else throw new Error(`load ${code.toString(16)} is not modelled`);
        if (cls === 0x00) a = v >>> 0;
        else x = v >>> 0;
      } else if (cls === 0x02) mem[k] = a;
      else if (cls === 0x03) mem[k] = x;
      else if (cls === 0x04) a = alu(code & 0xf0, a, code & 0x08 ? x : k >>> 0);
      else if (cls === 0x05) {
        if ((code & 0xf0) === 0x00) pc += k;
        else pc += jump(code & 0xf0, a, code & 0x08 ? x : k >>> 0) ? jt : jf;
      } else if (cls === 0x06) return (code & 0x18) === 0x10 ? a : k >>> 0;
      else if (code === 0x07) x = a;
      else if (code === 0x87) a = x;
      else throw new Error(`instruction ${code.toString(16)} is not modelled`);
    }
  } catch (err) {
    if (err instanceof OutOfBounds) return 0;
    throw err;
  }
  throw new Error('the program ran off its end without a return');
}
