// Parsing and validating PureLB's custom resources, and choosing the LBNodeAgent for a node.
export { agentForNode, selectAgent, selectionLabels } from './agent-selection.ts';
export { parseGoDuration } from './duration.ts';
export {
  type ConfigMemory,
  type EffectiveConfig,
  type EffectiveConfigInput,
  effectiveConfig,
  emptyConfigMemory,
  type InvalidConfig,
  invalidConfigText,
} from './effective-config.ts';
export { checkGroupOverlaps, type GroupOverlapIssue } from './group-overlaps.ts';
export { interfaceNameProblem } from './interface-name.ts';
export { isCatchAll, isLabelKey, isLabelValue, matchesSelector } from './label-selector.ts';
export { DEFAULT_DUMMY_INTERFACE, parseLBNodeAgent } from './lbnodeagent.ts';
export { parseAggregation } from './pool.ts';
export { poolSubnets } from './pool-subnets.ts';
export { parseServiceGroup } from './service-group.ts';
export type * from './types.ts';
