// rules.list / add / delete in throw-away namespaces, each result checked against `ip -j -d rule
// show` of that namespace, and the rule monitor groups. A fresh namespace has three IPv4 rules (local 0, main 32766, default
// 32767) and two IPv6 ones (local 0, main 32766); the tests never delete those.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIB_RULE_IIF_DETACHED, FIB_RULE_OIF_DETACHED } from '../../src/codec/constants.ts';
import {
  type MonitorEvent,
  type Netlink,
  NetlinkError,
  type Rule,
  type RuleOptions,
} from '../../src/index.ts';
import { ip, ipJson, needsNetns, vethPair, withHandle } from './support.ts';

/** What `ip -j -d rule show` prints for a rule (iproute2 6.1). */
type IpRule = Record<string, string | number | null>;

const ipRules = (ns: string, family: 4 | 6): IpRule[] =>
  ipJson<IpRule[]>(ns, `-${family}`, '-d', 'rule', 'show');

const TABLES: Record<number, string> = { 253: 'default', 254: 'main', 255: 'local' };
const PROTOCOLS: Record<number, string> = { 0: 'unspec', 2: 'kernel', 3: 'boot', 4: 'static' };
const IP_PROTOS: Record<number, string> = { 6: 'tcp', 17: 'udp' };
const hex = (n: number): string => `0x${n.toString(16)}`;

/** A port or uid range in iproute2's words: one key for a single value, _start/_end otherwise. */
function range(out: IpRule, key: string, r: { start: number; end: number } | undefined): void {
  if (r === undefined) return;
  if (r.start === r.end && key !== 'uid') out[key] = r.start;
  else {
    out[`${key}_start`] = r.start;
    out[`${key}_end`] = r.end;
  }
}

/** Our rule in iproute2's words (the keys in the order it prints them), so the two compare whole. */
function asIp(r: Rule): IpRule {
  const out: IpRule = { priority: r.priority };
  if (r.invert) out.not = null;
  out.src = r.src ?? 'all';
  if (r.src !== undefined) out.srclen = r.srcLength;
  if (r.dst !== undefined) {
    out.dst = r.dst;
    out.dstlen = r.dstLength;
  }
  if (r.tos) out.tos = hex(r.tos);
  if (r.fwmark !== undefined) out.fwmark = hex(r.fwmark);
  // iproute2 leaves out the full mask the kernel reports for a mark given without one.
  if (r.fwmask !== undefined && r.fwmask !== 0xffffffff) out.fwmask = hex(r.fwmask);
  if (r.iif !== undefined) out.iif = r.iif;
  if (r.flags & FIB_RULE_IIF_DETACHED) out.iif_detached = null;
  if (r.oif !== undefined) out.oif = r.oif;
  if (r.flags & FIB_RULE_OIF_DETACHED) out.oif_detached = null;
  if (r.l3mdev) out.l3mdev = null;
  range(out, 'uid', r.uidRange);
  if (r.ipProto !== undefined) out.ipproto = IP_PROTOS[r.ipProto] ?? r.ipProto;
  range(out, 'sport', r.sportRange);
  range(out, 'dport', r.dportRange);
  if (r.table !== 0) out.table = TABLES[r.table] ?? String(r.table);
  if (r.suppressPrefixLength !== undefined) out.suppress_prefixlen = r.suppressPrefixLength;
  if (r.suppressIfgroup !== undefined) out.suppress_ifgroup = String(r.suppressIfgroup);
  if (r.realms !== undefined) {
    if (r.realms >>> 16) out.flow_from = String(r.realms >>> 16);
    out.flow_to = String(r.realms & 0xffff);
  }
  if (r.action === 'goto') out.goto = r.goto ?? null;
  if (r.action === 'nop') out.nop = null;
  if (r.action === 'blackhole' || r.action === 'unreachable' || r.action === 'prohibit')
    out.action = r.action;
  out.protocol = PROTOCOLS[r.protocol] ?? String(r.protocol);
  return out;
}

/** Both families' rules, ours and `ip -j -d rule show`'s, compared whole. */
async function assertSameAsIp(nl: Netlink, ns: string): Promise<void> {
  for (const family of [4, 6] as const) {
    const ours = await nl.rules.list({ family });
    assert.equal(ours.interrupted, false);
    assert.ok(ours.every((r) => r.family === family));
    assert.deepEqual(ours.map(asIp), ipRules(ns, family), `IPv${family} rules as ip -j -d rule shows them`);
  }
}

