#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""TTP's global memory limit, like Linux's tcp_mem: three global parameters
(mem_min_pages, mem_pressure_pages, mem_max_pages), the same in every
namespace and changed only from the initial one; the pages in use and the
pressure flag in ttpctl stats; and the limit reached: pressure begun and
counted, buffer memory refused and counted, every connection still moving
(each socket keeps a minimum, as in TCP), no byte lost or changed, and all
of it back when the load goes; TIME_WAIT and request entries held to it
too. And per socket: a receive buffer filled with small segments is
copied compact instead of dropping what the window invited; a send buffer
holds about its size in data, its segments kept many to a buffer, and a
peer's SACKs cannot cut it into more than twice that."""

import fcntl
import hashlib
import json
import os
import select
import socket
import struct
import sys
import termios
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (ACK, IPPROTO_TTP, SOL_TTP, SO_RCVBUFFORCE, SO_SNDBUFFORCE,  # noqa: E402
                    SYN, TTPCTL, Netns, Suite, SynFlood, Topology, check, guard,
                    require_module, run, segment, wait_for)

MEM = ("mem_min_pages", "mem_pressure_pages", "mem_max_pages")
PAIRS = 8
BUF = 4 << 20           # each end's buffer: together far past the limit
BLOCK = 64 << 10
# rcv_scaling_ratio when the peer's segments come large (a full segment
# alone off veth brings 0.60 of its cost, 153/256; large ones up to 222).
LARGE_RATIO = 200
TTP_NODELAY = 1                          # include/uapi/linux/ttp.h
TTP_INFO, TTP_OPT_SACK = 11, 5           # include/uapi/linux/ttp.h
SO_MARK = 36


def mem_params(ns=None):
    cmd = [TTPCTL] + (["-n", ns.name] if ns else []) + ["-j", "param", "show"] + list(MEM)
    return {p["name"]: p for p in json.loads(run(*cmd).stdout)}


def mem_set(**values):
    run(TTPCTL, "param", "set", *["%s=%d" % kv for kv in values.items()])


def memory():
    return json.loads(run(TTPCTL, "-j", "stats").stdout)["memory"]


def as_nobody(*cmd):
    return run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
               "--inh-caps=-all", *cmd, check_rc=False)


def global_params():
    """Read in any namespace, set only from the initial one; the same value
    from elsewhere is no change (so a --config file loads anywhere); the
    three must stay ordered."""
    before = mem_params()
    values = {n: before[n]["value"] for n in MEM}
    ns = Netns()
    try:
        for n in MEM:
            p = before[n]
            check(p["global"] == 1, "%s is not marked global" % n)
            check(p["unit"] == "pages" and p["value"] > 0, "%s: %s" % (n, p))
        d = [before[n]["default"] for n in MEM]
        check(0 < d[0] <= d[1] <= d[2] and d[2] == 2 * d[0],
              "defaults %s are not tcp_mem's proportions" % d)
        seen = mem_params(ns)
        check(all(seen[n]["value"] == values[n] for n in MEM),
              "another namespace sees %s, not %s" % (seen, values))

        r = run(TTPCTL, "-n", ns.name, "param", "set",
                "mem_max_pages=%d" % (values["mem_max_pages"] + 1), check_rc=False)
        check(r.returncode == 2 and
              "Error: mem_max_pages is global: set it from the initial namespace" in r.stderr,
              "set from another namespace: %d %s" % (r.returncode, r.stderr))
        conf = run(TTPCTL, "-n", ns.name, "param", "show", "--config").stdout
        check("# global: changed only from the initial namespace" in conf,
              "--config does not say which are global")
        run(TTPCTL, "-n", ns.name, "param", "load", "-", input=conf)

        r = as_nobody(TTPCTL, "param", "set", "mem_min_pages=1")
        check(r.returncode == 2 and "needs CAP_NET_ADMIN" in r.stderr,
              "unprivileged set: %d %s" % (r.returncode, r.stderr))
        r = run(TTPCTL, "param", "set", "mem_min_pages=%d" % (values["mem_pressure_pages"] + 1),
                check_rc=False)
        check(r.returncode == 2 and
              "mem_min_pages <= mem_pressure_pages <= mem_max_pages must hold" in r.stderr,
              "inconsistent set: %d %s" % (r.returncode, r.stderr))

        mem_set(mem_max_pages=values["mem_max_pages"] + 7)
        check(mem_params(ns)["mem_max_pages"]["value"] == values["mem_max_pages"] + 7,
              "a change in the initial namespace is not seen in another")
        check(all(mem_params()[n]["value"] == values[n] for n in MEM[:2]),
              "a refused set changed something")
    finally:
        mem_set(**values)
        ns.delete()


