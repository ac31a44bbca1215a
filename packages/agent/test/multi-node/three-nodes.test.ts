// Three nodes on one L2 segment (three namespaces joined by veths to a bridge in a fourth "switch"
// namespace), three real agents in Kubernetes mode against one fake API server, one local address.
// Exactly one node holds it and answers ARP for it; SIGTERM the winner and another takes it without
// ever two holding it at once; SIGKILL that one and the third takes it once the dead Lease lapses.
// Failover times are recorded as diagnostics, not asserted.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { call } from '../../../../test/fake-apiserver/http-helpers.ts';
import { type FakeApiServer, withFakeApiServer, writeKubeconfig } from '../../../../test/support/kube.ts';
import {
  createNetns,
  deleteNetns,
  inNetns,
  ip,
  ipJson,
  netnsUnavailableReason,
} from '../../../../test/support/netns.ts';
import { RunningAgent, v4Addresses } from '../support/agent-process.ts';
import { group, service } from '../support/manifests.ts';

const skip = netnsUnavailableReason();
const NODE_BIN = resolve(import.meta.dirname, '../../../../node_modules/.bin/node');
const VIP = '172.30.250.53';
const LEASE_SECONDS = 3;
const NODES = [
  { name: 'node-a', ip: '172.30.250.101' },
  { name: 'node-b', ip: '172.30.250.102' },
  { name: 'node-c', ip: '172.30.250.103' },
] as const;

/** The switch namespace's bridge, and a host namespace wired to it as enp1s0 with `addr`/24. */
function attach(sw: string, ns: string, port: string, addr: string): void {
  ip(sw, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'enp1s0', 'netns', ns);
  ip(sw, 'link', 'set', port, 'master', 'br0');
  ip(sw, 'link', 'set', port, 'up');
  ip(ns, 'link', 'set', 'enp1s0', 'up');
  ip(ns, 'addr', 'add', `${addr}/24`, 'dev', 'enp1s0');
  ip(ns, 'route', 'add', 'default', 'via', '172.30.250.1', 'dev', 'enp1s0');
}

const holds = (ns: string): boolean => v4Addresses(ns).get('enp1s0')?.includes(`${VIP}/24`) ?? false;

function macOf(ns: string): string {
  const [link] = ipJson<{ address: string }[]>(ns, 'link', 'show', 'dev', 'enp1s0');
  assert.ok(link, `enp1s0 in ${ns}`);
  return link.address;
}

/**
 * Makes the client resolve the VIP (a UDP datagram to it: there is no `ping` on every machine, and any
 * packet needs ARP first) and returns the MAC its neighbour table then holds for it.
 */
async function clientResolves(client: string): Promise<string | undefined> {
  ip(client, 'neigh', 'flush', 'dev', 'enp1s0');
  const send = `const s = require('node:dgram').createSocket('udp4'); s.send('x', 9, '${VIP}', () => s.close());`;
  for (let i = 0; i < 100; i++) {
    if (i % 25 === 0) inNetns(client, NODE_BIN, ['-e', send]);
    const entries = ipJson<{ dst: string; lladdr?: string }[]>(client, 'neigh', 'show', VIP);
    const mac = entries.find((e) => e.dst === VIP)?.lladdr;
    if (mac !== undefined) return mac;
    await new Promise((r) => setTimeout(r, 40));
  }
  return undefined;
}

