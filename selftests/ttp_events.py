#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ttpctl monitor: the events of the "ttp" family's multicast group. A
scripted connection yields exactly its sequence of state changes on each
side; a parameter change says who changed what from what to what; a SYN
flood yields its episode's start and end and, past events_rate, a count of
the events held back that adds up to the EventsLost counter, while the box
keeps answering; with nobody listening, no event is built at all (the
Events counter, which counts every message built, does not move)."""

import errno
import json
import os
import queue
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (IPPROTO_TTP, TTPCTL, Suite, Topology, check, guard,  # noqa: E402
                    require_module, run, spoofed_syns, wait_for)

IP_BIND_ADDRESS_NO_PORT, IP_LOCAL_PORT_RANGE = 24, 51


class Monitor:
    """ttpctl -j monitor in a namespace, its events read as they come."""

    def __init__(self, ns):
        self.p = subprocess.Popen([TTPCTL, "-n", ns.name, "-j", "monitor"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        check(self.p.stderr.readline().startswith("monitoring"), "monitor did not start")
        self.q = queue.Queue()
        self.events = []
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        for line in self.p.stdout:
            self.q.put(json.loads(line))

    def drain(self, until=None, timeout=60):
        """Every event so far; with UNTIL, wait until it holds for them."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                while True:
                    self.events.append(self.q.get_nowait())
            except queue.Empty:
                pass
            if until is None or until(self.events):
                return self.events
            if time.monotonic() > deadline:
                raise AssertionError("timed out; events so far:\n" +
                                     "\n".join(json.dumps(e) for e in self.events))
            time.sleep(0.05)

    def stop(self):
        self.p.terminate()
        rc = self.p.wait(30)
        check(rc == 0, "monitor exited with %d" % rc)


def states(events, port):
    return [(e["old"], e["new"], e["reason"]) for e in events
            if e["event"] == "state" and port in (e["lport"], e["pport"])]


def test_connection():
    t = Topology(socket.AF_INET, True)
    cm = sm = None
    try:
        # The entry waits for its kill, however slow the polls are.
        t.client_ns.set(msl_ms=60000)
        cm, sm = Monitor(t.client_ns), Monitor(t.server_ns)
        lsn = t.listen()
        port = lsn.getsockname()[1]
        c = t.connect(port)
        lsn.settimeout(60)
        s, _ = lsn.accept()
        c.close()
        wait_for(lambda: t.client_ns.gauges()["FIN_WAIT_2"] == 1, 60, "FIN_WAIT_2")
        s.close()
        wait_for(lambda: t.client_ns.gauges()["TIME_WAIT"] == 1, 60, "TIME_WAIT")
        t.client_ns.ttpctl("sockets", "kill", "state", "time-wait")
        lsn.close()
        want_client = [("CLOSED", "SYN_SENT", "connect"), ("SYN_SENT", "ESTABLISHED", "handshake"),
                       ("ESTABLISHED", "FIN_WAIT_1", "close"),
                       ("FIN_WAIT_1", "FIN_WAIT_2", "fin acked"),
                       ("FIN_WAIT_2", "TIME_WAIT", "fin"), ("TIME_WAIT", "CLOSED", "killed")]
        want_server = [("CLOSED", "LISTEN", "listen"), ("CLOSED", "SYN_RCVD", "syn"),
                       ("SYN_RCVD", "ESTABLISHED", "handshake"),
                       ("ESTABLISHED", "CLOSE_WAIT", "fin"), ("CLOSE_WAIT", "LAST_ACK", "close"),
                       ("LAST_ACK", "CLOSED", "fin acked"), ("LISTEN", "CLOSED", "closed")]
        for m, want, side in ((cm, want_client, "client"), (sm, want_server, "server")):
            try:
                m.drain(lambda ev: len(states(ev, port)) >= len(want))
            except AssertionError as e:
                check(False, "%s: %s" % (side, e))
            got = states(m.drain(), port)
            check(got == want, "%s: events\n  %s\nnot\n  %s" % (side, got, want))
        ev = [e for e in cm.drain() if e["event"] == "state"][1]
        check(ev["local"] == t.client_addr and ev["peer"] == t.server_addr and
              ev["pport"] == port and ev["family"] == "inet", "the 4-tuple: %s" % ev)
    finally:
        for m in (cm, sm):
            if m:
                m.stop()
        t.close()


