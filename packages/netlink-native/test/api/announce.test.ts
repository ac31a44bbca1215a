// GARP and unsolicited NA leave the interface and arrive on the veth peer as built: captured there
// with an AF_PACKET socket (python3 inside the namespace) and decoded field by field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureFrames } from '../../../../test/support/capture.ts';
import { inNetns } from '../../../../test/support/netns.ts';
import { ip, needsNetns, withHandle } from './support.ts';

// ARP frames, and ICMPv6 neighbour advertisements (next header 58, type 136).
const ANNOUNCEMENTS =
  'f[12:14].hex() == "0806" or (f[12:14].hex() == "86dd" and f[20] == 58 and f[54] == 136)';
const capture = (ns: string, want: number) => captureFrames(ns, 'v1', want, ANNOUNCEMENTS);

const macText = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
const v4 = (b: Buffer) => [...b].join('.');

/** The Internet checksum over the IPv6 pseudo-header and the ICMPv6 message; 0 when it verifies. */
function icmp6Verify(frame: Buffer): number {
  const payloadLength = frame.readUInt16BE(18);
  const pseudo = Buffer.alloc(40);
  frame.copy(pseudo, 0, 22, 54);
  pseudo.writeUInt32BE(payloadLength, 32);
  pseudo[39] = 58;
  const all = Buffer.concat([pseudo, frame.subarray(54, 54 + payloadLength)]);
  let sum = 0;
  for (let i = 0; i < all.length; i += 2) sum += all.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

test(
  'GARP (request and reply) and an unsolicited NA arrive on the veth peer, field by field',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      ip(ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
      // An EUI-64 link-local (checked below) and no DAD, so it is usable as soon as the link is up.
      ip(ns, 'link', 'set', 'v0', 'addrgenmode', 'eui64');
      await nl.links.setUp('v1');
      inNetns(ns, 'sysctl', ['-qw', 'net.ipv6.conf.v0.accept_dad=0']);
      await nl.links.setUp('v0');
      await nl.addresses.add({ link: 'v0', address: '172.31.1.5/32' });
      await nl.addresses.add({ link: 'v0', address: '2001:db8:5::5/128', flags: ['nodad'] });
      const v0 = await nl.links.get('v0');
      const ll = (await nl.addresses.list({ family: 6, link: 'v0' })).find((a) => a.scope === 253);
      assert.ok(v0.mac && ll, 'v0 has a MAC and a link-local address');

      const cap = capture(ns, 3);
      await cap.ready;
      await nl.announce('v0', '172.31.1.5');
      await nl.announce('v0', '2001:db8:5::5');
      const frames = await cap.frames;
      const arps = frames.filter((f) => f.readUInt16BE(12) === 0x0806);
      const nas = frames.filter((f) => f.readUInt16BE(12) === 0x86dd);
      assert.equal(arps.length, 2);
      assert.equal(nas.length, 1);

      for (const [i, f] of arps.entries()) {
        assert.equal(macText(f.subarray(0, 6)), 'ff:ff:ff:ff:ff:ff', 'Ethernet broadcast');
        assert.equal(macText(f.subarray(6, 12)), v0.mac, 'from the interface MAC');
        assert.equal(f.readUInt16BE(14), 1, 'htype Ethernet');
        assert.equal(f.readUInt16BE(16), 0x0800, 'ptype IPv4');
        assert.equal(f[18], 6);
        assert.equal(f[19], 4);
        assert.equal(f.readUInt16BE(20), i === 0 ? 1 : 2, 'a request, then a reply');
        assert.equal(macText(f.subarray(22, 28)), v0.mac, 'sender MAC');
        assert.equal(v4(f.subarray(28, 32)), '172.31.1.5', 'sender IP = VIP');
        assert.equal(v4(f.subarray(38, 42)), '172.31.1.5', 'target IP = VIP');
      }

      const na = nas[0] as Buffer;
      assert.equal(macText(na.subarray(0, 6)), '33:33:00:00:00:01', 'all-nodes multicast MAC');
      assert.equal(macText(na.subarray(6, 12)), v0.mac);
      assert.equal(na[14]! >> 4, 6, 'IPv6');
      assert.equal(na.readUInt16BE(18), 32, 'payload: NA + one option');
      assert.equal(na[20], 58, 'next header ICMPv6');
      assert.equal(na[21], 255, 'hop limit 255');
      const addr6 = (b: Buffer) => (b.toString('hex').match(/.{4}/g) as string[]).join(':');
      assert.equal(addr6(na.subarray(22, 38)), `fe80:0000:0000:0000:${eui64(v0.mac)}`, 'from the link-local');
      assert.equal(addr6(na.subarray(38, 54)), 'ff02:0000:0000:0000:0000:0000:0000:0001', 'to all nodes');
      assert.equal(na[54], 136, 'neighbour advertisement');
      assert.equal(na[55], 0, 'code 0');
      assert.equal(icmp6Verify(na), 0, 'ICMPv6 checksum verifies');
      const flags = na[58] as number;
      assert.equal(flags & 0x80, 0, 'Router = 0');
      assert.equal(flags & 0x40, 0, 'Solicited = 0');
      assert.equal(flags & 0x20, 0x20, 'Override = 1');
      assert.equal(
        addr6(na.subarray(62, 78)),
        '2001:0db8:0005:0000:0000:0000:0000:0005',
        'target = the address',
      );
      assert.equal(na[78], 2, 'target link-layer address option');
      assert.equal(na[79], 1, 'option length 8 bytes');
      assert.equal(macText(na.subarray(80, 86)), v0.mac);
    }),
);

/** The EUI-64 interface identifier of a MAC, as 4 hex groups. */
function eui64(mac: string): string {
  const b = mac.split(':').map((h) => Number.parseInt(h, 16));
  const id = [b[0]! ^ 2, b[1]!, b[2]!, 0xff, 0xfe, b[3]!, b[4]!, b[5]!];
  return (Buffer.from(id).toString('hex').match(/.{4}/g) as string[]).join(':');
}
