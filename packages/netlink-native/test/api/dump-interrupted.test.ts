// NLM_F_DUMP_INTR for real: an address dump runs while `ip -batch` (another process) keeps adding
// and deleting an address, so the kernel's address generation counter moves mid-dump. About one
// dump in ten is flagged under load, nearly every one on an idle machine; the first loop runs for the
// whole churn (hundreds of dumps), so the chance of never seeing one is negligible. The retry loop runs
// against bursts of churn with quiet gaps, so a consistent dump exists to retry towards.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { ipAddresses, needsNetns, vethPair, withHandle } from './support.ts';

/**
 * Churn with quiet gaps: short bursts of changes, each followed by a pause. A continuous churn can
 * interrupt every dump on an idle machine (the second phase below needs consistent dumps to exist).
 */
async function burstyChurn(ns: string, bursts: number): Promise<void> {
  for (let i = 0; i < bursts; i++) {
    await churn(ns, 20);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function churn(ns: string, pairs: number): Promise<void> {
  const lines = 'addr add 10.60.0.1/32 dev v0\naddr del 10.60.0.1/32 dev v0\n'.repeat(pairs);
  const child = spawn('ip', ['-n', ns, '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
  child.stdin.end(lines);
  return new Promise((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ip -batch exited ${code}`)))),
  );
}

test(
  'a dump interrupted by concurrent changes returns its data flagged; retryInterrupted returns a clean one',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      vethPair(ns);
      const v0 = (await nl.links.get('v0')).index;
      // Enough addresses that a dump spans several datagrams, so a change can land between two.
      await Promise.all(
        Array.from({ length: 3000 }, (_, i) =>
          nl.addresses.add({ link: v0, address: `10.50.${i >> 8}.${i & 255}/32` }),
        ),
      );

      let running = true;
      const first = churn(ns, 3000).finally(() => {
        running = false;
      });
      let flagged: Awaited<ReturnType<typeof nl.addresses.list>> | undefined;
      while (running && flagged === undefined) {
        const r = await nl.addresses.list({ family: 4 });
        if (r.interrupted) flagged = r;
      }
      await first;
      assert.ok(flagged, 'a dump came back flagged interrupted');
      assert.ok(flagged.length >= 3000, `its data is still there (${flagged.length} addresses)`);

      running = true;
      const second = burstyChurn(ns, 100).finally(() => {
        running = false;
      });
      let dumps = 0;
      while (running) {
        const r = await nl.addresses.list({ family: 4, retryInterrupted: 50 });
        dumps++;
        assert.equal(r.interrupted, false, 'retried until consistent');
        assert.ok(r.length >= 3000);
      }
      await second;
      assert.ok(nl.info.dumpRetries > 0, `${nl.info.dumpRetries} retries over ${dumps} dumps`);
      const final = await nl.addresses.list({ family: 4, link: v0 });
      assert.equal(final.length, ipAddresses(ns, 'v0').filter((a) => a.family === 'inet').length);
    }),
);
