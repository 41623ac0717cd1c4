#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The guest side of `make bench`: TTP against Linux TCP on this kernel, in
this run, with ttp-bench (userspace/). Every figure is measured for both
protocols in turns (TCP, TTP, TCP, TTP, ...), so that whatever else the
machine does falls on both alike; each is the median of RUNS runs, with
their min and max. Results are printed as lines "BENCH {json}" for the
host side (report.py); everything else printed is commentary.

Paths: "lo", client and server in one namespace over loopback; "veth",
two namespaces joined by a veth pair. Each namespace starts with the
defaults of both protocols, as a new machine would."""

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ttplib import Netns, REPO, run  # noqa: E402

BENCH = os.path.join(REPO, "userspace", "ttp-bench")
PROTOS = ("tcp", "ttp")
PORT = 7100


class Path:
    """Client and server namespaces for one kind of path."""

    def __init__(self, kind):
        self.kind = kind
        self.server_ns = Netns("bench")
        if kind == "veth":
            self.client_ns = Netns("bench")
            dev = "bv%d" % self.client_ns.number
            run("ip", "link", "add", dev + "a", "netns", self.client_ns.name, "type", "veth",
                "peer", "name", dev + "b", "netns", self.server_ns.name)
            for ns, d, a in ((self.client_ns, dev + "a", "10.98.0.1"),
                             (self.server_ns, dev + "b", "10.98.0.2")):
                ns.ip("addr", "add", a + "/24", "dev", d)
                ns.ip("link", "set", d, "up")
            self.dev_client, self.dev_server = dev + "a", dev + "b"
            self.addr = "10.98.0.2"
        else:
            self.client_ns = self.server_ns
            self.addr = "127.0.0.1"
        self.servers = {}

    def namespaces(self):
        return {self.client_ns.name: self.client_ns, self.server_ns.name: self.server_ns}.values()

    def sysctl(self, ns, key, value):
        run("ip", "netns", "exec", ns.name, "sysctl", "-qw", "%s=%s" % (key, value))

    def start_servers(self, ports=1):
        for proto in PROTOS:
            p = subprocess.Popen(["ip", "netns", "exec", self.server_ns.name, BENCH, "server",
                                  "--proto", proto, "-b", self.addr, "-p", str(PORT),
                                  "-n", str(ports)], stdout=subprocess.PIPE, text=True)
            if p.stdout.readline().strip() != "listening":
                raise RuntimeError("the %s server did not start" % proto)
            self.servers[proto] = p

    def client_cmd(self, mode, proto, *args):
        return ["ip", "netns", "exec", self.client_ns.name, BENCH, mode, "--proto", proto,
                "-p", str(PORT), *[str(a) for a in args], self.addr]

    def client(self, mode, proto, *args):
        """Run a client mode to its end: its JSON result."""
        out = run(*self.client_cmd(mode, proto, *args)).stdout
        return json.loads(out.strip().splitlines()[-1])

    def spawn(self, mode, proto, *args):
        """Start a client mode in the background; its output is a pipe."""
        return subprocess.Popen(self.client_cmd(mode, proto, *args), stdout=subprocess.PIPE,
                                text=True)

    def close(self):
        for p in self.servers.values():
            p.kill()
            p.wait()
        for ns in self.namespaces():
            ns.delete()


def emit(result):
    print("BENCH " + json.dumps(result), flush=True)


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": values}


def measure(path, name, runs, mode, *args, extra=()):
    """RUNS runs of MODE for each protocol, in turns; one result per protocol."""
    got = {proto: [] for proto in PROTOS}
    for _ in range(runs):
        for proto in PROTOS:
            got[proto].append(path.client(mode, proto, *args))
    for proto in PROTOS:
        res = {"bench": name, "path": path.kind, "proto": proto,
               "unit": got[proto][0]["unit"]}
        res.update(summary([r["value"] for r in got[proto]]))
        for key in extra:
            res[key] = statistics.median(r[key] for r in got[proto])
        emit(res)
        print("# %-8s %-5s %-4s median %.4g %s" % (name, path.kind, proto, res["median"],
                                                   res["unit"]), flush=True)


def no_offloads(path, args):
    """Every segment crossing the pair on its own, for both: what the
    per-segment paths cost without large segments (TTP has no GRO)."""
    if not shutil.which("ethtool"):
        print("# stream-1 (no offloads): skipped, no ethtool (make bench installs it)")
        return
    for ns, dev in ((path.client_ns, path.dev_client), (path.server_ns, path.dev_server)):
        run("ip", "netns", "exec", ns.name, "ethtool", "-K", dev, "tso", "off", "gso", "off",
            "gro", "off")
    measure(path, "stream-1 (no offloads)", args.runs, "stream", "-t", args.seconds, "-f", 1)


def throughput(args):
    for kind in ("lo", "veth"):
        path = Path(kind)
        try:
            path.start_servers()
            measure(path, "stream-1", args.runs, "stream", "-t", args.seconds, "-f", 1)
            measure(path, "stream-4", args.runs, "stream", "-t", args.seconds, "-f", 4)
            measure(path, "rr", args.runs, "rr", "-t", args.seconds,
                    extra=("p50_us", "p99_us"))
            measure(path, "crr", args.runs, "crr", "-t", args.seconds)
            if kind == "veth" and not args.smoke:
                no_offloads(path, args)
        finally:
            path.close()


# The settings churn compares: (label, protocol, TTP parameters).
CHURN = [
    ("tcp defaults", "tcp", {}),
    ("ttp defaults", "ttp", {}),
    ("ttp tw_reuse=1", "ttp", {"tw_reuse": 1}),
    # Timestamps make a TIME_WAIT entry safe to reuse as soon as the clock
    # has ticked; Linux waits a second (tunable as tcp_tw_reuse_delay in later kernels).
    ("ttp tw_reuse=1 tw_reuse_delay_ms=1", "ttp", {"tw_reuse": 1, "tw_reuse_delay_ms": 1}),
    ("ttp msl_ms=1000", "ttp", {"msl_ms": 1000}),
]


def churn(args):
    """One client address to one server port, with 1,000 local ports, as
    fast as it goes: connections made and connects that failed. Each
    setting gets namespaces of its own, so no TIME_WAIT entry of one
    setting is left for the next."""
    for kind in ("lo", "veth"):
        for label, proto, params in CHURN:
            path = Path(kind)
            try:
                path.sysctl(path.client_ns, "net.ipv4.ip_local_port_range", "40000 40999")
                if params:
                    for ns in path.namespaces():
                        ns.set(**params)
                path.start_servers()
                r = path.client("churn", proto, "-t", args.churn_seconds)
                emit({"bench": "churn", "path": kind, "proto": proto, "setting": label,
                      "connections": r["connections"], "failures": r["failures"],
                      "eaddrnotavail": r["eaddrnotavail"], "value": r["value"],
                      "unit": r["unit"], "seconds": r["seconds"]})
                print("# churn    %-5s %-16s %6d made, %8d failed connects" % (
                    kind, label, r["connections"], r["failures"]), flush=True)
            finally:
                path.close()


def tcp_counters(ns):
    """Linux TCP's retransmitted segments and timeouts in NS, so far."""
    got = {}
    for f in ("/proc/net/snmp", "/proc/net/netstat"):
        lines = [ln.split() for ln in run("ip", "netns", "exec", ns.name, "cat", f).stdout
                 .splitlines()]
        for names, values in zip(lines[::2], lines[1::2]):
            got.update({names[0] + k: int(v) for k, v in zip(names[1:], values[1:])})
    return got["Tcp:RetransSegs"], got["TcpExt:TCPTimeouts"]


