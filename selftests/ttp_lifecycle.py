#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The module's and the namespaces' lifecycles under load: 100 load/unload
cycles with a burst of connections between them; 100 namespaces made and
destroyed while they hold listeners, connections and TIME_WAIT entries;
unloading with TIME_WAIT entries in 20 namespaces that stay. Nothing may be
left behind: a socket would keep the module loaded, and an entry or request
left in TTP's caches makes their destruction at unload shout (a splat the
run's log check fails on); on the debug kernel kmemleak looks too."""

import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (Netns, Suite, guard, check,  # noqa: E402
                    require_module, scaled, skip_all, wait_for)

# The sizes on Debian's 6.12 and outside the runner; a quarter of
# them on 6.1 and 7.3 (ttplib.scaled): the same paths, each still taken
# many times over, in a quarter of the time (the whole sizes took 230 s of
# a Debian kernel's suite). A tenth on the debug kernel, where every step
# takes every check there is (100 cycles alone took it ten minutes).
CYCLES = scaled(100, 10)
NAMESPACES = scaled(100, 10)
TW_NAMESPACES = scaled(20, 4)


def loaded():
    return os.path.exists("/sys/module/ttp")


def users():
    with open("/sys/module/ttp/refcnt") as f:
        return int(f.read())


def rmmod():
    # Sockets just closed may still be finishing their close.
    wait_for(lambda: users() == 0, 300, "the module's last users to go")
    r = subprocess.run(["rmmod", "ttp"], capture_output=True, text=True)
    check(r.returncode == 0 and not loaded(), "rmmod: %s" % r.stderr)


def insmod():
    r = subprocess.run(["insmod", os.environ["TTP_MODULE"]], capture_output=True, text=True)
    check(r.returncode == 0, "insmod: %s" % r.stderr)


def only_time_wait(ns, n):
    """The closes are done: N entries in TIME_WAIT, nothing in any other
    state. (The gauges last read are kept for the message of a timeout.)"""
    gauges = ns.gauges()
    only_time_wait.last = {k: v for k, v in gauges.items() if v}
    return gauges.get("TIME_WAIT") == n and not any(
        v for k, v in gauges.items() if k != "TIME_WAIT")


def burst(ns, family, count):
    """COUNT connections over loopback in NS, each echoing 1 KiB checked
    byte for byte; the clients close first, leaving TIME_WAIT entries."""
    addr = "127.0.0.1" if family == socket.AF_INET else "::1"
    lsn = ns.socket(family)
    lsn.bind((addr, 0))
    lsn.listen(count)
    port = lsn.getsockname()[1]
    for i in range(count):
        c = ns.socket(family)
        c.settimeout(60)
        c.connect((addr, port))
        s, _ = lsn.accept()
        data = os.urandom(1024)
        c.sendall(data)
        got = b""
        while len(got) < len(data):
            got += s.recv(len(data) - len(got))
        s.sendall(got)
        back = b""
        while len(back) < len(data):
            back += c.recv(len(data) - len(back))
        check(back == data, "connection %d: the echo differs" % i)
        c.close()
        # The server closes only once it has the client's FIN: closing
        # before would be a simultaneous close (TIME_WAIT on both sides),
        # which a loaded guest made happen once in a hundred cycles.
        s.settimeout(60)
        check(s.recv(1) == b"", "connection %d: no EOF after the client's close" % i)
        s.close()
    lsn.close()


def load_unload_cycles():
    ns = Netns("cycle")
    try:
        for i in range(CYCLES):
            rmmod()
            insmod()
            # Reloaded, the namespace starts over: its own values again.
            ns.set(msl_local_ms=60000)
            burst(ns, socket.AF_INET if i % 2 else socket.AF_INET6, 4)
            try:
                wait_for(lambda: only_time_wait(ns, 4), 60,
                         "cycle %d: 4 TIME_WAIT entries and nothing else" % i)
            except Exception:
                print("# the gauges read %s" % only_time_wait.last)
                raise
    finally:
        ns.delete()
        if not loaded():
            insmod()


def namespaces_come_and_go():
    held = []
    names = []
    for i in range(NAMESPACES):
        ns = Netns("life")
        names.append(ns)
        family = socket.AF_INET if i % 2 else socket.AF_INET6
        addr = "127.0.0.1" if family == socket.AF_INET else "::1"
        ns.set(msl_local_ms=600000)
        burst(ns, family, 1)                    # a TIME_WAIT entry
        lsn = ns.socket(family)
        lsn.bind((addr, 0))
        lsn.listen(4)
        c = ns.socket(family)
        c.connect(lsn.getsockname())
        s, _ = lsn.accept()
        held += [lsn, c, s]                     # a listener and a connection
    # The namespaces go while their sockets are open; then the sockets.
    for ns in names:
        ns.delete()
    for sk in held:
        sk.close()
    # Everything gone means the module unloads, and its caches are empty
    # when destroyed (a leftover would be reported as a splat).
    rmmod()
    insmod()


def unload_with_many_time_waits():
    names = []
    try:
        for i in range(TW_NAMESPACES):
            ns = Netns("twns")
            names.append(ns)
            ns.set(msl_local_ms=600000)
            burst(ns, socket.AF_INET if i % 2 else socket.AF_INET6, 3)
        for ns in names:
            wait_for(lambda: only_time_wait(ns, 3), 60, "%s: 3 TIME_WAIT entries" % ns.name)
        rmmod()
        insmod()
        for ns in names:
            check(not any(ns.gauges().values()), "%s after reload: %s" % (ns.name, ns.gauges()))
    finally:
        for ns in names:
            ns.delete()
        if not loaded():
            insmod()


def main():
    require_module()
    if not os.environ.get("TTP_MODULE"):
        skip_all("set TTP_MODULE to the module's path to test unloading")
    suite = Suite()
    suite.case("%d load/unload cycles, 4 connections with data between each" % CYCLES,
               load_unload_cycles)
    suite.case("%d namespaces with listeners, connections and TIME_WAIT entries come and go"
               % NAMESPACES, namespaces_come_and_go)
    suite.case("unload with TIME_WAIT entries in %d namespaces that stay" % TW_NAMESPACES,
               unload_with_many_time_waits)
    suite.run()


guard(main)
