#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The knobs an operator reaches for, seen from programs and counters:
MSL at two settings (msl_ms between hosts, msl_local_ms within one), the
per-socket TTP_MSL and who may lower it, TIME_WAIT reuse (tw_reuse 0, 1, 2)
when the ephemeral ports run out, and a SYN flood from spoofed addresses
with and without SYN cookies, keepalive finding a peer that vanished, and
orphan_retries ending a closed socket whose peer never reads.
ttpdrill's packet scripts check the same
knobs segment by segment; these check them end to end, on IPv4 and IPv6,
over loopback and veth (a flood needs addresses that do not answer: veth)."""

import errno
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (IPPROTO_TTP, SOL_TTP, Suite, guard, Topology,  # noqa: E402
                    check, expect_gauges, require_module, run, spoofed_syns,
                    named_topologies, wait_for)

TTP_MSL = 128
SLACK = 15
LINGER0 = struct.pack("ii", 1, 0)


def abort(*socks):
    """Close without leaving TIME_WAIT behind."""
    for s in socks:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0)
        s.close()


def tw_lifetime(topo, msl):
    """Make one TIME_WAIT entry in the client's namespace; return how long
    it lived, from when it was seen made to when it was seen gone (each
    seen within a poll of the truth)."""
    lsn, c, s = topo.pair()
    tw = topo.client_ns.stats()["states"]["TIME_WAIT"]["entered"]
    c.close()
    check(s.recv(10) == b"", "no EOF at the passive closer")
    s.close()
    wait_for(lambda: topo.client_ns.stats()["states"]["TIME_WAIT"]["entered"] == tw + 1,
             SLACK, "the active closer to enter TIME_WAIT")
    start = time.monotonic()
    wait_for(lambda: topo.client_ns.gauges()["TIME_WAIT"] == 0, 2 * msl / 1000 + SLACK,
             "the TIME_WAIT entry to expire")
    lsn.close()
    return time.monotonic() - start


def check_lifetime(param, msl, lived):
    """2*MSL within what polling blurs: 0.8 to 1.25 times it, so that an
    entry of 1.5*MSL or of 3*MSL fails."""
    check(2 * msl / 1000 * 0.8 <= lived <= 2 * msl / 1000 * 1.25,
          "%s=%d: TIME_WAIT lasted %.2f s, not 2*MSL (%.2f s)" %
          (param, msl, lived, 2 * msl / 1000))


def msl_two_settings(topo):
    """TIME_WAIT is 2*MSL at a short and a long setting, and only the MSL
    that applies counts: msl_ms between two hosts, msl_local_ms when both
    ends are this host's (the other is set to 10 minutes)."""
    param, other = ("msl_ms", "msl_local_ms") if topo.veth else ("msl_local_ms", "msl_ms")
    short, long = 1000, 3000
    try:
        topo.client_ns.set(**{param: short, other: 600000})
        check_lifetime(param, short, tw_lifetime(topo, short))
        topo.client_ns.set(**{param: long})
        check_lifetime(param, long, tw_lifetime(topo, long))
    finally:
        topo.client_ns.set(msl_ms=1000, msl_local_ms=1000)
    expect_gauges(topo, {})


def unprivileged(topo, code):
    """Run CODE (python) as nobody, without capabilities, in the client's
    namespace; return its output."""
    prog = ("import socket, sys\n"
            "s = socket.socket(%d, socket.SOCK_STREAM, %d)\n" % (topo.family, IPPROTO_TTP) +
            code)
    p = run("ip", "netns", "exec", topo.client_ns.name, "setpriv", "--reuid=65534",
            "--regid=65534", "--clear-groups", "--inh-caps=-all", "python3", "-c", prog)
    return p.stdout.strip()


