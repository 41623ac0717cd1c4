#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Races in rare paths, driven on purpose. Each case runs one window many
times with the guest's CPUs busy on both sides of it, and leaves the
verdict on memory safety to the debug kernel's checkers (KASAN, lockdep,
refcount and list debugging: the runner fails a run whose log has any):

- listeners closed and killed while a SYN flood keeps their flood timer
  re-arming, a thread holding the socket meanwhile (ttp_synflood_stop()
  against ttp_synflood_timer_fn());
- connections entering TIME_WAIT while kills of every TIME_WAIT entry
  (from another CPU), tw_reuse connects to the same 4-tuple and the
  entries' own timers race the entry's first moments (ttp_time_wait()'s
  own reference; an RST ends an entry through the same ttp_tw_kill());
- namespaces deleted while their TIME_WAIT timers fire (the purge waits
  for entries whose timer already unhashed them);
- a loss probe's timer that fires while a task holds the socket (a
  write whose user page userfaultfd keeps missing), the ACK that makes
  the probe needless waiting in the backlog: release_sock() takes the
  ACK first, the timer is set again, and the probe left for release_cb
  must not go (no LossProbes, nothing sent again), as TCP's deferred
  handlers check icsk_timeout.

Each case also shows that the paths it races were taken (counters), and
afterwards the gauges read zero and slab memory is back near where it
started. Documentation/testing.md says when a race belongs here.

