#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Unit tests of ttplib's Suite, which reports every Python selftest:
cases in places run side by side, their results and what they printed
come out in the order added, and a failure anywhere fails the test.
Plain TAP out; `make check` runs it on the host."""

import os
import subprocess
import sys

LIB = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib")

# A test of four cases in three places. "waits" can pass only if "wakes",
# added after it in another place, runs while it waits: in turn it would
# give up after 30 s and fail.
TEST = r"""
import sys, threading
sys.path.insert(0, %r)
from ttplib import Failure, Suite

woken = threading.Event()

def waits():
    print("# waits: waiting")
    if not woken.wait(30):
        raise Failure("never woken: the places did not run side by side")
    print("# waits: woken")

def wakes():
    print("# wakes: waking")
    woken.set()

def fails():
    print("# fails: about to")
    raise Failure("boom")

def exits():
    sys.exit(3)

suite = Suite()
suite.case("waits", waits, place="a")
suite.case("wakes", wakes, place="b")
suite.case("fails", fails, place="b")
suite.case("exits", exits, place="c")
suite.run()
""" % LIB

EXPECTED = ["TAP version 13", "1..4",
            "# waits: waiting", "# waits: woken", "ok 1 waits",
            "# wakes: waking", "ok 2 wakes",
            "# fails: about to", "# boom", "not ok 3 fails"]


def main():
    p = subprocess.run([sys.executable, "-c", TEST], capture_output=True, text=True,
                       timeout=120)
    lines = p.stdout.splitlines()
    results = [
        ("places run side by side; results and output in the order added",
         lines[:len(EXPECTED)] == EXPECTED),
        ("a case that exits fails, and the suite goes on to its end",
         "not ok 4 exits" in lines and lines[-1] == "not ok 4 exits"),
        ("a failed case fails the test (kselftest status 1)", p.returncode == 1),
    ]
    print("TAP version 13")
    print("1..%d" % len(results))
    bad = 0
    for n, (desc, ok) in enumerate(results, 1):
        if not ok:
            for line in (p.stdout + p.stderr).splitlines():
                print("# " + line)
        print("%s %d suite: %s" % ("ok" if ok else "not ok", n, desc))
        bad += not ok
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
