// The rules phase of the benchmark: add then delete n IPv4 policy routing rules (`pref P from
// 10.x.y.0/24 table 100`, workers/rule-sequence.ts), every contender sending the same requests as
// `ip rule add|del pref P from PREFIX table 100` (RTM_NEWRULE with REQUEST|ACK|CREATE|EXCL, header
// table 100, FRA_PRIORITY and FRA_SRC; the delete the same with REQUEST|ACK and action 0). Ours
// sends those bytes exactly (the golden vectors rule-add-v4-table and rule-del-v4-full). After
// every add `ip` counts the rules, after every delete it checks none is left. There is no C limit
// row: c-limit.c sends address requests only.
import { execFileSync } from 'node:child_process';
import type { AddDeletePhase } from './add-delete-phase.ts';
import { num } from './report.ts';
import { RULE_SOURCE_LENGTH, RULE_TABLE, ruleAt } from './workers/rule-sequence.ts';

/** How many rules of the sequence the namespace has (priorities 10000..75535, from `ip rule show`). */
function sequenceRules(ns: string): number {
  const out = execFileSync('ip', ['-n', ns, '-4', 'rule', 'show', 'table', String(RULE_TABLE)], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return out.split('\n').filter((line) => /^\d+:\s+from 10\./.test(line)).length;
}

/** Removes whatever a failed contender left: every rule looking up the sequence's table. */
function flushRules(ns: string): void {
  for (let left = sequenceRules(ns); left > 0; left--) {
    execFileSync('ip', ['-n', ns, '-4', 'rule', 'del', 'table', String(RULE_TABLE)], { stdio: 'ignore' });
  }
}

/** The rules phase, run, summarised and rendered by add-delete-phase.ts. */
export const RULES_PHASE: AddDeletePhase = {
  name: 'rules',
  objects: 'rules',
  // The workers (by contender name) that take `rules add|del N`, and ip.
  contenders: ['ours', 'ours_seq', 'ip_batch', 'pyroute2', 'npm_netlink', 'npm_netlink_window'],
  labels: {
    ours: 'ours, rules.add/delete, batched (all issued at once)',
    ours_seq: 'ours, rules.add/delete, sequential (await each)',
    ip_batch: 'ip -batch (process wall time)',
    pyroute2: 'pyroute2 0.7.2, IPRoute.rule() (also sends FRA_TABLE)',
    npm_netlink: 'npm netlink 0.3.0, newRule/delRule, sequential',
    npm_netlink_window: 'npm netlink 0.3.0, newRule/delRule, window 256',
  },
  title: (n) =>
    `IPv4 rule add+delete, ${num(n)} rules (ip rule add|del pref P from 10.x.y.0/24 table 100; ops/s counts adds and deletes)`,
  batchName: 'rules',
  batchLine: (op, i) => {
    const r = ruleAt(i);
    return `rule ${op} pref ${r.priority} from ${r.source}/${RULE_SOURCE_LENGTH} table ${RULE_TABLE}`;
  },
  workerCommand: (op, n) => `rules ${op} ${n}`,
  count: sequenceRules,
  flush: flushRules,
};
