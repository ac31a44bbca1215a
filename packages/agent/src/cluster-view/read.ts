// The cluster in one look: one LIST per kind the node agent already reads (deploy/rbac.yaml: Services,
// EndpointSlices and Nodes cluster-wide; ServiceGroups, LBNodeAgents and Leases in PureLB's
// namespace). No GET of a single Service (the agent may only list them), no watch, no write.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CustomResource, EndpointSlice, KubeNode, Lease, Service } from '@purelb-ts/core';
import { type ClusterAccess, KubeRest, loadAccess, PURELB_API } from '../kubernetes/index.ts';
import { CannotLook, type ViewOptions } from './options.ts';

export interface ClusterRead {
  services: Service[];
  endpointSlices: EndpointSlice[];
  serviceGroups: CustomResource[];
  lbNodeAgents: CustomResource[];
  leases: Lease[];
  nodes: KubeNode[];
  /** "SERVER namespace NS", for the header of each table. */
  from: string;
  /** Epoch ms of the read: Leases are judged live at this instant. */
  now: number;
}

/** The error and its causes: fetch says only "fetch failed", the reason (ECONNREFUSED, ...) is its cause. */
export function causes(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e !== undefined && parts.length < 4; e = (e as { cause?: unknown }).cause) {
    parts.push(e instanceof Error ? e.message : String(e));
    if (!(e instanceof Error)) break;
  }
  return parts.join(': ');
}

/**
 * The kubeconfig as kubectl finds it, so the kubectl plugin reads the cluster kubectl talks to:
 * --kubeconfig, else the first file of $KUBECONFIG, else ~/.kube/config if it exists, else none
 * (the in-cluster service account: `kubectl exec … -- purelb status`).
 */
export function kubeconfigPath(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (flag !== undefined) return flag;
  const listed = (env.KUBECONFIG ?? '').split(':').find((p) => p !== '');
  if (listed !== undefined) return listed;
  const home = env.HOME ?? homedir();
  const file = join(home, '.kube', 'config');
  return home !== '' && existsSync(file) ? file : undefined;
}

function access(o: ViewOptions, env: NodeJS.ProcessEnv): ClusterAccess {
  const kubeconfig = kubeconfigPath(o.kubeconfig, env);
  try {
    return loadAccess(kubeconfig === undefined ? {} : { kubeconfig });
  } catch (err) {
    throw new CannotLook(causes(err));
  }
}

interface List<T> {
  items?: T[];
}

/** Every object the cluster-wide commands read, listed at once; CannotLook naming the server on failure. */
export async function readCluster(o: ViewOptions, env: NodeJS.ProcessEnv, now: () => number) {
  const a = access(o, env);
  const rest = new KubeRest(a, { timeoutMs: o.timeoutMs });
  const ns = encodeURIComponent(o.namespace);
  const list = async <T>(path: string): Promise<T[]> => {
    try {
      return (await rest.get<List<T>>(path)).items ?? [];
    } catch (err) {
      throw new CannotLook(`cannot read the cluster at ${a.server}: ${causes(err)}`);
    }
  };
  try {
    const [services, endpointSlices, serviceGroups, lbNodeAgents, leases, nodes] = await Promise.all([
      list<Service>('/api/v1/services'),
      list<EndpointSlice>('/apis/discovery.k8s.io/v1/endpointslices'),
      list<CustomResource>(`${PURELB_API}/namespaces/${ns}/servicegroups`),
      list<CustomResource>(`${PURELB_API}/namespaces/${ns}/lbnodeagents`),
      list<Lease>(`/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`),
      list<KubeNode>('/api/v1/nodes'),
    ]);
    const read: ClusterRead = {
      services,
      endpointSlices,
      serviceGroups,
      lbNodeAgents,
      leases,
      nodes,
      from: `${a.server} namespace ${o.namespace}`,
      now: now(),
    };
    return read;
  } finally {
    rest.transport.close();
  }
}
