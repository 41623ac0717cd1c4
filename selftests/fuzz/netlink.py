#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ttp-fuzz-netlink: random requests to the "ttp" generic netlink family of
the namespace it runs in: its commands and unknown ones, any version and
flags, attributes of every type and a few past the last, lengths that are
right, short, long or lying, nesting three deep, and strings learnt from
the family's own replies (parameter and counter names) so that requests get
past the first lookup. Now and then it joins or leaves the family's
multicast groups, so events are sent while requests are handled.

Usage: netlink.py [-n COUNT] [-t SECONDS] [-s SEED]

Prints the seed and what came back: how many requests were answered by
each errno, how many dumps ran to their end. Exit status 1 if a reply was
malformed."""

import argparse
import errno
import os
import random
import select
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MAXATTR = 1, 2, 5
CTRL_ATTR_OPS, CTRL_ATTR_MCAST_GROUPS = 6, 7
CTRL_ATTR_OP_ID = 1
CTRL_ATTR_MCAST_GRP_ID = 2
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK = 0x1, 0x2, 0x4
NLM_F_DUMP = 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLA_F_NESTED, NLA_F_NET_BYTEORDER = 0x8000, 0x4000
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP, NETLINK_DROP_MEMBERSHIP, NETLINK_EXT_ACK = 1, 2, 11


class Malformed(Exception):
    pass


def attrs(data):
    """(type, payload) of each attribute in DATA."""
    out = []
    while len(data) >= 4:
        length, kind = struct.unpack_from("=HH", data)
        if length < 4 or length > len(data):
            raise Malformed("attribute of length %d in %d bytes" % (length, len(data)))
        out.append((kind & 0x3fff, data[4:length]))
        data = data[(length + 3) & ~3:]
    return out


def messages(data):
    """(type, flags, seq, payload) of each netlink message in DATA."""
    out = []
    while len(data) >= 16:
        length, kind, flags, seq, _ = struct.unpack_from("=IHHII", data)
        if length < 16 or length > len(data):
            raise Malformed("message of length %d in %d bytes" % (length, len(data)))
        out.append((kind, flags, seq, data[16:length]))
        data = data[(length + 3) & ~3:]
    return out


def nla(kind, payload):
    pad = (4 - len(payload) % 4) % 4
    return struct.pack("=HH", 4 + len(payload), kind) + payload + b"\0" * pad


class Fuzzer:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.bind((0, 0))
        self.seq = 0
        self.strings = {b"ttp"}
        self.answers = {}
        self.resolve()

    def request(self, kind, flags, cmd, version, body):
        self.seq += 1
        payload = struct.pack("=BBH", cmd, version, 0) + body
        msg = struct.pack("=IHHII", 16 + len(payload), kind, flags, self.seq, 0) + payload
        self.sock.send(msg)
        return self.seq

    def resolve(self):
        """The family's id, its commands, its last attribute, its groups."""
        self.request(GENL_ID_CTRL, NLM_F_REQUEST, CTRL_CMD_GETFAMILY, 1,
                     nla(CTRL_ATTR_FAMILY_NAME, b"ttp\0"))
        for kind, _, _, payload in messages(self.sock.recv(65536)):
            if kind == NLMSG_ERROR:
                code = struct.unpack_from("=i", payload)[0]
                sys.exit("ttp-fuzz-netlink: no \"ttp\" family: %s" % os.strerror(-code))
            found = dict(attrs(payload[4:]))
        self.family = struct.unpack("=H", found[CTRL_ATTR_FAMILY_ID][:2])[0]
        self.maxattr = struct.unpack("=I", found[CTRL_ATTR_MAXATTR])[0]
        self.cmds = [struct.unpack("=I", dict(attrs(op))[CTRL_ATTR_OP_ID])[0]
                     for _, op in attrs(found[CTRL_ATTR_OPS])]
        self.groups = [struct.unpack("=I", dict(attrs(g))[CTRL_ATTR_MCAST_GRP_ID])[0]
                       for _, g in attrs(found.get(CTRL_ATTR_MCAST_GROUPS, b""))]

    def learn(self, data, depth=0):
        """Printable strings in a reply: names the family knows."""
        try:
            found = attrs(data)
        except Malformed:
            return
        for _, payload in found:
            text = payload[:-1]
            if len(payload) > 1 and payload.endswith(b"\0") and \
                    all(32 <= c < 127 for c in text):
                self.strings.add(text)
            elif depth < 3:
                self.learn(payload, depth + 1)

    def value(self, depth):
        r = self.rng
        pick = r.randrange(10)
        if pick == 0:
            return bytes(r.randrange(256) for _ in range(r.randrange(70)))
        if pick == 1:
            return struct.pack("=B", r.choice([0, 1, 2, 0x7f, 0xff]))
        if pick == 2:
            return struct.pack("=H", r.choice([0, 1, 0xffff, r.randrange(65536)]))
        if pick in (3, 4):
            return struct.pack("=I", r.choice([0, 1, 2, 1000, 600000, 600001, 0x7fffffff,
                                               0xffffffff, r.randrange(1 << 32)]))
        if pick == 5:
            return struct.pack("=Q", r.choice([0, 1, 1 << 32, (1 << 64) - 1,
                                               r.randrange(1 << 64)]))
        if pick in (6, 7):
            s = r.choice(sorted(self.strings))
            mangle = r.randrange(6)
            if mangle == 0:
                return s                         # no terminating NUL
            if mangle == 1:
                return s + b"\0" + s             # something after it
            if mangle == 2:
                return (s * 20)[:r.randrange(1, 120)] + b"\0"   # too long
            return s + b"\0"
        if depth < 3:
            return self.attributes(depth + 1)
        return b""

    def attributes(self, depth=0):
        r = self.rng
        out = b""
        for _ in range(r.randrange(6 if depth else 9)):
            kind = r.randrange(self.maxattr + 4)
            if r.randrange(8) == 0:
                kind |= r.choice([NLA_F_NESTED, NLA_F_NET_BYTEORDER])
            payload = self.value(depth)
            a = nla(kind, payload)
            lie = r.randrange(24)
            if lie == 0:        # claims more than it has
                a = struct.pack("=H", len(a) + r.randrange(1, 64)) + a[2:]
            elif lie == 1:      # claims less than a header
                a = struct.pack("=H", r.randrange(4)) + a[2:]
            elif lie == 2:      # cut off mid-way
                a = a[:r.randrange(len(a))]
            out += a
        return out

    def membership(self):
        if not self.groups:
            return
        group = self.rng.choice(self.groups)
        how = self.rng.choice([NETLINK_ADD_MEMBERSHIP, NETLINK_DROP_MEMBERSHIP])
        try:
            self.sock.setsockopt(SOL_NETLINK, how, group)
        except OSError as e:
            self.count("membership " + errno.errorcode.get(e.errno, str(e.errno)))

    def count(self, what):
        self.answers[what] = self.answers.get(what, 0) + 1

    def one(self):
        r = self.rng
        if r.randrange(50) == 0:
            self.membership()
        cmd = r.choice(self.cmds) if r.randrange(5) else r.randrange(256)
        flags = NLM_F_REQUEST | r.choice([0, NLM_F_ACK, NLM_F_ACK, NLM_F_DUMP,
                                          NLM_F_DUMP | NLM_F_ACK, r.randrange(0x1000)])
        version = 1 if r.randrange(4) else r.randrange(256)
        seq = self.request(self.family, flags, cmd, version, self.attributes())
        self.await_answer(seq, flags)

    def await_answer(self, seq, flags):
        """Read until the request's ack, error, reply or dump end. Generic
        netlink answers within send() (and a dump's next part within
        recv()), so a request that asked for no ack and got nothing queued
        at once gets nothing. Events (sequence 0) pass by."""
        while True:
            if not select.select([self.sock], [], [], 0.01)[0]:
                self.count("quiet")
                return
            try:
                data = self.sock.recv(1 << 20)
            except OSError as e:  # ENOBUFS: the events outran us
                self.count("recv " + errno.errorcode.get(e.errno, str(e.errno)))
                continue
            for kind, mflags, mseq, payload in messages(data):
                if kind == self.family:
                    self.learn(payload[4:])
                if mseq != seq:
                    continue
                if kind == NLMSG_ERROR:
                    code = -struct.unpack_from("=i", payload)[0]
                    self.count(errno.errorcode.get(code, str(code)) if code else "ok")
                    return
                if kind == NLMSG_DONE:
                    self.count("dump done")
                    return
                if not mflags & NLM_F_MULTI and not flags & NLM_F_ACK:
                    self.count("reply")
                    return


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10000, help="requests (default 10000)")
    ap.add_argument("-t", type=float, default=0, help="stop after this many seconds")
    ap.add_argument("-s", type=int, default=None, help="seed (default: from the clock)")
    args = ap.parse_args()
    seed = args.s if args.s is not None else int(time.time() * 1000) ^ os.getpid()
    print("seed %d" % seed, flush=True)
    f = Fuzzer(seed)
    start = time.monotonic()
    sent = 0
    try:
        while sent < args.n and (not args.t or time.monotonic() - start < args.t):
            f.one()
            sent += 1
    except Malformed as e:
        print("malformed answer after %d requests: %s" % (sent, e))
        return 1
    print("sent %d requests in %.0f s, learnt %d strings; answers: %s" % (
        sent, time.monotonic() - start, len(f.strings),
        ", ".join("%s %d" % kv for kv in sorted(f.answers.items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
