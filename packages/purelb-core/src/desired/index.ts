export { type AddressDecision, decideAddress, type NodeContext, nodeContext } from './decide-address.ts';
export { desiredState } from './desired-state.ts';
export { DecisionMemo, sameData } from './memo.ts';
export { comparePlacements, dropSkipsOfPlacedAddresses, mergeShared } from './merge.ts';
export type { DesiredInput } from './types.ts';