def ttp_counters(ns):
    c = ns.counters()
    return c["RetransSegs"], c["Timeouts"]


# The loss rows' senders: (label, protocol, TCP's congestion control, TTP's).
LOSS_SENDERS = [("tcp", "tcp", "cubic", None), ("tcp-reno", "tcp", "reno", None),
                ("ttp", "ttp", None, 1), ("ttp-reno", "ttp", None, 0)]


NETEM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "netem.py")


def netem(path, seed, netem_args):
    """netem.py on both ends of the veth pair, seeded SEED and SEED + 1:
    whether the kernel took the seed."""
    seeded = True
    for i, (ns, dev) in enumerate(((path.client_ns, path.dev_client),
                                   (path.server_ns, path.dev_server))):
        out = run("ip", "netns", "exec", ns.name, sys.executable, NETEM, dev, str(seed + i),
                  "20", *netem_args).stdout
        seeded &= out.strip() == "seeded"
    return seeded


def netem_stream(args, name, netem_args, senders=LOSS_SENDERS):
    """Bulk throughput through netem (20 ms each way, NETEM_ARGS for
    netem.py) on both ends of the veth pair, for each sender in turns,
    RUNS runs of LOSS_SECONDS: the median with its spread, and per run the
    segments sent again and the timeouts. TCP and TTP with their default
    (CUBIC) and with Reno: like with like. Run I of every sender starts
    from the same seed (netem.py says why), so runs are pairs, not draws."""
    path = Path("veth")
    try:
        # netem loses, duplicates and reorders whole skbs: with GSO, 64 KiB
        # at once (45 wire packets), where a real link's loss takes one
        # packet. Without it, "0.1%" loss is one burst per 45,000 packets
        # and the first seconds' slow start decide the run.
        for ns, dev in ((path.client_ns, path.dev_client), (path.server_ns, path.dev_server)):
            ns.one_segment_per_skb(dev)
        netem(path, 1, netem_args)
        path.start_servers()
        got = {label: [] for label, _, _, _ in senders}
        seeded = True
        for i in range(args.loss_runs):
            for label, proto, tcp_cc, ttp_cc in senders:
                counters = tcp_counters if proto == "tcp" else ttp_counters
                if tcp_cc:
                    path.sysctl(path.client_ns, "net.ipv4.tcp_congestion_control", tcp_cc)
                else:
                    path.client_ns.set(congestion_control=ttp_cc)
                seeded &= netem(path, 1000 * (i + 1), netem_args)
                before = counters(path.client_ns)
                value = path.client("stream", proto, "-t", args.loss_seconds, "-f", 1)["value"]
                after = counters(path.client_ns)
                got[label].append((value, after[0] - before[0], after[1] - before[1]))
        for label, runs in got.items():
            res = {"bench": name, "path": "veth", "proto": label, "unit": "bytes/s",
                   "seconds": args.loss_seconds, "seeded": seeded,
                   "retrans": [r[1] for r in runs], "timeouts": [r[2] for r in runs]}
            res.update(summary([r[0] for r in runs]))
            emit(res)
            print("# %-12s %-9s median %.4g bytes/s, retrans %s, timeouts %s%s" % (
                name, label, res["median"], res["retrans"], res["timeouts"],
                "" if seeded else " (netem unseeded: runs are not pairs)"), flush=True)
    finally:
        path.close()


