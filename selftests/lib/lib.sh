# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Shared helpers for TTP's kselftest-style tests: KTAP output, polling,
# namespaces. Sourced by every shell test (. "$(dirname "$0")/lib/lib.sh");
# works in the project's QEMU runner and on any machine where ttp.ko is
# loaded (or can be loaded). ttplib.py beside it is the Python tests' twin.

# The suite's directory (selftests/, this file's parent) and the repository.
TTP_SELFTESTS=$(readlink -f "$(dirname "${BASH_SOURCE[0]}")/..")
TTP_REPO=${TTP_REPO:-$(readlink -f "$TTP_SELFTESTS/..")}
TTPCTL=${TTPCTL:-$(command -v ttpctl || echo "$TTP_REPO/userspace/ttpctl")}
KSFT_PASS=0 KSFT_FAIL=1 KSFT_SKIP=4

ttp_tests_total=0
ttp_tests_run=0
ttp_tests_failed=0
ttp_cleanups=()

# ttp_plan N: start the TAP stream for N cases.
ttp_plan() {
	ttp_tests_total=$1
	echo "TAP version 13"
	echo "1..$1"
}

# ttp_result STATUS DESCRIPTION: STATUS 0 passes, anything else fails.
ttp_result() {
	local status=$1
	shift
	ttp_tests_run=$((ttp_tests_run + 1))
	if [ "$status" = 0 ]; then
		echo "ok $ttp_tests_run $*"
	else
		ttp_tests_failed=$((ttp_tests_failed + 1))
		echo "not ok $ttp_tests_run $*"
	fi
}

# ttp_check DESCRIPTION COMMAND...: one case, passing if COMMAND succeeds.
# COMMAND's output is shown as TAP diagnostics when it fails.
# COMMAND runs in this shell (not a subshell), so what it defers with
# ttp_defer is cleaned up when the test exits.
ttp_check() {
	local desc=$1 status
	shift
	"$@" >"$ttp_check_log" 2>&1 && status=0 || status=$?
	if [ $status != 0 ] && [ -s "$ttp_check_log" ]; then
		sed 's/^/# /' "$ttp_check_log" | head -n 40
	fi
	ttp_result $status "$desc"
}

ttp_skip() {
	ttp_tests_run=$((ttp_tests_run + 1))
	echo "ok $ttp_tests_run $1 # SKIP ${2:-}"
}

ttp_diag() {
	echo "$*" | sed 's/^/# /'
}

# ttp_fail_msg MESSAGE: print to stderr and fail (for use inside checks).
ttp_fail_msg() {
	echo "$*" >&2
	return 1
}

