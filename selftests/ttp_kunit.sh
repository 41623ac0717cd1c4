#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The KUnit suites of TTP's pure logic (module/kunit.c), reported case by
# case, each suite's own verdict too. They exist only where the kernel has
# KUnit: the runner's debug kernel builds ttp_kunit.ko beside ttp.ko (the
# Debian kernels skip this test, as selftests/host/allowed-skips allows).
# Where KUnit is, a module that is missing, does not load or reports fewer
# suites or cases than the source defines fails: a lost suite is a failure.
. "$(dirname "$0")/lib/lib.sh"
ttp_require_module
kunit=${TTP_KUNIT_MODULE:-$(dirname "${TTP_MODULE:-/nonexistent}")/ttp_kunit.ko}
[ -d /sys/kernel/debug/kunit ] || ttp_skip_all "this kernel has no KUnit"
[ -e "$kunit" ] || ttp_fail_all "no ttp_kunit.ko beside ttp.ko (or set TTP_KUNIT_MODULE)"

# What the source defines: every suite and every case must report.
src=("$TTP_REPO"/module/kunit*.c)
want_suites=$(cat "${src[@]}" | grep -cE '^static struct kunit_suite ')
want_cases=$(cat "${src[@]}" | grep -cE '^[[:space:]]*KUNIT_CASE(_[A-Z]+)?\(')

rmmod ttp_kunit 2>/dev/null
insmod "$kunit" || ttp_fail_all "cannot load $kunit"
results=$(mktemp)
ttp_defer rm -f "$results"
# The suites ran while the module loaded; their results vanish with it.
for suite in /sys/kernel/debug/kunit/ttp_*; do
	[ -e "$suite/results" ] && cat "$suite/results"
done >"$results"
rmmod ttp_kunit

# Cases are the "ok N name" lines indented one level; suites the
# unindented ones. One TAP case per KUnit case and per suite, and one for
# the counts against the source.
cases=$(grep -cE '^ {4}(not )?ok [0-9]+ ' "$results")
suites=$(grep -cE '^(not )?ok [0-9]+ ' "$results")
ttp_plan $((cases + suites + 1))
suite=
while IFS= read -r line; do
	if [[ $line =~ ^[[:space:]]*#\ Subtest:\ (.*)$ ]]; then
		suite=${BASH_REMATCH[1]}
	elif [[ $line =~ (EXPECTATION|ASSERTION)\ FAILED|Expected ]]; then
		echo "# $line"
	fi
	if [[ $line =~ ^\ {4}(not )?ok\ [0-9]+\ ([^ ]+)(.*)$ ]]; then
		[[ -z ${BASH_REMATCH[1]} && ${BASH_REMATCH[3]} != *SKIP* ]]
		ttp_result $? "kunit $suite: ${BASH_REMATCH[2]}"
	elif [[ $line =~ ^(not )?ok\ [0-9]+\ ([^ ]+)(.*)$ ]]; then
		[[ -z ${BASH_REMATCH[1]} && ${BASH_REMATCH[3]} != *SKIP* ]]
		ttp_result $? "kunit suite ${BASH_REMATCH[2]}"
	fi
done <"$results"
[ "$suites" = "$want_suites" ] && [ "$cases" = "$want_cases" ]
ttp_result $? "kunit: $suites of $want_suites suites and $cases of $want_cases cases in module/kunit*.c reported"
ttp_done
