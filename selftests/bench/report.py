#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The host side of `make bench`: read the "BENCH {json}" lines bench.py
printed in the VM and write DIR/results.json, DIR/results.md (a table per
kind of figure: TCP, TTP and the ratio TTP/TCP) and, with gnuplot,
DIR/ratios.png and DIR/churn.png. Prints the Markdown.

    report.py VM-OUTPUT DIR"""

import json
import os
import shutil
import subprocess
import sys


def load(path):
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("BENCH "):
                out.append(json.loads(line[6:]))
    return out


def fmt(value, unit):
    if unit == "bytes/s":
        return "%.1f MB/s" % (value / 1e6)
    if unit == "bytes":
        return "%.0f B" % value
    if unit == "transactions/s":
        return "%.0f/s" % value
    if unit == "connections/s":
        return "%.0f/s" % value
    return "%.4g %s" % (value, unit)


def spread(r):
    return "%s (%s to %s)" % (fmt(r["median"], r["unit"]), fmt(r["min"], r["unit"]),
                              fmt(r["max"], r["unit"]))


# Figures where less is better: the ratio still reads TTP/TCP.
LOWER_IS_BETTER = ("memory-established", "memory-timewait")


def comparisons(results):
    """(bench, path, tcp result, ttp result, label) for every pair."""
    by = {}
    for r in results:
        if "proto" in r and r["bench"] not in ("churn", "synflood", "scale"):
            by[(r["bench"], r.get("path"), r["proto"])] = r
    rows = []
    for (bench, path, proto), ttp in sorted(by.items()):
        # TTP's default against TCP's default (both CUBIC); TTP with Reno
        # (the loss rows) against TCP with Reno.
        pairs = {"ttp": (("tcp", bench),),
                 "ttp-reno": (("tcp-reno", bench + " (both Reno)"),)}.get(proto, ())
        for other, label in pairs:
            tcp = by.get((bench, path, other))
            if tcp:
                rows.append((bench, path, tcp, ttp, label))
    return rows


def section(lines, results, bench, caption, header, row):
    """A table of its own for BENCH's results, if there are any."""
    rows = [r for r in results if r["bench"] == bench]
    if rows:
        lines += ["", caption, "", "| %s |" % " | ".join(header), "|" + "---|" * len(header)]
        lines += [row(r) for r in rows]


