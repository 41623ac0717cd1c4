#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Large segments and small queues (module/offload.c, tsq.c). Over
veth, which takes a large skb whole, TTP sends skbs of many segments
and the receiver counts the segments they hold; with the veth's GSO and
TSO off, TTP still sends large segments, as TCP does, and every packet
that crosses fits the MTU. Through a TUN device opened with a virtio-net header and TCP
segmentation offload (TUNSETOFFLOAD), as a VM's NIC would be, TTP's large
skbs are cut by TTP's own callback before they reach it: every frame that
comes out is a whole, correctly summed TTP segment within the MTU, none
asks the device to segment it as TCP, and nftables still counts the
traffic. Behind a qdisc slower than the flow, the sender keeps about a
millisecond of its data in it and no more. Each over IPv4 and IPv6."""

import fcntl
import json
import os
import re
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (IPPROTO_TTP, SOL_TTP, Suite, Topology, check, csum, families,  # noqa: E402
                    guard, on_debug_kernel, pseudo, require_module, run, scaled,
                    transfer)

TTP_INFO = 11
INFO_FORMAT = "=8B18I3Q"
SEGS_IN = 8 + 13		# struct ttp_info: segs_in, after 8 bytes and 13 u32s
MTU = 1500
TUNSETIFF, TUNSETOFFLOAD = 0x400454ca, 0x400454d0
IFF_TUN, IFF_NO_PI, IFF_VNET_HDR = 0x0001, 0x1000, 0x4000
TUN_F_CSUM, TUN_F_TSO4, TUN_F_TSO6 = 0x01, 0x02, 0x04
VNET_HDR = "<BBHHHH"		# struct virtio_net_hdr, little-endian on x86
VNET_NEEDS_CSUM = 1


def segs_in(sock):
    raw = sock.getsockopt(SOL_TTP, TTP_INFO, struct.calcsize(INFO_FORMAT))
    return struct.unpack(INFO_FORMAT, raw)[SEGS_IN]


def count_ttp(ns, hook):
    """An nftables counter of TTP packets at HOOK (output or input) in NS."""
    nft = ["ip", "netns", "exec", ns.name, "nft"]
    run(*nft, "-f", "-", input="table inet ttp_count {\n"
        " chain c { type filter hook %s priority 0; meta l4proto %d counter; }\n}\n"
        % (hook, IPPROTO_TTP))

    def read():
        out = run(*nft, "list", "table", "inet", "ttp_count").stdout
        m = re.search(r"counter packets (\d+) bytes (\d+)", out)
        check(m, "no counter in: " + out)
        return int(m.group(1)), int(m.group(2))
    return read


def size():
    return scaled(4 << 20, 1 << 20)


def veth_bulk(family, nbytes, gso=True, until_joined=False):
    """NBYTES from client to server over veth (with the client's GSO and
    TSO off unless GSO), or more (until_joined, below), checked: the TTP
    packets and bytes that left the client's IP layer, the packets and
    bytes that reached the server's, the last server socket's segs_in, and
    how many segments its backlog joined (BacklogCoalesce)."""
    topo = Topology(family, True)
    try:
        if not gso:
            topo.client_ns.call(run, "ethtool", "-K", topo.dev_client, "gso", "off",
                                "tso", "off")
        out = count_ttp(topo.client_ns, "output")
        inp = count_ttp(topo.server_ns, "input")
        joined = topo.server_ns.counter("BacklogCoalesce")
        # Segments meet in the backlog only when they come while the
        # reader holds the socket, which the machine's timing decides:
        # until_joined sends NBYTES again on a new connection, up to 8
        # times in all, until some have.
        for _ in range(8 if until_joined else 1):
            lsn, c, s = topo.pair()
            transfer(c, s, os.urandom(nbytes), timeout=300)
            segs = segs_in(s)
            for sock in (c, s, lsn):
                sock.close()
            if topo.server_ns.counter("BacklogCoalesce") > joined:
                break
        joined = topo.server_ns.counter("BacklogCoalesce") - joined
        result = out() + inp() + (segs, joined)
        return result
    finally:
        topo.close()


def veth_large(family):
    """A bulk transfer over veth: skbs leave carrying many segments (the
    client's output counts more than an MTU per packet), arrive whole (the
    server's input counts fewer packets than the segments its socket
    counts), and every byte arrives."""
    n = size()
    packets, nbytes, received, _, segs, _ = veth_bulk(family, n)
    # Three segments a packet on average; on the debug kernel more than
    # one: its rate is low, and batches sized by it (about 1 ms of data, at
    # least two segments) averaged under two there (1 MiB in 400 packets).
    # Without large segments no packet carries more than an MTU (the case
    # below).
    per = 1 if on_debug_kernel() else 3
    check(nbytes > packets * per * MTU,
          "%d bytes in %d packets left the client: no large segments" % (nbytes, packets))
    check(segs >= n // MTU, "the server counted %d segments for %d bytes" % (segs, n))
    check(received * per < segs,
          "%d packets came in for %d segments: not large ones" % (received, segs))


def veth_no_gso(family):
    """With GSO and TSO off on the client's veth, TTP still hands its IP
    layer large segments, as TCP does (its GSO is always on), and the
    device layer cuts them in software (offload.c's callbacks): the
    client's output hook counts packets larger than the MTU on average,
    and every packet that reaches the server fits it (veth's GRO is off,
    so they arrive as they were cut). Those that come while the reader
    holds the socket are joined in its backlog (module/input.c), as TCP
    joins them, and every byte still arrives in order (transfer())."""
    n = size() // 4
    packets, nbytes, received, rbytes, _, joined = veth_bulk(family, n, gso=False,
                                                             until_joined=True)
    check(nbytes > packets * MTU,
          "%d bytes in %d packets left the client's IP layer: no large segments"
          % (nbytes, packets))
    check(received >= n // MTU and rbytes <= received * MTU,
          "%d bytes in %d packets reached the server: not cut to the MTU" % (rbytes, received))
    check(joined > 0, "no segment was joined to another in the server's backlog")


def open_tun(name):
    if not os.path.exists("/dev/net/tun"):
        run("modprobe", "tun")
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI |
                                           IFF_VNET_HDR))
    fcntl.ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)
    return fd


def ttp_of(family, frame):
    """The addresses and TTP segment of FRAME, an IP packet, if it is TTP."""
    if family == socket.AF_INET:
        if frame[0] >> 4 != 4 or frame[9] != IPPROTO_TTP:
            return None
        ihl = (frame[0] & 15) * 4
        return (socket.inet_ntop(family, frame[12:16]), socket.inet_ntop(family, frame[16:20]),
                frame[ihl:struct.unpack("!H", frame[2:4])[0]], ihl)
    if frame[0] >> 4 != 6 or frame[6] != IPPROTO_TTP:
        return None
    return (socket.inet_ntop(family, frame[8:24]), socket.inet_ntop(family, frame[24:40]),
            frame[40:40 + struct.unpack("!H", frame[4:6])[0]], 40)


def check_frame(family, raw):
    """One frame read from the TUN device: (seq, payload length) of the
    TTP segment it holds, after checking it is whole and summed right."""
    flags, gso_type, _, gso_size, start, offset = struct.unpack_from(VNET_HDR, raw)
    frame = bytearray(raw[struct.calcsize(VNET_HDR):])
    check(gso_type == 0 and gso_size == 0,
          "a frame asks the device to segment it (gso_type %d, gso_size %d)"
          % (gso_type, gso_size))
    check(len(frame) <= MTU, "a frame of %d bytes, over the MTU" % len(frame))
    parsed = ttp_of(family, bytes(frame))
    if parsed is None:
        return None
    src, dst, seg, hl = parsed
    seg = bytearray(seg)
    if flags & VNET_NEEDS_CSUM:
        # The device's part, as a virtio host does it: sum from csum_start
        # (where the pseudo-header sum already is) into csum_offset.
        check(start == hl and offset == 18,
              "the checksum is left at %d+%d, not TTP's %d+18" % (start, offset, hl))
        seg[18:20] = struct.pack("!H", csum(bytes(seg)))
    check(csum(pseudo(family, src, dst, len(seg)) + bytes(seg)) == 0,
          "a segment with a bad checksum")
    doff = (seg[12] >> 4) * 4
    return struct.unpack("!I", seg[4:8])[0], len(seg) - doff


def tun_segments(family):
    """An established connection whose route then goes through a TUN
    device with TSO: what it sends comes out as whole segments within the
    MTU, correctly summed, continuous in sequence; fewer packets passed
    nftables' output hook than frames came out (the large ones were cut
    by TTP, between the two)."""
    topo = Topology(family, True)
    fd = None
    lsn, c, s = topo.pair()
    try:
        # Some data first, so the window has grown as a connection's has.
        c.sendall(b"x" * 100000)
        got = 0
        while got < 100000:
            got += len(s.recv(65536))
        ns = topo.client_ns
        fd = ns.call(open_tun, "ttptun")
        ns.ip("link", "set", "ttptun", "up", "mtu", str(MTU))
        host = "/32" if family == socket.AF_INET else "/128"
        out = count_ttp(ns, "output")
        before = out()[0]
        ns.ip("route", "replace", topo.server_addr + host, "dev", "ttptun")
        c.setblocking(False)
        try:
            c.send(os.urandom(256 << 10))
        except BlockingIOError:
            pass
        frames, ends, deadline = 0, set(), time.monotonic() + 5
        first = None
        while time.monotonic() < deadline and frames < 40:
            try:
                raw = os.read(fd, 65536)
            except BlockingIOError:
                time.sleep(0.05)
                continue
            got = check_frame(family, raw)
            if not got or not got[1]:
                continue
            seq, length = got
            if first is None:
                first = seq
            # A segment begins where one sent before ended, or is the first.
            check(seq == first or seq in ends, "a segment at %d follows no other" % seq)
            ends.add((seq + length) & 0xffffffff)
            frames += 1
        packets = out()[0] - before
        check(frames >= 10, "only %d data frames came out of the TUN device" % frames)
        check(packets < frames,
              "%d packets passed nftables for %d frames: nothing was cut" % (packets, frames))
    finally:
        if fd is not None:
            os.close(fd)
        # An abort: the client's FIN would go to the TUN device and wait.
        for sock in (c, s, lsn):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        topo.close()


def qdisc_drops(ns, dev):
    """Packets DEV's root qdisc in NS dropped."""
    out = run("ip", "netns", "exec", ns.name, "tc", "-j", "-s", "qdisc", "show", "dev", dev,
              "root").stdout
    return json.loads(out)[0]["drops"]


