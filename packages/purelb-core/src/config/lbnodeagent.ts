// LBNodeAgent (purelb.io/v2): which nodes it applies to, and how the node agent places addresses
// (which interface, the dummy's name, GARP, lifetimes and flags). Defaults are upstream's.
import type { CustomResource } from '../kube.ts';
import { parseGoDuration } from './duration.ts';
import {
  checkKeys,
  checkTypeMeta,
  describe,
  type Issues,
  isRecord,
  issue,
  readBool,
  readMeta,
  readObject,
  readString,
  readStringList,
} from './fields.ts';
import { interfaceNameProblem } from './interface-name.ts';
import { parseLabelSelector } from './label-selector.ts';
import type { GarpConfig, LBNodeAgentConfig, LifetimeConfig, LocalAgentConfig, Parsed } from './types.ts';

const SPEC_KEYS = ['nodeSelector', 'local'] as const;
const LOCAL_KEYS = [
  'localInterface',
  'dummyInterface',
  'interfaces',
  'garpConfig',
  'addressConfig',
  'avoidCordonedNodes',
] as const;
const GARP_KEYS = ['enabled', 'initialDelay', 'count', 'interval', 'verifyBeforeSend'] as const;
const LIFETIME_KEYS = ['validLifetime', 'preferredLifetime', 'noPrefixRoute'] as const;

export const DEFAULT_DUMMY_INTERFACE = 'kube-lb0';

// Upstream's defaults: local-interface addresses expire unless refreshed (so a dead agent's address
// goes away, and CNIs such as Flannel do not take a non-permanent address for the node's own);
// dummy addresses are permanent and keep their prefix route, which routing software advertises.
const LOCAL_LIFETIME: LifetimeConfig = { validLifetime: 300, preferredLifetime: 300, noPrefixRoute: true };
const DUMMY_LIFETIME: LifetimeConfig = {
  validLifetime: Infinity,
  preferredLifetime: Infinity,
  noPrefixRoute: false,
};

/** Parses an LBNodeAgent into a resolved config, or every error found with its path and value. */
export function parseLBNodeAgent(obj: CustomResource): Parsed<LBNodeAgentConfig> {
  const issues: Issues = [];
  if (!isRecord(obj)) {
    return { ok: false, errors: [{ path: '', value: obj, message: 'an LBNodeAgent must be an object' }] };
  }
  checkTypeMeta(issues, obj, 'LBNodeAgent');
  const { name, namespace } = readMeta(issues, obj);
  const spec = readObject(issues, 'spec', obj.spec) ?? {};
  checkKeys(issues, 'spec', spec, SPEC_KEYS);
  const nodeSelector = parseLabelSelector(issues, 'spec.nodeSelector', spec.nodeSelector);
  const localObj = readObject(issues, 'spec.local', spec.local);
  const local = localObj === undefined ? undefined : parseLocal(issues, localObj);
  if (issues.length > 0) return { ok: false, errors: issues };
  return { ok: true, value: { name, namespace, nodeSelector, local } };
}

function parseLocal(issues: Issues, local: Record<string, unknown>): LocalAgentConfig {
  checkKeys(issues, 'spec.local', local, LOCAL_KEYS);

  const pattern = readString(issues, 'spec.local.localInterface', local.localInterface, 'default');
  let localInterface: LocalAgentConfig['localInterface'] = 'default';
  if (pattern !== '' && pattern !== 'default') {
    try {
      // Unanchored, as upstream: "eth" matches eth0 and veth1.
      localInterface = { pattern, regex: new RegExp(pattern) };
    } catch (e) {
      issue(
        issues,
        'spec.local.localInterface',
        pattern,
        `invalid regular expression: ${(e as Error).message}`,
      );
    }
  }

  let dummyInterface = readString(issues, 'spec.local.dummyInterface', local.dummyInterface, '');
  if (dummyInterface === '') dummyInterface = DEFAULT_DUMMY_INTERFACE;
  const dummyProblem = interfaceNameProblem(dummyInterface);
  if (dummyProblem !== undefined) issue(issues, 'spec.local.dummyInterface', dummyInterface, dummyProblem);

  if (dummyInterface === 'lo') {
    issue(
      issues,
      'spec.local.dummyInterface',
      dummyInterface,
      'dummyInterface must not be lo: PureLB adds routes to and removes addresses from its virtual interface; name an interface for PureLB to create (default kube-lb0)',
    );
  }

  const interfaces = readStringList(issues, 'spec.local.interfaces', local.interfaces);
  interfaces.forEach((n, i) => {
    const problem = interfaceNameProblem(n);
    if (problem !== undefined) issue(issues, `spec.local.interfaces[${i}]`, n, problem);
    if (n === dummyInterface) {
      issue(
        issues,
        `spec.local.interfaces[${i}]`,
        n,
        `${n} is the dummyInterface: an interface is either the virtual one or a local one, not both`,
      );
    }
  });

  const garpObj = readObject(issues, 'spec.local.garpConfig', local.garpConfig);
  const garp = garpObj === undefined ? undefined : parseGarp(issues, garpObj);

  const ac = readObject(issues, 'spec.local.addressConfig', local.addressConfig) ?? {};
  checkKeys(issues, 'spec.local.addressConfig', ac, ['localInterface', 'dummyInterface']);
  const addressConfig = {
    localInterface: parseLifetimes(
      issues,
      'spec.local.addressConfig.localInterface',
      ac.localInterface,
      LOCAL_LIFETIME,
    ),
    dummyInterface: parseLifetimes(
      issues,
      'spec.local.addressConfig.dummyInterface',
      ac.dummyInterface,
      DUMMY_LIFETIME,
    ),
  };
  const avoidCordonedNodes = readBool(
    issues,
    'spec.local.avoidCordonedNodes',
    local.avoidCordonedNodes,
    true,
  );
  return { localInterface, dummyInterface, interfaces, garp, addressConfig, avoidCordonedNodes };
}

