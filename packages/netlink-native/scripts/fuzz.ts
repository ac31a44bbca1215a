// The long decoder fuzz run: `npm run fuzz -- 10000000 [seed]` from the repository root.
// Feeds N arbitrary and mutated inputs to parseMessages and every decoder (test/codec/fuzz-engine.ts)
// and fails, printing the input that broke it, if anything but DecodeError comes out.
import { FuzzFailure, runFuzz } from '../test/codec/fuzz-engine.ts';

const runs = Number(process.argv[2] ?? 10_000_000);
const seed = Number(process.argv[3] ?? Date.now() & 0xffffffff);
if (!Number.isInteger(runs) || runs <= 0) {
  console.error('usage: npm run fuzz -- <inputs> [seed]');
  process.exit(2);
}
console.log(`fuzzing the netlink decoders: ${runs} inputs, seed ${seed}`);
try {
  const r = runFuzz(runs, seed, (done, s) => {
    console.log(`  ${done} inputs, ${Math.round(done / s)} inputs/s`);
  });
  console.log(
    `ok: ${r.inputs} inputs in ${r.seconds.toFixed(1)} s (${Math.round(r.inputs / r.seconds)} inputs/s), ` +
      `${r.rejections} DecodeError rejections, no other error`,
  );
} catch (e) {
  if (e instanceof FuzzFailure) {
    console.error(`FAILED at input #${e.iteration} (seed ${seed}): ${String(e.cause)}`);
    console.error(`input hex: ${e.input.toString('hex')}`);
    console.error((e.cause as Error)?.stack);
    process.exit(1);
  }
  throw e;
}