def test_param():
    t = Topology(socket.AF_INET, False)
    m = None
    try:
        m = Monitor(t.server_ns)
        # Through ttpctl, whose name the events must carry (Netns.set
        # would set them from this process).
        t.server_ns.ttpctl("param", "set", "msl_ms=5000", "fin_timeout_ms=2000")
        t.server_ns.ttpctl("param", "set", "msl_ms=5000")     # no change, no event
        # A sysctl write is the same change, and says so alike.
        run("ip", "netns", "exec", t.server_ns.name,
            "sysctl", "-qw", "net.ttp.syn_retries=3")
        ev = m.drain(lambda ev: len([e for e in ev if e["event"] == "param"]) >= 3)
        ev = [e for e in ev if e["event"] == "param"]
        got = sorted((e["param"], e["old_value"], e["new_value"], e["comm"]) for e in ev)
        check(got == [("fin_timeout_ms", 60000, 2000, "ttpctl"),
                      ("msl_ms", 1000, 5000, "ttpctl"),
                      ("syn_retries", 6, 3, "sysctl")],
              "param events: %s" % got)
        check(all(e["uid"] == 0 and e["pid"] > 0 for e in ev), "who: %s" % ev)
    finally:
        if m:
            m.stop()
        t.close()


def test_flood():
    t = Topology(socket.AF_INET, True)
    m = None
    try:
        srv = t.server_ns
        # Without cookies every SYN past the queue is a drop, and an event.
        # The queue's 16 stay for the whole test (SYN-ACK retries past 4
        # minutes), so no SYN finds room later. 5 events a second are far
        # fewer than even a debug kernel's flood brings; the flood comes in
        # six bursts half a second apart, so that the limit lets a few
        # drops through between them however fast the machine.
        srv.set(events_rate=5, max_syn_backlog=16, syncookies=0, synack_retries=8)
        lost_before = srv.counter("EventsLost")
        m = Monitor(srv)
        lsn, other = t.listen(), t.listen()
        port = lsn.getsockname()[1]
        for burst in range(6):
            spoofed_syns(t.client_ns.name, t.dev_client, t.server_addr, port, 100,
                         first=100 * burst)
            time.sleep(0.5)
        m.drain(lambda ev: any(e["event"] == "synflood-start" for e in ev))
        # The box answers meanwhile: a real connection to another port.
        c = t.connect(other.getsockname()[1])
        other.settimeout(60)
        s, _ = other.accept()
        c.sendall(b"alive")
        check(s.recv(5) == b"alive", "no answer during the flood")
        ev = m.drain(lambda ev: any(e["event"] == "synflood-end" for e in ev) and
                     any(e["event"] == "lost" for e in ev), timeout=120)
        end = [e for e in ev if e["event"] == "synflood-end"][0]
        # A burst overflows the queue 84 to 100 times; on a slow machine
        # the pause between two may end an episode.
        check(end["count"] >= 84 and end["lport"] == port and end["duration_ms"] > 0,
              "synflood-end: %s" % end)
        drops = [e for e in ev if e["event"] == "drop"]
        check(drops and all(e["reason"] == "DropSynQueueFull" and e["lport"] == port
                            for e in drops), "drop events: %s" % drops[:3])
        # Whenever an event is let through, the count of those held back
        # before it comes first: once one gets through after the flood, the
        # counts add up to the counter. A parameter change is such an event.
        c.close()
        s.close()
        flip = [60000]

        def balanced():
            reported = sum(e["count"] for e in m.drain() if e["event"] == "lost")
            if reported == srv.counter("EventsLost") - lost_before:
                return reported
            flip[0] = 120000 if flip[0] == 60000 else 60000
            srv.set(fin_timeout_ms=flip[0])
            return None
        reported = wait_for(balanced, 60, "the lost events' counts to add up to EventsLost")
        check(reported > 0, "no event was lost")
        shown = [e for e in m.drain() if e["event"] in ("state", "drop")]
        check(len(shown) + reported >= 600 and len(shown) < 600,
              "%d events shown, %d lost: the rate limit did not hold" % (len(shown), reported))
    finally:
        if m:
            m.stop()
        t.close()