# ttp_done: finish the stream and exit with kselftest's status.
ttp_done() {
	if [ $ttp_tests_run != "$ttp_tests_total" ]; then
		echo "# planned $ttp_tests_total cases, ran $ttp_tests_run"
		exit $KSFT_FAIL
	fi
	[ $ttp_tests_failed = 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}

# ttp_skip_all REASON: nothing can run here, because this machine lacks
# something the test cannot do without and the project does not provide.
# `make check` fails every skip its allow-list (selftests/host/allowed-skips)
# does not name; anything the project installs or builds that is missing or
# broken is a failure, not a skip: ttp_fail_all.
ttp_skip_all() {
	echo "TAP version 13"
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

# ttp_fail_all REASON: the test cannot run, and that is a failure.
ttp_fail_all() {
	echo "TAP version 13"
	echo "1..1"
	echo "not ok 1 $*"
	exit $KSFT_FAIL
}

ttp_on_exit() {
	local i
	for ((i = ${#ttp_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${ttp_cleanups[i]}" >/dev/null 2>&1 || true
	done
}
trap ttp_on_exit EXIT

# ttp_defer COMMAND: run COMMAND when the test exits, last deferred first.
ttp_defer() {
	ttp_cleanups+=("$*")
}

ttp_check_log=$(mktemp)
ttp_defer rm -f "$ttp_check_log"

ttp_require_root() {
	[ "$(id -u)" = 0 ] || ttp_skip_all "needs root"
}

ttp_module_loaded() {
	grep -q '^ttp ' /proc/modules
}

# Load the module under test if it is not loaded yet: the runner's fresh
# build ($TTP_MODULE), else whatever modprobe finds.
ttp_load_module() {
	ttp_module_loaded && return 0
	if [ -n "${TTP_MODULE:-}" ]; then
		insmod "$TTP_MODULE"
	else
		modprobe ttp 2>/dev/null
	fi
}

# A module that will not load (after an earlier test's rmmod, say) fails
# the test: it would hide every later test's failures as skips.
ttp_require_module() {
	ttp_require_root
	ttp_load_module || ttp_fail_all "ttp.ko is not loaded and cannot be loaded"
	[ -x "$TTPCTL" ] || ttp_fail_all "ttpctl not found (build it: make -C userspace)"
}

# ttp_require_tool COMMAND...: each must be installed (install-deps does).
ttp_require_tool() {
	local t
	for t; do
		command -v "$t" >/dev/null ||
			ttp_fail_all "$t is not installed (selftests/vm/install-deps installs it)"
	done
}

# ttp_on_debug_kernel: true on the runner's debug kernel (KASAN, lockdep,
# kmemleak, KUnit; about ten times slower per byte), where tests scale
# their work down. selftests/vm/run names the kernel in TTP_KVER.
ttp_on_debug_kernel() {
	[ "${TTP_KVER:-}" = debug ]
}

# ttp_netns NAME: a fresh network namespace, deleted when the test exits.
ttp_netns() {
	ip netns del "$1" 2>/dev/null || true
	ip netns add "$1"
	ip -n "$1" link set lo up
	ttp_defer ip netns del "$1"
}

# ttp_veth_pair NAME N [SETUP]: namespaces NAME-a and NAME-b (deleted at
# exit) joined by veth NAME0/NAME1, with 10.N.0.1/24 and fdN::1/64 on a and
# .2/::2 on b. SETUP, if given, runs in each namespace (DEV in $dev) before
# the link comes up.
ttp_veth_pair() {
	local name=$1 n=$2 setup=${3:-} side dev host
	ttp_netns "$name-a"
	ttp_netns "$name-b"
	ip link add "${name}0" netns "$name-a" type veth peer name "${name}1" netns "$name-b"
	for side in a b; do
		[ $side = a ] && dev=${name}0 host=1 || dev=${name}1 host=2
		ip -n "$name-$side" addr add "10.$n.0.$host/24" dev "$dev"
		ip -n "$name-$side" addr add "fd$n::$host/64" dev "$dev" nodad
		[ -z "$setup" ] || dev=$dev ip netns exec "$name-$side" sh -c "$setup"
		ip -n "$name-$side" link set "$dev" up
	done
}

# ttp_wait_for SECONDS COMMAND...: poll until COMMAND succeeds. Never sleep
# a fixed time in a test: emulated machines are slow and vary.
ttp_wait_for() {
	local limit=$1 start=$SECONDS
	shift
	until "$@"; do
		[ $((SECONDS - start)) -lt "$limit" ] || return 1
		sleep 0.1
	done
}

# ttp_param [-n NS] NAME: a parameter's current value.
ttp_param() {
	local netns=()
	if [ "$1" = -n ]; then
		netns=(-n "$2")
		shift 2
	fi
	"$TTPCTL" "${netns[@]}" param show "$1" | cut -f2
}

# ttp_stat [-n NS] {state NAME {now|entered} | counter NAME}: one figure.
ttp_stat() {
	local netns=() kind name field=3
	if [ "$1" = -n ]; then
		netns=(-n "$2")
		shift 2
	fi
	kind=$1 name=$2
	[ "$kind" = state ] && [ "${3:-now}" = entered ] && field=4
	"$TTPCTL" "${netns[@]}" stats -z | awk -F'\t' -v k="$kind" -v n="$name" -v f=$field \
		'$1 == k && $2 == n { print $f; found = 1 } END { exit !found }'
}

# The parameters' defaults as the specification gives them. (This and the
# two lists below are for the tests: lib.sh itself reads none of them.)
# shellcheck disable=SC2034
declare -A TTP_DEFAULTS=(
	[msl_ms]=30000 [msl_local_ms]=1000 [fin_timeout_ms]=60000
	[syncookies]=1 [syn_retries]=6 [synack_retries]=5
	[max_syn_backlog]=1024 [abort_on_overflow]=0 [tw_reuse]=2
	[tw_reuse_delay_ms]=1000 [max_tw_buckets]=262144 [rfc1337]=0
	[timestamps]=1 [window_scaling]=1 [rto_init_ms]=1000 [rto_min_ms]=200
	[rto_max_ms]=120000 [retries2]=15 [keepalive_time_ms]=7200000
	[keepalive_intvl_ms]=75000 [keepalive_probes]=9
	[invalid_ratelimit_ms]=500 [syncookie_lifetime_ms]=120000 [events_rate]=1000
	[orphan_retries]=8 [mtu_probing]=0 [l3mdev_accept]=0 [sack]=1
	[congestion_control]=1 [pacing]=0 [user_timeout_ms]=0 [close_wait_warn_ms]=0
)
# Global parameters: one value for every namespace, its default from the
# memory size (ttp_memory.py checks them).
# shellcheck disable=SC2034
TTP_GLOBAL_PARAMS="mem_min_pages mem_pressure_pages mem_max_pages"

# shellcheck disable=SC2034
TTP_STATES="LISTEN SYN_SENT SYN_RCVD ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSE_WAIT CLOSING LAST_ACK TIME_WAIT"
