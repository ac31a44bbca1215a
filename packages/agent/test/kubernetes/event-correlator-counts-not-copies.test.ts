// The event correlator on an injected clock: repeats are counts on one Event written at most once per
// update interval, distinct notes beyond a few are combined, a per-object bucket bounds the writes,
// and records are dropped when idle or over the cap, so memory stays bounded under churn.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  COMBINED_PREFIX,
  EventCorrelator,
  type PendingWrite,
} from '../../src/kubernetes/event-correlator.ts';
import { TokenBucket } from '../../src/kubernetes/token-bucket.ts';

const clock = () => {
  const c = { t: 1_000_000, now: () => c.t };
  return c;
};

const occ = (subject: string, reason: string, note: string, type: 'Normal' | 'Warning' = 'Normal') => ({
  subject,
  reason,
  type,
  note,
  payload: subject,
});

/** Writes everything due and reports each as written under a name derived from its note. */
function writeAll(c: EventCorrelator<string>, limit = 1000): PendingWrite<string>[] {
  const due = c.due(limit);
  for (const w of due) c.done(w, { name: `ev-${w.series.note}` });
  return due;
}

test('a repeat within the window is a count on the same Event, written once per update interval', () => {
  const k = clock();
  const c = new EventCorrelator<string>({ now: k.now, updateIntervalMs: 60_000 });
  c.observe(occ('svc/a', 'AnnouncingLocal', 'on enp1s0'));
  assert.deepEqual(
    writeAll(c).map((w) => [w.kind, w.count]),
    [['create', 1]],
  );
  for (let i = 0; i < 50; i++) {
    k.t += 1000;
    c.observe(occ('svc/a', 'AnnouncingLocal', 'on enp1s0'));
    assert.equal(writeAll(c).length, 0, 'nothing before the interval');
  }
  k.t += 10_000;
  const update = writeAll(c);
  assert.deepEqual(
    update.map((w) => [w.kind, w.count, w.series.name]),
    [['update', 51, 'ev-on enp1s0']],
  );
  assert.equal(writeAll(c).length, 0, 'nothing more until something happens and the interval passes');
});

test('notes that differ in details: a few Events, then one combined Event counting the rest', () => {
  const k = clock();
  const c = new EventCorrelator<string>({ now: k.now, maxNotes: 3 });
  for (let i = 0; i < 100; i++) c.observe(occ('svc/a', 'AnnouncementFailed', `10.0.0.${i}: not in any pool`));
  const writes = writeAll(c);
  assert.equal(writes.length, 4, '3 distinct notes and one combined Event');
  const combined = writes.find((w) => w.series.note.startsWith(COMBINED_PREFIX));
  assert.equal(combined?.count, 97);
});

test('the per-object bucket bounds writes for one object; another object has its own', () => {
  const k = clock();
  const c = new EventCorrelator<string>({ now: k.now, objectBurst: 5, objectRefillMs: 300_000 });
  for (let i = 0; i < 20; i++) c.observe(occ('svc/a', `Reason${i}`, 'x'));
  c.observe(occ('svc/b', 'Reason0', 'x'));
  const first = writeAll(c);
  assert.equal(first.filter((w) => w.series.subject === 'svc/a').length, 5);
  assert.equal(first.filter((w) => w.series.subject === 'svc/b').length, 1);
  assert.equal(writeAll(c).length, 0);
  assert.equal(c.nextDueIn(), 300_000, 'the next token of svc/a');
  k.t += 300_000;
  assert.equal(writeAll(c).length, 1);
});

test('Warnings are written before Normal events and creates before count updates', () => {
  const k = clock();
  const c = new EventCorrelator<string>({ now: k.now, updateIntervalMs: 1000 });
  c.observe(occ('svc/a', 'AnnouncingLocal', 'n'));
  writeAll(c);
  k.t += 2000;
  c.observe(occ('svc/a', 'AnnouncingLocal', 'n'));
  c.observe(occ('svc/b', 'AnnouncingLocal', 'n'));
  c.observe(occ('svc/c', 'AnnouncementFailed', 'w', 'Warning'));
  assert.deepEqual(
    c.due(2).map((w) => [w.series.subject, w.kind]),
    [
      ['svc/c', 'create'],
      ['svc/b', 'create'],
    ],
  );
});

test('an Event gone from the API server is created again with the count; a failure is retried later', () => {
  const k = clock();
  const c = new EventCorrelator<string>({ now: k.now, updateIntervalMs: 1000 });
  c.observe(occ('svc/a', 'R', 'n'));
  const [create] = c.due(10) as [PendingWrite<string>];
  c.done(create, 'failed');
  assert.equal(c.due(10).length, 0, 'not retried at once');
  k.t += 1000;
  writeAll(c);
  k.t += 1000;
  c.observe(occ('svc/a', 'R', 'n'));
  const [update] = c.due(10) as [PendingWrite<string>];
  assert.equal(update.kind, 'update');
  c.done(update, 'gone');
  assert.deepEqual(
    c.due(10).map((w) => [w.kind, w.count]),
    [['create', 2]],
  );
});

test('records idle for the window are dropped, and never more than maxRecords are kept', () => {
  const k = clock();
  const c = new EventCorrelator<string>({ now: k.now, windowMs: 600_000, maxRecords: 100 });
  for (let i = 0; i < 1000; i++) {
    c.observe(occ(`svc/${i}`, 'AnnouncingLocal', 'n'));
    assert.ok(c.size <= 100);
  }
  assert.equal(c.dropped, 900, 'the evicted records never had an Event');
  writeAll(c);
  k.t += 600_000;
  c.observe(occ('svc/new', 'AnnouncingLocal', 'n'));
  assert.equal(c.size, 1, 'the idle records are gone');
  // Evicted and seen again: a new Event (the old one may be gone from the API server too).
  c.observe(occ('svc/999', 'AnnouncingLocal', 'n'));
  assert.deepEqual(
    writeAll(c).map((w) => w.kind),
    ['create', 'create'],
  );
});

test('the token bucket refills one token per interval up to its burst', () => {
  const k = clock();
  const b = new TokenBucket(3, 1000, k.now);
  assert.deepEqual([b.take(), b.take(), b.take(), b.take()], [true, true, true, false]);
  assert.equal(b.msUntil(), 1000);
  k.t += 2500;
  assert.equal(b.available(), 2);
  k.t += 10_000;
  assert.equal(b.available(), 3);
  assert.ok(b.full());
});
