// Property: whatever sequence of creates, updates, deletes, dropped connections, clean watch ends and
// compactions happens, a client-node ListWatch that is restarted on 'error' (as the agent must do)
// ends up holding exactly the server's objects at their latest resourceVersions: no lost update.
// This pins the fake's replay/410 bookkeeping against the real client, and the restart rule the agent
// relies on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreV1Api, ListWatch, type V1Service, Watch } from '@kubernetes/client-node';
import fc from 'fast-check';
import { type FakeApiServer, kubeConfigFor, withFakeApiServer } from '../support/kube.ts';
import { svc } from './http-helpers.ts';

type Cmd =
  | { op: 'create'; name: string }
  | { op: 'label'; name: string; value: string }
  | { op: 'delete'; name: string }
  | { op: 'drop' }
  | { op: 'end' }
  | { op: 'compact' };

const name = fc.constantFrom('a', 'b', 'c', 'd');
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ op: fc.constant('create' as const), name }),
  fc.record({ op: fc.constant('label' as const), name, value: fc.constantFrom('x', 'y', 'z') }),
  fc.record({ op: fc.constant('delete' as const), name }),
  fc.constant({ op: 'drop' as const }),
  fc.constant({ op: 'end' as const }),
  fc.constant({ op: 'compact' as const }),
);

function run(s: FakeApiServer, c: Cmd): void {
  const r = s.resource('v1', 'Service');
  const cur = 'name' in c ? s.store.get(r, 'default', c.name) : undefined;
  switch (c.op) {
    case 'create':
      if (!cur) s.apply(svc(c.name));
      return;
    case 'label':
      if (cur) {
        cur.metadata.labels = { v: c.value };
        s.store.write(r, cur, 'MODIFIED');
      }
      return;
    case 'delete':
      if (cur) s.store.remove(r, 'default', c.name);
      return;
    case 'drop':
      s.dropWatches();
      return;
    case 'end':
      s.endWatches();
      return;
    case 'compact':
      s.compact();
      return;
  }
}

const snapshot = (items: readonly { metadata?: { name?: string; resourceVersion?: string } }[]) =>
  items
    .map((o) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`)
    .sort()
    .join(',');

// The timeout turns a cache that never converges into a failure instead of a hang.
test('a client-node ListWatch restarted on error converges to the server state after any history', {
  timeout: 120_000,
}, async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(cmd, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
      async (batches) => {
        await withFakeApiServer(
          async (s) => {
            const kc = kubeConfigFor(s);
            const core = kc.makeApiClient(CoreV1Api);
            const lw = new ListWatch<V1Service>(
              '/api/v1/namespaces/default/services',
              new Watch(kc),
              () => core.listNamespacedService({ namespace: 'default' }),
              false,
              undefined,
              undefined,
              { delayFn: async () => {} },
            );
            let check = () => {};
            let stopping = false;
            // The agent's rule: an informer that stopped on an error is started again (never after stop()).
            lw.on('error', () => {
              if (!stopping) void lw.start();
            });
            for (const ev of ['add', 'update', 'delete', 'connect'] as const)
              lw.on(ev as 'add', () => check());
            await lw.start();
            const r = s.resource('v1', 'Service');
            for (const batch of batches) {
              // A batch runs synchronously, so the client sees its effects only afterwards, all at once.
              for (const c of batch) run(s, c);
              const want = snapshot(s.store.list(r, 'default'));
              await new Promise<void>((resolve) => {
                // Cache events drive the check; the poll covers a watch that reopens without any event.
                const poll = setInterval(() => check(), 5);
                check = () => {
                  if (snapshot(lw.list('default')) !== want || s.openWatchCount() === 0) return;
                  clearInterval(poll);
                  check = () => {};
                  resolve();
                };
                check();
              });
              assert.equal(snapshot(lw.list('default')), want);
            }
            stopping = true;
            await lw.stop();
          },
          { compactionWindow: 3 },
        );
      },
    ),
    { numRuns: 30 },
  );
});
