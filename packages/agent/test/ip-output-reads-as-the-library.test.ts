// Core reads `ip` output (fromIpText, fromIpJson) into the same NodeNetwork the netlink library's
// readNetwork gives for the same namespace, for every field core's rules use: checked live here, in a
// namespace shaped like the seed's node (core's own tests use saved output of the same shape).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromIpJson, fromIpText, type NodeNetwork } from '@purelb-ts/core';
import { Netlink } from '@purelb-ts/netlink-native';
import { ip, netnsUnavailableReason, withNetns } from '../../../test/support/netns.ts';
import { coreFields } from '../../purelb-core/test/net/core-fields.ts';
import { readNetwork } from '../src/network/read-network.ts';
import { addSecondDefault } from './support/agent-process.ts';
import { shapeLikeSeed } from './support/seed-netns.ts';

const skip = netnsUnavailableReason();

/** The library's read as `ip` can show it: no kinds or aliases in text, no address protocol before 6.3. */
function asIpShowsIt(read: NodeNetwork, text: boolean, ipPrintsProto: boolean): unknown {
  const out = coreFields(read, { noKinds: text, finite: true }) as { addresses: Record<string, unknown>[] };
  if (!ipPrintsProto) for (const a of out.addresses) delete a.protocol;
  return JSON.parse(JSON.stringify(out));
}

const plain = (n: NodeNetwork, text: boolean): unknown =>
  JSON.parse(JSON.stringify(coreFields(n, { noKinds: text, finite: true })));

describe('ip output read by core equals readNetwork of the same namespace', { skip }, () => {
  for (const [name, shape] of [
    ['the seed node', shapeLikeSeed],
    [
      'the seed node with a second default route',
      (ns: string) => {
        shapeLikeSeed(ns);
        addSecondDefault(ns);
      },
    ],
  ] as const) {
    it(name, async () =>
      withNetns(async (ns) => {
        shape(ns);
        const nl = await Netlink.open({ netns: ns });
        try {
          const read = await readNetwork(nl);
          const addrText = ip(ns, 'addr', 'show');
          const proto = / proto /.test(addrText);
          const text = fromIpText({ addr: addrText, route: ip(ns, 'route'), route6: ip(ns, '-6', 'route') });
          assert.deepEqual(plain(text, true), asIpShowsIt(read, true, proto));
          const json = fromIpJson({
            addr: ip(ns, '-json', 'addr', 'show'),
            route: ip(ns, '-json', 'route', 'show'),
            route6: ip(ns, '-6', '-json', 'route', 'show'),
            link: ip(ns, '-json', '-details', 'link', 'show'),
          });
          assert.deepEqual(plain(json, false), asIpShowsIt(read, false, proto));
        } finally {
          nl.close();
        }
      }),
    );
  }
});
