#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ttpctl sockets (alias ss): the namespace's sockets, request entries and
TIME_WAIT entries, checked against a census the test builds itself: a
listener, established pairs, a half-closed pair, TIME_WAIT entries and
request entries of a stalled handshake. Filters select exactly what they
name, timers and queues read what the test made them, a table of many
thousand TIME_WAIT entries dumps whole across many netlink messages,
kill ends exactly what its filter matches, and only for CAP_NET_ADMIN, and
-p names each socket's owner."""

import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (TTPCTL, Suite, Topology, check, guard,  # noqa: E402
                    require_module, run, scaled, spoofed_syns, wait_for)

BENCH = os.path.join(os.path.dirname(TTPCTL), "ttp-bench")
UNREAD = 1000


def sockets(ns, *args):
    return json.loads(ns.ttpctl("-j", "sockets", *args).stdout)


def count_by_state(entries):
    got = {}
    for e in entries:
        got[e["state"]] = got.get(e["state"], 0) + 1
    return got


def census_of(topo):
    """Per namespace: the dump counted by state must equal the gauges."""
    for ns in topo.namespaces():
        gauges = {k: v for k, v in ns.gauges().items() if v}
        got = count_by_state(sockets(ns))
        check(got == gauges, "%s: the dump counts %s, the gauges %s" % (ns.name, got, gauges))


class Census:
    """Client namespace: 3 ESTABLISHED, 1 FIN_WAIT_2, 2 TIME_WAIT. Server
    namespace: 2 LISTEN, 3 ESTABLISHED, 1 CLOSE_WAIT, 3 SYN_RCVD request
    entries (spoofed SYNs whose SYN-ACKs go nowhere)."""

    def __init__(self, family):
        self.topo = t = Topology(family, True)
        # rfc1337: a loaded emulated machine retransmits, and a late
        # duplicate's RST would end an entry early (as it would in TCP).
        t.client_ns.set(msl_ms=600000, rfc1337=1)          # TIME_WAIT stays for the test
        self.lsn = t.listen()
        self.port = self.lsn.getsockname()[1]
        self.lsn.settimeout(60)
        self.stalled = t.listen()
        self.stalled_port = self.stalled.getsockname()[1]
        self.pairs = [self.accepted() for _ in range(3)]
        # The first pair: the client sends what the server never reads,
        # and keepalive runs on the server's side.
        self.pairs[0][0].sendall(b"x" * UNREAD)
        self.pairs[0][1].setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        c, s = self.half = self.accepted()
        c.shutdown(socket.SHUT_WR)
        for _ in range(2):
            c, s = self.accepted()
            c.close()
            wait_for(lambda s=s: s.recv(1) == b"", 60, "the client's FIN")
            s.close()
        spoofed_syns(t.client_ns.name, t.dev_client, t.server_addr, self.stalled_port, 3)
        wait_for(lambda: t.client_ns.gauges()["TIME_WAIT"] == 2 and
                 t.client_ns.gauges()["FIN_WAIT_2"] == 1 and
                 t.server_ns.gauges()["SYN_RCVD"] == 3 and
                 t.server_ns.gauges()["CLOSE_WAIT"] == 1, 60, "the census")
        wait_for(lambda: [e["recv_q"] for e in sockets(t.server_ns, "sport", str(self.port))
                          if e["recv_q"]] == [UNREAD], 60, "the unread bytes")

    def accepted(self):
        c = self.topo.connect(self.port)
        s, _ = self.lsn.accept()
        return c, s

    def close(self):
        self.topo.close()


