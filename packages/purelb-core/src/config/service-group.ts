// ServiceGroup (purelb.io/v2): the address pools a group allocates from and how they are announced.
// Every problem is collected with its field path, so one `kubectl describe` shows all of them.
import type { CustomResource } from '../kube.ts';
import { formatRange, rangesOverlap } from '../net/range.ts';
import {
  checkKeys,
  checkTypeMeta,
  describe,
  type Issues,
  isRecord,
  issue,
  readArray,
  readBool,
  readMeta,
  readObject,
  readStringList,
} from './fields.ts';
import { parsePool } from './pool.ts';
import type { AddressPool, Parsed, ServiceGroupConfig } from './types.ts';

const SPEC_KEYS = [
  'local',
  'remote',
  'external',
  'namespaces',
  'enforceNamespaces',
  'namespaceDefault',
] as const;
const REMOTE_KEYS = ['v4pool', 'v6pool', 'v4pools', 'v6pools', 'balancePools', 'multiPool'] as const;
const LOCAL_KEYS = [...REMOTE_KEYS, 'skipIPv6DAD'] as const;

// A namespace name is a DNS label (RFC 1123).
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Parses a ServiceGroup into a resolved config, or every error found with its path and value. */
export function parseServiceGroup(obj: CustomResource): Parsed<ServiceGroupConfig> {
  const issues: Issues = [];
  if (!isRecord(obj)) {
    return { ok: false, errors: [{ path: '', value: obj, message: `a ServiceGroup must be an object` }] };
  }
  checkTypeMeta(issues, obj, 'ServiceGroup');
  const { name, namespace } = readMeta(issues, obj);
  const spec = readObject(issues, 'spec', obj.spec);
  if (spec === undefined) {
    if (obj.spec === undefined || obj.spec === null) issue(issues, 'spec', obj.spec, 'spec is required');
    return { ok: false, errors: issues };
  }
  checkKeys(issues, 'spec', spec, SPEC_KEYS);

  if (spec.external !== undefined) {
    issue(
      issues,
      'spec.external',
      spec.external,
      'external IPAM sidecar groups are not supported by this implementation',
    );
  }
  const present = (['local', 'remote', 'external'] as const).filter((k) => spec[k] !== undefined);
  if (present.length === 0) {
    issue(issues, 'spec', spec, 'spec must have exactly one of local or remote, found neither');
  } else if (present.length > 1) {
    issue(
      issues,
      'spec',
      present,
      `spec must have exactly one of local, remote or external, found ${present.join(' and ')}`,
    );
  }

  const type = spec.local !== undefined ? 'local' : 'remote';
  const { pools, balancePools, multiPool, skipIPv6DAD } = parseBody(issues, type, spec[type]);

  const namespaces = readStringList(issues, 'spec.namespaces', spec.namespaces);
  namespaces.forEach((ns, i) => {
    if (ns.length > 63 || !NAMESPACE.test(ns)) {
      issue(issues, `spec.namespaces[${i}]`, ns, `${describe(ns)} is not a valid namespace name`);
    }
  });
  const enforceNamespaces = readBool(issues, 'spec.enforceNamespaces', spec.enforceNamespaces, false);
  const namespaceDefault = readBool(issues, 'spec.namespaceDefault', spec.namespaceDefault, false);
  // Upstream's CRD refuses these without namespaces: they would silently do nothing.
  if (enforceNamespaces && namespaces.length === 0) {
    issue(issues, 'spec.enforceNamespaces', true, 'enforceNamespaces requires a non-empty namespaces list');
  }
  if (namespaceDefault && namespaces.length === 0) {
    issue(issues, 'spec.namespaceDefault', true, 'namespaceDefault requires a non-empty namespaces list');
  }

  if (issues.length > 0) return { ok: false, errors: issues };
  return {
    ok: true,
    value: {
      name,
      namespace,
      type,
      pools,
      balancePools,
      multiPool,
      skipIPv6DAD,
      namespaces,
      enforceNamespaces,
      namespaceDefault,
    },
  };
}

/** spec.local / spec.remote: the pools and the allocation switches. */
function parseBody(issues: Issues, type: 'local' | 'remote', v: unknown) {
  const out = { pools: [] as AddressPool[], balancePools: false, multiPool: false, skipIPv6DAD: false };
  const at = `spec.${type}`;
  // `local:` with nothing under it (YAML null) is an empty group: reported below as having no pools.
  const body = v === null ? {} : readObject(issues, at, v);
  if (body === undefined) return out;
  checkKeys(issues, at, body, type === 'local' ? LOCAL_KEYS : REMOTE_KEYS);
  for (const family of [4, 6] as const) {
    const single = body[`v${family}pool`];
    if (single !== undefined && single !== null) {
      const pool = parsePool(issues, `${at}.v${family}pool`, single, family);
      if (pool !== undefined) out.pools.push(pool);
    }
    readArray(issues, `${at}.v${family}pools`, body[`v${family}pools`]).forEach((entry, i) => {
      const pool = parsePool(issues, `${at}.v${family}pools[${i}]`, entry, family);
      if (pool !== undefined) out.pools.push(pool);
    });
  }
  if (out.pools.length === 0 && !issues.some((i) => i.path.startsWith(`${at}.v`))) {
    issue(issues, at, body, `${at} has no pools: set v4pool, v6pool, v4pools or v6pools`);
  }
  out.balancePools = readBool(issues, `${at}.balancePools`, body.balancePools, false);
  out.multiPool = readBool(issues, `${at}.multiPool`, body.multiPool, false);
  if (out.balancePools && out.multiPool) {
    issue(issues, `${at}.multiPool`, true, 'balancePools and multiPool are mutually exclusive');
  }
  if (type === 'local') out.skipIPv6DAD = readBool(issues, `${at}.skipIPv6DAD`, body.skipIPv6DAD, false);
  checkPoolOverlaps(issues, out.pools);
  return out;
}

/** Any two pools of one group that share an address, including one range wholly inside another. */
function checkPoolOverlaps(issues: Issues, pools: AddressPool[]): void {
  for (let i = 0; i < pools.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = pools[j] as AddressPool;
      const b = pools[i] as AddressPool;
      if (!rangesOverlap(a, b)) continue;
      issue(
        issues,
        `${b.path}.pool`,
        b.pool,
        `pool ${b.pool} (${formatRange(b)}) overlaps pool ${a.pool} at ${a.path}.pool (${formatRange(a)})`,
      );
    }
  }
}
