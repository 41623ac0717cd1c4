#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run_kselftest.sh TEST...: run tests the way the kernel's kselftest runner
# does: one TAP line per test, each test's own TAP output nested under "# ",
# a per-test timeout from ./settings, exit status 4 meaning skip.
# run_kselftest.sh --queue TODO DONE: instead, take the tests from a queue
# that several guests share (selftests/host/check): the file names in the
# directory TODO, in order, each with its order number and a dash before
# the test's name; a test is taken by moving its file to DONE, which only
# one guest can do, until none is left. The plan comes last.
cd "$(dirname "$0")" || exit 1
timeout=$(sed -n 's/^timeout=//p' settings 2>/dev/null)
# TTP_TEST_TIMEOUT: longer for long runs (make fuzz).
timeout=${TTP_TEST_TIMEOUT:-${timeout:-600}}
failed=0
n=0

# busy: seconds the CPUs have spent not idle since boot, all together.
busy() {
	local _ user nice system irq softirq steal
	# (Idle and iowait, the fifth and sixth fields, are what it is not.)
	read -r _ user nice system _ _ irq softirq steal _ </proc/stat
	echo $(((user + nice + system + irq + softirq + steal) / $(getconf CLK_TCK)))
}

# take TODO DONE: move the first file of TODO that is still there to
# DONE and print its test's name; fail when TODO is empty (or its files
# cannot be moved: selftests/host/check fails a run that leaves tests
# there). A rename on the host's file system is atomic: of two guests,
# one gets it, the other ENOENT and the next file.
take() {
	local f
	while true; do
		f=$(find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | head -n 1)
		[ -n "$f" ] || return 1
		if mv "$1/$f" "$2/$f" 2>/dev/null; then
			echo "${f#*-}"
			return 0
		fi
		# Still there: not taken by another guest, but not to be moved.
		[ ! -e "$1/$f" ] || return 1
	done
}

queue='' named=("$@")
if [ "${1:-}" = --queue ]; then
	queue=$2 done=$3 named=()
fi
echo "TAP version 13"
[ -n "$queue" ] || echo "1..${#named[@]}"
while true; do
	if [ -n "$queue" ]; then
		t=$(take "$queue" "$done") || break
	else
		[ $n -lt ${#named[@]} ] || break
		t=${named[n]}
	fi
	n=$((n + 1))
	echo "# timeout set to $timeout"
	echo "# selftests: ttp: $t"
	start=$SECONDS was_busy=$(busy)
	timeout --foreground -k 5 "$timeout" "./$t" 2>&1 | sed -u 's/^/# /'
	status=${PIPESTATUS[0]}
	# Where the time goes, for keeping `make check` fast: an emulated
	# CPU that is busy is a host core taken from the other VMs.
	echo "# $t: $((SECONDS - start)) s, CPUs busy $(($(busy) - was_busy)) s"
	case $status in
	0) echo "ok $n selftests: ttp: $t" ;;
	4) echo "ok $n selftests: ttp: $t # SKIP" ;;
	124) echo "not ok $n selftests: ttp: $t # TIMEOUT $timeout seconds"; failed=1 ;;
	*) echo "not ok $n selftests: ttp: $t # exit=$status"; failed=1 ;;
	esac
done
[ -z "$queue" ] || echo "1..$n"
exit $failed
