#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Segments no honest peer sends, injected with a raw socket at a live
connection's 4-tuple: a bad checksum, a header length too short or past the
packet, impossible flags, truncated options. Each must be dropped without an
answer and counted by its reason, and the connection beside it must carry
on as if nothing happened. On IPv4 and IPv6, over loopback and veth, and
over a veth whose receiving end runs GRO: there the three copies carry
payload in sequence and GRO holds what it merges between polls, so a copy
merged into another would be counted once for two."""

import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (IPPROTO_TTP, Suite, Topology, guard, check, expect_gauges,  # noqa: E402
                    named_topologies, require_module, run, segment)

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


def gro_topology(family):
    """Veth whose receiving end runs GRO and holds what it merged for
    200 ms after each poll (gro_flush_timeout), so that segments sent one
    by one meet there as a burst would."""
    topo = Topology(family, True)
    # veth takes the NAPI (GRO) path only from a peer without TSO.
    topo.client_ns.call(run, "ethtool", "-K", topo.dev_client, "tso", "off")
    topo.server_ns.call(run, "ethtool", "-K", topo.dev_server, "gro", "on")
    run("ip", "netns", "exec", topo.server_ns.name, "sh", "-c",
        "echo 200000000 > /sys/class/net/%s/gro_flush_timeout" % topo.dev_server)
    return topo


def in_sequence(fields, i):
    """Copy I of FIELDS as the I-th of three consecutive segments with
    payload (GRO merges only those), unless payload would make the
    header fit the packet."""
    fields = dict(fields)
    room = 20 + len(fields.get("options", b""))
    if "payload" not in fields and fields.get("doff", 5) * 4 <= room:
        fields["payload"] = b"x" * 100
    return fields, 12345 + i * len(fields.get("payload", b""))


def inject(topo, what, counter, fields, gro=False):
    lsn, c, s = topo.pair(timeout=30)
    still_alive(c, s)
    raw = topo.client_ns.call(socket.socket, topo.family, socket.SOCK_RAW, IPPROTO_TTP)
    raw.bind((topo.client_addr, 0))
    before = {k: topo.server_ns.counter(k) for k in (counter, "InErrs", "OutRsts")}
    cport, sport = c.getsockname()[1], s.getsockname()[1]
    for i in range(3):
        f, seq = in_sequence(fields, i) if gro else (fields, 12345)
        pkt = segment(topo.family, topo.client_addr, topo.server_addr, cport, sport,
                      seq, 67890, **f)
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
    for family, name in ((socket.AF_INET, "v4-veth-gro"), (socket.AF_INET6, "v6-veth-gro")):
        box = {}

        def topo(box=box, family=family):
            if "t" not in box:
                box["t"] = gro_topology(family)
            return box["t"]
        for what, counter, fields in MALFORMED:
            suite.case("%s: %s: each of three in sequence dropped, counted as %s" %
                       (name, what, counter),
                       lambda t=topo, w=what, c=counter, f=fields: inject(t(), w, c, f, True),
                       place=name)
    suite.run()


guard(main)
