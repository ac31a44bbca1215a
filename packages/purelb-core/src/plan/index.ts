// Reconcile planning: ownership proof, the planner and its kernel model.
export { flagBits, flagNames, IFA_F, SETTABLE_FLAGS } from '../net/address-flags.ts';
export { attributeDifferences, needsRefresh } from './attributes.ts';
export { compareAddressKeys, type ObservedAddress, observeAddresses } from './observed.ts';
export { type AddressTag, isOwned, LABEL_SUFFIX, MAX_LABEL_LENGTH, ownedLabel, tagFor } from './ownership.ts';
export { checkPlacements, formatIssue, type PlacementIssue } from './placement-check.ts';
export type { PlanOp, PlanOpKind } from './plan-ops.ts';
export { planReconcile } from './planner.ts';
export { applyPlanToModel, PlanSimulationError, type SimulationOptions } from './simulate.ts';
