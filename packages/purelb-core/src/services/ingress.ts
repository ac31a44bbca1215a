// The addresses a Service was given, as canonical text. A malformed entry is reported, not thrown:
// one bad entry must not stop the others from being announced.
import type { NodeService } from '../kube.ts';
import { formatIP, type IP, parseIP } from '../net/ip.ts';

export interface IngressIP {
  /** Canonical text (dotted quad or RFC 5952). */
  ip: string;
  parsed: IP;
}

export interface InvalidIngress {
  /** Field path, e.g. status.loadBalancer.ingress[1].ip */
  path: string;
  value: string;
  message: string;
}

/**
 * Canonical, de-duplicated ingress IPs in the order written; hostname-only entries are not ours and
 * ignored. Runs for every Service of every reconcile: a Service has a handful of entries, so
 * duplicates are found by scanning what is kept (no Set per Service).
 */
export function ingressIPs(svc: NodeService): Ingress {
  const known = read.get(svc);
  if (known !== undefined) return known;
  const ingress = readIngress(svc);
  read.set(svc, ingress);
  return ingress;
}

export interface Ingress {
  readonly ips: readonly IngressIP[];
  readonly invalid: readonly InvalidIngress[];
}

/**
 * Each Service's ingress as read. Invariant (as kube-checks' verdicts): an object read from a source is
 * never changed in place (informers and file reloads replace it), so it is read once, not in every
 * reconcile by every rule (a desired state and the warnings read 10k of them each time).
 */
const read = new WeakMap<NodeService, Ingress>();

function readIngress(svc: NodeService): Ingress {
  const ips: IngressIP[] = [];
  const invalid: InvalidIngress[] = [];
  const entries = svc.status?.loadBalancer?.ingress ?? [];
  for (let i = 0; i < entries.length; i++) {
    const text = entries[i]?.ip;
    if (text === undefined || text === '') continue;
    const parsed = parseIP(text);
    if (parsed === undefined) {
      const path = `status.loadBalancer.ingress[${i}].ip`;
      invalid.push({ path, value: text, message: `${path}: "${text}" is not an IP address` });
      continue;
    }
    const ip = canonicalText(text, parsed);
    if (!ips.some((kept) => kept.ip === ip)) ips.push({ ip, parsed });
  }
  return { ips, invalid };
}

/**
 * formatIP(parsed), reusing `text` for IPv4: parseIP takes only the canonical dotted quad (each part
 * 0-255, no leading zeros), so IPv4 text that parses is already canonical.
 */
const canonicalText = (text: string, parsed: IP): string => (parsed.family === 4 ? text : formatIP(parsed));
