#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The packet scripts of selftests/packets/, each over IPv4 and IPv6, run by
# ttpdrill in a fresh network namespace of its own (so every parameter
# starts at its default). One TAP case per script and family.
. "$(dirname "$0")/lib/lib.sh"
ttp_require_module
drill=$TTP_SELFTESTS/ttpdrill
[ -x "$drill/ttpdrill" ] || ttp_fail_all "ttpdrill not built (make -C selftests/ttpdrill)"
PATH=$drill:$(dirname "$TTPCTL"):$PATH
export PATH

# The IPv4 and IPv6 runs of a script go side by side: each has its own
# namespace, and a script spends its time waiting on timers, so this halves
# the suite's time. On the debug kernel two at once stretch latencies past
# the scripts' tolerance, and one run at a time would be the longest part
# of `make check`: there each script runs once, IPv4 and IPv6 taking turns,
# which still takes both families' code through KASAN and lockdep.
# Timing is judged on the production kernels, at ttpdrill's 250 ms: the
# debug kernel, several times slower under emulation, runs the scripts for
# what its checkers catch, at 1 s, so that a slow machine is not taken for
# a wrong stack.
logs=$(mktemp -d)
ttp_defer rm -rf "$logs"
scripts=("$TTP_SELFTESTS"/packets/*.pkt)
# TTP_PACKETS="name ...": only these scripts (iterating on one).
if [ -n "${TTP_PACKETS:-}" ]; then
	scripts=()
	for name in $TTP_PACKETS; do scripts+=("$TTP_SELFTESTS/packets/$name.pkt"); done
fi
debug=0 tolerance=250
if ttp_on_debug_kernel; then debug=1 tolerance=1000; fi
if [ $debug = 1 ]; then
	ttp_plan ${#scripts[@]}
else
	ttp_plan $((2 * ${#scripts[@]}))
fi
n=0
for s in "${scripts[@]}"; do
	families=(4 6)
	[ $debug = 0 ] || families=($((n % 2 ? 6 : 4)))
	n=$((n + 1))
	declare -A pid=() status=()
	for family in "${families[@]}"; do
		"$drill/ttpdrill" -t $tolerance -$family "$s" >"$logs/$family" 2>&1 &
		pid[$family]=$!
	done
	for family in "${families[@]}"; do
		wait "${pid[$family]}" && status[$family]=0 || status[$family]=$?
		# A stall (ttpdrill's status 4: the script's own inputs went out
		# late, so the machine, not the stack, lost the time: other VMs
		# had the host's cores) is run again, up to twice, and printed as
		# "stalled". A near miss (status 3: only a time was off, by less
		# than one more tolerance, with no stall seen) is run once more
		# and printed as "flaky": `make check` allows one in a part.
		# Anything else, a miss by more, or a second near miss, fails.
		tries=0
		while { [ "${status[$family]}" = 4 ] && [ $tries -lt 2 ]; } ||
			{ [ "${status[$family]}" = 3 ] && [ $tries = 0 ]; }; do
			tries=$((tries + 1))
			kind=flaky
			[ "${status[$family]}" = 4 ] && kind=stalled
			echo "# $kind: IPv$family: $(basename "$s" .pkt): $(grep -m1 -E '^[^ ].*:[0-9]+: ' "$logs/$family")"
			sed 's/^/# run '$tries': /' "$logs/$family" | head -n 8
			"$drill/ttpdrill" -t $tolerance -$family "$s" >"$logs/$family" 2>&1 &&
				status[$family]=0 || status[$family]=$?
		done
		[ "${status[$family]}" = 0 ] || sed 's/^/# /' "$logs/$family" | head -n 40
		ttp_result "${status[$family]}" "IPv$family: $(basename "$s" .pkt)"
	done
done
ttp_done