The debug kernel may meet a window of a few instructions only rarely.
So check also runs the three cases on a test build that holds their
windows open (module/inject.c: window=flood-timer, tw-insert, owner,
tw-expire; a flooded listener's close there waits for its timer to be
inside the window, a namespace's purge for an expiring entry):
with the fixes the runs are clean; with the old code put back
(inject=racy-flood-stop, racy-tw-ref, racy-tw-purge), KASAN must report
a use after free."""

import ctypes
import fcntl
import mmap
import os
import random
import select
import socket
import struct
import subprocess
import sys
import termios
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (SOL_TTP, TTPCTL, Netns, Suite, SynFlood, Topology, check,  # noqa: E402
                    guard, on_debug_kernel, require_module, run, slab_kib, slab_settled,
                    uapi_enums, wait_for)

TTP_NODELAY = uapi_enums()["TTP_NODELAY"]

DEBUG = on_debug_kernel()
# Rounds: each is one listener's life or one namespace's. The debug
# kernel's checkers are what judge a race, and it runs every path many
# times slower: it gets the longer share. (About 80 s there, 50 s on a
# Debian kernel.)
ROUNDS = 10 if DEBUG else 16
SECONDS = 12 if DEBUG else 10


def kill_loop(ns, state, stop):
    """`ttpctl sockets kill state STATE` in NS, over and over, from a shell
    of its own: a second CPU's worth of kills until STOP."""
    return subprocess.Popen(
        ["ip", "netns", "exec", ns.name, "sh", "-c",
         'while [ ! -e "$0" ]; do "$1" sockets kill state "$2" >/dev/null 2>&1; done',
         stop, TTPCTL, state])


def windows_open():
    """Whether this is a test build holding race windows open
    (module/inject.c's window parameter)."""
    try:
        with open("/sys/module/ttp/parameters/window") as f:
            return f.read().strip() not in ("", "(null)")
    except OSError:
        return False


def racy_code_back():
    """Whether a racy code path of old was put back (module/inject.c's
    inject parameter, racy-...): then KASAN must catch it, and the more
    rounds the likelier."""
    try:
        with open("/sys/module/ttp/parameters/inject") as f:
            return f.read().strip().startswith("racy-")
    except OSError:
        return False


def hold_lock(sk, done):
    """Take SK's lock (lock_sock) over and over until DONE is set: what
    arrives meanwhile goes to its backlog, processed in process context."""
    while not done.is_set():
        try:
            sk.setsockopt(SOL_TTP, TTP_NODELAY, 1)
        except OSError:
            return


class MissingPage:
    """A page of this process that no access completes until fill(): the
    kernel, copying from it for a write, waits (userfaultfd, MISSING mode)
    with whatever it holds, here a socket's lock."""

    UFFDIO_API, UFFDIO_REGISTER, UFFDIO_ZEROPAGE = 0xc018aa3f, 0xc020aa00, 0xc020aa04
    NR_USERFAULTFD = 323  # x86_64

    def __init__(self):
        libc = self.libc = ctypes.CDLL(None, use_errno=True)
        libc.mmap.restype = ctypes.c_void_p
        libc.mmap.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                              ctypes.c_int, ctypes.c_long)
        self.fd = libc.syscall(self.NR_USERFAULTFD, os.O_CLOEXEC | os.O_NONBLOCK)
        check(self.fd >= 0, "userfaultfd: %s" % os.strerror(ctypes.get_errno()))
        self.ioctl(self.UFFDIO_API, struct.pack("QQQ", 0xAA, 0, 0))
        self.addr = libc.mmap(None, mmap.PAGESIZE, mmap.PROT_READ | mmap.PROT_WRITE,
                              mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS, -1, 0)
        check(self.addr not in (None, ctypes.c_void_p(-1).value), "mmap failed")
        self.ioctl(self.UFFDIO_REGISTER, struct.pack("QQQQ", self.addr, mmap.PAGESIZE, 1, 0))

    def ioctl(self, request, arg):
        buf = ctypes.create_string_buffer(arg, len(arg))
        check(self.libc.ioctl(self.fd, ctypes.c_ulong(request), buf) == 0,
              "userfaultfd ioctl %#x: %s" % (request, os.strerror(ctypes.get_errno())))

    def wait_fault(self, timeout):
        """Whether an access to the page is waiting."""
        if not select.select([self.fd], [], [], timeout)[0]:
            return False
        return len(os.read(self.fd, 32)) == 32

    def fill(self):
        self.ioctl(self.UFFDIO_ZEROPAGE, struct.pack("QQQq", self.addr, mmap.PAGESIZE, 0, 0))

    def release(self):
        """Close the userfaultfd: an access still waiting is woken and
        completes as an ordinary fault, so nothing stays blocked."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def close(self):
        self.release()
        self.libc.munmap(ctypes.c_void_p(self.addr), ctypes.c_size_t(mmap.PAGESIZE))


# The ACKs' delay: the RTT, and so the probe's timer (2 RTTs, 1 s) and
# the RTO (3 RTTs, 1.5 s), long beside what TCG delays a step by.
ACK_DELAY_MS = 500


def probe_while_owned():
    topo = Topology(socket.AF_INET, True)
    page = MissingPage()
    socks = []
    writer = None
    try:
        run("tc", "-n", topo.server_ns.name, "qdisc", "add", "dev", topo.dev_server, "root",
            "netem", "delay", "%dms" % ACK_DELAY_MS)
        lsn, c, s = socks = topo.pair()
        before = topo.client_ns.counters()
        # Two segments: the probe's timer is two RTTs, no delayed ACK's
        # allowance; their ACK comes back after one.
        c.sendall(b"a" * 3000)
        sent = []
        writer = threading.Thread(target=lambda: sent.append(
            page.libc.send(c.fileno(), ctypes.c_void_p(page.addr), mmap.PAGESIZE, 0)))
        start = time.monotonic()
        writer.start()
        check(page.wait_fault(10), "the write never reached its missing page")
        # The socket must be held before the ACK comes (0.5 s), or the
        # case proves nothing.
        held = time.monotonic() - start
        check(held < 0.4, "the write reached its page only after %.2f s" % held)
        # Past the probe's time (1 s) and the ACK's (0.5 s), short of the
        # RTO's (1.5 s): the probe is left for release_cb, the ACK to the
        # backlog, both taken when the write ends.
        time.sleep(max(0, 1.25 - (time.monotonic() - start)))
        page.fill()
        writer.join(30)
        check(sent == [mmap.PAGESIZE], "the write returned %s" % sent)
        got = b""
        s.settimeout(30)
        while len(got) < 3000 + mmap.PAGESIZE:
            more = s.recv(65536)
            check(more, "the server's read ended at %d bytes" % len(got))
            got += more
        check(got == b"a" * 3000 + bytes(mmap.PAGESIZE), "the data arrived changed")
        wait_for(lambda: struct.unpack("i", fcntl.ioctl(c, termios.TIOCOUTQ, bytes(4)))[0] == 0,
                 30, "the last ACK")
        after = topo.client_ns.counters()
        delta = {k: after[k] - before[k] for k in ("LossProbes", "RetransSegs", "Timeouts")}
        check(delta == {"LossProbes": 0, "RetransSegs": 0, "Timeouts": 0},
              "with its ACK in the backlog, the timer's deferred work still sent: %s" % delta)
    finally:
        # A write still waiting on the page would hold the socket's lock,
        # and close() would wait for it: let it go first.
        page.release()
        if writer:
            writer.join(30)
        # Reset, not closed: a FIN into a path about to be deleted would
        # leave orphans retrying it, which hold the module.
        for sk in socks:
            sk.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sk.close()
        page.close()
        topo.close()


def flood_and_close():
    t = Topology(socket.AF_INET, True)
    stopped = threading.Event()
    try:
        srv = t.server_ns
        # A queue of 4 overflows at once; without cookies and with one
        # SYN-ACK retry its entries go within seconds.
        srv.set(max_syn_backlog=4, syncookies=0, synack_retries=1)
        port = 47000

        # A steady flood, 100 SYNs a second from 200 sources, so that an
        # episode is under way whenever a listener goes: frames built
        # once. (Built per batch, with an ip process each, the flood was
        # sparse on the loaded debug guest: 174 SYNs overflowed in the
        # 70 s of a whole run where KASAN then missed the racy code.)
        syns = SynFlood(t.client_ns.name, t.dev_client, t.server_addr, port, 200)

        def flood():
            first = 0
            while not stopped.wait(0.2):
                syns.send(first, 20)
                first = (first + 20) % 200
        flooder = threading.Thread(target=flood)
        flooder.start()
        closed = killed = 0
        for r in range(ROUNDS):
            full = srv.counter("DropSynQueueFull")
            lsn = t.listen(port=port, backlog=4)
            # The flood timer runs HZ after the first overflow, then every
            # HZ/4: wait for an episode, then end it at a random point of
            # the timer's period. Meanwhile a thread owns the listener as
            # often as it can, which is when the timer re-arms.
            wait_for(lambda: srv.counter("DropSynQueueFull") > full + 8, 60,
                     "the flood to overflow the SYN queue")
            holding = threading.Event()
            holder = threading.Thread(target=hold_lock, args=(lsn, holding))
            holder.start()
            time.sleep(1 + random.random() * 0.5)
            if r % 2:
                srv.ttpctl("sockets", "kill", "state", "listen")
                killed += 1
            else:
                closed += 1
            lsn.close()
            holding.set()
            holder.join(30)
        stopped.set()
        flooder.join(60)
        syns.close()
        print("# %d listeners closed and %d killed during a flood; %d SYNs overflowed" %
              (closed, killed, srv.counter("DropSynQueueFull")))
        wait_for(lambda: not any(t.gauges().values()), 60, "every request entry to go")
    finally:
        stopped.set()
        t.close()


def time_wait_race():
    ns = Netns()
    stop = "/tmp/ttp-races-%d" % os.getpid()
    killer = None
    try:
        # TIME_WAIT of 0.1 s, tw_reuse after 1 ms, and each connection
        # from one of 8 ports at random: an entry is taken over by the next
        # connect() from its port, or expires first, or is killed, and
        # which one wins varies from round to round.
        # On the debug kernel a round takes seconds and a 0.1 s entry was
        # nearly always gone before the next connect() could take it: 0.5 s.
        msl = 250 if DEBUG else 50
        ns.set(msl_ms=msl, msl_local_ms=msl, tw_reuse=1, tw_reuse_delay_ms=1)
        lsn = ns.socket(socket.AF_INET)
        lsn.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lsn.bind(("127.0.0.1", 47001))
        lsn.listen(128)
        lsn.settimeout(30)
        killer = kill_loop(ns, "time-wait", stop)
        end = time.monotonic() + SECONDS
        rounds = 0

        refused = {}

        def connect_from(port):
            c = ns.socket(socket.AF_INET)
            c.settimeout(30)
            c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                c.bind(("127.0.0.1", port))
                c.connect(("127.0.0.1", 47001))
            except OSError as e:
                # A kill and a reuse met, or the port's entry is not
                # yet ours to take: the next round goes on.
                refused[e.strerror] = refused.get(e.strerror, 0) + 1
                c.close()
                return []
            s = lsn.accept()[0]
            s.settimeout(30)
            return [c, s]

        def taken():
            counters = ns.counters()
            return counters["Killed"] > 0 and counters["TWRecycled"] > 0

        # A loaded debug guest may manage only a few rounds in SECONDS:
        # go on, up to a minute more, until both ways out were taken; with
        # racy code put back, until 40 rounds (half of them through the
        # backlog), which a run beside three other guests on two cores
        # needed: in 12 rounds KASAN once missed it.
        least = 40 if racy_code_back() else 0
        while time.monotonic() < end or (time.monotonic() < end + 60 and
                                         (not taken() or rounds < least)):
            rounds += 1
            port = 47100 + random.randrange(8)
            pair = connect_from(port)
            if not pair:
                continue
            c, s = pair
            if rounds % 2:
                # The client closes first: its entry is made in softirq
                # when the server's FIN comes.
                c.close()
                s.close()
                continue
            # The client only shuts down, and a thread takes its lock in
            # a loop as the server's FIN comes: the entry is then made
            # from the socket's backlog, in process context, outside
            # RCU. A kill of every entry follows at once, then a
            # connect() from the same port (with window=tw-insert, both
            # while the entry is being made).
            c.shutdown(socket.SHUT_WR)
            s.recv(1)
            holding = threading.Event()
            holder = threading.Thread(target=hold_lock, args=(c, holding))
            holder.start()
            s.close()
            time.sleep(0.05)
            ns.ttpctl("sockets", "kill", "state", "time-wait")
            again = connect_from(port)
            holding.set()
            holder.join(30)
            for x in [c] + again:
                x.close()
        open(stop, "w").close()
        killer.wait(60)
        lsn.close()
        wait_for(lambda: not any(ns.gauges().values()), 60, "every socket to go")
        counters = ns.counters()
        print("# %d connections; TIME_WAIT entries: %d killed, %d reused, %d expired; "
              "connect() refused: %s" % (rounds, counters["Killed"], counters["TWRecycled"],
                                         counters["TimeWaitExpired"], refused or "never"))
        # (A test build holding windows open slows the paths by design:
        # there only the kernel's checkers judge.)
        check(windows_open() or counters["Killed"] > 0 and counters["TWRecycled"] > 0 and
              counters["TimeWaitExpired"] > 0,
              "a way out of TIME_WAIT was never taken: %s" % counters)
    finally:
        if killer and killer.poll() is None:
            open(stop, "w").close()
            killer.wait(60)
        if os.path.exists(stop):
            os.unlink(stop)
        ns.delete()


def netns_exit():
    expired = live = 0
    for r in range(ROUNDS):
        ns = Netns()
        # TIME_WAIT of 100 ms, the entries' timers firing around the
        # delete: the first four expire (polled: with the eight closed at
        # once, a loaded guest once saw none expire in all 16 rounds)
        # before the last four close; every other round 1 s, still
        # pending when the exit's purge begins: on the test build
        # (window=tw-expire) the purge waits for one to fire, which then
        # holds its entry out of the table and not yet freed.
        msl = 500 if r % 2 else 50
        ns.set(msl_ms=msl, msl_local_ms=msl)
        lsn = ns.socket(socket.AF_INET)
        lsn.bind(("127.0.0.1", 47002))
        lsn.listen(64)
        lsn.settimeout(30)
        for i in range(8):
            if i == 4 and msl == 50:
                wait_for(lambda: ns.counter("TimeWaitExpired"), 30, "a TIME_WAIT entry to expire")
            c = ns.socket(socket.AF_INET)
            c.settimeout(30)
            c.connect(("127.0.0.1", 47002))
            s, _ = lsn.accept()
            c.close()
            s.recv(1)
            s.close()
        lsn.close()
        time.sleep(random.random() * 0.1)
        tw, gone = ns.gauges()["TIME_WAIT"], ns.counter("TimeWaitExpired")
        live += tw
        expired += gone
        ns.delete()
    print("# %d namespaces deleted; at the last look before each, %d TIME_WAIT entries "
          "were live and %d had expired" % (ROUNDS, live, expired))
    check(live > 0 and expired > 0,
          "the deletes did not come while TIME_WAIT timers were both pending and done")


def leaves_nothing(case):
    def run():
        baseline = slab_kib()
        case()
        print("# slab memory: %d KiB before, %d KiB after" % (baseline, slab_settled(baseline)))
    return run


@guard
def main():
    require_module()
    # By name, some cases alone: check runs each on the test build that
    # holds its window open (module/inject.c).
    only = sys.argv[1:]
    suite = Suite()
    for name, desc, case in [
            ("flood", "listeners closed and killed during a SYN flood, %d rounds" % ROUNDS,
             flood_and_close),
            ("time-wait", "TIME_WAIT entries killed, reused and expired in their first "
             "moments, %d s" % SECONDS, time_wait_race),
            ("netns", "namespaces deleted while their TIME_WAIT timers fire, %d rounds" % ROUNDS,
             netns_exit),
            ("owned", "a loss probe due while a task holds the socket, its ACK in the "
             "backlog: not sent", probe_while_owned)]:
        if not only or name in only:
            suite.case(desc, leaves_nothing(case))
    suite.run()


main()
