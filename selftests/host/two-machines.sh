#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# two-machines.sh [SERVER_KVER CLIENT_KVER]: two QEMU guests, Debian's 6.1
# and 7.3 by default, each with the module built for it, joined by a
# virtio-net link (QEMU's -netdev dgram over the host's loopback), run
# selftests/host/two_machines.py as server and client: 64 MiB each way, churn,
# handshakes through 5% loss. TAP on stdout: both sides' cases, then each
# guest's verdict on its kernel log. Exit status 0 if all passed.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
server=${1:-6.1} client=${2:-7.3}
out=build/vm/pair
mkdir -p "$out"

# Two free UDP ports on the host's loopback, one per guest's end.
read -r ps pc < <(selftests/vm/udp-ports)

selftests/vm/run -q -k "$server" -N "$ps:$pc" -o "$out/server" -t 1200 -- \
	selftests/host/two_machines.py server >"$out/server.out" 2>&1 &
spid=$!
selftests/vm/run -q -k "$client" -N "$pc:$ps" -o "$out/client" -t 1200 -- \
	selftests/host/two_machines.py client >"$out/client.out" 2>&1
cstatus=$?
wait $spid
sstatus=$?

echo "TAP version 13"
n=0 failed=0
for side in server client; do
	[ $side = server ] && k=$server status=$sstatus || k=$client status=$cstatus
	# The side's own cases, renumbered; its diagnostics as they came.
	bad=0
	while IFS= read -r line; do
		case $line in
		"ok "*|"not ok "*)
			n=$((n + 1))
			desc=${line#* [0-9]* }
			[ "${line%% *}" = ok ] && echo "ok $n $desc" ||
				{ echo "not ok $n $desc"; bad=1; }
			;;
		"#"*) echo "$line" ;;
		esac
	done <"$out/$side.out"
	# A side that failed without a failing case (it could not start,
	# or it died) fails here; the runner's own verdicts come below.
	if [ $bad = 0 ] && [ "$status" != 0 ] && [ "$status" -lt 123 ]; then
		n=$((n + 1))
		echo "not ok $n the $side side ran its cases (exit $status)"
		bad=1
	fi
	[ $bad = 0 ] || failed=1
done
for side in server client; do
	[ $side = server ] && k=$server status=$sstatus || k=$client status=$cstatus
	n=$((n + 1))
	# selftests/vm/run's statuses, as selftests/host/check reads them.
	case $status in
	0|1) echo "ok $n the $side guest's ($k) kernel log is clean" ;;
	123) echo "not ok $n ttp.ko loads on the $side guest ($k)"; failed=1 ;;
	124) echo "not ok $n the $side guest ($k) finished (it hung or crashed)"; failed=1 ;;
	125) echo "not ok $n the $side guest's ($k) kernel log is clean"; failed=1
	     grep -v '^[#ok]' "$out/$side.out" | head -n 40 | sed 's/^/# /' ;;
	126) echo "not ok $n ttp.ko unloads at the end on the $side guest ($k)"; failed=1 ;;
	*) echo "not ok $n the $side guest ($k) ended with status $status, which the runner does not know"
	   failed=1 ;;
	esac
done
echo "1..$n"
exit $failed
