#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A real path, not one veth: client, router, router, server namespaces with
the routers' link at MTU 1280. A transfer both ways completes, each end's
route learning the smaller MTU from ICMP (PMTUReduced). A forged ICMP
error whose quoted sequence number is not in flight changes nothing
(OutOfWindowIcmps); the same with the right one ends a connect(). Each
over IPv4 and IPv6. Black holes: ttp_path_blackhole.py; devices and
VRFs: ttp_path_devices.py."""

import errno
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (IPPROTO_TTP, Netns, Suite, check, csum, guard,  # noqa: E402
                    families, require_module, run, scaled, transfer,
                    wait_for)

SO_BINDTODEVICE = 25
LINGER0 = struct.pack("ii", 1, 0)


def addr(family, net, host):
    """10.NET.0.HOST or fdNET::HOST."""
    return "10.%d.0.%d" % (net, host) if family == socket.AF_INET else "fd%d::%d" % (net, host)


def link(a, b, dev, net, mtu=1500):
    """A veth between namespaces A (.1) and B (.2) on subnet NET: one ip
    process a side (a process start is dear on the debug kernel)."""
    run("ip", "link", "add", dev + "a", "netns", a.name, "mtu", str(mtu), "type", "veth",
        "peer", "name", dev + "b", "netns", b.name, "mtu", str(mtu))
    for ns, d, host in ((a, dev + "a", 1), (b, dev + "b", 2)):
        ns.ip_batch(("addr", "add", addr(socket.AF_INET, net, host) + "/24", "dev", d),
                    ("addr", "add", addr(socket.AF_INET6, net, host) + "/64", "dev", d,
                     "nodad"),
                    ("link", "set", d, "up"))


class Path:
    """client - r1 - r2 - server; r1-r2 at MTU 1280 (subnet 62), the ends at
    1500 (61 client side, 63 server side)."""

    def __init__(self):
        self.client, self.r1, self.r2, self.server = (Netns("path") for _ in range(4))
        link(self.client, self.r1, "pc", 61)
        link(self.r1, self.r2, "pm", 62, mtu=1280)
        link(self.r2, self.server, "ps", 63)
        for r in (self.r1, self.r2):
            r.sysctl("net.ipv4.ip_forward", 1)
            r.sysctl("net.ipv6.conf.all.forwarding", 1)
        fams = ((socket.AF_INET, "0.0.0.0/0", "/24"), (socket.AF_INET6, "::/0", "/64"))
        self.client.ip_batch(*[("route", "add", any_, "via", addr(fam, 61, 2))
                               for fam, any_, _ in fams])
        self.server.ip_batch(*[("route", "add", any_, "via", addr(fam, 63, 1))
                               for fam, any_, _ in fams])
        self.r1.ip_batch(*[("route", "add", addr(fam, 63, 0) + plen, "via", addr(fam, 62, 2))
                           for fam, _, plen in fams])
        self.r2.ip_batch(*[("route", "add", addr(fam, 61, 0) + plen, "via", addr(fam, 62, 1))
                           for fam, _, plen in fams])

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
        # 16 MiB (4 on 6.1 and 7.3); 256 KiB on the debug kernel (about
        # 200 full-sized segments each way: the path's MTU, or its black
        # hole, meets the first of them; 1 MiB took it over three minutes a
        # case).
        size = scaled(16 << 20, 256 << 10)
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
    for family in families(debug=socket.AF_INET6):
        name = "v4" if family == socket.AF_INET else "v6"
        suite.case("%s: path MTU learned from ICMP through two routers" % name,
                   pmtu_icmp, family)
        suite.case("%s: forged ICMP outside the window ignored, inside acted on" % name,
                   forged_icmp, family)
    suite.run()


if __name__ == "__main__":
    guard(main)
