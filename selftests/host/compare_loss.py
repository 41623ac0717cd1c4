#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Throughput of TTP against Linux TCP (reno and cubic) through netem loss
and delay, one 16 MiB stream over a veth pair, in the same VM run. GSO is
capped at one segment on the veth devices, so that netem drops segments,
not 64 KiB GSO packets, for TCP as for TTP: like against like. Not a test
(nothing is asserted); the numbers for Documentation/congestion.md:

    selftests/vm/run -q -k 6.12 -t 1200 -- python3 selftests/host/compare_loss.py

make bench (ttp-bench) is the full comparison."""

import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ttplib import Topology, require_module, run  # noqa: E402

SIZE = 16 << 20
DATA = b"x" * SIZE
PATHS = [("0%", None), ("1%", None), ("1%", "5ms"), ("5%", "5ms")]


def stream(proto, cc, loss, delay):
    """MB/s of one SIZE-byte stream from client to server."""
    topo = Topology(socket.AF_INET, True)
    try:
        for ns, dev in ((topo.client_ns, topo.dev_client), (topo.server_ns, topo.dev_server)):
            args = (["delay", delay] if delay else []) + (["loss", loss] if loss != "0%" else [])
            if args:
                run("tc", "-n", ns.name, "qdisc", "add", "dev", dev, "root", "netem", *args,
                    "limit", "10000")
            ns.one_segment_per_skb(dev)
            if cc:
                run("ip", "netns", "exec", ns.name, "sysctl", "-qw",
                    "net.ipv4.tcp_congestion_control=" + cc)
        lsn = topo.server_ns.call(socket.socket, socket.AF_INET, socket.SOCK_STREAM, proto)
        lsn.bind((topo.server_addr, 0))
        lsn.listen(1)
        c = topo.client_ns.call(socket.socket, socket.AF_INET, socket.SOCK_STREAM, proto)
        c.connect((topo.server_addr, lsn.getsockname()[1]))
        s, _ = lsn.accept()
        start = time.monotonic()
        sender = threading.Thread(target=lambda: (c.sendall(DATA), c.close()))
        sender.start()
        got = 0
        while True:
            b = s.recv(1 << 16)
            if not b:
                break
            got += len(b)
        sender.join()
        took = time.monotonic() - start
        if got != SIZE:
            sys.exit("%d bytes arrived, not %d" % (got, SIZE))
        for x in (s, lsn):
            x.close()
        return SIZE / took / 1e6
    finally:
        topo.close()


def main():
    require_module()
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    for loss, delay in PATHS:
        for _ in range(reps):
            r = [("ttp", stream(253, None, loss, delay)),
                 ("tcp reno", stream(socket.IPPROTO_TCP, "reno", loss, delay)),
                 ("tcp cubic", stream(socket.IPPROTO_TCP, "cubic", loss, delay))]
            print("loss %-3s delay %-4s  %s" % (loss, delay or "0", "   ".join(
                "%s %5.1f MB/s" % kv for kv in r)), flush=True)


if __name__ == "__main__":
    main()
