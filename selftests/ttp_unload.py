#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Every TTP socket keeps the module loaded; TIME_WAIT entries do not, and
go with the module, nor do segments GRO holds. Unloading leaves nothing
behind (on the debug kernel, kmemleak checks that after the run)."""

import json
import os
import re
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ttplib import (ACK, IPPROTO_TTP, Netns, Suite, guard, Topology, check, csum,  # noqa: E402
                    expect_gauges, require_module, run, segment, skip_all, wait_for)

SOL_PACKET, PACKET_VNET_HDR = 263, 15


def rmmod():
    return subprocess.run(["rmmod", "ttp"], capture_output=True, text=True)


def users():
    with open("/sys/module/ttp/refcnt") as f:
        return int(f.read())


def wait_unused():
    """Sockets earlier tests closed may still be finishing (FIN_WAIT_2,
    LAST_ACK in namespaces on their way out): each holds the module."""
    wait_for(lambda: users() == 0, 300, "earlier tests' sockets to finish")


def reload():
    check(subprocess.run(["insmod", os.environ["TTP_MODULE"]]).returncode == 0,
          "insmod failed")


def busy_while_socket(family):
    ns = Netns()
    s = ns.socket(family)
    r = rmmod()
    check(r.returncode != 0 and os.path.exists("/sys/module/ttp"),
          "rmmod succeeded with a socket open")
    check("in use" in r.stderr or "busy" in r.stderr.lower(),
          "rmmod said: %r" % r.stderr)
    s.close()
    ns.delete()


def unload_with_time_wait():
    """Connections closed into TIME_WAIT in several namespaces, with
    namespaces still alive: the module unloads, the entries go with it."""
    topos = [Topology(socket.AF_INET, True), Topology(socket.AF_INET6, False)]
    for t in topos:
        for ns in t.namespaces():
            ns.set(msl_ms=600000, msl_local_ms=600000)
        lsn, c, s = t.pair()
        c.close()
        # The server closes once the client's FIN is in: closing both at
        # once is a simultaneous close when the FIN is still on its way
        # (a loaded guest's softirq), and both ends keep TIME_WAIT.
        wait_for(lambda s=s: s.recv(1) == b"", 60, "the client's FIN")
        s.close()
        lsn.close()
        expect_gauges(t, {"TIME_WAIT": 1})
    wait_unused()
    r = rmmod()
    check(r.returncode == 0, "rmmod with TIME_WAIT entries: %s" % r.stderr)
    check(not os.path.exists("/sys/module/ttp"), "module still there")
    reload()
    for t in topos:
        expect_gauges(t, {})
        t.close()


def unload_under_gro():
    """The module unloads while GRO holds merged segments of ours: data
    segments (raw, to no socket) cross a veth whose receiving end runs
    GRO with a gro_flush_timeout of 1 s, and stop: the last aggregate is
    held until the timeout. Twice over, rmmod then, and insmod only after
    the timeout has passed: an aggregate completed without our
    gro_complete is a WARN in the IP layer (the run's kernel log check),
    which unloading's wait for the aggregates held prevents
    (module/offload.c)."""
    client, server = Netns("gro"), Netns("gro")
    try:
        run("ip", "link", "add", "gua", "netns", client.name, "mtu", "9000", "type", "veth",
            "peer", "name", "gub", "netns", server.name, "mtu", "9000")
        for ns, dev, host in ((client, "gua", 1), (server, "gub", 2)):
            ns.ip_batch(("addr", "add", "10.74.0.%d/24" % host, "dev", dev),
                        ("link", "set", dev, "up"))
        # veth takes the NAPI (GRO) path only from a peer without TSO.
        client.call(run, "ethtool", "-K", "gua", "tso", "off")
        server.call(run, "ethtool", "-K", "gub", "gro", "on")
        run("ip", "netns", "exec", server.name, "sh", "-c",
            "echo 1000000000 > /sys/class/net/gub/gro_flush_timeout")
        run("ip", "netns", "exec", server.name, "nft", "-f", "-", input=(
            "table inet ttp_count {\n chain c { type filter hook input priority 0;"
            " meta l4proto 253 counter; }\n}\n"))
        # A packet socket with a virtio-net header of hdr_len 54 puts the
        # payload of a frame over a page in page fragments, as a NIC's
        # driver would, which GRO merges (a linear skb it would not).
        mac = {}
        for ns, dev in ((client, "gua"), (server, "gub")):
            link = json.loads(run("ip", "-n", ns.name, "-j", "link", "show", dev).stdout)
            mac[dev] = bytes.fromhex(link[0]["address"].replace(":", ""))
        pkt = client.call(socket.socket, socket.AF_PACKET, socket.SOCK_RAW, 0)
        pkt.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
        pkt.bind(("gua", 0))
        sent = [0]

        def flood(count):
            seq, ipid, payload = 1, 0, b"g" * 5000
            eth = mac["gub"] + mac["gua"] + struct.pack("!H", 0x0800)
            vnet = struct.pack("<BBHHHH", 0, 0, 14 + 20 + 20, 0, 0, 0)
            while count:
                ttp = segment(socket.AF_INET, "10.74.0.1", "10.74.0.2", 40000, 40001, seq, 1,
                              ACK, payload=payload)
                ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(ttp), ipid, 0x4000, 64,
                                 IPPROTO_TTP, 0, socket.inet_aton("10.74.0.1"),
                                 socket.inet_aton("10.74.0.2"))
                ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
                pkt.send(vnet + eth + ip + ttp)
                seq = (seq + len(payload)) & 0xffffffff
                ipid = (ipid + 1) & 0xffff
                sent[0] += 1
                count -= 1
        # First 2000, counted as they come in: GRO merges them.
        flood(2000)
        time.sleep(1.5)
        out = run("ip", "netns", "exec", server.name, "nft", "list", "table", "inet",
                  "ttp_count").stdout
        received = int(re.search(r"counter packets (\d+)", out).group(1))
        print("# %d segments came in %d packets" % (sent[0], received))
        check(0 < received < sent[0] // 2,
              "%d packets came in for %d segments sent: not merged" % (received, sent[0]))
        for _ in range(2):
            wait_unused()
            flood(200)
            r = rmmod()
            check(r.returncode == 0, "rmmod under GRO: %s" % r.stderr)
            time.sleep(1.5)
            reload()
        pkt.close()
    finally:
        client.delete()
        server.delete()


def main():
    require_module()
    if not os.environ.get("TTP_MODULE"):
        skip_all("set TTP_MODULE to the module's path to test unloading")
    suite = Suite()
    suite.case("rmmod refused while an IPv4 socket exists", busy_while_socket, socket.AF_INET)
    suite.case("rmmod refused while an IPv6 socket exists", busy_while_socket, socket.AF_INET6)
    suite.case("rmmod after close, with TIME_WAIT entries in two namespaces",
               unload_with_time_wait)
    suite.case("rmmod while GRO holds segments of ours", unload_under_gro)
    suite.run()


guard(main)