def markdown(results):
    meta = next((r for r in results if r["bench"] == "memcpy"), {})
    lines = ["Kernel %s, %s vCPUs, TCG; memcpy bandwidth %s (the loopback ceiling)%s."
             % (meta.get("kernel", "?"), meta.get("cpus", "?"),
                fmt(meta.get("median", 0), "bytes/s"),
                "; quick run" if meta.get("quick") else ""), "",
             "Medians of several runs, min to max in brackets. Ratio: TTP / TCP "
             "(above 1.0 is TTP ahead, except for memory, where below 1.0 is).", "",
             "| Benchmark | Path | TCP | TTP | TTP/TCP |",
             "|---|---|---|---|---|"]
    for bench, path, tcp, ttp, label in comparisons(results):
        ratio = ttp["median"] / tcp["median"] if tcp["median"] else float("nan")
        lines.append("| %s | %s | %s | %s | %.2f |" % (label, path, spread(tcp), spread(ttp),
                                                       ratio))
        if "p50_us" in ttp:
            for p in ("p50_us", "p99_us"):
                lines.append("| %s latency %s | %s | %.0f us | %.0f us | %.2f |" % (
                    bench, p[:3], path, tcp[p], ttp[p], ttp[p] / tcp[p] if tcp[p] else 0))
    netem = [r for r in results if r["bench"].startswith("loss-") or r["bench"] == "reorder"]
    if netem:
        paired = all(r.get("seeded") for r in netem)
        lines += ["", "Loss and reordering: each run's throughput, segments sent again and "
                  "timeouts (the sender's counters), in run order. " +
                  ("Run i of every sender met the same netem seed: runs are pairs."
                   if paired else "netem unseeded (a kernel before 6.7): runs are draws, "
                   "not pairs."), "",
                  "| Path | Sender | Median | Runs | Retransmitted | Timeouts |",
                  "|---|---|---|---|---|---|"]
        lines += ["| %s | %s | %s | %s | %s | %s |" % (
            r["bench"], r["proto"], spread(r), ", ".join(fmt(v, r["unit"]) for v in r["runs"]),
            ", ".join(map(str, r.get("retrans", []))),
            ", ".join(map(str, r.get("timeouts", [])))) for r in netem]
    section(lines, results, "fairness",
            "Fairness: one TTP and one TCP flow at once through 20 Mbit/s (tbf) with 20 ms "
            "each way; TTP's share should be 0.8 to 1.25 of TCP's. Medians of the runs; "
            "each run's share in the last column.",
            ("Setting", "TCP", "TTP", "Started first", "TCP bytes/s", "TTP bytes/s",
             "TTP/TCP", "Runs"),
            lambda r: "| %s | %s | %s | %s | %s | %s | %.2f | %s |" % (
                r["setting"], r["tcp_cc"], r["ttp_cc"], r.get("first", "tcp").upper(),
                fmt(r["tcp"], "bytes/s"), fmt(r["ttp"], "bytes/s"), r["share"],
                ", ".join("%.2f" % x for x in r.get("shares", [r["share"]]))))
    section(lines, results, "churn",
            "Churn: one client address, one server port, 1,000 local ports, as fast as it goes.",
            ("Setting", "Path", "Connections", "Failed connects", "Connections/s"),
            lambda r: "| %s | %s | %d | %d | %.0f |" % (
                r["setting"], r["path"], r["connections"], r["failures"], r["value"]))
    section(lines, results, "synflood",
            "SYN flood: spoofed SYNs from a third namespace while a client connects, asks "
            "and closes over and over.",
            ("Protocol", "Flood", "Connects that succeed", "Rate under the flood",
             "Rate without"),
            lambda r: "| %s | %.0f SYNs/s | %.1f%% | %.0f/s | %.0f/s |" % (
                r["proto"], r["flood_rate"], 100 * r["success"], r["median"], r["baseline"]))
    section(lines, results, "scale",
            "Scale: rr latency with connections and TIME_WAIT entries present, against an "
            "empty table.",
            ("Protocol", "Path", "Established", "TIME_WAIT", "p50 empty", "p50 loaded",
             "p99 empty", "p99 loaded", "p50 change"),
            lambda r: "| %s | %s | %d | %d | %.0f us | %.0f us | %.0f us | %.0f us | %+.0f%% |" % (
                r["proto"], r["path"], r["established"], r["time_wait"], r["empty_p50_us"],
                r["p50_us"], r["empty_p99_us"], r["p99_us"],
                100 * (r["p50_us"] / r["empty_p50_us"] - 1) if r["empty_p50_us"] else 0))
    return "\n".join(lines) + "\n"


def charts(results, outdir):
    if not shutil.which("gnuplot"):
        print("report.py: gnuplot is missing: no charts", file=sys.stderr)
        return
    rows = comparisons(results)
    with open(os.path.join(outdir, "ratios.dat"), "w") as f:
        for bench, path, tcp, ttp, label in rows:
            f.write('"%s %s" %f\n' % (label, path, ttp["median"] / tcp["median"]
                                      if tcp["median"] else 0))
    churn = [r for r in results if r["bench"] == "churn"]
    with open(os.path.join(outdir, "churn.dat"), "w") as f:
        for r in churn:
            f.write('"%s %s" %d %d\n' % (r["setting"], r["path"], r["connections"],
                                         r["failures"]))
    script = """
set terminal pngcairo size 1000,%d noenhanced
set output '%s/ratios.png'
set title 'TTP / Linux TCP (1.0: equal)'
set style fill solid 0.6
set boxwidth 0.7
set yrange [0:*]
set xtics rotate by -45 font ',8'
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2
plot '%s/ratios.dat' using 0:2:xtic(1) with boxes notitle
""" % (600, outdir, outdir)
    if churn:
        script += """
set output '%s/churn.png'
set title 'Churn: connections made and connects failed'
set style data histograms
set style histogram clustered
unset arrow
plot '%s/churn.dat' using 2:xtic(1) title 'made', '' using 3 title 'failed'
""" % (outdir, outdir)
    p = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if p.returncode:
        print("report.py: gnuplot: %s" % p.stderr, file=sys.stderr)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(1)
    results = load(sys.argv[1])
    if not results:
        print("report.py: no results in %s" % sys.argv[1], file=sys.stderr)
        sys.exit(1)
    outdir = sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    md = markdown(results)
    with open(os.path.join(outdir, "results.md"), "w") as f:
        f.write(md)
    charts(results, outdir)
    print(md, end="")


if __name__ == "__main__":
    main()
