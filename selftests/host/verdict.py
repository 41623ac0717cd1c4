#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""verdict.py [--kernel K] [--programs "A B..."] [--allow FILE] TAPFILE

What one part of `make check` (a kernel, a debug part, the host, the pair)
printed, judged. The first line of output is "PASS FAIL SKIP FLAKY"; each
line after it says why something failed or names a skip. What counts:

- every case a test printed (its nested TAP, one level under "# "); a test
  that failed without a failing case (it crashed, timed out, or ended
  before its plan) counts once; one failing case counts once, not again
  for its test;
- plans: a test's cases must match its "1..N", and the run's tests must
  match its own plan and, with --programs, be exactly those asked for, in
  order: a guest that died, or never ran (ttp.ko did not load), fails;
- skips: a test or case that skipped fails too, unless the allow-list
  (selftests/host/allowed-skips) names that test for this kernel;
- "# flaky:" lines (a near miss in timing, run again) are counted for the
  run, which allows one; "# stalled:" lines (a timing failure that
  followed a stall of the machine, run again) are named, not counted: the
  rerun's result is what counts;
- plain TAP lines (the host's unit tests, the harness's own "ok 0" cases)
  count as they are.
"""

import argparse
import os
import re
import sys

RESULT = re.compile(r"^(not ok|ok) (\d+)\b ?(.*)$")
PLAN = re.compile(r"^1\.\.(\d+)\b(.*)$")
PROGRAM = re.compile(r"^selftests: ttp: (\S+)")
SKIP = re.compile(r"#\s*SKIP\b\s*(.*)$", re.I)
FLAKY = re.compile(r"^(# )+flaky: ")
STALLED = re.compile(r"^(# )+stalled: ")
HERE = os.path.dirname(os.path.abspath(__file__))


def load_allowed(path):
    """{test: set(kernels)} from the allow-list."""
    allowed = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 2:
                raise SystemExit("%s: not TEST<tab>KERNELS<tab>WHY: %s" % (path, line))
            allowed[fields[0].strip()] = set(fields[1].split())
    return allowed


class Verdict:
    def __init__(self, kernel, allowed):
        self.kernel = kernel
        self.allowed = allowed
        self.passed = self.failed = self.skipped = self.flaky = 0
        self.notes = []

    def fail(self, why):
        self.failed += 1
        self.notes.append("fail: " + why)

    def skip(self, test, what, reason):
        self.skipped += 1
        if self.kernel in self.allowed.get(test, ()):
            self.notes.append("skip: %s (allowed on %s): %s" % (what, self.kernel, reason))
        else:
            self.notes.append("skip: %s: %s" % (what, reason))
            self.fail("%s skipped on %s, and selftests/host/allowed-skips does not allow it"
                      % (what, self.kernel))


class Program:
    """One test's nested TAP."""

    def __init__(self, name):
        self.name = name
        self.plan = None
        self.plan_skip = None
        self.results = []       # (ok, number, description)

    def line(self, text):
        m = PLAN.match(text)
        if m and self.plan is None:
            self.plan = int(m.group(1))
            s = SKIP.search(m.group(2))
            if s:
                self.plan_skip = s.group(1) or "no reason given"
            return
        m = RESULT.match(text)
        if m:
            self.results.append((m.group(1) == "ok", int(m.group(2)), m.group(3)))


def judge(lines, kernel, programs, allowed):
    v = Verdict(kernel, allowed)
    top_plan = None
    top = []                # numbered top-level results
    prog = None             # the test whose nested TAP is being read
    for raw in lines:
        line = raw.rstrip("\n")
        if FLAKY.match(line):
            v.flaky += 1
            v.notes.append("flaky: " + line.lstrip("# ")[len("flaky: "):])
        elif STALLED.match(line):
            v.notes.append("stalled: " + line.lstrip("# ")[len("stalled: "):])
        if line.startswith("# "):
            inner = line[2:]
            m = PROGRAM.match(inner)
            if m:
                prog = Program(m.group(1))
            elif prog is not None:
                prog.line(inner)
            continue
        m = PLAN.match(line)
        if m:
            if top_plan is not None:
                v.fail("a second plan: %s" % line)
            top_plan = int(m.group(1))
            continue
        m = RESULT.match(line)
        if not m:
            continue
        ok, number, desc = m.group(1) == "ok", int(m.group(2)), m.group(3)
        pm = PROGRAM.match(desc)
        if pm:
            name = pm.group(1)
            top.append((number, name))
            if prog is None or prog.name != name:
                prog = Program(name)
            judge_program(v, prog, ok, desc)
            prog = None
            continue
        if number:
            top.append((number, desc))
        s = SKIP.search(desc)
        if s:
            v.skip("(plain)", desc[:s.start()].strip(), s.group(1))
        elif ok:
            v.passed += 1
        else:
            v.fail(desc)
    judge_plan(v, top_plan, top, programs)
    return v


def judge_program(v, prog, ok, desc):
    name = prog.name
    leaf_fail = 0
    for leaf_ok, _, leaf_desc in prog.results:
        s = SKIP.search(leaf_desc)
        if s:
            v.skip(name, "%s: %s" % (name, leaf_desc[:s.start()].strip()), s.group(1))
        elif leaf_ok:
            v.passed += 1
        else:
            leaf_fail += 1
            v.fail("%s: %s" % (name, leaf_desc))
    whole_skip = SKIP.search(desc)
    if prog.plan_skip is not None or (ok and whole_skip):
        reason = prog.plan_skip or (whole_skip.group(1) if whole_skip else "")
        v.skip(name, name, reason or "no reason given")
        return
    if leaf_fail:
        return
    # A test that failed with no failing case, or whose cases do not match
    # its plan, counts once.
    numbers = [n for _, n, _ in prog.results]
    if not ok:
        why = desc.split("#", 1)[1].strip() if "#" in desc else "exit status"
        v.fail("%s failed with no failing case (%s)" % (name, why))
    elif prog.plan is None:
        v.fail("%s printed no plan" % name)
    elif numbers != list(range(1, prog.plan + 1)):
        v.fail("%s planned %d cases and printed %d" % (name, prog.plan, len(numbers)))


def judge_plan(v, plan, top, programs):
    numbers = [n for n, _ in top]
    if programs is not None:
        names = [name for _, name in top]
        if plan is None:
            v.fail("no plan: the suite never started (did ttp.ko load?)")
        if names != programs:
            missing = [p for p in programs if p not in names]
            v.fail("asked for %d tests, %d reported%s" %
                   (len(programs), len(names),
                    "; missing: " + " ".join(missing) if missing else ""))
    if plan is not None and numbers != list(range(1, plan + 1)):
        v.fail("planned %d results, printed %d" % (plan, len(numbers)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", default="host")
    ap.add_argument("--programs")
    ap.add_argument("--allow", default=os.path.join(HERE, "allowed-skips"))
    ap.add_argument("tap")
    a = ap.parse_args()
    programs = a.programs.split() if a.programs is not None else None
    with open(a.tap, errors="replace") as f:
        v = judge(f, a.kernel, programs, load_allowed(a.allow))
    print(v.passed, v.failed, v.skipped, v.flaky)
    for n in v.notes:
        print(n)


if __name__ == "__main__":
    sys.exit(main())
