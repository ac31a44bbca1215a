// Where the API server is and how to prove who we are: read from a kubeconfig file or from the pod's
// service account, into plain data the transport (transport.ts) uses. Nothing here loads
// @kubernetes/client-node: a kubeconfig user that needs it (an exec plugin, an auth-provider such as
// OIDC) is recorded as `delegate` and credentials.ts loads client-node for it on the first request.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';

/**
 * A kubeconfig's document: JSON as it is (a JSON kubeconfig needs no YAML parser), YAML through the
 * yaml package, loaded only then (it adds ~10 MB to a process that runs in a cluster without it).
 */
function parseDocument(text: string): unknown {
  if (/^\s*\{/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // not JSON after all: YAML is a superset, let it say what is wrong
    }
  }
  const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return parse(text);
}

export interface ClusterAccess {
  /** Base URL, e.g. https://10.96.0.1:443 (no trailing slash). */
  server: string;
  /** Trusted CA bundle (PEM); absent: the system's CAs. */
  ca?: Buffer;
  /** Client certificate and key (PEM) for TLS client authentication. */
  cert?: Buffer;
  key?: Buffer;
  insecureSkipTLSVerify?: boolean;
  /** SNI and certificate name to expect instead of the server URL's host. */
  tlsServerName?: string;
  /** A fixed bearer token. */
  token?: string;
  /** A bearer token file, re-read as it rotates (the projected service account token). */
  tokenFile?: string;
  basic?: { username: string; password: string };
  /** A user only client-node can authenticate (exec, auth-provider): the file and its context. */
  delegate?: { kubeconfig: string; context: string };
  /** Where this came from, for error messages: "kubeconfig /path (context ctx)" or "in-cluster". */
  origin: string;
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The pod's service account: env KUBERNETES_SERVICE_HOST/PORT, its token file and CA. */
export function inClusterAccess(
  env: NodeJS.ProcessEnv = process.env,
  dir: string = SERVICE_ACCOUNT_DIR,
): ClusterAccess {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  if (host === '') {
    throw new Error(
      'no --kubeconfig given and not running in a cluster (KUBERNETES_SERVICE_HOST is not set)',
    );
  }
  const ca = readOrExplain(join(dir, 'ca.crt'), 'the service account CA');
  const tokenFile = join(dir, 'token');
  readOrExplain(tokenFile, 'the service account token');
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    ca,
    tokenFile,
    origin: 'in-cluster service account',
  };
}

type Yaml = Record<string, unknown>;
const obj = (v: unknown): Yaml => (typeof v === 'object' && v !== null ? (v as Yaml) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** One named entry of a kubeconfig list (clusters, users, contexts), or an error naming it. */
function named(config: Yaml, list: string, name: string, where: string): Yaml {
  const items = Array.isArray(config[list]) ? (config[list] as unknown[]) : [];
  const found = items.map(obj).find((i) => i.name === name);
  if (found === undefined) throw new Error(`${where}: no ${list.slice(0, -1)} named "${name}"`);
  return obj(found[list.slice(0, -1)]);
}

/** The current context's cluster and user in a kubeconfig file; throws an error naming what is wrong. */
export function kubeconfigAccess(path: string, contextName?: string): ClusterAccess {
  let config: Yaml;
  try {
    const doc: unknown = parseDocument(readFileSync(path, 'utf8'));
    if (typeof doc !== 'object' || doc === null) throw new Error('expected a document (a YAML mapping)');
    config = obj(doc);
  } catch (err) {
    throw new Error(`cannot load kubeconfig ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const context = contextName ?? str(config['current-context']);
  if (context === undefined) throw new Error(`kubeconfig ${path} has no current context with a cluster`);
  const where = `kubeconfig ${path} (context ${context})`;
  const ctx = named(config, 'contexts', context, where);
  const cluster = named(config, 'clusters', str(ctx.cluster) ?? '', where);
  const server = str(cluster.server);
  if (server === undefined) throw new Error(`${where}: the cluster has no server`);
  if (str(cluster['proxy-url']) !== undefined) throw new Error(`${where}: proxy-url is not supported`);
  const file = (key: string, dataKey: string, from: Yaml): Buffer | undefined => {
    const data = str(from[dataKey]);
    if (data !== undefined) return Buffer.from(data, 'base64');
    const p = str(from[key]);
    if (p === undefined) return undefined;
    return readOrExplain(isAbsolute(p) ? p : join(dirname(path), p), `${where} ${key}`);
  };
  const access: ClusterAccess = { server: server.replace(/\/+$/, ''), origin: where };
  assign(access, 'ca', file('certificate-authority', 'certificate-authority-data', cluster));
  if (cluster['insecure-skip-tls-verify'] === true) access.insecureSkipTLSVerify = true;
  assign(access, 'tlsServerName', str(cluster['tls-server-name']));
  const userName = str(ctx.user);
  if (userName !== undefined) addUser(access, named(config, 'users', userName, where), path, context, file);
  return access;
}

function addUser(
  access: ClusterAccess,
  user: Yaml,
  path: string,
  context: string,
  file: (key: string, dataKey: string, from: Yaml) => Buffer | undefined,
): void {
  if (user.exec !== undefined || user['auth-provider'] !== undefined) {
    access.delegate = { kubeconfig: path, context };
    return;
  }
  assign(access, 'cert', file('client-certificate', 'client-certificate-data', user));
  assign(access, 'key', file('client-key', 'client-key-data', user));
  assign(access, 'token', str(user.token));
  const tokenFile = str(user.tokenFile);
  if (tokenFile !== undefined)
    access.tokenFile = isAbsolute(tokenFile) ? tokenFile : join(dirname(path), tokenFile);
  const username = str(user.username);
  if (username !== undefined) access.basic = { username, password: str(user.password) ?? '' };
}

function assign<K extends keyof ClusterAccess>(
  access: ClusterAccess,
  key: K,
  value: ClusterAccess[K] | undefined,
): void {
  if (value !== undefined) access[key] = value;
}

function readOrExplain(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new Error(`cannot read ${what} (${path}): ${code}`);
  }
}
