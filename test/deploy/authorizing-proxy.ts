// A proxy in front of the fake API server that does what the real one does before it stores anything
// and the fake does not: it authenticates every request as one service account (the way a pod's bound
// token would: username, groups, and the pod's node in the user's extra), authorizes it with deploy/'s
// RBAC (403 when no grant covers it), and runs deploy/'s admission policies on every write (403 when
// one refuses, with the object and oldObject the API server would hand them). What passes is forwarded
// unchanged, watches included. Every request is recorded with the grants that allowed it and the
// admission decision, for a test to hold the code's requests against the manifests.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jsonPatch, mergePatch, strategicMergePatch } from '../fake-apiserver/patch.ts';
import { findResource } from '../fake-apiserver/resources.ts';
import type { FakeApiServer } from '../support/kube.ts';
import {
  type AdmissionRequest,
  admit,
  type Binding,
  type Decision,
  type Policy,
  type UserInfo,
} from './admission-policy.ts';
import { authorizing, type Grant, type RequestAttributes } from './rbac.ts';

export interface RecordedRequest extends RequestAttributes {
  method: string;
  path: string;
  /** When it arrived (ms since the epoch). */
  at: number;
  /** The grants that authorized it (empty: refused by RBAC). */
  grants: Grant[];
  /** For writes: the admission policies' decision. */
  admission?: Decision;
  /** The status the client got. */
  status: number;
}

export interface AuthorizingProxy {
  url: string;
  user: UserInfo;
  requests: RecordedRequest[];
  /** Answers the next `count` requests matching with this HTTP status, as the API server might (e.g. 409). */
  failNext(filter: (r: RequestAttributes) => boolean, status: number, count?: number): void;
  close(): Promise<void>;
}