def test_no_listener():
    """Events counts the messages built: it must not move without a
    listener, and must move by exactly what a listener received."""
    t = Topology(socket.AF_INET, False)
    try:
        ns = t.server_ns
        before = ns.counter("Events")
        lsn, c, s = t.pair()
        for x in (c, s, lsn):
            x.close()

        # Every socket gone, TIME_WAIT included: a gauge that must pass
        # through one value on its way down can be missed between polls.
        def settled():
            return not any(ns.gauges().values())
        wait_for(settled, 60, "the close and TIME_WAIT's end")
        check(ns.counter("Events") == before, "Events moved from %d to %d with nobody "
              "listening" % (before, ns.counter("Events")))
        m = Monitor(ns)
        lsn, c, s = t.pair()
        for x in (c, s, lsn):
            x.close()
        wait_for(settled, 60, "the close and TIME_WAIT's end")
        built = ns.counter("Events") - before
        got = m.drain(lambda ev: len(ev) >= built)
        m.stop()
        check(built > 5 and len(got) == built,
              "%d events built, %d received" % (built, len(got)))
    finally:
        t.close()


def test_top():
    """top, plain (not a terminal): frames with the gauges, the busiest
    counters and the latest events of what the test does; on a terminal,
    q quits it."""
    t = Topology(socket.AF_INET, False)
    try:
        ns = t.server_ns
        held = [t.pair() for _ in range(3)]
        p = subprocess.Popen([TTPCTL, "-n", ns.name, "top", "-d", "0.5"],
                             stdout=subprocess.PIPE, text=True)
        out = [p.stdout.readline()]     # its first frame: counting has begun
        threading.Thread(target=lambda: out.extend(p.stdout), daemon=True).start()
        lsn = t.listen()
        lsn.settimeout(60)
        for _ in range(10):
            c = t.connect(lsn.getsockname()[1])
            s, _ = lsn.accept()
            c.close()
            s.close()

        def opens():
            return sum(int(ln.split()[1]) for ln in list(out) if ln.startswith("ActiveOpens "))

        # Frames go on at their pace; once they have counted the 10
        # connections and one lists the last of their 100 events (top reads
        # them as they come, and a loaded machine may lag), Ctrl-C ends it
        # with status 0.
        def last_total():
            text = "".join(out)
            totals = [int(ln.split("(")[1].split()[0].rstrip(")")) for ln in text.splitlines()
                      if ln.startswith("LATEST EVENTS")]
            return totals[-1] if totals else 0
        wait_for(lambda: opens() >= 10, 120, "frames counting the 10 connections")
        wait_for(lambda: last_total() >= 100, 120, "a frame with all 100 events")
        p.send_signal(signal.SIGINT)
        check(p.wait(30) == 0, "top exited with %d" % p.returncode)
        text = "".join(out)
        frames = text.split("ttpctl top ")[1:]
        est = [ln.split() for f in frames for ln in f.splitlines()
               if ln.startswith("ESTABLISHED ")]
        check(len(est) == len(frames) and
              all(int(e[1]) >= 6 and e[2].startswith("#") for e in est),
              "ESTABLISHED bars: %s in\n%s" % (est, text))
        check(opens() == 10, "ActiveOpens changes add up to %d, not 10" % opens())
        # Each connection over loopback is ten state changes, both ends
        # counted; a frame shows the latest eight events.
        total = [int(ln.split("(")[1].split()[0].rstrip(")")) for ln in frames[-1].splitlines()
                 if ln.startswith("LATEST EVENTS")]
        shown = [ln for ln in frames[-1].splitlines() if " state 127.0.0.1:" in ln]
        check(total and total[0] >= 100 and len(shown) == 8,
              "events in the last frame: %s in all, %d shown:\n%s" %
              (total, len(shown), frames[-1]))
        del held

        # On a terminal: the screen is redrawn, and q quits.
        master, slave = os.openpty()
        p = subprocess.Popen([TTPCTL, "-n", ns.name, "top"], stdin=slave, stdout=slave,
                             stderr=slave)
        os.close(slave)
        seen = b""
        while b"(q quits)" not in seen:
            seen += os.read(master, 4096)
        os.write(master, b"q")
        check(p.wait(30) == 0 and b"\033[H\033[2J" in seen, "top on a terminal: exit %s" %
              p.returncode)
        os.close(master)
    finally:
        t.close()