def test_census(family):
    cen = Census(family)
    try:
        t = cen.topo
        census_of(t)
        want = {"client": {"ESTABLISHED": 3, "FIN_WAIT_2": 1, "TIME_WAIT": 2},
                "server": {"LISTEN": 2, "ESTABLISHED": 3, "CLOSE_WAIT": 1, "SYN_RCVD": 3}}
        for side, ns in (("client", t.client_ns), ("server", t.server_ns)):
            got = count_by_state(sockets(ns))
            check(got == want[side], "%s: %s, not %s" % (side, got, want[side]))
        fam = "inet6" if family == socket.AF_INET6 else "inet"
        for e in sockets(t.client_ns) + sockets(t.server_ns):
            check(e["family"] == fam, "family %s in %s" % (e["family"], e))
            kind = {"TIME_WAIT": "time_wait", "SYN_RCVD": "request"}.get(e["state"], "socket")
            check(e["kind"] == kind, "kind %s for %s" % (e["kind"], e))
            if e["state"] != "LISTEN":
                check(e["local"] in (t.client_addr, t.server_addr) and e["pport"],
                      "endpoints of %s" % e)

        # Timers: TIME_WAIT counts down from 2*MSL; a request entry
        # retransmits its SYN-ACK; keepalive where it was turned on.
        for e in sockets(t.client_ns, "state", "time-wait"):
            check(e.get("timer") == "timewait" and 0 < e["timer_ms"] <= 1200000,
                  "TIME_WAIT timer: %s" % e)
        for e in sockets(t.server_ns, "state", "syn-recv"):
            check(e.get("timer") == "synack" and e["lport"] == cen.stalled_port and
                  e["timer_ms"] <= 120000, "request timer: %s" % e)
        wait_for(lambda: any(e["retrans"] >= 1 for e in sockets(t.server_ns, "state", "SYN_RCVD")),
                 60, "a SYN-ACK retransmission")
        keep = [e for e in sockets(t.server_ns, "state", "established") if e.get("timer")]
        check([e["timer"] for e in keep] == ["keepalive"] and keep[0]["recv_q"] == UNREAD,
              "keepalive and the unread bytes on one server socket: %s" % keep)
        check(all(e.get("uid") == 0 and e.get("inode", 0) > 0
                  for e in sockets(t.server_ns, "state", "established")),
              "owner and inode of full sockets")
    finally:
        cen.close()


def test_filters():
    cen = Census(socket.AF_INET)
    try:
        t, port = cen.topo, cen.port
        cli, srv = t.client_ns, t.server_ns

        def states(ns, *f):
            return count_by_state(sockets(ns, *f))
        cases = [
            (cli, ("state", "established"), {"ESTABLISHED": 3}),
            (cli, ("state", "ESTABLISHED", "state", "FIN_WAIT_2"),
             {"ESTABLISHED": 3, "FIN_WAIT_2": 1}),
            (cli, ("exclude", "time-wait"), {"ESTABLISHED": 3, "FIN_WAIT_2": 1}),
            (srv, ("state", "connected"), {"ESTABLISHED": 3, "CLOSE_WAIT": 1, "SYN_RCVD": 3}),
            (srv, ("state", "listening"), {"LISTEN": 2}),
            (srv, ("state", "bucket"), {"SYN_RCVD": 3}),
            (srv, ("state", "synchronized"), {"ESTABLISHED": 3, "CLOSE_WAIT": 1, "SYN_RCVD": 3}),
            (cli, ("dport", "=", ":%d" % port),
             {"ESTABLISHED": 3, "FIN_WAIT_2": 1, "TIME_WAIT": 2}),
            (srv, ("sport", str(cen.stalled_port)), {"LISTEN": 1, "SYN_RCVD": 3}),
            (srv, ("sport", str(port), "state", "established"), {"ESTABLISHED": 3}),
            (cli, ("src", "10.99.0.1/32"), {"ESTABLISHED": 3, "FIN_WAIT_2": 1, "TIME_WAIT": 2}),
            (cli, ("dst", "10.99.0.0/24", "state", "time-wait"), {"TIME_WAIT": 2}),
            (cli, ("dst", "10.98.0.0/16"), {}),
            (srv, ("dst", "10.99.0.100/30"), {"SYN_RCVD": 3}),
            (cli, ("-6",), {}),
            (cli, ("-4", "dport", "1"), {}),
        ]
        for ns, f, want in cases:
            got = states(ns, *f)
            check(got == want, "%s: %s, not %s" % (" ".join(f), got, want))

        # The text forms: aligned for a terminal is tested by eye; scripts
        # get one tab-separated line per entry, -i a details line below.
        lines = srv.ttpctl("ss", "state", "established").stdout.splitlines()
        check(len(lines) == 3 and all(ln.split("\t")[0] == "ESTABLISHED" and
                                      ln.split("\t")[3] == "10.99.0.2:%d" % port
                                      for ln in lines), "text output: %s" % lines)
        lines = srv.ttpctl("sockets", "-i", "state", "established").stdout.splitlines()
        check(len(lines) == 6 and all("rtt:" in ln and "bytes_received:" in ln
                                      for ln in lines[1::2]), "-i output: %s" % lines)
        info = [e["info"] for e in sockets(srv, "-i", "state", "established")]
        check(sorted(i["bytes_received"] for i in info) == [0, 0, UNREAD] and
              all(i["rtt_us"] > 0 and i["snd_mss"] > 0 for i in info), "-i JSON: %s" % info)

        # Bad filters are refused with the word that is wrong.
        for f, word in ((("state", "bogus"), "bogus"), (("sport", "70000"), "sport"),
                        (("src", "10.1.2.3/33"), "10.1.2.3/33"), (("frob",), "frob")):
            p = srv.ttpctl("sockets", *f, check_rc=False)
            check(p.returncode == 1 and ('"%s"' % word) in p.stderr,
                  "%s: exit %d, %s" % (f, p.returncode, p.stderr))
    finally:
        cen.close()


