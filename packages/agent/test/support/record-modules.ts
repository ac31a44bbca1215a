// Preloaded with `--import` into an agent under test: appends every module URL it resolves to the file
// $PURELB_MODULE_LOG, so a test can tell which modules a run loaded (see kubernetes-client-loaded-only-
// when-needed.test.ts).
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const log = process.env.PURELB_MODULE_LOG;
if (log !== undefined && log !== '') {
  registerHooks({
    resolve(specifier, context, next) {
      const resolved = next(specifier, context);
      appendFileSync(log, `${resolved.url}\n`);
      return resolved;
    },
  });
}
