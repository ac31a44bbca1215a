// --metrics-address: where /metrics, /healthz and /readyz listen. Default: the pod's own address from
// the downward API (HOST_IP for the node agent, POD_IP for the allocator) plus loopback, or loopback
// alone; never every address unless 0.0.0.0 or :: is asked for by name. A bad value is a usage
// error naming the flag, and `purelb-agent` exits 2 on it having started nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { type FlagValues, metricsAddressesFlag } from '../src/flags.ts';

class Usage extends Error {}

const parse = (values: FlagValues, env: NodeJS.ProcessEnv) =>
  metricsAddressesFlag(values, env, 'HOST_IP', Usage);

const good: { name: string; values?: FlagValues; env?: NodeJS.ProcessEnv; want: string[] }[] = [
  { name: 'nothing said: loopback only', want: ['127.0.0.1'] },
  { name: 'an empty HOST_IP counts as none', env: { HOST_IP: '' }, want: ['127.0.0.1'] },
  {
    name: "the node's IPv4 address and loopback",
    env: { HOST_IP: '10.0.0.7' },
    want: ['10.0.0.7', '127.0.0.1'],
  },
  {
    name: "the node's IPv6 address and IPv6 loopback",
    env: { HOST_IP: 'fd00::7' },
    want: ['fd00::7', '::1'],
  },
  { name: 'HOST_IP already loopback: once', env: { HOST_IP: '127.0.0.1' }, want: ['127.0.0.1'] },
  {
    name: 'the flag replaces the default',
    values: { 'metrics-address': '10.0.0.8' },
    env: { HOST_IP: '10.0.0.7' },
    want: ['10.0.0.8'],
  },
  {
    name: 'the flag beats METRICS_ADDRESS',
    values: { 'metrics-address': '10.0.0.8' },
    env: { METRICS_ADDRESS: '10.0.0.9' },
    want: ['10.0.0.8'],
  },
  {
    name: 'METRICS_ADDRESS replaces the default',
    env: { METRICS_ADDRESS: '10.0.0.9', HOST_IP: '10.0.0.7' },
    want: ['10.0.0.9'],
  },
  {
    name: 'several, spaces trimmed, repeats once',
    values: { 'metrics-address': ' 10.0.0.8 , ::1,10.0.0.8' },
    want: ['10.0.0.8', '::1'],
  },
  {
    name: 'every IPv4 address, asked for by name',
    values: { 'metrics-address': '0.0.0.0' },
    want: ['0.0.0.0'],
  },
  { name: 'every address, asked for by name', env: { METRICS_ADDRESS: '::' }, want: ['::'] },
];

for (const c of good) {
  test(`metrics address: ${c.name}`, () => {
    assert.deepEqual(parse(c.values ?? {}, c.env ?? {}), c.want);
  });
}

const bad: { name: string; values?: FlagValues; env?: NodeJS.ProcessEnv; message: RegExp }[] = [
  {
    name: 'not an address',
    values: { 'metrics-address': 'localhost' },
    message:
      /^--metrics-address must be IP addresses separated by commas, got "localhost" \("localhost" is not an IP address\)$/,
  },
  {
    name: 'empty',
    values: { 'metrics-address': '' },
    message: /^--metrics-address .*got "" \("" is not an IP address\)$/,
  },
  {
    name: 'a trailing comma',
    env: { METRICS_ADDRESS: '10.0.0.8,' },
    message: /^--metrics-address .*got "10\.0\.0\.8,"/,
  },
  {
    name: 'a port is not part of it',
    values: { 'metrics-address': '10.0.0.8:7472' },
    message: /"10\.0\.0\.8:7472" is not an IP address/,
  },
  {
    name: 'every address beside another',
    values: { 'metrics-address': '0.0.0.0,127.0.0.1' },
    message:
      /^--metrics-address 0\.0\.0\.0 or :: means every address: give it alone, got "0\.0\.0\.0,127\.0\.0\.1"$/,
  },
  {
    name: 'a HOST_IP that is not an address',
    env: { HOST_IP: 'node-1' },
    message: /^\$HOST_IP must be this pod's IP address \(downward API\), got "node-1"$/,
  },
];

for (const c of bad) {
  test(`metrics address refused: ${c.name}`, () => {
    assert.throws(
      () => parse(c.values ?? {}, c.env ?? {}),
      (err: Error) => {
        assert.ok(err instanceof Usage);
        assert.match(err.message, c.message);
        return true;
      },
    );
  });
}

test('purelb-agent --metrics-address nope: usage error naming the flag, exit 2', () => {
  const root = resolve(import.meta.dirname, '../../..');
  const r = spawnSync(
    join(root, 'node_modules/.bin/node'),
    ['--conditions=purelb-source', join(root, 'packages/agent/src/cli.ts'), '--metrics-address', 'nope'],
    { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
  );
  assert.equal(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    /^purelb-agent: --metrics-address must be IP addresses separated by commas, got "nope"/,
  );
  assert.match(r.stderr, /--metrics-address A,B addresses they listen on/);
});
