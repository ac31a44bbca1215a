// Contact with the API server is proven, not assumed: the clock stops from each request until its
// answer (and, for a renewal, its resourceVersion on the Lease watch) comes back; a renewal missing
// from the watch for the grace relists once; out of contact past cutOffAfterMs is "cut off".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiContact } from '../../src/kubernetes/api-contact.ts';

function clocked(options: ConstructorParameters<typeof ApiContact>[0] = {}) {
  let t = 1_000;
  const contact = new ApiContact({ now: () => t, ...options });
  return { contact, advance: (ms: number) => (t += ms) };
}

test('out of contact until the first renewal comes back on the watch', () => {
  const { contact, advance } = clocked();
  const start = contact.read();
  advance(5_000);
  assert.equal(contact.read(), start, 'nothing proven yet: the clock stands');
  contact.attempt();
  advance(10);
  contact.renewed('7');
  assert.equal(contact.inContact, false, 'answered, but not yet seen on the watch');
  contact.seen('7');
  assert.equal(contact.inContact, true);
  advance(1_000);
  assert.equal(contact.read(), start + 1_000);
});

test('the clock stands from a request until it is answered; a failure keeps it standing', () => {
  const { contact, advance } = clocked();
  contact.attempt();
  contact.renewed('1');
  contact.seen('1');
  const t0 = contact.read();
  contact.attempt();
  advance(3_000);
  contact.failed();
  advance(3_000);
  assert.equal(contact.read(), t0);
  contact.attempt();
  contact.reached();
  advance(500);
  assert.equal(contact.read(), t0 + 500, 'a read answered proves contact again');
});

test('an echo seen before the answer returns counts', () => {
  const { contact } = clocked();
  contact.attempt();
  contact.seen('9');
  contact.renewed('9');
  assert.equal(contact.inContact, true);
});

test('a renewal missing from the watch relists once, and the relist proves contact', async () => {
  let stale = 0;
  const { contact } = clocked({ echoGraceMs: 20, onStale: () => stale++ });
  contact.attempt();
  contact.renewed('3');
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(stale, 1);
  assert.equal(contact.inContact, false);
  contact.seen('5');
  assert.equal(contact.inContact, true, 'the relisted Lease is fresh, whatever its version');
});

test('cut off after cutOffAfterMs out of contact, told once each way', async () => {
  const told: boolean[] = [];
  const { contact } = clocked({ cutOffAfterMs: 20, onCutOff: (c) => told.push(c) });
  contact.attempt();
  contact.renewed('1');
  contact.seen('1');
  contact.attempt();
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(contact.cutOff, true);
  contact.attempt();
  contact.failed();
  contact.reached();
  assert.equal(contact.cutOff, false);
  assert.deepEqual(told, [true, false]);
  contact.close();
});

test('a request answered within cutOffAfterMs is never a cut-off', async () => {
  const told: boolean[] = [];
  const { contact } = clocked({ cutOffAfterMs: 40, onCutOff: (c) => told.push(c) });
  for (let i = 0; i < 5; i++) {
    contact.attempt();
    contact.renewed(String(i));
    contact.seen(String(i));
    await new Promise((r) => setTimeout(r, 15));
  }
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(told, []);
  contact.close();
});
