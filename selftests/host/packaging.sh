#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Packaging, on the host: dkms builds the module from `make dkms-source` for
# Debian's 6.1 and 6.12 headers (in trees of its own, nothing installed);
# `make install` into a DESTDIR lays out the tree, with man pages that pass
# `man --warnings`, a completion bash reads, a header that compiles, ttpize
# that finds its installed library, and the modprobe.d hook naming the
# installed ttpctl; `make uninstall` takes every file away. TAP on stdout.
set -u
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/lib.sh
trap - EXIT
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ttp_check_log=$work/log
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

# dkms_build KVER: the module built by dkms for KVER's headers, checked.
dkms_build() {
	local rel ko
	rel=$(selftests/vm/kernel release "$1") || return
	[ -d "$work/src/usr/src/ttp-$version" ] ||
		make -s dkms-source DESTDIR="$work/src" || return
	mkdir -p "$work/dkms" "$work/installed"
	dkms=(dkms --dkmstree "$work/dkms" --sourcetree "$work/src/usr/src"
	      --installtree "$work/installed")
	[ -d "$work/dkms/ttp/$version/source" ] ||
		"${dkms[@]}" add -m ttp -v "$version" || return
	"${dkms[@]}" build -m ttp -v "$version" -k "$rel" || {
		cat "$work/dkms/ttp/$version/build/make.log" 2>/dev/null
		return 1
	}
	ko=$(find "$work/dkms/ttp/$version/$rel" -name 'ttp.ko*' | head -n1)
	[ -n "$ko" ] || ttp_fail_msg "dkms made no ttp.ko for $rel" || return
	case $ko in
	*.xz) xz -dc "$ko" >"$work/ttp-$1.ko" ;;
	*.zst) zstd -dcq "$ko" >"$work/ttp-$1.ko" ;;
	*) cp "$ko" "$work/ttp-$1.ko" ;;
	esac
	modinfo -F vermagic "$work/ttp-$1.ko" | grep -q "^$rel " ||
		ttp_fail_msg "vermagic $(modinfo -F vermagic "$work/ttp-$1.ko"), not $rel" || return
	modinfo -F alias "$work/ttp-$1.ko" | grep -qx "net-pf-10-proto-253-type-1" ||
		ttp_fail_msg "no net-pf alias for IPv6"
}

install_tree() {
	local root=$work/root rel f
	rel=$(selftests/vm/kernel release 6.12) || return
	[ -f "$work/ttp-6.12.ko" ] || ttp_fail_msg "no module from dkms to install" || return
	make -s install DESTDIR="$root" PREFIX=/usr MODULE="$work/ttp-6.12.ko" \
		KRELEASE="$rel" || return
	for f in "lib/modules/$rel/updates/ttp.ko" usr/sbin/ttpctl usr/bin/ttpcat \
		usr/bin/ttpize usr/lib/ttp/libttpize.so usr/share/man/man8/ttpctl.8 \
		usr/share/man/man1/ttpcat.1 usr/share/man/man8/ttpize.8 \
		usr/share/man/man7/ttp.7 usr/share/bash-completion/completions/ttpctl \
		usr/include/linux/ttp.h etc/modprobe.d/ttp.conf; do
		[ -f "$root/$f" ] || ttp_fail_msg "missing /$f" || return
	done
	for f in "$root"/usr/share/man/man*/*; do
		man --warnings -l "$f" 2>&1 >/dev/null | grep . && ttp_fail_msg "$f: warnings" && return 1
	done
	bash -n "$root/usr/share/bash-completion/completions/ttpctl" || return
	echo '#include <linux/ttp.h>
int main(void) { struct ttp_info i = { .state = TTP_ESTABLISHED }; return i.state != 1; }' |
		gcc -std=c11 -Wall -Wextra -I"$root/usr/include" -o "$work/hdr" -x c - || return
	grep -q "/usr/sbin/ttpctl param load /etc/ttp.conf" "$root/etc/modprobe.d/ttp.conf" ||
		ttp_fail_msg "the hook does not name /usr/sbin/ttpctl" || return
	# The installed ttpize gets past finding its library (then TTP is
	# not there on the host: that is its next error).
	"$root/usr/bin/ttpize" run -- true 2>"$work/err"
	if grep -q "cannot find" "$work/err"; then
		ttp_fail_msg "$(cat "$work/err")"
		return 1
	fi
	mv "$root/usr/lib/ttp" "$root/usr/lib/elsewhere"
	"$root/usr/bin/ttpize" run -- true 2>"$work/err"
	mv "$root/usr/lib/elsewhere" "$root/usr/lib/ttp"
	grep -q "cannot find libttpize.so" "$work/err" ||
		ttp_fail_msg "without its library: $(cat "$work/err")"
}

uninstall_tree() {
	local rel left
	rel=$(selftests/vm/kernel release 6.12) || return
	[ -f "$work/root/usr/sbin/ttpctl" ] || ttp_fail_msg "nothing was installed" || return
	make -s uninstall DESTDIR="$work/root" PREFIX=/usr KRELEASE="$rel" || return
	left=$(find "$work/root" -type f)
	[ -z "$left" ] || ttp_fail_msg "left behind: $left"
}

ttp_plan 4
ttp_check "dkms builds ttp.ko for Debian's 6.1 headers" dkms_build 6.1
ttp_check "dkms builds ttp.ko for Debian's 6.12 headers" dkms_build 6.12
ttp_check "make install DESTDIR= PREFIX=/usr: the whole tree, man pages lint-clean" install_tree
ttp_check "make uninstall removes every file" uninstall_tree
[ $ttp_tests_failed = 0 ]
