// The allocator: addresses for LoadBalancer Services from ServiceGroup pools.
export { type AllocateOptions, Allocator, type AllocatorOptions } from './allocator.ts';
export { type GroupResolution, resolveGroup } from './group-resolution.ts';
export * from './keys.ts';
export { BigOffsetSet, NumberOffsetSet, type OffsetSet, offsetSetFor } from './offset-set.ts';
export {
  type AllocationRequest,
  type FamilyPolicy,
  handlesService,
  parseRequest,
  type RequestParse,
  servicePorts,
} from './service-request.ts';
export { canShare, type Holder, type SharingVerdict } from './sharing.ts';
export type * from './types.ts';