async function addService(server: FakeApiServer, name: string, addr: string): Promise<void> {
  const obj = service({ name, ip: addr }) as { status: unknown };
  server.apply(obj as Record<string, unknown>);
  // As the allocator does: status through the status subresource (a create ignores it).
  const r = await call(
    server,
    'PATCH',
    `/api/v1/namespaces/default/services/${name}/status`,
    { status: obj.status },
    'application/merge-patch+json',
  );
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

const LB_NODE_AGENT = {
  apiVersion: 'purelb.io/v2',
  kind: 'LBNodeAgent',
  metadata: { name: 'default', namespace: 'purelb' },
  spec: {
    local: {
      localInterface: 'default',
      dummyInterface: 'kube-lb0',
      garpConfig: { enabled: true, count: 1, initialDelay: '10ms', verifyBeforeSend: true },
    },
  },
};

interface Sample {
  holders: string[];
  ms: number;
}

/**
 * Samples all nodes until exactly one of `among` holds the VIP (and `ready` holds), asserting on every
 * sample, when `strict`, that no two nodes hold it at once. Returns who holds it and when, relative to `since`.
 */
async function untilOneHolder(
  nodes: Map<string, string>,
  among: string[],
  since: number,
  limitMs: number,
  logs: () => string,
  { strict = true, ready = async () => true }: { strict?: boolean; ready?: () => Promise<boolean> } = {},
): Promise<Sample> {
  for (;;) {
    const holders = [...nodes].filter(([, ns]) => holds(ns)).map(([name]) => name);
    const ms = performance.now() - since;
    if (strict) assert.ok(holders.length <= 1, `two nodes hold ${VIP} at once: ${holders.join(', ')}`);
    if (holders.length === 1 && among.includes(holders[0] as string) && (await ready()))
      return { holders, ms };
    if (ms > limitMs) {
      throw new Error(
        `no node among ${among.join(', ')} held ${VIP} within ${limitMs} ms (holders: ${holders.join(', ') || 'none'})\n${logs()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('three nodes on one segment', { skip }, () => {
  it('one node holds the local address; SIGTERM and SIGKILL fail it over to the others, never two at once', async (t) => {
    await withFakeApiServer(async (server) => {
      const kc = writeKubeconfig(server);
      const made: string[] = [];
      const agents = new Map<string, RunningAgent>();
      const logs = () => [...agents].map(([name, a]) => `--- ${name}\n${a.stderr}`).join('\n');
      try {
        const sw = createNetns();
        made.push(sw);
        ip(sw, 'link', 'add', 'br0', 'type', 'bridge');
        ip(sw, 'link', 'set', 'br0', 'up');
        const nodes = new Map<string, string>();
        for (const [i, n] of NODES.entries()) {
          const ns = createNetns();
          made.push(ns);
          attach(sw, ns, `port${i}`, n.ip);
          nodes.set(n.name, ns);
        }
        const client = createNetns();
        made.push(client);
        attach(sw, client, 'portc', '172.30.250.200');

        server.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'purelb' } });
        for (const n of NODES) {
          server.apply({
            apiVersion: 'v1',
            kind: 'Node',
            metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name } },
          });
        }
        // The LBNodeAgent (announcing takeovers with one GARP) and the local pool 172.30.250.50-.60.
        server.apply(LB_NODE_AGENT);
        server.apply(group('default', 'local', '172.30.250.50-172.30.250.60', '172.30.250.0/24', 'default'));
        await addService(server, 'web', VIP);

        for (const n of NODES) {
          const args = ['--kubeconfig', kc.kubeconfig, '--namespace', 'purelb', '--node', n.name];
          agents.set(
            n.name,
            new RunningAgent(nodes.get(n.name) as string, '', [
              ...args,
              '--lease-duration',
              String(LEASE_SECONDS),
            ]),
          );
        }

        const all = NODES.map((n) => n.name);
        // While the agents start, one may briefly win alone before it sees the others' Leases: wait for all
        // three Leases and a single holder, then require that holder to stay the only one.
        const leases = async () =>
          (await call(server, 'GET', '/apis/coordination.k8s.io/v1/namespaces/purelb/leases')).body.items
            .length;
        const first = await untilOneHolder(nodes, all, performance.now(), 15_000, logs, {
          strict: false,
          ready: async () => (await leases()) === 3,
        });
        const winner = first.holders[0] as string;
        // Once every agent has seen all three Leases the winner is settled: hold steady over a lease period.
        const settle = performance.now();
        while (performance.now() - settle < LEASE_SECONDS * 1000) {
          const s = await untilOneHolder(nodes, all, performance.now(), 5_000, logs);
          assert.equal(s.holders[0], winner, 'the winner is stable while all three live');
        }
        assert.ok(
          (agents.get(winner) as RunningAgent).logs.some(
            (l) => l.msg.startsWith('address placed') && l.ip === VIP,
          ),
          `${winner} logged placing ${VIP}`,
        );
        assert.equal(
          await clientResolves(client),
          macOf(nodes.get(winner) as string),
          'ARP resolves to the winner',
        );

        // SIGTERM the winner: it withdraws, then deletes its Lease; another node takes over.
        const termAt = performance.now();
        const termExit = (agents.get(winner) as RunningAgent).stop('SIGTERM');
        const rest = all.filter((n) => n !== winner);
        const second = await untilOneHolder(nodes, rest, termAt, 10_000, logs);
        assert.equal(await termExit, 0, logs());
        const successor = second.holders[0] as string;
        t.diagnostic(`SIGTERM failover ${winner} -> ${successor}: ${second.ms.toFixed(0)} ms`);
        assert.equal(
          await clientResolves(client),
          macOf(nodes.get(successor) as string),
          'ARP resolves to the successor',
        );

        // SIGKILL the successor and take its link down, as when a node dies: its Lease stays until it
        // lapses, then the last node takes over and announces itself (GARP) to the segment.
        const killAt = performance.now();
        await (agents.get(successor) as RunningAgent).stop('SIGKILL');
        ip(nodes.get(successor) as string, 'link', 'set', 'enp1s0', 'down');
        const last = rest.filter((n) => n !== successor);
        // The dead node still carries the address on its downed link; sample the living ones.
        const living = new Map([...nodes].filter(([name]) => name !== successor));
        const third = await untilOneHolder(living, last, killAt, (LEASE_SECONDS + 10) * 1000, logs);
        const heir = third.holders[0] as string;
        t.diagnostic(
          `SIGKILL failover ${successor} -> ${heir}: ${third.ms.toFixed(0)} ms (lease ${LEASE_SECONDS} s)`,
        );
        // The client still has the dead node's MAC cached: only the heir's GARP can have changed it.
        const heirMac = macOf(nodes.get(heir) as string);
        const cached = async () =>
          ipJson<{ dst: string; lladdr?: string }[]>(client, 'neigh', 'show', VIP).find((e) => e.dst === VIP)
            ?.lladdr;
        for (let i = 0; i < 100 && (await cached()) !== heirMac; i++)
          await new Promise((r) => setTimeout(r, 20));
        assert.equal(await cached(), heirMac, 'the GARP moved the client to the heir without it asking');
        assert.equal(await clientResolves(client), heirMac, 'ARP resolves to the heir');
        assert.ok(!holds(nodes.get(winner) as string), 'the terminated node never took it back');
      } finally {
        for (const a of agents.values()) await a.stop('SIGKILL');
        for (const ns of made) deleteNetns(ns);
        kc.cleanup();
      }
    });
  });
});