def test_kill():
    cen = Census(socket.AF_INET)
    try:
        t = cen.topo
        cli, srv = t.client_ns, t.server_ns
        before_cli, before_srv = cli.counter("Killed"), srv.counter("Killed")

        # Unprivileged: refused, nothing changes.
        p = run("ip", "netns", "exec", srv.name, "setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", TTPCTL,
                "sockets", "kill", "all", check_rc=False)
        check(p.returncode == 2 and "CAP_NET_ADMIN" in p.stderr,
              "unprivileged kill: exit %d, %s" % (p.returncode, p.stderr))
        check(count_by_state(sockets(srv)) == {"LISTEN": 2, "ESTABLISHED": 3,
                                               "CLOSE_WAIT": 1, "SYN_RCVD": 3},
              "an unprivileged kill changed something")
        p = srv.ttpctl("sockets", "kill", check_rc=False)
        check(p.returncode == 1 and "all" in p.stderr, "kill without a filter: %s" % p.stderr)

        # The TIME_WAIT entries and nothing else on the client.
        out = cli.ttpctl("sockets", "kill", "state", "time-wait").stdout
        check(out.strip() == "killed 2", "kill TIME_WAIT said %r" % out)
        check(count_by_state(sockets(cli)) == {"ESTABLISHED": 3, "FIN_WAIT_2": 1},
              "after killing TIME_WAIT: %s" % count_by_state(sockets(cli)))

        # The request entries of the stalled listener only.
        out = json.loads(srv.ttpctl("-j", "sockets", "kill", "state", "syn-recv").stdout)
        check(out == {"killed": 3}, "kill requests: %s" % out)

        # One established connection by its client port: its server side
        # is aborted, its client gets the RST; the others carry on.
        c0, s0 = cen.pairs[2]
        c1, s1 = cen.pairs[1]
        cport = c0.getsockname()[1]
        out = srv.ttpctl("sockets", "kill", "dport", str(cport)).stdout
        check(out.strip() == "killed 1", "kill one connection said %r" % out)
        try:
            s0.recv(1)
            check(False, "the killed socket still reads")
        except OSError as e:
            check(e.errno in (103,), "the killed socket: %s, not ECONNABORTED" % e)
        try:
            wait_for(lambda: c0.recv(1) == b"" and False, 30, "the RST")
        except OSError as e:
            check(e.errno == 104, "the peer of a killed socket: %s, not ECONNRESET" % e)
        c1.sendall(b"still here")
        check(s1.recv(100) == b"still here", "a connection not matched was hurt")

        # A listener: accept() says the socket was aborted.
        out = srv.ttpctl("sockets", "kill", "state", "listening", "sport",
                         str(cen.stalled_port)).stdout
        check(out.strip() == "killed 1", "kill listener said %r" % out)
        check(count_by_state(sockets(srv, "state", "listening")) == {"LISTEN": 1},
              "the other listener went too")
        census_of(t)
        check(cli.counter("Killed") - before_cli == 2 and
              srv.counter("Killed") - before_srv == 5,
              "Killed counted %d and %d, not 2 and 5" %
              (cli.counter("Killed") - before_cli, srv.counter("Killed") - before_srv))

        # "all": everything the client still has (the filter's states must
        # reach the kernel even when they are all of them).
        left = sum(count_by_state(sockets(cli)).values())
        out = cli.ttpctl("sockets", "kill", "all").stdout
        check(left > 0 and out.strip() == "killed %d" % left,
              "kill all said %r with %d sockets" % (out, left))
        check(sockets(cli) == [], "kill all left %s" % count_by_state(sockets(cli)))
    finally:
        cen.close()


