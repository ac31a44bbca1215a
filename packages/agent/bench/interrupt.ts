// What must still happen when the bench is interrupted (Ctrl-C, SIGTERM, its global timeout):
// process.exit skips every finally block, so phases register their cleanups here as well.
const cleanups = new Set<() => void>();

/** Registers fn to run on interrupt; call the returned function once fn has run normally. */
export function onInterrupt(fn: () => void): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Runs every registered cleanup; one that throws does not stop the others. */
export function runInterruptCleanups(): void {
  for (const fn of cleanups) {
    try {
      fn();
    } catch {
      // best effort: the process is exiting
    }
  }
  cleanups.clear();
}
