#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run_kselftest.sh TEST...: run tests the way the kernel's kselftest runner
# does: one TAP line per test, each test's own TAP output nested under "# ",
# a per-test timeout from ./settings, exit status 4 meaning skip.
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

echo "TAP version 13"
echo "1..$#"
for t in "$@"; do
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
exit $failed
