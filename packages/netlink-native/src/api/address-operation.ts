// How an address request of the general path is named in errors ("address add 2001:db8::1/64 dev
// v0"), kept as its pieces and formatted only when an error needs the text.
import type { OperationDescription } from '../transport/pending.ts';
import { type LinkRef, linkLabel } from './link-ref.ts';

export class AddressOperation implements OperationDescription {
  readonly verb: string;
  /** The address text without a prefix length. */
  readonly address: string;
  readonly prefixLength: number;
  readonly link: LinkRef;

  constructor(verb: string, address: string, prefixLength: number, link: LinkRef) {
    this.verb = verb;
    this.address = address;
    this.prefixLength = prefixLength;
    this.link = link;
  }

  describe(): string {
    return `address ${this.verb} ${this.address}/${this.prefixLength} dev ${linkLabel(this.link)}`;
  }
}