test('rules.list returns the default rules of a fresh namespace, every key present', needsNetns, () =>
  withHandle(async (nl, ns) => {
    const all = await nl.rules.list();
    assert.deepEqual(
      all.map((r) => `${r.family} ${r.priority} ${r.action} ${r.table}`),
      ['4 0 table 255', '4 32766 table 254', '4 32767 table 253', '6 0 table 255', '6 32766 table 254'],
    );
    const local = all[0] as Rule;
    assert.deepEqual(local, {
      family: 4,
      priority: 0,
      src: undefined,
      srcLength: 0,
      dst: undefined,
      dstLength: 0,
      tos: 0,
      table: 255,
      action: 'table',
      flags: 0,
      invert: false,
      iif: undefined,
      oif: undefined,
      fwmark: undefined,
      fwmask: undefined,
      goto: undefined,
      realms: undefined,
      tunId: undefined,
      suppressPrefixLength: undefined,
      suppressIfgroup: undefined,
      l3mdev: false,
      uidRange: undefined,
      protocol: 2,
      ipProto: undefined,
      sportRange: undefined,
      dportRange: undefined,
      dscp: undefined,
      flowlabel: undefined,
      flowlabelMask: undefined,
      sportMask: undefined,
      dportMask: undefined,
      dscpMask: undefined,
    });
    await assertSameAsIp(nl, ns);
  }),
);

test(
  'rules.add / delete round trip IPv4 with prefixes, fwmark and mask, iif / oif, table 1000',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      vethPair(ns);
      const rule: RuleOptions = {
        priority: 100,
        from: '10.0.0.0/8',
        to: '192.168.0.0/16',
        fwmark: 0x10,
        fwmask: 0xff,
        iif: 'v0',
        oif: 'v1',
        table: 1000,
      };
      await nl.rules.add(rule);
      const [added] = (await nl.rules.list({ family: 4 })).filter((r) => r.priority === 100);
      assert.ok(added);
      assert.equal(added.table, 1000);
      assert.equal(added.src, '10.0.0.0');
      assert.equal(added.srcLength, 8);
      assert.equal(added.dst, '192.168.0.0');
      assert.equal(added.dstLength, 16);
      assert.equal(added.fwmark, 0x10);
      assert.equal(added.fwmask, 0xff);
      assert.equal(added.iif, 'v0');
      assert.equal(added.oif, 'v1');
      assert.equal(added.flags, 0, 'both interfaces exist, so neither is detached');
      assert.equal(added.protocol, 0);
      await assertSameAsIp(nl, ns);
      await nl.rules.delete(rule);
      assert.deepEqual(
        ipRules(ns, 4).map((r) => r.priority),
        [0, 32766, 32767],
      );
    }),
);

test('rules.add / delete round trip IPv6, the family taken from the prefixes', needsNetns, () =>
  withHandle(async (nl, ns) => {
    await nl.rules.add({ priority: 300, from: '2001:db8::/32', to: '2001:db8:1::/48', table: 300 });
    await nl.rules.add({ family: 6, priority: 301, fwmark: 1, action: 'unreachable' });
    const v6 = await nl.rules.list({ family: 6 });
    assert.deepEqual(
      v6.map((r) => [r.priority, r.src, r.srcLength, r.dst, r.dstLength, r.table, r.action]),
      [
        [0, undefined, 0, undefined, 0, 255, 'table'],
        [300, '2001:db8::', 32, '2001:db8:1::', 48, 300, 'table'],
        [301, undefined, 0, undefined, 0, 0, 'unreachable'],
        [32766, undefined, 0, undefined, 0, 254, 'table'],
      ],
    );
    assert.deepEqual(
      (await nl.rules.list({ family: 4 })).map((r) => r.priority),
      [0, 32766, 32767],
      'an IPv6 rule is not an IPv4 one',
    );
    await assertSameAsIp(nl, ns);
    await nl.rules.delete({ priority: 300, from: '2001:db8::/32' });
    await nl.rules.delete({ family: 6, priority: 301 });
    assert.deepEqual(
      ipRules(ns, 6).map((r) => r.priority),
      [0, 32766],
    );
  }),
);

