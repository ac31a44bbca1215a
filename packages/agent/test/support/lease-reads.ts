// What the three-node tests read of the cluster while agents run: a node's Lease annotations as the
// API server holds them, and a wait for a condition with a deadline that prints the agents' logs.
import { performance } from 'node:perf_hooks';
import { call } from '../../../../test/fake-apiserver/http-helpers.ts';

/** The annotations of node's Lease purelb-node-<node> in the purelb namespace ({} when it has none). */
export async function leaseAnnotations(
  server: Parameters<typeof call>[0],
  node: string,
): Promise<Record<string, string>> {
  const r = await call(
    server,
    'GET',
    `/apis/coordination.k8s.io/v1/namespaces/purelb/leases/purelb-node-${node}`,
  );
  return (r.body as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations ?? {};
}

/** Waits until `ok()` (polled every 20 ms); how long it took, or throws naming `what` with the logs. */
export async function until(
  what: string,
  ok: () => Promise<boolean>,
  limitMs: number,
  logs: () => string,
): Promise<number> {
  const since = performance.now();
  while (!(await ok())) {
    if (performance.now() - since > limitMs) throw new Error(`not within ${limitMs} ms: ${what}\n${logs()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return performance.now() - since;
}
