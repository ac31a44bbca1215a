// Core has its own plain types for links, addresses and routes; the netlink library's decoded objects
// must satisfy them as they are, so the agent hands its dumps to core without copying. This file is a
// type test: `tsc --noEmit` (in npm test) fails if the library's objects stop fitting core's types.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as core from '@purelb-ts/core';
import type * as nl from '@purelb-ts/netlink-native';
import type { readNetwork } from '../src/network/read-network.ts';

/** Compiles only when A is assignable to B. */
type Fits<A extends B, B> = A;

export type Checks = [
  Fits<nl.Link, core.Link>,
  Fits<nl.Address, core.Address>,
  Fits<nl.Route, core.Route>,
  Fits<nl.NextHop, core.NextHop>,
  Fits<nl.RouteMetrics, core.RouteMetrics>,
  Fits<nl.AddressFlag, core.AddressFlag>,
  Fits<nl.NexthopObject, core.NexthopObject>,
  Fits<{ links: nl.Link[]; addresses: nl.Address[]; routes: nl.Route[] }, core.NodeNetwork>,
  Fits<Awaited<ReturnType<typeof readNetwork>>, core.NodeNetwork>,
];

test("the library's objects satisfy core's types (checked by tsc; this only records it ran)", () => {
  const links: nl.Link[] = [];
  const network: core.NodeNetwork = { links, addresses: [] as nl.Address[], routes: [] as nl.Route[] };
  assert.equal(network.links, links, 'passed through, not copied');
});
