// The README's main command works: `npm run demo` builds the guide's node in a throw-away
// namespace, shows it, shows the two-default-routes case, and leaves no namespace behind.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { netnsUnavailableReason } from './support/netns.ts';

const skip = netnsUnavailableReason();

test('the demo rebuilds the seed node, shows the two-default case and cleans up', { skip }, () => {
  const before = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  const out = execFileSync('bash', ['scripts/demo.sh'], { encoding: 'utf8', timeout: 120_000 });
  assert.match(out, /inet 172\.30\.250\.53\/24 brd 172\.30\.250\.255 scope global secondary enp1s0/);
  assert.match(out, /inet 172\.31\.1\.5\/32 scope global kube-lb0/);
  assert.match(out, /inet 172\.31\.2\.128\/24 brd 172\.31\.2\.255 scope global kube-lb0/);
  assert.match(out, /2 default routes with metric 100 and 100/);
  assert.match(out, /namespace nl-example-\d+ deleted/);
  const leftover = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith('nl-example-') && !before.includes(l.split(' ')[0] ?? ''));
  assert.deepEqual(leftover, []);
});
