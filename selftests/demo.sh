#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The walkthrough `make demo` shows, run inside the VM: each step is printed
# with the command a user would type, then its output.
cd "$(dirname "$0")/.." || exit 1
module=${TTP_MODULE:-module/ttp.ko}
bold=$(tput bold 2>/dev/null) plain=$(tput sgr0 2>/dev/null)

step() {
	echo
	echo "${bold}## $1${plain}"
}

# show COMMAND...: print it as typed at a root prompt, then run it on a
# pseudo-terminal, so that it prints what a person at a terminal would see.
show() {
	echo "${bold}# $*${plain}"
	script -qefc "$(printf '%q ' "$@")" /dev/null | tr -d '\r'
	local status=${PIPESTATUS[0]}
	[ "$status" = 0 ] || echo "(exit status $status)"
}

step "Load the module: TTP registers IP protocol 253 and the \"ttp\" netlink family"
show insmod "${module#$PWD/}"
show grep ttp /proc/modules

step "Every knob is a parameter of the network namespace, with its unit, range and default"
show ttpctl param show -v

step "Tune live: a shorter TIME_WAIT (2*MSL) and no TIME_WAIT reuse, in one atomic change"
show ttpctl param set msl_ms=5s tw_reuse=0
show ttpctl param show msl_ms tw_reuse

step "Bad values are refused by the kernel, which says why; nothing changes"
show ttpctl param set msl_ms=0
show ttpctl param set syn_retries=3 msl_ms=20m
show ttpctl param show syn_retries msl_ms

step "Only CAP_NET_ADMIN over the namespace may change parameters; anyone may read them"
show setpriv --reuid=nobody --regid=nogroup --clear-groups ttpctl param set msl_ms=1s
show setpriv --reuid=nobody --regid=nogroup --clear-groups ttpctl param show msl_ms

step "Each namespace has its own values, starting from the defaults"
show ip netns add demo
show ttpctl -n demo param show msl_ms tw_reuse
show ip netns del demo

step "Per-state gauges (connections in the state now) and totals (times entered), then counters"
show ttpctl stats

step "Scripts get one value per line when not on a terminal, or JSON with -j"
echo "${bold}# ttpctl param show msl_ms syn_retries | cat${plain}"
ttpctl param show msl_ms syn_retries | cat
show ttpctl -j param show msl_ms
show ttpctl -j stats
