// The README's main command works: `npm run demo` runs the real agent on the examples' manifests in a
// throw-away namespace shaped like the seed's node, shows where each address went and why, shows the
// two-default-routes case, and leaves no namespace behind.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { netnsUnavailableReason } from './support/netns.ts';

const skip = netnsUnavailableReason();

test('the demo runs the agent on the seed-shaped node, shows the two-default case and cleans up', {
  skip,
}, () => {
  const before = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  const out = execFileSync('bash', ['scripts/demo.sh'], { encoding: 'utf8', timeout: 120_000 });
  // The agent's placements, as `ip addr` shows them.
  assert.match(
    out,
    /inet 172\.30\.250\.53\/24 brd 172\.30\.250\.255 scope global secondary dynamic noprefixroute enp1s0:plb/,
  );
  assert.match(out, /inet 172\.31\.1\.5\/32 scope global kube-lb0:plb/);
  assert.match(out, /inet 172\.31\.2\.128\/24 brd 172\.31\.2\.255 scope global kube-lb0:plb/);
  // What it decided and why.
  assert.match(out, /address placed: add 172\.30\.250\.53\/24 dev enp1s0 {2}\(default\/web/);
  assert.match(out, /address withdrawn: delete 172\.31\.1\.9\/32 dev kube-lb0/);
  assert.match(out, /address withdrawn: delete 172\.30\.250\.53\/24 dev enp1s0.*\n.*shutting down/);
  // The seed's failure: the error names both routes, and the local address lands on kube-lb0, as a /32
  // (no route to the LAN on kube-lb0).
  assert.match(
    out,
    /\[ERROR\] .*default via 172\.30\.250\.1 dev enp1s0 metric 100; default via 192\.168\.122\.1 dev enp2s0 metric 100/,
  );
  assert.match(out, /inet 172\.30\.250\.53\/32 scope global kube-lb0:plb/);
  assert.doesNotMatch(out, /172\.30\.250\.0\/24 dev kube-lb0/);
  // ...and purelb diagnose names the problem, its fix, and exits 1.
  assert.match(out, /default\/web +172\.30\.250\.53 .* ambiguous-default-route\n/);
  assert.match(out, /error ambiguous-default-route {2}dev enp1s0,enp2s0\n/);
  assert.match(out, /fix: keep one default route at the lowest metric/);
  assert.match(out, /verdict: findings\n {2}\(exit status 1\)/);
  assert.match(out, /namespace purelb-demo-\d+ deleted/);
  const leftover = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith('purelb-demo-') && !before.includes(l.split(' ')[0] ?? ''));
  assert.deepEqual(leftover, []);
});
