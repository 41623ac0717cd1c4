#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A real path, not one veth: client, router, router, server namespaces with
the routers' link at MTU 1280. A transfer both ways completes, each end's
route learning the smaller MTU from ICMP (PMTUReduced); with the routers'
"fragmentation needed" and "packet too big" dropped (nft), it completes
with mtu_probing 1 (PMTUBlackholes) and stalls with 0. Device binding:
listeners bound (SO_BINDTODEVICE) to two interfaces on one port each take
their own interface's connections; two VRFs carry the same 4-tuple at
once, and an unbound listener takes a VRF's connections only with
l3mdev_accept 1. A forged ICMP error whose quoted sequence number is not
in flight changes nothing (OutOfWindowIcmps); the same with the right one
ends a connect(). Each over IPv4 and IPv6."""

import errno
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (IPPROTO_TTP, Netns, Suite, check, csum, guard,  # noqa: E402
                    on_debug_kernel, require_module, run, transfer, wait_for)

SO_BINDTODEVICE = 25
LINGER0 = struct.pack("ii", 1, 0)


def addr(family, net, host):
    """10.NET.0.HOST or fdNET::HOST."""
    return "10.%d.0.%d" % (net, host) if family == socket.AF_INET else "fd%d::%d" % (net, host)


def link(a, b, dev, net, mtu=1500):
    """A veth between namespaces A (.1) and B (.2) on subnet NET."""
    run("ip", "link", "add", dev + "a", "netns", a.name, "mtu", str(mtu), "type", "veth",
        "peer", "name", dev + "b", "netns", b.name, "mtu", str(mtu))
    for ns, d, host in ((a, dev + "a", 1), (b, dev + "b", 2)):
        ns.ip("addr", "add", addr(socket.AF_INET, net, host) + "/24", "dev", d)
        ns.ip("addr", "add", addr(socket.AF_INET6, net, host) + "/64", "dev", d, "nodad")
        ns.ip("link", "set", d, "up")


class Path:
    """client - r1 - r2 - server; r1-r2 at MTU 1280 (subnet 62), the ends at
    1500 (61 client side, 63 server side)."""

    def __init__(self):
        self.client, self.r1, self.r2, self.server = (Netns("path") for _ in range(4))
        link(self.client, self.r1, "pc", 61)
        link(self.r1, self.r2, "pm", 62, mtu=1280)
        link(self.r2, self.server, "ps", 63)
        for r in (self.r1, self.r2):
            run("ip", "netns", "exec", r.name, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1",
                "net.ipv6.conf.all.forwarding=1")
        for fam, flag in ((socket.AF_INET, "-4"), (socket.AF_INET6, "-6")):
            self.client.ip(flag, "route", "add", "default", "via", addr(fam, 61, 2))
            self.server.ip(flag, "route", "add", "default", "via", addr(fam, 63, 1))
            self.r1.ip(flag, "route", "add", addr(fam, 63, 0) + ("/24" if flag == "-4" else "/64"),
                       "via", addr(fam, 62, 2))
            self.r2.ip(flag, "route", "add", addr(fam, 61, 0) + ("/24" if flag == "-4" else "/64"),
                       "via", addr(fam, 62, 1))

    def mute_icmp(self):
        """The routers stop saying "too big": a black hole."""
        for r in (self.r1, self.r2):
            run("ip", "netns", "exec", r.name, "nft", "-f", "-", input=(
                "table inet mute {\n chain out {\n"
                "  type filter hook output priority 0;\n"
                "  icmp type destination-unreachable icmp code frag-needed counter drop\n"
                "  icmpv6 type packet-too-big counter drop\n }\n}\n"))

    def muted(self):
        """Messages the routers' rules dropped."""
        n = 0
        for r in (self.r1, self.r2):
            out = run("ip", "netns", "exec", r.name, "nft", "list", "table", "inet",
                      "mute").stdout
            n += sum(int(x.split()[0]) for x in out.split("packets")[1:])
        return n

    def close(self):
        for ns in (self.client, self.r1, self.r2, self.server):
            ns.delete()


