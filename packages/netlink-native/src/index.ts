// @purelb-ts/netlink-native: rtnetlink for Node.js. Open a handle bound to a network namespace and
// use its typed, promise-based links / addresses / routes / nexthop objects, monitors, GARP/NA
// announcements and address-conflict probes.
// First: on an older Node this says which Node is needed, before anything else runs.
import './node-version.ts';

export { ADDRESS_FLAGS, addressFlagBits, addressFlagNames } from './api/address-flags.ts';
export type { AddressDeleteOptions, Addresses, AddressListOptions, AddressOptions } from './api/addresses.ts';
export type { AnnounceOptions } from './api/announce.ts';
export { gratuitousArp, unsolicitedNa } from './api/announce-frames.ts';
export type { ClaimEvidence, ClaimWatch, WatchClaimsOptions } from './api/claim-watch.ts';
export type {
  Fdb,
  FdbFlushOptions,
  FdbGetOptions,
  FdbListOptions,
  FdbOptions,
  FdbSetFlag,
} from './api/fdb.ts';
export { type HandleBinding, Netlink, type OpenOptions } from './api/handle.ts';
export type { LinkRef } from './api/link-ref.ts';
export type {
  CreatableKind,
  DumpOptions,
  LinkCreateOptions,
  LinkNetns,
  LinkSetOptions,
  Links,
  VxlanChangeOptions,
  VxlanOptions,
} from './api/links.ts';
export type {
  Action,
  Monitor,
  MonitorEvent,
  MonitorEvents,
  MonitorGroup,
  MonitorOptions,
} from './api/monitor.ts';
export type { MonitorFilter, MonitorFilterSpec } from './api/monitor-filter.ts';
export type {
  NeighbourFlushOptions,
  NeighbourKey,
  NeighbourListOptions,
  NeighbourOptions,
  NeighbourSetFlag,
  Neighbours,
} from './api/neighbours.ts';
export { createNetns, deleteNetns, type NetnsFileOptions, type NetnsOption } from './api/netns.ts';
export type {
  NexthopBucketListOptions,
  NexthopGroupMemberOptions,
  NexthopListOptions,
  NexthopOptions,
  NexthopResilienceOptions,
  Nexthops,
} from './api/nexthops.ts';
export type { ProbeConflict, ProbeOptions, ProbeResult } from './api/probe.ts';
export type { ConflictEvidence } from './api/probe-evidence.ts';
export { arpProbe, dadSolicitation } from './api/probe-frames.ts';
export type { ProtocolName, RouteTypeName, TableName } from './api/route-names.ts';
export {
  lockedMetrics,
  type NextHopOptions,
  type RouteGetOptions,
  type RouteGetProtoName,
  type RouteListOptions,
  type RouteMetricName,
  type RouteMetricsOptions,
  type RouteOptions,
  type RoutePrefName,
  type Routes,
} from './api/routes.ts';
export type { IpProtoName, RuleActionName, RuleListOptions, RuleOptions, Rules } from './api/rules.ts';
export type { ScopeName } from './api/scope.ts';
export { DecodeError } from './codec/decode-error.ts';
export type { FdbCacheInfo, FdbEntry, FdbFlag, FdbState } from './codec/fdb.ts';
export type { NexthopBucket } from './codec/nexthop.ts';
export { errnoName, NetlinkError, type NetlinkErrorInit, type NetlinkExtAck } from './errors.ts';
export type { DumpResult } from './transport/pending.ts';
export type {
  Address,
  AddressFlag,
  BridgeInfo,
  BridgePortInfo,
  BridgePortSpec,
  BridgePortState,
  BridgeSpec,
  Family,
  IpTunnelEncap,
  IpTunnelEncapSpec,
  IpvlanInfo,
  IpvlanIsolation,
  IpvlanMode,
  IpvlanSpec,
  Link,
  LinkStats,
  MacvlanChange,
  MacvlanInfo,
  MacvlanMode,
  MacvlanSourceMacsChange,
  MacvlanSpec,
  Neighbour,
  NeighbourCacheInfo,
  NeighbourFlag,
  NeighbourState,
  NextHop,
  NexthopGroupMember,
  NexthopObject,
  NexthopResilience,
  OperState,
  Route,
  RouteMetrics,
  Rule,
  RuleAction,
  RuleRange,
  VlanChange,
  VlanFlags,
  VlanInfo,
  VlanProtocol,
  VlanQosMapping,
  VlanSpec,
  VxlanDf,
  VxlanInfo,
  VxlanPortRange,
} from './types.ts';
