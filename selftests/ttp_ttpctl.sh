#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ttpctl's command line: help at every level, exit statuses as ip(8)'s
# (1 usage, 2 the kernel or system said no), plain-words errors.
. "$(dirname "$0")/lib/lib.sh"
ttp_require_module

# expect STATUS PATTERN COMMAND...: exits STATUS, and its output (stdout and
# stderr) matches the extended regular expression PATTERN.
expect() {
	local want=$1 pattern=$2 out status
	shift 2
	out=$("$@" 2>&1) && status=0 || status=$?
	if [ "$status" != "$want" ]; then
		echo "$* exited $status, expected $want; output:"
		echo "$out"
		return 1
	fi
	if ! grep -qE -- "$pattern" <<<"$out"; then
		echo "$* printed no match for /$pattern/:"
		echo "$out"
		return 1
	fi
}

without_module() {
	rmmod ttp || return
	expect 2 "generic netlink family 'ttp' not found: load the module \(insmod module/ttp.ko\)" \
		"$TTPCTL" stats
	local status=$?
	ttp_load_module || return
	return $status
}

# Names pick states and counters; the output keeps the kernel's order.
stats_select() {
	local out got
	out=$("$TTPCTL" stats show twrecycled time_wait ActiveOpens) || return
	got=$(cut -f1,2 <<<"$out" | tr '\t\n' ' ;')
	[ "$got" = "state TIME_WAIT;counter ActiveOpens;counter TWRecycled;" ] && return
	echo "stats show twrecycled time_wait ActiveOpens printed:"
	echo "$out"
	return 1
}

ttp_plan 16
ttp_check "--version" expect 0 '^ttpctl .*family "ttp" version 1' "$TTPCTL" --version
ttp_check "help" expect 0 'Usage: ttpctl' "$TTPCTL" help
ttp_check "param help" expect 0 'Usage: ttpctl param show' "$TTPCTL" param help
ttp_check "stats help" expect 0 'Usage: ttpctl stats' "$TTPCTL" stats help
ttp_check "no object: usage, status 1" expect 1 'Usage: ttpctl' "$TTPCTL"
ttp_check "unknown object: status 1" expect 1 'Unknown object "bogus".*|Usage' "$TTPCTL" bogus
ttp_check "unknown option: status 1" expect 1 'Usage: ttpctl' "$TTPCTL" --bogus stats
ttp_check "set without =: status 1 with usage" \
	expect 1 'Expected NAME=VALUE, got "msl_ms"' "$TTPCTL" param set msl_ms
ttp_check "set with a bad number: status 1" \
	expect 1 'Invalid value "3x" for msl_ms: unknown time unit' "$TTPCTL" param set msl_ms=3x
ttp_check "unique prefixes: p s" expect 0 '^msl_ms	30000$' "$TTPCTL" p s msl_ms
ttp_check "no such namespace: status 2" \
	expect 2 'Cannot open network namespace "ttp-none"' "$TTPCTL" -n ttp-none stats
ttp_check "unknown parameter: status 2" \
	expect 2 "unknown parameter 'nosuch'" "$TTPCTL" param show nosuch
ttp_check "stats show NAME...: only those, kernel order, any case" stats_select
ttp_check "stats show NAME in JSON" \
	expect 0 '^\{"states":\{\},"counters":\{"SyncookiesSent":[0-9]+\}\}$' \
	"$TTPCTL" -j stats show SyncookiesSent
ttp_check "stats show an unknown name: status 2" \
	expect 2 "Error: no state or counter 'nosuch'" "$TTPCTL" stats show ActiveOpens nosuch
ttp_check "module not loaded: status 2 and what to do" without_module
ttp_done
