#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The walkthrough `make demo` shows, run inside the VM: each scene is printed
# with the commands a user would type, then their output. Every scene also
# checks that it did what it shows (a refused command was refused, a
# transfer arrived, a gauge moved), and the walkthrough fails if any scene
# did not. With --check (make check runs it so) it also prints one TAP case
# per scene.
cd "$(dirname "$0")/../.." || exit 1
module=${TTP_MODULE:-module/ttp.ko}
bold=$(tput bold 2>/dev/null) plain=$(tput sgr0 2>/dev/null)
check=0
[ "${1:-}" = --check ] && check=1
scene=0 scene_title='' scene_failed=0 failed=0

# end_scene: the verdict of the scene that is ending.
end_scene() {
	[ $scene -gt 0 ] || return 0
	if [ $scene_failed = 0 ]; then
		[ $check = 0 ] || echo "ok $scene demo: $scene_title"
	else
		failed=$((failed + 1))
		[ $check = 0 ] || echo "not ok $scene demo: $scene_title"
	fi
}

step() {
	end_scene
	scene=$((scene + 1)) scene_title=$1 scene_failed=0
	echo
	echo "${bold}## $1${plain}"
}

# scene_fail WHY: this scene did not do what it shows.
scene_fail() {
	echo "${bold}!! $*${plain}"
	scene_failed=1
}

# expect DESCRIPTION COMMAND...: COMMAND must succeed, quietly.
expect() {
	local desc=$1
	shift
	"$@" >/dev/null 2>&1 || scene_fail "expected: $desc"
}

# show COMMAND...: print it as typed at a root prompt, then run it on a
# pseudo-terminal, so that it prints what a person at a terminal would see.
# It must succeed; show_refused: it must fail (the scene shows a refusal).
show() {
	echo "${bold}# $*${plain}"
	script -qefc "$(printf '%q ' "$@")" /dev/null | tr -d '\r'
	local status=${PIPESTATUS[0]}
	[ "$status" = 0 ] || { echo "(exit status $status)"; scene_fail "$1 failed"; }
}

show_refused() {
	echo "${bold}# $*${plain}"
	script -qefc "$(printf '%q ' "$@")" /dev/null | tr -d '\r'
	local status=${PIPESTATUS[0]}
	echo "(exit status $status)"
	[ "$status" != 0 ] || scene_fail "$* was not refused"
}

# run_shown LINE: like show, for a shell pipeline.
run_shown() {
	echo "${bold}# $1${plain}"
	script -qefc "$1" /dev/null | tr -d '\r'
	local status=${PIPESTATUS[0]}
	[ "$status" = 0 ] || { echo "(exit status $status)"; scene_fail "$1 failed"; }
}

