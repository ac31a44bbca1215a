// Remote addresses end to end with a real routing daemon (issue 13): three nodes run the agent and
// BIRD 2 with docs/routing.md's node configuration (kube-lb0's direct routes exported over BGP, nothing
// imported); a router namespace running BIRD peers with all three and installs the routes with ECMP;
// a client namespace behind the router connects to a LoadBalancer address. Short BGP timers and polling
// keep it quick; every figure is printed as a diagnostic.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { NODES } from '../../packages/agent/test/support/election-cluster.ts';
import { call } from '../fake-apiserver/http-helpers.ts';
import { ip, netnsUnavailableReason } from '../support/netns.ts';
import { birdUnavailableReason } from './bird.ts';
import { nodeBirdConfig, routerBirdConfig } from './bird-config.ts';
import { connect, listen } from './listeners.ts';
import { type RoutedCluster, SERVICES, SESSIONS, withRoutedCluster } from './routed-cluster.ts';
import { CLIENT_IP, until } from './router.ts';

const skip = netnsUnavailableReason() ?? birdUnavailableReason();
const ALL_HOPS = NODES.map((n) => n.ip).sort();
const [HOST, AGGREGATE] = SERVICES;
/** BGP up on four daemons, the agents' first reconcile: generous for a loaded machine. */
const CONVERGE_MS = 30_000;
/** "Within a few seconds" of the Service's deletion. */
const WITHDRAW_MS = 5_000;

test('docs/routing.md quotes the node configuration the routing test runs', () => {
  const doc = readFileSync(join(import.meta.dirname, '../../docs/routing.md'), 'utf8');
  assert.ok(doc.includes(nodeBirdConfig(NODES[0]!.ip)), 'docs/routing.md lacks nodeBirdConfig() verbatim');
  // The router's, as the doc gives it: the test's differs only in importing everything.
  assert.ok(doc.includes(routerBirdConfig(NODES)), 'docs/routing.md lacks routerBirdConfig() verbatim');
});

/**
 * The steps share one world and build on each other: once one fails, the later ones are skipped (as
 * failed) rather than run on a broken world.
 */
function stepper(t: TestContext) {
  let failed: string | undefined;
  return async (name: string, fn: () => Promise<void>): Promise<void> => {
    await t.test(name, async () => {
      if (failed !== undefined) throw new Error(`not run: step "${failed}" failed`);
      try {
        await fn();
      } catch (err) {
        failed = name;
        throw err;
      }
    });
  };
}

test('remote addresses reach a BGP router from every node, and leave it', { skip }, async (t) => {
  await withRoutedCluster(async (w) => {
    const step = stepper(t);
    await step('the router learns the /32 and the /24 aggregate with one next hop per node', async () => {
      const ms = await until(
        'both routes via all three nodes',
        () => hopsAre(w, ALL_HOPS),
        CONVERGE_MS,
        w.explain,
      );
      t.diagnostic(`router had both routes with 3 next hops ${ms} ms after the daemons started`);
    });
    await step('nodes advertise only the pool routes: never their subnet or default route', async () => {
      const learned = await w.learned();
      assert.deepEqual(
        [...learned.keys()].sort(),
        SERVICES.map((s) => s.route).sort(),
        `router's BIRD table:\n${await w.explain()}`,
      );
      for (const s of SERVICES) assert.deepEqual(learned.get(s.route), SESSIONS);
      assert.equal(w.kernel().has('0.0.0.0/0'), false);
    });
    await step('a client behind the router reaches a listener on the address', async () => {
      t.diagnostic(`the client's connections were answered by ${(await reachFromClient(w)).join(', ')}`);
    });
    await step('a deleted Service is withdrawn from the router within seconds', async () => {
      const r = await call(w.server, 'DELETE', `/api/v1/namespaces/default/services/${HOST.name}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const ms = await until(
        `${HOST.route} withdrawn`,
        () => !w.kernel().has(HOST.route),
        WITHDRAW_MS,
        w.explain,
      );
      t.diagnostic(`${HOST.route} left the router ${ms} ms after the Service was deleted`);
      assert.equal((await w.learned()).has(HOST.route), false);
      assert.deepEqual(w.kernel().get(AGGREGATE.route), ALL_HOPS, 'the other Service stays');
    });
    await step('an agent stopped with SIGTERM takes its node out of the next hops', async () => {
      const [gone, ...rest] = NODES;
      await w.nodes.agents.get(gone!.name)?.stop('SIGTERM');
      const left = rest.map((n) => n.ip).sort();
      const ms = await until(
        `${gone!.name} out of ${AGGREGATE.route}`,
        () => sameHops(w, AGGREGATE.route, left),
        WITHDRAW_MS,
        () =>
          `router: ${JSON.stringify([...w.kernel()])}; ${gone!.name}: ${ip(w.nodes.ns(gone!.name), '-4', '-br', 'addr', 'show', 'dev', 'kube-lb0')}`,
      );
      t.diagnostic(`${gone!.name}'s next hop left ${AGGREGATE.route} ${ms} ms after its agent's SIGTERM`);
    });
  });
});

function sameHops(w: RoutedCluster, route: string, hops: readonly string[]): boolean {
  return JSON.stringify(w.kernel().get(route)) === JSON.stringify(hops);
}

function hopsAre(w: RoutedCluster, hops: readonly string[]): boolean {
  return SERVICES.every((s) => sameHops(w, s.route, hops));
}

/** Listeners on both addresses in every node; the client's connections get a node's name back. */
async function reachFromClient(w: RoutedCluster): Promise<string[]> {
  const answers: string[] = [];
  const listeners: ChildProcess[] = [];
  try {
    for (const n of NODES)
      for (const s of SERVICES) listeners.push(await listen(w.nodes.ns(n.name), s.ip, 8080, n.name));
    for (const s of SERVICES) {
      const answer = await connect(w.client, s.ip, 8080);
      assert.ok(
        NODES.some((n) => n.name === answer),
        `client ${CLIENT_IP} → ${s.ip}:8080 got ${JSON.stringify(answer)}`,
      );
      answers.push(`${s.ip} by ${answer}`);
    }
    return answers;
  } finally {
    for (const l of listeners) l.kill('SIGKILL');
  }
}
