// SPDX-License-Identifier: GPL-2.0
/*
 * ttp-bench: TTP against Linux TCP with one program. The protocol is the
 * only thing --proto changes: the same sockets, the same epoll loops, the
 * same buffer sizes. Each client mode prints one JSON object on stdout, so
 * the runner (selftests/bench/) can take medians and ratios.
 *
 *   ttp-bench server [--proto P] [-b ADDRESS] [-p PORT] [-n PORTS]
 *   ttp-bench MODE   [--proto P] [-p PORT] [-t SECONDS] [-f FLOWS] HOST
 *   ttp-bench memcpy
 *
 * The server echoes what it reads, except on a connection whose first byte
 * is 'S': it swallows that one and, at its end, answers with the number of
 * bytes it took (8 bytes, big-endian), so a stream is timed to its last
 * byte arriving, not to its last byte leaving the sender's buffer.
 *
 * This file: options and the helpers every mode uses. bench-modes.c: the
 * server and the client modes; bench-flood.c: the SYN flood.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <linux/ttp.h>

#include "bench.h"
#include "loop.h"
#include "parse.h"

static const char bench_usage[] =
	"Usage: ttp-bench server [--proto tcp|ttp] [-b ADDRESS] [-p PORT] [-n PORTS]\n"
	"       ttp-bench MODE [--proto tcp|ttp] [-p PORT] [-n PORTS] [-t SECONDS]\n"
	"                      [-f FLOWS] [-c COUNT] HOST\n"
	"       ttp-bench memcpy\n"
	"Modes:\n"
	"  stream    bulk transfer on FLOWS connections at once: bytes per second\n"
	"  rr        1-byte request and response on one connection: transactions\n"
	"            per second, latency p50 and p99\n"
	"  crr       connect, 1-byte request and response, close: connections per\n"
	"            second, and connect failures by errno\n"
	"  churn     crr that goes on through failures (a narrowed port range)\n"
	"  hold      open COUNT connections, report, keep them until killed\n"
	"  timewait  make COUNT short connections that end in TIME_WAIT here\n"
	"  flood     SYNs from spoofed sources in SOURCES (a.b.c.0/16) to HOST, as\n"
	"            fast as this machine sends them, for SECONDS (root)\n"
	"  memcpy    this machine's memory copy bandwidth: a loopback ceiling\n"
	"Options:\n"
	"  --proto P   tcp or ttp (default ttp)\n"
	"  -b ADDRESS  server: listen on ADDRESS (default 0.0.0.0; :: for IPv6)\n"
	"  -p PORT     first port (default 7100)\n"
	"  -n PORTS    server: listen on PORTS ports from PORT; clients spread\n"
	"              their connections over as many (default 1)\n"
	"  -t SECONDS  how long a timed mode runs (default 5)\n"
	"  -f FLOWS    stream: connections at once (default 1)\n"
	"  -c COUNT    hold and timewait: how many connections\n"
	"  -s SOURCES  flood: the /16 to spoof from (default 10.97.0.0)\n";

int bench_proto = IPPROTO_TTP;
const char *bench_proto_name = "ttp";

_Noreturn void die(const char *what)
{
	fprintf(stderr, "ttp-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

int bench_socket(int family)
{
	int fd = socket(family, SOCK_STREAM, bench_proto);

	if (fd < 0 && bench_proto == IPPROTO_TTP &&
	    (errno == EPROTONOSUPPORT || errno == ESOCKTNOSUPPORT)) {
		fprintf(stderr, "ttp-bench: TTP is not available: load the module\n");
		exit(2);
	}
	return fd;
}

/* TTP_NODELAY and TCP_NODELAY are both option 1 at the protocol's level. */
void bench_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, bench_proto, TCP_NODELAY, &one, sizeof(one));
}

struct sockaddr_storage bench_addr;
socklen_t bench_addrlen;

void bench_resolve(const char *host, int port, bool passive)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | (passive ? AI_PASSIVE : 0) };
	struct addrinfo *ai;
	char service[16];
	int err;

	snprintf(service, sizeof(service), "%d", port);
	err = getaddrinfo(host, service, &hints, &ai);
	if (err) {
		fprintf(stderr, "ttp-bench: %s: %s\n", host, gai_strerror(err));
		exit(1);
	}
	memcpy(&bench_addr, ai->ai_addr, ai->ai_addrlen);
	bench_addrlen = ai->ai_addrlen;
	freeaddrinfo(ai);
}

void bench_set_port(int port)
{
	if (bench_addr.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&bench_addr)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)&bench_addr)->sin_port = htons(port);
}

