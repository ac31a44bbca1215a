// desiredState and configWarnings are pure, and between two reconciles of a node their inputs mostly
// do not change as far as they read them: a netlink event about one of PureLB's own addresses (the
// kernel or a person deleted it: a restore), a periodic resync, another node's Lease renewal (a new
// expiry, the same member). DecisionMemo hands back the last result while the new input is the same
// in everything the function reads, so such a reconcile costs a comparison instead of a decision (at
// 10k Services, tens of megabytes of garbage and most of a restore's time).
//
// What each function reads, and so what is compared, is stated here beside the functions it is about:
// - a member's expiry is not read by desiredState (liveMembers applied the clock already);
// - of the node's addresses, desiredState reads those it does not own (nodeFacts: what the node uses)
//   and those that give a usable subnet (usableSubnets), and, only while a ServiceGroup is frozen,
//   the owned ones (frozenHeld). An owned address that gives no subnet (every address PureLB placed)
//   is left out of the comparison unless a group is frozen;
// - configWarnings reads only the network's links (ConfigWarningsInput says so).
//
// Invariant the caller keeps: an object passed in is never mutated afterwards (informer caches replace
// objects; a manifest file is parsed anew). Objects are compared by identity first, so a mutated one
// would be taken for unchanged.

import { type ConfigWarningsInput, configWarnings } from '../diagnosis/config-warnings.ts';
import type { Finding } from '../diagnosis/finding.ts';
import type { Member } from '../election/members.ts';
import { unusableReason } from '../election/usable-subnets.ts';
import { type DesiredState, type NodeNetwork, type Ownership, PURELB_ADDRESS_PROTOCOL } from '../model.ts';
import type { Address } from '../net/objects.ts';
import { isOwned } from '../plan/ownership.ts';
import { desiredState } from './desired-state.ts';
import { ServiceDecisions } from './service-decisions.ts';
import type { DesiredInput } from './types.ts';

/** Deep equality of plain data (objects, arrays, Maps, Sets, primitives), identity first. */
export function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && sameArrays(a, b);
  if (a instanceof Map) return b instanceof Map && sameMaps(a, b);
  if (a instanceof Set) return b instanceof Set && a.size === b.size && [...a].every((v) => b.has(v));
  if (Array.isArray(b) || b instanceof Map || b instanceof Set) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && sameData(ra[k], rb[k]));
}

function sameArrays(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
  return true;
}

function sameMaps(a: ReadonlyMap<unknown, unknown>, b: ReadonlyMap<unknown, unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (!b.has(k) || !sameData(v, b.get(k))) return false;
  return true;
}

/** The addresses of `network` the decision reads (see the head of this file). */
function readAddresses(network: NodeNetwork, ownership: Ownership, owned: boolean): readonly Address[] {
  if (owned) return network.addresses;
  const names = new Map(network.links.map((l) => [l.index, l.name]));
  return network.addresses.filter(
    (a) => !isOwned(a, network.links, ownership) || unusableReason(a, names.get(a.index) ?? '') === undefined,
  );
}

/** A member as desiredState reads it: without its expiry. */
const memberRead = ({ expiresAt: _, ...read }: Member) => read;

/**
 * The network as the decision reads it: everything but the addresses, and of those only the read ones.
 * Kept instead of the network itself, so the memo does not hold a whole dump (10k addresses at 10k
 * Services) that the reconciler has long replaced.
 */
type NetworkRead = Omit<NodeNetwork, 'addresses'> & { addresses: readonly Address[] };

function networkRead(network: NodeNetwork, ownership: Ownership, owned: boolean): NetworkRead {
  return { ...network, addresses: readAddresses(network, ownership, owned) };
}

interface Remembered<I, O> {
  input: I;
  output: O;
}

/** The last desiredState and configWarnings of one node, reused while their input reads the same. */
export class DecisionMemo {
  #desired: (Remembered<DesiredInput, DesiredState> & { network: NetworkRead }) | undefined;
  #warnings: Remembered<ConfigWarningsInput, Finding[]> | undefined;
  #services = new ServiceDecisions();
  /** How many calls were answered from memory, and how many decided (for tests and benchmarks). */
  readonly counts = { reused: 0, decided: 0 };

  desiredState(input: DesiredInput): DesiredState {
    const ownership = input.ownership ?? DEFAULT_OWNERSHIP;
    const network = networkRead(input.network, ownership, (input.frozen?.groups?.length ?? 0) > 0);
    const last = this.#desired;
    const sameContext =
      last !== undefined && sameData(last.network, network) && sameNodeContext(last.input, input);
    if (
      sameContext &&
      sameObjects(last.input.services, input.services) &&
      sameObjects(last.input.endpointSlices, input.endpointSlices)
    ) {
      this.counts.reused++;
      return last.output;
    }
    this.counts.decided++;
    // Within the same context a Service's decision is its own: those unchanged are reused.
    if (!sameContext) this.#services = new ServiceDecisions();
    const output = desiredState(input, this.#services);
    this.#desired = { input: { ...input, network: NO_NETWORK }, network, output };
    return output;
  }

  /** Per Service, within the last context: how many the last decision reused and decided. */
  get services(): Readonly<ServiceDecisions['counts']> {
    return this.#services.counts;
  }

  configWarnings(input: ConfigWarningsInput): Finding[] {
    const last = this.#warnings;
    if (last !== undefined && sameData(last.input.network.links, input.network.links)) {
      const { network: _a, ...restA } = last.input;
      const { network: _b, ...restB } = input;
      if (sameData(restA, restB)) return last.output;
    }
    const output = configWarnings(input);
    this.#warnings = { input: { ...input, network: { ...NO_NETWORK, links: input.network.links } }, output };
    return output;
  }
}

/** What a remembered input holds instead of its network (compared through NetworkRead, or its links). */
const NO_NETWORK: NodeNetwork = { links: [], addresses: [], routes: [] };

/** desiredState's default, when the input names no ownership. */
const DEFAULT_OWNERSHIP: Ownership = { protocol: PURELB_ADDRESS_PROTOCOL };

/** The same objects in the same order (sources replace what changes). */
const sameObjects = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a === b || (a.length === b.length && a.every((x, i) => x === b[i]));

/** Everything desiredState reads but the Services, their slices and the network. */
function sameNodeContext(a: DesiredInput, b: DesiredInput): boolean {
  const { members: ma, network: _na, services: _sa, endpointSlices: _ea, ...restA } = a;
  const { members: mb, network: _nb, services: _sb, endpointSlices: _eb, ...restB } = b;
  return (
    ma.length === mb.length &&
    ma.every((m, i) => sameData(memberRead(m), memberRead(mb[i] as Member))) &&
    sameData(restA, restB)
  );
}
