#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""pair.py {server|client} [--quick]: one guest's side of `make bench`'s
"virtio" path (selftests/bench/pair boots the two guests, joined by a
virtio-net link as the two-machine test joins them). The server runs
ttp-bench's servers for both protocols on 10.77.0.1; the client measures
stream-1, stream-4 and rr against it, TCP and TTP in turns, and prints
the results as bench.py does ("BENCH {json}", path "virtio"). Then it
tells the server, over a control connection, that it is done. Offloads
stay as the virtio device offers them: checksums, no TSO for TTP (no NIC
offers TTP's GSO bits), GRO on the receiver for TCP only."""

import argparse
import json
import os
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "host"))
sys.path.insert(0, HERE)
from bench import BENCH, PORT, PROTOS, REPO, measure  # noqa: E402
from two_machines import ADDR, setup  # noqa: E402

PORT_CTL = PORT + 99


def server():
    setup("server")
    addr = ADDR["server"][0]
    servers = [subprocess.Popen([BENCH, "server", "--proto", proto, "-b", addr,
                                 "-p", str(PORT), "-n", "1"], stdout=subprocess.PIPE, text=True)
               for proto in PROTOS]
    for p in servers:
        if p.stdout.readline().strip() != "listening":
            sys.exit("a ttp-bench server did not start")
    ctl = socket.create_server((addr, PORT_CTL))
    ctl.settimeout(1800)
    conn, _ = ctl.accept()
    conn.settimeout(1800)
    conn.recv(16)  # "done", or the client's end
    for p in servers:
        p.kill()
        p.wait()


class Remote:
    """The server guest as bench.measure() wants a path: its kind and a
    client that runs a ttp-bench mode against it."""

    kind = "virtio"

    def __init__(self, addr):
        self.addr = addr

    def client(self, mode, proto, *args):
        out = subprocess.run([BENCH, mode, "--proto", proto, "-p", str(PORT),
                              *[str(a) for a in args], self.addr],
                             capture_output=True, text=True, check=True).stdout
        return json.loads(out.strip().splitlines()[-1])


def client(quick):
    setup("client")
    addr = ADDR["server"][0]
    deadline = time.monotonic() + 300
    while True:  # the server's guest may still be booting
        try:
            ctl = socket.create_connection((addr, PORT_CTL), timeout=10)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
    runs, seconds = (3, 1) if quick else (5, 3)
    try:
        remote = Remote(addr)
        measure(remote, "stream-1", runs, "stream", "-t", seconds, "-f", 1)
        measure(remote, "stream-4", runs, "stream", "-t", seconds, "-f", 4)
        measure(remote, "rr", runs, "rr", "-t", seconds, extra=("p50_us", "p99_us"))
        # What the sender saw, for reading the figures: retransmissions,
        # timeouts, drops by reason.
        out = subprocess.run([os.path.join(REPO, "userspace", "ttpctl"), "stats"],
                             capture_output=True, text=True).stdout
        print("# the client's TTP counters: " + " ".join(
            " ".join(line.split()[1:]) for line in out.splitlines() if line.startswith("counter")))
        out = subprocess.run(["nstat", "-as", "TcpOutSegs", "TcpRetransSegs", "TcpExtTCPTimeouts",
                              "TcpExtTCPSackRecovery", "TcpExtTCPLossProbes"],
                             capture_output=True, text=True).stdout
        print("# the client's TCP counters: " + " ".join(
            " ".join(line.split()[:2]) for line in out.splitlines() if not line.startswith("#")))
    finally:
        ctl.sendall(b"done")
        ctl.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("role", choices=("server", "client"))
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.role == "server":
        server()
    else:
        client(args.quick)


if __name__ == "__main__":
    main()