def loss(args):
    """The loss rows: 20 ms each way and LOSS random loss; and a path that
    reorders (a quarter of the packets 20 ms early, half of them in runs)."""
    for rate in args.loss:
        netem_stream(args, "loss-%s" % rate, ("--loss", rate))
    if args.reorder:
        netem_stream(args, "reorder", ("--reorder", "25%", "50%"))


def fairness(args):
    """One TTP flow and one TCP flow at once through a shared bottleneck:
    the client's side of the pair sends at most 20 Mbit/s (tbf, a drop-tail
    queue of 50 ms) with 20 ms of delay each way, for FAIR_SECONDS. The
    delay comes first (netem at the root, tbf its child): as tbf's child,
    netem's own queue of 10,000 packets would be the bottleneck's, seconds
    long and never full. Each flow's
    bytes/s, and TTP's over TCP's: a transport that takes more than its
    share, or starves, shows here. Both defaults (CUBIC), then both Reno;
    each with TCP's flow started first, then TTP's: the first gets a head
    start (a process start under TCG) that a short run keeps. FAIR_RUNS
    runs of each: which flow a drop-tail queue's losses fall on varies
    from run to run (one 60 s run of Reno with TCP first gave TTP 0.75 of
    TCP's share, the next 1.44), so the median judges."""
    for (label, tcp_cc, ttp_cc), first in itertools.product(
            (("defaults", "cubic", 1), ("both reno", "reno", 0)), PROTOS):
        order = (first,) + tuple(p for p in PROTOS if p != first)
        runs = []
        for _ in range(args.fair_runs):
            runs.append(fair_run(args, order, tcp_cc, ttp_cc))
            print("# fairness %-10s %s first: TCP %.4g, TTP %.4g bytes/s: TTP/TCP %.2f" % (
                label, first, runs[-1]["tcp"], runs[-1]["ttp"], runs[-1]["share"]), flush=True)
        shares = [r["share"] for r in runs]
        emit({"bench": "fairness", "path": "veth", "setting": label, "unit": "bytes/s",
              "first": first, "tcp": statistics.median(r["tcp"] for r in runs),
              "ttp": statistics.median(r["ttp"] for r in runs),
              "share": statistics.median(shares), "shares": shares,
              "seconds": args.fair_seconds, "tcp_cc": tcp_cc,
              "ttp_cc": "cubic" if ttp_cc else "reno"})


