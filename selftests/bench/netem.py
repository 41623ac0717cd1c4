#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""netem at the root of DEV, in this namespace, with its random number
generator seeded: netem.py DEV SEED DELAY_MS [--loss PCT] [--reorder PCT CORR].

Why: a loss row is decided by where the first losses fall. In slow start a
flow's window doubles every round trip, so a loss one round trip later
leaves it twice as large, and 30 s runs that differ only in their luck
spread from 2 to 15 MB/s. Seeded alike (TCA_NETEM_PRNG_SEED), TCP's run
and TTP's run see the same sequence of drop decisions, skb by skb, and
their difference is what the protocols do with it.

iproute2 6.1 (Debian 12) has no "seed", so the request is made here, by
rtnetlink, with what tc would send for "netem delay D loss P reorder R C
limit 10000". Kernels before 6.7 ignore the seed; this prints "seeded"
only if the qdisc, read back, has it."""

import os
import socket
import struct
import sys

RTM_NEWQDISC, RTM_GETQDISC = 36, 38
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLM_F_REPLACE, NLM_F_CREATE = 0x100, 0x400
NLMSG_ERROR, NLMSG_DONE = 2, 3
TCA_KIND, TCA_OPTIONS = 1, 2
TCA_NETEM_REORDER, TCA_NETEM_LATENCY64, TCA_NETEM_PRNG_SEED = 3, 10, 14
TC_H_ROOT = 0xFFFFFFFF
LIMIT = 10000


def attr(kind, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, kind) + payload + b"\0" * ((4 - n % 4) % 4)


def attrs(buf):
    while len(buf) >= 4:
        n, kind = struct.unpack_from("=HH", buf)
        if n < 4:
            return
        yield kind & 0x3FFF, buf[4:n]
        buf = buf[(n + 3) & ~3:]


def percent(pct):
    """tc's scale: 0 none, 0xffffffff all."""
    return min(int(round(float(pct.rstrip("%")) / 100 * 0xFFFFFFFF)), 0xFFFFFFFF)


def talk(sock, kind, flags, body):
    msg = struct.pack("=LHHLL", 16 + len(body), kind, NLM_F_REQUEST | flags, 1, 0) + body
    sock.send(msg)
    replies = []
    while True:
        data = sock.recv(65536)
        while data:
            n, t = struct.unpack_from("=LH", data)
            if t == NLMSG_ERROR:
                err = struct.unpack_from("=i", data, 16)[0]
                if err:
                    raise OSError(-err, os.strerror(-err))
                return replies
            if t == NLMSG_DONE:
                return replies
            replies.append(data[16:n])
            data = data[(n + 3) & ~3:]


def main():
    dev, seed, delay_ms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    loss = reorder = None
    args = sys.argv[4:]
    while args:
        if args[0] == "--loss":
            loss, args = percent(args[1]), args[2:]
        elif args[0] == "--reorder":
            reorder, args = (percent(args[1]), percent(args[2])), args[3:]
        else:
            sys.exit("netem.py: unknown argument %s" % args[0])
    ifindex = socket.if_nametoindex(dev)
    # As tc: a gap of 1 when reordering (every packet may be sent early).
    qopt = struct.pack("=6L", 0, LIMIT, loss or 0, 1 if reorder else 0, 0, 0)
    opts = qopt + attr(TCA_NETEM_LATENCY64, struct.pack("=q", delay_ms * 1000000))
    if reorder:
        opts += attr(TCA_NETEM_REORDER, struct.pack("=LL", *reorder))
    opts += attr(TCA_NETEM_PRNG_SEED, struct.pack("=Q", seed))
    tcmsg = struct.pack("=BxxxiLLL", socket.AF_UNSPEC, ifindex, 0, TC_H_ROOT, 0)
    body = tcmsg + attr(TCA_KIND, b"netem\0") + attr(TCA_OPTIONS, opts)
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    talk(sock, RTM_NEWQDISC, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, body)

    seeded = False
    for reply in talk(sock, RTM_GETQDISC, NLM_F_DUMP, struct.pack("=BxxxiLLL", 0, 0, 0, 0, 0)):
        if struct.unpack_from("=i", reply, 4)[0] != ifindex:
            continue
        for kind, payload in attrs(reply[20:]):
            if kind == TCA_OPTIONS:
                for k, p in attrs(payload[24:]):
                    seeded |= k == TCA_NETEM_PRNG_SEED and struct.unpack("=Q", p)[0] == seed
    print("seeded" if seeded else "unseeded")


if __name__ == "__main__":
    main()
