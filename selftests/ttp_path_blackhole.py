#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Path MTU black holes: on ttp_path.py's path (client, two routers,
server, the routers' link at MTU 1280) with the routers' "fragmentation
needed" and "packet too big" dropped (nft), a transfer both ways
completes with mtu_probing 1 (PMTUBlackholes) and stalls with 0. Each
over IPv4 and IPv6."""

import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import Suite, check, families, guard, require_module  # noqa: E402
from ttp_path import path_transfer  # noqa: E402


def probing_on(family):
    """ICMP dropped on the routers: with mtu_probing 1 the ends fall back
    to the base MSS after timeouts and complete."""
    done, n = path_transfer(family, mute=True, probing=1)
    check(done, "mtu_probing 1: the transfer did not complete")
    check(n["PMTUBlackholes"] >= 1 and n["PMTUReduced"] == 0,
          "mtu_probing 1: PMTUBlackholes %d, PMTUReduced %d" %
          (n["PMTUBlackholes"], n["PMTUReduced"]))


def probing_off(family):
    """The same with mtu_probing 0: the transfer stalls until the ends
    give up, never falling back."""
    done, n = path_transfer(family, mute=True, probing=0)
    check(not done, "mtu_probing 0: the transfer completed through a black hole")
    check(n["PMTUBlackholes"] == 0, "mtu_probing 0 fell back")


def main():
    require_module()
    suite = Suite()
    # Each case on a path of its own, side by side: the stalls wait on
    # retransmission timeouts.
    for family in families(debug=socket.AF_INET):
        name = "v4" if family == socket.AF_INET else "v6"
        suite.case("%s: a black hole: mtu_probing 1 completes" % name, probing_on, family,
                   place=name + "-on")
        suite.case("%s: a black hole: mtu_probing 0 stalls" % name, probing_off, family,
                   place=name + "-off")
    suite.run()


guard(main)
