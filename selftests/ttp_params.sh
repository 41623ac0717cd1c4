#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Parameters: every one listed with its default, set and get, validation by
# the kernel with a message naming the range, all-or-nothing sets,
# privilege, and independence of network namespaces; the same table as
# net.ttp.* sysctls.
. "$(dirname "$0")/lib/lib.sh"
ttp_require_module

reset_defaults() {
	local n args=()
	for n in "${!TTP_DEFAULTS[@]}"; do args+=("$n=${TTP_DEFAULTS[$n]}"); done
	"$TTPCTL" param set "${args[@]}"
}
reset_defaults
ttp_defer reset_defaults

lists_every_default() {
	local out name value seen=0
	out=$("$TTPCTL" param show) || return
	while IFS=$'\t' read -r name value; do
		[[ " $TTP_GLOBAL_PARAMS " != *" $name "* ]] || { seen=$((seen + 1)); continue; }
		[ -n "${TTP_DEFAULTS[$name]+x}" ] || ttp_fail_msg "unexpected parameter $name" || return
		[ "$value" = "${TTP_DEFAULTS[$name]}" ] ||
			ttp_fail_msg "$name is $value, default should be ${TTP_DEFAULTS[$name]}" || return
		seen=$((seen + 1))
	done <<<"$out"
	local want=$((${#TTP_DEFAULTS[@]} + $(wc -w <<<"$TTP_GLOBAL_PARAMS")))
	[ $seen = $want ] || ttp_fail_msg "listed $seen of $want"
}

verbose_fields() {
	"$TTPCTL" param show -v | awk -F'\t' '
		NF != 6 || $3 !~ /^(ms|count|bool|mode|pages)$/ || $5 !~ /^[0-9]+\.\.[0-9]+$/ || $6 == "" {
			print "bad line: " $0; bad = 1 }
		END { exit bad }'
}

set_then_get() {
	"$TTPCTL" param set msl_ms=5s || return
	[ "$(ttp_param msl_ms)" = 5000 ] || ttp_fail_msg "msl_ms is $(ttp_param msl_ms), want 5000" || return
	"$TTPCTL" param set msl_ms=1500ms fin_timeout_ms=2m || return
	[ "$(ttp_param msl_ms)" = 1500 ] && [ "$(ttp_param fin_timeout_ms)" = 120000 ]
}

out_of_range() {
	local out status
	"$TTPCTL" param set msl_ms=7000 || return
	out=$("$TTPCTL" param set msl_ms=0 2>&1) && status=0 || status=$?
	[ $status = 2 ] || ttp_fail_msg "status $status, want 2" || return
	grep -qF 'Error: msl_ms: 0 is out of range 1..600000 (ms)' <<<"$out" ||
		ttp_fail_msg "message: $out" || return
	out=$("$TTPCTL" param set syncookies=3 2>&1)
	grep -qF 'syncookies: 3 is out of range 0..2' <<<"$out" || ttp_fail_msg "message: $out" || return
	# Far beyond 32 bits: the kernel still sees and rejects the real number.
	out=$("$TTPCTL" param set max_tw_buckets=99999999999 2>&1)
	grep -qF 'max_tw_buckets: 99999999999 is out of range 0..16777216' <<<"$out" ||
		ttp_fail_msg "message: $out" || return
	[ "$(ttp_param msl_ms)" = 7000 ] || ttp_fail_msg "old value not kept"
}

all_or_nothing() {
	"$TTPCTL" param set syn_retries=4 msl_ms=8000 || return
	! "$TTPCTL" param set syn_retries=3 msl_ms=9999999 2>/dev/null || return
	[ "$(ttp_param syn_retries)" = 4 ] && [ "$(ttp_param msl_ms)" = 8000 ] ||
		ttp_fail_msg "a rejected set changed something" || return
	# A rule across parameters, checked on the values the set would leave.
	! "$TTPCTL" param set rto_min_ms=5000 rto_max_ms=1000 2>/dev/null || return
	[ "$(ttp_param rto_min_ms)" = 200 ] && [ "$(ttp_param rto_max_ms)" = 120000 ] ||
		ttp_fail_msg "an inconsistent set changed something"
}

inconsistent_message() {
	local out
	out=$("$TTPCTL" param set rto_max_ms=100 rto_min_ms=150 2>&1)
	grep -qF 'Error: rto_min_ms must not exceed rto_max_ms' <<<"$out" || ttp_fail_msg "message: $out"
}

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"
}

unprivileged_show() {
	[ "$(as_nobody "$TTPCTL" param show msl_ms | cut -f2)" = "$(ttp_param msl_ms)" ]
}

unprivileged_set() {
	local before out status
	before=$(ttp_param syn_retries)
	out=$(as_nobody "$TTPCTL" param set syn_retries=2 2>&1) && status=0 || status=$?
	[ $status = 2 ] || ttp_fail_msg "status $status, want 2" || return
	grep -qF 'Error: changing parameters needs CAP_NET_ADMIN' <<<"$out" ||
		ttp_fail_msg "message: $out" || return
	[ "$(ttp_param syn_retries)" = "$before" ] || ttp_fail_msg "value changed"
}

namespaces_independent() {
	ttp_netns ttp-pa
	ttp_netns ttp-pb
	"$TTPCTL" param set msl_ms=11000 || return
	"$TTPCTL" -n ttp-pa param set msl_ms=22000 tw_reuse=0 || return
	"$TTPCTL" -n ttp-pb param set msl_ms=33000 || return
	[ "$(ttp_param msl_ms)" = 11000 ] || ttp_fail_msg "init namespace: $(ttp_param msl_ms)" || return
	[ "$(ttp_param -n ttp-pa msl_ms)" = 22000 ] || ttp_fail_msg "ttp-pa: $(ttp_param -n ttp-pa msl_ms)" || return
	[ "$(ttp_param -n ttp-pb msl_ms)" = 33000 ] || ttp_fail_msg "ttp-pb: $(ttp_param -n ttp-pb msl_ms)" || return
	[ "$(ttp_param -n ttp-pb tw_reuse)" = 2 ] && [ "$(ttp_param tw_reuse)" = 2 ]
}

# (One listing read whole: a ttpctl per parameter cost the debug guest a
# minute of process starts.)
new_namespace_defaults() {
	local out name value
	local -A got=()
	"$TTPCTL" param set msl_ms=12000 syncookies=2 || return
	ttp_netns ttp-pc
	out=$("$TTPCTL" -n ttp-pc param show) || return
	while IFS=$'\t' read -r name value; do got[$name]=$value; done <<<"$out"
	for name in "${!TTP_DEFAULTS[@]}"; do
		[ "${got[$name]:-}" = "${TTP_DEFAULTS[$name]}" ] ||
			ttp_fail_msg "new namespace: $name is ${got[$name]:-missing}, not ${TTP_DEFAULTS[$name]}" ||
			return
	done
}

# CAP_NET_ADMIN over the namespace, not over the host: the owner of a user
# namespace may tune its own network namespace, and only that one.
userns_owner() {
	local inside
	inside=$(as_nobody unshare -Urn sh -c "'$TTPCTL' param set msl_ms=4000 && '$TTPCTL' param show msl_ms") || return
	[ "$(cut -f2 <<<"$inside")" = 4000 ] || ttp_fail_msg "inside: $inside" || return
	[ "$(ttp_param msl_ms)" != 4000 ] || ttp_fail_msg "leaked into the initial namespace"
}

# net.ttp.*: the same table through sysctl, read from /proc/sys without a
# process per parameter (the debug guest pays a third of a second each).
sysctl_every_param() {
	local out name value got n=0
	out=$("$TTPCTL" param show) || return
	while IFS=$'\t' read -r name value; do
		[ -f "/proc/sys/net/ttp/$name" ] || ttp_fail_msg "no net.ttp.$name" || return
		read -r got <"/proc/sys/net/ttp/$name" || return
		[ "$got" = "$value" ] ||
			ttp_fail_msg "net.ttp.$name is $got, ttpctl says $value" || return
		n=$((n + 1))
	done <<<"$out"
	[ "$(ls /proc/sys/net/ttp | wc -l)" = $n ] ||
		ttp_fail_msg "net.ttp has $(ls /proc/sys/net/ttp | wc -l) entries, the table $n"
}

sysctl_both_ways() {
	sysctl -qw net.ttp.msl_ms=6500 || return
	[ "$(ttp_param msl_ms)" = 6500 ] ||
		ttp_fail_msg "after sysctl -w, ttpctl reads $(ttp_param msl_ms)" || return
	"$TTPCTL" param set syn_retries=3 || return
	[ "$(sysctl -n net.ttp.syn_retries)" = 3 ] ||
		ttp_fail_msg "after param set, sysctl reads $(sysctl -n net.ttp.syn_retries)"
}

# Each refused with EINVAL as proc_douintvec_minmax() refuses, the old
# value kept; the rule across parameters is checked too, and said in the
# kernel log (a sysctl write has no other way to say why).
sysctl_rejects() {
	local bad out
	sysctl -qw net.ttp.msl_ms=7000 || return
	for bad in 0 600001 -1 4294967296 5s abc; do
		out=$(sysctl -w net.ttp.msl_ms=$bad 2>&1) &&
			ttp_fail_msg "msl_ms=$bad accepted" && return 1
		grep -qF "Invalid argument" <<<"$out" || ttp_fail_msg "msl_ms=$bad: $out" || return
	done
	[ "$(ttp_param msl_ms)" = 7000 ] || ttp_fail_msg "msl_ms is $(ttp_param msl_ms)" || return
	sysctl -qw net.ttp.rto_max_ms=1000 || return
	sysctl -qw net.ttp.rto_min_ms=5000 2>/dev/null &&
		ttp_fail_msg "rto_min_ms above rto_max_ms accepted" && return 1
	[ "$(ttp_param rto_min_ms)" = 200 ] || ttp_fail_msg "rto_min_ms is $(ttp_param rto_min_ms)" || return
	ttp_wait_for 10 sh -c "dmesg | grep -qF 'net.ttp.rto_min_ms: rto_min_ms must not exceed rto_max_ms'" ||
		ttp_fail_msg "no reason in the kernel log: $(dmesg | tail -3)"
}

# Each namespace its own files; the global ones read-only outside the
# initial namespace; a user namespace's owner writes its own, nobody else
# writes the host's.
sysctl_namespaces() {
	local got
	ttp_netns ttp-ps
	sysctl -qw net.ttp.msl_ms=11000 || return
	ip netns exec ttp-ps sysctl -qw net.ttp.msl_ms=21000 || return
	[ "$(ttp_param -n ttp-ps msl_ms)" = 21000 ] && [ "$(ttp_param msl_ms)" = 11000 ] ||
		ttp_fail_msg "ttp-ps $(ttp_param -n ttp-ps msl_ms), initial $(ttp_param msl_ms)" || return
	got=$(ip netns exec ttp-ps stat -c %a /proc/sys/net/ttp/mem_max_pages /proc/sys/net/ttp/msl_ms)
	[ "$got" = $'444\n644' ] || ttp_fail_msg "modes in ttp-ps: $got" || return
	ip netns exec ttp-ps sysctl -qw net.ttp.mem_max_pages=1 2>/dev/null &&
		ttp_fail_msg "mem_max_pages written from ttp-ps" && return 1
	got=$(as_nobody unshare -Urn sh -c 'sysctl -qw net.ttp.msl_ms=4000 && sysctl -n net.ttp.msl_ms') ||
		ttp_fail_msg "the owner could not write its own: $got" || return
	[ "$got" = 4000 ] || ttp_fail_msg "the owner reads $got" || return
	as_nobody sysctl -qw net.ttp.msl_ms=4000 2>/dev/null &&
		ttp_fail_msg "nobody wrote the initial namespace's" && return 1
	[ "$(ttp_param msl_ms)" = 11000 ] || ttp_fail_msg "initial namespace: $(ttp_param msl_ms)"
}

# A sysctl.d file, as sysctl --system and the modprobe.d hook apply it.
sysctl_file() {
	local f
	f=$(mktemp)
	printf 'net.ttp.msl_ms = 9000\nnet.ttp.syncookies = 2\n' >"$f"
	sysctl -q -p "$f" || { rm -f "$f"; return 1; }
	rm -f "$f"
	[ "$(ttp_param msl_ms)" = 9000 ] && [ "$(ttp_param syncookies)" = 2 ] ||
		ttp_fail_msg "msl_ms $(ttp_param msl_ms), syncookies $(ttp_param syncookies)"
}

docs_match() {
	local tmp
	tmp=$(mktemp)
	"$TTPCTL" -j param show | python3 "$TTP_REPO/Documentation/gen-params.py" >"$tmp" || return
	diff -u "$TTP_REPO/Documentation/params.md" "$tmp" ||
		ttp_fail_msg "Documentation/params.md is stale: make params-doc"
	local s=$?
	"$TTPCTL" -j param show | python3 "$TTP_REPO/Documentation/gen-params.py" \
		--man "$TTP_REPO/Documentation/man/ttp.7" >"$tmp" || s=1
	diff -u "$TTP_REPO/Documentation/man/ttp.7" "$tmp" ||
		ttp_fail_msg "Documentation/man/ttp.7 is stale: make params-doc" || s=1
	rm -f "$tmp"
	return $s
}

ttp_plan 17
ttp_check "param show lists every parameter with its default" lists_every_default
ttp_check "param show -v: unit, default, range, description" verbose_fields
ttp_check "set then get, with time suffixes" set_then_get
ttp_check "out of range: rejected with the range, old value kept" out_of_range
ttp_check "a set with one bad value changes nothing" all_or_nothing
ttp_check "rto_min_ms above rto_max_ms: rejected with a reason" inconsistent_message
ttp_check "unprivileged show works" unprivileged_show
ttp_check "unprivileged set: EPERM, in plain words" unprivileged_set
ttp_check "namespaces keep their own values" namespaces_independent
ttp_check "a new namespace starts at the defaults" new_namespace_defaults
ttp_check "a user namespace's owner tunes its own network namespace only" userns_owner
ttp_check "net.ttp.*: every parameter, the same value as ttpctl" sysctl_every_param
ttp_check "sysctl -w shows in ttpctl, param set in sysctl" sysctl_both_ways
ttp_check "sysctl: out of range or against a rule: EINVAL, value kept" sysctl_rejects
ttp_check "sysctl per namespace: own values, global read-only, owners" sysctl_namespaces
ttp_check "a sysctl.d file applies" sysctl_file
ttp_check "Documentation/params.md and ttp.7 match the module's table" docs_match
ttp_done
