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

scripts=("$TTP_SELFTESTS"/packets/*.pkt)
ttp_plan $((2 * ${#scripts[@]}))
for s in "${scripts[@]}"; do
	for family in 4 6; do
		ttp_check "IPv$family: $(basename "$s" .pkt)" "$drill/ttpdrill" -$family "$s"
	done
done
ttp_done
