// The routing test's world: the three-node segment with its agents (packages/agent/test/support), the
// seed's remote pools and a Service in each, a router namespace on the segment running BIRD with a BGP
// session to every node, each node running BIRD with the doc's configuration, and a client namespace
// behind the router. Every namespace and daemon is removed afterwards, even on failure.

import { addService } from '../../packages/agent/test/support/cluster.ts';
import { NODES } from '../../packages/agent/test/support/election-cluster.ts';
import { seedGroups } from '../../packages/agent/test/support/manifests.ts';
import { type ThreeNodes, withThreeNodes } from '../../packages/agent/test/support/three-nodes.ts';
import { type FakeApiServer, withFakeApiServer } from '../support/kube.ts';
import { withNetns } from '../support/netns.ts';
import { Bird } from './bird.ts';
import { nodeBirdConfig, routerBirdConfig } from './bird-config.ts';
import { birdRoutes, kernelRoutes, wireRouter } from './router.ts';

/** The router's own address on the segment (it also takes ROUTER_IP, the nodes' gateway). */
const ROUTER_HOST = { name: 'router', ip: '172.30.250.254' };
const LEASE_SECONDS = 3;

/** One Service per remote pool: 172.31.1.5 (aggregation /32) and 172.31.2.7 (aggregation /24). */
export const SERVICES = [
  { name: 'remote-host', ip: '172.31.1.5', route: '172.31.1.5/32' },
  { name: 'remote-aggregate', ip: '172.31.2.7', route: '172.31.2.0/24' },
] as const;

/** Each node's BGP session, as the router's BIRD names it. */
export const SESSIONS = NODES.map((n) => n.name.replace(/-/g, '_'));

export interface RoutedCluster {
  server: FakeApiServer;
  nodes: ThreeNodes;
  router: Bird;
  client: string;
  /** Node name → its BIRD. */
  birds: Map<string, Bird>;
  /** The router's kernel routes from BIRD: prefix → next hops. */
  kernel(): Map<string, string[]>;
  /** The router's BIRD table: prefix → the sessions it came from. */
  learned(): Promise<Map<string, string[]>>;
  /** What the router has, and the daemons' and agents' logs, for failure messages. */
  explain(): Promise<string>;
}

async function remotePools(server: FakeApiServer): Promise<void> {
  const remote = seedGroups().filter((g) =>
    Object.hasOwn((g as { kind: string; spec: object }).spec, 'remote'),
  );
  for (const g of remote) server.apply(g as Record<string, unknown>);
  for (const s of SERVICES) await addService(server, s.name, s.ip);
}

/** Builds the world, runs body in it, and takes everything down afterwards whatever happens. */
export async function withRoutedCluster(body: (w: RoutedCluster) => Promise<void>): Promise<void> {
  await withFakeApiServer(async (server) => {
    const options = { leaseSeconds: LEASE_SECONDS, extraHosts: [ROUTER_HOST], before: remotePools };
    await withThreeNodes(server, options, (nodes) =>
      withNetns(async (client) => {
        wireRouter(nodes.ns('router'), client);
        const birds = new Map<string, Bird>();
        let router: Bird | undefined;
        try {
          router = new Bird(nodes.ns('router'), routerBirdConfig(NODES, true));
          await router.ready();
          for (const n of NODES) birds.set(n.name, new Bird(nodes.ns(n.name), nodeBirdConfig(n.ip)));
          for (const b of birds.values()) await b.ready();
          await body(world(server, nodes, router, client, birds));
        } finally {
          await router?.stop();
          for (const b of birds.values()) await b.stop();
        }
      }),
    );
  });
}

function world(
  server: FakeApiServer,
  nodes: ThreeNodes,
  router: Bird,
  client: string,
  birds: Map<string, Bird>,
): RoutedCluster {
  const kernel = () => kernelRoutes(nodes.ns('router'));
  const learned = async () => birdRoutes(await router.birdc('show', 'route'));
  const explain = async () => {
    const protocols = await router.birdc('show', 'protocols').catch((e: Error) => e.message);
    const table = await router.birdc('show', 'route').catch((e: Error) => e.message);
    const nodeLogs = [...birds].map(([n, b]) => `--- BIRD on ${n}\n${b.log}`).join('\n');
    return `router protocols:\n${protocols}\nrouter table:\n${table}\nrouter kernel: ${JSON.stringify([...kernel()])}\n--- router BIRD\n${router.log}\n${nodeLogs}\n${nodes.logs()}`;
  };
  return { server, nodes, router, client, birds, kernel, learned, explain };
}
