// How an address request is named in errors ("address add 10.0.0.1/32 dev #3"), kept as its pieces
// and formatted only when an error needs the text. The plain IPv4 request also writes its own bytes
// when the transport sends it, so the batched hot path builds neither a string nor a Buffer.
import { isPlainIPv4Address, plainIPv4AddressSize, writePlainIPv4Address } from '../codec/address.ts';
import type { DeferredMessage, OperationDescription } from '../transport/pending.ts';
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

/** An IPv4 address with only the defaults on a link index; see isPlainIPv4Address. */
export class PlainIPv4AddressRequest extends AddressOperation implements DeferredMessage {
  readonly mode: 'add' | 'replace' | 'del';
  readonly index: number;
  readonly size: number;

  constructor(mode: 'add' | 'replace' | 'del', index: number, address: string, prefixLength: number) {
    super(mode, address, prefixLength, index);
    this.mode = mode;
    this.index = index;
    this.size = plainIPv4AddressSize(mode, prefixLength);
  }

  /** The request when it is a plain one (validated now, before anything is sent), else undefined. */
  static of(
    mode: 'add' | 'replace' | 'del',
    index: number,
    address: string,
    prefixLength: number | undefined,
  ): PlainIPv4AddressRequest | undefined {
    if (!isPlainIPv4Address(index, address, prefixLength)) return undefined;
    return new PlainIPv4AddressRequest(mode, index, address, prefixLength ?? 32);
  }

  writeTo(buf: Buffer, at: number): void {
    writePlainIPv4Address(buf, at, this.mode, this.index, this.address, this.prefixLength);
  }
}
