#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Statistics: every state's gauge and total, event counters, JSON output,
# counting per namespace, Prometheus's format scraped through node_exporter.
. "$(dirname "$0")/lib/lib.sh"
ttp_require_module
ttp_require_tool prometheus-node-exporter curl
ttp_defer "$TTPCTL" param set msl_ms=30000 syn_retries=6

every_state() {
	local s out
	out=$("$TTPCTL" stats) || return
	for s in $TTP_STATES; do
		grep -qE "^state	$s	[0-9]+	[0-9]+$" <<<"$out" || ttp_fail_msg "no line for $s in:
$out" || return
	done
	[ "$(grep -c '^state' <<<"$out")" = 10 ] || ttp_fail_msg "not 10 states"
}

# No transport yet: nothing may be counted in any state.
gauges_zero() {
	local s
	for s in $TTP_STATES; do
		[ "$(ttp_stat state "$s" now)" = 0 ] || ttp_fail_msg "$s gauge not 0" || return
	done
}

json_valid() {
	"$TTPCTL" -j stats | python3 -c '
import json, sys
d = json.load(sys.stdin)
states = "'"$TTP_STATES"'".split()
assert sorted(d["states"]) == sorted(states), d["states"].keys()
for s in states:
    assert set(d["states"][s]) == {"now", "entered"}, d["states"][s]
assert "ParamChanges" in d["counters"]
' || return
	"$TTPCTL" -j -p stats | python3 -m json.tool >/dev/null || return
	"$TTPCTL" -j param show | python3 -c '
import json, sys
d = json.load(sys.stdin)
want = '$((${#TTP_DEFAULTS[@]} + $(wc -w <<<"$TTP_GLOBAL_PARAMS")))'
assert len(d) == want, (len(d), want)
for p in d:
    assert set(p) == {"name", "value", "unit", "default", "min", "max", "description",
                      "id", "global"}, p
    assert p["global"] == (p["name"] in "'"$TTP_GLOBAL_PARAMS"'".split()), p
' || return
	"$TTPCTL" -j stats | python3 -c '
import json, sys
m = json.load(sys.stdin)["memory"]
assert set(m) == {"pages", "pressure"} and m["pressure"] in (0, 1), m
'
}

changes_counted() {
	local before after
	"$TTPCTL" param set msl_ms=12000 syn_retries=5 || return
	before=$(ttp_stat counter ParamChanges) || return
	"$TTPCTL" param set msl_ms=12345 syn_retries=4 || return
	"$TTPCTL" param set msl_ms=12345 || return	# no change: not counted
	after=$(ttp_stat counter ParamChanges) || return
	[ $((after - before)) = 2 ] || ttp_fail_msg "counted $((after - before)) changes, want 2"
}

counters_per_namespace() {
	ttp_netns ttp-sa
	ttp_netns ttp-sb
	"$TTPCTL" -n ttp-sa param set msl_ms=1000 msl_local_ms=10 tw_reuse=1 || return
	[ "$(ttp_stat -n ttp-sa counter ParamChanges)" = 3 ] || ttp_fail_msg "ttp-sa: not 3" || return
	[ "$(ttp_stat -n ttp-sb counter ParamChanges)" = 0 ] || ttp_fail_msg "ttp-sb: not 0"
}

# Every counter the module reports is explained in Documentation/counters.md.
# (One awk for all: a grep per counter cost the debug guest minutes of
# process starts.)
counters_documented() {
	"$TTPCTL" stats -z | awk -F'\t' -v doc="$TTP_REPO/Documentation/counters.md" '
		BEGIN {
			while ((getline line <doc) > 0)
				if (match(line, /^\| `[A-Za-z0-9_]+` \|/))
					documented[substr(line, 4, RLENGTH - 6)] = 1
		}
		$1 == "counter" && !($2 in documented) {
			print $2 " is not in Documentation/counters.md"; missing = 1
		}
		END { exit missing }'
}

# --prometheus as an operator uses it: files for Debian's node_exporter's
# textfile collector (written whole, then renamed in, as its documentation
# asks), one for the initial namespace and one labelled for another, read
# back over HTTP: no parse error, and every figure ttpctl shows, with its
# value, under its name and labels.
prometheus_scrape() {
	local dir port=9119 pid
	ttp_netns ttp-prom
	"$TTPCTL" -n ttp-prom param set msl_ms=4000 || return
	"$TTPCTL" -n ttp-prom param set msl_ms=5000 || return
	dir=$(mktemp -d)
	ttp_defer rm -rf "$dir"
	"$TTPCTL" stats --prometheus >"$dir/init.tmp" && mv "$dir/init.tmp" "$dir/init.prom" &&
		"$TTPCTL" stats -z >"$dir/init.txt" &&
		"$TTPCTL" -n ttp-prom stats --prometheus >"$dir/ns.tmp" &&
		mv "$dir/ns.tmp" "$dir/ns.prom" &&
		"$TTPCTL" -n ttp-prom stats -z >"$dir/ns.txt" || return
	prometheus-node-exporter --web.listen-address=127.0.0.1:$port \
		--collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$dir" 2>"$dir/log" &
	pid=$!
	ttp_wait_for 60 curl -sf -o "$dir/metrics" http://127.0.0.1:$port/metrics
	local s=$?
	kill $pid
	wait $pid 2>/dev/null
	[ $s = 0 ] || ttp_fail_msg "no scrape: $(tail -3 "$dir/log")" || return
	python3 - "$dir" <<'PY'
import re, sys
d = sys.argv[1]
got = {}
for line in open(d + "/metrics"):
    m = re.match(r'^(\w+)(?:\{(.*)\})? (\S+)$', line.strip())
    if m:
        labels = tuple(sorted(re.findall(r'(\w+)="([^"]*)"', m.group(2) or "")))
        got[(m.group(1), labels)] = float(m.group(3))
assert got.get(("node_textfile_scrape_error", ())) == 0, "node_exporter could not read the files"
n = 0
for txt, ns in (("init.txt", ()), ("ns.txt", (("netns", "ttp-prom"),))):
    for line in open(d + "/" + txt):
        f = line.rstrip("\n").split("\t")
        if f[0] == "state":
            want = [("ttp_connections", f[2]), ("ttp_state_entered_total", f[3])]
            labels = tuple(sorted(ns + (("state", f[1]),)))
        elif f[0] == "counter":
            want, labels = [("ttp_%s_total" % f[1], f[2])], ns
        elif f[0] == "memory":
            continue    # global, and moving: its presence is checked below
        for name, value in want:
            key = (name, labels)
            assert key in got, "%s%s not scraped" % key
            assert got[key] == float(value), "%s%s: %s, ttpctl says %s" % (key + (got[key], value))
            n += 1
assert got.get(("ttp_ParamChanges_total", (("netns", "ttp-prom"),))) == 2, "ParamChanges in ttp-prom"
assert ("ttp_memory_pages", (("netns", "ttp-prom"),)) in got, "no ttp_memory_pages"
assert n >= 40, "only %d figures compared" % n
PY
}

ttp_plan 7
ttp_check "stats lists every state with now and entered" every_state
ttp_check "all gauges are zero with no connections" gauges_zero
ttp_check "-j output parses as JSON, with every state and counter" json_valid
ttp_check "ParamChanges counts real changes only" changes_counted
ttp_check "counters are per namespace" counters_per_namespace
ttp_check "every counter is documented" counters_documented
ttp_check "--prometheus, scraped through node_exporter's textfile collector" prometheus_scrape
ttp_done
