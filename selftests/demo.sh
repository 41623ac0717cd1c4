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

step "Two hosts: network namespaces demo-a (10.77.0.1) and demo-b (10.77.0.2), joined by veth"
for ns in demo-a demo-b; do
	ip netns add $ns
	ip -n $ns link set lo up
done
ip link add demo-a0 netns demo-a type veth peer name demo-b0 netns demo-b
ip -n demo-a addr add 10.77.0.1/24 dev demo-a0
ip -n demo-b addr add 10.77.0.2/24 dev demo-b0
ip -n demo-a link set demo-a0 up
ip -n demo-b link set demo-b0 up
show ip -n demo-a -br addr show dev demo-a0

# wait_state NS STATE N: until NS has N connections in STATE.
wait_state() {
	local i
	for i in $(seq 300); do
		[ "$(ttpctl -n "$1" stats | awk -v s="$2" '$2 == s { print $3 }')" = "$3" ] && return
		sleep 0.1
	done
}

step "A server in demo-b and a client in demo-a talk over TTP (ttpcat is netcat for TTP)"
echo "${bold}# sleep 2 | ip netns exec demo-b ttpcat -l 7777 > received &${plain}"
received=$(mktemp)
(sleep 2 | ip netns exec demo-b ttpcat -l 7777 >"$received") &
server=$!
wait_state demo-b LISTEN 1
echo "${bold}# (echo 'hello over TTP'; sleep 4) | ip netns exec demo-a ttpcat 10.77.0.2 7777 &${plain}"
( (echo 'hello over TTP'; sleep 4) | ip netns exec demo-a ttpcat 10.77.0.2 7777) &
client=$!
wait_state demo-a ESTABLISHED 1
show ttpctl -n demo-a stats

step "The server's side closes first, so demo-b keeps the connection's TIME_WAIT entry"
wait $server $client
show cat "$received"
show ttpctl -n demo-b stats
echo "(TIME_WAIT lasts 2*msl_ms: a minute at the default of 30 s.)"

step "Lower msl_ms live in demo-b: the next connection's TIME_WAIT drains in 2 s"
show ttpctl -n demo-b param set msl_ms=1s
(sleep 1 | ip netns exec demo-b ttpcat -l 7778 >/dev/null) &
server=$!
wait_state demo-b LISTEN 1
(sleep 3 | ip netns exec demo-a ttpcat 10.77.0.2 7778 >/dev/null) &
wait $server
wait_state demo-b TIME_WAIT 2
show ttpctl -n demo-b stats
echo "... 2 seconds later the new entry is gone; the old one has its minute to run:"
wait_state demo-b TIME_WAIT 1
show ttpctl -n demo-b stats
wait
ip netns del demo-a
ip netns del demo-b
rm -f "$received"

step "Scripts get one value per line when not on a terminal, or JSON with -j"
echo "${bold}# ttpctl param show msl_ms syn_retries | cat${plain}"
ttpctl param show msl_ms syn_retries | cat
show ttpctl -j param show msl_ms
show ttpctl -j stats
