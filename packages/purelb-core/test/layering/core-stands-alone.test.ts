// purelb-core stands alone: nothing from the netlink library (not even types: its own plain types in
// net/objects.ts are what the rules read), no dependency on it in package.json (so core installs on any
// OS), and no Kubernetes client, sockets, files or processes anywhere under src/.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const PACKAGE_JSON = fileURLToPath(new URL('../../package.json', import.meta.url));
const FORBIDDEN = [
  '@kubernetes/client-node',
  'node:net',
  'node:fs',
  'node:child_process',
  'node:dgram',
  'node:http',
];
const NETLINK = '@purelb-ts/netlink-native';

const tsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

interface ImportSite {
  statement: string;
  from: string;
  typeOnly: boolean;
}

/** Every static import/export-from, side-effect import, dynamic import() and require() of a module. */
function importsOf(source: string): ImportSite[] {
  const out: ImportSite[] = [];
  const fromRe = /(?:^|[;\n])\s*((?:import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"])/g;
  for (const m of source.matchAll(fromRe)) {
    const clause = m[3] ?? '';
    // `import { type A, type B } from` erases too; `import { type A, B }` does not.
    const allInlineTypes =
      /^\{[^}]*\}$/.test(clause.trim()) &&
      clause
        .replace(/[{}]/g, '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
        .every((s) => s.startsWith('type '));
    out.push({ statement: m[1] ?? '', from: m[4] ?? '', typeOnly: m[2] !== undefined || allInlineTypes });
  }
  for (const m of source.matchAll(/(?:^|[;\n])\s*(import\s*['"]([^'"]+)['"])/g)) {
    out.push({ statement: m[1] ?? '', from: m[2] ?? '', typeOnly: false });
  }
  for (const m of source.matchAll(/((?:\bimport|\brequire)\s*\(\s*['"]([^'"]+)['"]\s*\))/g)) {
    out.push({ statement: m[1] ?? '', from: m[2] ?? '', typeOnly: false });
  }
  return out;
}

const matches = (from: string, mod: string): boolean =>
  from === mod || from.startsWith(`${mod}/`) || from === mod.replace(/^node:/, '');

describe('purelb-core layering', () => {
  const files = tsFiles(SRC);

  it('finds the sources it checks', () =>
    assert.ok(files.length >= 5, `only ${files.length} files under ${SRC}`));

  it('nothing is imported from the netlink library (not even a type), nor reaches sockets, files, processes or Kubernetes', () => {
    const problems: string[] = [];
    for (const file of files) {
      const rel = relative(SRC, file);
      for (const site of importsOf(readFileSync(file, 'utf8'))) {
        if (matches(site.from, NETLINK)) problems.push(`${rel}: imports the addon ("${site.statement}")`);
        for (const mod of FORBIDDEN) {
          if (matches(site.from, mod)) problems.push(`${rel}: imports ${mod} ("${site.statement}")`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('package.json depends on nothing of the addon (it is Linux-only; core installs anywhere)', () => {
    const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as Record<string, unknown>;
    const kinds = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
    const found = kinds.filter((k) => Object.hasOwn((pkg[k] ?? {}) as object, NETLINK));
    assert.deepEqual(found, [], `${NETLINK} is listed in ${found.join(', ')}`);
  });
});

describe('the import scanner itself', () => {
  const cases: [string, { from: string; typeOnly: boolean }[]][] = [
    ["import type { Link } from '@purelb-ts/netlink-native';", [{ from: NETLINK, typeOnly: true }]],
    [
      "import { type Link, type Route } from '@purelb-ts/netlink-native';",
      [{ from: NETLINK, typeOnly: true }],
    ],
    [
      "import { type Link, openNetlink } from '@purelb-ts/netlink-native';",
      [{ from: NETLINK, typeOnly: false }],
    ],
    ["import * as nl from '@purelb-ts/netlink-native';", [{ from: NETLINK, typeOnly: false }]],
    [
      "import {\n  a,\n  b,\n} from '@purelb-ts/netlink-native/api';",
      [{ from: `${NETLINK}/api`, typeOnly: false }],
    ],
    ["export { x } from '@purelb-ts/netlink-native';", [{ from: NETLINK, typeOnly: false }]],
    ["export type { Address } from '@purelb-ts/netlink-native';", [{ from: NETLINK, typeOnly: true }]],
    ["import 'node:net';", [{ from: 'node:net', typeOnly: false }]],
    ["const fs = await import('node:fs');", [{ from: 'node:fs', typeOnly: false }]],
    ["const k = require('@kubernetes/client-node');", [{ from: '@kubernetes/client-node', typeOnly: false }]],
    ["import { createHash } from 'node:crypto';", [{ from: 'node:crypto', typeOnly: false }]],
  ];
  for (const [source, want] of cases) {
    it(JSON.stringify(source), () =>
      assert.deepEqual(
        importsOf(source).map(({ from, typeOnly }) => ({ from, typeOnly })),
        want,
      ),
    );
  }
  it('"fs" without the node: prefix is caught too', () => assert.ok(matches('fs', 'node:fs')));
  it('node:crypto is allowed (hashing is computation)', () =>
    assert.ok(!FORBIDDEN.some((m) => matches('node:crypto', m))));
});
