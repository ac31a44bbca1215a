// Loads the addon: a prebuild shipped in the package (prebuilds/<platform>-<arch>/), or a source
// build in the package (build/Release), or, in this repository, the development build made by
// `npm run build:native` at the repository root. node-gyp-build picks the right prebuild for
// this platform, architecture and libc; being Node-API, one binary serves every Node major.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeBinding } from './binding.ts';

const require = createRequire(import.meta.url);
const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;

// src/native/load.ts and dist/native/load.js both sit two levels below the package root.
const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const repoBuild = resolve(packageDir, '..', '..', 'build', 'Release', 'netlink_native.node');

function loadBinding(): NativeBinding {
  let packageError: unknown;
  try {
    return nodeGypBuild(packageDir) as NativeBinding;
  } catch (err) {
    packageError = err;
  }
  if (existsSync(repoBuild)) return require(repoBuild) as NativeBinding;
  const reason = packageError instanceof Error ? packageError.message : String(packageError);
  throw new Error(
    `@purelb-ts/netlink-native: no compiled addon for ${process.platform}-${process.arch} ` +
      `(looked in ${join(packageDir, 'prebuilds')}, ${join(packageDir, 'build')} and ${repoBuild}). ` +
      'In the repository run `npm run build:native`; elsewhere `npx node-gyp rebuild` in the package ' +
      `directory (needs python3, make and a C++17 compiler). Cause: ${reason}`,
  );
}

export const native: NativeBinding = loadBinding();
