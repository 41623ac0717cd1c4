#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The host's say over TTP, as over TCP (Documentation/security.md): IPsec
policy (an `ip xfrm` policy that requires ESP drops plaintext TTP, counted
as DropPolicy, on a listener and where no socket is; with ESP transport
SAs both ways a transfer goes through ESP, checked by SHA-256 and by the
SAs' byte counts), a classic BPF socket filter (SO_ATTACH_FILTER) on a
listener and on an established connection (DropFilter), and cgroup BPF:
an ingress program that drops every segment to the sockets of its cgroup,
and a connect program that refuses connect() (BPF_CGROUP_INET4_CONNECT,
INET6_CONNECT: EPERM), and a local firewall dropping SYNs on their way out
(connect() still ends after syn_retries). Each over IPv4 and IPv6, between
two namespaces."""

import ctypes
import errno
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (IPPROTO_TTP, Suite, Topology, check, guard,  # noqa: E402
                    families, require_module, run, scaled, transfer,
                    wait_for)

SO_ATTACH_FILTER, SO_DETACH_FILTER = 26, 27
SYS_BPF = 321       # x86_64
BPF_PROG_LOAD, BPF_PROG_ATTACH, BPF_PROG_DETACH = 5, 8, 9
BPF_PROG_TYPE_CGROUP_SKB, BPF_PROG_TYPE_CGROUP_SOCK_ADDR = 8, 18
BPF_CGROUP_INET_INGRESS, BPF_CGROUP_INET4_CONNECT, BPF_CGROUP_INET6_CONNECT = 0, 10, 11
# "r0 = 0; exit": drop (an skb program), refuse (a sock_addr program).
BPF_RETURN_0 = struct.pack("<BBhi", 0xb7, 0, 0, 0) + struct.pack("<BBhi", 0x95, 0, 0, 0)
_libc = ctypes.CDLL(None, use_errno=True)
KEY = "0x" + "42" * 20      # rfc4106(gcm(aes)): a 16-byte key and 4 of salt


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr.ljust(128, b"\0"), 128)
    r = _libc.syscall(SYS_BPF, cmd, buf, 128)
    if r < 0:
        err = ctypes.get_errno()
        raise OSError(err, "bpf(%d): %s" % (cmd, os.strerror(err)))
    return r


def bpf_load(prog_type, attach_type):
    """A two-instruction program returning 0; its fd."""
    insns = ctypes.create_string_buffer(BPF_RETURN_0, len(BPF_RETURN_0))
    lic = ctypes.create_string_buffer(b"GPL")
    attr = struct.pack("<IIQQIIQII16sII", prog_type, 2, ctypes.addressof(insns),
                       ctypes.addressof(lic), 0, 0, 0, 0, 0, b"ttp_test", 0, attach_type)
    return bpf(BPF_PROG_LOAD, attr)


def bpf_attach(cgroup_fd, prog_fd, attach_type, detach=False):
    bpf(BPF_PROG_DETACH if detach else BPF_PROG_ATTACH,
        struct.pack("<IIII", cgroup_fd, prog_fd, attach_type, 0))


def cgroup_root():
    """cgroup2, mounted here if it is not yet."""
    for line in open("/proc/mounts"):
        f = line.split()
        if f[2] == "cgroup2":
            return f[1]
    path = tempfile.mkdtemp(prefix="ttp-cg2-")
    run("mount", "-t", "cgroup2", "none", path)
    return path


def drop_all_filter(sock):
    """SO_ATTACH_FILTER with one instruction: "ret #0", keep nothing."""
    prog = ctypes.create_string_buffer(struct.pack("<HBBI", 0x06, 0, 0, 0), 8)
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER,
                    struct.pack("<HxxxxxxQ", 1, ctypes.addressof(prog)))
    return prog         # the caller keeps it alive while attached


def refused_quietly(topo, port, what):
    """A connect() to PORT gets no answer (not ECONNREFUSED): one SYN, one
    retransmission, then ETIMEDOUT."""
    c = topo.client_ns.socket(topo.family)
    c.settimeout(30)
    err = c.connect_ex((topo.server_addr, port))
    c.close()
    check(err == errno.ETIMEDOUT, "%s: connect() said %s, not ETIMEDOUT" %
          (what, os.strerror(err)))


def esp_policy(src, dst, direction):
    """The ip command by which a namespace requires ESP (transport mode)
    for TTP from SRC to DST."""
    return ("xfrm", "policy", "add", "src", src, "dst", dst, "proto", str(IPPROTO_TTP),
            "dir", direction, "tmpl", "src", src, "dst", dst, "proto", "esp",
            "mode", "transport", "level", "required")


def esp_state(src, dst, spi):
    """The ip command of an ESP transport SA from SRC to DST."""
    return ("xfrm", "state", "add", "src", src, "dst", dst, "proto", "esp", "spi", hex(spi),
            "mode", "transport", "aead", "rfc4106(gcm(aes))", KEY, "128")


def esp_bytes(ns):
    """What the namespace's SAs carried, in bytes, from `ip -s xfrm state`."""
    out = run("ip", "-s", "-n", ns.name, "xfrm", "state").stdout
    return sum(int(n) for n in re.findall(r"\b(\d+)\(bytes\)", out))


def ipsec(topo):
    """A policy on the server requiring ESP from the client: plaintext TTP
    is dropped and counted, for a listener and for a port without one (no
    RST either: a policy refusal answers nothing). With ESP transport SAs
    and policies both ways, a transfer goes through, intact, and the SAs
    carried at least its bytes each way."""
    sns, cns = topo.server_ns, topo.client_ns
    c, s = topo.client_addr, topo.server_addr
    cns.set(syn_retries=1, rto_init_ms=1000)
    lsn = topo.listen()
    port = lsn.getsockname()[1]
    try:
        sns.ip_batch(esp_policy(c, s, "in"))
        before = sns.counter("DropPolicy")
        refused_quietly(topo, port, "plaintext to a listener")
        refused_quietly(topo, port + 1 if port < 65535 else port - 1,
                        "plaintext to a closed port")
        check(sns.counter("DropPolicy") >= before + 4,
              "DropPolicy grew by %d, not at least 4 (two SYNs each)" %
              (sns.counter("DropPolicy") - before))
        check(sns.gauges()["SYN_RCVD"] == 0, "a plaintext SYN made a request entry")

        # ESP both ways: states in both namespaces, policies out and in
        # (one ip process a side).
        states = (esp_state(c, s, 0x100), esp_state(s, c, 0x200))
        cns.ip_batch(*states, esp_policy(c, s, "out"), esp_policy(s, c, "in"))
        sns.ip_batch(*states, esp_policy(s, c, "out"))
        # The debug kernel's AES-GCM runs in C under KASAN: 512 KiB each
        # way took over two minutes beside the other VMs, so it moves
        # 128 KiB (about 90 segments each way, every one through ESP).
        size = scaled(16 << 20, 1 << 17)
        cl = topo.connect(port)
        sv, _ = lsn.accept()
        sv.settimeout(120)
        data = os.urandom(size)
        transfer(cl, sv, data, data[::-1], timeout=600)
        for ns, name in ((cns, "client"), (sns, "server")):
            check(esp_bytes(ns) >= 2 * size,
                  "the %s's SAs carried %d bytes, less than the transfer's %d" %
                  (name, esp_bytes(ns), 2 * size))
        cl.close()
        sv.close()
    finally:
        lsn.close()
        for ns in (cns, sns):
            ns.ip_batch(("xfrm", "policy", "flush"), ("xfrm", "state", "flush"))


def socket_filter(topo):
    """A filter that keeps nothing, on a listener: its SYNs are dropped
    (DropFilter), no SYN-ACK, connect() times out; detached, a connect()
    succeeds. On an accepted socket: the client's data is dropped and never
    read; detached, the retransmission arrives."""
    sns = topo.server_ns
    topo.client_ns.set(syn_retries=1, rto_init_ms=1000)
    lsn = topo.listen()
    port = lsn.getsockname()[1]
    try:
        prog = drop_all_filter(lsn)
        before = sns.counter("DropFilter")
        refused_quietly(topo, port, "a listener with a drop-all filter")
        check(sns.counter("DropFilter") >= before + 2, "DropFilter did not count the SYNs")
        lsn.setsockopt(socket.SOL_SOCKET, SO_DETACH_FILTER, 0)
        del prog
        c = topo.connect(port)
        s, _ = lsn.accept()
        s.settimeout(0.5)
        keep = drop_all_filter(s)
        before = sns.counter("DropFilter")
        c.sendall(b"filtered")
        wait_for(lambda: sns.counter("DropFilter") > before, 30, "the data to be filtered")
        try:
            got = s.recv(100)
        except socket.timeout:
            got = None
        check(got is None, "the filtered socket read %r" % got)
        s.setsockopt(socket.SOL_SOCKET, SO_DETACH_FILTER, 0)
        del keep
        s.settimeout(30)
        check(s.recv(100) == b"filtered", "the retransmission did not arrive")
        c.close()
        s.close()
    finally:
        lsn.close()


SERVER = """
import socket, sys
s = socket.socket(%d, socket.SOCK_STREAM, %d)
s.bind((%r, 0))
s.listen(8)
print(s.getsockname()[1], flush=True)
sys.stdin.read()
"""


def cgroup_ingress(topo):
    """A cgroup's BPF_CGROUP_INET_INGRESS program that drops everything: a
    listener made by a process in that cgroup never sees a SYN (DropFilter);
    once the program is detached, connect() succeeds."""
    root = cgroup_root()
    cg = os.path.join(root, "ttp-test-%d-%d" % (os.getpid(), topo.family))
    os.mkdir(cg)
    server = prog = cg_fd = None
    try:
        cg_fd = os.open(cg, os.O_RDONLY | os.O_DIRECTORY)
        prog = bpf_load(BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS)
        bpf_attach(cg_fd, prog, BPF_CGROUP_INET_INGRESS)
        # The listener's socket belongs to the cgroup of the process that
        # made it: a server started inside the cgroup.
        server = subprocess.Popen(
            ["ip", "netns", "exec", topo.server_ns.name, "sh", "-c",
             'echo $$ > "$1/cgroup.procs" && exec python3 -c "$2"', "sh", cg,
             SERVER % (topo.family, IPPROTO_TTP, topo.server_addr)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        port = int(server.stdout.readline())
        topo.client_ns.set(syn_retries=1, rto_init_ms=1000)
        before = topo.server_ns.counter("DropFilter")
        refused_quietly(topo, port, "a listener whose cgroup drops ingress")
        check(topo.server_ns.counter("DropFilter") >= before + 2,
              "DropFilter did not count the SYNs the cgroup program dropped")
        bpf_attach(cg_fd, prog, BPF_CGROUP_INET_INGRESS, detach=True)
        c = topo.connect(port)
        c.close()
    finally:
        if server:
            server.stdin.close()
            server.wait()
        if prog is not None:
            os.close(prog)
        if cg_fd is not None:
            os.close(cg_fd)
        os.rmdir(cg)


def local_drop(topo):
    """An nftables rule drops the client's TTP on its way out: each SYN
    fails to leave (the output hook says EPERM), and connect() still ends
    as TCP's does, in ETIMEDOUT after syn_retries (1: one retransmission,
    at 1 s, the end at 3 s), not in a wait with no end."""
    cns = topo.client_ns
    cns.set(syn_retries=1, rto_init_ms=1000)
    lsn = topo.listen()
    port = lsn.getsockname()[1]
    nft = ["ip", "netns", "exec", cns.name, "nft"]
    run(*nft, "-f", "-", input="table inet ttp_drop {\n"
        " chain out { type filter hook output priority 0; meta l4proto %d counter drop; }\n"
        "}\n" % IPPROTO_TTP)
    try:
        before = cns.counter("SynRetrans")
        start = time.monotonic()
        refused_quietly(topo, port, "SYNs dropped on their way out")
        took = time.monotonic() - start
        check(2.5 < took < 10, "connect() gave up after %.1f s, not about 3" % took)
        check(cns.counter("SynRetrans") == before + 1, "SynRetrans grew by %d, not 1" %
              (cns.counter("SynRetrans") - before))
        out = run(*nft, "list", "table", "inet", "ttp_drop").stdout
        check(re.search(r"counter packets 2 ", out), "not 2 SYNs dropped:\n" + out)
    finally:
        lsn.close()
        run(*nft, "delete", "table", "inet", "ttp_drop")


def cgroup_connect(topo):
    """A cgroup's connect program that refuses: connect() fails with EPERM
    before a SYN leaves (proto->pre_connect); detached, it succeeds."""
    lsn = topo.listen()
    port = lsn.getsockname()[1]
    root = cgroup_root()
    cg = os.path.join(root, "ttp-test-c%d-%d" % (os.getpid(), topo.family))
    os.mkdir(cg)
    attach = BPF_CGROUP_INET4_CONNECT if topo.family == socket.AF_INET else \
        BPF_CGROUP_INET6_CONNECT
    prog = cg_fd = None
    code = ("import socket, errno\n"
            "s = socket.socket(%d, socket.SOCK_STREAM, %d)\n"
            "s.settimeout(30)\n"
            "print(s.connect_ex((%r, %d)))\n") % (
                topo.family, IPPROTO_TTP, topo.server_addr, port)
    client = ["ip", "netns", "exec", topo.client_ns.name, "sh", "-c",
              'echo $$ > "$1/cgroup.procs" && exec python3 -c "$2"', "sh", cg, code]
    try:
        cg_fd = os.open(cg, os.O_RDONLY | os.O_DIRECTORY)
        prog = bpf_load(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, attach)
        bpf_attach(cg_fd, prog, attach)
        active = topo.client_ns.counter("ActiveOpens")
        out = run(*client).stdout.strip()
        check(out == str(errno.EPERM), "connect() in the cgroup said %s, not EPERM" % out)
        check(topo.client_ns.counter("ActiveOpens") == active, "a SYN left anyway")
        bpf_attach(cg_fd, prog, attach, detach=True)
        out = run(*client).stdout.strip()
        check(out == "0", "connect() after the detach said %s" % out)
    finally:
        lsn.close()
        if prog is not None:
            os.close(prog)
        if cg_fd is not None:
            os.close(cg_fd)
        os.rmdir(cg)


def main():
    require_module()
    suite = Suite()
    for family in families(debug=socket.AF_INET):
        name = "v4" if family == socket.AF_INET else "v6"
        box = {}

        def topo(box=box, family=family):
            if "t" not in box:
                box["t"] = Topology(family, True)
            return box["t"]
        for desc, fn in (("IPsec policy: plaintext dropped, ESP carries it", ipsec),
                         ("a socket filter drops, on a listener and a connection",
                          socket_filter),
                         ("a cgroup's BPF ingress program drops", cgroup_ingress),
                         ("a cgroup's BPF connect program refuses", cgroup_connect),
                         ("SYNs dropped on their way out: ETIMEDOUT after syn_retries",
                          local_drop)):
            suite.case("%s: %s" % (name, desc), lambda fn=fn, t=topo: fn(t()), place=name)
    suite.run()


guard(main)
