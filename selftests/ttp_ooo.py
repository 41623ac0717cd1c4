#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The out-of-order queue (module/ooo.c) under a peer sending tiny segments
with gaps, the traffic of SegmentSmack (CVE-2018-5390). A live connection's
4-tuple and sequence numbers are learnt from the wire (AF_PACKET on the
server's veth) and segments are injected as its client with a raw socket,
over IPv4 and IPv6:

- thousands of 1-byte segments, each after a 1-byte gap, are all kept
  (OfoQueue), none dropped for memory, nothing readable yet;
- resends of what is held are not kept again; segments straddling held
  ones, or starting where one does and going further, replace what they
  hold all of;
- the gaps, filled in random order, merge the held segments (OfoMerged);
  the last gap, at rcv_nxt, delivers every byte, in order, unchanged;
- a buffer full of early segments, and a byte at rcv_nxt that does not
  fit: the far end is given up (OfoPruned), the segments nearest the
  reader stay;
- early segments that join up but could not be merged, costing several
  times the buffer: copied compact (RcvCollapsed), none dropped; and when
  such a range reaches into a FIN's segment, copied up to where it begins;
- a segment that the compaction its arrival caused joins under one copy:
  a duplicate; data held beyond the peer's FIN: never delivered.

With --measure (a tool, not part of the suite) it prints what a segment
costs the receiver as the queue grows: N tiny segments with gaps, in
ascending or random order, for N = 100, 1000 and 10000, each batch timed
by the sender (the receiver's softirq runs in its context on a one-CPU
guest) and by the guest's softirq and system time in /proc/stat. See
Documentation/performance.md for the figures and the command."""

import os
import random
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (IPPROTO_TTP, SO_RCVBUFFORCE, Suite, Topology, check, guard,  # noqa: E402
                    families, on_debug_kernel, require_module, segment,
                    wait_for)

from ttplib import ACK, FIN  # noqa: E402

ETH_P_ALL = 3
# The debug kernel takes a few hundred segments a second: 600 gaps (about
# 1,200 segments a family) keep its run to about 30 s (measured: 33 s).
GAPS = 600 if on_debug_kernel() else 3000


class Injector:
    """A connected pair whose client's next segments the test writes."""

    def __init__(self, topo, rcvbuf=None):
        self.topo = topo
        lsn = topo.listen()
        if rcvbuf:
            # Set before the handshake, so that the window scale fits it.
            lsn.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, rcvbuf)
        cap = topo.server_ns.call(socket.socket, socket.AF_PACKET, socket.SOCK_RAW,
                                  socket.htons(ETH_P_ALL))
        cap.bind((topo.dev_server, 0))
        cap.settimeout(10)
        self.client = topo.connect(lsn.getsockname()[1])
        lsn.settimeout(60)
        self.server, _ = lsn.accept()
        lsn.close()
        self.cport = self.client.getsockname()[1]
        self.sport = self.server.getsockname()[1]
        self.client.sendall(b"!")
        check(self.server.recv(1) == b"!", "the first byte did not arrive")
        self.seq, self.ack, self.options = self.learn(cap)
        cap.close()
        self.raw = topo.client_ns.call(socket.socket, topo.family, socket.SOCK_RAW,
                                       IPPROTO_TTP)
        self.raw.bind((topo.client_addr, 0))
        self.server.setblocking(False)

    def learn(self, cap):
        """The client's one byte as the server's veth saw it: the next
        sequence number, the ACK and the options (a timestamp) to copy."""
        while True:
            frame = cap.recv(2048)
            if struct.unpack("!H", frame[12:14])[0] == 0x0800:
                ip, proto = frame[14:], frame[23]
                off = (ip[0] & 15) * 4
            elif struct.unpack("!H", frame[12:14])[0] == 0x86dd:
                ip, proto, off = frame[14:], frame[20], 40
            else:
                continue
            ttp = ip[off:]
            if proto != IPPROTO_TTP or len(ttp) < 20:
                continue
            sport, dport, seq, ack, doff = struct.unpack("!HHIIB", ttp[:13])
            hlen = (doff >> 4) * 4
            if (sport, dport) == (self.cport, self.sport) and ttp[hlen:] == b"!":
                return (seq + 1) & 0xffffffff, ack, ttp[20:hlen]

    def frame(self, offset, payload, flags=ACK):
        """The client's segment of PAYLOAD at OFFSET bytes past rcv_nxt."""
        t = self.topo
        return segment(t.family, t.client_addr, t.server_addr, self.cport, self.sport,
                       (self.seq + offset) & 0xffffffff, self.ack, flags,
                       doff=5 + len(self.options) // 4, options=self.options,
                       payload=payload)

    def send(self, frame):
        self.raw.sendto(frame, (self.topo.server_addr, 0))

    def readable(self):
        try:
            return self.server.recv(65536)
        except BlockingIOError:
            return b""

    def read(self, n):
        got = b""
        deadline = time.monotonic() + 60
        while len(got) < n and time.monotonic() < deadline:
            more = self.readable()
            if not more:
                time.sleep(0.01)
            got += more
        return got

    def close(self):
        # A reset ends both ends at once: the client never sent what the
        # server acknowledged, and a FIN of its would be out of step.
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.server.close()
        self.client.close()
        self.raw.close()


