#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Packet fuzzing: ttp-fuzz-packets (selftests/fuzz/packets.c) throws
mutated segments at both ends of a veth pair whose namespaces hold TTP in
every state it can be held in: listeners, request entries (spoofed SYNs),
SYN_SENT, established pairs with traffic, half-closed pairs and TIME_WAIT
entries, over IPv4 and IPv6. The seeds are the segments those connections
exchange. Afterwards:

- a control connection on a port the fuzzer leaves alone carried its data
  both ways intact (SHA-256);
- each namespace's socket dump agrees with its gauges;
- the listeners still accept and carry data;
- the attack was seen: drops were counted by reason;
- once everything is closed, the gauges read zero and slab memory is back
  near where it started.

The kernel log must stay clean (the runner checks it). TTP_FUZZ=long (make
fuzz) sends 1,000,000 segments (50,000 on the debug kernel); TTP_FUZZ_SEED
replays a run's choices."""

import os
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (Suite, Stream, SynFlood, Topology, census_matches, check,  # noqa: E402
                    expect_gauges, guard, on_debug_kernel, require_module, scaled,
                    slab_kib, slab_settled)

FUZZER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz", "ttp-fuzz-packets")
LONG = os.environ.get("TTP_FUZZ") == "long"
DEBUG = on_debug_kernel()
# The debug kernel takes about 80 segments a second alone (KASAN and
# lockdep on every path, one host core for the whole guest), a third of
# that beside make check's other VMs: 800 there keep it well inside the
# 600 s a test has (2,000 took all of it once, the host loaded by more).
# make fuzz gives it 50,000 and sends the 1,000,000 on 6.12
# (selftests/fuzz/run).
COUNT = int(os.environ.get("TTP_FUZZ_PACKETS") or
            ((50000 if DEBUG else 1000000) if LONG else scaled(100000, 800)))
SEED = os.environ.get("TTP_FUZZ_SEED")
CONTROL, TARGET = 5001, 5002
# Addresses the spoofed SYNs come from (ttplib.SynFlood): the server
# sends their SYN-ACKs across the link, where the fuzzer sees them.
SPOOFED = 10
CLIENT_MAC = "02:00:00:00:99:01"
SERVER_MAC = "02:00:00:00:99:02"
NOWHERE = {socket.AF_INET: "10.99.0.77", socket.AF_INET6: "fd99::77"}
ADDRS = {socket.AF_INET: ("10.99.0.1", "10.99.0.2"), socket.AF_INET6: ("fd99::1", "fd99::2")}


class Census:
    """The attacked side of the test: every state, both families, and
    traffic on the established pairs so that the seeds keep coming."""

    def __init__(self, topo):
        self.topo = topo
        self.socks = []
        self.listeners = {}
        self.stopping = threading.Event()
        self.threads = []
        cns, sns = topo.client_ns, topo.server_ns
        for ns in (cns, sns):
            ns.set(msl_ms=600000)
        # The neighbours first, one ip process a side, before any thread
        # competes with it (a process start is dear on the debug kernel):
        # SYN_SENT's, a neighbour that takes the SYNs and drops them; the
        # spoofed sources', so that their SYN-ACKs cross the link.
        cns.ip_batch(*[("neigh", "replace", NOWHERE[f], "lladdr", SERVER_MAC,
                        "dev", topo.dev_client, "nud", "permanent") for f in ADDRS])
        sns.ip_batch(*[("neigh", "replace", spoofed_source(f, saddr, i), "lladdr", CLIENT_MAC,
                        "dev", topo.dev_server, "nud", "permanent")
                       for f, (_, saddr) in ADDRS.items() for i in range(SPOOFED)])
        self.floods = [SynFlood(cns.name, topo.dev_client, saddr, TARGET, SPOOFED)
                       for _, saddr in ADDRS.values()]
        for family, (caddr, saddr) in ADDRS.items():
            lsn = self.keep(sns.socket(family))
            self.listeners[family] = lsn
            lsn.bind((saddr, TARGET))
            lsn.listen(64)
            lsn.settimeout(60)
            pairs = []
            for _ in range(5):
                c = self.keep(cns.socket(family))
                c.settimeout(60)
                c.connect((saddr, TARGET))
                s = self.keep(lsn.accept()[0])
                pairs.append((c, s))
            # Two chatty pairs, one half-closed, two into TIME_WAIT.
            for c, s in pairs[:2]:
                self.chatter(c, s)
            pairs[2][0].shutdown(socket.SHUT_WR)
            for c, s in pairs[3:]:
                c.close()
                s.settimeout(60)
                s.recv(1)
                s.close()
            # SYN_SENT: to the neighbour that drops the SYNs.
            x = self.keep(cns.socket(family, blocking=False))
            x.connect_ex((NOWHERE[family], TARGET))
        self.flood = threading.Thread(target=self.syns)
        self.flood.start()

    def keep(self, s):
        self.socks.append(s)
        return s

    def chatter(self, c, s):
        """A message each way every 20 ms, whatever happens. (Not faster:
        on the debug kernel every guest thread shares one host core, and
        the fuzzer's segments are what matters.)"""
        def talk(x):
            x.settimeout(1)
            while not self.stopping.wait(0.02):
                try:
                    x.send(b"chatter" * 20)
                    x.recv(4096)
                except OSError:
                    time.sleep(0.05)
        for x in (c, s):
            t = threading.Thread(target=talk, args=(x,))
            t.start()
            self.threads.append(t)

    def syns(self):
        """Request entries, renewed while the fuzzer runs."""
        while not self.stopping.wait(2):
            for flood in self.floods:
                flood.send()

    def stop(self):
        self.stopping.set()
        for t in self.threads + [self.flood]:
            t.join(60)

    def close(self):
        for s in self.socks:
            s.close()
        for flood in self.floods:
            flood.close()


