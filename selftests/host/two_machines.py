#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""two_machines.py {server|client}: one side of the two-machine test
(selftests/host/two-machines.sh boots the two guests, joined by a virtio-net
link). The server is 10.77.0.1 and fd77::1 on eth0, the client .2 and ::2;
checksum offload stays as the virtio device offers it. The client drives:

1. 64 MiB each way at once over IPv4, each side checking the other's
   stream by SHA-256 (both streams are generated from known seeds);
2. 200 short connections over IPv6, each echoing 1 KiB;
3. with netem dropping 5% of the segments each side sends, 50 handshakes
   over IPv4, each echoing a message.

A control connection (port 6003) carries the phases: the client asks the
server to switch its loss on and, at the end, for its verdict. Each side
prints TAP; the host script counts both."""

import hashlib
import os
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ttplib import (IPPROTO_TTP, REPO, Suite, check, guard, require_module,  # noqa: E402
                    run, transfer)

MIB = 1 << 20
BULK = 64 * MIB
CHURN = 200
LOSSY = 50
ADDR = {"server": ("10.77.0.1", "fd77::1"), "client": ("10.77.0.2", "fd77::2")}
PORT_BULK, PORT_CHURN, PORT_LOSSY, PORT_CTL = 6000, 6001, 6002, 6003


def stream_block(seed, i):
    """MiB I of the stream named SEED: cheap to make, and no two alike."""
    head = hashlib.sha256(b"%s %d" % (seed, i)).digest()
    return head * (MIB // 32)


def stream(seed):
    """The stream named SEED, MiB by MiB (for ttplib.transfer)."""
    return lambda: (stream_block(seed, i) for i in range(BULK // MIB))


def bulk(s, mine, theirs):
    """Send stream MINE while receiving THEIRS (the other guest sends it);
    check what came."""
    s.settimeout(300)
    took = transfer(s, None, stream(mine), stream(theirs), read_size=1 << 18,
                    names=(mine.decode(), theirs.decode()))
    print("# 64 MiB each way in %.1f s" % took)


def echo_once(s, size):
    msg = os.urandom(size)
    s.sendall(msg)
    got = b""
    while len(got) < size:
        part = s.recv(size - len(got))
        check(part, "EOF after %d of %d echoed bytes" % (len(got), size))
        got += part
    check(got == msg, "the echo differs")


def connect_echo(family, addr, port, size, timeout):
    """One short connection: connect, echo SIZE bytes, close."""
    s = socket.socket(family, socket.SOCK_STREAM, IPPROTO_TTP)
    s.settimeout(timeout)
    s.connect((addr, port))
    echo_once(s, size)
    s.close()


def setup(role):
    v4, v6 = ADDR[role]
    # Debian's kernels have virtio_net as a module, and nothing in the
    # guest loads modules for new devices.
    run("modprobe", "virtio_net", check_rc=False)
    deadline = time.monotonic() + 30
    while not os.path.exists("/sys/class/net/eth0"):
        check(time.monotonic() < deadline, "no eth0: is the guest's NIC there?")
        time.sleep(0.1)
    run("ip", "link", "set", "eth0", "up")
    run("ip", "addr", "add", v4 + "/24", "dev", "eth0")
    run("ip", "addr", "add", v6 + "/64", "dev", "eth0", "nodad")
    feats = run("ethtool", "-k", "eth0", check_rc=False).stdout
    print("# eth0: " + ", ".join(line.strip() for line in feats.splitlines()
                                 if "checksum" in line and ":" in line and "fixed" not in line))


def loss(on):
    if on:
        run("tc", "qdisc", "replace", "dev", "eth0", "root", "netem", "loss", "5%")
    else:
        run("tc", "qdisc", "del", "dev", "eth0", "root", check_rc=False)


def listener(family, addr, port, backlog=64):
    s = socket.socket(family, socket.SOCK_STREAM, IPPROTO_TTP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(backlog)
    return s


def echo_server(lsn, count, results, name):
    """Accept COUNT connections, echo each until EOF."""
    lsn.settimeout(600)
    done = 0
    try:
        for _ in range(count):
            s, _ = lsn.accept()
            s.settimeout(120)
            while True:
                data = s.recv(65536)
                if not data:
                    break
                s.sendall(data)
            s.close()
            done += 1
    except OSError as e:
        results[name + " error"] = str(e)
    results[name] = done


def server():
    setup("server")
    v4, v6 = ADDR["server"]
    results = {}
    lsns = {PORT_BULK: listener(socket.AF_INET, v4, PORT_BULK),
            PORT_CHURN: listener(socket.AF_INET6, v6, PORT_CHURN),
            PORT_LOSSY: listener(socket.AF_INET, v4, PORT_LOSSY),
            PORT_CTL: listener(socket.AF_INET, v4, PORT_CTL)}
    threads = [threading.Thread(target=echo_server, args=(lsns[PORT_CHURN], CHURN, results,
                                                          "churn")),
               threading.Thread(target=echo_server, args=(lsns[PORT_LOSSY], LOSSY, results,
                                                          "lossy"))]
    for t in threads:
        t.start()
    lsns[PORT_CTL].settimeout(600)
    ctl = lsns[PORT_CTL].accept()[0]
    ctl.settimeout(900)
    f = ctl.makefile("rw")
    suite = Suite()

    def bulk_case():
        lsns[PORT_BULK].settimeout(600)
        s = lsns[PORT_BULK].accept()[0]
        bulk(s, b"server", b"client")
        s.close()

    def wait_for_word(word):
        line = f.readline().strip()
        check(line == word, "the client said %r, not %r" % (line, word))

    def churn_case():
        wait_for_word("churned")
        threads[0].join(60)
        check(results.get("churn") == CHURN, "served %s churn connections, not %d (%s)"
              % (results.get("churn"), CHURN, results.get("churn error")))

    def lossy_case():
        wait_for_word("loss on")
        loss(True)
        f.write("ok\n")
        f.flush()
        wait_for_word("done")
        loss(False)
        threads[1].join(60)
        check(results.get("lossy") == LOSSY, "served %s handshakes through loss, not %d (%s)"
              % (results.get("lossy"), LOSSY, results.get("lossy error")))

    suite.case("server (%s): 64 MiB each way with the client, SHA-256 checked" %
               os.uname().release, bulk_case)
    suite.case("server: %d short IPv6 connections echoed" % CHURN, churn_case)
    suite.case("server: %d handshakes and echoes through 5%% loss both ways" % LOSSY,
               lossy_case)
    suite.run()


def client():
    setup("client")
    v4, v6 = ADDR["server"]
    deadline = time.monotonic() + 300
    # The server's guest may still be booting.
    while True:
        ctl = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_TTP)
        ctl.settimeout(10)
        try:
            ctl.connect((v4, PORT_CTL))
            break
        except OSError:
            ctl.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
    ctl.settimeout(900)
    f = ctl.makefile("rw")
    suite = Suite()

    def bulk_case():
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_TTP)
        s.settimeout(60)
        s.connect((v4, PORT_BULK))
        bulk(s, b"client", b"server")
        s.close()

    def churn_case():
        start = time.monotonic()
        for _ in range(CHURN):
            connect_echo(socket.AF_INET6, v6, PORT_CHURN, 1024, 60)
        f.write("churned\n")
        f.flush()
        print("# %d connections in %.1f s" % (CHURN, time.monotonic() - start))

    def lossy_case():
        f.write("loss on\n")
        f.flush()
        check(f.readline().strip() == "ok", "the server did not switch its loss on")
        loss(True)
        try:
            start = time.monotonic()
            for _ in range(LOSSY):
                connect_echo(socket.AF_INET, v4, PORT_LOSSY, 100, 120)
            print("# %d handshakes in %.1f s; SYNs retransmitted %s" % (
                LOSSY, time.monotonic() - start, counter("SynRetrans")))
        finally:
            loss(False)
            f.write("done\n")
            f.flush()

    suite.case("client (%s): 64 MiB each way with the server, SHA-256 checked" %
               os.uname().release, bulk_case)
    suite.case("client: %d short IPv6 connections, each echoing 1 KiB" % CHURN, churn_case)
    suite.case("client: %d handshakes and echoes through 5%% loss both ways" % LOSSY,
               lossy_case)
    suite.run()


def counter(name):
    out = subprocess.run([os.path.join(REPO, "userspace", "ttpctl"), "stats", "show", name],
                         capture_output=True, text=True).stdout.split()
    return out[-1] if out else "?"


def main():
    require_module()
    if sys.argv[1:] == ["server"]:
        server()
    elif sys.argv[1:] == ["client"]:
        client()
    else:
        sys.exit("Usage: two_machines.py {server|client}")


if __name__ == "__main__":
    guard(main)
