// An in-process fake Kubernetes API server on node:http (127.0.0.1, port 0), written from the API
// conventions (https://kubernetes.io/docs/reference/using-api/api-concepts/) so the real
// @kubernetes/client-node and kubectl can be pointed at it. It is checked against the spec and kubectl
// only, not against a live API server.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { coreVersions, group, groupList, resourceList } from './discovery.ts';
import { ApiError, statusBody } from './errors.ts';
import { type Fault, Faults, type Verb } from './faults.ts';
import { jsonPatch, mergePatch, PatchError, strategicMergePatch } from './patch.ts';
import { apiVersionOf, findResource, RESOURCES, type ResourceType } from './resources.ts';
import { type Matcher, parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.ts';
import { applyServiceDefaults } from './service-defaults.ts';
import { type KubeObject, Store, type StoreEvent } from './store.ts';
import type { FieldError } from './validate.ts';

export interface FakeApiServerOptions {
  /** How many events the log keeps before older ones are compacted (default 10000). */
  compactionWindow?: number;
  /** Namespaces that exist from the start (default: default, kube-system, kube-public, kube-node-lease). */
  namespaces?: string[];
  /** How often a watch with allowWatchBookmarks=true gets a BOOKMARK (default 60000 ms). */
  bookmarkIntervalMs?: number;
  /** 'stream' (default): an expired resourceVersion gets an in-stream ERROR event; 'http': HTTP 410. */
  expiredWatchAs?: 'stream' | 'http';
  /** The in-stream ERROR's reason (default 'Expired'; some servers say 'Gone'). */
  expiredReason?: 'Expired' | 'Gone';
  /** The server's clock, for creationTimestamp (default: the real one). */
  clock?: () => Date;
  /**
   * Serve HTTPS with this key and certificate (PEM). With `clientCa`, a client certificate signed by it
   * authenticates its sender as `cert:<CN>` (requestLog's caller); without one the client needs a token.
   */
  tls?: { key: string | Buffer; cert: string | Buffer; clientCa?: string | Buffer };
  /**
   * Authentication: a request whose bearer token this refuses, and that has no trusted client
   * certificate, gets 401 Unauthorized, as a real API server answers a stale or unknown token.
   * Default: every request is accepted, with or without a token.
   */
  acceptToken?: (token: string) => boolean;
}

interface Route {
  r: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

interface OpenWatch {
  socket: Socket;
  close: () => void;
  /** The resource plural it follows. */
  plural: string;
  /** A half-open stream: still connected, delivering nothing ever again (stallWatches). */
  stalled: boolean;
  /** The client's bearer token ('' with none). */
  caller: string;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class FakeApiServer {
  readonly store: Store;
  readonly faults = new Faults();
  readonly options: Required<Omit<FakeApiServerOptions, 'tls' | 'acceptToken'>> &
    Pick<FakeApiServerOptions, 'tls' | 'acceptToken'>;
  /** Every request as "VERB path?query", for tests that check what a client sent. */
  readonly requests: string[] = [];
  /**
   * Every request with when it arrived (ms since the epoch) and who sent it (its bearer token, '' with
   * none), for tests that count one client's requests among several (each given its own token).
   */
  readonly requestLog: { at: number; method: string; path: string; caller: string }[] = [];
  private readonly server: Server;
  private readonly watches = new Set<OpenWatch>();
  private readonly sockets = new Set<Socket>();
  private url = '';

  constructor(options: FakeApiServerOptions = {}) {
    this.options = {
      compactionWindow: options.compactionWindow ?? 10000,
      namespaces: options.namespaces ?? ['default', 'kube-system', 'kube-public', 'kube-node-lease'],
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60000,
      expiredWatchAs: options.expiredWatchAs ?? 'stream',
      expiredReason: options.expiredReason ?? 'Expired',
      clock: options.clock ?? (() => new Date()),
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      ...(options.acceptToken === undefined ? {} : { acceptToken: options.acceptToken }),
    };
    this.store = new Store(this.options.compactionWindow);
    const nsType = findResource('', 'v1', 'namespaces')!;
    for (const ns of this.options.namespaces) {
      this.create(nsType, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      this.dispatch(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.sendError(res, err);
        else res.destroy();
      });
    };
    const tls = options.tls;
    this.server =
      tls === undefined
        ? createServer(handle)
        : createHttpsServer(
            {
              key: tls.key,
              cert: tls.cert,
              ...(tls.clientCa === undefined ? {} : { ca: tls.clientCa, requestCert: true }),
              rejectUnauthorized: false,
            },
            handle,
          );
    this.server.on(tls === undefined ? 'connection' : 'secureConnection', (s: Socket) => {
      // Down: the port still accepts (as a load balancer in front of a dead API server does) but every
      // connection is reset at once, so clients see ECONNRESET on every request and watch.
      if (this.down) {
        s.destroy();
        return;
      }
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const scheme = this.options.tls === undefined ? 'http' : 'https';
    this.url = `${scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  get baseUrl(): string {
    return this.url;
  }

  async stop(): Promise<void> {
    for (const w of this.watches) w.close();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Whether goDown() is in effect. */
  down = false;

  /**
   * The API server goes away: every open connection (watches included) is destroyed and every new one is
   * reset until comeUp(). The store is kept, as etcd keeps it across an API server restart.
   */
  goDown(): void {
    this.down = true;
    for (const w of [...this.watches]) w.socket.destroy();
    for (const s of this.sockets) s.destroy();
  }

  comeUp(): void {
    this.down = false;
  }

  /**
   * Destroys the socket of every open watch, as a load balancer or API server restart would; with
   * `caller`, only that client's (its bearer token), as a network cut between it and the server.
   */
  dropWatches(caller?: string): number {
    const dropped = [...this.watches].filter((w) => caller === undefined || w.caller === caller);
    for (const w of dropped) w.socket.destroy();
    return dropped.length;
  }

  /** Ends every open watch cleanly, as the server's own request timeout does; clients resume from their last resourceVersion. */
  endWatches(): number {
    const n = this.watches.size;
    for (const w of [...this.watches]) w.close();
    return n;
  }

  openWatchCount(): number {
    return this.watches.size;
  }

  /**
   * Every open watch of `plural` goes silent for good while its connection stays open, as a stream
   * through a middlebox that lost it (no events, no bookmarks, no end). Watches opened later work:
   * the client has to notice and watch again. Returns how many were stalled.
   */
  stallWatches(plural: string): number {
    let n = 0;
    for (const w of this.watches) {
      if (w.plural !== plural) continue;
      w.stalled = true;
      n++;
    }
    return n;
  }

  /** Compacts the event log now: a watch resuming from any earlier resourceVersion gets 410. */
  compact(): void {
    this.store.compact();
  }

  // ---- direct access for test setup (same rules as over HTTP) ----------------------------------

  resource(apiVersion: string, kind: string): ResourceType {
    const [g, v] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const r = RESOURCES.find((x) => x.group === g && x.version === v && x.kind === kind);
    if (!r) throw new Error(`fake API server: no resource ${apiVersion} ${kind}`);
    return r;
  }

  /** Creates an object as a POST would (validation, defaults, events). */
  apply(obj: Record<string, unknown>): KubeObject {
    const r = this.resource(String(obj.apiVersion), String(obj.kind));
    const meta = (obj.metadata ?? {}) as { namespace?: string };
    return this.create(r, r.namespaced ? (meta.namespace ?? 'default') : undefined, structuredClone(obj));
  }

  // ---- dispatch --------------------------------------------------------------------------------

  /** `cert:<CN>` for a client certificate the server's client CA signed, else undefined. */
  private certifiedCaller(req: IncomingMessage): string | undefined {
    const socket = req.socket as TLSSocket;
    if (this.options.tls?.clientCa === undefined || !socket.authorized) return undefined;
    const cn = socket.getPeerCertificate().subject?.CN;
    return typeof cn === 'string' ? `cert:${cn}` : undefined;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://fake');
    this.requests.push(`${req.method} ${u.pathname}${u.search}`);
    const auth = req.headers.authorization ?? '';
    const certified = this.certifiedCaller(req);
    this.requestLog.push({
      at: Date.now(),
      method: req.method ?? '',
      path: u.pathname,
      caller: certified ?? (auth.startsWith('Bearer ') ? auth.slice(7) : ''),
    });
    const accept = this.options.acceptToken;
    if (
      accept !== undefined &&
      certified === undefined &&
      !accept(auth.startsWith('Bearer ') ? auth.slice(7) : '')
    ) {
      throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    }
    const parts = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const route = this.route(parts);
    const verb = this.verbOf(req.method ?? 'GET', route, u);
    const fault = this.faults.take(verb, route?.r.plural, auth.startsWith('Bearer ') ? auth.slice(7) : '');
    if (fault) await this.injure(fault, res);
    if (res.writableEnded || res.destroyed) return;

    const discovery = this.discovery(parts);
    if (discovery !== undefined) return this.sendJson(res, 200, discovery);
    if (!route) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');

    const { r, namespace, name, subresource } = route;
    if (subresource !== undefined && (subresource !== 'status' || !r.status))
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (
      r.plural === 'leases' &&
      ['create', 'update', 'patch'].includes(verb) &&
      this.faults.leaseWriteDelayMs > 0
    )
      await sleep(this.faults.leaseWriteDelayMs);

    switch (verb) {
      case 'watch':
        return this.watch(req, res, r, namespace, u.searchParams);
      case 'list':
        return this.sendJson(res, 200, this.list(r, namespace, u.searchParams));
      case 'get':
        return this.sendJson(res, 200, this.mustGet(r, namespace, name!));
      case 'create': {
        if (name !== undefined) throw new ApiError(405, 'MethodNotAllowed', 'POST is not allowed on an item');
        const body = this.faults.skewed(r.plural, await readJson(req));
        return this.sendJson(res, 201, this.create(r, namespace, body));
      }
      case 'update':
        return this.sendJson(
          res,
          200,
          this.update(r, namespace, name!, this.faults.skewed(r.plural, await readJson(req)), subresource),
        );
      case 'patch':
        return this.sendJson(res, 200, await this.patch(req, r, namespace, name!, subresource));
      case 'delete':
        return this.sendJson(res, 200, this.remove(r, namespace, name!, await readOptionalJson(req)));
      default:
        throw new ApiError(405, 'MethodNotAllowed', `${req.method} is not supported here`);
    }
  }

  private verbOf(method: string, route: Route | undefined, u: URL): Verb {
    const item = route?.name !== undefined;
    switch (method) {
      case 'GET':
        if (item) return 'get';
        return ['true', '1'].includes(u.searchParams.get('watch') ?? '') ? 'watch' : 'list';
      case 'POST':
        return 'create';
      case 'PUT':
        return 'update';
      case 'PATCH':
        return 'patch';
      case 'DELETE':
        return 'delete';
      default:
        return 'other';
    }
  }

  private async injure(fault: Fault, res: ServerResponse): Promise<void> {
    if (fault.stallMs) await sleep(fault.stallMs);
    if (fault.status) {
      const reason = fault.status === 429 ? 'TooManyRequests' : 'InternalError';
      const headers: Record<string, string> = fault.status === 429 ? { 'Retry-After': '1' } : {};
      this.sendJson(res, fault.status, statusBody(fault.status, reason, `injected ${fault.status}`), headers);
    }
  }

  private discovery(parts: string[]): unknown | undefined {
    const p = parts.join('/');
    if (p === 'api') return coreVersions(this.url.replace(/^https?:\/\//, ''));
    if (p === 'apis') return groupList();
    if (p === 'version')
      return {
        major: '1',
        minor: '32',
        gitVersion: 'v1.32.0-fake',
        platform: 'linux/amd64',
        goVersion: 'none',
      };
    if (parts.length === 2 && parts[0] === 'api') return resourceList('', parts[1]!);
    if (parts.length === 2 && parts[0] === 'apis') return group(parts[1]!);
    if (parts.length === 3 && parts[0] === 'apis') return resourceList(parts[1]!, parts[2]!);
    return undefined;
  }

  private route(parts: string[]): Route | undefined {
    let g: string;
    let v: string;
    let rest: string[];
    if (parts[0] === 'api' && parts.length >= 3) [g, v, rest] = ['', parts[1]!, parts.slice(2)];
    else if (parts[0] === 'apis' && parts.length >= 4) [g, v, rest] = [parts[1]!, parts[2]!, parts.slice(3)];
    else return undefined;
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      const r = findResource(g, v, rest[2]!);
      if (r?.namespaced) {
        namespace = rest[1];
        rest = rest.slice(2);
      }
    }
    const r = findResource(g, v, rest[0]!);
    if (!r || rest.length > 3) return undefined;
    return { r, namespace: r.namespaced ? namespace : undefined, name: rest[1], subresource: rest[2] };
  }

  // ---- reads -----------------------------------------------------------------------------------

  private matcher(namespace: string | undefined, q: URLSearchParams): Matcher {
    try {
      const label = parseLabelSelector(q.get('labelSelector'));
      const field = parseFieldSelector(q.get('fieldSelector'));
      return (o) =>
        (namespace === undefined || (o.metadata as { namespace?: string }).namespace === namespace) &&
        label(o) &&
        field(o);
    } catch (err) {
      if (err instanceof SelectorError) throw new ApiError(400, 'BadRequest', err.message);
      throw err;
    }
  }

  private list(r: ResourceType, namespace: string | undefined, q: URLSearchParams): unknown {
    const match = this.matcher(namespace, q);
    const rv = String(this.store.currentRv());
    const after = continueAfter(q.get('continue'));
    // Matched on the stored objects (read only); only the page returned is cloned.
    const matched = this.store
      .sorted(r, namespace)
      .filter(([key, o]) => (after === undefined || key > after) && match(o));
    const limit = Number(q.get('limit') ?? 0);
    const metadata: Record<string, unknown> = { resourceVersion: rv };
    let page = matched;
    if (limit > 0 && matched.length > limit) {
      metadata.remainingItemCount = matched.length - limit;
      page = matched.slice(0, limit);
      metadata.continue = Buffer.from(JSON.stringify({ after: page.at(-1)?.[0] })).toString('base64url');
    }
    const items = page.map(([, o]) => structuredClone(o));
    return { kind: `${r.kind}List`, apiVersion: apiVersionOf(r), metadata, items };
  }

  private mustGet(r: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const o = this.store.get(r, namespace, name);
    if (!o) throw notFound(r, name);
    return o;
  }

  private watch(
    req: IncomingMessage,
    res: ServerResponse,
    r: ResourceType,
    namespace: string | undefined,
    q: URLSearchParams,
  ): void {
    const match = this.matcher(namespace, q);
    const rvParam = q.get('resourceVersion') ?? '';
    let replay: StoreEvent[] | 'expired' = [];
    const initial = rvParam === '' || rvParam === '0';
    // Events at or below the requested resourceVersion are never sent, even one ahead of the store
    // (the real server would wait for it; this one streams from there).
    let from = 0;
    if (!initial) {
      const rv = Number(rvParam);
      from = rv;
      if (!Number.isInteger(rv) || rv < 0)
        throw new ApiError(400, 'BadRequest', `invalid resource version: ${JSON.stringify(rvParam)}`);
      replay = this.store.eventsAfter(rv);
    }
    const expiredMsg = `too old resource version: ${rvParam} (${this.store.compactedRv + 1})`;
    if (replay === 'expired' && this.options.expiredWatchAs === 'http')
      throw new ApiError(410, 'Gone', expiredMsg);

    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    const send = (type: string, object: unknown) => {
      if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
    };
    if (replay === 'expired') {
      send('ERROR', statusBody(410, this.options.expiredReason, expiredMsg));
      res.end();
      return;
    }

    const id = apiVersionOf(r);
    // Set once the watch is registered below; replayed events come before and are never stalled.
    let registered: OpenWatch | undefined;
    const deliver = (e: StoreEvent) => {
      if (registered?.stalled === true) return;
      if (e.resource !== `${r.group}/${r.version}/${r.plural}` || e.rv <= from) return;
      const now = match(e.object);
      const before = e.previous ? match(e.previous) : false;
      if (e.type === 'MODIFIED') {
        if (now && before) send('MODIFIED', e.object);
        else if (now) send('ADDED', e.object);
        else if (before) send('DELETED', e.object);
      } else if (now) send(e.type, e.object);
    };
    if (initial) for (const o of this.store.list(r, namespace)) if (match(o)) send('ADDED', o);
    for (const e of replay) deliver(e);
    // A slow watch (faults.watchDelayMs) holds each live event back; the replay above is not slowed.
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    const delays = this.faults.watchDelayMs;
    const unsubscribe = this.store.subscribe((e) => {
      const ms = delays.get(`${r.plural} ${token}`) ?? delays.get(r.plural) ?? 0;
      if (ms > 0) setTimeout(() => deliver(e), ms);
      else deliver(e);
    });

    const timers: NodeJS.Timeout[] = [];
    const cleanup = () => {
      unsubscribe();
      for (const t of timers) clearTimeout(t);
      this.watches.delete(watch);
    };
    // Ending a watch stops its deliveries at once, before the end of the stream is even flushed.
    const end = () => {
      cleanup();
      res.end();
    };
    const auth = req.headers.authorization ?? '';
    const watch: OpenWatch = {
      socket: req.socket,
      close: end,
      plural: r.plural,
      stalled: false,
      caller: auth.startsWith('Bearer ') ? auth.slice(7) : '',
    };
    registered = watch;
    this.watches.add(watch);
    // 'finish' comes before the client can see the end of the stream; 'close' covers an aborted one.
    res.on('finish', cleanup);
    res.on('close', cleanup);
    if (['true', '1'].includes(q.get('allowWatchBookmarks') ?? '')) {
      const bookmark = setInterval(
        () =>
          !watch.stalled &&
          send('BOOKMARK', {
            kind: r.kind,
            apiVersion: id,
            metadata: { resourceVersion: String(this.store.currentRv()) },
          }),
        this.options.bookmarkIntervalMs,
      );
      timers.push(bookmark);
    }
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    if (timeout > 0) timers.push(setTimeout(end, timeout * 1000));
  }

  // ---- writes ----------------------------------------------------------------------------------

  private create(r: ResourceType, namespace: string | undefined, body: unknown): KubeObject {
    const obj = this.checkBody(r, body);
    const meta = obj.metadata;
    if (r.namespaced) {
      if (namespace === undefined)
        throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      if (meta.namespace !== undefined && meta.namespace !== namespace)
        throw new ApiError(
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      meta.namespace = namespace;
      if (!this.store.get(findResource('', 'v1', 'namespaces')!, undefined, namespace))
        throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, {
          name: namespace,
          kind: 'namespaces',
        });
    } else delete meta.namespace;
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== '')
      throw new ApiError(400, 'BadRequest', 'resourceVersion should not be set on objects to be created');
    if (!meta.name && typeof meta.generateName === 'string' && meta.generateName) {
      let name: string;
      do {
        name =
          meta.generateName +
          Array.from({ length: 5 }, () => NAME_CHARS[Math.floor(Math.random() * 27)]).join('');
      } while (this.store.get(r, namespace, name));
      meta.name = name;
    }
    if (!meta.name)
      throw invalid(r, '', [
        {
          field: 'metadata.name',
          kind: 'invalid',
          message: 'Required value: name or generateName is required',
        },
      ]);
    this.checkName(r, meta.name);
    if (this.store.get(r, namespace, meta.name))
      throw new ApiError(
        409,
        'AlreadyExists',
        `${r.plural}${r.group ? `.${r.group}` : ''} "${meta.name}" already exists`,
        {
          name: meta.name,
          group: r.group,
          kind: r.plural,
        },
      );
    if (r.status) delete obj.status;
    if (r.kind === 'Service' && r.group === '') applyServiceDefaults(obj, undefined, this.store.peek(r));
    if (r.kind === 'Namespace') obj.status = { phase: 'Active' };
    this.validate(r, obj);
    Object.assign(meta, {
      uid: randomUUID(),
      creationTimestamp: `${this.options.clock().toISOString().slice(0, 19)}Z`,
      generation: 1,
    });
    delete meta.deletionTimestamp;
    return this.store.write(r, obj, 'ADDED');
  }

  private update(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    subresource: string | undefined,
  ): KubeObject {
    const obj = this.checkBody(r, body);
    const current = this.mustGet(r, namespace, name);
    if (obj.metadata.name !== undefined && obj.metadata.name !== name)
      throw new ApiError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
    if (r.namespaced && obj.metadata.namespace !== undefined && obj.metadata.namespace !== namespace)
      throw new ApiError(
        400,
        'BadRequest',
        'the namespace of the object does not match the namespace on the URL',
      );
    const precondition = obj.metadata.resourceVersion;
    if (
      precondition !== undefined &&
      precondition !== '' &&
      precondition !== current.metadata.resourceVersion
    )
      throw conflict(r, name);

    let next: KubeObject;
    if (subresource === 'status') {
      // The status subresource changes status only.
      next = { ...current, status: obj.status };
      if (obj.status === undefined) delete next.status;
    } else {
      next = obj;
      if (r.status) {
        if (current.status === undefined) delete next.status;
        else next.status = current.status;
      }
      // System metadata is the server's, whatever the client sent.
      for (const k of ['uid', 'creationTimestamp', 'generation', 'deletionTimestamp'])
        if (current.metadata[k] !== undefined) next.metadata[k] = current.metadata[k];
        else delete next.metadata[k];
      next.metadata.name = name;
      if (r.namespaced) next.metadata.namespace = namespace;
      if (r.kind === 'Service' && r.group === '') applyServiceDefaults(next, current, this.store.peek(r));
    }
    this.validate(r, next);
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    if (JSON.stringify(next) === JSON.stringify(current)) return current; // a no-op write keeps its rv
    if (subresource !== 'status' && specOf(r, next) !== specOf(r, current))
      next.metadata.generation = Number(current.metadata.generation ?? 0) + 1;
    return this.store.write(r, next, 'MODIFIED');
  }

  private async patch(
    req: IncomingMessage,
    r: ResourceType,
    namespace: string | undefined,
    name: string,
    subresource: string | undefined,
  ): Promise<KubeObject> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    const body = await readJson(req);
    const current = this.mustGet(r, namespace, name);
    let patched: unknown;
    try {
      if (type === 'application/merge-patch+json') patched = mergePatch(current, body);
      else if (type === 'application/json-patch+json') patched = jsonPatch(current, body);
      else if (type === 'application/strategic-merge-patch+json' && !r.group.endsWith('purelb.io'))
        patched = strategicMergePatch(current, body);
      else
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json${r.group.endsWith('purelb.io') ? '' : ', application/strategic-merge-patch+json'}`,
        );
    } catch (err) {
      if (err instanceof PatchError) throw new ApiError(422, 'Invalid', err.message);
      throw err;
    }
    return this.update(r, namespace, name, patched, subresource);
  }

  private remove(r: ResourceType, namespace: string | undefined, name: string, options: unknown): KubeObject {
    const current = this.mustGet(r, namespace, name);
    const pre = (options as { preconditions?: { resourceVersion?: string; uid?: string } } | undefined)
      ?.preconditions;
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion)
      throw conflict(r, name);
    if (pre?.uid && pre.uid !== current.metadata.uid) throw conflict(r, name);
    return this.store.remove(r, namespace, name)!;
  }

  private checkBody(r: ResourceType, body: unknown): KubeObject {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new ApiError(400, 'BadRequest', `the body must be a JSON object (a ${r.kind})`);
    const obj = body as KubeObject;
    const want = apiVersionOf(r);
    if (obj.apiVersion !== undefined && obj.apiVersion !== want)
      throw new ApiError(
        400,
        'BadRequest',
        `apiVersion ${JSON.stringify(obj.apiVersion)} does not match ${want}`,
      );
    if (obj.kind !== undefined && obj.kind !== r.kind)
      throw new ApiError(400, 'BadRequest', `kind ${JSON.stringify(obj.kind)} does not match ${r.kind}`);
    obj.apiVersion = want;
    obj.kind = r.kind;
    if (obj.metadata === undefined) obj.metadata = {} as KubeObject['metadata'];
    if (typeof obj.metadata !== 'object' || obj.metadata === null)
      throw new ApiError(400, 'BadRequest', 'metadata must be an object');
    return obj;
  }

  private checkName(r: ResourceType, name: string): void {
    const [re, what, max] =
      r.kind === 'Service'
        ? [DNS1035_LABEL, 'a DNS-1035 label', 63]
        : r.kind === 'Namespace'
          ? [DNS1123_LABEL, 'a DNS-1123 label', 63]
          : [DNS1123_SUBDOMAIN, 'a DNS-1123 subdomain', 253];
    if (!re.test(name) || name.length > max)
      throw invalid(r, name, [
        { field: 'metadata.name', value: name, kind: 'invalid', message: `Invalid value: must be ${what}` },
      ]);
  }

  private validate(r: ResourceType, obj: KubeObject): void {
    const errors = r.validate(obj);
    if (errors.length === 0) return;
    const decode = errors.filter((e) => e.kind === 'decode');
    if (decode.length > 0) {
      const e = decode[0]!;
      throw new ApiError(
        400,
        'BadRequest',
        `${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: ${e.field}: ${e.message}`,
        {
          causes: decode.map((d) => ({ reason: 'FieldValueInvalid', field: d.field, message: d.message })),
        },
      );
    }
    throw invalid(r, obj.metadata.name ?? '', errors);
  }

  // ---- replies ---------------------------------------------------------------------------------

  private sendJson(
    res: ServerResponse,
    code: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const text = JSON.stringify(body);
    res.writeHead(code, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  private sendError(res: ServerResponse, err: unknown): void {
    if (err instanceof ApiError) {
      this.sendJson(res, err.code, statusBody(err.code, err.reason, err.message, err.details));
    } else {
      const msg = err instanceof Error ? err.message : String(err);
      this.sendJson(res, 500, statusBody(500, 'InternalError', `fake API server bug: ${msg}`));
    }
  }
}

/** The namespace/name a continue token says the next page starts after; undefined for the first page. */
function continueAfter(token: string | null): string | undefined {
  if (!token) return undefined;
  try {
    const after: unknown = JSON.parse(Buffer.from(token, 'base64url').toString()).after;
    if (typeof after === 'string') return after;
  } catch {}
  throw new ApiError(400, 'BadRequest', 'continue key is not valid');
}

function specOf(r: ResourceType, o: KubeObject): string {
  const { metadata: _m, status, ...rest } = o;
  return JSON.stringify(r.status ? rest : { ...rest, status });
}

function notFound(r: ResourceType, name: string): ApiError {
  const kind = `${r.plural}${r.group ? `.${r.group}` : ''}`;
  return new ApiError(404, 'NotFound', `${kind} "${name}" not found`, {
    name,
    group: r.group,
    kind: r.plural,
  });
}

function conflict(r: ResourceType, name: string): ApiError {
  const kind = `${r.plural}${r.group ? `.${r.group}` : ''}`;
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${kind} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: r.group, kind: r.plural },
  );
}

function invalid(r: ResourceType, name: string, errors: FieldError[]): ApiError {
  const kind = r.group ? `${r.kind}.${r.group}` : r.kind;
  const causes = errors.map((e) => ({
    reason: 'FieldValueInvalid',
    field: e.field,
    message: e.value === undefined ? e.message : `Invalid value: ${JSON.stringify(e.value)}: ${e.message}`,
  }));
  const list = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  return new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${list}`, {
    name,
    group: r.group,
    kind: r.kind,
    causes,
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, 'BadRequest', `the request body is not valid JSON: ${(err as Error).message}`);
  }
}

async function readOptionalJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, 'BadRequest', `the request body is not valid JSON: ${(err as Error).message}`);
  }
}

export type { Fault, Verb };
export { ApiError, statusBody };