function readDurationMs(issues: Issues, path: string, v: unknown, dfltMs: number): number {
  if (v === undefined || v === null || v === '') return dfltMs;
  if (typeof v !== 'string') {
    issue(issues, path, v, `${path} must be a duration string like "100ms", got ${describe(v)}`);
    return dfltMs;
  }
  const ms = parseGoDuration(v);
  if (typeof ms === 'string') {
    issue(issues, path, v, ms);
    return dfltMs;
  }
  return ms;
}

function parseGarp(issues: Issues, g: Record<string, unknown>): GarpConfig {
  const at = 'spec.local.garpConfig';
  checkKeys(issues, at, g, GARP_KEYS);
  let count = 3;
  if (g.count !== undefined && g.count !== null) {
    if (typeof g.count !== 'number' || !Number.isInteger(g.count) || g.count < 1 || g.count > 10) {
      issue(
        issues,
        `${at}.count`,
        g.count,
        `${at}.count must be an integer from 1 to 10, got ${describe(g.count)}`,
      );
    } else {
      count = g.count;
    }
  }
  return {
    enabled: readBool(issues, `${at}.enabled`, g.enabled, true),
    initialDelayMs: readDurationMs(issues, `${at}.initialDelay`, g.initialDelay, 100),
    count,
    intervalMs: readDurationMs(issues, `${at}.interval`, g.interval, 500),
    verifyBeforeSend: readBool(issues, `${at}.verifyBeforeSend`, g.verifyBeforeSend, true),
  };
}

/**
 * Seconds from the CR: 0 means forever (Infinity); a non-zero lifetime below 60 s is raised to 60 s,
 * as upstream, because the agent refreshes lifetimes periodically and a shorter one could lapse
 * between refreshes and drop a live address.
 */
function readLifetime(issues: Issues, path: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xfffffffe) {
    issue(issues, path, v, `${path} must be a whole number of seconds (0 = forever), got ${describe(v)}`);
    return undefined;
  }
  if (v === 0) return Infinity;
  return Math.max(v, 60);
}

function parseLifetimes(issues: Issues, path: string, v: unknown, dflt: LifetimeConfig): LifetimeConfig {
  const obj = readObject(issues, path, v);
  if (obj === undefined) return { ...dflt };
  checkKeys(issues, path, obj, LIFETIME_KEYS);
  const valid = readLifetime(issues, `${path}.validLifetime`, obj.validLifetime);
  const preferred = readLifetime(issues, `${path}.preferredLifetime`, obj.preferredLifetime);
  const validLifetime = valid ?? dflt.validLifetime;
  // Upstream: preferred defaults to valid when only valid is set.
  const preferredLifetime = preferred ?? (valid !== undefined ? valid : dflt.preferredLifetime);
  if (preferredLifetime > validLifetime) {
    issue(
      issues,
      `${path}.preferredLifetime`,
      obj.preferredLifetime,
      `preferredLifetime (${fmtLife(preferredLifetime)}) must not exceed validLifetime (${fmtLife(validLifetime)})`,
    );
  }
  return {
    validLifetime,
    preferredLifetime,
    noPrefixRoute: readBool(issues, `${path}.noPrefixRoute`, obj.noPrefixRoute, dflt.noPrefixRoute),
  };
}

const fmtLife = (s: number): string => (s === Infinity ? 'forever' : `${s} s`);
