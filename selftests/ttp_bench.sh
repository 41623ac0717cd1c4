#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench's smoke path: ttp-bench's stream, rr and crr modes run for TCP
# and for TTP, over loopback and veth, and give figures; the report makes
# a table of ratios from them. Nothing here is timed or judged by speed:
# `make bench` measures (Documentation/performance.md).
. "$(dirname "$0")/lib/lib.sh"
ttp_require_module
BENCH=$TTP_REPO/userspace/ttp-bench
[ -x "$BENCH" ] || ttp_fail_all "ttp-bench not found (build it: make -C userspace)"
work=$(mktemp -d)
ttp_defer rm -rf "$work"

figures() {
	python3 "$TTP_REPO/selftests/bench/bench.py" --smoke >"$work/output" ||
		ttp_fail_msg "bench.py failed" || return
	grep '^#' "$work/output" | sed 's/^# */  /' | while read -r line; do ttp_diag "$line"; done
	python3 - "$work/output" <<'PY'
import json, sys
got = {}
for line in open(sys.argv[1]):
    if line.startswith("BENCH "):
        r = json.loads(line[6:])
        if "proto" in r:
            got[(r["bench"], r["path"], r["proto"])] = r["median"]
want = [(b, p, proto) for b in ("stream-1", "stream-4", "rr", "crr")
        for p in ("lo", "veth") for proto in ("tcp", "ttp")]
bad = [k for k in want if not got.get(k, 0) > 0]
if bad:
    sys.exit("no figure for %s" % bad)
PY
}

report() {
	"$TTP_REPO/selftests/bench/report.py" "$work/output" "$work/results" >"$work/table" ||
		ttp_fail_msg "report.py failed" || return
	[ "$(grep -c '^| \(stream-1\|stream-4\|rr\|crr\) |' "$work/table")" = 8 ] ||
		ttp_fail_msg "the table lacks rows: $(cat "$work/table")" || return
	python3 -c "import json, sys; json.load(open(sys.argv[1]))" "$work/results/results.json"
}

bad_proto() {
	"$BENCH" rr --proto sctp 127.0.0.1 2>"$work/err"
	[ $? = 1 ] && grep -q "tcp or ttp" "$work/err"
}

ttp_plan 3
ttp_check "stream, rr and crr give figures for TCP and TTP, loopback and veth" figures
ttp_check "the report has a row for each, with the ratio TTP/TCP" report
ttp_check "ttp-bench names what --proto takes when given something else" bad_proto
ttp_done
