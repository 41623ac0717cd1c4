#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The packet scripts of selftests/packets/, each over IPv4 and IPv6, run by
# ttpdrill in a fresh network namespace of its own (so every parameter
# starts at its default). One TAP case per script and family.
. "$(dirname "$0")/lib.sh"
ttp_require_module
drill=$TTP_SELFTESTS/ttpdrill
[ -x "$drill/ttpdrill" ] || ttp_skip_all "ttpdrill not built (make -C selftests/ttpdrill)"
export PATH=$drill:$(dirname "$TTPCTL"):$PATH

# The IPv4 and IPv6 runs of a script go side by side: each has its own
# namespace, and a script spends its time waiting on timers, so this halves
# the suite's time without crowding the timing the scripts check.
logs=$(mktemp -d)
ttp_defer rm -rf "$logs"
scripts=("$TTP_SELFTESTS"/packets/*.pkt)
ttp_plan $((2 * ${#scripts[@]}))
for s in "${scripts[@]}"; do
	pids=()
	for family in 4 6; do
		"$drill/ttpdrill" -$family "$s" >"$logs/$family" 2>&1 &
		pids+=($!)
	done
	for family in 4 6; do
		status=0
		wait "${pids[$((family / 2 - 2))]}" || status=$?
		[ $status = 0 ] || sed 's/^/# /' "$logs/$family" | head -n 40
		ttp_result $status "IPv$family: $(basename "$s" .pkt)"
	done
done
ttp_done
