// Plain-JSON REST calls to the API server over the agent's own transport (client/transport.ts). The
// objects stay the JSON the API server speaks: MicroTime fields (Lease renewTime, Event eventTime) keep
// their six fractional digits, and callers get plain objects, as the informers hand them.
import type { ClusterAccess } from './client/access.ts';
import { Transport } from './client/transport.ts';

/** A non-2xx answer: the status code and the API server's Status message. */
export class KubeApiError extends Error {
  readonly statusCode: number;
  readonly reason: string | undefined;
  constructor(method: string, path: string, statusCode: number, body: unknown) {
    const status = body as { message?: string; reason?: string } | undefined;
    const detail = typeof status?.message === 'string' ? status.message : JSON.stringify(body);
    super(`${method} ${path}: HTTP ${statusCode}: ${detail}`);
    this.name = 'KubeApiError';
    this.statusCode = statusCode;
    this.reason = typeof status?.reason === 'string' ? status.reason : undefined;
  }
}

export type PatchType = 'merge' | 'json' | 'strategic';

const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface KubeRestOptions {
  /**
   * Abort a request that has not completed after this long (default 30 s). Without it a blackholed
   * connection would hold a caller (the Lease renewal) until the kernel gives up on the socket.
   */
  timeoutMs?: number;
}

export class KubeRest {
  /** The connection pool; KubeRests built on one transport share it. */
  readonly transport: Transport;
  readonly #timeoutMs: number;

  /** The deadline of each request (and of a watch's headers). */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  constructor(to: ClusterAccess | Transport, options: KubeRestOptions = {}) {
    this.transport = to instanceof Transport ? to : new Transport(to);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    if (!(this.#timeoutMs > 0)) throw new Error(`KubeRest: timeoutMs must be > 0, got ${this.#timeoutMs}`);
  }

  /** Sends one request; resolves with the decoded JSON body, throws KubeApiError on non-2xx. */
  async request<T = unknown>(
    method: Method,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<T> {
    const answer = await this.transport.send(method, path, {
      ...(body === undefined ? {} : { body: JSON.stringify(body), contentType }),
      timeoutMs: this.#timeoutMs,
    });
    const decoded = decode(answer.body);
    if (answer.status < 200 || answer.status > 299) {
      throw new KubeApiError(method, path, answer.status, decoded);
    }
    return decoded as T;
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  create<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  replace<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  patch<T = unknown>(path: string, body: unknown, type: PatchType = 'merge'): Promise<T> {
    return this.request<T>('PATCH', path, body, PATCH_CONTENT_TYPE[type]);
  }

  delete<T = unknown>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }
}

/** The JSON of a body; its text when it is not JSON (a proxy's HTML error page). */
export function decode(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const isStatus = (err: unknown, code: number): boolean =>
  err instanceof KubeApiError && err.statusCode === code;