def path_transfer(family, mute, probing):
    """SIZE each way over the path; what the client's and server's
    counters say. With EXPECT_STALL, the transfer must not finish."""
    p = Path()
    try:
        for ns in (p.client, p.server):
            ns.set(mtu_probing=probing, rto_max_ms=2000)
        if mute:
            p.mute_icmp()
        size = (1 if on_debug_kernel() else 16) << 20
        lsn = p.server.socket(family)
        lsn.bind((addr(family, 63, 2), 0))
        lsn.listen(1)
        c = p.client.socket(family)
        c.settimeout(60)
        c.connect((addr(family, 63, 2), lsn.getsockname()[1]))
        s, _ = lsn.accept()
        s.settimeout(60)
        data = os.urandom(size)
        stall = mute and not probing
        try:
            transfer(c, s, data, data[::-1], timeout=40 if stall else 900)
            done = True
        except Exception as e:
            if not stall:
                raise
            done = False
            print("# as it should, the transfer stalled: %s" % str(e).splitlines()[0])
        counters = {k: p.client.counter(k) + p.server.counter(k)
                    for k in ("PMTUReduced", "PMTUBlackholes", "Timeouts")}
        print("# %s" % counters)
        for x in (c, s, lsn):
            x.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0)
            x.close()
        if mute:
            check(p.muted() > 0, "the routers had no message to drop: no black hole")
        return done, counters
    finally:
        p.close()


def pmtu_icmp(family):
    """The routers' ICMP teaches both ends the path MTU: the transfer
    completes, each direction's MSS lowered once at least."""
    done, n = path_transfer(family, mute=False, probing=0)
    check(done, "the transfer did not complete")
    check(n["PMTUReduced"] >= 2, "PMTUReduced is %d, not at least 2 (one each way)" %
          n["PMTUReduced"])


def pmtu_blackhole(family):
    """ICMP dropped on the routers: with mtu_probing 1 the ends fall back
    to the base MSS after timeouts and complete; with 0 they stall."""
    done, n = path_transfer(family, mute=True, probing=1)
    check(done, "mtu_probing 1: the transfer did not complete")
    check(n["PMTUBlackholes"] >= 1 and n["PMTUReduced"] == 0,
          "mtu_probing 1: PMTUBlackholes %d, PMTUReduced %d" %
          (n["PMTUBlackholes"], n["PMTUReduced"]))
    done, n = path_transfer(family, mute=True, probing=0)
    check(not done, "mtu_probing 0: the transfer completed through a black hole")
    check(n["PMTUBlackholes"] == 0, "mtu_probing 0 fell back")


def accept_from(lsn, timeout=30):
    lsn.settimeout(timeout)
    s, peer = lsn.accept()
    return s, peer[0]


def bind_device(family):
    """One server, two interfaces to two clients, one port: a listener
    bound to each interface. The second bind() succeeds, and each
    listener accepts only its own interface's client. A client socket
    bound to its device cannot take an unbound connection's 4-tuple."""
    server, a, b = Netns("bdev"), Netns("bdev"), Netns("bdev")
    try:
        link(a, server, "ba", 64)
        link(b, server, "bb", 65)
        listeners = {}
        for dev, net in (("bab", 64), ("bbb", 65)):
            lsn = server.socket(family)
            lsn.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, dev.encode())
            lsn.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            lsn.bind(("0.0.0.0" if family == socket.AF_INET else "::", 7200))
            lsn.listen(4)
            listeners[net] = lsn
        for ns, net in ((a, 64), (b, 65)):
            c = ns.socket(family)
            c.settimeout(30)
            c.connect((addr(family, net, 2), 7200))
            c.sendall(b"%d" % net)
            s, peer = accept_from(listeners[net])
            check(peer == addr(family, net, 1), "listener %d accepted %s" % (net, peer))
            check(s.recv(10) == b"%d" % net, "the data went astray")
            s.close()
            c.close()
        for net, lsn in listeners.items():
            lsn.setblocking(False)
            try:
                extra = lsn.accept()
            except BlockingIOError:
                extra = None
            lsn.setblocking(True)
            check(extra is None, "listener %d accepted another's connection" % net)
        # A socket bound to the device may not take the 4-tuple of an
        # unbound connection: it would be found first for what comes in
        # on that device, and take the other's segments.
        lsn = listeners[64]
        first = a.socket(family)
        first.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        first.bind((addr(family, 64, 1), 45000))
        first.settimeout(30)
        first.connect((addr(family, 64, 2), 7200))
        s, _ = accept_from(lsn)
        thief = a.socket(family)
        thief.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        thief.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, b"baa")
        thief.bind((addr(family, 64, 1), 45000))
        err = thief.connect_ex((addr(family, 64, 2), 7200))
        check(err == errno.EADDRNOTAVAIL,
              "a device-bound socket took a connected 4-tuple: %s" % os.strerror(err))
        first.sendall(b"still mine")
        check(s.recv(20) == b"still mine", "the first connection's data went astray")
        for sock in (thief, first, s):
            sock.close()
        for lsn in listeners.values():
            lsn.close()
    finally:
        for ns in (server, a, b):
            ns.delete()


