// What a node publishes in its own Lease that no other node can see: its interfaces without carrier
// (purelb.io/carrier-down) and the addresses it refuses or cannot place as asked (purelb.io/refused).
// The node agent writes both with its renewal; `purelb status` and the allocator read them. One
// codec each, here, so writer and readers cannot drift apart.
import { ANNOTATION_CARRIER_DOWN, ANNOTATION_REFUSED } from './annotations.ts';
import { interfaceNameProblem } from './config/interface-name.ts';
import { skipFix } from './diagnosis/skip-findings.ts';
import type { Lease } from './kube.ts';
import type { PlacementSkip } from './model.ts';
import { formatIP, type IP, parseIP } from './net/ip.ts';

/** Called once per malformed entry, which is then skipped (another writer's mistake must not stop us). */
export type OnEntryError = (entry: string, message: string) => void;

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * purelb.io/carrier-down: the interface names, deduplicated, sorted as plain strings and
 * space-separated; '' when there are none (the writer then leaves the annotation out).
 */
export function formatCarrierDown(interfaces: Iterable<string>): string {
  return [...new Set(interfaces)].sort(byText).join(' ');
}

/** The interface names of a carrier-down value; a name the kernel would refuse is reported and skipped. */
export function parseCarrierDown(value: string | undefined, onError?: OnEntryError): string[] {
  const names = new Set<string>();
  for (const entry of (value ?? '').split(/\s+/)) {
    if (entry === '') continue;
    const problem = interfaceNameProblem(entry);
    if (problem === undefined) names.add(entry);
    else onError?.(entry, `carrier-down entry: ${problem}`);
  }
  return [...names].sort(byText);
}

/** The skip codes that are errors (PlacementSkip.error is true exactly for these): what a node refuses. */
export const REFUSAL_CODES = [
  'no-group',
  'invalid-config',
  'ambiguous-default-route',
  'no-local-interface',
  'no-carrier',
  'address-in-use',
  'reserved-address',
  'route-conflict',
  'address-conflict',
  'node-address',
] as const satisfies readonly PlacementSkip['code'][];

export type RefusalCode = (typeof REFUSAL_CODES)[number];

const REFUSAL_CODE_SET: ReadonlySet<string> = new Set(REFUSAL_CODES);

export const isRefusalCode = (code: string): code is RefusalCode => REFUSAL_CODE_SET.has(code);

/** One address a node refuses or cannot place as asked, and why. */
export interface Refusal {
  /** Canonical address text. */
  ip: string;
  code: RefusalCode;
}

/**
 * At most this many `ip,code` entries in purelb.io/refused; past it the value ends with one `+N`
 * entry, N the number of entries left out (the last ones in sort order), so a Lease stays a few KB.
 */
export const REFUSED_MAX_ENTRIES = 64;

const compareIP = (a: IP, b: IP): number =>
  a.family !== b.family ? a.family - b.family : a.value < b.value ? -1 : a.value > b.value ? 1 : 0;

/** The refusals of a desired state's skips: its errors, one per (ip, code). */
export function refusalsOf(skips: readonly PlacementSkip[]): Refusal[] {
  const out: Refusal[] = [];
  for (const s of skips) if (s.error && isRefusalCode(s.code)) out.push({ ip: s.ip, code: s.code });
  return out;
}

/**
 * purelb.io/refused: `ip,code` entries, one per distinct (ip, code), sorted by address (IPv4 before
 * IPv6) then code, space-separated; at most REFUSED_MAX_ENTRIES, then `+N`. An entry whose ip is not
 * an address is left out. '' when there are none (the writer then leaves the annotation out).
 */
export function formatRefused(refusals: readonly Refusal[]): string {
  const byKey = new Map<string, { ip: IP; text: string; code: RefusalCode }>();
  for (const r of refusals) {
    const ip = parseIP(r.ip);
    if (ip === undefined) continue;
    const text = formatIP(ip);
    byKey.set(`${text},${r.code}`, { ip, text, code: r.code });
  }
  const sorted = [...byKey.values()].sort((a, b) => compareIP(a.ip, b.ip) || byText(a.code, b.code));
  const entries = sorted.slice(0, REFUSED_MAX_ENTRIES).map((r) => `${r.text},${r.code}`);
  const omitted = sorted.length - entries.length;
  if (omitted > 0) entries.push(`+${omitted}`);
  return entries.join(' ');
}

export interface ParsedRefused {
  /** The well-formed entries, canonical, in the order written. */
  refusals: Refusal[];
  /** How many entries the writer left out (its final `+N`); 0 when none. */
  omitted: number;
}

/**
 * Reads purelb.io/refused. Tolerant: an entry that is not `ip,code` with a known refusal code (a
 * newer agent's code included: this version could not explain it), or a `+N` that is not last, is
 * passed to `onError` and skipped.
 */
export function parseRefused(value: string | undefined, onError?: OnEntryError): ParsedRefused {
  const entries = (value ?? '').split(/\s+/).filter((e) => e !== '');
  const refusals: Refusal[] = [];
  let omitted = 0;
  entries.forEach((entry, i) => {
    if (entry.startsWith('+')) {
      const n = /^\+[1-9][0-9]*$/.test(entry) ? Number(entry.slice(1)) : Number.NaN;
      if (i === entries.length - 1 && Number.isSafeInteger(n)) omitted = n;
      else onError?.(entry, `refused entry "${entry}" is not a final +N count of entries left out`);
      return;
    }
    const parts = entry.split(',');
    const ip = parts.length === 2 ? parseIP(parts[0] as string) : undefined;
    const code = parts[1] ?? '';
    if (parts.length !== 2) onError?.(entry, `refused entry "${entry}" is not ip,code`);
    else if (ip === undefined)
      onError?.(entry, `refused entry "${entry}": "${parts[0]}" is not an IP address`);
    else if (!isRefusalCode(code)) onError?.(entry, `refused entry "${entry}": unknown code "${code}"`);
    else refusals.push({ ip: formatIP(ip), code });
  });
  return { refusals, omitted };
}

/**
 * The operator's sentence for one refusal: the node, the address, the code, and what to do about it
 * (the fix `purelb diagnose` gives for the same skip code: one wording).
 */
export const refusalSentence = (node: string, r: Refusal): string =>
  `node ${node} does not place ${r.ip} as asked (${r.code}): ${skipFix(r.code, r.ip)}`;

/** What a node's Lease reports; malformed entries go to `onError` and are left out. */
export interface LeaseReports {
  carrierDown: string[];
  refused: ParsedRefused;
}

export function leaseReports(lease: Pick<Lease, 'metadata'>, onError?: OnEntryError): LeaseReports {
  const a = lease.metadata.annotations;
  return {
    carrierDown: parseCarrierDown(a?.[ANNOTATION_CARRIER_DOWN], onError),
    refused: parseRefused(a?.[ANNOTATION_REFUSED], onError),
  };
}
