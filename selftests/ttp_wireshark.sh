#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Wireshark dissector (userspace/wireshark/ttp.lua) decodes a capture
# that tcpdump takes of real TTP connections (IPv4 and IPv6, between two
# namespaces over veth with checksums computed in software): the handshake
# and its options, relative numbers, every payload byte, both FINs, and
# every checksum good. A segment with a broken checksum is called bad.
. "$(dirname "$0")/lib/lib.sh"
ttp_require_module
TTPCAT=${TTPCAT:-$(command -v ttpcat || echo "$TTP_REPO/userspace/ttpcat")}
LUA=$TTP_REPO/userspace/wireshark/ttp.lua
ttp_require_tool tshark tcpdump ethtool

A=ttpws-a B=ttpws-b
# Checksums in software: what is captured is what is sent.
ttp_veth_pair ttpws 96 'ethtool -K "$dev" tx off >/dev/null'
work=$(mktemp -d)
ttp_defer rm -rf "$work"
head -c 100000 /dev/urandom >"$work/file"

listening() {
	"$TTPCTL" -n $B stats | awk '$2 == "LISTEN" { exit $3 != 1 }'
}

time_waits() {
	echo $(($(ttp_stat -n $A state TIME_WAIT entered) + $(ttp_stat -n $B state TIME_WAIT entered)))
}

# Segments both sides have sent, retransmissions included.
sent() {
	local ns total=0
	for ns in $A $B; do
		total=$((total + $(ttp_stat -n $ns counter OutSegs) +
			 $(ttp_stat -n $ns counter RetransSegs)))
	done
	echo $total
}

captured() {
	tcpdump -n -r "$work/cap.pcap" 2>/dev/null | wc -l
}

# capture ADDRESS PORT: a file sent to a ttpcat -l in B, captured in A.
capture() {
	local addr=$1 port=$2 pid lpid tw before
	# --immediate-mode: every packet written as it comes, none held in a
	# ring-buffer block when SIGINT ends the capture; -B: room for a burst
	# (the default buffer drops a third of one on the emulated machine).
	ip netns exec $A tcpdump --immediate-mode -B 8192 -U -n -s 0 -i ttpws0 \
		-w "$work/cap.pcap" \
		'ip proto 253 or ip6 proto 253' 2>"$work/tcpdump.log" &
	pid=$!
	ttp_wait_for 30 grep -q "listening on" "$work/tcpdump.log" || return
	ip netns exec $B "$TTPCAT" -l "$port" >/dev/null &
	lpid=$!
	ttp_wait_for 30 listening || return
	# shellcheck disable=SC2034 # read in the eval below
	tw=$(time_waits)
	before=$(sent)
	ip netns exec $A "$TTPCAT" -w 30 "$addr" "$port" <"$work/file" || return
	wait $lpid
	# Both FINs and the last ACK are out once one side enters TIME_WAIT
	# (B, whose ttpcat -l has no input and closes first).
	ttp_wait_for 30 eval '[ "$(time_waits)" -gt "$tw" ]' ||
		ttp_fail_msg "no side entered TIME_WAIT" || return
	echo $(($(sent) - before)) >"$work/count"
	# Every segment sent is in the capture before it ends.
	ttp_wait_for 60 eval '[ "$(captured)" -ge "$(cat "$work/count")" ]' ||
		ttp_fail_msg "$(captured) segments captured, $(cat "$work/count") sent" || return
	kill -INT $pid
	wait $pid
}

decode() {
	tshark -X lua_script:"$LUA" -o ttp253.checksum:TRUE -r "$work/cap.pcap" -T fields \
		-E separator=, -e ttp253.srcport -e ttp253.flags -e ttp253.seq -e ttp253.ack \
		-e ttp253.len -e ttp253.options.mss_val -e ttp253.options.wscale.shift \
		-e ttp253.options.timestamp.tsval -e ttp253.checksum.status \
		-e ttp253.stream 2>/dev/null
}

# check_decode PORT: what the dissector says adds up to what happened.
check_decode() {
	local port=$1 rows total
	decode >"$work/fields" || return
	rows=$(wc -l <"$work/fields")
	[ "$rows" = "$(cat "$work/count")" ] && [ "$rows" -gt 4 ] ||
		ttp_fail_msg "$rows rows decoded, $(cat "$work/count") segments sent" || return
	awk -F, -v port="$port" -v size=100000 '
		NR == 1 && !($2 == "0x02" && $3 == 0 && $6 > 0 && $7 != "" && $8 > 0) {
			print "first segment not a SYN with MSS, window scale, timestamps: " $0; bad = 1 }
		NR == 2 && !($2 == "0x12" && $1 == port && $3 == 0 && $4 == 1) {
			print "second segment not the SYN-ACK, seq 0 ack 1: " $0; bad = 1 }
		$9 != "Good" { print "checksum not good: " $0; bad = 1 }
		$10 != 0 { print "more than one stream: " $0; bad = 1 }
		# The highest byte carried, in relative numbers: a segment sent
		# again under load (a loss probe) repeats bytes, not adds them.
		$1 != port && $5 > 0 && $3 + $5 - 1 > sent { sent = $3 + $5 - 1 }
		$1 != port && $2 ~ /^0x1[19]$/ { fin_c = 1 }
		$1 == port && $2 ~ /^0x1[19]$/ { fin_s = 1 }
		END {
			if (sent != size) { print "payload up to byte " sent ", not " size; bad = 1 }
			if (!fin_c || !fin_s) { print "a FIN is missing"; bad = 1 }
			exit bad
		}' "$work/fields" || {
		head -n 12 "$work/fields"
		# The frames themselves, for a stranger among them.
		tcpdump -nn -tt -xx -r "$work/cap.pcap" 2>/dev/null | head -n 40
		return 1
	}
}

v4() {
	capture 10.96.0.2 7100 && check_decode 7100
}

v6() {
	capture fd96::2 7101 && check_decode 7101
}

# A copy of the capture with one byte of the first payload flipped.
bad_checksum() {
	python3 - "$work/cap.pcap" "$work/bad.pcap" <<-'EOF2' || return
	import sys
	data = bytearray(open(sys.argv[1], "rb").read())
	off, n = 24, 0
	while off < len(data):
	    caplen = int.from_bytes(data[off + 8:off + 12], "little")
	    pkt = off + 16
	    # Ethernet, then IPv6 (40 bytes) and a TTP header with options.
	    if caplen > 14 + 40 + 60:
	        data[pkt + caplen - 1] ^= 0xff
	        n += 1
	        break
	    off = pkt + caplen
	open(sys.argv[2], "wb").write(data)
	sys.exit(n != 1)
	EOF2
	tshark -X lua_script:"$LUA" -o ttp253.checksum:TRUE -r "$work/bad.pcap" -T fields \
		-e ttp253.checksum.status 2>/dev/null | sort | uniq -c >"$work/statuses"
	cat "$work/statuses"
	grep -q " 1 Bad$" "$work/statuses" && ! grep -q "^ *[0-9]* *$" "$work/statuses" || {
		tshark -X lua_script:"$LUA" -o ttp253.checksum:TRUE -r "$work/bad.pcap" \
			-Y 'ttp253.checksum.status != "Good"' 2>/dev/null
		return 1
	}
}

ttp_plan 3
ttp_check "IPv4: handshake, options, relative numbers, payload, FINs, checksums" v4
ttp_check "IPv6: handshake, options, relative numbers, payload, FINs, checksums" v6
ttp_check "a flipped payload byte: that segment's checksum is bad" bad_checksum
ttp_done
