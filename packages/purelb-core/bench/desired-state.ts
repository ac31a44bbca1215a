// The cost of one reconcile's rule: one desiredState call at 1k and 10k Services, each with one
// EndpointSlice of 3 endpoints. Prints the median time per call and the bytes of JS heap one call
// allocates. Node has no running total of allocated bytes, so it is counted from the heap itself: the
// growth of used heap across the call plus what every GC during the call freed (v8.GCProfiler reports
// used heap before and after each GC). Garbage and kept objects both count; Buffers do not.
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { desiredState } from '../src/desired/index.ts';
import type { DesiredInput } from '../src/desired/types.ts';
import type { EndpointSlice, Service } from '../src/kube.ts';
import { group, seedGroups, service } from '../test/desired/builders.ts';
import { member, NODE, seedInput } from '../test/desired/support.ts';

const PEERS = ['purelb2-2', 'purelb2-3', 'purelb2-4'];

/**
 * The seed's groups plus a remote /16 most Services draw from. Every 10th Service has an address
 * of the seed's local pool (shared, so local election and merging run), every 4th is ETP Local.
 */
function input(n: number): DesiredInput {
  const remote16 = group('remote16', 'remote', {
    v4pool: { pool: '10.20.0.0/16', subnet: '10.20.0.0/16', aggregation: '/32' },
  });
  const services: Service[] = [];
  const endpointSlices: EndpointSlice[] = [];
  for (let i = 0; i < n; i++) {
    const ip = i % 10 === 0 ? `172.30.250.${50 + (i % 11)}` : `10.20.${(i >> 8) & 255}.${i & 255}`;
    const name = `svc-${i}`;
    const namespace = `ns-${i % 50}`;
    services.push(service(name, { namespace, ips: [ip], etp: i % 4 === 0 ? 'Local' : 'Cluster' }));
    const nodes = i % 3 === 0 ? [NODE, PEERS[0], PEERS[1]] : PEERS;
    endpointSlices.push({
      metadata: { name: `${name}-abc`, namespace, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      endpoints: nodes.map((node, k) => ({ addresses: [`10.129.${k}.${i & 255}`], nodeName: node! })),
    });
  }
  const members = [NODE, ...PEERS].map((m) => member(m, '172.30.250.0/24'));
  return seedInput({ services, endpointSlices, groups: [...seedGroups(), remote16], members });
}

/** JS heap bytes allocated while `fn` runs: used-heap growth plus what each GC in between freed. */
export function allocatedBytes(fn: () => void): number {
  const profiler = new GCProfiler();
  profiler.start();
  const before = getHeapStatistics().used_heap_size;
  fn();
  const after = getHeapStatistics().used_heap_size;
  const gcs = profiler.stop()?.statistics ?? [];
  let freed = 0;
  for (const gc of gcs)
    freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
  return after - before + freed;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export interface DesiredFigures {
  services: number;
  msPerCall: number;
  bytesPerCall: number;
  placements: number;
}

/** Median time and median allocation of `runs` calls after `runs` warm-up calls. */
export function measureDesired(n: number, runs: number): DesiredFigures {
  const inp = input(n);
  let placements = 0;
  for (let i = 0; i < runs; i++) placements = desiredState(inp).placements.length;
  const ms: number[] = [];
  const bytes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    desiredState(inp);
    ms.push(performance.now() - t0);
    bytes.push(allocatedBytes(() => desiredState(inp)));
  }
  return { services: n, msPerCall: +median(ms).toFixed(2), bytesPerCall: median(bytes), placements };
}

/**
 * A check on the counting, printed beside the figures: 100,000 arrays of 16 small integers into a
 * holder made beforehand. Each is a JSArray (4 fields) and a FixedArray (2 + 16 fields), 22 fields of
 * 8 bytes (4 under pointer compression): the count should be 17.6 MB (or 8.8 MB).
 */
export function calibration(): number {
  const keep: number[][] = new Array(100_000);
  return allocatedBytes(() => {
    for (let i = 0; i < keep.length; i++) keep[i] = new Array(16).fill(i);
  });
}
