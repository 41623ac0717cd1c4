#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Configuration that survives a reboot: `param show --config` prints a file
# that `param load` applies whole or not at all; the module loads itself
# for a TTP socket (its net-pf aliases) and the modprobe.d install hook
# applies sysctl.d's net.ttp.* lines and /etc/ttp.conf as it does.
. "$(dirname "$0")/lib/lib.sh"
ttp_require_module
work=$(mktemp -d)
ttp_defer rm -rf "$work"
NS=ttpconf
ttp_netns $NS

conf() {
	"$TTPCTL" -n $NS param show --config
}

round_trip() {
	conf >"$work/defaults" || return
	grep -q '^msl_ms = 30000$' "$work/defaults" || ttp_fail_msg "no msl_ms line" || return
	"$TTPCTL" -n $NS param set msl_ms=2s syn_retries=3 tw_reuse=0 || return
	conf >"$work/changed" || return
	"$TTPCTL" -n $NS param load "$work/defaults" || return
	conf | diff -u "$work/defaults" - || return
	"$TTPCTL" -n $NS param load - <"$work/changed" || return
	conf | diff -u "$work/changed" - || return
	[ "$(ttp_param -n $NS msl_ms)" = 2000 ] || ttp_fail_msg "msl_ms not 2000"
}

# bad FILE-CONTENT EXPECTED-MESSAGE: rejected with that message, nothing set.
bad() {
	local before err
	before=$(conf)
	printf '%b' "$1" >"$work/bad"
	if "$TTPCTL" -n $NS param load "$work/bad" 2>"$work/err"; then
		ttp_fail_msg "accepted: $1"
		return
	fi
	err=$(cat "$work/err")
	[[ $err == *"$2"* ]] || ttp_fail_msg "for $1: said \"$err\", not \"$2\"" || return
	[ "$(conf)" = "$before" ] || ttp_fail_msg "$1 changed something"
}

all_or_nothing() {
	bad 'msl_ms = 5s\nsyn_retries = 1000\n' "syn_retries" || return
	bad 'msl_ms = 5s\nnot_a_param = 1\n' "unknown parameter 'not_a_param'" || return
	bad '# fine\nmsl_ms 5s\n' "bad:2: expected NAME = VALUE" || return
	bad 'msl_ms = 5s\nmsl_ms = 6s\n' "bad:2: msl_ms is set twice" || return
	bad '# nothing\n\n' "sets nothing"
}

unprivileged() {
	! unshare -U --map-user=65534 -- "$TTPCTL" param load "$work/changed" 2>"$work/err" &&
		grep -q "CAP_NET_ADMIN" "$work/err" || ttp_fail_msg "$(cat "$work/err")"
}

# The module is installed as `make install` would (an overlay over the
# kernel's read-only modules directory in the test VM), /etc/ttp.conf says
# msl_ms = 7s, a sysctl.d file sets fin_timeout_ms, and a program's socket()
# is all it takes.
autoload() {
	local rel mods hook
	rel=$(uname -r)
	mods=/lib/modules/$rel
	[ -n "${TTP_MODULE:-}" ] || ttp_fail_msg "TTP_MODULE names no module file" || return
	mkdir -p "$work/up" "$work/wd"
	mount -t overlay overlay -o "lowerdir=$mods,upperdir=$work/up,workdir=$work/wd" "$mods" ||
		return
	ttp_defer umount "$mods"
	mkdir -p "$mods/updates"
	cp "$TTP_MODULE" "$mods/updates/ttp.ko"
	# Only ttp.ko indexed (it depends on no other module): all of them
	# takes minutes under emulation, and the overlay goes after this case.
	depmod "$rel" "$mods/updates/ttp.ko" || return
	modinfo -F alias ttp | grep -qx "net-pf-2-proto-253-type-1" ||
		ttp_fail_msg "no net-pf alias: $(modinfo -F alias ttp)" || return
	hook=/etc/modprobe.d/ttp.conf
	sed "s|@SBINDIR@|$(dirname "$TTPCTL")|" "$TTP_REPO/userspace/etc/modprobe-ttp.conf" >$hook
	ttp_defer rm -f $hook /etc/ttp.conf /etc/sysctl.d/90-ttp-test.conf
	printf 'msl_ms = 7s\nsyn_retries = 4\n' >/etc/ttp.conf
	mkdir -p /etc/sysctl.d
	printf 'net.ttp.fin_timeout_ms = 3000\n' >/etc/sysctl.d/90-ttp-test.conf
	ttp_wait_for 60 sh -c 'rmmod ttp 2>/dev/null; ! grep -q "^ttp " /proc/modules' ||
		ttp_fail_msg "ttp would not unload" || return
	python3 -c "import socket; socket.socket(socket.AF_INET6, socket.SOCK_STREAM, 253).close()" ||
		ttp_fail_msg "socket() did not load the module" || return
	[ "$(ttp_param msl_ms)" = 7000 ] && [ "$(ttp_param syn_retries)" = 4 ] ||
		ttp_fail_msg "/etc/ttp.conf not applied: msl_ms $(ttp_param msl_ms)" || return
	[ "$(ttp_param fin_timeout_ms)" = 3000 ] ||
		ttp_fail_msg "sysctl.d not applied: fin_timeout_ms $(ttp_param fin_timeout_ms)"
}

# Bash completion, as bash would call it: objects, commands, and the
# parameter names the loaded module has.
completion() {
	PATH=$(dirname "$TTPCTL"):$PATH bash -c '
	. "$1"
	comp() {
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMPREPLY=()
		_ttpctl
		echo "${COMPREPLY[*]}"
	}
	[ "$(comp ttpctl pa)" = param ] || { echo "pa: $(comp ttpctl pa)"; exit 1; }
	[ "$(comp ttpctl param s)" = "show set" ] || { echo "param s: $(comp ttpctl param s)"; exit 1; }
	[ "$(comp ttpctl param set msl)" = "msl_ms= msl_local_ms=" ] ||
		{ echo "param set msl: $(comp ttpctl param set msl)"; exit 1; }
	[ "$(comp ttpctl -n '"$NS"' param show events)" = events_rate ] ||
		{ echo "-n: $(comp ttpctl -n '"$NS"' param show events)"; exit 1; }
	[ "$(comp ttpctl ss state time)" = time-wait ] || { echo "state: $(comp ttpctl ss state time)"; exit 1; }
	' _ "$TTP_REPO/userspace/completion/ttpctl"
}

ttp_plan 5
ttp_check "show --config, load it back: the same file (and from stdin)" round_trip
ttp_check "a file with a mistake: said where, and nothing changes" all_or_nothing
ttp_check "unprivileged load: refused, in plain words" unprivileged
ttp_check "bash completion: objects, commands, the kernel's parameter names" completion
ttp_check "socket() loads the module; the modprobe.d hook applies sysctl.d, /etc/ttp.conf" autoload
# Leave the module as the next test expects it: loaded from the runner's build.
ttp_load_module
ttp_done
