// A ServiceGroup that does not parse: the diagnosis reports it as an invalid-config error naming the
// object and the field, and what stays in force (with no valid version seen, what it governs is left
// as it is), and exits 1 although every address is in place.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { netnsUnavailableReason } from '../../../../test/support/netns.ts';
import { group, manifests, seedGroups } from '../support/manifests.ts';
import { diagnoseJson, findingBriefs, SEED_SERVICES, standaloneArgs, withPlacedSeedNode } from './support.ts';

describe('purelb diagnose: configuration that does not parse', { skip: netnsUnavailableReason() }, () => {
  it('names the ignored ServiceGroup and its bad field', async () => {
    await withPlacedSeedNode(async (ns, file) => {
      const broken = group('broken', 'remote', 'not-a-range', '172.31.0.0/16', '/32');
      file.write(manifests(SEED_SERVICES, [...seedGroups(), broken]));
      const { run, report } = await diagnoseJson(standaloneArgs(ns, file.path));
      assert.equal(run.code, 1);
      assert.deepEqual(findingBriefs(report), ['invalid-config error -']);
      const [f] = report.findings;
      assert.match(
        f?.message ?? '',
        /^ServiceGroup purelb\/broken is invalid: spec\.remote\.v4pool\.pool: .*; no valid version has been seen, so what it governs is left exactly as it is$/,
      );
      assert.match(f?.fix ?? '', /^fix ServiceGroup purelb\/broken at spec\.remote\.v4pool\.pool /);
      assert.ok(
        report.rows.every((r) => r.verdict === 'ok'),
        'the addresses themselves are in place',
      );
    });
  });
});