def vrf_pair(family):
    """Two VRFs in one server namespace, the same addresses in each: two
    clients with the same address and port reach the same server address
    and port, one per VRF. Both connections live at once and carry their
    own data (the same 4-tuple, two keys). An unbound listener takes a
    VRF's connection only with l3mdev_accept 1."""
    server, a, b = Netns("vrf"), Netns("vrf"), Netns("vrf")
    try:
        for ns, dev, table in ((a, "va", 10), (b, "vb", 20)):
            vrf = "vrf-" + dev
            server.ip("link", "add", vrf, "type", "vrf", "table", str(table))
            server.ip("link", "set", vrf, "up")
            # Enslaved before it has addresses: enslaving cycles a device,
            # and IPv6 would drop them.
            run("ip", "link", "add", dev + "a", "netns", a.name if ns is a else b.name,
                "type", "veth", "peer", "name", dev + "b", "netns", server.name)
            server.ip("link", "set", dev + "b", "master", vrf)
            for n, d, host in ((ns, dev + "a", 1), (server, dev + "b", 2)):
                n.ip("addr", "add", addr(socket.AF_INET, 66, host) + "/24", "dev", d)
                n.ip("addr", "add", addr(socket.AF_INET6, 66, host) + "/64", "dev", d,
                     "nodad")
                n.ip("link", "set", d, "up")
        listeners = {}
        for dev in ("va", "vb"):
            lsn = server.socket(family)
            lsn.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, ("vrf-" + dev).encode())
            lsn.bind((addr(family, 66, 2), 7300))
            lsn.listen(4)
            listeners[dev] = lsn
        conns = []
        for ns, dev in ((a, "va"), (b, "vb")):
            c = ns.socket(family)
            c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            c.bind((addr(family, 66, 1), 45678))
            c.settimeout(30)
            c.connect((addr(family, 66, 2), 7300))
            s, _ = accept_from(listeners[dev])
            conns.append((dev, c, s))
        # Both at once: each side hears only its own.
        for dev, c, s in conns:
            c.sendall(dev.encode() * 100)
            s.sendall(dev.upper().encode() * 100)
        for dev, c, s in conns:
            got = b""
            while len(got) < 200:
                got += s.recv(1000)
            check(got == dev.encode() * 100, "%s's server side read %r" % (dev, got[:20]))
            got = b""
            while len(got) < 200:
                got += c.recv(1000)
            check(got == dev.upper().encode() * 100, "%s's client read %r" % (dev, got[:20]))
        for dev, c, s in conns:
            c.close()
            s.close()
        for lsn in listeners.values():
            lsn.close()

        # An unbound listener: not reached from inside a VRF by default.
        server.set(l3mdev_accept=0)
        lsn = server.socket(family)
        lsn.bind(("0.0.0.0" if family == socket.AF_INET else "::", 7301))
        lsn.listen(4)
        a.set(syn_retries=1, rto_init_ms=1000)
        c = a.socket(family)
        c.settimeout(30)
        err = c.connect_ex((addr(family, 66, 2), 7301))
        c.close()
        check(err == errno.ECONNREFUSED, "l3mdev_accept 0: connect() said %s" %
              os.strerror(err))
        server.set(l3mdev_accept=1)
        c = a.socket(family)
        c.settimeout(30)
        c.connect((addr(family, 66, 2), 7301))
        s, _ = accept_from(lsn)
        check(s.getsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, 16).rstrip(b"\0") == b"vrf-va",
              "the child is not bound to the VRF it came from")
        for x in (c, s, lsn):
            x.close()
    finally:
        for ns in (server, a, b):
            ns.delete()


