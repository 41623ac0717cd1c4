#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The socket API of TTP, as programs use TCP's: connect, accept, data both
ways, half-close, resets, non-blocking use with epoll, receive flags,
ioctls and socket options. Every case runs on IPv4 and IPv6, over loopback
and over a veth pair between two namespaces, and checks the per-state
gauges against a census of what it made."""

import ctypes
import errno
import fcntl
import os
import select
import socket
import struct
import sys
import termios
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (SOL_TTP, Suite, guard, check, expect_gauges,  # noqa: E402
                    named_topologies, require_module, scaled, transfer,
                    wait_for, Failure)

TTP_NODELAY = 1                 # include/uapi/linux/ttp.h
TTP_INFO, TTP_CONGESTION = 11, 13
INFO_CONGESTION = 112           # struct ttp_info: after 8 bytes, 18 u32s, 3 u64s, 2 u32s
INFO_BYTES_ACKED = 88           # after 8 bytes, 18 u32s and bytes_sent
RENO, CUBIC = 0, 1
SIOCINQ = termios.FIONREAD
SIOCOUTQ = termios.TIOCOUTQ
SO_MAX_PACING_RATE = 47         # asm-generic/socket.h
# 16 MiB (a quarter on 6.1 and 7.3: ttplib.scaled); on the debug kernel,
# ten times slower per byte (16 MiB over a veth took it two minutes beside
# other VMs, near the test's timeout), 4.
BIG = int(os.environ.get("TTP_TEST_BIG") or scaled(16 << 20, 4 << 20))


def echo(topo):
    lsn, c, s = topo.pair()
    check(c.getpeername()[:2] == s.getsockname()[:2], "getpeername/getsockname disagree")
    check(s.getpeername()[:2] == c.getsockname()[:2], "getpeername/getsockname disagree")
    expect_gauges(topo, {"LISTEN": 1, "ESTABLISHED": 2})
    for msg in (b"x", b"hello, TTP", os.urandom(5000)):
        c.sendall(msg)
        got = b""
        while len(got) < len(msg):
            got += s.recv(65536)
        s.sendall(got)
        back = b""
        while len(back) < len(msg):
            back += c.recv(65536)
        check(back == msg, "echo returned other bytes")
    for x in (c, s, lsn):
        x.close()


def bulk_both_ways(topo):
    """BIG bytes each way at once, verified by SHA-256 on both ends."""
    lsn, c, s = topo.pair(timeout=300)
    transfer(c, s, os.urandom(BIG), os.urandom(BIG))
    # Autotuning grew the buffers from their defaults, within the maximums
    # (Documentation/congestion.md): over loopback too, whose 64 KiB MSS
    # makes ten segments more than the default buffer's window.
    for x in (c, s):
        snd = x.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
        rcv = x.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
        check(snd <= 4 << 20 and rcv <= 6 << 20,
              "buffers past their maximums: SO_SNDBUF %d, SO_RCVBUF %d" % (snd, rcv))
        check(snd > 16384 and rcv > 131072,
              "buffers did not grow: SO_SNDBUF %d, SO_RCVBUF %d" % (snd, rcv))
    for x in (c, s, lsn):
        x.close()


def buffers_pinned(topo):
    """SO_SNDBUF and SO_RCVBUF set before connect() pin the buffers (to
    twice the value, as Linux): autotuning leaves them alone, and a small
    receive buffer still carries a transfer."""
    lsn = topo.listen()
    c = topo.client_ns.socket(topo.family)
    for opt in (socket.SO_SNDBUF, socket.SO_RCVBUF):
        c.setsockopt(socket.SOL_SOCKET, opt, 16384)
    c.settimeout(120)
    c.connect((topo.server_addr, lsn.getsockname()[1]))
    lsn.settimeout(120)
    s, _ = lsn.accept()
    s.settimeout(120)
    transfer(s, c, os.urandom(2 << 20), names=("server", "client"))
    for opt in (socket.SO_SNDBUF, socket.SO_RCVBUF):
        check(c.getsockopt(socket.SOL_SOCKET, opt) == 32768,
              "a pinned buffer changed: %d" % c.getsockopt(socket.SOL_SOCKET, opt))
    for x in (c, s, lsn):
        x.close()


def many_connections(topo, n=200):
    lsn = topo.listen(backlog=n)
    port = lsn.getsockname()[1]
    clients, servers = [], []
    for i in range(n):
        c = topo.client_ns.socket(topo.family, blocking=False)
        err = c.connect_ex((topo.server_addr, port))
        check(err in (0, errno.EINPROGRESS), "connect %d: %s" % (i, os.strerror(err)))
        clients.append(c)
    lsn.settimeout(120)
    while len(servers) < n:
        servers.append(lsn.accept()[0])
    for c in clients:
        c.setblocking(True)
        c.settimeout(120)
    expect_gauges(topo, {"LISTEN": 1, "ESTABLISHED": 2 * n})
    for i, c in enumerate(clients):
        c.sendall(b"%d" % i)
    seen = set()
    for s in servers:
        s.settimeout(120)
        seen.add(int(s.recv(16)))
    check(seen == set(range(n)), "messages lost or mixed up among %d connections" % n)
    for x in clients + servers + [lsn]:
        x.close()


def half_close(topo):
    lsn, c, s = topo.pair()
    c.sendall(b"request")
    c.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        b = s.recv(100)
        if not b:
            break
        got += b
    check(got == b"request", "server read %r" % got)
    expect_gauges(topo, {"LISTEN": 1, "FIN_WAIT_2": 1, "CLOSE_WAIT": 1})
    s.sendall(b"reply after the peer's FIN")
    check(c.recv(100) == b"reply after the peer's FIN", "half-closed client could not read")
    s.close()
    check(c.recv(100) == b"", "no EOF after the server closed")
    c.close()
    lsn.close()


def refused(topo):
    before = sum(ns.counter("OutRsts") for ns in topo.namespaces())
    probe = topo.listen()
    port = probe.getsockname()[1]
    probe.close()
    c = topo.client_ns.socket(topo.family)
    c.settimeout(30)
    err = c.connect_ex((topo.server_addr, port))
    check(err == errno.ECONNREFUSED, "connect to a closed port: %s" % os.strerror(err))
    check(sum(ns.counter("OutRsts") for ns in topo.namespaces()) > before,
          "no OutRsts counted")
    c.close()


def linger_zero(topo):
    lsn, c, s = topo.pair()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    try:
        b = s.recv(10)
        raise Failure("peer read %r instead of ECONNRESET" % b)
    except ConnectionResetError:
        pass
    # After a reset, writing fails with EPIPE (and SIGPIPE, which Python
    # ignores).
    try:
        s.send(b"x")
        raise Failure("send after a reset succeeded")
    except BrokenPipeError:
        pass
    s.close()
    lsn.close()
    check(topo.counter("AbortOnLinger") >= 1, "AbortOnLinger not counted")


def close_unread(topo):
    lsn, c, s = topo.pair()
    c.sendall(b"never read")
    wait_for(lambda: fionread(s) == 10, 30, "the data to arrive")
    s.close()
    c.settimeout(30)
    try:
        b = c.recv(10)
        raise Failure("peer read %r instead of ECONNRESET" % b)
    except ConnectionResetError:
        pass
    check(topo.counter("AbortOnClose") >= 1, "AbortOnClose not counted")
    c.close()
    lsn.close()


def fionread(sock):
    return struct.unpack("i", fcntl.ioctl(sock.fileno(), SIOCINQ, b"\0" * 4))[0]


def outq(sock):
    return struct.unpack("i", fcntl.ioctl(sock.fileno(), SIOCOUTQ, b"\0" * 4))[0]


def bad_buffer(topo):
    """A write from a bad address fails with EFAULT and leaves nothing in
    the send queue: the empty segment it began is taken off before it can
    go out, as Linux's tcp_remove_empty_skb() does. Sent, it would wait for
    an ACK that never covers it and be retransmitted until the connection
    timed out. The connection then carries data as before."""
    lsn, c, s = topo.pair()
    c.setsockopt(SOL_TTP, TTP_NODELAY, 1)
    before = topo.counter("RetransSegs")
    libc = ctypes.CDLL(None, use_errno=True)
    n = libc.send(c.fileno(), ctypes.c_void_p(8), 100, socket.MSG_DONTWAIT)
    err = ctypes.get_errno()
    check(n == -1 and err == errno.EFAULT, "send from address 8: %d, %s" %
          (n, os.strerror(err)))
    check(outq(c) == 0, "%d bytes queued after a failed send" % outq(c))
    # Several RTOs (rto_min_ms is 200) for a segment to be sent again.
    time.sleep(2)
    check(topo.counter("RetransSegs") == before, "%d segments retransmitted after a "
          "failed send" % (topo.counter("RetransSegs") - before))
    c.sendall(b"after")
    got = b""
    while len(got) < 5:
        got += s.recv(100)
    check(got == b"after", "got %r" % got)
    for x in (c, s, lsn):
        x.close()


def voluntary_switches():
    """How often this thread has given up the CPU by sleeping."""
    with open("/proc/thread-self/status") as f:
        for line in f:
            if line.startswith("voluntary_ctxt_switches:"):
                return int(line.split()[1])
    raise Failure("no voluntary_ctxt_switches in /proc/thread-self/status")


def nonblocking_epoll(topo):
    lsn = topo.listen(blocking=False)
    port = lsn.getsockname()[1]
    ep = select.epoll()
    ep.register(lsn.fileno(), select.EPOLLIN)
    c = topo.client_ns.socket(topo.family, blocking=False)
    err = c.connect_ex((topo.server_addr, port))
    check(err in (0, errno.EINPROGRESS), "non-blocking connect: %s" % os.strerror(err))
    ep.register(c.fileno(), select.EPOLLOUT)
    events = {}
    wait_for(lambda: events.update(ep.poll(1)) or (c.fileno() in events and lsn.fileno() in events),
             60, "EPOLLOUT on the client and EPOLLIN on the listener")
    check(c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0, "SO_ERROR set")
    # accept4() with SOCK_NONBLOCK, as nginx does.
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.accept4(lsn.fileno(), None, None, socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC)
    check(fd >= 0, "accept4: %s" % os.strerror(ctypes.get_errno()))
    check(fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_NONBLOCK, "accept4 ignored SOCK_NONBLOCK")
    check(fcntl.fcntl(fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC, "accept4 ignored SOCK_CLOEXEC")
    s = socket.socket(fileno=fd)
    try:
        lsn.accept()
        raise Failure("a second accept on an empty queue did not fail")
    except BlockingIOError:
        pass
    # Failing at once means not sleeping at all: a non-blocking accept that
    # slept until the next tick cost an epoll server a jiffy per connection.
    before = voluntary_switches()
    for _ in range(100):
        try:
            lsn.accept()
        except BlockingIOError:
            pass
    slept = voluntary_switches() - before
    check(slept < 20, "100 non-blocking accepts on an empty queue slept %d times" % slept)
    try:
        s.recv(10)
        raise Failure("recv on an empty non-blocking socket did not fail")
    except BlockingIOError:
        pass
    ep.modify(c.fileno(), select.EPOLLIN | select.EPOLLRDHUP)
    ep.register(s.fileno(), select.EPOLLIN)
    s.send(b"ping")
    wait_for(lambda: any(fd == c.fileno() and ev & select.EPOLLIN for fd, ev in ep.poll(1)),
             30, "EPOLLIN on the client")
    check(c.recv(10) == b"ping", "wrong data")
    s.shutdown(socket.SHUT_WR)
    wait_for(lambda: any(fd == c.fileno() and ev & select.EPOLLRDHUP for fd, ev in ep.poll(1)),
             30, "EPOLLRDHUP after the peer's shutdown")
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    wait_for(lambda: any(fd == c.fileno() and ev & (select.EPOLLHUP | select.EPOLLERR)
                         for fd, ev in ep.poll(1)), 30, "EPOLLHUP/EPOLLERR after a reset")
    c.close()
    lsn.close()
    ep.close()


def recv_flags_and_ioctls(topo):
    lsn, c, s = topo.pair()
    # Blocking sockets, as C programs use them; the kernel's own timeout
    # keeps a broken case from hanging the run.
    for x in (c, s):
        x.settimeout(None)
        x.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 60, 0))
    c.sendall(b"0123456789")
    wait_for(lambda: fionread(s) == 10, 30, "SIOCINQ to show 10 bytes")
    check(s.recv(4, socket.MSG_PEEK) == b"0123", "MSG_PEEK")
    check(fionread(s) == 10, "MSG_PEEK consumed data")
    check(s.recv(4) == b"0123", "read after peek")
    c.sendall(b"abc")
    check(s.recv(9, socket.MSG_WAITALL) == b"456789abc", "MSG_WAITALL")
    try:
        s.recv(1, socket.MSG_DONTWAIT)
        raise Failure("MSG_DONTWAIT on an empty socket did not fail")
    except BlockingIOError:
        pass
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 0, 300000))
    start = time.monotonic()
    try:
        s.recv(1)
        raise Failure("SO_RCVTIMEO did not time out")
    except BlockingIOError:
        pass
    check(time.monotonic() - start >= 0.25, "SO_RCVTIMEO returned too early")
    wait_for(lambda: outq(c) == 0, 30, "SIOCOUTQ to drain to 0")
    # A peer that does not read: the send buffer fills, SO_SNDTIMEO ends
    # the wait, and SIOCOUTQ shows what is still queued.
    c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 0, 300000))
    sent = 0
    try:
        while sent < 64 << 20:
            sent += c.send(b"z" * 65536)
        raise Failure("64 MiB went into a socket whose peer does not read")
    except BlockingIOError:
        pass
    check(outq(c) > 0, "SIOCOUTQ is 0 with unsent data")
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 60, 0))
    got = 0
    while got < sent:
        got += len(s.recv(1 << 20))
    for opt in (socket.SO_SNDBUF, socket.SO_RCVBUF):
        c.setsockopt(socket.SOL_SOCKET, opt, 65536)
        check(c.getsockopt(socket.SOL_SOCKET, opt) == 131072, "SO_SNDBUF/SO_RCVBUF not doubled")
    for x in (c, s, lsn):
        x.close()


def reuseaddr(topo):
    """TCP's rules: a port in use needs SO_REUSEADDR on both sockets, and
    two listeners never share one."""
    a = topo.server_ns.socket(topo.family)
    a.bind((topo.server_addr, 0))
    port = a.getsockname()[1]
    b = topo.server_ns.socket(topo.family)
    try:
        b.bind((topo.server_addr, port))
        raise Failure("bind to a port in use succeeded without SO_REUSEADDR")
    except OSError as e:
        check(e.errno == errno.EADDRINUSE, "bind: %s" % e)
    a.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    b.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    b.bind((topo.server_addr, port))
    a.listen(1)
    try:
        b.listen(1)
        raise Failure("two listeners on one address and port")
    except OSError as e:
        check(e.errno == errno.EADDRINUSE, "listen: %s" % e)
    # The listener goes, its connection stays: a restarted server rebinds.
    c = topo.connect(port)
    s = a.accept()[0]
    a.close()
    b.close()
    d = topo.server_ns.socket(topo.family)
    d.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    d.bind((topo.server_addr, port))
    d.listen(1)
    for x in (c, s, d):
        x.close()


def v4_mapped(topo):
    """An AF_INET6 listener on :: takes IPv4 connections unless IPV6_V6ONLY."""
    v4 = "10.99.0.2" if topo.veth else "127.0.0.1"
    lsn = topo.server_ns.socket(socket.AF_INET6)
    lsn.bind(("::", 0))
    lsn.listen(4)
    port = lsn.getsockname()[1]
    c = topo.client_ns.socket(socket.AF_INET)
    c.settimeout(30)
    c.connect((v4, port))
    s, peer = lsn.accept()
    check(peer[0].startswith("::ffff:"), "peer %s is not v4-mapped" % peer[0])
    c.sendall(b"mapped")
    check(s.recv(10) == b"mapped", "no data over the v4-mapped connection")
    s.sendall(b"back")
    check(c.recv(10) == b"back", "no data back")
    # And an AF_INET6 socket connecting to a v4-mapped address.
    m = topo.client_ns.socket(socket.AF_INET6)
    m.settimeout(30)
    m.connect(("::ffff:" + v4, port))
    s2 = lsn.accept()[0]
    m.sendall(b"x")
    check(s2.recv(1) == b"x", "no data from the v4-mapped client")
    for x in (c, s, m, s2, lsn):
        x.close()
    only = topo.server_ns.socket(socket.AF_INET6)
    only.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    only.bind(("::", 0))
    only.listen(1)
    c = topo.client_ns.socket(socket.AF_INET)
    c.settimeout(30)
    err = c.connect_ex((v4, only.getsockname()[1]))
    check(err == errno.ECONNREFUSED, "IPV6_V6ONLY listener took IPv4: %s" % os.strerror(err))
    c.close()
    only.close()


def port_exhaustion(topo):
    """connect() takes ports from ip_local_port_range, skips 4-tuples in
    use or in TIME_WAIT, and says EADDRNOTAVAIL when none is left."""
    ns = topo.client_ns
    key = "net.ipv4.ip_local_port_range"
    # The listener first: its port must not come from the narrowed range.
    lsn = topo.listen()
    port = lsn.getsockname()[1]
    old = ns.call(lambda: open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
    ns.call(lambda: open("/proc/sys/net/ipv4/ip_local_port_range", "w").write("40000 40003"))
    # A TIME_WAIT entry that outlives the slowest check, and no reuse of it
    # (tw_reuse 2, the default, would reuse it on loopback: ttp_knobs.py).
    topo.client_ns.set(msl_ms=60000, msl_local_ms=60000, tw_reuse=0)
    try:
        conns = []
        for i in range(4):
            c = topo.connect(port)
            check(40000 <= c.getsockname()[1] <= 40003, "port %d outside %s" %
                  (c.getsockname()[1], key))
            conns.append((c, lsn.accept()[0]))
        c = ns.socket(topo.family)
        err = c.connect_ex((topo.server_addr, port))
        check(err == errno.EADDRNOTAVAIL, "a fifth connection: %s" % os.strerror(err))
        c.close()
        # The client closes first: its 4-tuple goes into TIME_WAIT.
        conns[0][0].close()
        conns[0][1].close()
        wait_for(lambda: topo.gauges()["TIME_WAIT"] == 1, 30, "the TIME_WAIT entry")
        c = ns.socket(topo.family)
        err = c.connect_ex((topo.server_addr, port))
        check(err == errno.EADDRNOTAVAIL, "a 4-tuple in TIME_WAIT was reused: %s" %
              os.strerror(err))
        c.close()
        # Lowering the MSL cuts the entry's remaining life to the new 2*MSL.
        topo.client_ns.set(msl_ms=1000, msl_local_ms=1000)
        wait_for(lambda: topo.gauges()["TIME_WAIT"] == 0, 30, "TIME_WAIT to end")
        c = topo.connect(port)
        conns.append((c, lsn.accept()[0]))
        for pair in conns[1:]:
            for x in pair:
                x.close()
        lsn.close()
    finally:
        ns.call(lambda: open("/proc/sys/net/ipv4/ip_local_port_range", "w").write(" ".join(old)))
        topo.client_ns.set(msl_ms=1000, msl_local_ms=1000, tw_reuse=2)


def congestion(sock):
    """TTP_CONGESTION's name and TTP_INFO's number for it."""
    name = sock.getsockopt(SOL_TTP, TTP_CONGESTION, 16).rstrip(b"\0").decode()
    raw = sock.getsockopt(SOL_TTP, TTP_INFO, INFO_CONGESTION + 4)
    return name, struct.unpack_from("=I", raw, INFO_CONGESTION)[0]


def congestion_choice(topo):
    """The namespace's congestion_control for new sockets; TTP_CONGESTION
    for one socket, what a listener chose for the connections it makes,
    and on a live connection; names TTP has not: ENOENT, as TCP's."""
    try:
        lsn, c, s = topo.pair()
        for x in (lsn, c, s):
            check(congestion(x) == ("cubic", CUBIC), "default: %s" % (congestion(x),))
        c.setsockopt(SOL_TTP, TTP_CONGESTION, b"reno")
        check(congestion(c) == ("reno", RENO), "set live: %s" % (congestion(c),))
        transfer(c, s, os.urandom(1 << 20), b"")
        for bad, err in ((b"bbr", errno.ENOENT), (b"", errno.EINVAL)):
            try:
                c.setsockopt(SOL_TTP, TTP_CONGESTION, bad)
                raise Failure("TTP_CONGESTION %r accepted" % bad)
            except OSError as e:
                check(e.errno == err, "TTP_CONGESTION %r: %s" % (bad, e))
        check(congestion(c) == ("reno", RENO), "changed by a refusal: %s" % (congestion(c),))
        for x in (c, s, lsn):
            x.close()

        for ns in topo.namespaces():
            ns.set(congestion_control=RENO)
        lsn = topo.listen()
        lsn.setsockopt(SOL_TTP, TTP_CONGESTION, b"cubic\0")
        c = topo.connect(lsn.getsockname()[1])
        s, _ = lsn.accept()
        check(congestion(c) == ("reno", RENO), "namespace's: %s" % (congestion(c),))
        check(congestion(s) == ("cubic", CUBIC), "the listener's: %s" % (congestion(s),))
        transfer(c, s, os.urandom(1 << 20), os.urandom(1 << 20))
        for x in (c, s, lsn):
            x.close()
    finally:
        for ns in topo.namespaces():
            ns.set(congestion_control=CUBIC)