def counters(topo):
    """The server's counters this test reads (0 for those a module before
    the out-of-order queue's counters lacks: --measure runs on it too)."""
    c = topo.server_ns.counters()
    return {k: c.get(k, 0) for k in ("OfoQueue", "OfoMerged", "OfoPruned", "DropNoMemory",
                                     "DropOutOfWindow", "RcvCollapsed", "DSACKOfoSent")}


def gaps_then_fill(topo):
    rng = random.Random(5390)
    # 1 KiB of truesize or so for each byte held: room for all of them.
    inj = Injector(topo, rcvbuf=8 << 20)
    n = GAPS
    data = bytes(rng.randrange(256) for _ in range(2 * n + 1))
    before = counters(topo)

    # Bytes 1, 3, 5, ... 2n-1 past rcv_nxt, in ascending order: each after
    # a gap, each the new last of the queue.
    for i in range(1, 2 * n, 2):
        inj.send(inj.frame(i, data[i:i + 1]))
    after = wait_for(lambda: (lambda c: c if c["OfoQueue"] - before["OfoQueue"] >= n
                              else None)(counters(topo)), what="every early segment kept")
    check(after["OfoQueue"] - before["OfoQueue"] == n,
          "OfoQueue grew by %d, not %d" % (after["OfoQueue"] - before["OfoQueue"], n))
    for k in ("OfoMerged", "OfoPruned", "DropNoMemory", "DropOutOfWindow"):
        check(after[k] == before[k], "%s grew by %d" % (k, after[k] - before[k]))
    check(not inj.readable(), "data readable before the gap at rcv_nxt filled")

    # Resends of held bytes: nothing new, not kept again.
    for i in range(1, 2 * n, 2 * (n // 10)):
        inj.send(inj.frame(i, data[i:i + 1]))
    # Segments straddling held ones (from a gap to the start of a held one,
    # 11 bytes); segments starting inside what the first ones joined and
    # going on over the next held one; segments starting where a held one
    # does and going on over the next (in its place).
    starts = range(20, 2 * n - 40, (2 * n // 7) & ~1)
    spans = [(a, 11) for a in starts] + [(a + 11, 3) for a in starts]
    spans += [(a + 31, 3) for a in starts]
    for a, length in spans:
        inj.send(inj.frame(a, data[a:a + length]))
    covered = set()
    for a, length in spans:
        covered.update(range(a, a + length))
    mid = wait_for(lambda: (lambda c: c if c["OfoQueue"] - after["OfoQueue"] >= len(spans)
                            else None)(counters(topo)), what="the straddling segments kept")
    check(mid["OfoQueue"] - after["OfoQueue"] == len(spans),
          "OfoQueue grew by %d for %d straddling segments and some resends" %
          (mid["OfoQueue"] - after["OfoQueue"], len(spans)))

    # The other gaps, in random order: they join their neighbours.
    fill = [i for i in range(2, 2 * n + 1, 2) if i not in covered]
    rng.shuffle(fill)
    for i in fill:
        inj.send(inj.frame(i, data[i:i + 1]))
    full = wait_for(lambda: (lambda c: c if c["OfoQueue"] - mid["OfoQueue"] >= len(fill)
                             else None)(counters(topo)), what="the gaps filled")
    check(full["OfoQueue"] - mid["OfoQueue"] == len(fill),
          "OfoQueue grew by %d, not %d" % (full["OfoQueue"] - mid["OfoQueue"], len(fill)))
    check(full["OfoMerged"] > before["OfoMerged"], "no early segment was merged")
    check(not inj.readable(), "data readable before the gap at rcv_nxt filled")

    # The first byte: everything is in order now.
    inj.send(inj.frame(0, data[:1]))
    got = inj.read(len(data))
    check(len(got) == len(data), "%d bytes of %d delivered" % (len(got), len(data)))
    check(got == data, "the bytes delivered are not the bytes sent, in order")
    last = counters(topo)
    # Not DropOutOfWindow: the client answers the ACK of bytes it never
    # sent from its own, old, sequence number.
    for k in ("OfoPruned", "DropNoMemory"):
        check(last[k] == before[k], "%s grew by %d" % (k, last[k] - before[k]))
    print("# %s: %d gapped segments, %d straddling, %d fills: OfoQueue +%d, OfoMerged +%d" %
          (topo.name, n, len(spans), len(fill), last["OfoQueue"] - before["OfoQueue"],
           last["OfoMerged"] - before["OfoMerged"]))
    inj.close()


def prune_far_end(topo):
    """A buffer full of early segments, and the byte at rcv_nxt does not
    fit: what goes is the far end, and the segments nearest the reader
    stay, as TCP's tcp_prune_ofo_queue() chooses."""
    inj = Injector(topo, rcvbuf=16384)
    before = counters(topo)
    for i in range(1, 400, 2):
        inj.send(inj.frame(i, b"%c" % (i & 0xff)))
    full = counters(topo)
    kept = full["OfoQueue"] - before["OfoQueue"]
    check(full["DropNoMemory"] > before["DropNoMemory"],
          "the buffer never filled: %d of 200 early segments kept" % kept)
    check(full["OfoPruned"] == before["OfoPruned"], "pruned before anything was in order")
    top = 2 * kept - 1		# the highest byte held

    inj.send(inj.frame(0, b"\0"))
    got = inj.read(2)
    check(got == b"\0\1", "read %r, not bytes 0 and 1" % got)
    pruned = counters(topo)
    check(pruned["OfoPruned"] == before["OfoPruned"] + 1,
          "OfoPruned grew by %d, not 1" % (pruned["OfoPruned"] - before["OfoPruned"]))
    # The nearest stay: each gap filled delivers the byte held after it.
    for i in range(2, kept, 2):
        inj.send(inj.frame(i, b"%c" % i))
        got = inj.read(2)
        check(got == b"%c%c" % (i, i + 1), "gap %d: read %r, its neighbour lost" % (i, got))
    # The farthest went: sent again, it is kept again, not a duplicate.
    inj.send(inj.frame(top, b"%c" % (top & 0xff)))
    again = counters(topo)
    check(again["OfoQueue"] == pruned["OfoQueue"] + 1,
          "byte %d, the farthest held, was not pruned" % top)
    print("# %s: %d early segments filled the buffer; the byte at rcv_nxt pruned the "
          "far end" % (topo.name, kept))
    inj.close()


def overlapping_compacted(topo):
    """Early segments that join up but cannot be merged as they come
    (each starts a byte before the last one ended, as resends at a new
    MSS may): 100 of 101 bytes, each in its own skb, cost the receiver
    several times its 32 KiB buffer, though they are a third of the
    window it offered. They are copied into compact buffers, as TCP's
    tcp_collapse_ofo_queue() does (RcvCollapsed, with nothing in order
    to read), and none is dropped; the gap at rcv_nxt filled, every byte
    is read, in order."""
    inj = Injector(topo, rcvbuf=16384)
    rng = random.Random(101)
    n, size = 100, 100
    data = bytes(rng.randrange(256) for _ in range(n * size + 2))
    before = counters(topo)
    for i in range(n):
        a = 1 + i * size
        inj.send(inj.frame(a, data[a:a + size + 1]))
    after = wait_for(lambda: (lambda c: c if c["OfoQueue"] + c["DropNoMemory"] -
                              before["OfoQueue"] - before["DropNoMemory"] >= n
                              else None)(counters(topo)), what="every early segment taken")
    check(after["DropNoMemory"] == before["DropNoMemory"],
          "%d early segments dropped for want of memory" %
          (after["DropNoMemory"] - before["DropNoMemory"]))
    check(after["RcvCollapsed"] > before["RcvCollapsed"], "the early segments were never copied")
    check(not inj.readable(), "data readable before the gap at rcv_nxt filled")
    inj.send(inj.frame(0, data[:1]))
    got = inj.read(len(data))
    check(got == data, "%d bytes read of %d, or not the bytes sent" % (len(got), len(data)))
    print("# %s: %d overlapping early segments: RcvCollapsed +%d, DropNoMemory +%d" %
          (topo.name, n, after["RcvCollapsed"] - before["RcvCollapsed"],
           after["DropNoMemory"] - before["DropNoMemory"]))
    inj.close()


def compacted_before_fin(topo):
    """A FIN's segment that overlaps the end of a range of early segments,
    the range copied compact (as above) when later ones fill the buffer:
    the copies stop where the FIN's segment begins, which holds the rest,
    so no copy lies inside it (a copy held all along by its neighbour
    breaks the queue's order: ooo.c). The range reaches 1,300 bytes into
    the FIN's segment, past the third page-sized copy's start (3,776
    bytes a page on x86_64), wherever the page's edge lies within it; a
    resend inside the FIN's segment then is a duplicate, and every byte
    is read once, in order, then the end of the stream."""
    inj = Injector(topo, rcvbuf=64 << 10)
    rng = random.Random(1337)
    start, fin_at, fin_end = 3101, 3101 + 7000, 3101 + 8400
    data = bytes(rng.randrange(256) for _ in range(fin_end))
    before = counters(topo)
    # The FIN's segment first, then the range under it: overlapping
    # 101-byte segments from START, and the last one into the FIN's.
    inj.send(inj.frame(fin_at, data[fin_at:fin_end], ACK | FIN))
    a, sent = start, 2
    while a + 101 < fin_at:
        inj.send(inj.frame(a, data[a:a + 101]))
        a, sent = a + 100, sent + 1
    inj.send(inj.frame(a, data[a:fin_end - 100]))
    ranged = counters(topo)
    check(ranged["RcvCollapsed"] == before["RcvCollapsed"] and
          ranged["DropNoMemory"] == before["DropNoMemory"],
          "the buffer filled before the range was whole: make it larger")
    # Overlapping 11-byte segments before it, until the buffer is full
    # and both ranges are copied compact.
    b = 1
    while counters(topo)["RcvCollapsed"] == ranged["RcvCollapsed"]:
        check(b + 11 < start, "the buffer never filled: RcvCollapsed stayed")
        for _ in range(10):
            inj.send(inj.frame(b, data[b:b + 11]))
            b, sent = b + 10, sent + 1
    # Every one of them new: kept, or dropped for want of memory.
    taken = wait_for(lambda: (lambda c: c if c["OfoQueue"] + c["DropNoMemory"] -
                              before["OfoQueue"] - before["DropNoMemory"] >= sent
                              else None)(counters(topo)), what="every early segment taken")
    check(not inj.readable(), "data readable before the gap at rcv_nxt filled")
    # A resend of bytes the FIN's segment holds, across the range's end:
    # a duplicate, D-SACKed. Were a copy inside the FIN's segment, it
    # would be taken for the segment it starts after, which ends short of
    # it: kept again, or found held all along (the debug kernel warns).
    inj.send(inj.frame(fin_end - 102, data[fin_end - 102:fin_end - 20]))
    probed = wait_for(lambda: (lambda c: c if c["OfoQueue"] + c["DSACKOfoSent"] >
                               taken["OfoQueue"] + taken["DSACKOfoSent"]
                               else None)(counters(topo)), what="the resend taken")
    check(probed["OfoQueue"] == taken["OfoQueue"] and
          probed["DSACKOfoSent"] == taken["DSACKOfoSent"] + 1,
          "a resend of what the FIN's segment holds was kept again, not a duplicate")
    # The gaps before each range, and the first byte: all in order now.
    for a in range(0, start, 1000):
        inj.send(inj.frame(a, data[a:min(a + 1000, start)]))
    got = inj.read(len(data))
    check(got == data, "%d bytes read of %d, or not the bytes sent" % (len(got), len(data)))
    inj.server.setblocking(True)
    inj.server.settimeout(10)
    check(inj.server.recv(1) == b"", "no end of stream after the FIN's segment")
    after = counters(topo)
    print("# %s: a range into a FIN's segment: RcvCollapsed +%d, DropNoMemory +%d" %
          (topo.name, after["RcvCollapsed"] - before["RcvCollapsed"],
           after["DropNoMemory"] - before["DropNoMemory"]))
    inj.close()


def compacted_over_arrival(topo):
    """A segment that overlaps several held ones, none of which holds all
    of it, arrives when the buffer is over its size: compaction makes
    room, and joins the held ones into one copy that does hold all of
    it. It is then a duplicate (D-SACKed), asked again after the room is
    made, not taken for new (the debug kernel's "held all along" warning
    in ttp_ooo_queue())."""
    inj = Injector(topo, rcvbuf=128 << 10)
    rng = random.Random(2018)
    start, n = 1000, 10
    data = bytes(rng.randrange(256) for _ in range(start + 100 * n + 1))
    before = counters(topo)
    for i in range(n):
        a = start + 100 * i
        inj.send(inj.frame(a, data[a:a + 101]))
    held = wait_for(lambda: (lambda c: c if c["OfoQueue"] - before["OfoQueue"] >= n
                             else None)(counters(topo)), what="the overlapping segments kept")
    check(held["RcvCollapsed"] == before["RcvCollapsed"], "compacted before the buffer shrank")
    # The reader shrinks its buffer below what the ten hold: the next
    # segment finds it over its size.
    inj.server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    a, b = start + 50, start + 100 * n - 50
    inj.send(inj.frame(a, data[a:b]))
    came = wait_for(lambda: (lambda c: c if c["OfoQueue"] + c["DSACKOfoSent"] +
                             c["DropNoMemory"] > held["OfoQueue"] + held["DSACKOfoSent"] +
                             held["DropNoMemory"] else None)(counters(topo)),
                    what="the overlapping segment taken")
    check(came["RcvCollapsed"] > held["RcvCollapsed"], "the held segments were never compacted")
    check(came["OfoQueue"] == held["OfoQueue"] and
          came["DSACKOfoSent"] == held["DSACKOfoSent"] + 1,
          "a segment the compacted copy holds all of was not a duplicate: OfoQueue +%d, "
          "DSACKOfoSent +%d, DropNoMemory +%d" %
          (came["OfoQueue"] - held["OfoQueue"], came["DSACKOfoSent"] - held["DSACKOfoSent"],
           came["DropNoMemory"] - held["DropNoMemory"]))
    inj.send(inj.frame(0, data[:start]))
    got = inj.read(len(data))
    check(got == data, "%d bytes read of %d, or not the bytes sent" % (len(got), len(data)))
    inj.close()


def nothing_after_fin(topo):
    """Data held beyond the peer's FIN (only a peer that breaks the rules
    sends it) is never delivered: the reader gets every byte up to the
    FIN, then the end of the stream, whether the FIN's segment was held
    early or came in order; what was held beyond it is freed, as
    tcp_fin() purges."""
    rng = random.Random(793)
    data = bytes(rng.randrange(256) for _ in range(300))
    for fin_held in (True, False):
        inj = Injector(topo)
        if fin_held:
            # The FIN's segment [100, 200) and data [150, 300) past it,
            # both early; then the gap.
            inj.send(inj.frame(100, data[100:200], ACK | FIN))
            inj.send(inj.frame(150, data[150:300]))
            inj.send(inj.frame(0, data[:100]))
            end = 200
        else:
            # Data [150, 300) early; then [0, 150) with the FIN, in order.
            inj.send(inj.frame(150, data[150:300]))
            inj.send(inj.frame(0, data[:150], ACK | FIN))
            end = 150
        got = inj.read(end)
        time.sleep(0.2)
        got += inj.readable()
        check(got == data[:end], "FIN %s: read %d bytes, not the %d before the FIN" %
              ("held early" if fin_held else "in order", len(got), end))
        inj.server.setblocking(True)
        inj.server.settimeout(10)
        check(inj.server.recv(1) == b"", "no end of stream after the FIN")
        inj.close()


def busy_ticks():
    """The guest's system and softirq time so far, in USER_HZ ticks."""
    with open("/proc/stat") as f:
        cpu = f.readline().split()
    return int(cpu[3]) + int(cpu[6]) + int(cpu[7])


def measure(topo, n, order):
    """Seconds of wall and of system+softirq time for N gapped segments,
    and wall time per segment over the last tenth (the queue near N)."""
    inj = Injector(topo, rcvbuf=64 << 20)
    offsets = list(range(1, 2 * n, 2))
    if order == "random":
        random.Random(n).shuffle(offsets)
    frames = [inj.frame(i, b"x") for i in offsets]
    tail = n - n // 10
    ticks = busy_ticks()
    start = time.perf_counter()
    for i, f in enumerate(frames):
        if i == tail:
            mark = time.perf_counter()
        inj.send(f)
    end = time.perf_counter()
    ticks = busy_ticks() - ticks
    inj.close()
    return (end - start) / n, (end - mark) / (n - tail), ticks / os.sysconf("SC_CLK_TCK") / n


def measure_all():
    require_module()
    topo = Topology(socket.AF_INET, True)
    hz = os.sysconf("SC_CLK_TCK")
    print("# kernel %s, %d CPU(s), USER_HZ %d" % (os.uname().release, os.cpu_count(), hz))
    print("| order | N | wall us/segment, all | wall us/segment, last tenth |"
          " system+softirq us/segment | dropped |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for order in ("ascending", "random"):
        for n in (100, 1000, 10000):
            before = counters(topo)
            wall, last, busy = measure(topo, n, order)
            after = counters(topo)
            dropped = sum(after[k] - before[k] for k in ("DropNoMemory", "DropOutOfWindow"))
            print("| %s | %d | %.1f | %.1f | %.1f | %d |" %
                  (order, n, wall * 1e6, last * 1e6, busy * 1e6, dropped))
            sys.stdout.flush()
    topo.close()


def main():
    require_module()
    suite = Suite()
    for family in families(debug=socket.AF_INET6):
        name = "v4-veth" if family == socket.AF_INET else "v6-veth"
        suite.case("%s: %d tiny segments with gaps kept, merged as the gaps fill, "
                   "delivered in order" % (name, GAPS),
                   lambda f=family: gaps_then_fill(Topology(f, True)))
    suite.case("v4-veth: a full buffer of early segments pruned from the far end",
               lambda: prune_far_end(Topology(socket.AF_INET, True)))
    suite.case("v4-veth: overlapping early segments copied compact, none dropped",
               lambda: overlapping_compacted(Topology(socket.AF_INET, True)))
    suite.case("v6-veth: early segments into a FIN's segment copied up to it",
               lambda: compacted_before_fin(Topology(socket.AF_INET6, True)))
    suite.case("v4-veth: a segment the compaction joins under it is a duplicate",
               lambda: compacted_over_arrival(Topology(socket.AF_INET, True)))
    suite.case("v4-veth: nothing held beyond the peer's FIN is delivered",
               lambda: nothing_after_fin(Topology(socket.AF_INET, True)))
    suite.run()


if len(sys.argv) > 1 and sys.argv[1] == "--measure":
    guard(measure_all)
else:
    guard(main)
