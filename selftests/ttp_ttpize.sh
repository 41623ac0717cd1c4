#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ttpize: Debian's own programs, unmodified, over TTP between two namespaces
# over veth: curl from python3's http.server, redis-benchmark against
# redis-server, wrk against nginx. Each server must listen on TTP and not on
# TCP, each client must open TTP connections, and what they move is checked.
# Then -p (only listed ports become TTP) and the socket option mapping.
. "$(dirname "$0")/lib/lib.sh"
ttp_require_module
TTPIZE=${TTPIZE:-$(command -v ttpize || echo "$TTP_REPO/userspace/ttpize")}
[ -x "$TTPIZE" ] || ttp_fail_all "ttpize not found (build it: make -C userspace)"

A=ttpize-a B=ttpize-b
ttp_veth_pair ttpize 97
work=$(mktemp -d)
chmod 755 "$work"
ttp_defer rm -rf "$work"
head -c 2000000 /dev/urandom >"$work/file"
sum=$(sha256sum <"$work/file" | cut -d' ' -f1)

# inns NS CMD...: run CMD in namespace NS.
inns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# serve NS CMD...: start a server in NS under ttpize; stopped at exit.
serve() {
	local ns=$1
	shift
	ip netns exec "$ns" "$TTPIZE" run -- "$@" >"$work/server.log" 2>&1 &
	ttp_defer kill $!
}

# ttp_listening NS PORT: a TTP listener on PORT in NS, and no TCP one.
ttp_listening() {
	"$TTPCTL" -n "$1" sockets state listening sport = ":$2" | grep -q "LISTEN" &&
		! inns "$1" ss -Htln sport = ":$2" | grep -q .
}

wait_listening() {
	ttp_wait_for 60 ttp_listening "$1" "$2" ||
		ttp_fail_msg "no TTP listener on port $2 in $1: $(cat "$work/server.log")"
}

opens() {
	ttp_stat -n $A counter ActiveOpens
}

# curl_fetch URL: curl under ttpize fetches the file whole.
curl_fetch() {
	local got
	got=$(inns $A "$TTPIZE" run -- curl -gsS --max-time 60 "$1" | sha256sum | cut -d' ' -f1)
	[ "$got" = "$sum" ] || ttp_fail_msg "curl $1: SHA-256 $got, not $sum"
}

http_server() {
	local before
	serve $B python3 -m http.server --bind "$1" --directory "$work" "$2"
	wait_listening $B "$2" || return
	before=$(opens)
	curl_fetch "http://$3:$2/file" || return
	[ "$(opens)" -gt "$before" ] || ttp_fail_msg "curl opened no TTP connection"
}

redis() {
	local before out
	command -v redis-server >/dev/null || ttp_fail_msg "redis-server is not installed" || return
	serve $B redis-server --bind 10.97.0.2 --port 6379 --save "" --appendonly no \
		--protected-mode no --daemonize no
	wait_listening $B 6379 || return
	out=$(inns $A "$TTPIZE" run -- redis-cli -h 10.97.0.2 set ttpize "$sum") &&
		[ "$out" = OK ] || ttp_fail_msg "redis-cli set: $out" || return
	out=$(inns $A "$TTPIZE" run -- redis-cli -h 10.97.0.2 get ttpize) &&
		[ "$out" = "$sum" ] || ttp_fail_msg "redis-cli get: $out" || return
	before=$(opens)
	out=$(inns $A "$TTPIZE" run -- redis-benchmark -h 10.97.0.2 -n 2000 -c 8 -t set,get \
		--csv 2>&1) || ttp_fail_msg "redis-benchmark failed: $out" || return
	echo "$out"
	grep -q '^"SET"' <<<"$out" && grep -q '^"GET"' <<<"$out" ||
		ttp_fail_msg "redis-benchmark gave no SET and GET figures" || return
	[ "$(opens)" -ge $((before + 8)) ] ||
		ttp_fail_msg "redis-benchmark's 8 clients opened $(($(opens) - before)) TTP connections"
}