def icmp_unreachable(family, src, dst, sport, dport, seq):
    """An ICMP or ICMPv6 "port unreachable" about a TTP segment from SRC to
    DST, quoting its first eight bytes: ports and sequence number."""
    quoted = struct.pack("!HHI", sport, dport, seq)
    if family == socket.AF_INET:
        iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 20, 0, 0x4000, 64, IPPROTO_TTP, 0,
                          socket.inet_pton(family, src), socket.inet_pton(family, dst))
        iph = iph[:10] + struct.pack("!H", csum(iph)) + iph[12:]
        body = struct.pack("!BBHI", 3, 3, 0, 0) + iph + quoted
        return body[:2] + struct.pack("!H", csum(body)) + body[4:]
    ip6 = struct.pack("!IHBB16s16s", 6 << 28, 20, IPPROTO_TTP, 64,
                      socket.inet_pton(family, src), socket.inet_pton(family, dst))
    return struct.pack("!BBHI", 1, 4, 0, 0) + ip6 + quoted  # the kernel sums ICMPv6


def forged_icmp(family):
    """A connect() waits for an answer that never comes (the server drops
    TTP). A forged "port unreachable" quoting a sequence number the SYN did
    not use changes nothing and is counted; one quoting the SYN's own ends
    the connect() (ECONNREFUSED), as RFC 5927 would have it."""
    client, server = Netns("icmp"), Netns("icmp")
    try:
        link(client, server, "ic", 67)
        server.set(syncookies=0)
        run("ip", "netns", "exec", server.name, "nft", "-f", "-", input=(
            "table inet ttpin {\n chain in {\n  type filter hook input priority 0;\n"
            "  meta l4proto 253 drop\n }\n}\n"))
        caddr, saddr = addr(family, 67, 1), addr(family, 67, 2)
        # The SYN, seen on the server's side of the link.
        cap = server.call(socket.socket, socket.AF_PACKET, socket.SOCK_DGRAM,
                          socket.htons(0x0800 if family == socket.AF_INET else 0x86dd))
        cap.bind(("icb", 0))
        cap.settimeout(30)
        c = client.socket(family)
        c.setblocking(False)
        c.connect_ex((saddr, 7400))
        while True:
            pkt = cap.recv(2000)
            off = 20 if family == socket.AF_INET else 40
            if pkt[9 if family == socket.AF_INET else 6] == IPPROTO_TTP:
                break
        sport, dport, iss = struct.unpack("!HHI", pkt[off:off + 8])
        raw = server.call(socket.socket, family, socket.SOCK_RAW,
                          socket.IPPROTO_ICMP if family == socket.AF_INET else
                          socket.IPPROTO_ICMPV6)
        before = client.counter("OutOfWindowIcmps")
        raw.sendto(icmp_unreachable(family, caddr, saddr, sport, dport,
                                    (iss + 100000) & 0xffffffff), (caddr, 0))
        wait_for(lambda: client.counter("OutOfWindowIcmps") == before + 1, 30,
                 "the forged ICMP to be counted")
        check(c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0,
              "a forged ICMP outside the window ended the connect()")
        check(client.gauges()["SYN_SENT"] == 1, "the connection left SYN_SENT")
        raw.sendto(icmp_unreachable(family, caddr, saddr, sport, dport, iss), (caddr, 0))
        wait_for(lambda: client.gauges()["SYN_SENT"] == 0, 30, "the connect() to end")
        err = c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        check(err == errno.ECONNREFUSED, "connect() ended with %s" % os.strerror(err))
        for x in (c, cap, raw):
            x.close()
    finally:
        client.delete()
        server.delete()


def main():
    require_module()
    suite = Suite()
    for family in (socket.AF_INET, socket.AF_INET6):
        name = "v4" if family == socket.AF_INET else "v6"
        suite.case("%s: path MTU learned from ICMP through two routers" % name,
                   pmtu_icmp, family)
        suite.case("%s: a black hole: mtu_probing 1 completes, 0 stalls" % name,
                   pmtu_blackhole, family)
        suite.case("%s: SO_BINDTODEVICE listeners share a port" % name, bind_device, family)
        suite.case("%s: two VRFs, one 4-tuple; l3mdev_accept" % name, vrf_pair, family)
        suite.case("%s: forged ICMP outside the window ignored, inside acted on" % name,
                   forged_icmp, family)
    suite.run()


guard(main)