def ttp_msl_privilege(topo):
    """TTP_MSL may lengthen this socket's TIME_WAIT for anyone; shortening
    it below msl_ms needs CAP_NET_ADMIN over the namespace."""
    topo.client_ns.set(msl_ms=5000)
    try:
        # One unprivileged program tries every value, each on a socket of
        # its own (a Python start costs the debug guest seconds).
        tried = (1000, 20000, 5000, 0)
        code = ("for v in %r:\n"
                "    x = socket.socket(%d, socket.SOCK_STREAM, %d)\n"
                "    try:\n"
                "        x.setsockopt(%d, %d, v)\n"
                "        print(x.getsockopt(%d, %d))\n"
                "    except OSError as e:\n"
                "        print(e.errno)\n") % (tried, topo.family, IPPROTO_TTP, SOL_TTP, TTP_MSL,
                                               SOL_TTP, TTP_MSL)
        out = dict(zip(tried, unprivileged(topo, code).split()))
        check(out.get(1000) == str(errno.EPERM),
              "unprivileged TTP_MSL 1000 below msl_ms 5000: %s, not EPERM" % out.get(1000))
        check(out.get(20000) == "20000", "unprivileged TTP_MSL 20000: %s" % out.get(20000))
        check(out.get(5000) == "5000", "unprivileged TTP_MSL equal to msl_ms: %s" % out.get(5000))
        check(out.get(0) == str(errno.EINVAL), "TTP_MSL 0: %s, not EINVAL" % out.get(0))
        # Root may shorten it.
        s = topo.client_ns.socket(topo.family)
        s.setsockopt(SOL_TTP, TTP_MSL, 1000)
        check(s.getsockopt(SOL_TTP, TTP_MSL) == 1000, "root could not lower TTP_MSL")
        s.close()
    finally:
        topo.client_ns.set(msl_ms=1000)


def tw_reuse(topo):
    """The client has one ephemeral port and it sits in TIME_WAIT for the
    server's port: connect() fails with EADDRNOTAVAIL under tw_reuse 0, and
    also under 1 and 2 until tw_reuse_delay_ms has passed since the entry's
    last timestamp; then 1 reuses the 4-tuple, and so does 2 on loopback
    only. The new connection works and TWRecycled counts it. The delay's
    exact edge is tw-reuse-paws.pkt's: here "before it" is made certain
    however slow the machine, with a delay of ten minutes, then lowered.
    (A first attempt that came after a short delay had passed once took
    the 4-tuple, and every later attempt then met a live connection.)"""
    delay = 2000
    cns = topo.client_ns
    lsn = topo.listen()
    port = lsn.getsockname()[1]
    eph = 40123 if port != 40123 else 40124
    old_range = cns.sysctl("net.ipv4.ip_local_port_range")
    cns.set(msl_ms=600000, msl_local_ms=600000, tw_reuse=0, tw_reuse_delay_ms=delay)
    cns.sysctl("net.ipv4.ip_local_port_range", "%d %d" % (eph, eph))
    socks = [lsn]

    def attempt():
        x = cns.socket(topo.family)
        x.settimeout(60)
        socks.append(x)
        return x, x.connect_ex((topo.server_addr, port))

    try:
        c = topo.connect(port)
        s = lsn.accept()[0]
        check(c.getsockname()[1] == eph, "the client did not get port %d" % eph)
        c.close()
        s.settimeout(60)
        check(s.recv(10) == b"", "no EOF at the passive closer")
        s.close()
        wait_for(lambda: cns.gauges()["TIME_WAIT"] == 1, SLACK, "TIME_WAIT on the client")
        # The entry's last timestamp came with the server's FIN: no later
        # than now.
        entered = time.monotonic()
        recycled = cns.counter("TWRecycled")

        # Too soon for any mode.
        cns.set(tw_reuse=1, tw_reuse_delay_ms=600000)
        _, err = attempt()
        check(err == errno.EADDRNOTAVAIL,
              "tw_reuse 1 before the delay: %s, not EADDRNOTAVAIL" % os.strerror(err))

        # Past the delay, 0 still refuses.
        cns.set(tw_reuse=0, tw_reuse_delay_ms=delay)
        time.sleep(max(0, entered + delay / 1000 + 0.5 - time.monotonic()))
        _, err = attempt()
        check(err == errno.EADDRNOTAVAIL,
              "tw_reuse 0: %s, not EADDRNOTAVAIL" % os.strerror(err))

        # 2: loopback only.
        cns.set(tw_reuse=2)
        c, err = attempt()
        if topo.veth:
            check(err == errno.EADDRNOTAVAIL,
                  "tw_reuse 2 between two hosts: %s, not EADDRNOTAVAIL" % os.strerror(err))
            cns.set(tw_reuse=1)
            c, err = attempt()
        # A starved guest may have had the server's FIN sent again, which
        # the entry answered and took a later timestamp from: try again
        # for a while rather than fail on the first refusal.
        deadline = time.monotonic() + SLACK
        while err == errno.EADDRNOTAVAIL and time.monotonic() < deadline:
            time.sleep(0.5)
            c, err = attempt()
        check(err == 0, "tw_reuse %d past the delay: %s" %
              (1 if topo.veth else 2, os.strerror(err)))
        check(c.getsockname()[1] == eph, "the new connection is not on port %d" % eph)
        s = lsn.accept()[0]
        s.settimeout(60)
        c.sendall(b"reborn")
        check(s.recv(10) == b"reborn", "no data on the recycled 4-tuple")
        check(cns.counter("TWRecycled") == recycled + 1,
              "TWRecycled grew by %d, not 1" % (cns.counter("TWRecycled") - recycled))
        check(cns.gauges()["TIME_WAIT"] == 0, "the recycled entry is still in TIME_WAIT")
        socks += [s]
    finally:
        cns.sysctl("net.ipv4.ip_local_port_range", old_range)
        cns.set(msl_ms=1000, msl_local_ms=1000, tw_reuse=2, tw_reuse_delay_ms=1000)
        abort(*socks)
    expect_gauges(topo, {})