nginx_wrk() {
	local before out reqs
	command -v nginx >/dev/null || ttp_fail_msg "nginx is not installed" || return
	mkdir -p "$work/nginx"
	cat >"$work/nginx/nginx.conf" <<-EOF
	daemon off;
	master_process off;
	worker_processes 1;
	pid $work/nginx/pid;
	error_log stderr;
	events { worker_connections 64; }
	http {
		access_log off;
		client_body_temp_path $work/nginx;
		proxy_temp_path $work/nginx;
		fastcgi_temp_path $work/nginx;
		uwsgi_temp_path $work/nginx;
		scgi_temp_path $work/nginx;
		server { listen 10.97.0.2:8080; root $work; }
	}
	EOF
	serve $B nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e stderr
	wait_listening $B 8080 || return
	curl_fetch http://10.97.0.2:8080/file || return
	before=$(opens)
	# A small page: on the debug kernel a 2 MB one takes wrk's whole run.
	head -c 10000 /dev/urandom >"$work/page"
	out=$(inns $A "$TTPIZE" run -- wrk -t 1 -c 4 -d 3 http://10.97.0.2:8080/page 2>&1) ||
		ttp_fail_msg "wrk failed: $out" || return
	echo "$out"
	reqs=$(awk '/requests in/ { print $1 }' <<<"$out")
	[ "${reqs:-0}" -gt 0 ] || ttp_fail_msg "wrk made no request" || return
	! grep -qE 'Socket errors|Non-2xx' <<<"$out" || ttp_fail_msg "wrk saw errors" || return
	[ "$(opens)" -ge $((before + 4)) ] ||
		ttp_fail_msg "wrk's 4 connections: $(($(opens) - before)) TTP connections opened"
}

# -p 9100: one curl fetches over TTP from the listed port and over TCP
# from a plain server on another.
ports() {
	local out before
	serve $B python3 -m http.server --bind 10.97.0.2 --directory "$work" 9100
	ip netns exec $B python3 -m http.server --bind 10.97.0.2 --directory "$work" 9101 \
		>"$work/tcp.log" 2>&1 &
	ttp_defer kill $!
	wait_listening $B 9100 || return
	ttp_wait_for 60 sh -c "ip netns exec $B ss -Htln sport = :9101 | grep -q ." || return
	before=$(opens)
	out=$(inns $A "$TTPIZE" run -p 9100 -- curl -sS --max-time 60 \
		-o "$work/ttp.out" http://10.97.0.2:9100/file \
		-o "$work/tcp.out" http://10.97.0.2:9101/file 2>&1) ||
		ttp_fail_msg "curl: $out" || return
	cmp -s "$work/ttp.out" "$work/file" && cmp -s "$work/tcp.out" "$work/file" ||
		ttp_fail_msg "the files differ" || return
	[ "$(opens)" = $((before + 1)) ] ||
		ttp_fail_msg "$(($(opens) - before)) TTP connections, not 1"
	if "$TTPIZE" run -p 0 -- true 2>/dev/null; then
		ttp_fail_msg "-p 0 accepted"
	fi
}

# The option mapping, seen from a Python program under ttpize: TCP options
# reach their TTP twins (seconds to milliseconds; TCP_CONGESTION's name as
# it is), TCP_INFO reads TTP_INFO,
# others fail with ENOPROTOOPT; with -p, options set before connect() are
# on the TTP socket that takes its place, and so is O_NONBLOCK.
options() {
	ip netns exec $B python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 253)
s.bind(('10.97.0.2', 9200)); s.listen(8)
held = []
while True:
    held.append(s.accept()[0])" &
	ttp_defer kill $!
	wait_listening $B 9200 || return
	local prog='
import errno, os, socket, struct, sys
SOL_TTP, TTP_NODELAY, TTP_KEEPIDLE, TTP_LINGER2 = 253, 1, 4, 8
def conn(pre_connect):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    pre_connect(s)
    s.connect(("10.97.0.2", 9200))
    assert s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL) == 253, "not TTP"
    return s
def keepidle(s):
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 7)
s = conn(keepidle)
assert s.getsockopt(SOL_TTP, TTP_KEEPIDLE) == 7000, s.getsockopt(SOL_TTP, TTP_KEEPIDLE)
assert s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 7
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
assert s.getsockopt(SOL_TTP, TTP_NODELAY) == 1
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_LINGER2, 3)
assert s.getsockopt(SOL_TTP, TTP_LINGER2) == 3000
# TCP_USER_TIMEOUT: milliseconds in both; a negative one refused as TCP does.
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 4500)
assert s.getsockopt(SOL_TTP, 18) == 4500, s.getsockopt(SOL_TTP, 18)
assert s.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT) == 4500
try:
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, -5)
    sys.exit("a negative TCP_USER_TIMEOUT accepted")
except OSError as e:
    assert e.errno == errno.EINVAL, e
s.send(b"x" * 5)
info = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 152)
assert len(info) == 152 and info[0] == 1, ("state", info[0])
# tcpi_snd_mss, tcpi_rcv_ssthresh, tcpi_rtt, tcpi_min_rtt: from
# TTP_INFO, not left zero.
mss, = struct.unpack_from("I", info, 16)
ssthresh, rtt = struct.unpack_from("II", info, 64)
min_rtt, = struct.unpack_from("I", info, 148)
assert 0 < mss <= 65535 and ssthresh >= mss and 0 < min_rtt <= rtt, (
    mss, ssthresh, rtt, min_rtt)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"reno")
assert s.getsockopt(SOL_TTP, 13, 16).rstrip(b"\0") == b"reno"
assert s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).rstrip(b"\0") == b"reno"
for opt in (socket.TCP_MAXSEG, socket.TCP_QUICKACK):
    try:
        s.setsockopt(socket.IPPROTO_TCP, opt, 1)
        sys.exit("option %d accepted" % opt)
    except OSError as e:
        assert e.errno == errno.ENOPROTOOPT, e
if os.environ.get("TTPIZE_PORTS"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 9)
    try:
        s.connect(("10.97.0.2", 9200))
        sys.exit("a non-blocking connect finished at once")
    except BlockingIOError:
        pass
    assert s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL) == 253, "not TTP"
    assert s.getsockopt(SOL_TTP, TTP_KEEPIDLE) == 9000
'
	inns $A "$TTPIZE" run -- python3 -c "$prog" || return
	inns $A "$TTPIZE" run -p 9200 -- python3 -c "$prog"
}

ttp_plan 6
ttp_check "curl fetches from python3 -m http.server over TTP (IPv4), SHA-256 checked" \
	http_server 10.97.0.2 8000 10.97.0.2
ttp_check "curl fetches from python3 -m http.server over TTP (IPv6), SHA-256 checked" \
	http_server fd97::2 8001 "[fd97::2]"
ttp_check "redis-cli and redis-benchmark against redis-server over TTP" redis
ttp_check "curl and wrk against nginx over TTP" nginx_wrk
ttp_check "-p: only the listed port's connections are TTP" ports
ttp_check "TCP options map to TTP's, TCP_INFO from TTP_INFO, others ENOPROTOOPT" options
ttp_done
