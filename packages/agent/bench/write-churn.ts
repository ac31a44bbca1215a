// Writes and memory under churn: the cluster of packages/agent/test/support/flap-cluster.ts (Services on
// a local and a remote pool, the real agents in Kubernetes mode against the in-process fake API
// server) while node-a's default route is deleted and re-added once a second inside its namespace.
// Every SAMPLE_S it prints each agent's VmRSS and the writes (Events, Service PATCHes, Lease writes)
// each node sent since the last sample, from the fake API server's request log; at the end one JSON
// line with every figure. Nothing is asserted.
//
//   node --conditions=purelb-source packages/agent/bench/write-churn.ts [--services 1000] [--minutes 4] [--nodes 1]
//
// Root only (it creates network namespaces, deleted on exit). PURELB_AGENT_UNDER_TEST=DIR runs another
// checkout's agent, to compare.
import { parseArgs } from 'node:util';
import { withFakeApiServer } from '../../../test/support/kube.ts';
import { netnsUnavailableReason } from '../../../test/support/netns.ts';
import type { RunningAgent } from '../test/support/agent-process.ts';
import { NODES } from '../test/support/election-cluster.ts';
import {
  flapDefaultRoute,
  LOCAL_POOL,
  NodeKubeconfigs,
  seedFlapCluster,
  startFlapAgents,
  untilAnnounced,
  untilQuiet,
  writesBy,
} from '../test/support/flap-cluster.ts';
import { buildSegment, type Segment } from '../test/support/segment.ts';
import { statusMB } from './proc.ts';

const SAMPLE_S = 15;

const { values } = parseArgs({
  options: {
    services: { type: 'string', default: '1000' },
    minutes: { type: 'string', default: '4' },
    nodes: { type: 'string', default: '1' },
  },
});
const services = Number(values.services);
const minutes = Number(values.minutes);
const hosts = NODES.slice(0, Number(values.nodes));
const local = Math.min(LOCAL_POOL.count, services);

interface Sample {
  atS: number;
  rssMB: Record<string, number>;
  writes: Record<string, number>;
}

async function churn(agents: Map<string, RunningAgent>, server: Parameters<typeof writesBy>[0], ns: string) {
  const samples: Sample[] = [];
  const rss = () =>
    Object.fromEntries([...agents].map(([n, a]) => [n, statusMB(a.child.pid as number, 'VmRSS')]));
  const start = Date.now();
  samples.push({ atS: 0, rssMB: rss(), writes: {} });
  const flap = flapDefaultRoute(ns, 1000);
  let last = start;
  for (let i = 1; i <= (minutes * 60) / SAMPLE_S; i++) {
    await new Promise((r) => setTimeout(r, SAMPLE_S * 1000));
    const now = Date.now();
    const writes = Object.fromEntries(hosts.map((h) => [h.name, writesBy(server, h.name, last, now).total]));
    last = now;
    const s = { atS: Math.round((now - start) / 1000), rssMB: rss(), writes };
    samples.push(s);
    console.log(
      `${String(s.atS).padStart(4)} s  ${hosts.map((h) => `${h.name} VmRSS ${s.rssMB[h.name]} MB, ${writes[h.name]} writes (${((writes[h.name] ?? 0) * (60 / SAMPLE_S)).toFixed(0)}/min)`).join('; ')}`,
    );
  }
  const flaps = await flap.stop();
  const total = Object.fromEntries(hosts.map((h) => [h.name, writesBy(server, h.name, start, Date.now())]));
  return { flaps, samples, total };
}

async function main(): Promise<number> {
  const why = netnsUnavailableReason();
  if (why !== undefined) {
    console.error(`write-churn: ${why}`);
    return 1;
  }
  return withFakeApiServer(async (server) => {
    const configs = new NodeKubeconfigs();
    let segment: Segment | undefined;
    let agents = new Map<string, RunningAgent>();
    try {
      segment = buildSegment(hosts);
      seedFlapCluster(server, hosts, services, local);
      agents = startFlapAgents(server, hosts, segment.hosts, configs, 10);
      console.log(
        `${services} Services (${local} local), ${hosts.length} node(s): waiting for the announcements`,
      );
      await untilAnnounced(server, (name) => (Number(name.slice(4)) < local ? 1 : 0), 180_000);
      await untilQuiet(server, 3000, 120_000, 2 * hosts.length);
      console.log(`node-a's default route flapping once a second for ${minutes} min`);
      const r = await churn(agents, server, segment.hosts.get('node-a') as string);
      console.log(JSON.stringify({ services, local, nodes: hosts.length, minutes, ...r }));
      return 0;
    } finally {
      for (const a of agents.values()) await a.stop('SIGKILL');
      segment?.destroy();
      configs.cleanup();
    }
  });
}

process.exitCode = await main();
