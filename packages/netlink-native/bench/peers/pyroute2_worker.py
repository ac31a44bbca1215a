#!/usr/bin/python3
# Contender: pyroute2 0.7.2 (Debian python3-pyroute2), run by /usr/bin/python3 under `ip netns exec`.
# It speaks the harness's worker protocol (see bench/workers/protocol.ts):
#   add|del <4|6> <count> <ifindex>  ->  ok <elapsed ns> <process CPU ns>
#   routes <4|6> <table>             ->  ok <elapsed ns> <routes>
#   rules add|del <count>            ->  ok <elapsed ns> <process CPU ns>  (IPRoute.rule(), --mode seq)
#   neigh add|del <count> <ifindex>  ->  ok <elapsed ns> <process CPU ns>  (IPRoute.neigh(), --mode seq)
# Modes: --mode seq    IPRoute.addr() per address, each awaited (how the library is normally used)
#        --mode batch  nlm_request_batch(): 64 prebuilt messages joined into one send()
# The address sequence matches bench/workers/addresses.ts, the rule sequence bench/workers/rule-sequence.ts.
import socket
import sys
import time

from pyroute2 import IPRoute
from pyroute2.netlink import NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST
from pyroute2.netlink.rtnl import RTM_DELADDR, RTM_NEWADDR
from pyroute2.netlink.rtnl.ifaddrmsg import IFA_F_NODAD, ifaddrmsg

BATCH = 64


def address_at(family, i):
    n = i + 1
    if family == 4:
        v = 0x64400000 + n
        return '%d.%d.%d.%d' % (v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255)
    return 'fd00:b:0:0:%x:%x:0:1' % (n >> 16, n & 0xFFFF)


def option(name, default):
    argv = sys.argv
    return argv[argv.index('--' + name) + 1] if '--' + name in argv else default


MODE = option('mode', 'seq')
ipr = IPRoute()


def run_seq(add, family, count, index):
    plen = 32 if family == 4 else 128
    extra = {} if family == 4 else {'flags': IFA_F_NODAD}
    command = 'add' if add else 'del'
    for i in range(count):
        a = address_at(family, i)
        ipr.addr(command, index=index, address=a, local=a, prefixlen=plen, **extra)


def message(add, family, index, a):
    msg = ifaddrmsg()
    msg['family'] = socket.AF_INET if family == 4 else socket.AF_INET6
    msg['prefixlen'] = 32 if family == 4 else 128
    msg['flags'] = 0 if family == 4 else IFA_F_NODAD
    msg['scope'] = 0
    msg['index'] = index
    msg['attrs'] = [['IFA_LOCAL', a], ['IFA_ADDRESS', a]]
    msg['header']['type'] = RTM_NEWADDR if add else RTM_DELADDR
    flags = NLM_F_REQUEST | NLM_F_ACK
    msg['header']['flags'] = flags | NLM_F_CREATE | NLM_F_EXCL if add else flags
    return msg


def run_batch(add, family, count, index):
    for start in range(0, count, BATCH):
        msgs = [
            message(add, family, index, address_at(family, i))
            for i in range(start, min(count, start + BATCH))
        ]
        # consumes the ACKs; raises NetlinkError on the first failure
        tuple(ipr.nlm_request_batch(msgs))


def rule_at(i):
    return 10000 + i, '10.%d.%d.0' % (i >> 8, i & 255)


def run_rules(add, count):
    # pyroute2 adds FRA_TABLE even for a table below 256, and sends action FR_ACT_TO_TBL on delete too
    command = 'add' if add else 'del'
    for i in range(count):
        priority, source = rule_at(i)
        ipr.rule(command, table=100, priority=priority, src=source, src_len=24)


def neighbour_at(i):
    return '10.200.%d.%d' % (i >> 8, i & 255), '02:00:00:00:%02x:%02x' % (i >> 8, i & 255)


def run_neighbours(add, count, index):
    for i in range(count):
        dst, lladdr = neighbour_at(i)
        if add:
            ipr.neigh('add', dst=dst, lladdr=lladdr, ifindex=index, state=0x80)  # NUD_PERMANENT
        else:
            ipr.neigh('del', dst=dst, ifindex=index)


def multipath_route_at(i):
    v = 0xac100000 + i + 1
    return '%d.%d.%d.%d' % (v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255)


def run_multipath(add, count, index):
    # bench/workers/multipath-sequence.ts: two hops via v0's gateways, the second of weight 2
    # (rtnh_hops = weight - 1); pyroute2 adds RTA_TABLE to both requests
    hops = [{'gateway': '192.168.0.2', 'oif': index, 'hops': 0},
            {'gateway': '192.168.0.3', 'oif': index, 'hops': 1}]
    for i in range(count):
        dst = multipath_route_at(i) + '/32'
        if add:
            ipr.route('add', dst=dst, multipath=hops)
        else:
            ipr.route('del', dst=dst)


def routes(family, table):
    t0 = time.perf_counter_ns()
    got = ipr.get_routes(family=socket.AF_INET if family == 4 else socket.AF_INET6, table=table)
    return [time.perf_counter_ns() - t0, len(got)]


def answer(line):
    parts = line.split()
    if not parts:
        raise ValueError('empty command')
    if parts[0] == 'rules' and len(parts) == 3 and parts[1] in ('add', 'del'):
        t0, cpu0 = time.perf_counter_ns(), time.process_time_ns()
        run_rules(parts[1] == 'add', int(parts[2]))
        return [time.perf_counter_ns() - t0, time.process_time_ns() - cpu0]
    if parts[0] == 'neigh' and len(parts) == 4 and parts[1] in ('add', 'del'):
        t0, cpu0 = time.perf_counter_ns(), time.process_time_ns()
        run_neighbours(parts[1] == 'add', int(parts[2]), int(parts[3]))
        return [time.perf_counter_ns() - t0, time.process_time_ns() - cpu0]
    if parts[0] == 'multipath' and len(parts) == 4 and parts[1] in ('add', 'del'):
        t0, cpu0 = time.perf_counter_ns(), time.process_time_ns()
        run_multipath(parts[1] == 'add', int(parts[2]), int(parts[3]))
        return [time.perf_counter_ns() - t0, time.process_time_ns() - cpu0]
    op, args = parts[0], [int(x) for x in parts[1:]]
    if op in ('add', 'del'):
        family, count, index = args
        t0, cpu0 = time.perf_counter_ns(), time.process_time_ns()
        (run_seq if MODE == 'seq' else run_batch)(op == 'add', family, count, index)
        return [time.perf_counter_ns() - t0, time.process_time_ns() - cpu0]
    if op == 'routes':
        return routes(args[0], args[1])
    raise ValueError('unknown command: ' + line.strip())


def main():
    print('ready pyroute2-' + MODE, flush=True)
    for line in sys.stdin:
        try:
            values = answer(line)
            print('ok ' + ' '.join(str(v) for v in values), flush=True)
        except Exception as e:  # reported to the harness, which marks this contender failed
            print('err ' + ' '.join(('%s: %s' % (type(e).__name__, e)).split()), flush=True)
    ipr.close()


main()
