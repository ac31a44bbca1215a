// Interface addresses: list (kernel-side filtered by family and link), add, replace, delete.
import { decodeAddress, encodeDelAddress, encodeGetAddress, encodeNewAddress } from '../codec/address.ts';
import type { Connection } from '../transport/connection.ts';
import type { Decoder, DumpResult } from '../transport/pending.ts';
import type { Address, AddressFlag, AddressSpec, Family } from '../types.ts';
import { addressFlagBits } from './address-flags.ts';
import { AddressOperation } from './address-operation.ts';
import { type LinkRef, linkLabel, resolveIndex } from './link-ref.ts';
import { checkRetry, type DumpOptions } from './links.ts';
import { sendPlainIPv4Address } from './plain-ipv4-address-request.ts';
import { parseAddressOnly, parsePrefix } from './prefix.ts';
import { type ScopeName, scopeNumber } from './scope.ts';

/** What `nl.addresses.list` returns: every address, or those of one family and/or link. */
export interface AddressListOptions extends DumpOptions {
  /** Only IPv4 (4) or IPv6 (6) addresses; filtered by the kernel. */
  family?: Family;
  /** Only the addresses of this link (ifindex or name); filtered by the kernel. */
  link?: LinkRef;
}

/** An address to add or replace (`ip address add` / `replace`). */
export interface AddressOptions {
  /** The link the address goes on (ifindex or name). */
  link: LinkRef;
  /** "10.0.0.1/24", or a bare address with `prefixLength` (default: a host prefix). */
  address: string;
  /** Prefix length when `address` has none (0-32 or 0-128). */
  prefixLength?: number;
  /**
   * IPv4 broadcast. Default 'auto': address | host bits, for prefixes shorter than /31 (`brd +`).
   * null: none.
   */
  broadcast?: string | 'auto' | null;
  /** IPv4 label, which must start with the link's name ("eth0:vip"). */
  label?: string;
  /** IFA_F_* flags by name, e.g. `['noprefixroute', 'nodad']`. */
  flags?: AddressFlag[];
  /** Seconds; Infinity (the default) is forever. */
  validLifetime?: number;
  /** Seconds the address stays preferred (not deprecated); at most `validLifetime`. Default forever. */
  preferredLifetime?: number;
  /** IFA_PROTO (0-255): who owns the address. */
  protocol?: number;
  /** Address scope: `global` (the default), `site`, `link`, `host`, or a number. */
  scope?: ScopeName | number;
  /** Metric of the prefix route the kernel adds (IFA_RT_PRIORITY). */
  metric?: number;
}

/** Which address to delete: its link and prefix. */
export type AddressDeleteOptions = Pick<AddressOptions, 'link' | 'address' | 'prefixLength'>;

function checkByte(name: string, v: number | undefined): number | undefined {
  if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 255))
    throw new RangeError(`${name} must be 0..255, got ${v}`);
  return v;
}

