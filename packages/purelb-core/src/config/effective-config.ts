// The configuration in force on one node. Each ServiceGroup and LBNodeAgent is judged on its own: a
// valid object is used as written; an invalid one (it does not parse, or an LBNodeAgent that selects
// this node names an interface PureLB must not use here) keeps its last valid version in force, so an
// edit with a typo degrades nothing; with no valid version ever seen, what it governs is frozen (left
// exactly as it is, see desired/frozen.ts). Pure: the caller keeps `memory` from one call to the next.
import type { Frozen } from '../desired/types.ts';
import type { CustomResource } from '../kube.ts';
import type { NodeNetwork } from '../model.ts';
import { parseRange } from '../net/range.ts';
import { virtualInterfaceProblem } from '../placement/virtual-interface.ts';
import { isRecord } from './fields.ts';
import { matchesSelector, parseLabelSelector } from './label-selector.ts';
import { parseLBNodeAgent } from './lbnodeagent.ts';
import { parseServiceGroup } from './service-group.ts';
import type { LBNodeAgentConfig, ServiceGroupConfig, ValidationIssue } from './types.ts';

type Kind = 'ServiceGroup' | 'LBNodeAgent';

/** The last valid version of each object, by kind, namespace, name and uid (a re-created object starts afresh). */
export interface ConfigMemory {
  groups: Map<string, { config: ServiceGroupConfig; resourceVersion: string | undefined }>;
  agents: Map<string, { config: LBNodeAgentConfig; resourceVersion: string | undefined }>;
}

export interface InvalidConfig {
  kind: Kind;
  /** "namespace/name" */
  name: string;
  /** The object as read (its uid and resourceVersion address an event to it). */
  object: CustomResource;
  errors: ValidationIssue[];
  /** "path: message; path: message" */
  reason: string;
  /** last-valid: the object's last valid version (that resourceVersion) stays in force; frozen: none was seen. */
  inForce: { kind: 'last-valid'; resourceVersion: string | undefined } | { kind: 'frozen' };
}

export interface EffectiveConfig {
  groups: ServiceGroupConfig[];
  agents: LBNodeAgentConfig[];
  invalid: InvalidConfig[];
  /** What the frozen objects govern, for desiredState. */
  frozen: Frozen;
  /** Pass to the next call. */
  memory: ConfigMemory;
}

export interface EffectiveConfigInput {
  serviceGroups: readonly CustomResource[];
  lbNodeAgents: readonly CustomResource[];
  /** The previous call's memory; absent at start (and in one-shot tools such as the diagnosis). */
  memory?: ConfigMemory;
  nodeLabels: Record<string, string>;
  /** This node's network: an LBNodeAgent selecting it must not name an interface PureLB may not use here. */
  network?: NodeNetwork;
}

export const emptyConfigMemory = (): ConfigMemory => ({ groups: new Map(), agents: new Map() });

const nameOf = (o: CustomResource): string =>
  `${o.metadata?.namespace ?? 'default'}/${isRecord(o.metadata) ? String(o.metadata.name) : '?'}`;
const memoryKey = (o: CustomResource): string => `${nameOf(o)}\u0000${o.metadata?.uid ?? ''}`;
const reasonOf = (errors: ValidationIssue[]): string =>
  errors.map((e) => `${e.path}: ${e.message}`).join('; ');

/** An LBNodeAgent's problems on this node: the interface it names as the virtual one. */
function nodeIssues(agent: LBNodeAgentConfig, input: EffectiveConfigInput): ValidationIssue[] {
  const local = agent.local;
  if (local === undefined || input.network === undefined) return [];
  if (!matchesSelector(agent.nodeSelector, input.nodeLabels)) return [];
  const link = input.network.links.find((l) => l.name === local.dummyInterface);
  const problem = virtualInterfaceProblem(link);
  return problem === undefined
    ? []
    : [{ path: 'spec.local.dummyInterface', value: local.dummyInterface, message: problem }];
}

