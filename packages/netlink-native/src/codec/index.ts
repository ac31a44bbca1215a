// The codec: bytes <-> typed objects for rtnetlink. No I/O here; the transport lives in ../native
// and the promise API in ../api.
export * from './address.ts';
export * from './attributes.ts';
export * from './constants.ts';
export * from './decode-error.ts';
export * from './error.ts';
export * from './fdb.ts';
export * from './ip.ts';
export * from './link.ts';
export * from './link-kinds.ts';
export * from './link-stats.ts';
export * from './message.ts';
export * from './neighbour.ts';
export * from './nexthop.ts';
export * from './route.ts';
export * from './rule.ts';
