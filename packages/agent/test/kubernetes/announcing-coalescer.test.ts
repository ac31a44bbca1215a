// When the node's announcing slots are written: a first announcement and a release at once, every
// other change only once it has stood the coalescing window, so a flap inside the window writes
// nothing. Pure, on an injected clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnnouncingCoalescer } from '../../src/kubernetes/announcing-coalescer.ts';

const KEY = 'default/web';
const A = 'node-a,enp1s0,172.30.250.10';
const FALLBACK = 'node-a,kube-lb0,172.30.250.10';
const have = (v?: string): Record<string, string> =>
  v === undefined ? {} : { 'purelb.io/announcing-IPv4': v };
const want = (v?: string) => ({ 4: v, 6: undefined });
const placed = new Set(['172.30.250.10']);

function setup() {
  const k = { t: 1_000_000 };
  const c = new AnnouncingCoalescer({ node: 'node-a', now: () => k.t, windowMs: 5000, recentMs: 120_000 });
  return { k, c };
}

test('a first announcement is written at once', () => {
  const { c } = setup();
  assert.equal(c.decide(KEY, have(), want(A), placed), 'now');
  assert.equal(c.decide(KEY, have('node-b,eth0,172.30.250.10'), want(A), placed), 'now', 'a takeover too');
});

test('a flap inside the window (interface A -> fallback -> A) writes nothing', () => {
  const { k, c } = setup();
  assert.equal(c.decide(KEY, have(A), want(FALLBACK), placed), 'wait');
  k.t += 500;
  assert.equal(c.decide(KEY, have(A), want(A), placed), 'none', 'back as stored: nothing waits');
  assert.equal(c.pending, 0);
  k.t += 500;
  assert.equal(c.decide(KEY, have(A), want(FALLBACK), placed), 'wait', 'a new wait starts');
  k.t += 4999;
  assert.equal(c.decide(KEY, have(A), want(FALLBACK), placed), 'wait');
  assert.equal(c.nextDueIn(), 1);
  k.t += 1;
  assert.equal(c.decide(KEY, have(A), want(FALLBACK), placed), 'due', 'it stood the window');
});

test('a release (the address no longer placed here) is written at once; its return soon after is coalesced', () => {
  const { k, c } = setup();
  assert.equal(c.decide(KEY, have(A), want(undefined), new Set()), 'now');
  c.wrote(KEY, want(undefined));
  k.t += 1000;
  assert.equal(c.decide(KEY, have(), want(A), placed), 'wait', 'announced a second ago: not a first');
  k.t += 120_000;
  assert.equal(c.decide(KEY, have(), want(A), placed), 'now', 'long enough ago: a first again');
});

test('a slot this node still places but cannot announce (fallback) is not a release', () => {
  const { c } = setup();
  assert.equal(c.decide(KEY, have(A), want(undefined), placed), 'wait');
});

test('deleted Services are forgotten', () => {
  const { c } = setup();
  c.decide(KEY, have(A), want(FALLBACK), placed);
  assert.equal(c.pending, 1);
  c.retain(new Set());
  assert.equal(c.pending, 0);
  assert.equal(c.nextDueIn(), undefined);
});
