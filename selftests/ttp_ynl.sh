#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The family's YAML spec (Documentation/netlink/ttp.yaml) drives the module
# through the kernel's own ynl client (tools/net/ynl/cli.py from Debian's
# linux-source-6.12, unpacked by `make check` in build/ynl): get, set, dump
# and subscribe, with no code of ours on the client side.
. "$(dirname "$0")/lib/lib.sh"
ttp_require_module
SRC=${YNL_SRC:-$TTP_REPO/build/ynl/linux-source-6.12}
YNL=$SRC/tools/net/ynl
SPEC=$TTP_REPO/Documentation/netlink/ttp.yaml
# The spec is checked against the kernel's schema as ynl loads it.
SCHEMA=$SRC/Documentation/netlink/genetlink-legacy.yaml
[ -f "$YNL/cli.py" ] || ttp_fail_all "no ynl client in $YNL (make check unpacks it)"
python3 -c "import yaml, jsonschema" 2>/dev/null ||
	ttp_fail_all "python3-yaml and python3-jsonschema are needed (install-deps installs them)"
NS=ttpynl
ttp_netns $NS
work=$(mktemp -d)
ttp_defer rm -rf "$work"
export PYTHONDONTWRITEBYTECODE=1

# The spec is checked against the kernel's schema by the first request
# only: jsonschema takes seconds a call under emulation.
ynl_schema() {
	ip netns exec $NS python3 "$YNL/cli.py" --spec "$SPEC" --output-json "$@"
}

ynl() {
	ynl_schema --no-schema "$@"
}

# json EXPRESSION: evaluate EXPRESSION on the JSON on stdin (as "r").
json() {
	python3 -c "import json, sys; r = json.load(sys.stdin); sys.exit(0 if ($1) else 1)"
}

get() {
	ynl_schema --schema "$SCHEMA" --do param-get --json '{"param": [{"name": "msl_ms"}]}' \
		>"$work/out" || return
	cat "$work/out"
	json 'r["param"][0]["name"] == "msl_ms" and r["param"][0]["value"] == 30000 and
	      r["param"][0]["unit"] == "ms"' <"$work/out"
}

dump() {
	local n
	n=$("$TTPCTL" -n $NS param show | wc -l)
	ynl --dump param-get >"$work/out" || return
	json "len([p for m in r for p in m['param']]) == $n" <"$work/out" ||
		ttp_fail_msg "not the $n parameters ttpctl shows: $(cat "$work/out")"
}

set_param() {
	ynl --do param-set --json '{"param": [{"name": "syn_retries", "value": 9}]}' || return
	[ "$(ttp_param -n $NS syn_retries)" = 9 ] || ttp_fail_msg "syn_retries not 9" || return
	if ynl --do param-set --json '{"param": [{"name": "syn_retries", "value": 1000}]}' \
		>"$work/out" 2>&1; then
		ttp_fail_msg "1000 accepted"
		return
	fi
	cat "$work/out"
	grep -q "syn_retries" "$work/out" && grep -q "127" "$work/out" ||
		ttp_fail_msg "the error names neither the parameter nor its range" || return
	[ "$(ttp_param -n $NS syn_retries)" = 9 ] || ttp_fail_msg "syn_retries changed"
}

stats_and_sockets() {
	ip netns exec $NS python3 -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 253)
s.bind(('127.0.0.1', 9300)); s.listen(1)
open('$work/ready', 'w').close()
time.sleep(120)" &
	ttp_defer kill $!
	ttp_wait_for 30 test -e "$work/ready" || return
	ynl --do stats-get >"$work/out" || return
	json '[s["current"] for s in r["state"] if s["name"] == "LISTEN"] == [1] and
	      [s["id"] for s in r["state"] if s["name"] == "LISTEN"] == ["listen"] and
	      any(c["name"] == "ActiveOpens" for c in r["counter"])' <"$work/out" ||
		ttp_fail_msg "stats-get: $(cat "$work/out")" || return
	ynl --dump sock-get >"$work/out" || return
	json 'len(r) == 1 and r[0]["sock"]["state"] == "listen" and
	      r[0]["sock"]["sport"] == 9300 and r[0]["sock"]["kind"] == "socket"' <"$work/out" ||
		ttp_fail_msg "sock-get: $(cat "$work/out")"
}

# Subscribed (the Events counter moves only with a listener), a parameter
# change arrives as its event.
subscribe() {
	local pid events
	ynl --subscribe events --sleep 20 >"$work/out" 2>&1 &
	pid=$!
	# shellcheck disable=SC2034 # read in the eval below
	events=$(ttp_stat -n $NS counter Events)
	ttp_wait_for 60 eval '"$TTPCTL" -n $NS param set tw_reuse=1 >/dev/null &&
		"$TTPCTL" -n $NS param set tw_reuse=2 >/dev/null &&
		[ "$(ttp_stat -n $NS counter Events)" -gt "${events:-0}" ]' ||
		ttp_fail_msg "no event built: the client never subscribed" || return
	"$TTPCTL" -n $NS param set msl_ms=4321 || return
	wait $pid || { cat "$work/out"; return 1; }
	cat "$work/out"
	grep -q '"param": "msl_ms"' "$work/out" && grep -q '"new-value": 4321' "$work/out" ||
		ttp_fail_msg "no msl_ms event with 4321"
}

ttp_plan 5
ttp_check "ynl do param-get: one parameter by name" get
ttp_check "ynl dump param-get: every parameter" dump
ttp_check "ynl do param-set: set; out of range refused with its range" set_param
ttp_check "ynl stats-get and dump sock-get: a listener, named by the spec's enums" \
	stats_and_sockets
ttp_check "ynl subscribe events: a parameter change arrives" subscribe
ttp_done
