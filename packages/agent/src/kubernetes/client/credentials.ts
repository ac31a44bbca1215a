// The Authorization header of each request. A token file is re-read at most every TOKEN_REREAD_MS and
// at once after a 401 (the kubelet rotates the projected service-account token in place, as client-go
// expects: it re-reads the file about once a minute). A delegated user (exec plugin, auth-provider)
// loads @kubernetes/client-node on the first request, and only then: it is what knows those.
import { readFile } from 'node:fs/promises';
import type { RequestOptions } from 'node:https';
import type { ClusterAccess } from './access.ts';

export const TOKEN_REREAD_MS = 60_000;

/** What a request carries to prove who sends it. */
export interface Proof {
  authorization?: string;
  /** Client certificate and key an exec plugin returned (delegated users only). */
  cert?: string | Buffer;
  key?: string | Buffer;
}

type Delegate = (opts: RequestOptions) => Promise<void>;

export class Credentials {
  readonly #access: ClusterAccess;
  readonly #now: () => number;
  #token: string | undefined;
  #readAt = Number.NEGATIVE_INFINITY;
  #delegate: Promise<Delegate> | undefined;

  constructor(access: ClusterAccess, now: () => number = Date.now) {
    this.#access = access;
    this.#now = now;
  }

  /** The proof for the next request. */
  async proof(): Promise<Proof> {
    const a = this.#access;
    if (a.delegate !== undefined) return this.#delegated();
    if (a.tokenFile !== undefined) return { authorization: `Bearer ${await this.#fileToken(a.tokenFile)}` };
    if (a.token !== undefined) return { authorization: `Bearer ${a.token}` };
    if (a.basic !== undefined) {
      const pair = Buffer.from(`${a.basic.username}:${a.basic.password}`).toString('base64');
      return { authorization: `Basic ${pair}` };
    }
    return {};
  }

  /** The server refused the proof (401): read the token file again before the next request. */
  refused(): void {
    this.#readAt = Number.NEGATIVE_INFINITY;
  }

  /** Whether a refused request is worth one retry with a fresh proof. */
  get renewable(): boolean {
    return this.#access.tokenFile !== undefined || this.#access.delegate !== undefined;
  }

  async #fileToken(path: string): Promise<string> {
    if (this.#token !== undefined && this.#now() - this.#readAt < TOKEN_REREAD_MS) return this.#token;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      // Mid-rotation the file may be briefly absent: the last token read is still the best guess.
      if (this.#token !== undefined) return this.#token;
      throw new Error(`cannot read the bearer token file ${path}: ${(err as NodeJS.ErrnoException).code}`);
    }
    this.#token = text.trim();
    this.#readAt = this.#now();
    return this.#token;
  }

  async #delegated(): Promise<Proof> {
    this.#delegate ??= loadDelegate(this.#access.delegate as NonNullable<ClusterAccess['delegate']>);
    const apply = await this.#delegate;
    const opts: RequestOptions = { headers: {} };
    await apply(opts);
    const auth = (opts.headers as Record<string, unknown>).Authorization;
    const proof: Proof = {};
    if (typeof auth === 'string') proof.authorization = auth;
    if (opts.cert !== undefined) proof.cert = opts.cert as string | Buffer;
    if (opts.key !== undefined) proof.key = opts.key as string | Buffer;
    return proof;
  }
}

async function loadDelegate(d: NonNullable<ClusterAccess['delegate']>): Promise<Delegate> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(d.kubeconfig);
  kc.setCurrentContext(d.context);
  return (opts) => kc.applyToHTTPSOptions(opts);
}
