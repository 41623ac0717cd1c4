#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""synflood.py NETNS DEV ADDRESS PORT COUNT: send COUNT TTP SYNs to ADDRESS
PORT from NETNS out of DEV, each from a different address of ADDRESS's
/24 (or /64) that nobody owns, so that the SYN-ACKs go nowhere: a SYN
flood, for the demo and for trying syncookies and max_syn_backlog by hand.
Needs root; it writes Ethernet frames."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ttplib import spoofed_syns  # noqa: E402


def main():
    if len(sys.argv) != 6:
        sys.exit("Usage: synflood.py NETNS DEV ADDRESS PORT COUNT")
    netns, dev, addr, port, count = sys.argv[1:]
    spoofed_syns(netns, dev, addr, int(port), int(count))
    print("sent %s SYNs to %s port %s" % (count, addr, port))


main()