def test_ports_exhausted():
    """Port exhaustion seen before it bites: with two local ports, the
    third connect to one destination fails with EADDRNOTAVAIL, is counted
    and makes an event naming both ends and the process; the options that
    put it off work as on TCP: IP_BIND_ADDRESS_NO_PORT leaves the port to
    connect(), IP_LOCAL_PORT_RANGE narrows one socket's range."""
    t = Topology(socket.AF_INET, True)
    m = None
    try:
        cli = t.client_ns
        cli.sysctl("net.ipv4.ip_local_port_range", "40000 40001")
        m = Monitor(cli)
        lsn = t.listen()
        port = lsn.getsockname()[1]
        held = [t.connect(port), t.connect(port)]
        check(sorted(c.getsockname()[1] for c in held) == [40000, 40001],
              "ports: %s" % [c.getsockname()[1] for c in held])
        s = cli.socket(t.family)
        try:
            s.connect((t.server_addr, port))
            check(False, "a third connect succeeded from port %d" % s.getsockname()[1])
        except OSError as e:
            check(e.errno == errno.EADDRNOTAVAIL, "the third connect: %s" % e)
        s.close()
        check(cli.counter("PortsExhausted") == 1,
              "PortsExhausted %d" % cli.counter("PortsExhausted"))
        ev = m.drain(lambda ev: any(e["event"] == "ports-exhausted" for e in ev))
        ev = [e for e in ev if e["event"] == "ports-exhausted"]
        check(len(ev) == 1 and ev[0]["peer"] == t.server_addr and ev[0]["pport"] == port and
              ev[0]["pid"] == os.getpid() and ev[0]["uid"] == 0 and ev[0]["comm"],
              "the event: %s" % ev)
        cli.sysctl("net.ipv4.ip_local_port_range", "40000 40100")

        # IP_BIND_ADDRESS_NO_PORT: bind() takes the address only.
        s = cli.socket(t.family)
        s.setsockopt(socket.IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1)
        s.bind((t.client_addr, 0))
        check(s.getsockname()[1] == 0, "bound to port %d" % s.getsockname()[1])
        s.settimeout(60)
        s.connect((t.server_addr, port))
        check(40002 <= s.getsockname()[1] <= 40100, "connected from %d" % s.getsockname()[1])
        s.close()

        # IP_LOCAL_PORT_RANGE (Linux 6.3): TTP answers as TCP does, and
        # where the kernel has it, connect() keeps within it.
        answers = []
        for proto in (socket.IPPROTO_TCP, IPPROTO_TTP):
            s = cli.call(socket.socket, t.family, socket.SOCK_STREAM, proto)
            try:
                s.setsockopt(socket.IPPROTO_IP, IP_LOCAL_PORT_RANGE,
                             struct.pack("I", 40050 | 40050 << 16))
                answers.append(0)
            except OSError as e:
                answers.append(e.errno)
            if proto == IPPROTO_TTP and answers[-1] == 0:
                s.settimeout(60)
                s.connect((t.server_addr, port))
                check(s.getsockname()[1] == 40050, "range 40050..40050: port %d" %
                      s.getsockname()[1])
            s.close()
        check(answers[0] == answers[1], "IP_LOCAL_PORT_RANGE: TCP %s, TTP %s" % tuple(answers))
        del held
    finally:
        if m:
            m.stop()
        t.close()


