// `node --conditions=purelb-source packages/agent/bench/reconcile-steps.ts [N]`: what one reconcile
// of N Services (default 10,000, realistic objects projected as the watches keep them, each with its
// address on kube-lb0) costs step by step, in process: the node decision (checks, config, core's
// desiredState, warnings), the same through the reconciler's memo after a restore, and the plan. Median time and JS heap bytes allocated per call (core's
// GCProfiler-based count, bench/desired-state.ts). For finding where a restore at 10k goes.
import {
  configWarnings,
  DecisionMemo,
  desiredState,
  type NodeNetwork,
  PURELB_ADDRESS_PROTOCOL,
  planReconcile,
} from '@purelb-ts/core';
import { allocatedBytes } from '../../purelb-core/bench/desired-state.ts';
import { link, seedNode } from '../../purelb-core/test/fixtures/seed-node.ts';
import {
  projectCustomResource,
  projectEndpointSlice,
  projectNode,
  projectNodeService,
} from '../src/kubernetes/project.ts';
import { checkedState, decideNode, nodeConfig } from '../src/node-decision.ts';
import type { ClusterState } from '../src/sources/source.ts';
import { group, seedGroups } from '../test/support/manifests.ts';
import { realisticService, realisticSlice } from './objects.ts';

const N = Number(process.argv[2] ?? 10_000);
const NODE = 'purelb2-1';
const ip = (k: number) => `10.200.${(256 + k) >> 8}.${(256 + k) & 255}`;

function state(): ClusterState {
  const services = [];
  const endpointSlices = [];
  for (let k = 0; k < N; k++) {
    const name = `svc-${k}`;
    const svc = realisticService({ name, clusterIP: `10.96.${k >> 8}.${k & 255}`, ip: ip(k) }) as {
      status?: unknown;
    };
    svc.status = { loadBalancer: { ingress: [{ ip: ip(k), ipMode: 'VIP' }] } };
    services.push(projectNodeService(svc));
    endpointSlices.push(projectEndpointSlice(realisticSlice({ service: name, node: NODE })));
  }
  const objects = [...seedGroups(), group('bench', 'remote', '10.200.0.0/16', '10.200.0.0/16', '/32')];
  const crs = objects.map((o) => projectCustomResource(o));
  const node = projectNode({ metadata: { name: NODE, uid: 'u' }, status: { addresses: [] } });
  return {
    services,
    endpointSlices,
    serviceGroups: crs.filter((c) => c.kind === 'ServiceGroup'),
    lbNodeAgents: crs.filter((c) => c.kind === 'LBNodeAgent'),
    leases: [],
    node,
    nodes: [node],
  };
}

function network(): NodeNetwork {
  const seed = seedNode();
  const index = 99;
  const kube = link({
    index,
    name: 'kube-lb0',
    kind: 'dummy',
    alias: 'purelb virtual interface',
    operState: 'unknown',
  });
  const held = Array.from({ length: N }, (_, k) => ({
    family: 4 as const,
    index,
    address: ip(k),
    prefixLength: 32,
    flags: 0x80,
    scope: 0,
    validLifetime: Number.POSITIVE_INFINITY,
    preferredLifetime: Number.POSITIVE_INFINITY,
    protocol: PURELB_ADDRESS_PROTOCOL,
  }));
  return { ...seed, links: [...seed.links, kube], addresses: [...seed.addresses, ...held] };
}

function measure(name: string, fn: () => unknown, runs = 9): void {
  const times: number[] = [];
  const bytes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    bytes.push(allocatedBytes(() => void fn()));
    times.push(performance.now() - t0);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  process.stdout.write(
    `${name.padEnd(40)} ${med(times).toFixed(1).padStart(8)} ms ${(med(bytes) / 1e6).toFixed(1).padStart(8)} MB\n`,
  );
}

const s = state();
const net = network();
const ownership = { protocol: PURELB_ADDRESS_PROTOCOL };
const input = { node: NODE, state: s, network: net, membership: { standalone: true as const }, ownership };
const decision = decideNode(input);
process.stdout.write(`${N} Services: ${decision.desired.placements.length} placements\n`);
measure('decideNode (checks, config, desired, warnings)', () => decideNode(input));
// The reconciler's memo, with the network read anew as after `ip addr del` of one owned address.
const memo = new DecisionMemo();
decideNode({ ...input, memo });
const restored = { ...net, addresses: net.addresses.slice(1) };
measure('decideNode, one owned address gone (memo)', () => decideNode({ ...input, network: restored, memo }));
// One Service changed (a new object, as a watch event brings): the memo decides that one again.
let flip = 0;
measure('decideNode, one Service changed (memo)', () => {
  const services = [...s.services];
  services[0] = {
    ...(services[0] as (typeof services)[0]),
    metadata: { ...services[0]!.metadata, resourceVersion: String(++flip) },
  };
  return decideNode({ ...input, state: { ...s, services }, memo });
});
const checked = checkedState(s).state;
const config = nodeConfig(checked, NODE, net, undefined);
measure('  checkedState', () => checkedState(s));
measure('  nodeConfig', () => nodeConfig(checked, NODE, net, undefined));
measure('  desiredState', () =>
  desiredState({
    node: NODE,
    nodeLabels: {},
    services: checked.services,
    endpointSlices: checked.endpointSlices,
    groups: config.groups,
    agents: config.agents,
    members: decision.members,
    network: net,
    ownership,
    frozen: config.frozen,
    nodes: checked.nodes,
  }),
);
measure('  configWarnings', () =>
  configWarnings({ groups: config.groups, services: checked.services, network: net }),
);
measure('planReconcile', () => planReconcile(decision.desired, net, ownership));
