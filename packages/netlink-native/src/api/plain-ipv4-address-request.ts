// The batched hot path: an IPv4 address with only the defaults on a link index (see
// isPlainIPv4Address). The request keeps just its pieces; it writes its bytes when the transport
// sends it, straight into the batch buffer, and formats its operation text ("address add
// 10.0.0.1/32 dev #3") only when an error needs it. So per request there is no Buffer and no string.
import { isPlainIPv4Address, plainIPv4AddressSize, writePlainIPv4Address } from '../codec/address.ts';
import type { DeferredMessage, OperationDescription } from '../transport/pending.ts';
import { linkLabel } from './link-ref.ts';

export type PlainMode = 'add' | 'replace' | 'del';

export class PlainIPv4AddressRequest implements DeferredMessage, OperationDescription {
  readonly mode: PlainMode;
  readonly index: number;
  /** The address text (no prefix length). */
  readonly address: string;
  readonly prefixLength: number;

  private constructor(mode: PlainMode, index: number, address: string, prefixLength: number) {
    this.mode = mode;
    this.index = index;
    this.address = address;
    this.prefixLength = prefixLength;
  }

  /** The request when it is a plain one (validated now, before anything is sent), else undefined. */
  static of(
    mode: PlainMode,
    index: number,
    address: string,
    prefixLength: number | undefined,
  ): PlainIPv4AddressRequest | undefined {
    if (!isPlainIPv4Address(index, address, prefixLength)) return undefined;
    return new PlainIPv4AddressRequest(mode, index, address, prefixLength ?? 32);
  }

  get size(): number {
    return plainIPv4AddressSize(this.mode, this.prefixLength);
  }

  writeTo(buf: Buffer, at: number): void {
    writePlainIPv4Address(buf, at, this.mode, this.index, this.address, this.prefixLength);
  }

  describe(): string {
    return `address ${this.mode} ${this.address}/${this.prefixLength} dev ${linkLabel(this.index)}`;
  }
}