/** `nl.addresses`: the addresses of the handle's namespace (RTM_GETADDR, RTM_NEWADDR, RTM_DELADDR). */
export class Addresses {
  readonly #conn: Connection;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  /** Addresses in the namespace; family and link filters run in the kernel (strict check). */
  async list(options: AddressListOptions = {}): Promise<DumpResult<Address>> {
    const retry = checkRetry(options);
    const { family } = options;
    if (family !== undefined && family !== 4 && family !== 6)
      throw new TypeError(`family must be 4 or 6, got ${family}`);
    const index = options.link === undefined ? undefined : await resolveIndex(this.#conn, options.link);
    let decode: Decoder<Address> = decodeAddress;
    // Without strict checking the kernel ignores ifa_index in a dump request: filter here instead.
    if (index !== undefined && !this.#conn.socket.strictCheck) {
      decode = (m) => {
        const a = decodeAddress(m);
        return a.index === index ? a : undefined;
      };
    }
    const what = `address list${family ? ` -${family}` : ''}${options.link === undefined ? '' : ` dev ${linkLabel(options.link)}`}`;
    return this.#conn.dump(encodeGetAddress({ family, index }), what, decode, retry);
  }

  /** Adds an address; EEXIST when it is already there. */
  add(options: AddressOptions): Promise<void> {
    return this.#change(options, 'add');
  }

  /** Adds the address or updates the one already there (flags, lifetimes, broadcast, label). */
  replace(options: AddressOptions): Promise<void> {
    return this.#change(options, 'replace');
  }

  /** Deletes an address; EADDRNOTAVAIL when it is not there. */
  delete(options: AddressDeleteOptions): Promise<void> {
    try {
      if (typeof options === 'object' && options !== null) {
        const { link, address, prefixLength } = options;
        if (typeof link === 'number' && typeof address === 'string') {
          const sent = sendPlainIPv4Address(this.#conn, 'del', link, address, prefixLength);
          if (sent !== undefined) return sent;
        }
      }
      const prefix = parsePrefix(options.address, options.prefixLength);
      const what = new AddressOperation('del', prefix.address, prefix.prefixLength, options.link);
      const send = (index: number) =>
        this.#conn.ack(
          encodeDelAddress({ index, address: prefix.address, prefixLength: prefix.prefixLength }),
          what,
        );
      return typeof options.link === 'number'
        ? send(checkIndex(options.link))
        : resolveIndex(this.#conn, options.link).then(send);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #change(options: AddressOptions, mode: 'add' | 'replace'): Promise<void> {
    try {
      if (typeof options !== 'object' || options === null)
        throw new TypeError(`address ${mode} needs { link, address }`);
      const { link, address, prefixLength } = options;
      if (typeof link === 'number' && typeof address === 'string' && hasOnlyDefaults(options)) {
        const sent = sendPlainIPv4Address(this.#conn, mode, link, address, prefixLength);
        if (sent !== undefined) return sent;
      }
      const prefix = parsePrefix(options.address, options.prefixLength);
      const spec: AddressSpec = { index: 0, address: prefix.address, prefixLength: prefix.prefixLength };
      const brd = options.broadcast === undefined ? 'auto' : options.broadcast;
      if (typeof brd === 'string' && brd !== 'auto') parseAddressOnly(brd, 'broadcast', 4);
      if (brd !== null && prefix.family === 4) spec.broadcast = brd;
      else if (brd !== null && brd !== 'auto') throw new TypeError('broadcast is IPv4 only');
      if (options.label !== undefined) spec.label = options.label;
      const flags = addressFlagBits(options.flags);
      if (flags) spec.flags = flags;
      if (options.validLifetime !== undefined) spec.validLifetime = options.validLifetime;
      if (options.preferredLifetime !== undefined) spec.preferredLifetime = options.preferredLifetime;
      const protocol = checkByte('protocol', options.protocol);
      if (protocol !== undefined) spec.protocol = protocol;
      const scope = scopeNumber(options.scope);
      if (scope !== undefined) spec.scope = scope;
      if (options.metric !== undefined) spec.routePriority = options.metric;
      const what = new AddressOperation(mode, prefix.address, prefix.prefixLength, options.link);
      if (typeof options.link === 'number') {
        spec.index = checkIndex(options.link);
        return this.#conn.ack(encodeNewAddress(spec, mode), what);
      }
      // Encode once before the lookup so a bad field fails before anything is sent.
      spec.index = 1;
      encodeNewAddress(spec, mode);
      return resolveIndex(this.#conn, options.link).then((index) => {
        spec.index = index;
        return this.#conn.ack(encodeNewAddress(spec, mode), what);
      });
    } catch (err) {
      return Promise.reject(err);
    }
  }
}

/** No option beyond link, address and prefixLength: a candidate for sendPlainIPv4Address. */
function hasOnlyDefaults(o: AddressOptions): boolean {
  return (
    o.broadcast === undefined &&
    o.label === undefined &&
    o.flags === undefined &&
    o.validLifetime === undefined &&
    o.preferredLifetime === undefined &&
    o.protocol === undefined &&
    o.scope === undefined &&
    o.metric === undefined
  );
}

function checkIndex(index: number): number {
  if (!Number.isInteger(index) || index <= 0 || index > 0x7fffffff) {
    throw new RangeError(`link index must be a positive integer, got ${index}`);
  }
  return index;
}