class Pair:
    """A connection whose client sends a repeating block of its own; both
    ends hash what went through."""

    def __init__(self, ns, lsn, i):
        self.c = ns.socket(socket.AF_INET)
        self.c.setsockopt(socket.SOL_SOCKET, SO_SNDBUFFORCE, BUF)
        self.c.settimeout(30)
        self.c.connect(lsn.getsockname())
        self.s, _ = lsn.accept()
        self.c.setblocking(False)
        self.s.setblocking(False)
        self.pattern = memoryview(hashlib.sha256(b"%d" % i).digest() * (2 * BLOCK // 32))
        self.sent = self.got = 0
        self.sent_hash, self.got_hash = hashlib.sha256(), hashlib.sha256()

    def pump(self):
        """Send until the socket takes no more; return how much it took."""
        took = 0
        while True:
            off = self.sent % BLOCK
            try:
                n = self.c.send(self.pattern[off:off + BLOCK])
            except BlockingIOError:
                return took
            self.sent_hash.update(self.pattern[off:off + n])
            self.sent += n
            took += n

    def drain(self):
        try:
            b = self.s.recv(1 << 20)
        except BlockingIOError:
            return
        self.got_hash.update(b)
        self.got += len(b)

    def close(self):
        self.c.close()
        self.s.close()


def fill_and_recover():
    """Connections whose readers stop fill TTP's memory to mem_max_pages
    and no further; pressure begins, refusals are counted; a new
    connection still carries data; when the readers read, every byte
    arrives intact, and once the sockets go, so do the pages and the
    pressure."""
    before = mem_params()
    values = {n: before[n]["value"] for n in MEM}
    ns = Netns()
    pairs = []
    try:
        # A refused segment is sent again: keep the backoff short, and let
        # the retransmissions a held sender makes at 1 s apiece not end
        # its connection, as retries2's default of 15 did once on the
        # debug kernel with two other guests beside it (the readers stop
        # while the memory fills and a new connection moves).
        ns.set(rto_max_ms=1000, retries2=255)
        base = memory()["pages"]
        low, pressure, high = base + 1024, base + 2048, base + 3072
        mem_set(mem_max_pages=high, mem_pressure_pages=pressure, mem_min_pages=low)
        lsn = ns.socket(socket.AF_INET)
        lsn.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, BUF)
        lsn.bind(("127.0.0.1", 0))
        lsn.listen(PAIRS + 1)
        lsn.settimeout(30)
        pairs = [Pair(ns, lsn, i) for i in range(PAIRS)]

        peak, saw_pressure, idle = 0, False, 0
        deadline = time.monotonic() + 120
        while idle < 3:
            check(time.monotonic() < deadline,
                  "the senders never stopped: %d pages in use" % memory()["pages"])
            took = sum(p.pump() for p in pairs)
            m = memory()
            peak = max(peak, m["pages"])
            saw_pressure |= m["pressure"] == 1
            idle = idle + 1 if not took and ns.counter("MemoryRefused") else 0
            time.sleep(0.3)
        sent = sum(p.sent for p in pairs)
        print("# %d KiB accepted by %d senders; at most %d pages in use (limit %d, from %d)" %
              (sent >> 10, PAIRS, peak, high, base))
        # Pages are counted per CPU up to a reserve before they reach the
        # global count, so the count may stand a reserve or so past it.
        check(pressure <= peak <= high + 512, "peak %d pages, limit %d" % (peak, high))
        check(sent < PAIRS * 2 * BUF, "the senders were never held back")
        check(saw_pressure, "stats never showed memory pressure")
        check(ns.counter("MemoryPressures") >= 1, "MemoryPressures did not count it")
        check(ns.counter("MemoryRefused") > 0, "MemoryRefused is 0")

        # At the limit, a new connection still moves: a socket's first
        # bytes queued and an in-order segment into an empty receive
        # queue are always granted.
        extra = Pair(ns, lsn, PAIRS)
        pairs.append(extra)
        want = 40000
        deadline = time.monotonic() + 60
        while extra.got < want:
            check(time.monotonic() < deadline, "a new connection at the limit carried "
                  "%d of %d bytes" % (extra.got, want))
            if extra.sent < want:
                extra.pump()
            extra.drain()
            time.sleep(0.01)
        check(memory()["pressure"] == 1, "pressure ended with the readers stopped")

        # The readers read: everything arrives, in order, unchanged.
        deadline = time.monotonic() + 180
        while any(p.got < p.sent for p in pairs):
            check(time.monotonic() < deadline, "%d of %d bytes arrived" %
                  (sum(p.got for p in pairs), sum(p.sent for p in pairs)))
            select.select([p.s for p in pairs if p.got < p.sent], [], [], 0.5)
            for p in pairs:
                p.drain()
        for i, p in enumerate(pairs):
            check(p.got == p.sent and p.got_hash.digest() == p.sent_hash.digest(),
                  "connection %d: %d bytes sent, %d received, hashes %s" %
                  (i, p.sent, p.got, "equal" if p.got_hash.digest() == p.sent_hash.digest()
                   else "differ"))
        for p in pairs:
            p.close()
        pairs = []
        lsn.close()
        wait_for(lambda: memory()["pages"] < low and memory()["pressure"] == 0, 60,
                 "the pages to come back and the pressure to end")
        check(ns.counter("MemoryPressuresChrono") > 0, "MemoryPressuresChrono is 0")
    finally:
        for p in pairs:
            p.close()
        mem_set(**values)
        ns.delete()


def entries_bounded():
    """TIME_WAIT and request entries count against mem_max_pages: they are
    made in softirq, where no memory cgroup is charged, so a namespace's
    owner who raised max_tw_buckets could otherwise pin memory without
    bound. With the limit a few pages above what is in use, closes past it
    end without TIME_WAIT (TimeWaitOverflow, MemoryRefused); with the limit back,
    entries are made again."""
    n = 300
    before = mem_params()
    values = {k: before[k]["value"] for k in MEM}
    ns = Netns()
    lsn = None
    try:
        # (fin_timeout_ms: a FIN the limit dropped costs no minute.)
        ns.set(max_tw_buckets=16777216, msl_local_ms=600000, fin_timeout_ms=5000)
        lsn = ns.socket(socket.AF_INET)
        lsn.bind(("127.0.0.1", 0))
        lsn.listen(16)
        lsn.settimeout(30)

        def close_into_time_wait(count):
            for _ in range(count):
                c = ns.socket(socket.AF_INET)
                c.settimeout(30)
                c.connect(lsn.getsockname())
                s, _ = lsn.accept()
                s.close()       # the server closes first: its entry
                c.close()

        limit = memory()["pages"] + 4
        mem_set(mem_min_pages=limit, mem_pressure_pages=limit, mem_max_pages=limit)
        close_into_time_wait(n)
        # Every close ends: in TIME_WAIT, past it (TimeWaitOverflow) or,
        # when the limit also dropped a FIN, by a timeout; on the debug
        # kernel that took more than a minute once.
        wait_for(lambda: not any(v for k, v in ns.gauges().items()
                                 if k not in ("TIME_WAIT", "LISTEN")), 180,
                 "every close to end")
        tw, refused = ns.gauges()["TIME_WAIT"], ns.counter("MemoryRefused")
        check(ns.counter("TimeWaitOverflow") > 0, "TimeWaitOverflow is 0")
        print("# %d of %d closes kept a TIME_WAIT entry under a limit of %d pages; "
              "%d refused" % (tw, n, limit, refused))
        check(tw < n // 2, "%d of %d entries made past the memory limit" % (tw, n))
        check(refused > 0, "MemoryRefused is 0")

        mem_set(**values)
        close_into_time_wait(1)
        wait_for(lambda: ns.gauges()["TIME_WAIT"] == tw + 1, 60,
                 "an entry to be made with the limit back")
    finally:
        if lsn:
            lsn.close()
        mem_set(**values)
        ns.delete()


def requests_bounded():
    """Request entries count against mem_max_pages too: a namespace that
    raised max_syn_backlog and synack_retries (as its owner may) cannot
    keep a flood's entries past the limit. With cookies off, the SYNs the
    limit refuses are dropped as a full queue would drop them
    (MemoryRefused, DropSynQueueFull); with the limit back, the next SYNs
    make entries again."""
    n, more = 400, 50
    before = mem_params()
    values = {k: before[k]["value"] for k in MEM}
    t = Topology(socket.AF_INET, True)
    srv = t.server_ns
    lsn = flood = None
    try:
        # Entries that outlive the case: SYN-ACKs resent for minutes.
        srv.set(max_syn_backlog=1048576, synack_retries=10, syncookies=0)
        port = 7100
        lsn = t.listen(port=port, backlog=16)
        flood = SynFlood(t.client_ns.name, t.dev_client, t.server_addr, port, n + more)

        def settled(count):
            # Every SYN sent is an entry or a drop.
            return lambda: (srv.gauges()["SYN_RCVD"] +
                            srv.counter("DropSynQueueFull")) >= count

        limit = memory()["pages"] + 4
        mem_set(mem_min_pages=limit, mem_pressure_pages=limit, mem_max_pages=limit)
        flood.send(0, n)
        wait_for(settled(n), 60, "every SYN to make an entry or be dropped")
        made, refused = srv.gauges()["SYN_RCVD"], srv.counter("MemoryRefused")
        print("# %d of %d SYNs kept a request entry under a limit of %d pages; "
              "%d refused" % (made, n, limit, refused))
        check(made < n // 2, "%d of %d entries made past the memory limit" % (made, n))
        check(refused > 0, "MemoryRefused is 0")
        check(srv.counter("DropSynQueueFull") >= n - made,
              "the refused SYNs were not counted as a full queue's")

        mem_set(**values)
        flood.send(n, more)
        wait_for(lambda: srv.gauges()["SYN_RCVD"] == made + more, 60,
                 "%d more entries with the limit back" % more)
    finally:
        if flood:
            flood.close()
        if lsn:
            lsn.close()
        mem_set(**values)
        t.close()


def small_segments():
    """A reader that stops, a sender of 100-byte segments: each costs its
    receiver many times its bytes, so the receive buffer fills long before
    the window it advertised (half its free buffer, counted in bytes)
    closes. The unread bytes are copied into compact buffers (RcvCollapsed)
    and nothing the window invited is dropped for want of memory; the
    window closes, the sender waits; then every byte arrives, unchanged.
    Over loopback (a 64 KiB MSS: the window moves in large steps) and over
    veth (1460 bytes: it moves after nearly every collapse)."""
    for veth in (False, True):
        t = Topology(socket.AF_INET, veth)
        try:
            small_segments_on(t)
        finally:
            t.close()


def pinned_pair(t, rcvbuf, nodelay=False):
    """A connection in T whose receiver's buffer is pinned at RCVBUF:
    listener, client (non-blocking) and accepted socket."""
    lsn = t.server_ns.socket(socket.AF_INET)
    lsn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    lsn.bind((t.server_addr, 0))
    lsn.listen(1)
    lsn.settimeout(30)
    c = t.client_ns.socket(socket.AF_INET)
    if nodelay:
        c.setsockopt(SOL_TTP, TTP_NODELAY, 1)
    c.settimeout(30)
    c.connect((t.server_addr, lsn.getsockname()[1]))
    s, _ = lsn.accept()
    c.setblocking(False)
    return lsn, c, s


def compacted_not_dropped(t, counters):
    check(counters["RcvCollapsed"] > 0, "%s: the receive queue was never made compact" % t.name)
    check(counters["DropNoMemory"] == 0, "%s: %d segments dropped for want of memory" %
          (t.name, counters["DropNoMemory"]))


def read_rest(t, s, got, got_hash, sent, sent_hash):
    """Read S until SENT bytes in all have come (GOT so far, hashed into
    GOT_HASH): they must be what SENT_HASH hashed."""
    s.settimeout(60)
    while got < sent:
        b = s.recv(1 << 16)
        check(b, "%s: EOF after %d of %d bytes" % (t.name, got, sent))
        got_hash.update(b)
        got += len(b)
    check(got_hash.digest() == sent_hash.digest(), "%s: the bytes differ" % t.name)


def small_segments_on(t):
    lsn, c, s = pinned_pair(t, 64 << 10, nodelay=True)
    pattern = hashlib.sha256(b"small").digest() * 8
    sent, sent_hash, idle = 0, hashlib.sha256(), 0
    deadline = time.monotonic() + 120
    while idle < 3:
        check(time.monotonic() < deadline, "%s: the sender was never held back" % t.name)
        took = 0
        while True:
            piece = pattern[sent % 128:][:100]
            try:
                n = c.send(piece)
            except BlockingIOError:
                break
            sent_hash.update(piece[:n])
            sent += n
            took += n
        idle = idle + 1 if not took else 0
        time.sleep(0.3)
    counters = t.server_ns.counters()
    print("# %s: %d bytes sent in 100-byte writes; RcvCollapsed %d DropNoMemory %d OfoQueue %d" %
          (t.name, sent, counters["RcvCollapsed"], counters["DropNoMemory"], counters["OfoQueue"]))
    compacted_not_dropped(t, counters)
    read_rest(t, s, 0, hashlib.sha256(), sent, sent_hash)
    for x in (c, s, lsn):
        x.close()


def reader_stops():
    """A reader that keeps up, then stops, over veth. While it reads, the
    peer's segments come large (veth passes them whole) and cost little,
    and the window is priced at what they bring (TTP_INFO's
    rcv_scaling_ratio); once it stops they come one at a time, each costs
    more (1448 bytes: 2408), and the window offered before still stands.
    The ratio follows them; the unread bytes are copied compact
    (RcvCollapsed) and nothing the window invited is dropped for want of
    memory; then every byte arrives, unchanged."""
    t = Topology(socket.AF_INET, True)
    try:
        reader_stops_on(t)
    finally:
        t.close()


def reader_stops_on(t):
    lsn, c, s = pinned_pair(t, 512 << 10)
    s.setblocking(False)
    pattern = hashlib.sha256(b"stops").digest() * 4096
    sent, sent_hash, got, got_hash = 0, hashlib.sha256(), 0, hashlib.sha256()

    def send():
        nonlocal sent
        took = 0
        while True:
            piece = pattern[sent % 32:][:BLOCK]
            try:
                n = c.send(piece)
            except BlockingIOError:
                return took
            sent_hash.update(piece[:n])
            sent += n
            took += n

    # Reading: as fast as it comes, for 3 s at least, and until the large
    # segments have priced the window (a loaded emulated guest may take
    # longer to send them: the sender's segments grow with its rate).
    start = time.monotonic()
    ratio, look = 0, start + 3
    while True:
        check(time.monotonic() < start + 60,
              "%s: the peer's segments never came large (rcv_scaling_ratio %s)" % (t.name, ratio))
        send()
        select.select([s], [], [], 0.05)
        while True:
            try:
                b = s.recv(BLOCK)
            except BlockingIOError:
                break
            got_hash.update(b)
            got += len(b)
        if time.monotonic() >= look:
            ratio = info_field(t.server_ns, "rcv_scaling_ratio") or 0
            if ratio >= LARGE_RATIO:
                break
            look = time.monotonic() + 1
    # Stopped; and from now on one segment per skb, as a receiver off a
    # real link sees those that come alone: veth passed the sender's
    # large ones whole, which cost little. The sender fills what the
    # window offered, then waits.
    t.client_ns.one_segment_per_skb(t.dev_client)
    idle, deadline = 0, time.monotonic() + 120
    while idle < 3:
        check(time.monotonic() < deadline, "%s: the sender was never held back" % t.name)
        idle = idle + 1 if not send() else 0
        time.sleep(0.3)
    counters = t.server_ns.counters()
    after = info_field(t.server_ns, "rcv_scaling_ratio")
    print("# %s: %d bytes read, then %d more sent; rcv_scaling_ratio %s while reading, "
          "%s after; RcvCollapsed %d DropNoMemory %d" % (
              t.name, got, sent - got, ratio, after, counters["RcvCollapsed"],
              counters["DropNoMemory"]))
    # Measured on the single segments too (their length with timestamps
    # is the MSS offered less 12): the window prices what they cost.
    check(after < ratio, "%s: the window still prices single segments at %s" % (t.name, after))
    compacted_not_dropped(t, counters)
    read_rest(t, s, got, got_hash, sent, sent_hash)
    for x in (c, s, lsn):
        x.close()


def info_field(ns, name):
    """NAME of the one established socket's TTP_INFO in NS, as ttpctl shows it."""
    for sk in json.loads(ns.ttpctl("-j", "sockets", "-i").stdout):
        if sk.get("state") == "ESTABLISHED" and "info" in sk:
            return sk["info"].get(name)
    return None


def send_buffer_holds_data():
    """A sender whose peer stops reading: its send buffer (SO_SNDBUF, in
    bytes of memory, what the kernel reports) fills with data, not with
    the cost of keeping it. The write queue keeps many segments to a
    buffer, as TCP's does, so what is queued (SIOCOUTQ) comes to nearly
    the whole of it; kept one segment to a buffer, a 1,448-byte segment
    costs about 2.6 KB and the queue would hold little more than half."""
    t = Topology(socket.AF_INET, True)
    try:
        lsn, c, s = pinned_pair(t, 64 << 10)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 256 << 10)
        sndbuf = c.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
        block, idle = b"\x5a" * BLOCK, 0
        deadline = time.monotonic() + 60
        while idle < 3:
            check(time.monotonic() < deadline, "the sender was never held back")
            took = 0
            while True:
                try:
                    took += c.send(block)
                except BlockingIOError:
                    break
            idle = idle + 1 if not took else 0
            time.sleep(0.3)
        queued = struct.unpack("i", fcntl.ioctl(c.fileno(), termios.TIOCOUTQ, b"\0" * 4))[0]
        print("# SO_SNDBUF %d bytes: %d bytes of data queued (%.2f)" %
              (sndbuf, queued, queued / sndbuf))
        check(queued >= sndbuf * 8 // 10, "only %d bytes of data queued in a %d-byte "
              "send buffer" % (queued, sndbuf))
        for x in (c, s, lsn):
            x.close()
    finally:
        t.close()


def ttp_info(sock):
    """snd_cwnd, unacked, bytes_acked, bytes_received and wmem_queued of
    SOCK's TTP_INFO (struct ttp_info, include/uapi/linux/ttp.h)."""
    raw = sock.getsockopt(SOL_TTP, TTP_INFO, 160)
    cwnd, = struct.unpack_from("=I", raw, 28)
    unacked, = struct.unpack_from("=I", raw, 44)
    acked, received = struct.unpack_from("=QQ", raw, 88)
    wmem_queued, = struct.unpack_from("=I", raw, 152)
    return cwnd, unacked, acked, received, wmem_queued


def sacks_cannot_cut_memory():
    """A peer that SACKs every other segment of what is in flight has the
    sender cut its skbs one per segment, each with a head of about a
    kilobyte: with the smallest MSS (88 bytes, a 128-byte MTU here) that
    is ten times the data (CVE-2019-11478). As TCP, the sender refuses
    such cuts once its queue holds twice its send buffer and two of the
    largest skbs (WqueueTooBig), bar the first and last skb in flight, and
    the connection goes on, no byte lost.
    The client sends; the server's own ACKs are dropped by nftables while
    a raw socket in its namespace forges the SACKs. Timeouts wait a
    minute, so only the SACKs move the sender."""
    t = Topology(socket.AF_INET, True)
    socks = []
    try:
        for ns, dev in ((t.client_ns, t.dev_client), (t.server_ns, t.dev_server)):
            ns.ip("link", "set", "dev", dev, "mtu", "128")
            ns.set(timestamps=0, congestion_control=0, rto_min_ms=60000)
        lsn = t.server_ns.socket(socket.AF_INET)
        socks.append(lsn)
        lsn.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
        lsn.bind((t.server_addr, 0))
        lsn.listen(1)
        lsn.settimeout(30)
        syn = t.server_ns.call(socket.socket, socket.AF_INET, socket.SOCK_RAW, IPPROTO_TTP)
        syn.settimeout(30)
        c = t.client_ns.socket(socket.AF_INET)
        socks.append(c)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 200000)
        sndbuf = c.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
        c.settimeout(30)
        c.connect((t.server_addr, lsn.getsockname()[1]))
        s, _ = lsn.accept()
        socks.append(s)
        # The client's SYN gives its first sequence number, its ACK the
        # server's, what a forged ACK must carry.
        isn = ack = None
        while isn is None or ack is None:
            pkt = syn.recv(2048)
            ttp = pkt[(pkt[0] & 15) * 4:]
            if ttp[13] & SYN:
                isn = struct.unpack_from("!I", ttp, 4)[0]
            elif ttp[13] & ACK:
                ack = struct.unpack_from("!I", ttp, 8)[0]
        syn.close()
        cport, sport = c.getsockname()[1], lsn.getsockname()[1]
        c.setblocking(False)
        s.setblocking(False)
        sent_hash, got_hash = hashlib.sha256(), hashlib.sha256()
        sent = got = 0

        def pump(write):
            nonlocal sent, got
            while write:
                block = (b"%08d" % sent) * 1024
                try:
                    n = c.send(block)
                except BlockingIOError:
                    break
                sent_hash.update(block[:n])
                sent += n
            while True:
                try:
                    b = s.recv(1 << 16)
                except BlockingIOError:
                    return
                got_hash.update(b)
                got += len(b)

        # Slow start until the window takes the whole send buffer.
        mss = 88
        deadline = time.monotonic() + 120
        while ttp_info(c)[0] * mss < sndbuf * 3 // 2:
            check(time.monotonic() < deadline, "the window stayed at %d" % ttp_info(c)[0])
            pump(True)
            time.sleep(0.01)
        # The server's ACKs stop; what is in flight stays there.
        mark = 0x7e
        run("ip", "netns", "exec", t.server_ns.name, "nft", "-f", "-",
            input="table ip ttp_sack {\n chain out {\n type filter hook output priority 0;\n"
                  " meta l4proto %d meta mark != %d drop\n }\n}\n" % (IPPROTO_TTP, mark))
        last, still = None, 0
        while still < 3:
            pump(True)
            now = (ttp_info(c)[1], ttp_info(s)[3])
            still = still + 1 if now == last else 0
            last = now
            time.sleep(0.3)
        _, unacked, acked, _, before = ttp_info(c)
        received = ttp_info(s)[3]
        # bytes_acked counts the SYN, as Linux's tcpi_bytes_acked does.
        una, nxt = isn + acked, isn + 1 + received
        print("# send buffer %d bytes: %d in use, %d bytes in flight (%d segments)" %
              (sndbuf, before, nxt - una, unacked))
        check(nxt - una >= sndbuf * 3 // 4, "only %d bytes in flight" % (nxt - una))

        # Every other segment SACKed, four blocks to an ACK, clear of the
        # first and the last skb in flight (each at most 64 KiB): those
        # may always be cut, as TCP's may, so that recovery and a loss
        # probe go on under a small buffer.
        raw = t.server_ns.call(socket.socket, socket.AF_INET, socket.SOCK_RAW, IPPROTO_TTP)
        raw.setsockopt(socket.SOL_SOCKET, SO_MARK, mark)
        starts = list(range(una + (64 << 10) + mss, nxt - (64 << 10) - mss + 1, 2 * mss))
        check(len(starts) >= 500, "only %d blocks to SACK" % len(starts))
        for i in range(0, len(starts), 4):
            blocks = b"".join(struct.pack("!II", x & 0xffffffff, (x + mss) & 0xffffffff)
                              for x in starts[i:i + 4])
            opts = struct.pack("!BBBB", 1, 1, TTP_OPT_SACK, 2 + len(blocks)) + blocks
            raw.sendto(segment(socket.AF_INET, t.server_addr, t.client_addr, sport, cport,
                               ack, una & 0xffffffff, ACK,
                               doff=5 + len(opts) // 4, options=opts),
                       (t.client_addr, 0))
        raw.close()
        last, still = None, 0
        while still < 3:
            after = ttp_info(c)[4]
            still = still + 1 if after == last else 0
            last = after
            time.sleep(0.3)
        counters = t.client_ns.counters()
        print("# %d blocks SACKed: %d bytes in use, WqueueTooBig %d" %
              (len(starts), after, counters["WqueueTooBig"]))
        # Twice the buffer and two 64 KiB skbs (SKB_TRUESIZE, x86-64),
        # and the one cut that crosses it. Cut one skb to a segment, it
        # would be several times that.
        bound = 2 * (sndbuf + 2 * 66112) + 2048
        check(after <= bound, "the send queue grew to %d bytes, past %d" % (after, bound))
        check(after > before, "the SACKs cut nothing (%d bytes in use)" % after)
        check(counters["WqueueTooBig"] > 0, "no cut was refused")

        # The server's ACKs again: all of it arrives, intact.
        run("ip", "netns", "exec", t.server_ns.name, "nft", "delete", "table", "ip", "ttp_sack")
        s.setblocking(True)
        s.send(b"!")
        read_rest(t, s, got, got_hash, sent, sent_hash)
    finally:
        for x in socks:
            x.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            x.close()
        t.close()


def main():
    require_module()
    suite = Suite()
    suite.case("mem_*_pages: global, set only from the initial namespace, kept ordered",
               global_params)
    suite.case("the limit reached: held there, pressure and refusals counted, "
               "nothing lost, all back after", fill_and_recover)
    suite.case("TIME_WAIT entries count against mem_max_pages, whatever "
               "max_tw_buckets says", entries_bounded)
    suite.case("request entries count against mem_max_pages, whatever "
               "max_syn_backlog says", requests_bounded)
    suite.case("a reader that stops: its receive queue copied compact, none dropped",
               reader_stops)
    suite.case("small segments into a full receive buffer: copied compact, none dropped",
               small_segments)
    suite.case("a send buffer holds about its size in data", send_buffer_holds_data)
    suite.case("a peer's SACKs cannot cut the send queue past twice its buffer",
               sacks_cannot_cut_memory)
    suite.run()


guard(main)
