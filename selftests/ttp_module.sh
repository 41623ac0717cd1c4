#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The module loads and unloads cleanly, again and again, and takes its
# generic netlink family with it. (Leaks and splats are caught by the runner:
# kmemleak and the kernel log on the debug kernel.)
. "$(dirname "$0")/lib/lib.sh"
ttp_require_module
[ -n "${TTP_MODULE:-}" ] || modinfo ttp >/dev/null 2>&1 ||
	ttp_skip_all "cannot reload: set TTP_MODULE to the module's path"

reload() {
	if [ -n "${TTP_MODULE:-}" ]; then insmod "$TTP_MODULE"; else modprobe ttp; fi
}

family_present() { "$TTPCTL" stats >/dev/null 2>&1; }

# Five: ttp_lifecycle.py runs up to a hundred more with connections
# between them; these are the plain ones, each checked step by step.
cycles() {
	local i
	for i in $(seq 1 5); do
		rmmod ttp || ttp_fail_msg "cycle $i: rmmod failed" || return
		! family_present || ttp_fail_msg "cycle $i: family still there after rmmod" || return
		[ ! -e /sys/module/ttp ] || ttp_fail_msg "cycle $i: /sys/module/ttp left behind" || return
		reload || ttp_fail_msg "cycle $i: load failed" || return
		family_present || ttp_fail_msg "cycle $i: no family after load" || return
	done
}

# Namespaces created while the module is loaded, then the module goes:
# their per-namespace state must be freed on unload, not leaked.
unload_with_namespaces() {
	local ns
	for ns in a b c; do ttp_netns "ttp-mod-$ns"; done
	"$TTPCTL" -n ttp-mod-a param set msl_ms=1234 || return
	rmmod ttp || return
	reload || return
	[ "$(ttp_param -n ttp-mod-a msl_ms)" = 30000 ] ||
		ttp_fail_msg "a reloaded module kept an old namespace's value"
}

ttp_plan 3
ttp_check "5 unload/load cycles, family gone and back each time" cycles
ttp_check "unload with live namespaces, reload starts from defaults" unload_with_namespaces
ttp_check "module loaded at the end" ttp_module_loaded
ttp_done
