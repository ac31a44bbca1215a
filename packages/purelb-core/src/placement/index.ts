export { broadcastFor } from './broadcast.ts';
export { deadManLifetime, withDeadManLifetime } from './dead-man.ts';
export { type HandoffInput, type HandoffVerdict, type HandoffWait, handoffWaits } from './handoff.ts';
export { type LocalSubnetMatch, type PlacementContext, placeLocal, placeVirtual } from './placement.ts';