int bench_connect(int port)
{
	int fd = bench_socket(bench_addr.ss_family);

	if (fd < 0)
		return -1;
	bench_set_port(port);
	if (connect(fd, (struct sockaddr *)&bench_addr, bench_addrlen) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* All of LEN, or false: OUT writes BUF to FD, else reads it from FD. */
static bool io_all(int fd, void *buf, size_t len, bool out)
{
	char *p = buf;

	while (len) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

bool write_all(int fd, const void *buf, size_t len)
{
	return io_all(fd, (void *)buf, len, true);
}

bool read_all(int fd, void *buf, size_t len)
{
	return io_all(fd, buf, len, false);
}

/* The machine's copy bandwidth over buffers far larger than its caches. */
static int bench_memcpy(void)
{
	size_t len = 64 << 20;
	char *a = malloc(len), *b = malloc(len);
	double start, took;
	int rounds = 0;

	if (!a || !b)
		die("malloc");
	memset(a, 1, len);
	memset(b, 2, len);
	start = ttp_now();
	do {
		memcpy(rounds & 1 ? a : b, rounds & 1 ? b : a, len);
		rounds++;
	} while ((took = ttp_now() - start) < 1.0);
	printf("{\"mode\": \"memcpy\", \"value\": %.0f, \"unit\": \"bytes/s\"}\n",
	       (double)len * rounds / took);
	free(a);
	free(b);
	return 0;
}

/*
 * A number option's value, or 0 if it is not wholly a number: each option
 * refuses 0 below, with its own message.
 */
static long bench_number(const char *text, long max)
{
	long v;

	return ttp_parse_long(text, -max, max, &v) ? 0 : v;
}

static double bench_seconds(const char *text)
{
	double v;

	return ttp_parse_seconds(text, -HUGE_VAL, HUGE_VAL, &v) ? 0 : v;
}

/*
 * hold and the server keep tens of thousands of sockets open: raise the
 * descriptor limit as far as we may (root may raise the hard one too).
 */
static void bench_raise_nofile(void)
{
	struct rlimit rl = { 1 << 20, 1 << 20 };

	if (setrlimit(RLIMIT_NOFILE, &rl) && !getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "proto", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *bind_addr = NULL, *mode, *sources = "10.97.0.0";
	int port = 7100, ports = 1, flows = 1, opt;
	double seconds = 5;
	long count = 0;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(bench_usage, argc < 2 ? stderr : stdout);
		return argc < 2;
	}
	mode = argv[1];
	optind = 2;
	while ((opt = getopt_long(argc, argv, "b:p:n:t:f:c:s:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'P':
			if (!strcmp(optarg, "tcp")) {
				bench_proto = IPPROTO_TCP;
			} else if (strcmp(optarg, "ttp")) {
				fprintf(stderr, "ttp-bench: --proto takes tcp or ttp, not %s\n",
					optarg);
				return 1;
			}
			bench_proto_name = optarg;
			break;
		case 'b': bind_addr = optarg; break;
		case 'p': port = (int)bench_number(optarg, INT_MAX); break;
		case 'n': ports = (int)bench_number(optarg, INT_MAX); break;
		case 't': seconds = bench_seconds(optarg); break;
		case 'f': flows = (int)bench_number(optarg, INT_MAX); break;
		case 'c': count = bench_number(optarg, LONG_MAX); break;
		case 's': sources = optarg; break;
		default:
			fputs(bench_usage, stderr);
			return 1;
		}
	}
	if (ports < 1 || ports > BENCH_MAX_PORTS || port < 1 || port + ports > 65536 ||
	    seconds <= 0) {
		fprintf(stderr, "ttp-bench: -n takes 1 to %d ports, -p a port, -t a time\n",
			BENCH_MAX_PORTS);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	bench_raise_nofile();
	if (!strcmp(mode, "memcpy"))
		return bench_memcpy();
	if (!strcmp(mode, "server"))
		bench_server(bind_addr ? bind_addr : "0.0.0.0", port, ports);
	if (optind != argc - 1) {
		fputs(bench_usage, stderr);
		return 1;
	}
	bench_resolve(argv[optind], port, false);
	if (!strcmp(mode, "stream"))
		return bench_stream(port, flows, seconds);
	if (!strcmp(mode, "rr"))
		return bench_rr(port, seconds);
	if (!strcmp(mode, "flood"))
		return bench_flood(port, sources, seconds);
	if (!strcmp(mode, "crr") || !strcmp(mode, "churn"))
		return bench_crr(mode, port, ports, seconds);
	if ((!strcmp(mode, "hold") || !strcmp(mode, "timewait")) && count > 0)
		return mode[0] == 'h' ? bench_hold(port, ports, count) :
					bench_timewait(port, ports, count);
	fputs(bench_usage, stderr);
	return 1;
}
