// Fence on evidence, not on silence. While this node cannot renew its Lease it keeps its local
// addresses: in a full API outage nobody can take one over, so withdrawing would only turn a
// control-plane outage into a data-plane one. Instead it watches every link carrying one of them
// (netlink-native's claim watch), and the moment another host shows it uses one (the gratuitous
// ARP or unsolicited NA a new holder sends on takeover, an ARP reply, a DAD probe), this node lets
// that address go and holds it back until it is in contact with the API server again. Invariant:
// an address is held back only on a frame from another host naming it; nothing else evicts.
import type { ClaimEvidence, ClaimWatch, Netlink } from '@purelb-ts/netlink-native';
import type { Logger } from '../log.ts';

const WORDS: Record<string, string> = {
  'arp-reply': 'an ARP reply',
  'arp-request': 'an ARP request or gratuitous ARP',
  'arp-probe': 'an ARP probe',
  'neighbour-advertisement': 'a neighbour advertisement',
  'dad-probe': 'a duplicate address detection probe',
  'neighbour-solicitation': 'a neighbour solicitation',
};

interface LinkWatch {
  opening: Promise<ClaimWatch | undefined>;
  ips: readonly string[];
}

export class EvidenceFence {
  readonly #nl: Pick<Netlink, 'watchClaims'>;
  readonly #log: Logger;
  readonly #onEvicted: (ip: string) => void;
  readonly #watches = new Map<string, LinkWatch>();
  readonly #evicted = new Map<string, string>();

  /** `onEvicted`: an address was just held back (the caller reconciles so it is withdrawn). */
  constructor(nl: Pick<Netlink, 'watchClaims'>, log: Logger, onEvicted: (ip: string) => void) {
    this.#nl = nl;
    this.#log = log;
    this.#onEvicted = onEvicted;
  }

  /** Addresses held back, with the evidence in words. */
  evicted(): ReadonlyMap<string, string> {
    return this.#evicted;
  }

  /**
   * After each decision. Cut off: watch each link for the local addresses it carries (link → IPs).
   * In contact: stop watching, and forget what was held back (the election decides again).
   */
  update(cutOff: boolean, local: ReadonlyMap<string, readonly string[]>): void {
    if (!cutOff) {
      if (this.#evicted.size > 0)
        this.#log.info('in contact with the API server again: held-back addresses may return', {
          reason: [...this.#evicted.keys()].join(', '),
        });
      this.#evicted.clear();
      this.close();
      return;
    }
    for (const [link, w] of this.#watches) {
      if (local.has(link)) continue;
      this.#watches.delete(link);
      void w.opening.then((watch) => watch?.close());
    }
    for (const [link, ips] of local) this.#watch(link, ips);
  }

  close(): void {
    for (const w of this.#watches.values()) void w.opening.then((watch) => watch?.close());
    this.#watches.clear();
  }

  #watch(link: string, ips: readonly string[]): void {
    const known = this.#watches.get(link);
    if (known !== undefined) {
      known.ips = ips;
      void known.opening.then((watch) => watch?.setAddresses(ips));
      return;
    }
    const entry: LinkWatch = { ips, opening: Promise.resolve(undefined) };
    entry.opening = this.#nl
      .watchClaims(link, {
        addresses: ips,
        onEvidence: (e) => this.#evidence(link, e),
        onError: (err) => this.#log.warn('claim watch degraded', { interface: link, reason: err.message }),
      })
      .then(
        (watch) => {
          watch.unref();
          if (this.#watches.get(link) !== entry) watch.close();
          else watch.setAddresses(entry.ips);
          return watch;
        },
        (err: unknown) => {
          this.#log.warn('cannot watch the segment for other hosts claiming local addresses', {
            interface: link,
            reason: err instanceof Error ? err.message : String(err),
          });
          return undefined;
        },
      );
    this.#watches.set(link, entry);
  }

  #evidence(link: string, e: ClaimEvidence): void {
    if (this.#evicted.has(e.address)) return;
    const evidence = `${WORDS[e.how] ?? e.how} from ${e.mac} on ${link}`;
    this.#evicted.set(e.address, evidence);
    this.#log.error(
      'another host announces a local address while this node cannot renew its Lease: letting it go',
      {
        ip: e.address,
        interface: link,
        reason: evidence,
      },
    );
    this.#onEvicted(e.address);
  }
}
