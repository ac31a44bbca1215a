// What this node should carry comes from one of two places: the manifest file (standalone), or the API
// server through one LIST per kind (a single consistent-enough look; no informers, no watches). Only
// GET/LIST on what the agent already reads, so it runs with the agent's own service account.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CustomResource, EndpointSlice, KubeNode, Lease, Service } from '@purelb-ts/core';
import { isStatus, KubeRest, loadAccess, PURELB_API } from '../kubernetes/index.ts';
import { createLogger } from '../log.ts';
import type { ClusterState } from '../sources/source.ts';
import { parseManifests } from '../sources/standalone.ts';
import { CannotLook, type DiagnoseOptions } from './options.ts';

export interface Expectations {
  state: ClusterState;
  /** "standalone FILE" or "kubernetes SERVER namespace NS", for the report's header. */
  from: string;
}

/** The error and its causes: fetch says only "fetch failed", the reason (ECONNREFUSED, ...) is its cause. */
function message(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e !== undefined && parts.length < 4; e = (e as { cause?: unknown }).cause) {
    parts.push(e instanceof Error ? e.message : String(e));
    if (!(e instanceof Error)) break;
  }
  return parts.join(': ');
}

function fromFile(file: string): Expectations {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CannotLook(`cannot read ${path}: ${message(err)}`);
  }
  // Objects of other kinds are skipped silently: the diagnosis reports, it does not log.
  const quiet = createLogger('error', () => {});
  try {
    return { state: parseManifests(text, path, quiet), from: `standalone ${path}` };
  } catch (err) {
    throw new CannotLook(message(err));
  }
}

interface List<T> {
  items?: T[];
}

async function fromCluster(o: DiagnoseOptions, kubeconfig: string | undefined): Promise<Expectations> {
  let access: ReturnType<typeof loadAccess>;
  try {
    access = loadAccess(kubeconfig === undefined ? {} : { kubeconfig });
  } catch (err) {
    throw new CannotLook(message(err));
  }
  const server = access.server;
  const rest = new KubeRest(access, { timeoutMs: o.timeoutMs });
  const ns = encodeURIComponent(o.namespace);
  const list = async <T>(path: string): Promise<T[]> => {
    try {
      return (await rest.get<List<T>>(path)).items ?? [];
    } catch (err) {
      throw new CannotLook(`cannot read the cluster at ${server}: ${message(err)}`);
    }
  };
  const node = async (): Promise<KubeNode> => {
    const path = `/api/v1/nodes/${encodeURIComponent(o.node)}`;
    try {
      return await rest.get<KubeNode>(path);
    } catch (err) {
      if (isStatus(err, 404)) {
        throw new CannotLook(
          `node ${o.node} does not exist in the cluster at ${server} (set --node or NODE_NAME)`,
        );
      }
      throw new CannotLook(`cannot read the cluster at ${server}: ${message(err)}`);
    }
  };
  const [services, endpointSlices, serviceGroups, lbNodeAgents, leases, self, nodes] = await Promise.all([
    list<Service>('/api/v1/services'),
    list<EndpointSlice>('/apis/discovery.k8s.io/v1/endpointslices'),
    list<CustomResource>(`${PURELB_API}/namespaces/${ns}/servicegroups`),
    list<CustomResource>(`${PURELB_API}/namespaces/${ns}/lbnodeagents`),
    list<Lease>(`/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`),
    node(),
    list<KubeNode>('/api/v1/nodes'),
  ]);
  return {
    state: { services, endpointSlices, serviceGroups, lbNodeAgents, leases, node: self, nodes },
    from: `kubernetes ${server} namespace ${o.namespace}`,
  };
}

export function readExpectations(o: DiagnoseOptions): Promise<Expectations> {
  if (o.source.kind === 'standalone') return Promise.resolve(fromFile(o.source.file));
  return fromCluster(o, o.source.kubeconfig);
}
