// Writes the API server can bear: three nodes on one segment carrying 1,000 Services (140 on the local
// pool, the rest remote; PURELB_FLAP_NODES=1 keeps node-a alone) and node-a's default route deleted
// and re-added once a second inside its namespace. Every node's writes (Events, Service PATCHes, Lease
// renewals) are counted from the fake API server's request log, where each node signs its requests
// with its own token: at most 60 a minute per node while the route flaps. Once it stops, the
// announcing annotations say what the node announces (coalesced, not lost).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { withFakeApiServer } from '../../../../test/support/kube.ts';
import { netnsUnavailableReason } from '../../../../test/support/netns.ts';
import { statusMB } from '../../bench/proc.ts';
import type { RunningAgent } from '../support/agent-process.ts';
import { NODES } from '../support/election-cluster.ts';
import {
  flapDefaultRoute,
  NodeKubeconfigs,
  seedFlapCluster,
  serviceIP,
  startFlapAgents,
  untilAnnounced,
  untilQuiet,
  writesBy,
} from '../support/flap-cluster.ts';
import { buildSegment, type Segment } from '../support/segment.ts';

const skip = netnsUnavailableReason();
const SERVICES = Number(process.env.PURELB_FLAP_SERVICES ?? 1000);
const LOCAL = 140;
const FLAP_MS = Number(process.env.PURELB_FLAP_MS ?? 30_000);
const PER_MINUTE = 60;
const LEASE_SECONDS = 10;
/** Nodes on the segment, node-a first (the one whose route flaps). */
const HOSTS = NODES.slice(0, Number(process.env.PURELB_FLAP_NODES ?? 3));

describe('writes while a default route flaps', { skip, timeout: 170_000 }, () => {
  it(`${SERVICES} Services, node-a's default route flapping once a second: each node writes at most ${PER_MINUTE} times a minute`, async (t) => {
    await withFakeApiServer(async (server) => {
      const configs = new NodeKubeconfigs();
      let segment: Segment | undefined;
      let agents = new Map<string, RunningAgent>();
      try {
        segment = buildSegment(HOSTS);
        seedFlapCluster(server, HOSTS, SERVICES, LOCAL);
        agents = startFlapAgents(server, HOSTS, segment.hosts, configs, LEASE_SECONDS);
        // A local address has its holder's slot; a remote one (every node, on kube-lb0) none.
        await untilAnnounced(server, (name) => (Number(name.slice(4)) < LOCAL ? 1 : 0), 90_000);
        // Settled: the start-up's writes done, or trickling at most as fast as a writes budget lets them.
        await untilQuiet(server, 3000, 60_000, 2 * HOSTS.length);
        const rss = (name: string) => statusMB(agents.get(name)?.child.pid as number, 'VmRSS');
        const rssBefore = HOSTS.map((n) => rss(n.name));
        const flap = flapDefaultRoute(segment.hosts.get('node-a') as string, 1000);
        const from = Date.now();
        await new Promise((r) => setTimeout(r, FLAP_MS));
        const flaps = await flap.stop();
        const to = Date.now();
        const minutes = (to - from) / 60_000;
        t.diagnostic(`${flaps} flaps in ${((to - from) / 1000).toFixed(1)} s`);
        const over: string[] = [];
        for (const [i, n] of HOSTS.entries()) {
          const w = writesBy(server, n.name, from, to);
          const perMinute = w.total / minutes;
          t.diagnostic(
            `${n.name}: ${perMinute.toFixed(0)} writes/min (events ${w.events}, service patches ${w.servicePatches}, leases ${w.leases}, other ${w.other} in the window); VmRSS ${rssBefore[i]} -> ${rss(n.name)} MB`,
          );
          if (perMinute > PER_MINUTE) over.push(`${n.name} ${perMinute.toFixed(0)}/min`);
        }
        assert.deepEqual(over, [], `nodes over ${PER_MINUTE} writes a minute`);
        // One slot per local address again; node-a's own on enp1s0 when it is alone.
        const slot = (i: number) => `node-a,enp1s0,${serviceIP(i, LOCAL)}`;
        await untilAnnounced(
          server,
          (name) => (Number(name.slice(4)) < LOCAL ? 1 : 0),
          15_000,
          (name, v) => {
            const i = Number(name.slice(4));
            return HOSTS.length > 1 || i >= LOCAL || v === slot(i);
          },
        );
      } finally {
        for (const a of agents.values()) await a.stop('SIGKILL');
        // A directory to keep the agents' logs in, to see what they wrote and why.
        const keep = process.env.PURELB_FLAP_LOGS;
        if (keep !== undefined) for (const [n, a] of agents) writeFileSync(`${keep}/${n}.log`, a.stderr);
        segment?.destroy();
        configs.cleanup();
      }
    });
  });
});