def paced_reconnect(topo):
    """connect(AF_UNSPEC) ends a connection, and the socket may connect
    again, as a TCP socket may, the reset it left pending forgotten
    (tcp_connect_init() clears sk_err). SO_MAX_PACING_RATE at 1 byte/s had put its
    next send hours away: the new SYN is not paced (as tcp_connect() sends
    it, directly), and the new connection carries nothing of the old one's
    pacing, so that once the cap is lifted its data flows at once, nor of
    its history: TTP_INFO counts the new connection's bytes only, as
    tcp_disconnect() zeroes TCP's."""
    libc = ctypes.CDLL(None, use_errno=True)
    lsn, c, s = topo.pair()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 200000)
    c.setsockopt(socket.SOL_SOCKET, SO_MAX_PACING_RATE, 1)
    # The first ten segments go unpaced; the rest wait at 1 byte/s.
    queued = c.send(os.urandom(100000), socket.MSG_DONTWAIT)
    check(queued > 20 * 1500, "only %d bytes queued" % queued)
    wait_for(lambda: outq(c) < queued, 30, "the first segments sent")
    time.sleep(0.5)
    check(outq(c) > 0, "the pacing cap let everything go")
    unspec = struct.pack("=H14x", socket.AF_UNSPEC)
    check(libc.connect(c.fileno(), unspec, len(unspec)) == 0,
          "connect(AF_UNSPEC): %s" % os.strerror(ctypes.get_errno()))
    s.close()
    c.setsockopt(socket.SOL_SOCKET, SO_MAX_PACING_RATE, struct.pack("I", 0xffffffff))
    c.settimeout(20)
    c.connect((topo.server_addr, lsn.getsockname()[1]))
    lsn.settimeout(20)
    s, _ = lsn.accept()
    transfer(c, s, os.urandom(1 << 20), timeout=60)
    raw = c.getsockopt(SOL_TTP, TTP_INFO, INFO_BYTES_ACKED + 8)
    acked, = struct.unpack_from("=Q", raw, INFO_BYTES_ACKED)
    # (The SYN, the data, and the FIN once its ACK is in.)
    check((1 << 20) + 1 <= acked <= (1 << 20) + 2,
          "bytes_acked %d after 1 MiB on a new connection" % acked)
    for x in (c, s, lsn):
        x.close()


