// Findings from the Services' purelb.io/announcing-IPv4/-IPv6 annotations (Kubernetes mode). Each slot
// says which node announces a local address; the election says which node should. A slot naming any
// other node than the winner means that node still holds the address (two nodes answering ARP / NDP for
// one IP split its traffic) or the winner has not written its slot back.
import { announcingAnnotation } from '../annotations.ts';
import { type NodeService, serviceKey } from '../kube.ts';
import type { DesiredState } from '../model.ts';
import { canonicalIP } from '../net/ip.ts';
import { serviceSlots } from '../services/announcing-slots.ts';
import type { Finding } from './finding.ts';

/** One announcing slot, with the Service whose annotation carries it. */
export interface Announcer {
  service: string;
  node: string;
  interface: string;
  /** Canonical address text. */
  ip: string;
}

/**
 * Every well-formed slot of every Service, by canonical IP. A malformed entry is passed to `onError`
 * with the Service and annotation it came from.
 */
export function announcersByIP(
  services: readonly NodeService[],
  onError?: (service: string, annotation: string, message: string) => void,
): Map<string, Announcer[]> {
  const out = new Map<string, Announcer[]>();
  for (const svc of services) {
    const key = serviceKey(svc);
    for (const family of [4, 6] as const) {
      const name = announcingAnnotation(family);
      for (const slot of serviceSlots(svc, family, (_entry, message) => onError?.(key, name, message))) {
        const list = out.get(slot.ip) ?? [];
        list.push({ service: key, ...slot });
        out.set(slot.ip, list);
      }
    }
  }
  return out;
}

/**
 * The winner of each local address as the desired state records it: this node for its local
 * placements, the named winner of a 'not-winner' skip. Virtual addresses have no single winner, and an
 * address nobody can win (no candidate, ambiguous route) has none: neither is in the map.
 */
export function localWinners(desired: DesiredState): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of desired.placements) if (p.kind === 'local') out.set(p.ip, desired.node);
  for (const s of desired.skips) {
    const ip = canonicalIP(s.ip) ?? s.ip;
    if (s.code === 'not-winner' && s.winner !== undefined && !out.has(ip)) out.set(ip, s.winner);
  }
  return out;
}

/**
 * One finding per slot that names a node other than the election winner of a local address, and one
 * per malformed slot. Pure: services and the desired state in, findings out, in Service then IP order.
 */
export function announcingFindings(desired: DesiredState, services: readonly NodeService[]): Finding[] {
  const out: Finding[] = [];
  const malformed: Finding[] = [];
  const key = (s: NodeService) => serviceKey(s);
  const sorted = [...services].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const byIP = announcersByIP(sorted, (service, annotation, message) =>
    malformed.push({
      code: 'invalid-config',
      severity: 'warning',
      service,
      message: `${service} metadata.annotations["${annotation}"]: ${message}; the entry is ignored`,
      fix: `the agents rewrite their own slots; remove the malformed entry ("kubectl annotate service -n ${service.replace('/', ' ')} ${annotation}-" clears the whole value, and the winner writes it again)`,
    }),
  );
  const winners = localWinners(desired);
  for (const [ip, announcers] of byIP) {
    const winner = winners.get(ip);
    if (winner === undefined) continue;
    for (const a of announcers) {
      if (a.node === winner) continue;
      const self = a.node === desired.node;
      out.push({
        code: 'announced-by-non-winner',
        severity: 'warning',
        service: a.service,
        ip,
        link: a.interface,
        message: self
          ? `${a.service} says this node (${a.node}) announces ${ip} on dev ${a.interface}, but ${winner} wins ${ip}: this node's slot is stale`
          : `${a.service} says node ${a.node} announces ${ip} on dev ${a.interface}, but ${winner === desired.node ? 'this node' : `node ${winner}`} wins ${ip}: either ${a.node} still holds it (two nodes answering for one address) or the winner has not written its slot`,
        expected: `${winner},<interface>,${ip}`,
        actual: `${a.node},${a.interface},${ip}`,
        fix: self
          ? 'the agent on this node removes its slot at its next write-back; if it stays, its log names the write-back error'
          : `on ${a.node}: "purelb diagnose" (or "ip addr show dev ${a.interface}") shows whether it still holds ${ip}; then check the winner's (${winner}) lbnodeagent log for write-back errors`,
      });
    }
  }
  return [...out, ...malformed];
}
