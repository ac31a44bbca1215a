// Plain-JSON REST calls through client-node's own auth and TLS (KubeConfig + its fetch library).
// The generated typed APIs turn timestamps into Date objects and write them back with three
// fractional digits, which the API server refuses for MicroTime fields (Lease renewTime, Event
// eventTime), and they would hand the agent class instances where the informers hand plain JSON.
// Going through RequestContext keeps one representation: the JSON the API server speaks.
import {
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';

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

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

export type PatchType = 'merge' | 'json' | 'strategic';

const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

const METHODS = {
  GET: HttpMethod.GET,
  POST: HttpMethod.POST,
  PUT: HttpMethod.PUT,
  PATCH: HttpMethod.PATCH,
  DELETE: HttpMethod.DELETE,
} as const;

export interface KubeRestOptions {
  /**
   * Abort a request that has not completed after this long (default 30 s). Without it a blackholed
   * connection would hold a caller (the Lease renewal) for undici's 300 s header timeout.
   */
  timeoutMs?: number;
}

export class KubeRest {
  readonly #kc: KubeConfig;
  readonly #http = new IsomorphicFetchHttpLibrary();
  readonly #timeoutMs: number;
  /** The connection pool every request goes through (see #pooled). */
  #dispatcher: Dispatcher | undefined;

  constructor(kc: KubeConfig, options: KubeRestOptions = {}) {
    this.#kc = kc;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    if (!(this.#timeoutMs > 0)) throw new Error(`KubeRest: timeoutMs must be > 0, got ${this.#timeoutMs}`);
  }

  /** Sends one request; resolves with the decoded JSON body, throws KubeApiError on non-2xx. */
  async request<T = unknown>(
    method: keyof typeof METHODS,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<T> {
    const cluster = this.#kc.getCurrentCluster();
    if (cluster === null) throw new Error('kubeconfig has no current cluster');
    const ctx = new RequestContext(cluster.server + path, METHODS[method]);
    ctx.setHeaderParam('Accept', 'application/json');
    if (body !== undefined) {
      ctx.setHeaderParam('Content-Type', contentType);
      ctx.setBody(JSON.stringify(body));
    }
    await this.#kc.applySecurityAuthentication(ctx);
    this.#pooled(ctx);
    ctx.setSignal(AbortSignal.timeout(this.#timeoutMs));
    let response: ResponseContext;
    let text: string;
    try {
      response = await this.#http.send(ctx).toPromise();
      text = await response.body.text();
    } catch (err) {
      if (err instanceof Error && err.name === 'TimeoutError') {
        throw new Error(`${method} ${path}: no answer within ${this.#timeoutMs} ms`);
      }
      throw err;
    }
    let decoded: unknown;
    try {
      decoded = text === '' ? undefined : JSON.parse(text);
    } catch {
      decoded = text;
    }
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
      throw new KubeApiError(method, path, response.httpStatusCode, decoded);
    }
    return decoded as T;
  }

  /**
   * client-node gives every request a new undici Agent (its own connection pool) and never closes it:
   * one TCP connection per request, left open until the server drops it (~1,900 open sockets and
   * pools at 10k Services). Every request here reuses the first one instead. Its TLS settings (CA,
   * client certificate) stay the kubeconfig's at the first request, as client-node's own agent cache
   * for WebSockets keeps them; the bearer token is a header, read anew for every request.
   */
  #pooled(ctx: RequestContext): void {
    const fresh = ctx.getDispatcher();
    if (fresh === undefined) return;
    if (this.#dispatcher === undefined) {
      this.#dispatcher = fresh;
      return;
    }
    ctx.setDispatcher(this.#dispatcher);
    void fresh.close(); // never used: nothing to wait for
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

export const isStatus = (err: unknown, code: number): boolean =>
  err instanceof KubeApiError && err.statusCode === code;
