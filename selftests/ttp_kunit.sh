#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The KUnit suites of TTP's pure logic (module/kunit.c), reported case by
# case. They exist only where the kernel has KUnit: the runner's debug
# kernel builds ttp_kunit.ko beside ttp.ko.
. "$(dirname "$0")/lib.sh"
ttp_require_module
kunit=${TTP_KUNIT_MODULE:-$(dirname "${TTP_MODULE:-/nonexistent}")/ttp_kunit.ko}
[ -d /sys/kernel/debug/kunit ] || ttp_skip_all "this kernel has no KUnit"
[ -e "$kunit" ] || ttp_skip_all "no ttp_kunit.ko (set TTP_KUNIT_MODULE)"

rmmod ttp_kunit 2>/dev/null
insmod "$kunit" || ttp_skip_all "cannot load $kunit"
results=$(mktemp)
ttp_defer rm -f "$results"
# The suites ran while the module loaded; their results vanish with it.
for suite in /sys/kernel/debug/kunit/ttp_*; do
	cat "$suite/results"
done >"$results"
rmmod ttp_kunit

# Cases are the indented "ok N name" lines; suites the unindented ones.
cases=$(grep -cE '^[[:space:]]+(not )?ok [0-9]+ ' "$results")
[ "$cases" -gt 0 ] || { cat "$results"; ttp_skip_all "no KUnit results found"; }
ttp_plan "$cases"
suite=
while IFS= read -r line; do
	if [[ $line =~ ^[[:space:]]*#\ Subtest:\ (.*)$ ]]; then
		suite=${BASH_REMATCH[1]}
	elif [[ $line =~ (EXPECTATION|ASSERTION)\ FAILED|Expected ]]; then
		echo "# $line"
	fi
	if [[ $line =~ ^[[:space:]]+(not )?ok\ [0-9]+\ ([^ ]+) ]]; then
		[ -z "${BASH_REMATCH[1]}" ]
		ttp_result $? "kunit $suite: ${BASH_REMATCH[2]}"
	fi
done <"$results"
ttp_done
