#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Segments no honest peer sends, injected with a raw socket at a live
connection's 4-tuple: a bad checksum, a header length too short or past the
packet, impossible flags, truncated options. Each must be dropped without an
answer and counted by its reason, and the connection beside it must carry
on as if nothing happened. On IPv4 and IPv6, over loopback and veth."""

import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (IPPROTO_TTP, Suite, guard, check, expect_gauges,  # noqa: E402
                    named_topologies, require_module, segment)

from ttplib import FIN, SYN, RST, PSH, ACK  # noqa: E402,F401


# (what, counter that must grow, segment fields)
MALFORMED = [
    ("bad checksum", "InCsumErrors", dict(flags=ACK, payload=b"evil", bad_csum=True)),
    ("header length too short", "DropBadHeader", dict(flags=ACK, doff=4)),
    ("header length past the packet", "DropBadHeader", dict(flags=ACK, doff=15)),
    ("an unknown flag", "DropBadFlags", dict(flags=ACK | 0x40)),
    ("SYN with FIN", "DropBadFlags", dict(flags=SYN | FIN)),
    ("no flags at all", "DropBadFlags", dict(flags=0)),
    ("FIN without ACK", "DropBadFlags", dict(flags=FIN)),
    ("option longer than the header", "DropBadOptions",
     dict(flags=ACK, doff=6, options=bytes([2, 8, 0, 0]))),
    ("option of length zero", "DropBadOptions",
     dict(flags=ACK, doff=6, options=bytes([8, 0, 0, 0]))),
    ("option cut off after its kind", "DropBadOptions",
     dict(flags=ACK, doff=6, options=bytes([1, 1, 1, 3]))),
]


def still_alive(c, s):
    for x, y in ((c, s), (s, c)):
        x.sendall(b"still here")
        got = b""
        while len(got) < 10:
            got += y.recv(10)
        check(got == b"still here", "the live connection lost its data")


def inject(topo, what, counter, fields):
    lsn, c, s = topo.pair(timeout=30)
    still_alive(c, s)
    raw = topo.client_ns.call(socket.socket, topo.family, socket.SOCK_RAW, IPPROTO_TTP)
    raw.bind((topo.client_addr, 0))
    before = {k: topo.server_ns.counter(k) for k in (counter, "InErrs", "OutRsts")}
    cport, sport = c.getsockname()[1], s.getsockname()[1]
    for _ in range(3):
        pkt = segment(topo.family, topo.client_addr, topo.server_addr, cport, sport,
                      12345, 67890, **fields)
        raw.sendto(pkt, (topo.server_addr, 0))
    still_alive(c, s)
    after = {k: topo.server_ns.counter(k) for k in before}
    check(after[counter] - before[counter] == 3,
          "%s: %s grew by %d, not 3" % (what, counter, after[counter] - before[counter]))
    check(after["InErrs"] - before["InErrs"] == 3, "%s: InErrs grew by %d, not 3" %
          (what, after["InErrs"] - before["InErrs"]))
    check(after["OutRsts"] == before["OutRsts"], "%s: answered with RST" % what)
    expect_gauges(topo, {"LISTEN": 1, "ESTABLISHED": 2})
    for x in (raw, c, s, lsn):
        x.close()


def main():
    require_module()
    suite = Suite()
    for name, family, veth, topo in named_topologies():
        for what, counter, fields in MALFORMED:
            suite.case("%s: %s: dropped, counted as %s, connection unharmed" %
                       (name, what, counter),
                       lambda t=topo, w=what, c=counter, f=fields: inject(t(), w, c, f),
                       place=name)
    suite.run()


guard(main)
