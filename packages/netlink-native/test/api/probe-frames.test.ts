// Golden bytes for the probe frames, written out by hand from RFC 5227 / RFC 4861 / RFC 4862 (the
// NS checksum computed separately with Python's own arithmetic), for the seed node's enp1s0 MAC;
// and the kernel filter program, instruction by instruction.
import assert from 'node:assert/strict';
import { endianness } from 'node:os';
import { test } from 'node:test';
import { PROBE_SNAP_LENGTH, probeFilter, solicitedNode } from '../../src/api/probe-frames.ts';
import { arpProbe, dadSolicitation } from '../../src/index.ts';

const MAC = '52:54:00:76:05:b6';
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('ARP probe: broadcast request, sender IP 0.0.0.0, target MAC zero, target IP the address, padded to 60', () => {
  const frame = arpProbe(MAC, '172.30.250.56');
  const golden = hex(`
    ffffffffffff 5254007605b6 0806
    0001 0800 06 04 0001
    5254007605b6 00000000
    000000000000 ac1efa38
    ${'00'.repeat(18)}`);
  assert.equal(frame.toString('hex'), golden.toString('hex'));
});

test('DAD solicitation: :: to the solicited-node group (33:33:ff:..), hop limit 255, no options, checksum', () => {
  const frame = dadSolicitation(MAC, '2001:db8:1::56');
  const golden = hex(`
    3333ff000056 5254007605b6 86dd
    60000000 0018 3a ff
    00000000000000000000000000000000
    ff0200000000000000000001ff000056
    87 00 4c42 00000000
    20010db8000100000000000000000056`);
  assert.equal(frame.length, 78);
  assert.equal(frame.toString('hex'), golden.toString('hex'));
});

test('the solicited-node group keeps the low 24 bits of the address', () => {
  assert.equal(
    Buffer.from(solicitedNode('2001:db8::abcd:ef12:3456')).toString('hex'),
    'ff0200000000000000000001ff123456',
  );
});

test('probe frame builders reject what cannot be probed', () => {
  assert.throws(() => arpProbe('52:54:00', '10.0.0.1'), /52:54:00/);
  assert.throws(() => arpProbe(MAC, '2001:db8::1'), /2001:db8::1/);
  assert.throws(() => dadSolicitation(MAC, '10.0.0.1'), /10\.0\.0\.1/);
});

test('the kernel filter keeps ARP, neighbour solicitations and advertisements and drops the rest', () => {
  const program = probeFilter();
  assert.equal(program.length, 10 * 8);
  const le = endianness() === 'LE';
  const insns = Array.from({ length: 10 }, (_, i) => {
    const at = i * 8;
    return [
      le ? program.readUInt16LE(at) : program.readUInt16BE(at),
      program[at + 2],
      program[at + 3],
      le ? program.readUInt32LE(at + 4) : program.readUInt32BE(at + 4),
    ];
  });
  // [code, jt, jf, k]: ldh/ldb absolute loads, jeq against constants, ret constants
  assert.deepEqual(insns, [
    [0x28, 0, 0, 12],
    [0x15, 6, 0, 0x0806],
    [0x15, 0, 6, 0x86dd],
    [0x30, 0, 0, 20],
    [0x15, 0, 4, 58],
    [0x30, 0, 0, 54],
    [0x15, 1, 0, 135],
    [0x15, 0, 1, 136],
    [0x06, 0, 0, PROBE_SNAP_LENGTH],
    [0x06, 0, 0, 0],
  ]);
  // every jump lands inside the program, on a return for the final decisions
  for (const [i, [code, jt, jf]] of insns.entries()) {
    if (code === 0x15) {
      assert.ok(i + 1 + (jt as number) < 10 && i + 1 + (jf as number) < 10, `jump targets of insn ${i}`);
    }
  }
});
