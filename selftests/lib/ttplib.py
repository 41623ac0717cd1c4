# SPDX-License-Identifier: GPL-2.0
"""Helpers for TTP's Python selftests: TAP output, network namespaces,
sockets made inside them, ttpctl, checked transfers, and polling (never a
fixed sleep: emulated machines are slow and uneven). A test imports it from
selftests/lib/ (Documentation/testing.md, "Writing a test")."""

import ctypes
import fcntl
import hashlib
import json
import os
import re
import shutil
import struct
import socket
import subprocess
import sys
import threading
import time
import traceback

IPPROTO_TTP = 253
SOL_TTP = IPPROTO_TTP
# Not in Python's socket module: buffers past wmem_max/rmem_max (root).
SO_SNDBUFFORCE, SO_RCVBUFFORCE = 32, 33
# This file is selftests/lib/ttplib.py: the repository is two levels up.
_LIB = os.path.dirname(os.path.abspath(__file__))
REPO = os.environ.get("TTP_REPO") or os.path.dirname(os.path.dirname(_LIB))
TTPCTL = (os.environ.get("TTPCTL") or shutil.which("ttpctl") or
          os.path.join(REPO, "userspace", "ttpctl"))
KSFT_PASS, KSFT_FAIL, KSFT_SKIP = 0, 1, 4
CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

STATES = ["LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1",
          "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT"]


def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def pseudo(family, src, dst, length):
    if family == socket.AF_INET:
        return (socket.inet_pton(family, src) + socket.inet_pton(family, dst) +
                struct.pack("!BBH", 0, IPPROTO_TTP, length))
    return (socket.inet_pton(family, src) + socket.inet_pton(family, dst) +
            struct.pack("!I3xB", length, IPPROTO_TTP))


def segment(family, src, dst, sport, dport, seq, ack, flags, doff=5, options=b"",
            payload=b"", bad_csum=False):
    """A TTP segment, checksummed (layout: include/uapi/linux/ttp.h)."""
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags,
                      65535, 0, 0) + options
    seg = hdr + payload
    c = csum(pseudo(family, src, dst, len(seg)) + seg)
    if bad_csum:
        c ^= 0x5a5a
    return seg[:18] + struct.pack("!H", c) + seg[20:]


class Failure(Exception):
    """A check that did not hold; its message goes into the TAP output."""


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def skip_all(reason):
    print("TAP version 13")
    print("1..0 # SKIP %s" % reason)
    sys.exit(KSFT_SKIP)


def fail_all(reason):
    """The test cannot run, and that is a failure: what the project
    installs or builds is missing or broken (see lib.sh's ttp_fail_all)."""
    print("TAP version 13")
    print("1..1")
    print("not ok 1 %s" % reason)
    sys.exit(KSFT_FAIL)


def require_module():
    """A module that will not load fails the test, never skips it: after an
    earlier test's rmmod, that would hide every later failure."""
    if os.geteuid() != 0:
        skip_all("needs root")
    if not os.path.exists("/sys/module/ttp"):
        mod = os.environ.get("TTP_MODULE")
        if not (mod and subprocess.run(["insmod", mod]).returncode == 0) and \
           subprocess.run(["modprobe", "ttp"], stderr=subprocess.DEVNULL).returncode != 0:
            fail_all("ttp.ko is not loaded and cannot be loaded")
    if not os.access(TTPCTL, os.X_OK):
        fail_all("ttpctl not found (build it: make -C userspace)")


def guard(main):
    """Run a suite's MAIN. A Failure outside any case (in setting up what
    all cases share) ends the run as a failed case does: its message as
    TAP comments, and exit status 1."""
    try:
        main()
    except Failure as e:
        for line in str(e).splitlines():
            print("# " + line)
        sys.exit(1)


class _CaseOutput:
    """sys.stdout while places run side by side: what a case prints is
    kept, and printed with the case's own result, not interleaved with
    the lines of cases running beside it."""

    def __init__(self, real):
        self.real = real
        self.local = threading.local()

    def write(self, text):
        buf = getattr(self.local, "buf", None)
        if buf is None:
            return self.real.write(text)
        buf.append(text)
        return len(text)

    def flush(self):
        if getattr(self.local, "buf", None) is None:
            self.real.flush()