test('rules.add takes every action and selector `ip rule add` has here', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    const rules: RuleOptions[] = [
      { priority: 200, from: '10.1.0.0/16' },
      { priority: 201, goto: 32766 },
      { priority: 202, action: 'nop' },
      { priority: 203, action: 'blackhole' },
      { priority: 204, action: 'unreachable' },
      { priority: 205, action: 'prohibit' },
      { priority: 206, table: 'main', suppressPrefixLength: 0, suppressIfgroup: 5 },
      { priority: 207, l3mdev: true },
      {
        priority: 208,
        uidRange: { start: 100, end: 200 },
        ipProto: 'tcp',
        sport: { start: 1000, end: 2000 },
        dport: 80,
        table: 5,
      },
      {
        priority: 209,
        invert: true,
        from: '10.3.0.0/16',
        tos: 0x10,
        table: 7,
        realms: (2 << 16) | 3,
        protocol: 'static',
      },
      { priority: 210, iif: 'nosuch0', oif: 'nosuch1', table: 'default' },
      { priority: 211, fwmark: 7, ipProto: 17, sport: 53, table: 'local' },
    ];
    for (const r of rules) await nl.rules.add(r);
    await assertSameAsIp(nl, ns);
    const byPriority = new Map((await nl.rules.list({ family: 4 })).map((r) => [r.priority, r]));
    assert.deepEqual(
      [200, 201, 202, 203, 204, 205, 206, 207].map((p) => byPriority.get(p)?.action),
      ['table', 'goto', 'nop', 'blackhole', 'unreachable', 'prohibit', 'table', 'table'],
    );
    assert.equal(byPriority.get(200)?.table, 254, 'no table given: main, as iproute2');
    assert.equal(byPriority.get(201)?.goto, 32766);
    assert.equal(byPriority.get(207)?.l3mdev, true);
    assert.equal(byPriority.get(207)?.table, 0);
    const detached = byPriority.get(210)?.flags ?? 0;
    assert.equal(
      detached & (FIB_RULE_IIF_DETACHED | FIB_RULE_OIF_DETACHED),
      FIB_RULE_IIF_DETACHED | FIB_RULE_OIF_DETACHED,
    );
    assert.equal(byPriority.get(211)?.fwmask, 0xffffffff, 'a mark without a mask compares all 32 bits');
    // Each deleted by its action alone plus the priority, as `ip rule del pref N ACTION`.
    for (const r of rules)
      await nl.rules.delete({ priority: r.priority as number, ...(r.action ? { action: r.action } : {}) });
    assert.deepEqual(
      ipRules(ns, 4).map((r) => r.priority),
      [0, 32766, 32767],
    );
  }),
);

test('rules take any u32 table: 256, 100000 and 4294967295 go in FRA_TABLE', needsNetns, () =>
  withHandle(async (nl, ns) => {
    for (const [priority, table] of [
      [10, 256],
      [11, 100000],
      [12, 4294967295],
    ] as const) {
      await nl.rules.add({ priority, table });
    }
    await nl.rules.add({ family: 6, priority: 13, table: 70000 });
    const tables = (await nl.rules.list())
      .filter((r) => r.priority >= 10 && r.priority <= 13)
      .map((r) => r.table);
    assert.deepEqual(tables, [256, 100000, 4294967295, 70000]);
    await assertSameAsIp(nl, ns);
    await nl.rules.delete({ table: 100000 });
    assert.equal(
      ipRules(ns, 4).find((r) => r.priority === 11),
      undefined,
      'a delete by table alone removes the rule looking it up',
    );
    assert.ok(ipRules(ns, 4).some((r) => r.priority === 10));
  }),
);

test(
  'a duplicate add is EEXIST, a delete matching nothing ENOENT, a backward goto EINVAL in the kernel words',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      await nl.rules.add({ priority: 400, from: '10.4.0.0/16', table: 40 });
      await assert.rejects(nl.rules.add({ priority: 400, from: '10.4.0.0/16', table: 40 }), (e: unknown) => {
        assert.ok(e instanceof NetlinkError);
        assert.equal(e.code, 'EEXIST');
        assert.equal(e.errno, 17);
        assert.equal(e.operation, 'rule add pref 400 from 10.4.0.0/16 table 40');
        return true;
      });
      assert.equal(ipRules(ns, 4).filter((r) => r.priority === 400).length, 1);
      await assert.rejects(nl.rules.delete({ priority: 500 }), (e: unknown) => {
        assert.ok(e instanceof NetlinkError);
        assert.equal(e.code, 'ENOENT');
        assert.equal(e.operation, 'rule del pref 500');
        return true;
      });
      await assert.rejects(nl.rules.delete({ family: 6, priority: 400 }), (e: unknown) => {
        assert.ok(e instanceof NetlinkError);
        assert.equal(e.code, 'ENOENT');
        assert.equal(e.operation, 'rule del -6 pref 400');
        return true;
      });
      await assert.rejects(nl.rules.delete({ priority: 400, table: 41 }), { code: 'ENOENT' });
      await assert.rejects(nl.rules.add({ priority: 401, goto: 100 }), (e: unknown) => {
        assert.ok(e instanceof NetlinkError);
        assert.equal(e.code, 'EINVAL');
        assert.equal(e.extAck?.message, 'Backward goto not supported', "the kernel's own words");
        assert.equal(e.operation, 'rule add pref 401 goto 100');
        return true;
      });
      assert.equal(
        ipRules(ns, 4).filter((r) => r.priority === 400).length,
        1,
        'a rule of another table stays',
      );
    }),
);