def small_queues(family):
    """A qdisc slower than the flow (tbf, room for 384 KB) on the client's
    veth: the sender keeps about 1 ms of its data there, at least two of
    its skbs, and no more, as TCP's small queues do; it stops
    (TsqThrottled) and goes on as they leave, and the qdisc drops
    nothing. Without that its window would fill the qdisc, a delay every
    other flow through it would share, and overflow it (810 KB waited
    in a 16 MB one). Every byte arrives. Twice: with a burst that takes
    large segments whole, and with one that does not, where tbf has
    TTP's callback cut them as they come: the pieces stay charged to the
    socket."""
    for burst in ("256kb", "2kb"):
        small_queue(family, burst)


def small_queue(family, burst):
    # A rate the sender still exceeds when three other VMs share the host's
    # two cores: the debug kernel's fell to 130 KB/s there, below 2 Mbit/s,
    # and then nothing waited in the qdisc to stop it.
    rate, nbytes = ("500kbit", 1 << 19) if on_debug_kernel() else ("8mbit", 2 << 20)
    topo = Topology(family, True)
    ns, dev = topo.client_ns, topo.dev_client
    sockets = ()
    try:
        run("ip", "netns", "exec", ns.name, "tc", "qdisc", "replace", "dev", dev, "root", "tbf",
            "rate", rate, "burst", burst, "limit", "384kb")
        sockets = topo.pair()
        _, c, s = sockets
        before = ns.counter("TsqThrottled")
        transfer(c, s, os.urandom(nbytes), timeout=120)
        throttled, drops = ns.counter("TsqThrottled") - before, qdisc_drops(ns, dev)
        print("# burst %s: the sender stopped %d times; the qdisc dropped %d packets" %
              (burst, throttled, drops))
        check(throttled > 0, "TsqThrottled did not move")
        check(drops == 0, "more than 384 KB waited in the qdisc: %d packets dropped" % drops)
    finally:
        for sock in sockets:
            sock.close()
        topo.close()


def main():
    require_module()
    suite = Suite()
    # On the debug kernel the veth cases take turns by family (ttplib's
    # families()); the TUN case, where TTP's own gso_segment callbacks cut
    # the large segments, runs over both.
    cases = [("veth: large segments leave whole, counted as segments", veth_large,
              families(debug=socket.AF_INET6)),
             ("veth with GSO and TSO off: cut to the MTU below IP", veth_no_gso,
              families(debug=socket.AF_INET)),
             ("TUN with TSO: whole, summed segments within the MTU", tun_segments,
              (socket.AF_INET, socket.AF_INET6)),
             ("a slow qdisc holds about 1 ms of one flow, no more", small_queues,
              families(debug=socket.AF_INET))]
    for family in (socket.AF_INET, socket.AF_INET6):
        name = "v4" if family == socket.AF_INET else "v6"
        for desc, case, fams in cases:
            if family in fams:
                suite.case("%s: %s" % (name, desc), case, family)
    suite.run()


guard(main)
