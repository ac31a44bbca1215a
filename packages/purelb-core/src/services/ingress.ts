// The addresses a Service was given, as canonical text. A malformed entry is reported, not thrown:
// one bad entry must not stop the others from being announced.
import type { Service } from '../kube.ts';
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

/** Canonical, de-duplicated ingress IPs in the order written; hostname-only entries are not ours and ignored. */
export function ingressIPs(svc: Service): { ips: IngressIP[]; invalid: InvalidIngress[] } {
  const ips: IngressIP[] = [];
  const invalid: InvalidIngress[] = [];
  const seen = new Set<string>();
  (svc.status?.loadBalancer?.ingress ?? []).forEach((entry, i) => {
    if (entry.ip === undefined || entry.ip === '') return;
    const parsed = parseIP(entry.ip);
    if (parsed === undefined) {
      const path = `status.loadBalancer.ingress[${i}].ip`;
      invalid.push({ path, value: entry.ip, message: `${path}: "${entry.ip}" is not an IP address` });
      return;
    }
    const ip = formatIP(parsed);
    if (seen.has(ip)) return;
    seen.add(ip);
    ips.push({ ip, parsed });
  });
  return { ips, invalid };
}
