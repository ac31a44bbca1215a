// HandoffGate: the agent's memory of core's handoffWaits. A waiting address leaves the desired state
// (so it is neither added nor kept) and is logged once; when its holder's slot goes, it is reported
// released (a takeover, announced); a wait that outlives the timeout is reported overdue once and then
// taken; a timer wakes the reconciler when the earliest wait gives up.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DesiredState, Member, Placement, Service } from '@purelb-ts/core';
import { HandoffGate } from '../src/lbnodeagent/handoff.ts';
import { createLogger } from '../src/log.ts';

const IP = '172.30.250.53';
const placement = (kind: 'local' | 'virtual'): Placement => ({
  ip: IP,
  family: 4,
  kind,
  link: kind === 'local' ? 'enp1s0' : 'kube-lb0',
  prefixLength: 24,
  broadcast: undefined,
  flags: [],
  validLifetime: 2,
  preferredLifetime: 2,
  services: ['default/web'],
  reason: 'test',
});
const desired = (...placements: Placement[]) => ({ placements, skips: [] }) as unknown as DesiredState;
const web = (slot?: string): Service => ({
  metadata: {
    name: 'web',
    namespace: 'default',
    annotations: slot === undefined ? {} : { 'purelb.io/announcing-IPv4': slot },
  },
});
const members = (...nodes: string[]): Member[] =>
  nodes.map((node) => ({ node, subnets: [], expiresAt: 1e15 }));

function gate(timeoutMs = 3000) {
  const lines: Record<string, unknown>[] = [];
  let wakes = 0;
  const g = new HandoffGate(
    'node-c',
    timeoutMs,
    createLogger('debug', (l) => lines.push(JSON.parse(l))),
    () => wakes++,
  );
  return { g, lines, wakes: () => wakes };
}

describe('HandoffGate', () => {
  it('leaves a waiting local address out, logs it once, and reports it released when the slot goes', () => {
    const { g, lines } = gate();
    const live = members('node-b', 'node-c');
    const held = web('node-b,enp1s0,172.30.250.53');
    const first = g.judge(desired(placement('local')), [held], live, 1000);
    assert.deepEqual(first.desired.placements, []);
    g.judge(desired(placement('local')), [held], live, 1100);
    assert.equal(lines.filter((l) => String(l.msg).startsWith('waiting for node node-b')).length, 1);
    const after = g.judge(desired(placement('local')), [web()], live, 1200);
    assert.equal(after.desired.placements.length, 1);
    assert.deepEqual([...after.released], [[IP, 'node-b']]);
    assert.equal(g.judge(desired(placement('local')), [web()], live, 1300).released.size, 0, 'released once');
    g.stop();
  });

  it('a lapsed holder, a virtual placement or this node’s own slot: nothing waits', () => {
    const { g } = gate();
    const slot = web('node-b,enp1s0,172.30.250.53');
    assert.equal(
      g.judge(desired(placement('local')), [slot], members('node-c'), 0).desired.placements.length,
      1,
    );
    const both = members('node-b', 'node-c');
    assert.equal(g.judge(desired(placement('virtual')), [slot], both, 0).desired.placements.length, 1);
    const own = web('node-c,enp1s0,172.30.250.53');
    assert.equal(g.judge(desired(placement('local')), [own], both, 0).desired.placements.length, 1);
    g.stop();
  });

  it('gives up after the timeout: overdue once (claimed as a first claim), and not waited for again', async () => {
    const { g, lines, wakes } = gate(50);
    const live = members('node-b', 'node-c');
    const held = web('node-b,enp1s0,172.30.250.53');
    g.judge(desired(placement('local')), [held], live, 1000);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(wakes(), 1, 'the timer woke the reconciler when the wait ended');
    const late = g.judge(desired(placement('local')), [held], live, 1060);
    assert.deepEqual([...late.overdue], [IP]);
    assert.equal(late.desired.placements.length, 1, 'taken');
    const again = g.judge(desired(placement('local')), [held], live, 1500);
    assert.equal(again.desired.placements.length, 1, 'not waited for again');
    assert.equal(lines.filter((l) => String(l.msg).includes('did not let go')).length, 1);
    g.stop();
  });
});
