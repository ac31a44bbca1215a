// /metrics, /healthz (the process answers) and /readyz (the first reconcile has completed), on the
// addresses asked for only: the node agent shares the node's network namespace, where "every
// address" includes each LoadBalancer address, so it never listens on all of them unless told to.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HttpEndpoints {
  /** One server per address, all on `port`. */
  servers: Server[];
  addresses: string[];
  port: number;
  close(): Promise<void>;
}

/** With nothing said, loopback only: nothing outside the host can reach it. */
const LOOPBACK = ['127.0.0.1'];

/** When port 0 (any free port) gives a port another address already uses, how often to try again. */
const PORT_ZERO_TRIES = 5;

const hostPort = (address: string, port: number): string =>
  address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;

function handler(registry: Registry, ready: () => boolean): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics failed: ${String(err)}\n`);
        },
      );
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
    } else if (path === '/readyz') {
      const ok = ready();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(ok ? 'ready\n' : 'first reconcile not done\n');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found: try /metrics, /healthz or /readyz\n');
    }
  };
}

const closeAll = (servers: readonly Server[]): Promise<void> =>
  Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => {});

function listen(server: Server, address: string, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** The address and port that could not be bound, and why. */
class ListenError extends Error {
  readonly code: string | undefined;
  constructor(address: string, port: number, cause: NodeJS.ErrnoException) {
    const hint =
      cause.code === 'EADDRNOTAVAIL' ? ' (not an address of this host: see --metrics-address)' : '';
    super(`cannot serve /metrics on ${hostPort(address, port)}: ${cause.message}${hint}`, { cause });
    this.code = cause.code;
  }
}

/** Listens on every address at one port; on failure closes what it opened and throws a ListenError. */
async function listenAll(listener: RequestListener, addresses: readonly string[], port: number) {
  const servers: Server[] = [];
  let chosen = port;
  for (const address of addresses) {
    const server = createServer(listener);
    try {
      chosen = await listen(server, address, chosen);
    } catch (err) {
      await closeAll(servers);
      throw new ListenError(address, chosen, err as NodeJS.ErrnoException);
    }
    servers.push(server);
  }
  return { servers, port: chosen };
}

/**
 * Serves on each of `addresses` (loopback when none are given) at `port`; 0 picks one free port for
 * all of them. Fails naming the address it could not bind, with nothing left listening.
 */
export async function serveHttp(
  port: number,
  registry: Registry,
  ready: () => boolean,
  addresses: readonly string[] = LOOPBACK,
): Promise<HttpEndpoints> {
  if (addresses.length === 0) throw new Error('serveHttp: no address to listen on');
  const listener = handler(registry, ready);
  for (let attempt = 1; ; attempt++) {
    try {
      const { servers, port: bound } = await listenAll(listener, addresses, port);
      return { servers, addresses: [...addresses], port: bound, close: () => closeAll(servers) };
    } catch (err) {
      // Port 0: the port the first address got may be taken on another; pick again.
      if (err instanceof ListenError && err.code === 'EADDRINUSE' && port === 0 && attempt < PORT_ZERO_TRIES)
        continue;
      throw err;
    }
  }
}