def fair_run(args, order, tcp_cc, ttp_cc):
    """One run of fairness(): the two flows' bytes/s and TTP's share."""
    path = Path("veth")
    try:
        run("tc", "-n", path.client_ns.name, "qdisc", "add", "dev", path.dev_client,
            "root", "handle", "1:", "netem", "delay", "20ms", "limit", "10000")
        run("tc", "-n", path.client_ns.name, "qdisc", "add", "dev", path.dev_client,
            "parent", "1:1", "handle", "10:", "tbf", "rate", "20mbit", "burst", "32kb",
            "latency", "50ms")
        run("tc", "-n", path.server_ns.name, "qdisc", "add", "dev", path.dev_server,
            "root", "netem", "delay", "20ms", "limit", "10000")
        path.sysctl(path.client_ns, "net.ipv4.tcp_congestion_control", tcp_cc)
        path.client_ns.set(congestion_control=ttp_cc)
        path.start_servers()
        flows = {proto: path.spawn("stream", proto, "-t", args.fair_seconds, "-f", 1)
                 for proto in order}
        got = {}
        for proto, p in flows.items():
            out = p.communicate()[0]
            if p.returncode:
                raise RuntimeError("the %s flow failed" % proto)
            got[proto] = json.loads(out.strip().splitlines()[-1])["value"]
        got["share"] = got["ttp"] / got["tcp"] if got["tcp"] else float("inf")
        return got
    finally:
        path.close()


