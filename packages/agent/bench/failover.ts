// The failover rounds of `npm run bench:agent`: three node namespaces on one bridge (the segment of
// the multi-node test), three real agents in Kubernetes mode, one fake API server, one local
// address. Each round waits for a steady state (one holder, every agent's Lease renewed since it
// started, the holder unchanged for SETTLE_MS), signals the holder, and measures from the signal to
// the moment another node holds the address (a netlink monitor per node namespace timestamps it).
// The signal comes after a random pause of up to half a lease duration, so kills land anywhere in
// the holder's renewal cycle. The signalled agent is started again before the next round; after
// SIGKILL the address it left on its interface is removed first, as a reboot would.
import { performance } from 'node:perf_hooks';
import { startFakeApiServer, writeKubeconfig } from '../../../test/support/kube.ts';
import { ip } from '../../../test/support/netns.ts';
import type { RunningAgent } from '../test/support/agent-process.ts';
import {
  leaseRenewals,
  NODES,
  seedElectionCluster,
  startNodeAgent,
  VIP,
} from '../test/support/election-cluster.ts';
import { buildSegment, type Segment } from '../test/support/segment.ts';
import { steadyHolder, untilOneHolder, VipHolders } from '../test/support/vip-holders.ts';
import { onInterrupt } from './interrupt.ts';

export type FailoverSignal = 'SIGTERM' | 'SIGKILL';

export interface FailoverOptions {
  termRounds: number;
  killRounds: number;
  leaseSeconds: number;
  say: (s: string) => void;
  track: (agent: RunningAgent) => void;
}

export interface Round {
  signal: FailoverSignal;
  from: string;
  to: string;
  ms: number;
}

const SETTLE_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STEADY_LIMIT_MS = 30_000;

export async function failover(o: FailoverOptions): Promise<Round[]> {
  const server = await startFakeApiServer();
  const kc = writeKubeconfig(server);
  const forget = onInterrupt(kc.cleanup);
  let segment: Segment | undefined;
  let holders: VipHolders | undefined;
  const agents = new Map<string, RunningAgent>();
  const startedAt = new Map<string, number>();
  const logs = () => [...agents].map(([name, a]) => `--- ${name}\n${a.stderr.slice(-3000)}`).join('\n');
  const all = NODES.map((n) => n.name);
  try {
    segment = buildSegment(NODES);
    const nsOf = (name: string) => segment?.hosts.get(name) as string;
    holders = await VipHolders.open(segment.hosts, VIP);
    await seedElectionCluster(server, NODES);
    const renewedSinceStart = async () => {
      const renewals = await leaseRenewals(server);
      return all.every((n) => (renewals.get(`purelb-node-${n}`) ?? 0) >= (startedAt.get(n) ?? Infinity));
    };

    const plan: FailoverSignal[] = [
      ...Array<FailoverSignal>(o.termRounds).fill('SIGTERM'),
      ...Array<FailoverSignal>(o.killRounds).fill('SIGKILL'),
    ];
    const rounds: Round[] = [];
    for (const [i, signal] of plan.entries()) {
      for (const n of all) {
        if (agents.has(n)) continue;
        startedAt.set(n, Date.now());
        const a = startNodeAgent(nsOf(n), n, kc.kubeconfig, o.leaseSeconds);
        agents.set(n, a);
        o.track(a);
      }
      const winner = await steadyHolder(holders, {
        among: all,
        ready: renewedSinceStart,
        logs,
        settleMs: SETTLE_MS,
        limitMs: STEADY_LIMIT_MS,
      });

      // A node dies at any point of its renewal cycle, not a fixed time after the bench settled.
      await sleep(Math.random() * o.leaseSeconds * 500);
      const agent = agents.get(winner) as RunningAgent;
      const rest = all.filter((n) => n !== winner);
      const t0 = performance.now();
      const exited = agent.stop(signal);
      const next = await untilOneHolder(holders, {
        among: rest,
        // After SIGTERM the old holder must withdraw before anyone else adds it; a killed one cannot.
        living: signal === 'SIGTERM' ? all : rest,
        since: t0,
        limitMs: signal === 'SIGTERM' ? 10_000 : (o.leaseSeconds + 10) * 1000,
        logs,
      });
      const code = await exited;
      if (signal === 'SIGTERM' && code !== 0)
        throw new Error(`${winner} exited ${code} on SIGTERM\n${logs()}`);
      agents.delete(winner);
      if (holders.holders([winner]).length > 0) ip(nsOf(winner), 'addr', 'del', `${VIP}/24`, 'dev', 'enp1s0');
      const round = { signal, from: winner, to: next.holders[0] as string, ms: Math.round(next.ms) };
      rounds.push(round);
      o.say(`round ${i + 1}/${plan.length}: ${signal} ${round.from} → ${round.to} in ${round.ms} ms`);
    }
    return rounds;
  } catch (err) {
    o.say(`failover failed; agents' log tails:\n${logs()}`);
    throw err;
  } finally {
    for (const a of agents.values()) await a.stop('SIGKILL');
    holders?.close();
    segment?.destroy();
    await server.stop();
    kc.cleanup();
    forget();
  }
}
