// One small HTTP(S) transport to the API server over Node's own http/https: one keep-alive connection
// pool for every request and watch of a client, TLS from the ClusterAccess, the Authorization header
// fresh for each request (credentials.ts), and one retry after a 401 when the credentials can be renewed
// (a rotated token file). Answers come back as status + bytes; rest.ts decodes them.
import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ClusterAccess } from './access.ts';
import { Credentials } from './credentials.ts';

export interface Answer {
  status: number;
  body: Buffer;
}

export interface SendOptions {
  body?: string;
  contentType?: string;
  /** The whole exchange (connect, headers, body) must end within this. */
  timeoutMs: number;
}

/** The request never got an answer: refused, reset, timed out, aborted. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
}

export class Transport {
  readonly server: URL;
  readonly #credentials: Credentials;
  readonly #agent: HttpAgent;
  readonly #send: typeof httpRequest;

  constructor(access: ClusterAccess) {
    this.server = new URL(access.server);
    this.#credentials = new Credentials(access);
    const https = this.server.protocol === 'https:';
    if (!https && this.server.protocol !== 'http:') {
      throw new Error(`${access.origin}: server ${access.server} is neither https:// nor http://`);
    }
    this.#send = https ? httpsRequest : httpRequest;
    this.#agent = https
      ? new HttpsAgent({
          keepAlive: true,
          ...(access.ca === undefined ? {} : { ca: access.ca }),
          ...(access.cert === undefined ? {} : { cert: access.cert }),
          ...(access.key === undefined ? {} : { key: access.key }),
          rejectUnauthorized: access.insecureSkipTLSVerify !== true,
          ...(access.tlsServerName === undefined ? {} : { servername: access.tlsServerName }),
        })
      : new HttpAgent({ keepAlive: true });
  }

  /** Sends one request and reads the whole answer. */
  async send(method: string, path: string, o: SendOptions): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.#open(method, path, o.timeoutMs, o.body, o.contentType, undefined);
      const body = await response.read;
      if (response.res.statusCode === 401 && attempt === 0 && this.#credentials.renewable) {
        this.#credentials.refused();
        continue;
      }
      return { status: response.res.statusCode ?? 0, body };
    }
  }

  /**
   * Opens a streaming GET (a watch): resolves with the response once its headers are in, whatever the
   * status; the caller reads or destroys it. `signal` aborts it at any time.
   */
  async stream(path: string, signal: AbortSignal, headerTimeoutMs: number): Promise<IncomingMessage> {
    for (let attempt = 0; ; attempt++) {
      const { res } = await this.#open('GET', path, headerTimeoutMs, undefined, undefined, signal);
      if (res.statusCode === 401 && attempt === 0 && this.#credentials.renewable) {
        res.destroy();
        this.#credentials.refused();
        continue;
      }
      return res;
    }
  }

  /** Closes idle pooled connections (open watches end when their signals abort). */
  close(): void {
    this.#agent.destroy();
  }

  async #open(
    method: string,
    path: string,
    timeoutMs: number,
    body: string | undefined,
    contentType: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ res: IncomingMessage; read: Promise<Buffer> }> {
    const proof = await this.#credentials.proof();
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (proof.authorization !== undefined) headers.Authorization = proof.authorization;
    if (body !== undefined) {
      headers['Content-Type'] = contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const options: RequestOptions & { cert?: string | Buffer; key?: string | Buffer } = {
      method,
      host: this.server.hostname.replace(/^\[|\]$/g, ''),
      port: this.server.port,
      path: this.server.pathname.replace(/\/$/, '') + path,
      headers,
      agent: this.#agent,
      ...(signal === undefined ? {} : { signal }),
      ...(proof.cert === undefined ? {} : { cert: proof.cert }),
      ...(proof.key === undefined ? {} : { key: proof.key }),
    };
    return new Promise((resolve, reject) => {
      const req = this.#send(options);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy();
      }, timeoutMs);
      const why = (err: unknown) =>
        new TransportError(
          timedOut
            ? `${method} ${path}: no answer within ${timeoutMs} ms`
            : `${method} ${path}: ${err instanceof Error ? err.message : String(err)}`,
        );
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(why(err));
      });
      req.once('response', (res) => {
        if (signal !== undefined) {
          // A stream: the header deadline is met; from here the caller keeps time.
          clearTimeout(timer);
          resolve({ res, read: Promise.resolve(Buffer.alloc(0)) });
          return;
        }
        const read = readAll(res).then(
          (b) => {
            clearTimeout(timer);
            return b;
          },
          (err: unknown) => {
            clearTimeout(timer);
            throw why(err);
          },
        );
        read.catch(() => {}); // surfaced through `read` to the caller
        resolve({ res, read });
      });
      req.end(body);
    });
  }
}

function readAll(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.once('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
    res.once('aborted', () => reject(new Error('connection closed before the answer was complete')));
  });
}
