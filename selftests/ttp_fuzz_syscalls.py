#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""System-call fuzzing: ttp-fuzz-syscalls (selftests/fuzz/syscalls.c) makes
random socket calls with random arguments on TTP sockets from four threads
sharing their descriptors and a few loopback ports, so that close races
recv, shutdown races send, setsockopt meets traffic and connect meets a
listener's close. Beside it, in the same namespace, a control connection
streams data both ways. Afterwards:

- no call hung (the fuzzer names any thread still inside a call);
- the control connection's data arrived intact (SHA-256);
- the socket dump agrees with the gauges;
- once everything is closed the gauges read zero, and slab memory is back
  near where it started.

The kernel log must stay clean (the runner checks it). TTP_FUZZ=long (make
fuzz) runs for 5 minutes; TTP_FUZZ_SEED replays a run's choices."""

import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (Netns, Stream, Suite, census_matches, check, guard,  # noqa: E402
                    require_module, slab_kib, slab_settled, wait_for)

FUZZER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz", "ttp-fuzz-syscalls")
LONG = os.environ.get("TTP_FUZZ") == "long"
SECONDS = int(os.environ.get("TTP_FUZZ_SECONDS") or (300 if LONG else 20))
SEED = os.environ.get("TTP_FUZZ_SEED")
THREADS = 4


def fuzz(family):
    ns = Netns()
    # Short lives for what the fuzzer leaves: orphans (orphan_retries
    # backoffs, each at most rto_max_ms), TIME_WAIT, SYNs that nobody
    # answers.
    ns.set(msl_ms=500, msl_local_ms=500, fin_timeout_ms=2000, syn_retries=2,
           synack_retries=1, rto_max_ms=5000)
    baseline = slab_kib()
    addr = "127.0.0.1" if family == socket.AF_INET else "::1"
    lsn = ns.socket(family)
    lsn.bind((addr, 5001))
    lsn.listen(1)
    ctl = ns.socket(family)
    ctl.settimeout(60)
    ctl.connect((addr, 5001))
    stream = Stream(ctl, lsn.accept()[0])

    args = ["ip", "netns", "exec", ns.name, FUZZER, "-j", str(THREADS), "-t", str(SECONDS),
            "-p", "47100"]
    if SEED:
        args += ["-s", SEED]
    p = subprocess.run(args, capture_output=True, text=True)
    print("# " + (p.stdout + p.stderr).strip().replace("\n", "\n# "))
    check(p.returncode == 0, "ttp-fuzz-syscalls failed (exit %d)" % p.returncode)

    print("# the control stream carried %d bytes intact" % stream.stop())
    census_matches(ns)
    lsn.close()
    ctl.close()

    # Everything but TIME_WAIT goes by itself; TIME_WAIT entries may have
    # been given a TTP_MSL of up to 10 minutes (anyone may raise it), so
    # they are killed once they are all that is left.
    def only_time_wait():
        return not any(v for k, v in ns.gauges().items() if k != "TIME_WAIT")
    try:
        wait_for(only_time_wait, 180, "every socket but TIME_WAIT entries to go")
        ns.ttpctl("sockets", "kill", "state", "time-wait")
        wait_for(lambda: not any(ns.gauges().values()), 30, "the TIME_WAIT entries to go")
    except Exception:
        print("# left: " + ns.ttpctl("sockets", "-i").stdout.replace("\n", "\n# "))
        print("# counters: %s" % {k: v for k, v in ns.counters().items() if v})
        raise
    print("# slab memory: %d KiB before, %d KiB after" % (baseline, slab_settled(baseline)))
    ns.delete()


@guard
def main():
    require_module()
    check(os.access(FUZZER, os.X_OK), "%s is not built (make -C selftests)" % FUZZER)
    suite = Suite()
    suite.case("%d threads of random calls for %d s, IPv4 and IPv6 sockets mixed "
               "(the control stream over IPv4)" % (THREADS, SECONDS), fuzz, socket.AF_INET)
    suite.run()


main()