def all_closed(topo):
    """Everything the cases made is gone: every gauge back to zero."""
    expect_gauges(topo, {}, timeout=120)


def main():
    require_module()
    suite = Suite()
    for name, family, veth, topo in named_topologies():
        for desc, fn in (("echo, addresses", echo),
                         ("%d MiB each way at once, SHA-256 verified" % (BIG >> 20),
                          bulk_both_ways),
                         ("SO_SNDBUF/SO_RCVBUF pin the buffers", buffers_pinned),
                         ("200 concurrent connections to one listener", many_connections),
                         ("half-close: the closed side still reads", half_close),
                         ("closed port: ECONNREFUSED, RST counted", refused),
                         ("SO_LINGER 0: the peer gets ECONNRESET", linger_zero),
                         ("close with unread data: RST", close_unread),
                         ("non-blocking connect and accept4 with epoll", nonblocking_epoll),
                         ("a send from a bad address: EFAULT, nothing queued, nothing sent",
                          bad_buffer),
                         ("MSG_PEEK/WAITALL/DONTWAIT, SIOCINQ/OUTQ, timeouts, buffers",
                          recv_flags_and_ioctls),
                         ("SO_REUSEADDR as TCP's", reuseaddr),
                         ("v4-mapped addresses and IPV6_V6ONLY", v4_mapped),
                         ("ephemeral ports: the range, TIME_WAIT, EADDRNOTAVAIL",
                          port_exhaustion),
                         ("congestion_control and TTP_CONGESTION", congestion_choice),
                         ("connect(AF_UNSPEC), then again, after pacing held data back",
                          paced_reconnect),
                         ("every gauge back to zero", all_closed)):
            if fn is v4_mapped and family != socket.AF_INET6:
                continue
            # Ten unpaced segments of a veth's MSS fit in a send buffer;
            # of loopback's, 64 KiB each, not.
            if fn is paced_reconnect and not veth:
                continue
            suite.case("%s: %s" % (name, desc), lambda fn=fn, t=topo: fn(t()))
    suite.run()


guard(main)