/** Whether an invalid LBNodeAgent could be the one that applies here (its selector, as far as it reads). */
function mightSelect(object: CustomResource, nodeLabels: Record<string, string>): boolean {
  const spec = isRecord(object.spec) ? object.spec : {};
  const issues: ValidationIssue[] = [];
  const selector = parseLabelSelector(issues, 'spec.nodeSelector', spec.nodeSelector);
  return issues.length > 0 || matchesSelector(selector, nodeLabels);
}

/** The address ranges an invalid ServiceGroup's pools name, as far as they parse. */
function readableRanges(object: CustomResource) {
  const spec = isRecord(object.spec) ? object.spec : {};
  const out = [];
  for (const body of [spec.local, spec.remote]) {
    if (!isRecord(body)) continue;
    for (const key of ['v4pool', 'v6pool', 'v4pools', 'v6pools']) {
      const entries = Array.isArray(body[key]) ? body[key] : [body[key]];
      for (const e of entries) {
        const range = isRecord(e) && typeof e.pool === 'string' ? parseRange(e.pool) : undefined;
        if (range !== undefined && typeof range !== 'string') out.push(range);
      }
    }
  }
  return out;
}

export function effectiveConfig(input: EffectiveConfigInput): EffectiveConfig {
  const previous = input.memory ?? emptyConfigMemory();
  const out: EffectiveConfig = {
    groups: [],
    agents: [],
    invalid: [],
    frozen: {},
    memory: emptyConfigMemory(),
  };
  for (const object of input.serviceGroups) {
    const r = parseServiceGroup(object);
    const key = memoryKey(object);
    if (r.ok) {
      out.groups.push(r.value);
      out.memory.groups.set(key, { config: r.value, resourceVersion: object.metadata?.resourceVersion });
      continue;
    }
    const last = previous.groups.get(key);
    const reason = reasonOf(r.errors);
    if (last !== undefined) {
      out.groups.push(last.config);
      out.memory.groups.set(key, last);
    } else {
      out.frozen.groups ??= [];
      out.frozen.groups.push({
        name: String(object.metadata?.name),
        reason: `ServiceGroup ${nameOf(object)} is invalid (${reason})`,
        ranges: readableRanges(object),
      });
    }
    out.invalid.push(invalidOf('ServiceGroup', object, r.errors, last));
  }
  for (const object of input.lbNodeAgents) {
    const r = parseLBNodeAgent(object);
    const errors = r.ok ? nodeIssues(r.value, input) : r.errors;
    const key = memoryKey(object);
    if (r.ok && errors.length === 0) {
      out.agents.push(r.value);
      out.memory.agents.set(key, { config: r.value, resourceVersion: object.metadata?.resourceVersion });
      continue;
    }
    const last = previous.agents.get(key);
    if (last !== undefined) {
      out.agents.push(last.config);
      out.memory.agents.set(key, last);
    } else if (mightSelect(object, input.nodeLabels) && out.frozen.node === undefined) {
      out.frozen.node = `LBNodeAgent ${nameOf(object)} is invalid (${reasonOf(errors)})`;
    }
    out.invalid.push(invalidOf('LBNodeAgent', object, errors, last));
  }
  return out;
}

function invalidOf(
  kind: Kind,
  object: CustomResource,
  errors: ValidationIssue[],
  last: { resourceVersion: string | undefined } | undefined,
): InvalidConfig {
  return {
    kind,
    name: nameOf(object),
    object,
    errors,
    reason: reasonOf(errors),
    inForce:
      last === undefined ? { kind: 'frozen' } : { kind: 'last-valid', resourceVersion: last.resourceVersion },
  };
}

/** One line saying what is wrong with an invalid object and what stays in force meanwhile. */
export function invalidConfigText(c: InvalidConfig): string {
  const inForce =
    c.inForce.kind === 'last-valid'
      ? `its last valid version${c.inForce.resourceVersion === undefined ? '' : ` (resourceVersion ${c.inForce.resourceVersion})`} stays in force`
      : 'no valid version has been seen, so what it governs is left exactly as it is';
  return `${c.kind} ${c.name} is invalid: ${c.reason}; ${inForce}`;
}
