// The batched hot path: an IPv4 address with only the defaults on a link index (see
// isPlainIPv4Address). The request keeps just its pieces; it writes its bytes when the transport
// sends it, straight into the batch buffer, and formats its operation text ("address add
// 10.0.0.1/32 dev #3") only when an error needs it. So per request there is no Buffer and no string.
import { plainIPv4Address, plainIPv4AddressSize, writePlainIPv4AddressBits } from '../codec/address.ts';
import type { DeferredMessage, OperationDescription } from '../transport/pending.ts';
import { linkLabel } from './link-ref.ts';

export type PlainMode = 'add' | 'replace' | 'del';

export class PlainIPv4AddressRequest implements DeferredMessage, OperationDescription {
  readonly mode: PlainMode;
  readonly index: number;
  /** The address text (no prefix length). */
  readonly address: string;
  readonly prefixLength: number;
  /** The address parsed once, when the request is made (see plainIPv4Address). */
  readonly bits: number;

  private constructor(mode: PlainMode, index: number, address: string, prefixLength: number, bits: number) {
    this.mode = mode;
    this.index = index;
    this.address = address;
    this.prefixLength = prefixLength;
    this.bits = bits;
  }

  /** The request when it is a plain one (validated now, before anything is sent), else undefined. */
  static of(
    mode: PlainMode,
    index: number,
    address: string,
    prefixLength: number | undefined,
  ): PlainIPv4AddressRequest | undefined {
    const bits = plainIPv4Address(index, address, prefixLength);
    if (bits === undefined) return undefined;
    return new PlainIPv4AddressRequest(mode, index, address, prefixLength ?? 32, bits);
  }

  get size(): number {
    return plainIPv4AddressSize(this.mode, this.prefixLength);
  }

  writeTo(buf: Buffer, at: number): void {
    writePlainIPv4AddressBits(buf, at, this.mode, this.index, this.bits, this.prefixLength);
  }

  describe(): string {
    return `address ${this.mode} ${this.address}/${this.prefixLength} dev ${linkLabel(this.index)}`;
  }
}