def synflood(args):
    """A client's crr (going on through failures) without and then with a
    flood of spoofed SYNs from a third namespace at the rate the machine
    manages: its success rate and rate under the flood, against the same
    client without it. TCP with tcp_syncookies=1 and TTP with syncookies=1,
    both their defaults."""
    path = Path("veth")
    flood_ns = Netns("bench")
    try:
        dev = "bf%d" % flood_ns.number
        run("ip", "link", "add", dev + "a", "netns", flood_ns.name, "type", "veth",
            "peer", "name", dev + "b", "netns", path.server_ns.name)
        flood_ns.ip("addr", "add", "10.96.0.1/24", "dev", dev + "a")
        flood_ns.ip("link", "set", dev + "a", "up")
        path.server_ns.ip("addr", "add", "10.96.0.2/24", "dev", dev + "b")
        path.server_ns.ip("link", "set", dev + "b", "up")
        flood_ns.ip("route", "add", "10.98.0.0/24", "via", "10.96.0.2")
        # The SYN-ACKs to the spoofed sources go to the flooder and die there.
        path.server_ns.ip("route", "add", "10.97.0.0/16", "via", "10.96.0.1")
        path.start_servers()
        for proto in PROTOS:
            base = path.client("churn", proto, "-t", args.seconds)
            flood = subprocess.Popen(["ip", "netns", "exec", flood_ns.name, BENCH, "flood",
                                      "--proto", proto, "-p", str(PORT),
                                      "-t", str(args.seconds + 2), path.addr],
                                     stdout=subprocess.PIPE, text=True)
            time.sleep(1)  # the flood fills the SYN queue first
            under = path.client("churn", proto, "-t", args.seconds)
            fl = json.loads(flood.communicate()[0])

            def rate(r):
                tries = r["connections"] + r["failures"]
                return r["connections"] / tries if tries else 0.0
            res = {"bench": "synflood", "path": "veth", "proto": proto,
                   "unit": "connections/s", "median": under["value"], "min": under["value"],
                   "max": under["value"], "runs": [under["value"]],
                   "baseline": base["value"], "success": rate(under),
                   "baseline_success": rate(base), "flood_rate": fl["value"]}
            emit(res)
            print("# synflood %-4s %.0f SYNs/s: %.0f%% of connects succeed, %.0f/s (%.0f/s "
                  "without)" % (proto, fl["value"], 100 * res["success"], under["value"],
                                base["value"]), flush=True)
    finally:
        flood_ns.delete()
        path.close()


def time_wait_count(path, proto):
    if proto == "ttp":
        return path.client_ns.gauges()["TIME_WAIT"]
    out = run("ip", "netns", "exec", path.client_ns.name, "cat", "/proc/net/sockstat").stdout
    for line in out.splitlines():
        if line.startswith("TCP:"):
            f = line.split()
            return int(f[f.index("tw") + 1])
    return 0


