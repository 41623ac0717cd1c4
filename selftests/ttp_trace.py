#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The "ttp" trace system, read through tracefs: each event fires for what
the test provokes, names the right connection, and agrees with the
counters and TTP_INFO; state changes reach the kernel's own
sock:inet_sock_set_state."""

import errno
import os
import re
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (SOL_TTP, Suite, Topology, check, guard, require_module,  # noqa: E402
                    run, skip_all, wait_for)

TTP_INFO = 11


def tracefs():
    for path in ("/sys/kernel/tracing", "/sys/kernel/debug/tracing"):
        if os.path.exists(os.path.join(path, "trace")):
            return path
    subprocess.run(["mount", "-t", "tracefs", "nodev", "/sys/kernel/tracing"],
                   stderr=subprocess.DEVNULL)
    if os.path.exists("/sys/kernel/tracing/trace"):
        return "/sys/kernel/tracing"
    skip_all("no tracefs")


class Tracing:
    """EVENTS ("system/name") on, an empty buffer; lines() reads it."""

    def __init__(self, *events):
        self.root = tracefs()
        self.events = events
        self.write("trace", "")
        for e in events:
            self.write("events/%s/enable" % e, "1")

    def write(self, name, value):
        with open(os.path.join(self.root, name), "w") as f:
            f.write(value)

    def lines(self, event):
        with open(os.path.join(self.root, "trace")) as f:
            return [line for line in f if (" %s:" % event) in line]

    def close(self):
        for e in self.events:
            self.write("events/%s/enable" % e, "0")


def info_u32(sock, offset):
    """A u32 of struct ttp_info (ttp_info.py has the whole layout)."""
    raw = sock.getsockopt(SOL_TTP, TTP_INFO, offset + 4)
    return int.from_bytes(raw[offset:offset + 4], sys.byteorder)


SND_MSS, UNACKED, TOTAL_RETRANS = 8, 44, 52


def transfer(c, s, size):
    """SIZE random bytes from C, read whole at S by a thread of its own."""
    got = []

    def read():
        n = 0
        while n < size:
            b = s.recv(1 << 16)
            if not b:
                break
            n += len(b)
        got.append(n)
    reader = threading.Thread(target=read)
    reader.start()
    c.sendall(os.urandom(size))
    reader.join(120)
    check(got == [size], "the server read %s bytes, not %d" % (got, size))


def retransmit():
    """Segments lost to netem come back as ttp:ttp_retransmit, one event per
    buffer sent again, as TCP's tcp:tcp_retransmit_skb, each naming the
    connection: their lengths in segments add up to the retransmissions
    TTP_INFO counts."""
    topo = Topology(socket.AF_INET, True)
    tr = Tracing("ttp/ttp_retransmit")
    try:
        topo.client_ns.set(rto_min_ms=50)
        run("tc", "-n", topo.client_ns.name, "qdisc", "add", "dev", topo.dev_client, "root",
            "netem", "loss", "10%")
        lsn, c, s = topo.pair()
        # Enough packets that 10% loss takes some: netem drops a large
        # segment whole, and 256 KiB is only a dozen of them.
        transfer(c, s, 2 << 20)
        # Nothing more is resent once everything is acknowledged.
        wait_for(lambda: info_u32(c, UNACKED) == 0, 60, "the last ACK")
        want = info_u32(c, TOTAL_RETRANS)
        lines = tr.lines("ttp_retransmit")
        check(want > 0, "nothing retransmitted through 10% loss")
        local = "local=%s:%d remote=%s:%d" % (c.getsockname()[:2] + c.getpeername()[:2])
        mine = [line for line in lines if local in line]
        check(all(re.search(r"seq=\d+ len=\d+ retries=\d+", line) for line in mine),
              "fields missing: %s" % mine[0])
        # A SYN resent (10% loss takes some) is one segment of no bytes.
        mss = info_u32(c, SND_MSS)
        segs = sum(max(1, -(-int(re.search(r"len=(\d+)", line).group(1)) // mss))
                   for line in mine)
        check(segs == want, "%d ttp_retransmit events for the connection, %d segments of "
              "%d bytes, TTP_INFO counts %d retransmissions; first lines: %s" %
              (len(mine), segs, mss, want, lines[:3]))
        for sock in (c, s, lsn):
            sock.close()
    finally:
        tr.close()
        topo.close()


def drop():
    """A segment for a port nobody listens on: ttp:ttp_drop says why
    (DropNoSocket, the counter it is counted in) and for which addresses."""
    topo = Topology(socket.AF_INET6, False)
    tr = Tracing("ttp/ttp_drop")
    try:
        c = topo.client_ns.socket(socket.AF_INET6)
        c.bind(("::1", 0))
        port = c.getsockname()[1]
        err = c.connect_ex(("::1", 9))
        check(err == errno.ECONNREFUSED, "connect to a closed port: %s" % os.strerror(err))
        lines = tr.lines("ttp_drop")
        want = "local=[::1]:9 remote=[::1]:%d reason=DropNoSocket" % port
        check(any(want in line for line in lines), "no '%s' in %s" % (want, lines))
        c.close()
    finally:
        tr.close()
        topo.close()


def kfree_skb():
    """skb:kfree_skb, which drop monitors (dropwatch, perf's skb tracing)
    read, names TTP only for what it drops: a bulk transfer and both
    closes pass no segment there beyond one a retransmission could make
    a duplicate of (TCP's ACKs and handshakes are consumed the same way);
    a SYN for a closed port is one, and the RST it draws consumed. Counted
    by a histogram of the callers (6.1 prints no symbol in the event)."""
    topo = Topology(socket.AF_INET, True)
    tr = Tracing()
    trigger = "events/skb/kfree_skb/trigger"
    hist = "hist:keys=location.sym:vals=hitcount"

    def command(what):
        # Appended: opened with O_TRUNC, the file drops every trigger.
        with open(os.path.join(tr.root, trigger), "a") as f:
            f.write(what)

    def ours():
        with open(os.path.join(tr.root, "events/skb/kfree_skb/hist")) as f:
            return {m.group(1): int(m.group(2)) for m in
                    re.finditer(r"location: +\[\w+\] (\S+) \[ttp\].*hitcount: +(\d+)",
                                f.read())}
    command(hist)
    try:
        lsn, c, s = topo.pair()
        # Every segment sent again, the closes' FINs too (a FIN's loss
        # probe draws a duplicate that LAST_ACK drops, as TCP's would).
        resent = -topo.counter("RetransSegs")
        transfer(c, s, 4 << 20)
        wait_for(lambda: info_u32(c, UNACKED) == 0, 60, "the last ACK")
        c.close()
        check(s.recv(1) == b"", "no EOF after the client's close")
        s.close()
        lsn.close()
        wait_for(lambda: topo.server_ns.gauges()["LAST_ACK"] == 0, 30, "the last FIN's ACK")
        resent += topo.counter("RetransSegs")
        freed = ours()
        check(sum(freed.values()) <= resent, "kfree_skb from TTP in a clean transfer "
              "(%d segments resent): %s" % (resent, freed))
        command(hist + ":clear")
        p = topo.client_ns.socket(socket.AF_INET)
        err = p.connect_ex((topo.server_addr, 9))
        check(err == errno.ECONNREFUSED, "connect to a closed port: %s" % os.strerror(err))
        p.close()
        freed = ours()
        check(sum(freed.values()) == 1, "a SYN dropped for want of a socket and the RST it "
              "drew: kfree_skb from TTP %s, not once" % freed)
    finally:
        command("!" + hist)
        topo.close()


def cookies():
    """syncookies=2: the SYN gets ttp:ttp_cookie_sent, the final ACK
    ttp:ttp_cookie_checked valid=1; a forged ACK valid=0."""
    topo = Topology(socket.AF_INET, False)
    tr = Tracing("ttp/ttp_cookie_sent", "ttp/ttp_cookie_checked")
    try:
        topo.server_ns.set(syncookies=2)
        lsn, c, s = topo.pair()
        ends = "local=127.0.0.1:%d remote=127.0.0.1:%d" % (lsn.getsockname()[1],
                                                           c.getsockname()[1])
        sent, checked = tr.lines("ttp_cookie_sent"), tr.lines("ttp_cookie_checked")
        check(len(sent) == 1 and ends in sent[0], "ttp_cookie_sent: %s" % sent)
        check(len(checked) == 1 and ends + " valid=1" in checked[0],
              "ttp_cookie_checked: %s" % checked)
        for sock in (c, s, lsn):
            sock.close()
    finally:
        topo.server_ns.set(syncookies=1)
        tr.close()
        topo.close()


def tw_reuse():
    """connect() taking a TIME_WAIT entry's 4-tuple (tw_reuse=1, one local
    port): ttp:ttp_tw_reuse names it, and TWRecycled counts it."""
    topo = Topology(socket.AF_INET, True)
    tr = Tracing("ttp/ttp_tw_reuse")
    try:
        topo.client_ns.set(tw_reuse=1, tw_reuse_delay_ms=1, msl_ms=60000)
        topo.client_ns.sysctl("net.ipv4.ip_local_port_range", "40000 40000")
        lsn = topo.listen()
        port = lsn.getsockname()[1]
        before = topo.client_ns.counter("TWRecycled")
        for _ in range(2):
            c = topo.connect(port)
            s, _ = lsn.accept()
            c.close()  # first: the TIME_WAIT entry is the client's
            s.close()
            deadline = time.monotonic() + 30
            while topo.client_ns.gauges()["TIME_WAIT"] != 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.01)
        check(topo.client_ns.counter("TWRecycled") - before == 1, "TWRecycled did not grow by 1")
        lines = tr.lines("ttp_tw_reuse")
        want = "local=10.99.0.1:40000 remote=10.99.0.2:%d" % port
        check(len(lines) == 1 and want in lines[0], "ttp_tw_reuse: %s, want '%s'" % (lines, want))
        lsn.close()
    finally:
        tr.close()
        topo.close()


def state_changes():
    """TTP's states reach sock:inet_sock_set_state, TCP's tracepoint, with
    TTP's protocol number: a connect and its accept make ESTABLISHED."""
    topo = Topology(socket.AF_INET, False)
    tr = Tracing("sock/inet_sock_set_state")
    try:
        lsn, c, s = topo.pair()
        lines = [line for line in tr.lines("inet_sock_set_state") if "protocol=" in line]
        ttp = [line for line in lines if re.search(r"protocol=(253|0xfd|IPPROTO_TTP)\b", line)]
        est = [line for line in ttp if "newstate=TCP_ESTABLISHED" in line]
        check(len(est) >= 2, "fewer than two TTP sockets became ESTABLISHED: %s" % lines[:4])
        for sock in (c, s, lsn):
            sock.close()
    finally:
        tr.close()
        topo.close()


def main():
    require_module()
    tracefs()
    suite = Suite()
    suite.case("ttp_retransmit: an event per buffer resent, naming the connection",
               retransmit)
    suite.case("ttp_drop: the reason and the addresses", drop)
    suite.case("skb:kfree_skb: what TTP drops, not what it consumes", kfree_skb)
    suite.case("ttp_cookie_sent and ttp_cookie_checked", cookies)
    suite.case("ttp_tw_reuse: a connect that takes a TIME_WAIT entry", tw_reuse)
    suite.case("sock:inet_sock_set_state carries TTP's states", state_changes)
    suite.run()


guard(main)
