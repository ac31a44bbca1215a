// The address notifications the agent's own apply causes are recognised (once each) so the network
// watch does not run a second reconcile for them; anything else, a failed op's, or a late one is news.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeNetwork, PlanOp } from '@purelb-ts/core';
import type { Address } from '@purelb-ts/netlink-native';
import { address, ENP1S0, KUBE_LB0, seedNode } from '../../purelb-core/test/fixtures/seed-node.ts';
import { OwnEchoes } from '../src/network/own-echoes.ts';
import { kernelAddress } from './support/kernel-address.ts';

const network: NodeNetwork = seedNode();
const placement = (link: string, ip: string, prefixLength: number) =>
  ({ link, ip, prefixLength, family: 4, kind: 'virtual', services: ['default/web'] }) as never;
const add = (link: string, ip: string, prefixLength: number): PlanOp => ({
  op: 'add-address',
  placement: placement(link, ip, prefixLength),
  tag: { protocol: 0x6c } as never,
});
const del = (link: string, ip: string, prefixLength: number): PlanOp => ({
  op: 'delete-address',
  link,
  ip,
  prefixLength,
  reason: 'test',
});
const seen = (index: number, ip: string, prefixLength: number): Address =>
  kernelAddress(address(index === KUBE_LB0 ? 'kube-lb0' : 'enp1s0', { index, address: ip, prefixLength }));

test("an apply's own add and delete are echoes, each once", () => {
  const echoes = new OwnEchoes();
  echoes.expect([add('kube-lb0', '172.31.1.9', 32), del('enp1s0', '172.30.250.54', 24)], network);
  assert.equal(echoes.isEcho('new', seen(KUBE_LB0, '172.31.1.9', 32)), true);
  assert.equal(echoes.isEcho('new', seen(KUBE_LB0, '172.31.1.9', 32)), false, 'a second alike is news');
  assert.equal(echoes.isEcho('del', seen(ENP1S0, '172.30.250.54', 24)), true);
});

test('other actions, links, prefixes and addresses are not echoes', () => {
  const echoes = new OwnEchoes();
  echoes.expect([add('kube-lb0', '172.31.1.9', 32)], network);
  assert.equal(echoes.isEcho('del', seen(KUBE_LB0, '172.31.1.9', 32)), false, 'an external delete');
  assert.equal(echoes.isEcho('new', seen(ENP1S0, '172.31.1.9', 32)), false);
  assert.equal(echoes.isEcho('new', seen(KUBE_LB0, '172.31.1.9', 24)), false);
  assert.equal(echoes.isEcho('new', seen(KUBE_LB0, '172.31.1.10', 32)), false);
});

test("a failed op's echo is forgotten, and an echo later than the TTL is news", () => {
  let now = 1000;
  const echoes = new OwnEchoes(() => now);
  const op = add('kube-lb0', '172.31.1.9', 32);
  const keys = echoes.expect([op, add('kube-lb0', '172.31.1.10', 32)], network);
  echoes.forget(keys.get(op) as string);
  assert.equal(echoes.isEcho('new', seen(KUBE_LB0, '172.31.1.9', 32)), false);
  now += 5001;
  assert.equal(echoes.isEcho('new', seen(KUBE_LB0, '172.31.1.10', 32)), false);
});

test('an op on a link the network does not have yet expects nothing', () => {
  const echoes = new OwnEchoes();
  const keys = echoes.expect([add('kube-lb1', '172.31.1.9', 32)], network);
  assert.equal(keys.size, 0);
});
