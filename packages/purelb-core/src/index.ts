// @purelb-ts/core: PureLB's rules as pure functions over plain data. No sockets, no Kubernetes
// client, no clock or randomness it is not given: callers pass what their informers and netlink
// dumps hold, and get decisions (with reasons) back.
export * from './allocation/index.ts';
export * from './annotations.ts';
export * from './config/index.ts';
export * from './desired/index.ts';
export * from './diagnosis/index.ts';
export * from './election/index.ts';
export * from './kube.ts';
export * from './kube-checks.ts';
export * from './lease-reports.ts';
export * from './model.ts';
export { type Cidr, cidrBounds, cidrContains, cidrOf, formatCidr, maskOf, parseCidr } from './net/cidr.ts';
export { fromIpJson, type IpJsonInput } from './net/from-ip-json.ts';
export { fromIpText, type IpTextInput } from './net/from-ip-text.ts';
export { canonicalIP, type Family, familyBits, formatIP, type IP, ipEquals, parseIP } from './net/ip.ts';
export { IpOutputError } from './net/ip-input.ts';
export {
  addressText,
  familyName,
  ipCommand,
  linkName,
  nexthopText,
  placementText,
  routeText,
  shortAddress,
} from './net/iproute-text.ts';
export * from './net/range.ts';
export { cidrsOverlap, reservedIn, reservedInSubnet } from './net/reserved.ts';
export { type NodeAddress, nodeAddresses, nodeAddressText } from './node-addresses.ts';
export { type Claim, type ClaimProblem, claimProblem } from './placement/claim-check.ts';
export * from './placement/index.ts';
export { type NodeFacts, nodeFacts } from './placement/node-facts.ts';
export { takeovers } from './placement/takeover.ts';
export { isOurVirtualInterface, virtualInterfaceProblem } from './placement/virtual-interface.ts';
export * from './plan/index.ts';
export * from './services/index.ts';