test('bad rule arguments reject before anything is sent', needsNetns, () =>
  withHandle(async (nl, ns) => {
    const before = [ipRules(ns, 4), ipRules(ns, 6)];
    const bad: [RuleOptions, RegExp][] = [
      [{}, /needs at least one field/],
      [{ from: 'all' }, /needs at least one field/],
      [{ priority: -1 }, /priority must be an integer/],
      [{ priority: 1, from: '10.0.0.0/33' }, /prefix length 33/],
      [{ priority: 1, from: '10.0.0.0/8', to: '2001:db8::/32' }, /is IPv6, not IPv4/],
      [{ priority: 1, family: 6, from: '10.0.0.0/8' }, /is IPv4, not IPv6/],
      [{ priority: 1, fwmask: 0xff }, /fwmask needs fwmark/],
      [{ priority: 1, iif: 'much-too-long-name0' }, /iif must be an interface name/],
      [{ priority: 1, goto: 5, action: 'nop' }, /goto needs action 'goto'/],
      [{ priority: 1, table: 5, action: 'blackhole' }, /table needs action 'table'/],
      [{ priority: 1, table: 5, l3mdev: true }, /give no table/],
      [{ priority: 1, sport: { start: 9, end: 8 } }, /above its end/],
      [{ priority: 1, dport: 70000 }, /dport start must be/],
      [{ priority: 1, ipProto: 'nosuch' as 'tcp' }, /unknown ipProto/],
      [{ priority: 1, action: 'jump' as 'goto' }, /unknown rule action/],
      [{ priority: 1, table: 'all' as 'main', protocol: 'nosuch' as 'static' }, /unknown route protocol/],
    ];
    for (const [options, message] of bad) {
      await assert.rejects(nl.rules.delete(options), message, JSON.stringify(options));
    }
    // The first two are fine for an add ("from all lookup main"); the rest are not.
    for (const [options, message] of bad.slice(2)) {
      await assert.rejects(nl.rules.add(options), message, JSON.stringify(options));
    }
    await assert.rejects(nl.rules.add({ priority: 1, action: 'goto' }), /action 'goto' needs goto/);
    await assert.rejects(nl.rules.list({ family: 5 as 4 }), /family must be 4 or 6/);
    assert.deepEqual([ipRules(ns, 4), ipRules(ns, 6)], before);
  }),
);

test("the 'ipv4-rule' / 'ipv6-rule' monitor groups report added and deleted rules", needsNetns, () =>
  withHandle(async (nl, ns) => {
    const monitor = nl.monitor({ groups: ['ipv4-rule', 'ipv6-rule'] });
    const events: Extract<MonitorEvent, { type: 'rule' }>[] = [];
    monitor.on('rule', (e) => events.push(e));
    const waitFor = (count: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${events.length} of ${count} rule events`)), 2000);
        const check = () => {
          if (events.length < count) return;
          clearTimeout(timer);
          monitor.off('rule', check);
          resolve();
        };
        monitor.on('rule', check);
        check();
      });
    try {
      await nl.rules.add({ priority: 600, from: '10.6.0.0/16', table: 600 });
      ip(ns, '-6', 'rule', 'add', 'pref', '601', 'to', '2001:db8:6::/48', 'prohibit');
      await nl.rules.delete({ priority: 600 });
      await waitFor(3);
      assert.deepEqual(
        events.map((e) => [e.action, e.rule.family, e.rule.priority, e.rule.action, e.rule.table]),
        [
          ['new', 4, 600, 'table', 600],
          ['new', 6, 601, 'prohibit', 0],
          ['del', 4, 600, 'table', 600],
        ],
      );
      const [v6] = (await nl.rules.list({ family: 6 })).filter((r) => r.priority === 601);
      assert.deepEqual(events[1]?.rule, v6, 'the notification carries the rule the dump has');
    } finally {
      monitor.close();
    }
  }),
);
