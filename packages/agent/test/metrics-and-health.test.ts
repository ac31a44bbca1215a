// /metrics, /healthz and /readyz: readiness follows the first reconcile, and a reconcile's summary
// shows up as purelb_lbnodeagent_* series.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Placement } from '@purelb-ts/core';
import { serveHttp } from '../src/http.ts';
import { AgentMetrics } from '../src/lbnodeagent/metrics.ts';
import type { ReconcileSummary } from '../src/lbnodeagent/summary.ts';

const placement = (ip: string, link: string, services: string[]): Placement => ({
  ip,
  family: 4,
  kind: link === 'kube-lb0' ? 'virtual' : 'local',
  link,
  prefixLength: link === 'kube-lb0' ? 32 : 24,
  broadcast: undefined,
  flags: [],
  validLifetime: Number.POSITIVE_INFINITY,
  preferredLifetime: Number.POSITIVE_INFINITY,
  services,
  reason: 'test',
});

function summary(): ReconcileSummary {
  const ok = placement('172.31.1.5', 'kube-lb0', ['default/api']);
  const bad = placement('172.30.250.53', 'enp1s0', ['default/web']);
  const tag = { protocol: 0x6c, label: undefined };
  return {
    durationMs: 3,
    placements: [ok, bad],
    ops: [
      { op: { op: 'add-address', placement: ok, tag }, ok: true },
      { op: { op: 'add-address', placement: bad, tag }, ok: false, error: 'EEXIST', errno: 'EEXIST' },
      {
        op: { op: 'delete-address', link: 'kube-lb0', ip: '172.31.1.6', prefixLength: 32, reason: 'gone' },
        ok: true,
      },
    ],
    failedOps: 1,
    invalidConfig: ['ServiceGroup purelb/broken is invalid'],
    invalidObjects: [
      {
        kind: 'ServiceGroup',
        namespace: 'purelb',
        name: 'broken',
        field: 'spec.local.v4pool.pool',
        reason: 'spec.local.v4pool.pool: not a CIDR',
        inForce: 'last-valid',
      },
    ],
    rejected: [{ kind: 'Service', name: 'default/bad', issues: [] }],
    warnings: [],
    conflicts: [
      ['172.30.250.56', { evidence: 'ARP reply', until: Date.now() + 60_000, attempts: 1, since: 0 }],
    ],
    errorSkips: [],
    fenced: false,
  };
}

describe('metrics and health endpoints', () => {
  it('readyz turns ready after the first reconcile; metrics show the summary', async () => {
    const metrics = new AgentMetrics();
    let ready = false;
    const http = await serveHttp(0, metrics.registry, () => ready);
    try {
      const get = async (path: string) => {
        const r = await fetch(`http://127.0.0.1:${http.port}${path}`);
        return { status: r.status, text: await r.text() };
      };
      assert.equal((await get('/healthz')).status, 200);
      assert.equal((await get('/readyz')).status, 503);
      metrics.record(summary());
      ready = true;
      assert.equal((await get('/readyz')).status, 200);
      assert.equal((await get('/nope')).status, 404);
      const { status, text } = await get('/metrics');
      assert.equal(status, 200);
      assert.match(
        text,
        /purelb_lbnodeagent_address_announced\{service="default\/api",ip="172\.31\.1\.5",interface="kube-lb0"\} 1/,
      );
      assert.doesNotMatch(text, /address_announced\{service="default\/web"/, 'a failed add is not announced');
      assert.match(text, /purelb_lbnodeagent_address_additions_total 1/);
      assert.match(text, /purelb_lbnodeagent_address_withdrawals_total 1/);
      assert.match(text, /purelb_lbnodeagent_errors_total\{reason="operation-failed"\} 1/);
      assert.match(
        text,
        /purelb_lbnodeagent_invalid_config\{kind="ServiceGroup",name="purelb\/broken",field="spec\.local\.v4pool\.pool",in_force="last-valid"\} 1/,
      );
      assert.match(text, /purelb_lbnodeagent_rejected_objects\{kind="Service"\} 1/);
      assert.match(text, /purelb_lbnodeagent_address_conflict\{ip="172\.30\.250\.56"\} 1/);
      assert.match(text, /purelb_lbnodeagent_netlink_errors_total\{errno="EEXIST"\} 1/);
      assert.match(text, /purelb_lbnodeagent_reconcile_duration_seconds_count 1/);
    } finally {
      await http.close();
    }
  });
});