def flood_logged(port, what):
    return ("Possible SYN flooding on port %d. %s." % (port, what)) in run("dmesg").stdout


def syn_flood(topo, cookies):
    """Spoofed SYNs fill the SYN queue (max_syn_backlog 8). With syncookies
    1 a real client still connects, through a cookie; with 0 its SYNs are
    dropped and connect() times out. Either way the flood is logged once."""
    sns, cns = topo.server_ns, topo.client_ns
    backlog, flood = 8, 40
    sns.set(syncookies=cookies, max_syn_backlog=backlog)
    cns.set(syn_retries=2)
    lsn = topo.listen()
    port = lsn.getsockname()[1]
    names = ("SyncookiesSent", "SyncookiesRecv", "DropSynQueueFull", "ListenDrops",
             "PassiveOpens")
    before = {k: sns.counter(k) for k in names}

    def grew(k):
        return sns.counter(k) - before[k]
    socks = [lsn]
    try:
        spoofed_syns(topo.client_ns.name, topo.dev_client, topo.server_addr, port, flood)
        # The first BACKLOG make request entries; the rest overflow.
        wait_for(lambda: grew("SyncookiesSent" if cookies else "DropSynQueueFull")
                 == flood - backlog, SLACK, "the overflowing SYNs to be counted")
        check(sns.gauges()["SYN_RCVD"] == backlog,
              "SYN_RCVD holds %d, not max_syn_backlog %d" % (sns.gauges()["SYN_RCVD"], backlog))
        c = cns.socket(topo.family)
        c.settimeout(120)
        socks.append(c)
        if cookies:
            c.connect((topo.server_addr, port))
            s = lsn.accept()[0]
            socks.append(s)
            s.settimeout(60)
            c.sendall(b"through the flood")
            got = b""
            while len(got) < 17:
                got += s.recv(100)
            check(got == b"through the flood", "data lost on the cookie connection")
            check(grew("SyncookiesRecv") == 1, "SyncookiesRecv grew by %d" % grew("SyncookiesRecv"))
            check(grew("ListenDrops") == 0, "ListenDrops grew with cookies on")
            check(flood_logged(port, "Sending cookies"), "the flood was not logged")
        else:
            err = c.connect_ex((topo.server_addr, port))
            check(err == errno.ETIMEDOUT,
                  "connect() through a full SYN queue: %s, not ETIMEDOUT" % os.strerror(err))
            check(grew("DropSynQueueFull") >= flood - backlog + 3,
                  "the client's SYNs were not dropped as DropSynQueueFull")
            check(grew("ListenDrops") == grew("DropSynQueueFull"),
                  "ListenDrops %d != DropSynQueueFull %d" %
                  (grew("ListenDrops"), grew("DropSynQueueFull")))
            check(grew("SyncookiesSent") == 0, "cookies sent with syncookies 0")
            check(grew("PassiveOpens") == 0, "a connection got through a full SYN queue")
            check(flood_logged(port, "Dropping request"), "the flood was not logged")
    finally:
        sns.set(syncookies=1, max_syn_backlog=1024)
        cns.set(syn_retries=6)
        abort(*socks)
    # Closing the listener ends its request entries.
    expect_gauges(topo, {})