class Suite:
    """Run named cases, print TAP, exit with kselftest's status.

    case(..., place=NAME): the cases of one place run in the order added,
    and the places side by side, each in a thread of its own: most cases
    wait on timers (TIME_WAIT, retries, keepalive), and places are
    separate namespaces, so a test takes as long as its slowest place.
    Results print in the order the cases were added."""

    def __init__(self):
        self.cases = []

    def case(self, desc, fn, *args, place=None, **kwargs):
        self.cases.append((desc, fn, args, kwargs, place))

    @staticmethod
    def _one(fn, args, kwargs):
        """Run a case: (passed, its diagnostics, seconds)."""
        start = time.monotonic()
        lines = []
        try:
            fn(*args, **kwargs)
            passed = True
        except Failure as e:
            passed, lines = False, str(e).splitlines()
        except Exception:
            passed, lines = False, traceback.format_exc().splitlines()
        return passed, lines, time.monotonic() - start

    def _side_by_side(self):
        """Yield (passed, diagnostics, seconds, printed) per case, in order,
        each place's cases run in a thread of their own."""
        out = _CaseOutput(sys.stdout)
        results = [None] * len(self.cases)
        done = [threading.Event() for _ in self.cases]
        places = {}
        for n, c in enumerate(self.cases):
            places.setdefault(c[4], []).append(n)

        def place(numbers):
            for n in numbers:
                out.local.buf = []
                _, fn, args, kwargs, _ = self.cases[n]
                try:
                    result = self._one(fn, args, kwargs)
                except BaseException:  # sys.exit() in a thread: the case failed
                    result = (False, traceback.format_exc().splitlines(), 0)
                results[n] = result + ("".join(out.local.buf),)
                out.local.buf = None
                done[n].set()
        sys.stdout = out
        try:
            for numbers in places.values():
                threading.Thread(target=place, args=(numbers,), daemon=True).start()
            for n in range(len(self.cases)):
                done[n].wait()
                yield results[n]
        finally:
            sys.stdout = out.real

    def _in_turn(self):
        for _, fn, args, kwargs, _ in self.cases:
            yield self._one(fn, args, kwargs) + ("",)

    def run(self):
        print("TAP version 13")
        print("1..%d" % len(self.cases))
        sys.stdout.flush()
        failed = 0
        side_by_side = len({c[4] for c in self.cases}) > 1
        results = self._side_by_side() if side_by_side else self._in_turn()
        for n, (passed, lines, took, printed) in enumerate(results, 1):
            desc = self.cases[n - 1][0]
            sys.stdout.write(printed)
            for line in lines:
                print("# " + line)
            print("%s %d %s" % ("ok" if passed else "not ok", n, desc))
            failed += not passed
            if took > 20:
                print("# (%s took %.0f s)" % (desc, took))
            sys.stdout.flush()
        cleanup_all()
        sys.exit(KSFT_FAIL if failed else KSFT_PASS)


def on_debug_kernel():
    """True on the runner's debug kernel (KASAN, lockdep, kmemleak, KUnit;
    about ten times slower per byte), where tests scale their work down.
    selftests/vm/run names the kernel in TTP_KVER (lib.sh's twin:
    ttp_on_debug_kernel)."""
    return os.environ.get("TTP_KVER") == "debug"


