// A NodeNetwork from the text an operator already has: `ip addr` and `ip route` (and `ip -6 route`), as
// the troubleshooting page prints them. See from-ip-json.ts for the same from `ip -json`.
import type { NodeNetwork } from '../model.ts';
import { parseIpAddrText } from './from-ip-addr-text.ts';
import { parseIpRouteText } from './from-ip-route-text.ts';
import { inDumpOrder, indexByName } from './ip-input.ts';

export interface IpTextInput {
  /** `ip addr` (or several `ip addr show dev X` one after another). */
  addr: string;
  /** `ip route` */
  route: string;
  /** `ip -6 route` */
  route6?: string;
}

/**
 * Reads the text of `ip addr` and `ip route` into a NodeNetwork. Throws IpOutputError naming the input,
 * the line and what was not understood; words and lines the rules do not need are passed over.
 * Interface kinds and aliases are not in this text: `fromIpJson` with `ip -json -details link` has them.
 */
export function fromIpText(input: IpTextInput): NodeNetwork {
  const { links, addresses } = parseIpAddrText(input.addr);
  const indexOf = indexByName(links);
  return {
    links,
    addresses: inDumpOrder(addresses),
    routes: [
      ...parseIpRouteText(input.route, 4, indexOf),
      ...(input.route6 === undefined ? [] : parseIpRouteText(input.route6, 6, indexOf)),
    ],
  };
}