def test_close_wait():
    """close_wait_warn_ms: a connection the peer closed and its owner did
    not, once that long in CLOSE_WAIT, is counted and announced once, with
    the processes holding it, whether keepalive (which shares the timer,
    two hours off) is on or not; one its owner closes in time is not."""
    t = Topology(socket.AF_INET, True)
    m = None
    try:
        srv = t.server_ns
        srv.set(close_wait_warn_ms=2000)
        with open("/proc/self/comm") as f:
            comm = f.read().strip()
        m = Monitor(srv)
        pairs = [t.pair() for _ in range(3)]
        held = pairs[0][2], pairs[1][2]
        held[0].setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        for lsn, c, s in pairs:
            c.close()
        wait_for(lambda: srv.gauges()["CLOSE_WAIT"] == 3, 60, "three in CLOSE_WAIT")
        start = time.monotonic()
        # Keepalive's idle clock measured again: its timer re-armed, two
        # hours off, must still keep the warning's time.
        held[0].setsockopt(253, 4, 7200000)     # SOL_TTP, TTP_KEEPIDLE
        pairs[2][2].close()     # in time: never warned of
        ev = m.drain(lambda ev: len([e for e in ev if e["event"] == "close-wait"]) >= 2)
        took = time.monotonic() - start
        ev = [e for e in ev if e["event"] == "close-wait"]
        check(took >= 1.5, "warned %.1f s after CLOSE_WAIT, not 2" % took)
        want = sorted((t.server_addr, s.getsockname()[1], s.getpeername()[1],
                       os.fstat(s.fileno()).st_ino, s.fileno()) for s in held)
        got = sorted((e["local"], e["lport"], e["pport"], e["inode"],
                      e["users"][0]["fd"] if e["users"] else -1) for e in ev)
        check(got == want, "close-wait events: %s, not %s" % (got, want))
        check(all(e["uid"] == 0 and 2000 <= e["duration_ms"] < 6000 and
                  e["users"] == [{"comm": comm, "pid": os.getpid(), "fd": e["users"][0]["fd"]}]
                  for e in ev), "the events: %s" % ev)
        # Once each: another two seconds bring no more.
        time.sleep(2)
        check(srv.counter("CloseWaitWarnings") == 2,
              "CloseWaitWarnings %d" % srv.counter("CloseWaitWarnings"))
        check(len([e for e in m.drain() if e["event"] == "close-wait"]) == 2,
              "more close-wait events")
        for lsn, c, s in pairs:
            s.close()
            lsn.close()
    finally:
        if m:
            m.stop()
        t.close()


def main():
    require_module()
    suite = Suite()
    suite.case("a connection: each side's exact sequence of state changes", test_connection)
    suite.case("a parameter change: name, old, new, who", test_param)
    suite.case("a SYN flood: episode start and end, events lost counted, box answers",
               test_flood)
    suite.case("no listener: no event built", test_no_listener)
    suite.case("ports exhausted: counted, an event with the owner; the options that help",
               test_ports_exhausted)
    suite.case("CLOSE_WAIT past close_wait_warn_ms: counted, announced once with its owner",
               test_close_wait)
    suite.case("top: gauges, busiest counters, latest events; q quits", test_top)
    suite.run()


guard(main)