def scale(args):
    """rr latency with many established connections and TIME_WAIT entries
    present, against an empty table. Two clients make the TIME_WAIT
    entries at once, to make as many as the machine manages within TCP's
    fixed 60 s; TTP keeps its entries for 4 minutes here (an MSL of 120 s:
    msl_local_ms over loopback, msl_ms over veth), so its table holds all
    of them. The table shows how many each protocol held."""
    ports = 4
    for kind, proto in [(kind, proto) for kind in ("lo", "veth") for proto in PROTOS]:
        path = Path(kind)
        hold = None
        try:
            path.sysctl(path.client_ns, "net.ipv4.ip_local_port_range", "1024 65535")
            path.sysctl(path.client_ns, "net.ipv4.tcp_max_tw_buckets", 4 * args.scale_tw)
            path.client_ns.set(msl_local_ms=120000, msl_ms=120000)
            path.start_servers(ports)
            empty = path.client("rr", proto, "-t", args.seconds)
            hold = path.spawn("hold", proto, "-n", ports, "-c", args.scale_est)
            json.loads(hold.stdout.readline())
            start = time.monotonic()
            makers = [path.spawn("timewait", proto, "-n", ports, "-c", args.scale_tw // 2)
                      for _ in range(2)]
            for m in makers:
                m.communicate()
            if any(m.returncode for m in makers):
                raise RuntimeError("a %s timewait client failed" % proto)
            made_s = time.monotonic() - start
            tw = time_wait_count(path, proto)
            loaded = path.client("rr", proto, "-t", args.seconds)
            res = {"bench": "scale", "path": kind, "proto": proto, "unit": "transactions/s",
                   "median": loaded["value"], "min": loaded["value"], "max": loaded["value"],
                   "runs": [loaded["value"]], "empty": empty["value"],
                   "p50_us": loaded["p50_us"], "p99_us": loaded["p99_us"],
                   "empty_p50_us": empty["p50_us"], "empty_p99_us": empty["p99_us"],
                   "established": args.scale_est, "time_wait": tw,
                   "tw_made_s": made_s}
            emit(res)
            print("# scale    %-5s %-4s p50 %.0f us with %d established and %d TIME_WAIT, "
                  "%.0f us empty" % (kind, proto, loaded["p50_us"], args.scale_est, tw,
                                     empty["p50_us"]),
                  flush=True)
        finally:
            if hold:
                hold.kill()
                hold.wait()
            path.close()


def slab_bytes():
    """Bytes in slab objects in use: for each cache, its active objects
    times their size (finer than meminfo's Slab, which counts pages)."""
    total = 0
    with open("/proc/slabinfo") as f:
        for line in f:
            if line.startswith(("slabinfo", "#")):
                continue
            fields = line.split()
            total += int(fields[1]) * int(fields[3])
    return total


def settle():
    """Let RCU-freed objects go before reading slab figures."""
    run("sync")
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("2\n")
    time.sleep(1)


def memory(args):
    """Kernel memory per established connection (both ends and their
    share of nothing else: the listener predates the measurement) and per
    TIME_WAIT entry, from the growth of slab objects with COUNT of them.
    Over veth, where both protocols keep TIME_WAIT for 60 s by default
    (over loopback TTP's lasts 2 * msl_local_ms, 2 s, and would be gone)."""
    n = args.count
    for proto in PROTOS:
        path = Path("veth")
        try:
            path.sysctl(path.client_ns, "net.ipv4.ip_local_port_range", "10000 60999")
            path.sysctl(path.client_ns, "net.ipv4.tcp_max_tw_buckets", 4 * n)
            path.start_servers()
            settle()
            before = slab_bytes()
            hold = path.spawn("hold", proto, "-c", n)
            json.loads(hold.stdout.readline())
            settle()
            per_conn = (slab_bytes() - before) / n
            hold.terminate()
            hold.wait()
            # The held connections close; wait until their TIME_WAIT
            # entries are the only thing left of them.
            settle()
            before = slab_bytes()
            path.client("timewait", proto, "-c", n)
            settle()
            per_tw = (slab_bytes() - before) / n
            for name, value in (("memory-established", per_conn), ("memory-timewait", per_tw)):
                emit({"bench": name, "path": "veth", "proto": proto, "unit": "bytes",
                      "median": value, "min": value, "max": value, "runs": [value],
                      "count": n})
            print("# memory   %-4s %.0f bytes per connection, %.0f per TIME_WAIT entry" % (
                proto, per_conn, per_tw), flush=True)
        finally:
            path.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the 5-minute version")
    ap.add_argument("--smoke", action="store_true",
                    help="one short run of each throughput mode: that the tools work")
    ap.add_argument("--only", help="comma-separated: throughput,churn,synflood,scale,loss,"
                    "fairness,memory")
    args = ap.parse_args()
    args.scale_est, args.scale_tw = 10000, 100000
    args.reorder = True
    if args.smoke:
        args.runs, args.seconds, args.churn_seconds, args.count = 1, 0.3, 1, 100
        args.loss, args.reorder = [], False
        args.only = args.only or "throughput"
    elif args.quick:
        args.runs, args.seconds, args.churn_seconds, args.count = 3, 1, 3, 2000
        args.scale_est, args.scale_tw = 1000, 5000
        args.loss, args.loss_runs, args.loss_seconds = ["1%"], 1, 5
        args.fair_seconds, args.fair_runs = 15, 1
    else:
        args.runs, args.seconds, args.churn_seconds, args.count = 5, 3, 10, 10000
        # Long enough that a timeout or two does not decide a run.
        args.loss, args.loss_runs, args.loss_seconds = ["0.1%", "1%", "5%"], 3, 30
        args.fair_seconds, args.fair_runs = 60, 3
    parts = args.only.split(",") if args.only else ["throughput", "churn", "synflood", "scale",
                                                    "loss", "fairness", "memory"]
    emit({"bench": "memcpy", "unit": "bytes/s",
          "median": json.loads(run(BENCH, "memcpy").stdout)["value"],
          "kernel": os.uname().release, "cpus": os.cpu_count(), "quick": args.quick,
          "smoke": args.smoke})
    start = time.monotonic()
    for part in parts:
        globals()[part](args)
    print("# bench took %.0f s" % (time.monotonic() - start))


if __name__ == "__main__":
    main()
