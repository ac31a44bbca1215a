// Core's `ip` fixtures: real output of `ip` in a namespace shaped like the seed's node, and what the
// netlink library read there (written by packages/agent/test/support/write-ip-fixtures.ts).
import { readFileSync } from 'node:fs';

export type FixtureSet = 'seed' | 'two-defaults';

export const fixture = (set: FixtureSet, file: string): string =>
  readFileSync(new URL(`../fixtures/ip/${set}-${file}`, import.meta.url), 'utf8');

/** The library's readNetwork of that namespace, core's fields only (see core-fields.ts). */
export const readNetworkFixture = (set: FixtureSet): unknown => JSON.parse(fixture(set, 'read-network.json'));
