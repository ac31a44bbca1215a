// The text of `ip addr` (all interfaces, or `ip addr show dev X` outputs one after another) as links and
// addresses. Lines and words ip prints that the rules do not need (qdisc, group, altname, link-netnsid,
// the details of -d) are passed over; a line that is none of ip's is an error naming it.
import { addressFlagBit, IFA_F } from './address-flags.ts';
import type { Family } from './ip.ts';
import { IpOutputError, indexByName, lifetime } from './ip-input.ts';
import { linkFlagBits, linkTypeNumber } from './link-words.ts';
import type { Address, Link } from './objects.ts';
import { scopeNumber } from './route-words.ts';

const INPUT = 'ip addr';
const HEADER = /^(\d+):\s+([^\s@:]+)(?:@[^\s:]*)?:\s+<([^>]*)>(.*)$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2})+$/i;

/** A word's value in "key value" pairs: `mtu 1500 qdisc noqueue state UP`. */
const valueAfter = (words: readonly string[], key: string): string | undefined => {
  const i = words.indexOf(key);
  return i < 0 ? undefined : words[i + 1];
};

/** "2: enp1s0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP qlen 1000" */
function linkFrom(m: RegExpExecArray): Link & { masterName?: string } {
  const words = (m[4] ?? '').trim().split(/\s+/);
  const flags = linkFlagBits((m[3] ?? '').split(','));
  const mtu = valueAfter(words, 'mtu');
  const state = valueAfter(words, 'state');
  return {
    index: Number(m[1]),
    name: m[2] ?? '',
    type: 0,
    flags,
    up: (flags & 1) !== 0,
    mtu: mtu === undefined ? undefined : Number(mtu),
    operState: state?.toLowerCase(),
    masterName: valueAfter(words, 'master'),
  };
}

/** "inet 172.30.250.53/24 brd 172.30.250.255 scope global secondary noprefixroute enp1s0" */
function addressFrom(words: string[], link: Link, line: number, text: string): Address {
  const family: Family = words[0] === 'inet6' ? 6 : 4;
  const fail = (what: string) => new IpOutputError(INPUT, line, text, what);
  const [address, len] = (words[1] ?? '').split('/');
  const peerLen = valueAfter(words, 'peer')?.split('/')[1];
  const prefixLength = Number(len ?? peerLen ?? (family === 4 ? 32 : 128));
  if (address === undefined || address === '' || !Number.isInteger(prefixLength))
    throw fail('no address/prefix');
  const scopeWord = valueAfter(words, 'scope');
  const scope = scopeWord === undefined ? 0 : scopeNumber(scopeWord);
  if (scope === undefined) throw fail(`scope "${scopeWord}" is not a scope`);
  const tail = words.slice(words.indexOf('scope') + 2);
  let flags = tail.includes('dynamic') ? 0 : IFA_F.permanent;
  for (const w of tail) flags |= addressFlagBit(w) ?? 0;
  // IPv4 addresses end with their label (the kernel always reports one); IPv6 addresses have none.
  const last = tail.at(-1);
  const label =
    family === 4 && last !== undefined && last !== 'dynamic' && addressFlagBit(last) === undefined
      ? last
      : undefined;
  const proto = valueAfter(words, 'proto');
  return {
    family,
    index: link.index,
    address,
    prefixLength,
    broadcast: valueAfter(words, 'brd'),
    label,
    flags,
    scope,
    validLifetime: Number.POSITIVE_INFINITY,
    preferredLifetime: Number.POSITIVE_INFINITY,
    protocol: proto === undefined ? undefined : addressProtocol(proto),
  };
}

/** IFA_PROTO as ip prints it: a number ("0x6c") or the kernel's own words. */
export function addressProtocol(word: string): number | undefined {
  if (/^(0x[0-9a-f]+|\d+)$/i.test(word)) return Number(word);
  const i = ['kernel_lo', 'kernel_ra', 'kernel_ll'].indexOf(word);
  return i < 0 ? undefined : i + 1;
}

/** One indented line under a link: its link layer, an address, an address's lifetimes, an alias. */
function detail(words: string[], link: Link, addresses: Address[], line: number, text: string): void {
  const first = words[0] ?? '';
  if (first.startsWith('link/')) {
    link.type = linkTypeNumber(first.slice(5));
    if (MAC.test(words[1] ?? '')) link.mac = words[1]?.toLowerCase();
  } else if (first === 'inet' || first === 'inet6') {
    addresses.push(addressFrom(words, link, line, text));
  } else if (first === 'valid_lft') {
    const a = addresses.at(-1);
    const valid = lifetime(words[1] ?? '');
    const preferred = lifetime(valueAfter(words, 'preferred_lft') ?? '');
    if (a === undefined || a.index !== link.index || valid === undefined || preferred === undefined)
      throw new IpOutputError(INPUT, line, text, 'lifetimes that follow no address');
    a.validLifetime = valid;
    a.preferredLifetime = preferred;
  } else if (first === 'alias') {
    link.alias = text.trim().slice('alias '.length);
  }
}

/** Links and addresses from the text of `ip addr`. */
export function parseIpAddrText(text: string): { links: Link[]; addresses: Address[] } {
  const links: (Link & { masterName?: string })[] = [];
  const addresses: Address[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const header = HEADER.exec(raw.trimEnd());
    if (header) {
      links.push(linkFrom(header));
      return;
    }
    const link = links.at(-1);
    if (!/^\s/.test(raw) || link === undefined)
      throw new IpOutputError(
        INPUT,
        line,
        raw,
        'not an interface line ("2: enp1s0: <...> mtu ...") nor under one',
      );
    detail(raw.trim().split(/\s+/), link, addresses, line, raw);
  });
  const indexOf = indexByName(links);
  for (const l of links) {
    if (l.masterName !== undefined) l.master = indexOf(l.masterName);
    delete l.masterName;
  }
  return { links, addresses };
}
