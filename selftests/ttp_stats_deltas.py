#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ttpctl stats over time: -d shows what changed since the last -d (a
history per user and namespace, like nstat), -i what changed in each
interval and its rate, -z the counters that are zero too. Each is checked
against a known number of connections the test makes."""

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (TTPCTL, Failure, Suite, Topology, check, guard,  # noqa: E402
                    require_module, wait_for)

CONNECTIONS = 20


def connections(topo, n):
    """N connections made, used and closed; their TIME_WAITs expire fast."""
    lsn = topo.listen()
    port = lsn.getsockname()[1]
    lsn.settimeout(60)
    for _ in range(n):
        c = topo.connect(port)
        s, _ = lsn.accept()
        c.sendall(b"x")
        check(s.recv(1) == b"x", "a byte lost")
        c.close()
        s.close()
    lsn.close()


def counters_of(text):
    """The counter lines of the script form: {name: value}."""
    return {f[1]: int(f[2]) for f in (ln.split("\t") for ln in text.splitlines())
            if f[0] == "counter"}


def test_delta():
    topo = Topology(socket.AF_INET, False)
    with tempfile.TemporaryDirectory() as d:
        hist = os.path.join(d, "history")
        env = dict(os.environ, TTPCTL_HISTORY=hist)

        def delta(*args):
            return subprocess.run([TTPCTL, "-n", topo.server_ns.name, "stats", "-d", *args],
                                  capture_output=True, text=True, env=env, check=True).stdout
        try:
            delta()                       # the history begins
            check(os.path.exists(hist), "no history written to %s" % hist)
            connections(topo, CONNECTIONS)
            got = counters_of(delta())
            for name in ("ActiveOpens", "PassiveOpens"):
                check(got.get(name) == CONNECTIONS, "-d: %s %s, not %d" %
                      (name, got.get(name), CONNECTIONS))
            # Nothing happened since: no counter line, unless -z.
            got = counters_of(delta())
            check(not got.get("ActiveOpens") and "ActiveOpens" not in got,
                  "a second -d shows %s" % got)
            got = counters_of(delta("-z"))
            check(got.get("ActiveOpens") == 0 and len(got) > 40,
                  "-z: %d counters, ActiveOpens %s" % (len(got), got.get("ActiveOpens")))
            # JSON: the states' "entered" counts changes too.
            connections(topo, 3)
            j = json.loads(subprocess.run([TTPCTL, "-n", topo.server_ns.name, "-j", "stats",
                                           "-d"], capture_output=True, text=True, env=env,
                                          check=True).stdout)
            check(j["counters"]["ActiveOpens"] == 3 and
                  j["states"]["ESTABLISHED"]["entered"] == 6,
                  "-j -d: ActiveOpens %d, ESTABLISHED entered %d" %
                  (j["counters"]["ActiveOpens"], j["states"]["ESTABLISHED"]["entered"]))
            # The suites' own reader (ttplib's StatsReader) reads what
            # ttpctl prints. Once the TIME_WAIT entries are gone nothing
            # changes between the two reads: while they expire, a slow
            # guest's every pair of reads can straddle an expiry.
            wait_for(lambda: topo.server_ns.stats()["states"]["TIME_WAIT"]["now"] == 0,
                     what="the TIME_WAIT entries to expire")
            theirs = json.loads(topo.server_ns.ttpctl("-j", "stats").stdout)
            mine = topo.server_ns.stats()
            check(mine == theirs, "ttplib's stats differ from ttpctl -j stats:\n%s\n%s" %
                  (mine, theirs))
            # Its parameter set, refused, says what ttpctl would: the
            # errno and the kernel's message naming the value and range.
            try:
                topo.server_ns.set(msl_ms=0)
                said = "nothing"
            except Failure as e:
                said = str(e)
            check(os.strerror(errno.ERANGE) in said and "msl_ms: 0 is out of range" in said,
                  "ttplib's refused msl_ms=0 said: %s" % said)
            # Absolute values are untouched by -d, and zeros are hidden.
            absolute = counters_of(topo.server_ns.ttpctl("stats").stdout)
            check(absolute.get("ActiveOpens") == CONNECTIONS + 3 and 0 not in absolute.values(),
                  "absolute: ActiveOpens %s, zeros shown: %s" %
                  (absolute.get("ActiveOpens"), 0 in absolute.values()))
        finally:
            topo.close()


def test_interval():
    """-i 1: the sum of the intervals' ActiveOpens is the number of
    connections made while it ran, and each rate is its delta over its
    measured interval. SIGINT ends it with status 0."""
    topo = Topology(socket.AF_INET, False)
    p = subprocess.Popen([TTPCTL, "-n", topo.server_ns.name, "-j", "stats", "-i", "1"],
                         stdout=subprocess.PIPE, text=True)
    try:
        lines = []

        def line():
            lines.append(json.loads(p.stdout.readline()))
            return lines[-1]
        line()                       # it runs: what follows is counted
        connections(topo, CONNECTIONS)
        total = 0
        while total < CONNECTIONS:
            got = line()
            total += got["counters"]["ActiveOpens"]
            check(got["interval_ms"] >= 900, "an interval of %d ms" % got["interval_ms"])
            for name, v in got["counters"].items():
                want = v * 1000 * 1000 // got["interval_ms"]
                check(abs(got["rates_milli"][name] - want) <= max(2, want // 100),
                      "%s: rate %d/1000 s, delta %d in %d ms" %
                      (name, got["rates_milli"][name], v, got["interval_ms"]))
        check(total == CONNECTIONS, "the intervals add up to %d connections, not %d" %
              (total, CONNECTIONS))
        p.send_signal(signal.SIGINT)
        check(p.wait(30) == 0, "stats -i after SIGINT: exit %s" % p.returncode)
        # -c ends it by itself; the script form has the rate after the value.
        out = topo.server_ns.ttpctl("stats", "-i", "0.2", "-c", "2", "-z").stdout
        heads = [ln for ln in out.splitlines() if ln.startswith("# ")]
        rows = [ln.split("\t") for ln in out.splitlines() if ln.startswith("counter\t")]
        check(len(heads) == 2 and rows and all(len(r) == 4 for r in rows),
              "stats -i 0.2 -c 2 printed:\n" + out)
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()
        topo.close()


def test_usage():
    topo = Topology(socket.AF_INET, False)
    try:
        for args, word in ((("-i", "0"), "-i takes seconds"), (("-c", "2"), "-c goes with -i"),
                           (("-d", "-i", "1"), "do not go together"), (("-q",), "Unknown option")):
            p = topo.server_ns.ttpctl("stats", *args, check_rc=False)
            check(p.returncode == 1 and word in p.stderr, "stats %s: exit %d, %s" %
                  (" ".join(args), p.returncode, p.stderr))
    finally:
        topo.close()


def main():
    require_module()
    suite = Suite()
    suite.case("-d: deltas since the last -d for %d connections; -z; JSON" % CONNECTIONS,
               test_delta)
    suite.case("-i: per-interval deltas add up, rates match them; SIGINT, -c", test_interval)
    suite.case("bad options are refused with a reason", test_usage)
    suite.run()


guard(main)
