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

# run_shown LINE: like show, for a shell pipeline.
run_shown() {
	echo "${bold}# $1${plain}"
	script -qefc "$1" /dev/null | tr -d '\r'
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
show ttpctl -n demo-b sockets
show ttpctl -n demo-a ss -i state established

step "The server's side closes first, so demo-b keeps the connection's TIME_WAIT entry"
wait $server $client
show cat "$received"
show ttpctl -n demo-b stats show ESTABLISHED TIME_WAIT
echo "(TIME_WAIT lasts 2*msl_ms: a minute at the default of 30 s.)"
show ttpctl -n demo-b ss state time-wait

step "ttpctl monitor: a handshake, a close and a parameter change as they happen"
events=$(mktemp)
echo "${bold}# ttpctl -n demo-a monitor &${plain}"
ttpctl -n demo-a monitor >"$events" 2>&1 &
monitor=$!
until grep -q monitoring "$events"; do sleep 0.1; done
(ip netns exec demo-b ttpcat -l 7778 >/dev/null) &
server=$!
wait_state demo-b LISTEN 1
run_shown "echo hello | ip netns exec demo-a ttpcat 10.77.0.2 7778"
wait $server
wait_state demo-a TIME_WAIT 1
show ttpctl -n demo-a param set fin_timeout_ms=30s
until grep -q "param fin_timeout_ms" "$events"; do sleep 0.1; done
show ttpctl -n demo-a sockets kill state time-wait
until grep -q killed "$events"; do sleep 0.1; done
kill -INT $monitor
wait $monitor
cat "$events"
rm -f "$events"

# A server in demo-b on port 7777 that answers one connection after another
# and lets the client close first, so that the client keeps the TIME_WAIT
# entries: its input ends only once the client's FIN has arrived.
client_closed() {
	until [ "$(ttpctl -n demo-b stats | awk '$2 == "CLOSE_WAIT" { print $3 }')" = 1 ]; do
		sleep 0.1
	done
}
set -m	# its own process group, to stop it as a whole
(while :; do
	client_closed | ip netns exec demo-b ttpcat -l 7777 >/dev/null 2>&1 || sleep 0.1
done) &
server_loop=$!
set +m

# short_connections N: N connections from demo-a, one at a time.
short_connections() {
	local i
	for i in $(seq "$1"); do
		wait_state demo-b LISTEN 1
		ip netns exec demo-a ttpcat 10.77.0.2 7777 </dev/null
	done
}

step "Port exhaustion: demo-a gets four ephemeral ports; each short connection leaves one in TIME_WAIT"
show ip netns exec demo-a sysctl -w net.ipv4.ip_local_port_range="40000 40003"
echo "${bold}# (4 times) ip netns exec demo-a ttpcat 10.77.0.2 7777 < /dev/null${plain}"
short_connections 4
wait_state demo-a TIME_WAIT 4
show ttpctl -n demo-a stats show TIME_WAIT TimeWaitExpired TWRecycled
wait_state demo-b LISTEN 1
show ip netns exec demo-a ttpcat 10.77.0.2 7777
echo "(tw_reuse is 2 by default: TIME_WAIT entries are reused only between loopback addresses.)"

step "Relief, live: lower msl_ms in demo-a; the entries that exist are cut to the new 2*MSL too"
show ttpctl -n demo-a param set msl_ms=1s
wait_state demo-a TIME_WAIT 0
show ttpctl -n demo-a stats show TIME_WAIT TimeWaitExpired
run_shown "echo 'a port again' | ip netns exec demo-a ttpcat 10.77.0.2 7777"
show ttpctl -n demo-a param set msl_ms=30s

step "Or let connect() take over a TIME_WAIT entry: tw_reuse=1 (timestamps keep old segments out)"
wait_state demo-a TIME_WAIT 0
short_connections 4
wait_state demo-a TIME_WAIT 4
show ttpctl -n demo-a stats show TIME_WAIT TWRecycled
show ttpctl -n demo-a param set tw_reuse=1
sleep 1	# tw_reuse_delay_ms: an entry must be quiet for a second
wait_state demo-b LISTEN 1
run_shown "echo 'reused' | ip netns exec demo-a ttpcat 10.77.0.2 7777"
show ttpctl -n demo-a stats show TIME_WAIT TWRecycled
echo "(The reused entry's connection closed and left a TIME_WAIT entry of its own.)"

step "ttpctl top over a churn of short connections (not a terminal here: plain frames)"
show ttpctl -n demo-a param set tw_reuse=1 tw_reuse_delay_ms=1 msl_ms=2s
(short_connections 30 >/dev/null 2>&1) &
churn=$!
run_shown "ttpctl -n demo-a top -d 2 -n 2 | cat"
wait $churn
kill -- -$server_loop
wait $server_loop 2>/dev/null

step "A SYN flood: 100 SYNs from addresses that never answer, at a listener with room for 16 half-open connections"
show ttpctl -n demo-b param set max_syn_backlog=16
(ip netns exec demo-b ttpcat -l 7779 </dev/null >"$received") &
server=$!
wait_state demo-b LISTEN 1
show selftests/synflood.py demo-a demo-a0 10.77.0.2 7779 100
show ttpctl -n demo-b stats show SYN_RCVD SyncookiesSent

step "With syncookies=1 (the default) a real client still gets in: its SYN-ACK carries a cookie"
run_shown "echo 'through the flood' | ip netns exec demo-a ttpcat 10.77.0.2 7779"
wait $server
show cat "$received"
show ttpctl -n demo-b stats show SYN_RCVD SyncookiesRecv PassiveOpens
echo "(Closing the listener ended its half-open entries.)"
run_shown "dmesg | grep 'SYN flooding'"

step "The same flood with syncookies=0: the client's SYNs are dropped, and it gives up"
show ttpctl -n demo-b param set syncookies=0
(ip netns exec demo-b ttpcat -l 7780 </dev/null >/dev/null 2>&1) &
server=$!
wait_state demo-b LISTEN 1
show selftests/synflood.py demo-a demo-a0 10.77.0.2 7780 100
show ip netns exec demo-a ttpcat -w 4 10.77.0.2 7780
show ttpctl -n demo-b stats show SYN_RCVD DropSynQueueFull ListenDrops
run_shown "dmesg | grep 'SYN flooding'"
kill $server 2>/dev/null
wait

step "ttpize: unmodified programs over TTP. python3's http.server in demo-b, curl in demo-a"
(ip netns exec demo-b ttpize run -- python3 -m http.server --bind 10.77.0.2 \
	--directory selftests 8080 >/dev/null 2>&1) &
web=$!
wait_state demo-b LISTEN 1
echo "${bold}# ip netns exec demo-b ttpize run -- python3 -m http.server --bind 10.77.0.2 8080 &${plain}"
run_shown "ip netns exec demo-a ttpize run -- curl -sS http://10.77.0.2:8080/demo.sh | head -n 4"
show ttpctl -n demo-b sockets state listening
echo "${bold}# ip netns exec demo-b ss -tln    (no TCP listener: it is all TTP)${plain}"
ip netns exec demo-b ss -tln
kill $web 2>/dev/null
wait
ip netns del demo-a
ip netns del demo-b
rm -f "$received"

step "Scripts get one value per line when not on a terminal, or JSON with -j"
echo "${bold}# ttpctl param show msl_ms syn_retries | cat${plain}"
ttpctl param show msl_ms syn_retries | cat
show ttpctl -j param show msl_ms
show ttpctl -j stats
