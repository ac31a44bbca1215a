// Sends an IPv6 router advertisement (RFC 4861 4.2, with the RFC 4191 preference) out of an interface
// of a test namespace: Debian's /usr/bin/python3 with a raw ICMPv6 socket (the kernel fills in the
// checksum and the link-local source), hop limit 255 as neighbour discovery requires. The receiving
// host learns "default via <sender's link-local> proto ra ... pref <preference>".
import { execFileSync } from 'node:child_process';

const PREFERENCE_BITS = { high: 0x08, medium: 0x00, low: 0x18 } as const;

export function sendRouterAdvertisement(
  ns: string,
  device: string,
  preference: keyof typeof PREFERENCE_BITS,
  lifetimeS = 1800,
): void {
  const script = `
import socket, struct, sys
dev, flags, lifetime = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 255)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev.encode())
ifindex = socket.if_nametoindex(dev)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
# type 134, code 0, checksum 0 (the kernel computes it), hop limit 64, flags, router lifetime,
# reachable time 0, retrans timer 0.
ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, flags, lifetime, 0, 0)
s.sendto(ra, ("ff02::1", 0, 0, ifindex))
`;
  execFileSync(
    'ip',
    [
      'netns',
      'exec',
      ns,
      '/usr/bin/python3',
      '-c',
      script,
      device,
      String(PREFERENCE_BITS[preference]),
      String(lifetimeS),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}
