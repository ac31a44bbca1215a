// The allocator's --metrics-address: by default the pod's own address ($POD_IP from the downward API,
// where the kubelet probes it) and loopback, loopback alone without it; the flag or $METRICS_ADDRESS
// replaces that; a bad value is a UsageError naming the flag.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAllocatorOptions, UsageError } from '../../src/allocator/options.ts';

const addresses = (argv: string[], env: NodeJS.ProcessEnv): string[] => {
  const o = parseAllocatorOptions(argv, env);
  assert.notEqual(o, 'help');
  return o === 'help' ? [] : o.metricsAddresses;
};

test('allocator metrics address: POD_IP and loopback by default', () => {
  assert.deepEqual(addresses([], { POD_IP: '10.244.1.7' }), ['10.244.1.7', '127.0.0.1']);
  assert.deepEqual(addresses([], { POD_IP: 'fd00:10:244::7' }), ['fd00:10:244::7', '::1']);
});

test('allocator metrics address: loopback only without POD_IP', () => {
  assert.deepEqual(addresses([], {}), ['127.0.0.1']);
});

test('allocator metrics address: the flag, then METRICS_ADDRESS, replace the default', () => {
  const env = { POD_IP: '10.244.1.7', METRICS_ADDRESS: '0.0.0.0' };
  assert.deepEqual(addresses(['--metrics-address', '10.244.1.7,::1'], env), ['10.244.1.7', '::1']);
  assert.deepEqual(addresses([], env), ['0.0.0.0']);
});

test('allocator metrics address: a bad value is a usage error naming the flag', () => {
  assert.throws(
    () => parseAllocatorOptions(['--metrics-address', '10.244.1.7/24'], {}),
    (err: Error) =>
      err instanceof UsageError &&
      /^--metrics-address must be IP addresses separated by commas, got "10\.244\.1\.7\/24"/.test(
        err.message,
      ),
  );
  assert.throws(
    () => parseAllocatorOptions([], { POD_IP: 'pod' }),
    /^UsageError: \$POD_IP must be this pod's IP address/,
  );
});
