// A read-only Kubernetes discovery endpoint (node:http, port 0) serving only the API groups and
// resources the deploy/ manifests use. `kubectl create --dry-run=client` needs a server for one thing:
// mapping each document's apiVersion/kind to a resource. Answering discovery (and nothing else) lets it
// run offline, and a kind missing from this table fails the dry run, as it would on a real cluster
// that lacked it. Every other request is answered 404, so nothing can be created.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedResource {
  /** Plural, as in URLs: "daemonsets". */
  name: string;
  kind: string;
  namespaced: boolean;
}

/** group/version ("v1" for the core group) → its resources. */
export type DiscoveryTable = Record<string, ServedResource[]>;

export interface DiscoveryServer {
  url: string;
  /** Every path asked for, in order, for assertions about what kubectl needed. */
  requests: string[];
  close(): Promise<void>;
}

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

function resourceList(groupVersion: string, resources: ServedResource[]): unknown {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.map((r) => ({
      name: r.name,
      singularName: '',
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: VERBS,
    })),
  };
}

function groupList(table: DiscoveryTable): unknown {
  const groups = new Map<string, string[]>();
  for (const gv of Object.keys(table)) {
    if (!gv.includes('/')) continue;
    const [group, version] = gv.split('/') as [string, string];
    groups.set(group, [...(groups.get(group) ?? []), version]);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => ({
      name,
      versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    })),
  };
}

/** Starts the server on 127.0.0.1 at a free port. */
export async function startDiscoveryServer(table: DiscoveryTable): Promise<DiscoveryServer> {
  const requests: string[] = [];
  const send = (res: ServerResponse, status: number, body: unknown): void => {
    // Plain application/json: kubectl then reads the legacy (unaggregated) discovery documents.
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(`${req.method} ${path}`);
    if (req.method !== 'GET') return send(res, 405, { kind: 'Status', status: 'Failure', code: 405 });
    if (path === '/version') return send(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0' });
    if (path === '/api') return send(res, 200, { kind: 'APIVersions', versions: ['v1'] });
    if (path === '/apis') return send(res, 200, groupList(table));
    const core = /^\/api\/(v1)$/.exec(path);
    const named = /^\/apis\/([^/]+\/[^/]+)$/.exec(path);
    const gv = core?.[1] ?? named?.[1];
    const resources = gv === undefined ? undefined : table[gv];
    if (gv !== undefined && resources !== undefined) return send(res, 200, resourceList(gv, resources));
    return send(res, 404, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** A kubeconfig (YAML text) pointing kubectl at `url`, with no credentials. */
export function kubeconfigFor(url: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{name: discovery, cluster: {server: "${url}"}}]`,
    'users: [{name: nobody, user: {}}]',
    'contexts: [{name: discovery, context: {cluster: discovery, user: nobody}}]',
    'current-context: discovery',
    '',
  ].join('\n');
}
