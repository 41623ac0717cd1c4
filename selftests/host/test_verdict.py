#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Unit tests of verdict.py, the judge of `make check`: each way a run can
go wrong, written as the TAP such a run prints, must turn it red, and a
clean run must stay green. Plain TAP out; `make check` runs it on the host."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import verdict  # noqa: E402

ALLOWED = {"ttp_kunit.sh": {"6.1", "6.12", "7.3"}}


def program(n, name, body, status="ok", suffix=""):
    lines = ["# timeout set to 600", "# selftests: ttp: " + name]
    lines += ["# " + b for b in body]
    lines.append("%s %d selftests: ttp: %s%s" % (status, n, name, suffix))
    return lines


def tap(*programs, plan=None):
    out = ["TAP version 13"]
    if plan is not None:
        out.append("1..%d" % plan)
    for p in programs:
        out += p
    return out


GOOD_A = ["TAP version 13", "1..2", "ok 1 first", "ok 2 second"]
GOOD_B = ["TAP version 13", "1..1", "ok 1 only"]


def judge(lines, kernel="6.12", programs=("a.sh", "b.py")):
    return verdict.judge([x + "\n" for x in lines], kernel,
                         list(programs) if programs is not None else None, ALLOWED)


CASES = []


def case(fn):
    CASES.append(fn)
    return fn


@case
def clean_run_passes():
    v = judge(tap(program(1, "a.sh", GOOD_A), program(2, "b.py", GOOD_B), plan=2))
    return (v.passed, v.failed, v.skipped) == (3, 0, 0), v


@case
def one_failing_case_counts_once():
    body = ["TAP version 13", "1..2", "ok 1 first", "not ok 2 second"]
    v = judge(tap(program(1, "a.sh", body, "not ok", " # exit=1"),
                  program(2, "b.py", GOOD_B), plan=2))
    return (v.passed, v.failed) == (2, 1), v


@case
def crash_without_failing_case_counts_once():
    body = ["TAP version 13", "1..2", "ok 1 first"]
    v = judge(tap(program(1, "a.sh", body, "not ok", " # TIMEOUT 600 seconds"),
                  program(2, "b.py", GOOD_B), plan=2))
    return (v.passed, v.failed) == (2, 1), v


@case
def short_of_its_plan_fails_even_if_ok():
    body = ["TAP version 13", "1..3", "ok 1 first", "ok 2 second"]
    v = judge(tap(program(1, "a.sh", body), program(2, "b.py", GOOD_B), plan=2))
    return v.failed == 1 and "planned 3" in "".join(v.notes), v


@case
def no_plan_in_a_test_fails():
    v = judge(tap(program(1, "a.sh", ["ok 1 first"]), program(2, "b.py", GOOD_B), plan=2))
    return v.failed == 1, v


@case
def module_that_did_not_load_fails():
    # The guest printed nothing: no suite, no plan.
    v = judge(["ok 0 ttp.ko builds for 6.12, warning-free with W=1"])
    return v.failed >= 1 and v.passed == 1, v


@case
def guest_that_died_midway_fails():
    v = judge(tap(program(1, "a.sh", GOOD_A), plan=2))
    return v.failed >= 1 and "missing: b.py" in "".join(v.notes), v


@case
def wrong_test_list_fails():
    v = judge(tap(program(1, "a.sh", GOOD_A), program(2, "c.py", GOOD_B), plan=2))
    return v.failed == 1, v


@case
def skipped_test_fails():
    body = ["TAP version 13", "1..0 # SKIP tshark is not installed"]
    v = judge(tap(program(1, "a.sh", GOOD_A), program(2, "b.py", body, "ok", " # SKIP"), plan=2))
    return (v.passed, v.failed, v.skipped) == (2, 1, 1), v


@case
def skipped_case_fails():
    body = ["TAP version 13", "1..2", "ok 1 first", "ok 2 second # SKIP no userns"]
    v = judge(tap(program(1, "a.sh", body), program(2, "b.py", GOOD_B), plan=2))
    return (v.passed, v.failed, v.skipped) == (2, 1, 1), v


@case
def allowed_skip_passes_on_its_kernels_only():
    body = ["TAP version 13", "1..0 # SKIP this kernel has no KUnit"]
    lines = tap(program(1, "ttp_kunit.sh", body, "ok", " # SKIP"), plan=1)
    on_debian = judge(lines, "6.1", ["ttp_kunit.sh"])
    on_debug = judge(lines, "debug", ["ttp_kunit.sh"])
    ok = (on_debian.failed, on_debian.skipped) == (0, 1) and on_debug.failed == 1
    return ok, (on_debian, on_debug)


@case
def flaky_lines_are_counted():
    body = ["TAP version 13", "1..1", "# flaky: IPv4: x.pkt: came 0.3 s late", "ok 1 only"]
    v = judge(tap(program(1, "a.sh", GOOD_A), program(2, "b.py", body), plan=2))
    return (v.failed, v.flaky) == (0, 1), v


@case
def stalled_lines_are_named_not_counted():
    body = ["TAP version 13", "1..1", "# stalled: IPv4: x.pkt: did not come", "ok 1 only"]
    v = judge(tap(program(1, "a.sh", GOOD_A), program(2, "b.py", body), plan=2))
    return (v.failed, v.flaky) == (0, 0) and v.notes == ["stalled: IPv4: x.pkt: did not come"], v


@case
def harness_cases_count_outside_the_plan():
    lines = ["ok 0 ttp.ko builds"] + tap(program(1, "a.sh", GOOD_A),
                                         program(2, "b.py", GOOD_B), plan=2)
    lines += ["not ok 0 the 6.12 kernel log is clean"]
    v = judge(lines)
    return (v.passed, v.failed) == (4, 1), v


@case
def plain_tap_without_programs():
    v = judge(["ok 1 x", "not ok 2 y", "ok 1 z # SKIP why"], "host", None)
    return (v.passed, v.failed, v.skipped) == (1, 2, 1), v


@case
def plain_plan_mismatch_fails():
    v = judge(["TAP version 13", "ok 1 x", "ok 2 y", "1..3"], "pair", None)
    return v.failed == 1, v


def main():
    print("TAP version 13")
    print("1..%d" % len(CASES))
    bad = 0
    for n, fn in enumerate(CASES, 1):
        ok, got = fn()
        for v in got if isinstance(got, tuple) else (got,):
            if not ok:
                print("# got %d passed, %d failed, %d skipped, %d flaky" %
                      (v.passed, v.failed, v.skipped, v.flaky))
                for note in v.notes:
                    print("#   " + note)
        print("%s %d verdict: %s" % ("ok" if ok else "not ok", n, fn.__name__.replace("_", " ")))
        bad += not ok
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
