#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ttpcat, netcat for TTP, between two namespaces over veth, IPv4 and IPv6:
# a file goes one way, a reply comes back after the half-close.
. "$(dirname "$0")/lib/lib.sh"
ttp_require_module
TTPCAT=${TTPCAT:-$(command -v ttpcat || echo "$TTP_REPO/userspace/ttpcat")}
[ -x "$TTPCAT" ] || ttp_fail_all "ttpcat not found (build it: make -C userspace)"

ttp_veth_pair ttpcat 98
work=$(mktemp -d)
ttp_defer rm -rf "$work"
head -c 3000000 /dev/urandom >"$work/file"

listening() {
	"$TTPCTL" -n ttpcat-b stats | awk '$2 == "LISTEN" { exit $3 != 1 }'
}

# transfer ADDRESS PORT: the client sends the file and half-closes; the
# server (ttpcat -l) writes what it read to sha256sum.
transfer() {
	local addr=$1 port=$2 reply
	ip netns exec ttpcat-b sh -c "'$TTPCAT' -l $port </dev/null | sha256sum > '$work/server.sum'" &
	ttp_wait_for 30 listening || return
	reply=$(ip netns exec ttpcat-a "$TTPCAT" -w 30 "$addr" "$port" <"$work/file" | wc -c)
	wait
	[ "$(cut -d' ' -f1 "$work/server.sum")" = "$(sha256sum <"$work/file" | cut -d' ' -f1)" ] ||
		ttp_fail_msg "the server received other bytes" || return
	[ "$reply" = 0 ] || ttp_fail_msg "unexpected reply of $reply bytes"
}

# request ADDRESS PORT: the client sends the file and half-closes; a server
# that answers only after end of file (with the SHA-256 of what it read)
# gets its answer through to the half-closed client.
request() {
	local addr=$1 port=$2 family=AF_INET got
	[[ $addr == *:* ]] && family=AF_INET6
	ip netns exec ttpcat-b python3 -c "
import hashlib, socket
s = socket.socket(socket.$family, socket.SOCK_STREAM, 253)
s.bind(('$addr', $port)); s.listen(1)
c = s.accept()[0]; h = hashlib.sha256()
while True:
    b = c.recv(65536)
    if not b: break
    h.update(b)
c.sendall(h.hexdigest().encode()); c.close()" &
	ttp_wait_for 30 listening || return
	got=$(ip netns exec ttpcat-a "$TTPCAT" -w 30 "$addr" "$port" <"$work/file")
	wait
	[ "$got" = "$(sha256sum <"$work/file" | cut -d' ' -f1)" ] ||
		ttp_fail_msg "the half-closed client read: $got"
}

refused() {
	! ip netns exec ttpcat-a "$TTPCAT" 10.98.0.2 9 </dev/null 2>"$work/err" &&
		grep -q "Connection refused" "$work/err"
}

ttp_plan 5
ttp_check "IPv4: 3 MB file, SHA-256 checked at the server" transfer 10.98.0.2 7001
ttp_check "IPv6: 3 MB file, SHA-256 checked at the server" transfer fd98::2 7002
ttp_check "IPv4: a reply sent after the client's half-close arrives" request 10.98.0.2 7003
ttp_check "IPv6: a reply sent after the client's half-close arrives" request fd98::2 7004
ttp_check "a closed port: connection refused" refused
ttp_done