def test_big_dump():
    """Many TIME_WAIT entries: the dump spans many netlink messages and
    must list each exactly once, in agreement with the gauge. 20,000 on
    Debian's 6.12, 5,000 on 6.1 and 7.3 (ttplib.scaled), 500 on the debug
    kernel, where each takes every check there is (2,000 took 200 s): still
    several messages of the dump. TTP_TW_ENTRIES=100000 is the size issue
    9 asked for: making them took six minutes of 6.12's CPU under TCG, a
    sixth of make check's critical path, for a dump that resumes the same
    way at every message."""
    n = int(os.environ.get("TTP_TW_ENTRIES") or scaled(20000, 500))
    t = Topology(socket.AF_INET, True)
    server = None
    try:
        # rfc1337: a loaded emulated machine retransmits, and a late
        # duplicate's RST would end an entry early (as it would in TCP).
        t.client_ns.set(msl_ms=600000, rfc1337=1)
        t.client_ns.sysctl("net.ipv4.ip_local_port_range", "1024 65535")
        server = subprocess.Popen(["ip", "netns", "exec", t.server_ns.name, BENCH, "server",
                                   "-b", t.server_addr, "-p", "7100", "-n", "4"],
                                  stdout=subprocess.PIPE, text=True)
        check(server.stdout.readline().strip() == "listening", "ttp-bench server")
        makers = [subprocess.Popen(["ip", "netns", "exec", t.client_ns.name, BENCH, "timewait",
                                    "-p", "7100", "-n", "4", "-c", str(n // 2), t.server_addr],
                                   stdout=subprocess.DEVNULL) for _ in range(2)]
        for m in makers:
            check(m.wait() == 0, "a timewait client failed")

        # The last connections may still be closing when their clients
        # exit; an entry something ended early is counted as killed.
        def entries():
            return t.client_ns.gauges()["TIME_WAIT"], t.client_ns.counter("TWKilled")
        wait_for(lambda: sum(entries()) >= n, 120, "%d TIME_WAIT entries" % n)
        gauge, killed = entries()
        check(gauge + killed == n and killed < n // 100,
              "%d TIME_WAIT entries and %d killed, not %d: %s" % (
                  gauge, killed, n, t.client_ns.counters()))
        n = gauge
        start = time.monotonic()
        entries = sockets(t.client_ns, "state", "time-wait")
        took = time.monotonic() - start
        tuples = {(e["local"], e["lport"], e["peer"], e["pport"]) for e in entries}
        check(len(entries) == n and len(tuples) == n,
              "%d entries, %d distinct, not %d" % (len(entries), len(tuples), n))
        check(all(e["state"] == "TIME_WAIT" and e["timer"] == "timewait" for e in entries),
              "an entry that is not TIME_WAIT")
        print("# %d TIME_WAIT entries dumped in %.1f s" % (n, took))
        # The data path is not stalled meanwhile: a connection made while
        # a dump runs succeeds.
        dump = subprocess.Popen([TTPCTL, "-n", t.client_ns.name, "-j", "sockets"],
                                stdout=subprocess.DEVNULL)
        lsn, c, s = t.pair()
        c.sendall(b"ping")
        check(s.recv(4) == b"ping", "a transfer during a dump")
        check(dump.wait() == 0, "the dump during a transfer failed")
    finally:
        if server:
            server.kill()
            server.wait()
        t.close()


def test_owners():
    """-p: each socket's uid and the processes holding it, as ss -p finds
    them (the fd in this process, a forked child's copy too); the OWNER
    words select by uid, pid and command; an orphan has no holder."""
    t = Topology(socket.AF_INET, True)
    child = None
    try:
        lsn, c, s = t.pair()
        port = lsn.getsockname()[1]
        me = os.getpid()
        with open("/proc/self/comm") as f:
            comm = f.read().strip()
        # A second holder of the client's socket: a child that inherits it.
        child = subprocess.Popen(["sleep", "600"], pass_fds=(c.fileno(),))

        def users(entry):
            return sorted((u["comm"], u["pid"], u["fd"]) for u in entry.get("users", []))
        got = {(e["lport"], e["pport"]): e for e in sockets(t.client_ns, "-p")}
        e = got[(c.getsockname()[1], port)]
        want = sorted([(comm, me, c.fileno()), ("sleep", child.pid, c.fileno())])
        check(e["uid"] == 0 and users(e) == want, "client: uid %s users %s, not %s" %
              (e["uid"], users(e), want))
        srv = sockets(t.server_ns, "-p", "state", "listening")
        check(len(srv) == 1 and users(srv[0]) == [(comm, me, lsn.fileno())],
              "listener: %s" % srv)
        line = [ln for ln in t.client_ns.ttpctl("sockets", "-p").stdout.splitlines()
                if ":%d\t" % c.getsockname()[1] in ln]
        text = 'uid:0 users:(("%s",pid=%d,fd=%d),("sleep",pid=%d,fd=%d))' % (
            comm, me, c.fileno(), child.pid, c.fileno())
        check(len(line) == 1 and line[0].split("\t")[6] == text, "text: %s, not %s" %
              (line, text))

        # Selected by owner; the words mix with the kernel's filter.
        def count(ns, *f):
            return len(sockets(ns, *f))
        for ns, f, want in ((t.client_ns, ("pid", str(child.pid)), 1),
                            (t.client_ns, ("comm", "sleep", "state", "established"), 1),
                            (t.client_ns, ("comm", "nosuch"), 0),
                            (t.server_ns, ("pid", str(me)), 2),
                            (t.server_ns, ("uid", "0", "state", "listening"), 1),
                            (t.server_ns, ("uid", "65534"), 0)):
            check(count(ns, *f) == want, "%s: %d, not %d" % (" ".join(f), count(ns, *f), want))
        p = t.server_ns.ttpctl("sockets", "pid", "x", check_rc=False)
        check(p.returncode == 1 and "pid takes a number" in p.stderr, p.stderr)

        # Closed by its holders, still finishing: an orphan, held by none.
        child.kill()
        child.wait()
        child = None
        t.server_ns.set(fin_timeout_ms=60000)
        c.close()
        wait_for(lambda: [e for e in sockets(t.client_ns, "-p", "state", "fin-wait-2")],
                 60, "the client's FIN_WAIT_2")
        e = sockets(t.client_ns, "-p", "state", "fin-wait-2")[0]
        check(e.get("users") == [], "the orphan's holders: %s" % e)
        s.close()
        lsn.close()
    finally:
        if child:
            child.kill()
            child.wait()
        t.close()


def main():
    require_module()
    suite = Suite()
    suite.case("census: v4 states, kinds, timers, queues match the gauges",
               test_census, socket.AF_INET)
    suite.case("census: v6", test_census, socket.AF_INET6)
    suite.case("filters: states, groups, ports, prefixes, family; text and -i", test_filters)
    suite.case("kill: exactly what matches, counted; unprivileged refused", test_kill)
    suite.case("-p: owners (uid, pid, fd, command) shown and selected", test_owners)
    suite.case("a table of many TIME_WAIT entries dumps whole", test_big_dump)
    suite.run()


guard(main)
