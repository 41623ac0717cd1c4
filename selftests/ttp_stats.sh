#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Statistics: every state's gauge and total, event counters, JSON output,
# counting per namespace.
. "$(dirname "$0")/lib/lib.sh"
ttp_require_module
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

ttp_plan 6
ttp_check "stats lists every state with now and entered" every_state
ttp_check "all gauges are zero with no connections" gauges_zero
ttp_check "-j output parses as JSON, with every state and counter" json_valid
ttp_check "ParamChanges counts real changes only" changes_counted
ttp_check "counters are per namespace" counters_per_namespace
ttp_check "every counter is documented" counters_documented
ttp_done