def scaled(full, debug):
    """How much of a bulk workload (bytes, segments, requests) a test does
    where it runs: FULL on Debian's 6.12 and outside the runner, a quarter
    of it on 6.1 and 7.3, DEBUG on the debug kernel. The module's code is
    the same on every kernel and a quarter still takes each path many
    times; what differs between 6.1, 6.12 and 7.3 is the kernel beneath,
    which the first segments reach as surely as the last. 6.12 keeps the
    full size: it is the debug kernel's source."""
    if on_debug_kernel():
        return debug
    if os.environ.get("TTP_KVER", "6.12") == "6.12":
        return full
    return max(debug, full // 4)


def wait_for(cond, timeout=60, what="condition"):
    """Poll COND until it returns something true; return it."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise Failure("timed out after %d s waiting for %s" % (timeout, what))
        time.sleep(0.05)


def run(*cmd, check_rc=True, input=None):
    p = subprocess.run(cmd, capture_output=True, text=True, input=input)
    if check_rc and p.returncode != 0:
        raise Failure("%s: exit %d: %s%s" % (" ".join(cmd), p.returncode, p.stdout, p.stderr))
    return p


_namespaces = []


def netns_call(name, fn, *args, **kwargs):
    """Run FN inside the network namespace NAME (made by ip netns; in a
    thread of its own); sockets it makes stay in the namespace wherever
    they are used later."""
    result = {}

    def body():
        try:
            fd = os.open("/run/netns/" + name, os.O_RDONLY)
            try:
                if _libc.setns(fd, CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "setns")
            finally:
                os.close(fd)
            result["value"] = fn(*args, **kwargs)
        except BaseException as e:  # handed to the caller
            result["error"] = e
    t = threading.Thread(target=body)
    t.start()
    t.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def link_up(dev):
    """Set DEV up in the caller's network namespace, as `ip link set DEV
    up` does, without starting a process."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        ifr = struct.pack("16sH22x", dev.encode(), 0)
        flags = struct.unpack_from("16sH", fcntl.ioctl(s, SIOCGIFFLAGS, ifr))[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH22x", dev.encode(), flags | IFF_UP))


def ip_packet(family, src, dst, payload):
    """An IPv4 or IPv6 packet carrying PAYLOAD as TTP, for raw sending."""
    a, b = socket.inet_pton(family, src), socket.inet_pton(family, dst)
    if family == socket.AF_INET:
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64,
                          IPPROTO_TTP, 0, a, b)
        return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), IPPROTO_TTP, 64, a, b) + payload


def neighbour_mac(netns, dev, addr, timeout=10):
    """The link address of ADDR on DEV, as seen from NETNS (resolving it
    first if need be, with a datagram to the discard port)."""
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET

    def prime():
        with socket.socket(family, socket.SOCK_DGRAM) as u:
            u.sendto(b"", (addr, 9))
    deadline = time.monotonic() + timeout
    while True:
        out = run("ip", "-n", netns, "-j", "neigh", "show", addr, "dev", dev).stdout
        entries = [e for e in json.loads(out or "[]") if e.get("lladdr")]
        if entries and entries[0].get("state", ["REACHABLE"])[0] not in ("INCOMPLETE", "FAILED"):
            return bytes.fromhex(entries[0]["lladdr"].replace(":", ""))
        if time.monotonic() > deadline:
            raise Failure("no link address for %s on %s" % (addr, dev))
        netns_call(netns, prime)
        time.sleep(0.1)


class SynFlood:
    """COUNT SYNs to DST PORT from addresses on DEV's link that nobody owns
    (DST's /24 or /64, hosts 100 and up), as Ethernet frames from NETNS:
    their SYN-ACKs go nowhere, as in a real SYN flood. Each is the
    FIRST+i-th of a series, every one its own 4-tuple. The frames are
    built once, so that a flood sent again and again (send()) comes as
    fast on a slow guest as on a quick one."""

    def __init__(self, netns, dev, dst, port, count, first=0):
        family = socket.AF_INET6 if ":" in dst else socket.AF_INET
        self.ethertype = 0x86dd if family == socket.AF_INET6 else 0x0800
        self.dev = dev
        self.mac = neighbour_mac(netns, dev, dst)
        net = socket.inet_pton(family, dst)
        mss = bytes([2, 4]) + struct.pack("!H", 1400)
        self.frames = []
        for i in range(first, first + count):
            if family == socket.AF_INET:
                src = socket.inet_ntop(family, net[:3] + bytes([100 + i % 100]))
            else:
                src = socket.inet_ntop(family, net[:8] + struct.pack("!Q", 0x100 + i))
            seg = segment(family, src, dst, 20000 + i, port, (i * 2654435761) & 0xffffffff,
                          0, SYN, doff=6, options=mss)
            self.frames.append(ip_packet(family, src, dst, seg))
        # Protocol 0: a socket that only sends (with a protocol it would
        # also take a copy of every packet of that type the namespace gets).
        self.sock = netns_call(netns, socket.socket, socket.AF_PACKET, socket.SOCK_DGRAM, 0)

    def send(self, first=0, count=None):
        """The frames from the FIRST-th, COUNT of them (all by default)."""
        for frame in self.frames[first:None if count is None else first + count]:
            self.sock.sendto(frame, (self.dev, self.ethertype, 0, 0, self.mac))

    def close(self):
        self.sock.close()


def spoofed_syns(netns, dev, dst, port, count, first=0):
    """SynFlood's COUNT SYNs, sent once."""
    flood = SynFlood(netns, dev, dst, port, count, first)
    try:
        flood.send()
    finally:
        flood.close()


def uapi_enums():
    """Every enumerator and numeric define of include/uapi/linux/ttp.h,
    by name: the one source of the wire's numbers."""
    text = open(os.path.join(REPO, "include", "uapi", "linux", "ttp.h")).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    defines = re.findall(r"#define\s+(TTP_\w+)\s+(\d+)\s*$", text, flags=re.M)
    values = {name: int(v) for name, v in defines}
    for body in re.findall(r"enum\s+\w+\s*\{(.*?)\}", text, flags=re.S):
        n = 0
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            name, _, expr = item.partition("=")
            if expr.strip():
                n = eval(expr.strip(), {}, values)
            values[name.strip()] = n
            n += 1
    return values


class StatsReader:
    """TTP_CMD_STATS_GET over generic netlink from this process, on a
    socket made in one namespace: what `ttpctl -j stats` prints, without a
    program started per poll (tens of them a second would keep a slow
    guest's CPU busy, and with it the host's); and TTP_CMD_PARAM_SET, for
    the same reason (a process start costs the debug guest a third of a
    second of CPU, and the suite sets parameters thousands of times)."""
    NLM_F_REQUEST, NLM_F_ACK, NLMSG_ERROR = 1, 4, 2
    NLA_F_NESTED = 0x8000
    # An error's extack message (as ttpctl prints it): NETLINK_EXT_ACK,
    # and NETLINK_CAP_ACK so that it follows the request's header alone.
    SOL_NETLINK, NETLINK_CAP_ACK, NETLINK_EXT_ACK = 270, 10, 11
    NLM_F_CAPPED, NLM_F_ACK_TLVS, NLMSGERR_ATTR_MSG = 0x100, 0x200, 1
    GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
    CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
    _enums = None

    def __init__(self, netns_name):
        if StatsReader._enums is None:
            StatsReader._enums = uapi_enums()
        self.lock = threading.Lock()
        self.seq = 0
        self.sock = netns_call(netns_name, socket.socket, socket.AF_NETLINK,
                               socket.SOCK_RAW, 16)
        for opt in (self.NETLINK_CAP_ACK, self.NETLINK_EXT_ACK):
            self.sock.setsockopt(self.SOL_NETLINK, opt, 1)
        self.sock.bind((0, 0))

    @staticmethod
    def attr(kind, payload):
        n = 4 + len(payload)
        return struct.pack("=HH", n, kind) + payload + b"\0" * (-n % 4)

    @staticmethod
    def attrs(data):
        """{type: [payload, ...]} of a run of attributes."""
        out = {}
        while len(data) >= 4:
            n, kind = struct.unpack_from("=HH", data)
            out.setdefault(kind & 0x3fff, []).append(data[4:n])
            data = data[(n + 3) & ~3:]
        return out

    def request(self, family, cmd, version, payload=b"", ack=False):
        """Send a request; its reply's attributes, or with ACK, None once
        the kernel acknowledged it."""
        with self.lock:
            self.seq += 1
            body = struct.pack("=BBH", cmd, version, 0) + payload
            flags = self.NLM_F_REQUEST | (self.NLM_F_ACK if ack else 0)
            self.sock.send(struct.pack("=IHHII", 16 + len(body), family,
                                       flags, self.seq, 0) + body)
            while True:
                msg = self.sock.recv(1 << 16)
                n, kind, flags, seq, _ = struct.unpack_from("=IHHII", msg)
                if seq != self.seq:
                    continue
                if kind == self.NLMSG_ERROR:
                    err = struct.unpack_from("=i", msg, 16)[0]
                    if err == 0 and ack:
                        return None
                    raise Failure("generic netlink request %d: %s" % (
                        cmd, self.error_text(msg[:n], flags, err)))
                if not ack:
                    return self.attrs(msg[20:n])

    def error_text(self, msg, flags, err):
        """An error as ttpctl prints it: the errno's text, and the
        kernel's extack message (it names the attribute) if there is one."""
        text = os.strerror(-err)
        if flags & self.NLM_F_ACK_TLVS:
            request_len = 16 if flags & self.NLM_F_CAPPED else \
                (struct.unpack_from("=I", msg, 20)[0] + 3) & ~3
            tlvs = self.attrs(msg[20 + request_len:])
            if self.NLMSGERR_ATTR_MSG in tlvs:
                text += ": " + tlvs[self.NLMSGERR_ATTR_MSG][0].rstrip(b"\0").decode()
        return text

    def family(self):
        # The family's id, each time: a test may reload the module.
        ctrl = self.request(self.GENL_ID_CTRL, self.CTRL_CMD_GETFAMILY, 1,
                            self.attr(self.CTRL_ATTR_FAMILY_NAME, b"ttp\0"))
        return struct.unpack("=H", ctrl[self.CTRL_ATTR_FAMILY_ID][0])[0]

    def param_set(self, params):
        """TTP_CMD_PARAM_SET of {name: number}, all or nothing, as
        `ttpctl param set` sends it."""
        e = self._enums
        payload = b"".join(
            self.attr(e["TTP_A_PARAM"] | self.NLA_F_NESTED,
                      self.attr(e["TTP_PARAM_A_NAME"], name.encode() + b"\0") +
                      self.attr(e["TTP_PARAM_A_VALUE"], struct.pack("=Q", value)))
            for name, value in params.items())
        self.request(self.family(), e["TTP_CMD_PARAM_SET"], e["TTP_GENL_VERSION"], payload,
                     ack=True)

    def stats(self):
        e = self._enums
        top = self.request(self.family(), e["TTP_CMD_STATS_GET"], e["TTP_GENL_VERSION"])

        def u64(a, kind):
            return struct.unpack("=Q", a[kind][0])[0]
        states, counters = {}, {}
        for nest in top.get(e["TTP_A_STATE"], []):
            a = self.attrs(nest)
            states[a[e["TTP_STATE_A_NAME"]][0].rstrip(b"\0").decode()] = {
                "now": u64(a, e["TTP_STATE_A_CURRENT"]),
                "entered": u64(a, e["TTP_STATE_A_ENTERED"])}
        for nest in top.get(e["TTP_A_COUNTER"], []):
            a = self.attrs(nest)
            counters[a[e["TTP_COUNTER_A_NAME"]][0].rstrip(b"\0").decode()] = \
                u64(a, e["TTP_COUNTER_A_VALUE"])
        a = self.attrs(top[e["TTP_A_MEMORY"]][0])
        memory = {"pages": u64(a, e["TTP_MEMORY_A_PAGES"]),
                  "pressure": a[e["TTP_MEMORY_A_PRESSURE"]][0][0]}
        return {"states": states, "counters": counters, "memory": memory}

    def close(self):
        self.sock.close()


class Netns:
    """A network namespace made for a test, deleted at the end."""
    made = 0
    # Suites make namespaces from several threads at once (ttp_lossy):
    # two that read the count between the same two increments collided.
    _lock = threading.Lock()

    def __init__(self, prefix="ttp"):
        with Netns._lock:
            Netns.made += 1
            self.number = Netns.made
        self.name = "%s-%d-%d" % (prefix, os.getpid(), self.number)
        run("ip", "netns", "add", self.name)
        # Loopback up from here: a process start costs the debug guest a
        # third of a second of CPU, and the suite makes hundreds of these.
        self.call(link_up, "lo")
        self._stats = None
        _namespaces.append(self)

    def delete(self):
        if self._stats:
            self._stats.close()
            self._stats = None
        run("ip", "netns", "del", self.name, check_rc=False)
        if self in _namespaces:
            _namespaces.remove(self)

    def call(self, fn, *args, **kwargs):
        return netns_call(self.name, fn, *args, **kwargs)

    def sysctl(self, name, value=None):
        """Read NAME (such as net.ipv4.ip_forward) in this namespace, or
        write VALUE to it: through /proc/sys from a thread in the
        namespace, not a process."""
        path = "/proc/sys/" + name.replace(".", "/")

        def access():
            if value is None:
                with open(path) as f:
                    return " ".join(f.read().split())
            with open(path, "w") as f:
                f.write(str(value))
        return self.call(access)

    def socket(self, family, blocking=True):
        s = self.call(socket.socket, family, socket.SOCK_STREAM, IPPROTO_TTP)
        s.setblocking(blocking)
        return s

    def ip(self, *args):
        return run("ip", "-n", self.name, *args)

    def one_segment_per_skb(self, dev):
        """DEV's skbs one wire packet each (gso_max_segs 1), as a real
        link carries them: veth passes a sender's 64 KiB skbs whole, and
        netem loses, duplicates and reorders whole skbs."""
        self.ip("link", "set", "dev", dev, "gso_max_segs", "1")

    def ip_batch(self, *commands):
        """Several ip commands (each a tuple of words) in one ip process."""
        return run("ip", "-n", self.name, "-batch", "-",
                   input="".join(" ".join(c) + "\n" for c in commands))

    def ttpctl(self, *args, check_rc=True):
        return run(TTPCTL, "-n", self.name, *args, check_rc=check_rc)

    def set(self, **params):
        """Set parameters in this namespace (numbers: from this process;
        anything else, such as "5s", through ttpctl's parser)."""
        if all(isinstance(v, int) and v >= 0 for v in params.values()):
            self.reader().param_set(params)
        else:
            self.ttpctl("param", "set", *["%s=%s" % kv for kv in params.items()])

    def reader(self):
        if not self._stats:
            self._stats = StatsReader(self.name)
        return self._stats

    def stats(self):
        """What `ttpctl -j stats` prints (ttp_stats.sh and ttp_ttpctl.sh
        show the two agree), read from this process."""
        return self.reader().stats()

    def gauges(self):
        return {s: v["now"] for s, v in self.stats()["states"].items()}

    def counter(self, name):
        return self.stats()["counters"][name]

    def counters(self):
        return self.stats()["counters"]


def cleanup_all():
    for ns in list(_namespaces):
        ns.delete()


class Topology:
    """Where a test's client and server live, and how they reach each other:
    IPv4 or IPv6, over loopback (one namespace) or a veth pair between two."""

    def __init__(self, family, veth):
        self.family = family
        self.veth = veth
        self.name = "%s-%s" % ("v4" if family == socket.AF_INET else "v6",
                               "veth" if veth else "lo")
        self.server_ns = Netns()
        if veth:
            self.client_ns = Netns()
            a, b = self.client_ns.name, self.server_ns.name
            dev = "ttpv%d" % self.client_ns.number
            macs = ("02:00:00:00:99:01", "02:00:00:00:99:02")
            run("ip", "link", "add", dev + "a", "address", macs[0], "netns", a,
                "type", "veth", "peer", "name", dev + "b", "address", macs[1], "netns", b)
            for ns, d, v4, v6, peer in (
                    (self.client_ns, dev + "a", "10.99.0.1", "fd99::1", (macs[1], "2")),
                    (self.server_ns, dev + "b", "10.99.0.2", "fd99::2", (macs[0], "1"))):
                # Permanent neighbours: address resolution through a
                # lossy qdisc can fail, and a connect then ends in
                # EHOSTUNREACH before TTP has anything to do with it.
                ns.ip_batch(("addr", "add", v4 + "/24", "dev", d),
                            ("addr", "add", v6 + "/64", "dev", d, "nodad"),
                            ("link", "set", d, "up"),
                            *(("neigh", "replace", addr, "lladdr", peer[0], "dev", d,
                               "nud", "permanent")
                              for addr in ("10.99.0." + peer[1], "fd99::" + peer[1])))
            self.dev_client, self.dev_server = dev + "a", dev + "b"
            self.server_addr = "10.99.0.2" if family == socket.AF_INET else "fd99::2"
            self.client_addr = "10.99.0.1" if family == socket.AF_INET else "fd99::1"
        else:
            self.client_ns = self.server_ns
            self.server_addr = self.client_addr = \
                "127.0.0.1" if family == socket.AF_INET else "::1"
        for ns in self.namespaces():
            # Short TIME_WAIT, so a test's leftovers go quickly.
            ns.set(msl_ms=1000, msl_local_ms=1000)

    def namespaces(self):
        return [self.server_ns] if not self.veth else [self.client_ns, self.server_ns]

    def listen(self, port=0, backlog=128, blocking=True):
        s = self.server_ns.socket(self.family, blocking)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((self.server_addr, port))
        s.listen(backlog)
        return s

    def connect(self, port, timeout=60):
        s = self.client_ns.socket(self.family)
        s.settimeout(timeout)
        s.connect((self.server_addr, port))
        return s

    def pair(self, timeout=60, greet=False):
        """A listener and one connected pair (client, server side).
        GREET: the client sends a byte first, which the server reads. On
        a lossy path the handshake's last ACK and every repeat of it may
        be lost (at 20% loss each way, about one handshake in 450 with
        six SYN-ACKs): as with TCP, the server's request then times out
        while the client sits established, and accept() waits on. Data
        completes the handshake as that ACK would, and is sent again
        until it is acknowledged."""
        lsn = self.listen()
        c = self.connect(lsn.getsockname()[1], timeout)
        if greet:
            c.sendall(b"g")
        lsn.settimeout(timeout)
        s, _ = lsn.accept()
        s.settimeout(timeout)
        if greet:
            check(s.recv(1) == b"g", "the client's first byte did not arrive")
        return lsn, c, s

    def gauges(self):
        """The states of every namespace involved, summed."""
        total = {st: 0 for st in STATES}
        for ns in self.namespaces():
            for st, v in ns.gauges().items():
                total[st] += v
        return total

    def counter(self, name):
        return sum(ns.counter(name) for ns in self.namespaces())

    def close(self):
        for ns in self.namespaces():
            ns.delete()


def topologies():
    """The four places every transport test runs; on the debug kernel two,
    IPv4 over loopback and IPv6 over a veth pair: each family's code and
    each kind of link still meet KASAN and lockdep in every case, and the
    debug suite, several times slower per case, takes half the time."""
    if on_debug_kernel():
        return [(socket.AF_INET, False), (socket.AF_INET6, True)]
    return [(socket.AF_INET, False), (socket.AF_INET6, False),
            (socket.AF_INET, True), (socket.AF_INET6, True)]


def families(debug):
    """The address families a test's cases run over: both; on the debug
    kernel DEBUG only, the tests taking turns (as ttp_packets.sh's scripts
    do), so that each family's code still meets KASAN and lockdep while
    the debug suite takes half the time."""
    return (debug,) if on_debug_kernel() else (socket.AF_INET, socket.AF_INET6)


def named_topologies():
    """(name, family, veth, topo) for each of topologies(), NAME as "v4-lo"
    and TOPO() making the Topology on first use, once: the cases of one
    place share it, and a place no case uses costs nothing."""
    for family, veth in topologies():
        box = {}

        def topo(box=box, family=family, veth=veth):
            if "t" not in box:
                box["t"] = Topology(family, veth)
            return box["t"]
        name = "%s-%s" % ("v4" if family == socket.AF_INET else "v6", "veth" if veth else "lo")
        yield name, family, veth, topo


def expect_gauges(topo, expected, timeout=60):
    """Wait until the gauges equal EXPECTED (a census: every state not
    named must be 0)."""
    want = {st: expected.get(st, 0) for st in STATES}
    last = {}

    def same():
        last.update(topo.gauges())
        return last == want
    try:
        wait_for(same, timeout, "the gauges to match the census")
    except Failure:
        diff = {st: (last.get(st), want[st]) for st in STATES if last.get(st) != want[st]}
        raise Failure("gauges do not match the census (state: (gauge, census)): %s" % diff)


def _blocks(data):
    """DATA's blocks: DATA itself, or what the function DATA returns."""
    return data() if callable(data) else (data,)


def transfer(a, b, ab, ba=None, names=("client", "server"), timeout=None, chunk=None,
             read_size=1 << 16, pause=None):
    """A checked transfer between connected sockets A and B: AB written to
    A and read from B and, at the same time, BA the other way (None: one
    way only). Each writer shuts down its sending side when it is done;
    each reader reads to EOF, hashing. Fails unless every direction
    delivered exactly what was sent, by byte count and SHA-256, naming the
    direction ("client to server: ..."), or if a send or recv failed.
    Returns the seconds it took.

    B None: A's peer is elsewhere (another machine, whose own transfer()
    runs the other way round): A only writes AB, and reads BA and checks it.
    AB, BA: bytes-like, or a function returning the blocks one after the
    other (a stream too large to hold twice).
    NAMES: A's and B's names in what a failure says.
    TIMEOUT: seconds for the whole transfer; past it both sockets are shut
    down and it fails (None: the sockets' own timeouts bound it).
    CHUNK: write in pieces of this many bytes (None: a block in one
    sendall()). READ_SIZE: the bytes asked of each recv().
    PAUSE: (AFTER, FN): B, once it has read AFTER bytes of AB, calls FN
    before reading on (a reader that stalls); a Failure from FN is the
    transfer's, which B ends with a reset."""
    flows = [("%s to %s" % (names[0], names[1]), a, b, ab, pause)]
    if ba is not None:
        flows.append(("%s to %s" % (names[1], names[0]), b, a, ba, None))
    errors, arrived = [], {}

    def send(name, sock, data):
        try:
            for block in _blocks(data):
                view = memoryview(block)
                step = chunk or len(view) or 1
                for off in range(0, len(view), step):
                    sock.sendall(view[off:off + step])
            sock.shutdown(socket.SHUT_WR)
        except OSError as e:
            errors.append("%s: send: %s" % (name, e))
        except Exception:
            errors.append("%s: send: %s" % (name, traceback.format_exc()))

    def receive(name, sock, pause):
        h, got = hashlib.sha256(), 0
        buf = bytearray(read_size)
        try:
            while True:
                if pause and got >= pause[0]:
                    try:
                        pause[1]()
                    except Failure as e:
                        # End the exchange now: a reset unblocks every side.
                        errors.append(str(e))
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                        struct.pack("ii", 1, 0))
                        sock.close()
                        break
                    pause = None
                n = sock.recv_into(buf)
                if not n:
                    break
                h.update(memoryview(buf)[:n])
                got += n
        except OSError as e:
            errors.append("%s: recv after %d bytes: %s" % (name, got, e))
        except Exception:
            errors.append("%s: recv after %d bytes: %s" % (name, got, traceback.format_exc()))
        arrived[name] = (got, h.hexdigest())

    # Daemons: a transfer that fails must not keep the suite from exiting.
    threads = []
    for name, src, dst, data, stall in flows:
        if src is not None:
            threads.append(threading.Thread(target=send, args=(name, src, data), daemon=True))
        if dst is not None:
            threads.append(threading.Thread(target=receive, args=(name, dst, stall),
                                            daemon=True))
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(None if timeout is None else max(0, start + timeout - time.monotonic()))
        if t.is_alive():
            # Unblock the others so the case can end.
            for sk in (a, b):
                try:
                    if sk is not None:
                        sk.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            raise Failure("the transfer did not finish in %d s" % timeout)
    took = time.monotonic() - start
    check(not errors, "; ".join(errors))
    for name, src, dst, data, _ in flows:
        if dst is None:
            continue
        want, size = hashlib.sha256(), 0
        for block in _blocks(data):
            want.update(block)
            size += memoryview(block).nbytes
        got, sha = arrived[name]
        check(got == size, "%s: %d bytes arrived, not %d" % (name, got, size))
        check(sha == want.hexdigest(), "%s: SHA-256 differs: the data arrived changed" % name)
    return took


class Stream:
    """A control connection for tests that attack others: data both ways
    until stop(), each direction's SHA-256 as sent compared with the
    SHA-256 as received. A, B: the two connected sockets."""

    CHUNK = 16384

    def __init__(self, a, b):
        # A chunk each way every 10 ms; every 50 on the debug kernel, whose
        # one CPU the stream's four threads otherwise share with the attack
        # beside it (ttp_fuzz_netlink.py's 500 requests as root: 29 s at
        # 10 ms, 14 s at 50, alone there).
        self.pace = 0.05 if on_debug_kernel() else 0.01
        self.stopping = threading.Event()
        self.sums = {}
        self.errors = []
        self.threads = []
        for name, x, y in (("a->b", a, b), ("b->a", b, a)):
            x.settimeout(120)
            y.settimeout(120)
            self.threads += [threading.Thread(target=self.send, args=(name, x)),
                             threading.Thread(target=self.receive, args=(name, y))]
        for t in self.threads:
            t.start()

    def send(self, name, s):
        h, n = hashlib.sha256(), 0
        try:
            while not self.stopping.is_set():
                data = hashlib.sha256(b"%s %d" % (name.encode(), n)).digest() * (self.CHUNK // 32)
                s.sendall(data)
                h.update(data)
                n += 1
                time.sleep(self.pace)
            s.shutdown(socket.SHUT_WR)
        except OSError as e:
            self.errors.append("%s: send: %s" % (name, e))
        self.sums[name + " sent"] = (h.hexdigest(), n * self.CHUNK)

    def receive(self, name, s):
        h, n = hashlib.sha256(), 0
        try:
            while True:
                data = s.recv(65536)
                if not data:
                    break
                h.update(data)
                n += len(data)
        except OSError as e:
            self.errors.append("%s: recv: %s" % (name, e))
        self.sums[name + " received"] = (h.hexdigest(), n)

    def stop(self):
        """Finish both directions and check them; the bytes carried."""
        self.stopping.set()
        for t in self.threads:
            t.join(300)
        check(not any(t.is_alive() for t in self.threads), "the control stream is stuck")
        check(not self.errors, "the control stream failed: %s" % "; ".join(self.errors))
        total = 0
        for name in ("a->b", "b->a"):
            sent, got = self.sums[name + " sent"], self.sums[name + " received"]
            check(sent == got, "the control stream's %s: %d bytes sent, %d received, "
                  "SHA-256 %s" % (name, sent[1], got[1], "equal" if sent[0] == got[0]
                                  else "differs"))
            check(sent[1] > 0, "the control stream carried nothing %s" % name)
            total += sent[1]
        return total


def slab_kib():
    """The kernel's slab memory now, in KiB (/proc/meminfo's Slab)."""
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("Slab:"):
                return int(line.split()[1])
    raise Failure("no Slab line in /proc/meminfo")


def slab_settled(baseline, timeout=120):
    """Wait for slab memory to come back near BASELINE (KiB): within
    32 MiB, room for what caches and (on the debug kernel) KASAN's
    quarantine hold on to, small beside what a leak per segment or per
    call would add up to. Returns the last reading."""
    last = [0]

    def near():
        last[0] = slab_kib()
        return last[0] <= baseline + 32768
    try:
        wait_for(near, timeout, "slab memory to settle")
    except Failure:
        raise Failure("slab memory grew from %d KiB to %d KiB" % (baseline, last[0]))
    return last[0]


def census_matches(ns, timeout=60):
    """The namespace's socket dump, counted by state, equals its gauges
    (polled: timers may move a socket between the two readings)."""
    last = {}

    def same():
        gauges = {k: v for k, v in ns.gauges().items() if v}
        got = {}
        for e in json.loads(ns.ttpctl("-j", "sockets").stdout):
            got[e["state"]] = got.get(e["state"], 0) + 1
        last.update(gauges=gauges, dump=got)
        return got == gauges
    try:
        wait_for(same, timeout, "the census")
    except Failure:
        raise Failure("%s: the dump counts %s, the gauges %s" % (ns.name, last["dump"],
                                                                 last["gauges"]))
