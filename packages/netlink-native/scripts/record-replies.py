#!/usr/bin/python3
"""Raw rtnetlink client used by record-replies.ts to capture kernel replies byte for byte.

Reads JSON steps on stdin; each step sends one request (hex, seq/pid 0) on socket `sock` and
collects every datagram the kernel returns until NLMSG_DONE or NLMSG_ERROR (or one reply for
`until: "reply"`). `interleave` steps run after the first datagram of a dump arrived (used to
change state mid-dump and provoke NLM_F_DUMP_INTR); `recvSize` bounds each recv, which also
bounds the size of the dump datagrams the kernel builds, so a dump spans several of them. Prints JSON: one list of hex datagrams per step.
Sockets have NETLINK_EXT_ACK and NETLINK_GET_STRICT_CHK on, like the library's.
"""
import json
import socket
import struct
import sys

SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NETLINK_GET_STRICT_CHK = 12
NLMSG_ERROR = 2
NLMSG_DONE = 3

socks = {}
seq_counter = [1000]


def get_sock(n):
    if n not in socks:
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        s.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.bind((0, 0))
        socks[n] = s
    return socks[n]


def finished(data):
    off = 0
    while off + 16 <= len(data):
        length, mtype = struct.unpack_from('<IH', data, off)
        if mtype in (NLMSG_DONE, NLMSG_ERROR):
            return True
        if length < 16:
            return True
        off += (length + 3) & ~3
    return False


def run(step):
    s = get_sock(step.get('sock', 0))
    req = bytearray(bytes.fromhex(step['hex']))
    seq_counter[0] += 1
    struct.pack_into('<I', req, 8, seq_counter[0])
    s.send(bytes(req))
    out = []
    nested = []
    while True:
        data = s.recv(step.get('recvSize', 1 << 20))
        out.append(data.hex())
        if len(out) == 1 and step.get('interleave'):
            nested = [run(x) for x in step['interleave']]
        if step.get('until') == 'reply' or finished(data):
            break
    return {'replies': out, 'interleaved': nested}


steps = json.load(sys.stdin)
json.dump([run(st) for st in steps], sys.stdout)
