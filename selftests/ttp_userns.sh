#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Namespaces and privilege (Documentation/namespaces.md). An unprivileged
# user (uid 65534, no capabilities) who makes a user and network namespace
# of its own (unshare -Urn) owns that network namespace: it may change
# every TTP parameter there, as Linux lets it change its per-namespace
# net.ipv4.tcp_* sysctls, and TTP sockets work there. Nothing it does
# reaches the initial namespace, and a user namespace alone (unshare -Ur,
# still in the initial network namespace) gives no right over it.
. "$(dirname "$0")/lib/lib.sh"
ttp_require_module
work=$(mktemp -d)
chmod 755 "$work"
ttp_defer rm -rf "$work"

# as_nobody COMMAND...: COMMAND as uid 65534 with no capabilities at all.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		--bounding-set=-all "$@"
}

# A configuration with every parameter moved off its value: to its
# maximum, or its minimum where the value is the maximum already.
cat >"$work/moved.py" <<'EOF'
import json, sys
for p in json.load(sys.stdin):
    if p["global"]:
        continue    # the host's, not the namespace's: refused below
    v = p["max"] if p["value"] != p["max"] else p["min"]
    print("%s = %d" % (p["name"], v))
EOF

every_param() {
	local moved got
	moved=$("$TTPCTL" -j param show | python3 "$work/moved.py") || return
	# The owner loads it in its own namespace and shows what it got.
	got=$(as_nobody unshare -Urn sh -c "ip link set lo up && \
		'$TTPCTL' param load - && '$TTPCTL' param show --config | grep ' = '" <<<"$moved" |
		grep -vE "^(${TTP_GLOBAL_PARAMS// /|}) = ") || return
	[ "$got" = "$moved" ] || ttp_fail_msg "the owner's namespace reads back:" \
		"$(diff <(echo "$moved") <(echo "$got"))" || return
	# The global ones (memory.md) are the host's: refused, by name.
	got=$(as_nobody unshare -Urn "$TTPCTL" param set mem_max_pages=1 2>&1) &&
		ttp_fail_msg "the owner changed mem_max_pages" && return 1
	grep -qF "Error: mem_max_pages is global: set it from the initial namespace" <<<"$got" ||
		ttp_fail_msg "refused with: $got"
}

sockets_inside() {
	as_nobody unshare -Urn sh -c "ip link set lo up && python3 -c '
import socket
IPPROTO_TTP, SOL_TTP, TTP_MSL = 253, 253, 128
for fam, addr in ((socket.AF_INET, \"127.0.0.1\"), (socket.AF_INET6, \"::1\")):
    l = socket.socket(fam, socket.SOCK_STREAM, IPPROTO_TTP)
    l.bind((addr, 0))
    l.listen(1)
    c = socket.socket(fam, socket.SOCK_STREAM, IPPROTO_TTP)
    c.settimeout(60)
    # Lowering a socket\x27s MSL below the namespace\x27s needs CAP_NET_ADMIN
    # over it: the owner has that.
    c.setsockopt(SOL_TTP, TTP_MSL, 1)
    c.connect(l.getsockname()[:2])
    s, _ = l.accept()
    s.settimeout(60)
    data = bytes(range(256)) * 400
    c.sendall(data)
    c.shutdown(socket.SHUT_WR)
    got = b\"\"
    while True:
        part = s.recv(65536)
        if not part:
            break
        got += part
    assert got == data, \"%d bytes of %d\" % (len(got), len(data))
' && '$TTPCTL' stats | grep -E '^counter[[:space:]]ActiveOpens[[:space:]]2$'"
}

init_unchanged() {
	"$TTPCTL" param show --config | diff -u "$work/init.conf" -
}

refused() {
	local err
	if err=$("$@" "$TTPCTL" param set msl_ms=5000 2>&1); then
		ttp_fail_msg "allowed: $*"
		return
	fi
	[[ $err == *CAP_NET_ADMIN* ]] || ttp_fail_msg "$*: said \"$err\", not CAP_NET_ADMIN"
}

ttp_plan 5
"$TTPCTL" param show --config >"$work/init.conf"
# Every kernel the suite runs on allows them: without, nothing here is shown.
as_nobody unshare -Urn true 2>"$work/err" ||
	ttp_fail_all "unprivileged user namespaces are not available: $(cat "$work/err")"
ttp_check "unshare -Urn by uid 65534: every parameter of its namespace can be changed, no global one" \
	every_param
ttp_check "unshare -Urn by uid 65534: TTP sockets carry data on IPv4 and IPv6, TTP_MSL may be lowered" \
	sockets_inside
ttp_check "the initial namespace's parameters did not move" init_unchanged
ttp_check "uid 65534 in the initial namespaces is refused" refused as_nobody
ttp_check "unshare -Ur (a user namespace, the initial network namespace) is refused" \
	refused as_nobody unshare -Ur
ttp_done