# wait_until SECONDS COMMAND...: poll, and fail the scene on a timeout.
wait_until() {
	local limit=$1 i
	shift
	for ((i = 0; i < limit * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	scene_fail "timed out waiting for: $*"
	return 1
}

# param [-n NS] NAME: one parameter's value; figure NS NAME: one state's
# gauge or one counter of ttpctl stats -z.
param() { ttpctl "$@" | cut -f2; }
figure() {
	ttpctl -n "$1" stats -z | awk -F'\t' -v n="$2" '$2 == n { print $3; f = 1 } END { exit !f }'
}
is() { [ "$(param param show "$1")" = "$2" ]; }
in_ns_is() { [ "$(figure "$1" "$2")" = "$3" ]; }
at_least() { [ "$(figure "$1" "$2")" -ge "$3" ]; }

step "Load the module: TTP registers IP protocol 253 and the \"ttp\" netlink family"
show insmod "${module#$PWD/}"
show grep ttp /proc/modules

step "Every knob is a parameter of the network namespace, with its unit, range and default"
show ttpctl param show -v

step "Tune live: a shorter TIME_WAIT (2*MSL) and no TIME_WAIT reuse, in one atomic change"
show ttpctl param set msl_ms=5s tw_reuse=0
show ttpctl param show msl_ms tw_reuse
expect "msl_ms is 5000" is msl_ms 5000
expect "tw_reuse is 0" is tw_reuse 0

step "Bad values are refused by the kernel, which says why; nothing changes"
show_refused ttpctl param set msl_ms=0
show_refused ttpctl param set syn_retries=3 msl_ms=20m
show ttpctl param show syn_retries msl_ms
expect "syn_retries is still 6" is syn_retries 6
expect "msl_ms is still 5000" is msl_ms 5000

step "Only CAP_NET_ADMIN over the namespace may change parameters; anyone may read them"
show_refused setpriv --reuid=nobody --regid=nogroup --clear-groups ttpctl param set msl_ms=1s
show setpriv --reuid=nobody --regid=nogroup --clear-groups ttpctl param show msl_ms
expect "msl_ms is still 5000" is msl_ms 5000

step "Each namespace has its own values, starting from the defaults"
show ip netns add demo
show ttpctl -n demo param show msl_ms tw_reuse
expect "msl_ms is 30000 in demo" [ "$(param -n demo param show msl_ms)" = 30000 ]
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

# wait_state NS STATE N: until NS has N connections in STATE (30 s at most).
wait_state() {
	wait_until 30 in_ns_is "$1" "$2" "$3"
}

# hold_until COMMAND...: an input that stays open until COMMAND succeeds
# (60 s at most), then ends. It orders the scenes' closes without sleeps,
# which a slow machine would outrun.
hold_until() {
	local i
	for ((i = 0; i < 600; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

step "A server in demo-b and a client in demo-a talk over TTP (ttpcat is netcat for TTP)"
received=$(mktemp)
go=$(mktemp -u)
echo "${bold}# ip netns exec demo-b ttpcat -l 7777 > received &   (its input ends when we go on)${plain}"
(hold_until test -e "$go" | ip netns exec demo-b ttpcat -l 7777 >"$received") &
server=$!
wait_state demo-b LISTEN 1
echo "${bold}# (echo 'hello over TTP'; wait for the server to close) | ip netns exec demo-a ttpcat 10.77.0.2 7777 &${plain}"
( (echo 'hello over TTP'; hold_until in_ns_is demo-a CLOSE_WAIT 1) |
	ip netns exec demo-a ttpcat 10.77.0.2 7777) &
client=$!
wait_state demo-a ESTABLISHED 1
show ttpctl -n demo-a stats
show ttpctl -n demo-b sockets
show ttpctl -n demo-a ss -i state established

step "The server's side closes first, so demo-b keeps the connection's TIME_WAIT entry"
touch "$go"
wait $server $client
rm -f "$go"
show cat "$received"
expect "the server received the line" grep -qx 'hello over TTP' "$received"
show ttpctl -n demo-b stats show ESTABLISHED TIME_WAIT
expect "demo-b holds the TIME_WAIT entry" in_ns_is demo-b TIME_WAIT 1
expect "demo-a holds none" in_ns_is demo-a TIME_WAIT 0
echo "(TIME_WAIT lasts 2*msl_ms: a minute at the default of 30 s.)"
show ttpctl -n demo-b ss state time-wait

step "ttpctl monitor: a handshake, a close and a parameter change as they happen"
events=$(mktemp)
echo "${bold}# ttpctl -n demo-a monitor &${plain}"
ttpctl -n demo-a monitor >"$events" 2>&1 &
monitor=$!
wait_until 30 grep -q monitoring "$events"
# The server answers only once the client's FIN is in, so that the
# client closes first and keeps the TIME_WAIT entry.
(hold_until in_ns_is demo-b CLOSE_WAIT 1 | ip netns exec demo-b ttpcat -l 7778 >/dev/null) &
server=$!
wait_state demo-b LISTEN 1
run_shown "echo hello | ip netns exec demo-a ttpcat 10.77.0.2 7778"
wait $server
wait_state demo-a TIME_WAIT 1
show ttpctl -n demo-a param set fin_timeout_ms=30s
wait_until 30 grep -q "param fin_timeout_ms" "$events"
show ttpctl -n demo-a sockets kill state time-wait
wait_until 30 grep -q killed "$events"
kill -INT $monitor
wait $monitor
cat "$events"
expect "the monitor saw the connection established" grep -q ESTABLISHED "$events"
expect "the monitor saw TIME_WAIT" grep -q TIME_WAIT "$events"
rm -f "$events"

# A server in demo-b on port 7777 that answers one connection after another
# and lets the client close first, so that the client keeps the TIME_WAIT
# entries: its input ends only once the client's FIN has arrived.
client_closed() {
	until in_ns_is demo-b CLOSE_WAIT 1; do
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
show_refused ip netns exec demo-a ttpcat 10.77.0.2 7777
echo "(tw_reuse is 2 by default: TIME_WAIT entries are reused only between loopback addresses.)"

step "Relief, live: lower msl_ms in demo-a; the entries that exist are cut to the new 2*MSL too"
show ttpctl -n demo-a param set msl_ms=1s
wait_state demo-a TIME_WAIT 0
show ttpctl -n demo-a stats show TIME_WAIT TimeWaitExpired
expect "the four entries expired" at_least demo-a TimeWaitExpired 4
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
expect "connect() took over an entry" at_least demo-a TWRecycled 1
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
show selftests/host/synflood.py demo-a demo-a0 10.77.0.2 7779 100
show ttpctl -n demo-b stats show SYN_RCVD SyncookiesSent
expect "the SYN queue is full" in_ns_is demo-b SYN_RCVD 16
expect "the overflow was answered with cookies" at_least demo-b SyncookiesSent 1

step "With syncookies=1 (the default) a real client still gets in: its SYN-ACK carries a cookie"
run_shown "echo 'through the flood' | ip netns exec demo-a ttpcat 10.77.0.2 7779"
wait $server
show cat "$received"
expect "the server received the line" grep -qx 'through the flood' "$received"
show ttpctl -n demo-b stats show SYN_RCVD SyncookiesRecv PassiveOpens
expect "the client came in with a cookie" at_least demo-b SyncookiesRecv 1
echo "(Closing the listener ended its half-open entries.)"
run_shown "dmesg | grep 'SYN flooding'"

step "The same flood with syncookies=0: the client's SYNs are dropped, and it gives up"
show ttpctl -n demo-b param set syncookies=0
(ip netns exec demo-b ttpcat -l 7780 </dev/null >/dev/null 2>&1) &
server=$!
wait_state demo-b LISTEN 1
show selftests/host/synflood.py demo-a demo-a0 10.77.0.2 7780 100
show_refused ip netns exec demo-a ttpcat -w 4 10.77.0.2 7780
show ttpctl -n demo-b stats show SYN_RCVD DropSynQueueFull ListenDrops
expect "SYNs were dropped for a full queue" at_least demo-b DropSynQueueFull 1
run_shown "dmesg | grep 'SYN flooding'"
kill $server 2>/dev/null
wait

step "ttpize: unmodified programs over TTP. python3's http.server in demo-b, curl in demo-a"
(ip netns exec demo-b ttpize run -- python3 -m http.server --bind 10.77.0.2 \
	--directory selftests/host 8080 >/dev/null 2>&1) &
web=$!
wait_state demo-b LISTEN 1
echo "${bold}# ip netns exec demo-b ttpize run -- python3 -m http.server --bind 10.77.0.2 8080 &${plain}"
run_shown "ip netns exec demo-a ttpize run -- curl -sS http://10.77.0.2:8080/demo.sh | head -n 4"
expect "curl fetched the file over TTP" sh -c \
	"ip netns exec demo-a ttpize run -- curl -sS http://10.77.0.2:8080/demo.sh | cmp -s - selftests/host/demo.sh"
show ttpctl -n demo-b sockets state listening
echo "${bold}# ip netns exec demo-b ss -tln    (no TCP listener: it is all TTP)${plain}"
ip netns exec demo-b ss -tln
expect "no TCP listener in demo-b" sh -c "! ip netns exec demo-b ss -Htln | grep -q ."
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
expect "the JSON parses" sh -c "ttpctl -j stats | python3 -m json.tool"
end_scene

echo
if [ $failed = 0 ]; then
	echo "${bold}All $scene scenes did what they show.${plain}"
else
	echo "${bold}$failed of $scene scenes did not do what they show (marked !!).${plain}"
fi
[ $check = 0 ] || echo "1..$scene"
[ $failed = 0 ]