const VERBS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** The RBAC attributes of a request path, or undefined for a non-resource URL (discovery, /version). */
export function attributesOf(method: string, url: URL): RequestAttributes | undefined {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) [group, version, rest] = ['', parts[1] ?? '', parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 4)
    [group, version, rest] = [parts[1] ?? '', parts[2] ?? '', parts.slice(3)];
  else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource = '', name, sub] = rest;
  if (findResource(group, version, resource) === undefined && resource !== 'namespaces')
    throw new Error(`authorizing proxy: unknown resource ${url.pathname}`);
  let verb: string;
  if (method === 'GET') {
    if (name !== undefined) verb = 'get';
    else verb = ['true', '1'].includes(url.searchParams.get('watch') ?? '') ? 'watch' : 'list';
  } else {
    verb = VERBS[method] ?? method.toLowerCase();
    if (verb === 'delete' && name === undefined) verb = 'deletecollection';
  }
  return {
    verb,
    group,
    resource: sub === undefined ? resource : `${resource}/${sub}`,
    ...(namespace === undefined ? {} : { namespace }),
    // The authorizer sees no name for a create: it is in the body, not the path.
    ...(name === undefined || verb === 'create' ? {} : { name }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

// biome-ignore lint/suspicious/noExplicitAny: objects as free-form JSON.
type Json = any;

/** The object the write would store, as admission sees it (patches applied, subresource rules kept). */
function objectAfter(
  method: string,
  contentType: string,
  body: Json,
  old: Json | undefined,
  sub: string,
): Json {
  let next: Json;
  if (method === 'POST' || method === 'PUT') next = structuredClone(body);
  else if (contentType === 'application/merge-patch+json') next = mergePatch(old, body);
  else if (contentType === 'application/json-patch+json') next = jsonPatch(old, body);
  else if (contentType === 'application/strategic-merge-patch+json') next = strategicMergePatch(old, body);
  else throw new Error(`authorizing proxy: patch type ${contentType}`);
  if (old === undefined) return next;
  // Through /status only status changes; through the main resource status stays (the Service strategy).
  if (sub === 'status') return { ...old, status: next.status };
  if (old.status !== undefined) next.status = old.status;
  else delete next.status;
  return next;
}

export async function startAuthorizingProxy(
  server: FakeApiServer,
  user: UserInfo,
  grants: readonly Grant[],
  policies: readonly (Policy | Binding)[],
): Promise<AuthorizingProxy> {
  const requests: RecordedRequest[] = [];
  const upstream = new URL(server.baseUrl);
  const faults: { filter: (r: RequestAttributes) => boolean; status: number; remaining: number }[] = [];
  const deny = (res: import('node:http').ServerResponse, code: number, reason: string, message: string) => {
    const text = JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message,
      reason,
      code,
    });
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://proxy');
    const body = await readBody(req);
    const attrs = attributesOf(method, url);
    if (attrs !== undefined) {
      const record: RecordedRequest = {
        ...attrs,
        method,
        path: `${url.pathname}${url.search}`,
        at: Date.now(),
        grants: [],
        status: 0,
      };
      requests.push(record);
      record.grants = authorizing(grants, attrs);
      if (record.grants.length === 0) {
        record.status = 403;
        return deny(res, 403, 'Forbidden', `${user.username} cannot ${attrs.verb} ${attrs.resource} (RBAC)`);
      }
      if (['create', 'update', 'patch', 'delete'].includes(attrs.verb)) {
        const [resource = '', sub = ''] = attrs.resource.split('/');
        const parts = url.pathname.split('/').filter(Boolean);
        const version = parts[0] === 'api' ? (parts[1] ?? '') : (parts[2] ?? '');
        const type = findResource(attrs.group, version, resource);
        if (type === undefined) throw new Error(`authorizing proxy: unknown resource ${url.pathname}`);
        const old =
          attrs.name === undefined ? undefined : server.store.get(type, attrs.namespace, attrs.name);
        const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
        const parsed = body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined;
        let object: Json = null;
        if (attrs.verb !== 'delete' && (old !== undefined || attrs.verb === 'create')) {
          object = objectAfter(method, contentType, parsed, old, sub);
          if (attrs.namespace !== undefined)
            object.metadata = { ...object.metadata, namespace: attrs.namespace };
        }
        // A write to an object that is not there is the API server's 404, not admission's business.
        if (attrs.verb === 'create' || old !== undefined) {
          const admission: AdmissionRequest = {
            operation: attrs.verb === 'create' ? 'CREATE' : attrs.verb === 'delete' ? 'DELETE' : 'UPDATE',
            resource: { group: attrs.group, version, resource },
            ...(sub === '' ? {} : { subResource: sub }),
            ...(attrs.namespace === undefined ? {} : { namespace: attrs.namespace }),
            ...(attrs.name === undefined ? {} : { name: attrs.name }),
            userInfo: user,
            object,
            oldObject: old ?? null,
          };
          record.admission = admit(policies, admission);
          if (record.admission.denials.length > 0) {
            record.status = 403;
            const why = record.admission.denials.map((d) => `${d.policy}: ${d.message}`).join('; ');
            return deny(res, 403, 'Forbidden', `admission webhook denied the request: ${why}`);
          }
        }
      }
      const fault = faults.find((f) => f.remaining > 0 && f.filter(attrs));
      if (fault !== undefined) {
        fault.remaining--;
        record.status = fault.status;
        return deny(
          res,
          fault.status,
          fault.status === 409 ? 'Conflict' : 'InternalError',
          'injected by the test',
        );
      }
      res.on('finish', () => {
        record.status = res.statusCode;
      });
    }
    const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method, path: url.pathname + url.search, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    res.on('close', () => out.destroy());
    out.end(body);
  };

  const proxy: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) deny(res, 500, 'InternalError', `authorizing proxy: ${String(err)}`);
      else res.destroy();
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const sockets = new Set<import('node:net').Socket>();
  proxy.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    user,
    requests,
    failNext: (filter, status, count = 1) => {
      faults.push({ filter, status, remaining: count });
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => proxy.close(() => r()));
    },
  };
}
