// Client-independent HTTP helpers for the fake API server's contract tests: plain node:http requests,
// so what is asserted is the wire behaviour, not what a client library makes of it.
import { request } from 'node:http';
import type { FakeApiServer } from './server.ts';

// Replies are whatever JSON the server sent; the contract tests read into them freely and the
// assertions are what check their shape.
// biome-ignore lint/suspicious/noExplicitAny: untyped JSON read by assertions
type Json = any;

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Json;
}

export function call(
  server: FakeApiServer,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { 'Content-Type': contentType };
    // Node's client sends no length for a DELETE body unless told, and the server would misparse it.
    if (text !== undefined) headers['Content-Length'] = Buffer.byteLength(text);
    const req = request(`${server.baseUrl}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {}
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(text);
  });
}

export interface WatchEvent {
  type: string;
  object: Json;
}

export interface WatchStream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Events received so far. */
  events: WatchEvent[];
  /** Resolves once `n` events have arrived (or rejects if the stream ends first). */
  next(n: number): Promise<WatchEvent[]>;
  /** Resolves when the server ends the stream, with every event received. */
  ended: Promise<WatchEvent[]>;
  close(): void;
}

/** Opens a watch (as the client with bearer `token`, if given) and resolves once the headers arrive. */
export function openWatch(server: FakeApiServer, path: string, token?: string): Promise<WatchStream> {
  const headers = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return new Promise((resolve, reject) => {
    const req = request(`${server.baseUrl}${path}`, { headers }, (res) => {
      const events: WatchEvent[] = [];
      const waiters: { n: number; resolve: (e: WatchEvent[]) => void; reject: (e: Error) => void }[] = [];
      let buf = '';
      let done = false;
      let endResolve: (e: WatchEvent[]) => void = () => {};
      const ended = new Promise<WatchEvent[]>((r) => {
        endResolve = r;
      });
      const wake = () => {
        for (const w of [...waiters]) {
          if (events.length >= w.n) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(events.slice(0, w.n));
          } else if (done) {
            waiters.splice(waiters.indexOf(w), 1);
            w.reject(new Error(`watch ended after ${events.length} events, wanted ${w.n}`));
          }
        }
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i = buf.indexOf('\n');
        while (i >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) events.push(JSON.parse(line));
          i = buf.indexOf('\n');
        }
        wake();
      });
      const finish = () => {
        if (done) return;
        done = true;
        wake();
        endResolve(events);
      };
      res.on('end', finish);
      res.on('close', finish);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        ended,
        next: (n) =>
          new Promise((res2, rej2) => {
            waiters.push({ n, resolve: res2, reject: rej2 });
            wake();
          }),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

export const svc = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', ...extra },
  spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
});

export const SERVICES = '/api/v1/namespaces/default/services';
