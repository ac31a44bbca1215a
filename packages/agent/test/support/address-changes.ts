// Every deletion and (re-)addition of each IPv4 address in one namespace, from the kernel's own
// notifications: "nothing moved" means these counts, not a sample that might miss a quick
// delete-and-add.
import type { Netlink } from '@purelb-ts/netlink-native';

/** Counts deletions and (re-)additions of each IPv4 address, from the kernel's own notifications. */
export class AddressChanges {
  readonly #present = new Set<string>();
  readonly deleted = new Map<string, number>();
  readonly added = new Map<string, number>();
  readonly #monitor;

  constructor(nl: Netlink, initially: Iterable<string>) {
    for (const ip of initially) this.#present.add(ip);
    this.#monitor = nl.monitor({ groups: ['ipv4-address'] });
    this.#monitor.on('address', (e) => {
      const ip = e.address.address;
      if (e.action === 'del') {
        this.#present.delete(ip);
        this.deleted.set(ip, (this.deleted.get(ip) ?? 0) + 1);
      } else if (!this.#present.has(ip)) {
        // A lifetime refresh is an RTM_NEWADDR for a present address: not an addition.
        this.#present.add(ip);
        this.added.set(ip, (this.added.get(ip) ?? 0) + 1);
      }
    });
    this.#monitor.on('overrun', () => {
      throw new Error('address monitor overran: the counts would be incomplete');
    });
  }

  of(ip: string): { deleted: number; added: number } {
    return { deleted: this.deleted.get(ip) ?? 0, added: this.added.get(ip) ?? 0 };
  }

  close(): void {
    this.#monitor.close();
  }
}
