// The virtual interface is PureLB's only when PureLB could have made it: a dummy (its own, or the one an
// earlier PureLB made), or any kind carrying PureLB's alias (where the kernel has no dummy driver the
// agent makes an ifb and marks it). A configuration naming any other interface (a NIC, a veth, a bridge,
// lo) as the virtual one would have PureLB add routes to it and bring it up: refused.
import type { Link } from '../model.ts';
import { PURELB_VIRTUAL_ALIAS } from '../model.ts';

export const isOurVirtualInterface = (link: Link): boolean =>
  link.kind === 'dummy' || link.alias === PURELB_VIRTUAL_ALIAS;

/** Why `link` cannot be PureLB's virtual interface, in words, or undefined when it can. */
export function virtualInterfaceProblem(link: Link | undefined): string | undefined {
  if (link === undefined || isOurVirtualInterface(link)) return undefined;
  const kind = link.kind ?? ((link.flags & 0x8) !== 0 ? 'loopback' : 'physical (or kind-less)');
  return `${link.name} exists and is a ${kind} interface PureLB did not create; PureLB only uses an interface it creates itself (or a dummy one) as its virtual interface, so it adds nothing to ${link.name} and removes nothing from it`;
}
