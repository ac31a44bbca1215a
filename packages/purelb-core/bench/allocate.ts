// Allocation cost at scale: a /16 pool with 60,000 addresses in use. Measures one allocate() of a
// new Service (then its release, so the pool stays at 60k) as p50/p99 microseconds, the same with
// a gap opened somewhere in the used block each time, and the time to rebuild from 60,000 Services.
// Then one reconcile's rule, desiredState, at 1k and 10k Services (time and bytes allocated per call;
// see desired-state.ts for how bytes are counted). Ends with one JSON line for scripts.
import { Allocator } from '../src/allocation/index.ts';
import { parseServiceGroup } from '../src/config/index.ts';
import type { Service } from '../src/kube.ts';
import { calibration, measureDesired } from './desired-state.ts';

const USED = 60_000;
const SAMPLES = 5_000;

const parsed = parseServiceGroup({
  apiVersion: 'purelb.io/v2',
  kind: 'ServiceGroup',
  metadata: { name: 'default', namespace: 'purelb-system' },
  spec: { remote: { v4pool: { pool: '10.20.0.0/16', subnet: '10.20.0.0/16', aggregation: 'default' } } },
});
if (!parsed.ok) throw new Error(`bench group does not parse: ${JSON.stringify(parsed.errors)}`);
const groups = [parsed.value];

const svc = (i: number): Service => ({
  metadata: { name: `svc-${i}`, namespace: `ns-${i % 50}` },
  spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] },
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const summary = (samples: number[]) => {
  const s = [...samples].sort((a, b) => a - b);
  return {
    p50: +percentile(s, 50).toFixed(2),
    p99: +percentile(s, 99).toFixed(2),
    max: +(s.at(-1) as number).toFixed(2),
  };
};

// Fill to 60k, keeping the Services as the controller would have written them (for the rebuild).
const alloc = new Allocator(groups, { defaultAnnouncer: true });
const written: Service[] = [];
const fillStart = performance.now();
for (let i = 0; i < USED; i++) {
  const s = svc(i);
  const r = alloc.allocate(s);
  if (!r.ok) throw new Error(`fill failed at ${i}: ${r.message}`);
  written.push({
    ...s,
    metadata: {
      ...s.metadata,
      annotations: Object.fromEntries(Object.entries(r.annotations).filter(([, v]) => v !== null)) as Record<
        string,
        string
      >,
    },
    status: { loadBalancer: { ingress: r.ingress } },
  });
}
const fillMs = performance.now() - fillStart;

// New Service at the end of the used block (the first free is the 60,001st address).
const append: number[] = [];
for (let i = 0; i < SAMPLES + 500; i++) {
  const s = svc(USED + 1 + i);
  const t0 = performance.now();
  const r = alloc.allocate(s);
  const t1 = performance.now();
  if (!r.ok) throw new Error(r.message);
  alloc.release(`${s.metadata.namespace}/${s.metadata.name}`);
  if (i >= 500) append.push((t1 - t0) * 1000);
}

// A gap somewhere inside the used block (a pseudo-random earlier Service released), then a new Service fills it.
const gap: number[] = [];
let seed = 12345;
for (let i = 0; i < SAMPLES + 500; i++) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  const victim = written[seed % USED] as Service;
  const victimKey = `${victim.metadata.namespace}/${victim.metadata.name}`;
  const held = alloc.addressesOf(victimKey);
  alloc.release(victimKey);
  const s = svc(USED + 100_000 + i);
  const t0 = performance.now();
  const r = alloc.allocate(s);
  const t1 = performance.now();
  if (!r.ok || r.ips[0] !== held[0]) throw new Error(`expected the gap ${held[0]}, got ${JSON.stringify(r)}`);
  // Put the victim back on its address so the next round starts from the same picture.
  alloc.release(`${s.metadata.namespace}/${s.metadata.name}`);
  alloc.allocate(victim);
  if (i >= 500) gap.push((t1 - t0) * 1000);
}

const rebuildRuns: number[] = [];
for (let i = 0; i < 3; i++) {
  const fresh = new Allocator(groups, { defaultAnnouncer: true });
  const t0 = performance.now();
  const report = fresh.rebuild(written);
  rebuildRuns.push(performance.now() - t0);
  if (report.restored !== USED) throw new Error(`rebuild restored ${report.restored}`);
}

const desired = [measureDesired(1_000, 21), measureDesired(10_000, 7)];
calibration(); // the first count includes compiling the loop
const calibrated = calibration();

const result = {
  pool: '10.20.0.0/16',
  used: USED,
  samples: SAMPLES,
  allocateAtEndUs: summary(append),
  allocateIntoGapUs: summary(gap),
  fill60kMs: +fillMs.toFixed(1),
  rebuild60kMs: +Math.min(...rebuildRuns).toFixed(1),
  desiredState: desired,
  allocationCountCheckBytes: calibrated,
  node: process.version,
};
console.log(
  `allocate at ${USED} used in a /16 (new Service after the used block): p50 ${result.allocateAtEndUs.p50} µs, p99 ${result.allocateAtEndUs.p99} µs`,
);
console.log(
  `allocate at ${USED} used in a /16 (into a gap inside the block):     p50 ${result.allocateIntoGapUs.p50} µs, p99 ${result.allocateIntoGapUs.p99} µs`,
);
console.log(
  `fill to ${USED}: ${result.fill60kMs} ms; rebuild from ${USED} Services: ${result.rebuild60kMs} ms (best of 3)`,
);
const mb = (b: number): string => (b / 1e6).toFixed(2);
for (const d of desired) {
  console.log(
    `desiredState, ${d.services} Services + ${d.services} EndpointSlices (3 endpoints each): ${d.msPerCall} ms, ${mb(d.bytesPerCall)} MB allocated per call (median)`,
  );
}
console.log(
  `  bytes allocated = used-heap growth + what each GC during the call freed (v8.GCProfiler); check: 100,000 16-element arrays count as ${mb(calibrated)} MB (expected 17.60, or 8.80 with pointer compression)`,
);
console.log(JSON.stringify(result));
