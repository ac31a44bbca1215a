export { broadcastFor } from './broadcast.ts';
export { type LocalSubnetMatch, type PlacementContext, placeLocal, placeVirtual } from './placement.ts';
