// The floor of the foreign-churn scenario: a process that only subscribes to the agent's netlink
// monitor groups in a namespace and counts what arrives, doing nothing else. Its CPU and RSS under
// the same churn are what receiving and decoding the notifications costs, before any agent work.
//   node --conditions=purelb-source packages/agent/bench/monitor-only.ts NETNS
// Prints one JSON line of counts when it gets SIGTERM.
import { Netlink } from '@purelb-ts/netlink-native';

const netns = process.argv[2];
if (netns === undefined) {
  process.stderr.write('usage: monitor-only.ts NETNS\n');
  process.exit(2);
}
const nl = await Netlink.open({ netns });
// The groups of the agent's network watch (packages/agent/src/network/watch.ts).
const monitor = nl.monitor({ groups: ['link', 'ipv4-address', 'ipv6-address', 'ipv4-route', 'ipv6-route'] });
const counts: Record<string, number> = {};
monitor.on('change', (e) => {
  counts[e.type] = (counts[e.type] ?? 0) + 1;
});
process.stderr.write(`${JSON.stringify({ msg: 'monitoring', netns })}\n`);
process.once('SIGTERM', () => {
  process.stderr.write(`${JSON.stringify({ msg: 'counts', ...counts, overruns: monitor.overruns })}\n`);
  monitor.close();
  nl.close();
});
