#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Device binding and VRFs, as TCP's: listeners bound (SO_BINDTODEVICE) to
two interfaces on one port each take their own interface's connections,
and a device-bound socket cannot take an unbound connection's 4-tuple;
two VRFs carry the same 4-tuple at once, and an unbound listener takes a
VRF's connections only with l3mdev_accept 1. Each over IPv4 and IPv6.
The topology helpers are ttp_path.py's."""

import errno
import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import Netns, Suite, check, families, guard, require_module, run  # noqa: E402
from ttp_path import SO_BINDTODEVICE, addr, link  # noqa: E402


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
            run("ip", "link", "add", dev + "a", "netns", a.name if ns is a else b.name,
                "type", "veth", "peer", "name", dev + "b", "netns", server.name)
            # Enslaved before it has addresses: enslaving cycles a device,
            # and IPv6 would drop them.
            for n, d, host in ((ns, dev + "a", 1), (server, dev + "b", 2)):
                n.ip_batch(*([("link", "add", vrf, "type", "vrf", "table", str(table)),
                              ("link", "set", vrf, "up"),
                              ("link", "set", d, "master", vrf)] if n is server else []),
                           ("addr", "add", addr(socket.AF_INET, 66, host) + "/24", "dev", d),
                           ("addr", "add", addr(socket.AF_INET6, 66, host) + "/64", "dev", d,
                            "nodad"),
                           ("link", "set", d, "up"))
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


def main():
    require_module()
    suite = Suite()
    for family in families(debug=socket.AF_INET):
        name = "v4" if family == socket.AF_INET else "v6"
        suite.case("%s: SO_BINDTODEVICE listeners share a port" % name, bind_device, family)
        suite.case("%s: two VRFs, one 4-tuple; l3mdev_accept" % name, vrf_pair, family)
    suite.run()


guard(main)