def spoofed_source(family, dst, i):
    """The address ttplib.SynFlood sends its Ith SYN from."""
    net = socket.inet_pton(family, dst)
    if family == socket.AF_INET:
        return socket.inet_ntop(family, net[:3] + bytes([100 + i % 100]))
    return socket.inet_ntop(family, net[:8] + (0x100 + i).to_bytes(8, "big"))


def fuzz_once():
    topo = Topology(socket.AF_INET, True)
    baseline = slab_kib()
    cns, sns = topo.client_ns, topo.server_ns
    ctl_lsn = sns.socket(socket.AF_INET6)
    ctl_lsn.bind(("fd99::2", CONTROL))
    ctl_lsn.listen(1)
    ctl = cns.socket(socket.AF_INET6)
    ctl.settimeout(60)
    ctl.connect(("fd99::2", CONTROL))
    stream = Stream(ctl, ctl_lsn.accept()[0])
    census = Census(topo)
    drops_before = drops(topo)

    args = [FUZZER, "-a", "%s:%s" % (cns.name, topo.dev_client),
            "-b", "%s:%s" % (sns.name, topo.dev_server), "-n", str(COUNT), "-x", str(CONTROL)]
    if SEED:
        args += ["-s", SEED]
    p = subprocess.run(args, capture_output=True, text=True)
    print("# " + (p.stdout + p.stderr).strip().replace("\n", "\n# "))
    check(p.returncode == 0, "ttp-fuzz-packets failed (exit %d)" % p.returncode)
    sent = int(p.stdout.split("sent ")[1].split()[0])
    check(sent == COUNT, "the fuzzer sent %d segments, not %d" % (sent, COUNT))

    census.stop()
    carried = stream.stop()
    print("# the control stream carried %d bytes intact" % carried)
    for ns in (cns, sns):
        census_matches(ns)
    got = drops(topo)
    grown = {k: got[k] - drops_before.get(k, 0) for k in got if got[k] > drops_before.get(k, 0)}
    print("# drops by reason: %s" % ", ".join("%s %d" % kv for kv in sorted(grown.items())))
    check(sum(grown.values()) > 0, "no segment was dropped: the fuzzer's segments never arrived")

    # The listeners still work, on both families.
    for family, (_, saddr) in ADDRS.items():
        c = census.keep(cns.socket(family))
        c.settimeout(60)
        c.connect((saddr, TARGET))
        # The fuzzer may have completed handshakes of its own (a mutated
        # ACK meeting a request entry): those wait in the queue too.
        while True:
            s, peer = census.listeners[family].accept()
            census.keep(s)
            if peer[:2] == c.getsockname()[:2]:
                break
        s.settimeout(60)
        c.sendall(b"after the storm")
        got = b""
        while len(got) < 15:
            got += s.recv(15 - len(got))
        check(got == b"after the storm", "a connection made after the fuzzing lost data")

    census.close()
    for ns in (cns, sns):
        ns.ttpctl("sockets", "kill", "all")
    expect_gauges(topo, {}, timeout=120)
    print("# slab memory: %d KiB before, %d KiB after" % (baseline, slab_settled(baseline)))
    topo.close()


def drops(topo):
    """Counters of segments refused, by reason, summed over the namespaces."""
    total = {}
    for ns in topo.namespaces():
        for k, v in ns.counters().items():
            if k.startswith("Drop") or k in ("InCsumErrors", "InErrs"):
                total[k] = total.get(k, 0) + v
    return total


@guard
def main():
    require_module()
    check(os.access(FUZZER, os.X_OK), "%s is not built (make -C selftests)" % FUZZER)
    suite = Suite()
    suite.case("%d mutated segments against every state, IPv4 and IPv6" % COUNT, fuzz_once)
    suite.run()


main()
