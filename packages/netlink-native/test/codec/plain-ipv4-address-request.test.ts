import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeDelAddress, encodeNewAddress, encodePlainIPv4Address } from '../../src/codec/address.ts';

const cases: [address: string, prefixLength: number | undefined][] = [
  ['10.0.0.1', 32],
  ['10.0.0.1', undefined],
  ['10.1.2.3', 31],
  ['10.1.2.3', 30],
  ['192.168.7.9', 24],
  ['172.16.0.1', 12],
  ['1.2.3.4', 1],
  ['0.0.0.0', 0],
  ['255.255.255.255', 32],
  ['127.0.0.2', 8],
  ['127.1.1.1', 32],
];

test('the plain IPv4 fast path writes the same bytes as the general encoder, for add, replace and del', () => {
  for (const [address, prefixLength] of cases) {
    const spec = { index: 7, address, prefixLength: prefixLength ?? 32 };
    for (const mode of ['add', 'replace'] as const) {
      assert.deepEqual(
        encodePlainIPv4Address(mode, 7, address, prefixLength),
        encodeNewAddress({ ...spec, broadcast: 'auto' }, mode),
        `${mode} ${address}/${prefixLength}`,
      );
    }
    assert.deepEqual(
      encodePlainIPv4Address('del', 7, address, prefixLength),
      encodeDelAddress(spec),
      `del ${address}/${prefixLength}`,
    );
  }
});

test('the fast path declines what it does not write, leaving it (and its errors) to the general path', () => {
  const declined: [number, string, number | undefined][] = [
    [7, '2001:db8::1', 128],
    [7, '10.0.0.1/24', undefined],
    [7, '10.0.0.256', 32],
    [7, '010.0.0.1', 32],
    [7, '', 32],
    [7, '10.0.0.1', 33],
    [7, '10.0.0.1', -1],
    [7, '10.0.0.1', 24.5],
    [0, '10.0.0.1', 32],
    [-3, '10.0.0.1', 32],
    [0x80000000, '10.0.0.1', 32],
    [1.5, '10.0.0.1', 32],
  ];
  for (const [index, address, prefixLength] of declined) {
    for (const mode of ['add', 'replace', 'del'] as const) {
      assert.equal(
        encodePlainIPv4Address(mode, index, address, prefixLength),
        undefined,
        `${mode} ${index} ${address} ${prefixLength}`,
      );
    }
  }
});
