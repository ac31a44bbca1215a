// Core's Address carries only what its rules read; a monitor notification carries every key the netlink
// library decodes. Tests that feed core's fixtures to the agent's notification paths widen them here.
import type { Address as CoreAddress } from '@purelb-ts/core';
import type { Address } from '@purelb-ts/netlink-native';

/** The library's Address for a core Address: the keys core does not read are undefined. */
export const kernelAddress = (a: CoreAddress): Address => ({
  peer: undefined,
  broadcast: undefined,
  anycast: undefined,
  label: undefined,
  created: undefined,
  updated: undefined,
  protocol: undefined,
  routePriority: undefined,
  ...a,
});
