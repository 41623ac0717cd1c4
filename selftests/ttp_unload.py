#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Every TTP socket keeps the module loaded; TIME_WAIT entries do not, and
go with the module. Unloading leaves nothing behind (on the debug kernel,
kmemleak checks that after the run)."""

import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (Netns, Suite, guard, Topology, check, expect_gauges,  # noqa: E402
                    require_module, skip_all, wait_for)


def rmmod():
    return subprocess.run(["rmmod", "ttp"], capture_output=True, text=True)


def users():
    with open("/sys/module/ttp/refcnt") as f:
        return int(f.read())


def wait_unused():
    """Sockets earlier tests closed may still be finishing (FIN_WAIT_2,
    LAST_ACK in namespaces on their way out): each holds the module."""
    wait_for(lambda: users() == 0, 300, "earlier tests' sockets to finish")


def reload():
    check(subprocess.run(["insmod", os.environ["TTP_MODULE"]]).returncode == 0,
          "insmod failed")


def busy_while_socket(family):
    ns = Netns()
    s = ns.socket(family)
    r = rmmod()
    check(r.returncode != 0 and os.path.exists("/sys/module/ttp"),
          "rmmod succeeded with a socket open")
    check("in use" in r.stderr or "busy" in r.stderr.lower(),
          "rmmod said: %r" % r.stderr)
    s.close()
    ns.delete()


def unload_with_time_wait():
    """Connections closed into TIME_WAIT in several namespaces, with
    namespaces still alive: the module unloads, the entries go with it."""
    topos = [Topology(socket.AF_INET, True), Topology(socket.AF_INET6, False)]
    for t in topos:
        for ns in t.namespaces():
            ns.set(msl_ms=600000, msl_local_ms=600000)
        lsn, c, s = t.pair()
        c.close()
        # The server closes once the client's FIN is in: closing both at
        # once is a simultaneous close when the FIN is still on its way
        # (a loaded guest's softirq), and both ends keep TIME_WAIT.
        wait_for(lambda s=s: s.recv(1) == b"", 60, "the client's FIN")
        s.close()
        lsn.close()
        expect_gauges(t, {"TIME_WAIT": 1})
    wait_unused()
    r = rmmod()
    check(r.returncode == 0, "rmmod with TIME_WAIT entries: %s" % r.stderr)
    check(not os.path.exists("/sys/module/ttp"), "module still there")
    reload()
    for t in topos:
        expect_gauges(t, {})
        t.close()


def main():
    require_module()
    if not os.environ.get("TTP_MODULE"):
        skip_all("set TTP_MODULE to the module's path to test unloading")
    suite = Suite()
    suite.case("rmmod refused while an IPv4 socket exists", busy_while_socket, socket.AF_INET)
    suite.case("rmmod refused while an IPv6 socket exists", busy_while_socket, socket.AF_INET6)
    suite.case("rmmod after close, with TIME_WAIT entries in two namespaces",
               unload_with_time_wait)
    suite.run()


guard(main)