def keepalive_vanished(family):
    """Keepalive probes are answered while the peer is there; when it
    vanishes (its link down: nothing comes back, not even an RST), the
    connection fails with ETIMEDOUT after keepalive_probes unanswered
    probes, keepalive_intvl_ms apart. A topology of its own: its link goes
    down."""
    topo = Topology(family, True)
    cns = topo.client_ns
    idle, intvl, probes = 1000, 500, 3
    try:
        cns.set(keepalive_time_ms=idle, keepalive_intvl_ms=intvl, keepalive_probes=probes)
        lsn, c, s = topo.pair()
        c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        wait_for(lambda: cns.counter("KeepAlive") >= 2, SLACK, "two keepalive probes")
        check(cns.gauges()["ESTABLISHED"] == 1 and
              c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0,
              "answered probes ended the connection")
        check(cns.counter("KeepaliveTimeouts") == 0, "KeepaliveTimeouts with a live peer")
        # The clock starts before the link goes down: `ip` may take a
        # fifth of a second to return on the debug kernel, and a start
        # taken after it made a correct give-up look early (1.28 s).
        start = time.monotonic()
        topo.server_ns.ip("link", "set", topo.dev_server, "down")
        c.settimeout(probes * intvl / 1000 + idle / 1000 + SLACK)
        try:
            c.recv(10)
            check(False, "recv() returned with the peer gone")
        except OSError as e:
            check(e.errno == errno.ETIMEDOUT, "recv(): %s, not ETIMEDOUT" % e)
        took = time.monotonic() - start
        # The idle clock restarted at the last answer, at most one idle
        # time before the link went down; then PROBES intervals must pass.
        check(took >= probes * intvl / 1000 - 0.1,
              "the vanished peer was given up after %.2f s only" % took)
        check(cns.counter("KeepaliveTimeouts") == 1,
              "KeepaliveTimeouts is %d" % cns.counter("KeepaliveTimeouts"))
        check(cns.gauges()["ESTABLISHED"] == 0, "the client is still ESTABLISHED")
        abort(c, s, lsn)
    finally:
        topo.close()


def orphan_retries(topo):
    """A closed socket with data its peer will not read gives up after
    orphan_retries tries, with a large orphan_retries it stays. The tries
    are window probes when the reader's window is shut (answered probes,
    then RST to the peer), or retransmissions when the window is open but
    the reader's buffer drops what comes (its segments cost more than the
    window says, as over veth): either way the orphan must end."""
    cns = topo.client_ns
    lsn, c, s = topo.pair()
    # retries2 255: only orphan_retries can end it; rto_max_ms 2000: soon.
    cns.set(orphan_retries=255, retries2=255, rto_max_ms=2000)

    def tries():
        return cns.counter("ZeroWindowProbes") + cns.counter("Timeouts")
    try:
        c.setblocking(False)
        chunk = b"x" * 65536

        # Keep the send buffer full until the sender is stuck and trying:
        # ACKs free room in it as the reader's buffer fills.
        def stuck():
            try:
                while True:
                    c.send(chunk)
            except BlockingIOError:
                pass
            return tries() >= 2
        wait_for(stuck, SLACK + 15, "the blocked sender to probe or retransmit")
        aborts = cns.counter("AbortOnTimeout")
        c.close()
        before = tries()
        wait_for(lambda: tries() >= before + 3, SLACK + 10, "more tries from the orphan")
        check(cns.gauges()["FIN_WAIT_1"] == 1 and
              cns.counter("AbortOnTimeout") == aborts,
              "the orphan gave up with orphan_retries 255")
        cns.set(orphan_retries=3)
        wait_for(lambda: cns.gauges()["FIN_WAIT_1"] == 0, SLACK + 30,
                 "the orphan to give up")
        check(cns.counter("AbortOnTimeout") == aborts + 1,
              "AbortOnTimeout did not count the orphan")
        if cns.counter("Timeouts") == 0:
            # It probed a shut window: the peer is there, and hears RST.
            try:
                while s.recv(65536):
                    pass
                check(False, "the peer saw EOF, not RST")
            except ConnectionResetError:
                pass
    finally:
        abort(s, lsn)


def main():
    require_module()
    suite = Suite()
    for name, family, veth, topo in named_topologies():
        cases = [("TIME_WAIT is 2*MSL at two settings", msl_two_settings),
                 ("TTP_MSL: anyone may raise it, lowering needs CAP_NET_ADMIN",
                  ttp_msl_privilege),
                 ("tw_reuse 0/1/2 when the only ephemeral port is in TIME_WAIT", tw_reuse),
                 ("orphan_retries ends a closed socket facing a zero window",
                  orphan_retries)]
        if veth:
            cases += [("SYN flood with syncookies 1: a client still connects",
                       lambda t: syn_flood(t, 1)),
                      ("SYN flood with syncookies 0: SYNs dropped, connect() times out",
                       lambda t: syn_flood(t, 0))]
        for desc, fn in cases:
            suite.case("%s: %s" % (name, desc), lambda fn=fn, t=topo: fn(t()),
                       place=name)
        if veth:
            suite.case("%s: keepalive: a peer that vanishes is given up in time" % name,
                       keepalive_vanished, family, place=name)
    suite.run()


guard(main)
