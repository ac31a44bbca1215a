// Writes core's `ip` fixtures (packages/purelb-core/test/fixtures/ip/): the text and JSON that real `ip`
// prints in a throw-away namespace shaped like the seed's node, and what the netlink library's
// readNetwork reads there (core's fields only), so core's parser tests run on any OS against real
// output. Run as root: node --conditions=purelb-source packages/agent/test/support/write-ip-fixtures.ts
import { writeFileSync } from 'node:fs';
import { Netlink } from '@purelb-ts/netlink-native';
import { ip, withNetns } from '../../../../test/support/netns.ts';
import { coreFields } from '../../../purelb-core/test/net/core-fields.ts';
import { readNetwork } from '../../src/network/read-network.ts';
import { addSecondDefault } from './agent-process.ts';
import { shapeLikeSeed } from './seed-netns.ts';

const DIR = new URL('../../../purelb-core/test/fixtures/ip/', import.meta.url);

/** What `ip` prints, by fixture file name. */
export const IP_COMMANDS: Readonly<Record<string, string[]>> = {
  'addr.txt': ['addr', 'show'],
  'route.txt': ['route', 'show'],
  'route6.txt': ['-6', 'route', 'show'],
  'addr.json': ['-json', 'addr', 'show'],
  'route.json': ['-json', 'route', 'show'],
  'route6.json': ['-6', '-json', 'route', 'show'],
  'link.json': ['-json', '-details', 'link', 'show'],
};

async function write(name: string, shape: (ns: string) => void): Promise<void> {
  await withNetns(async (ns) => {
    shape(ns);
    const nl = await Netlink.open({ netns: ns });
    try {
      for (const [file, args] of Object.entries(IP_COMMANDS))
        writeFileSync(new URL(`${name}-${file}`, DIR), ip(ns, ...args));
      const read = coreFields(await readNetwork(nl));
      writeFileSync(new URL(`${name}-read-network.json`, DIR), `${JSON.stringify(read, null, 1)}\n`);
    } finally {
      nl.close();
    }
  });
}

if (import.meta.main) {
  await write('seed', shapeLikeSeed);
  await write('two-defaults', (ns) => {
    shapeLikeSeed(ns);
    addSecondDefault(ns);
  });
}
