// Loads the addon. Inside this repository the development build made by `npm run build:native`
// (build/Release at the repository root) wins, so a C++ edit is never shadowed by an older
// prebuild. Installed from the registry, node-gyp-build picks the prebuild shipped in the
// package (prebuilds/<platform>-<arch>/) or a source build (build/Release); being Node-API,
// one binary serves every Node major.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeBinding } from './binding.ts';

const require = createRequire(import.meta.url);
const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;

// src/native/load.ts and dist/native/load.js both sit two levels below the package root.
const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const repoBuild = resolve(packageDir, '..', '..', 'build', 'Release', 'netlink_native.node');

const inRepository = !packageDir.split(sep).includes('node_modules');

function loadBinding(): NativeBinding {
  if (inRepository && existsSync(repoBuild)) return require(repoBuild) as NativeBinding;
  try {
    return nodeGypBuild(packageDir) as NativeBinding;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `@purelb-ts/netlink-native: no compiled addon for ${process.platform}-${process.arch} ` +
        `(looked in ${join(packageDir, 'prebuilds')} and ${join(packageDir, 'build')}` +
        `${inRepository ? ` and ${repoBuild}` : ''}). In the repository run \`npm run build:native\`; ` +
        'elsewhere `npx node-gyp rebuild` in the package directory (needs python3, make and a ' +
        `C++17 compiler). Cause: ${reason}`,
    );
  }
}

export const native: NativeBinding = loadBinding();
