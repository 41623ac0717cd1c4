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
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <linux/ttp.h>

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

#define BENCH_CHUNK	(64 * 1024)
#define BENCH_MAX_PORTS	16

static int bench_proto = IPPROTO_TTP;
static const char *bench_proto_name = "ttp";

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "ttp-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int bench_socket(int family)
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
static void bench_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, bench_proto, TCP_NODELAY, &one, sizeof(one));
}

static struct sockaddr_storage bench_addr;
static socklen_t bench_addrlen;

static void bench_resolve(const char *host, int port, bool passive)
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

static void bench_set_port(int port)
{
	if (bench_addr.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&bench_addr)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)&bench_addr)->sin_port = htons(port);
}

static int bench_connect(int port)
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

static bool write_all(int fd, const void *buf, size_t len)
{
	return io_all(fd, (void *)buf, len, true);
}

static bool read_all(int fd, void *buf, size_t len)
{
	return io_all(fd, buf, len, false);
}

/* The server: one epoll loop over every listener and connection. */
struct bench_conn {
	int fd;
	int mode;		/* 0 until the first byte, then 'S' or 'E' */
	uint64_t bytes;
};

static void server_close(int ep, struct bench_conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c);
}

static void server_input(int ep, struct bench_conn *c, char *buf)
{
	ssize_t n = read(c->fd, buf, BENCH_CHUNK);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (n == 0 && c->mode == 'S') {
			uint64_t be = htobe64(c->bytes);

			write_all(c->fd, &be, sizeof(be));
		}
		server_close(ep, c);
		return;
	}
	if (!c->mode) {
		c->mode = buf[0] == 'S' ? 'S' : 'E';
		if (c->mode == 'S') {
			c->bytes += n - 1;
			return;
		}
	}
	if (c->mode == 'S') {
		c->bytes += n;
		return;
	}
	/*
	 * Echo. Requests are small and the client waits for each answer, so
	 * the socket has room; a client that does not read is not ours.
	 */
	fcntl(c->fd, F_SETFL, 0);
	if (!write_all(c->fd, buf, n)) {
		server_close(ep, c);
		return;
	}
	fcntl(c->fd, F_SETFL, O_NONBLOCK);
}

static _Noreturn void bench_server(const char *addr, int port, int ports)
{
	struct epoll_event ev, evs[64];
	int ep = epoll_create1(0), lfd[BENCH_MAX_PORTS];
	char *buf = malloc(BENCH_CHUNK);
	int one = 1;

	if (ep < 0 || !buf)
		die("epoll");
	bench_resolve(addr, port, true);
	for (int i = 0; i < ports; i++) {
		lfd[i] = bench_socket(bench_addr.ss_family);
		if (lfd[i] < 0)
			die("socket");
		setsockopt(lfd[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		bench_set_port(port + i);
		if (bind(lfd[i], (struct sockaddr *)&bench_addr, bench_addrlen) < 0)
			die("bind");
		if (listen(lfd[i], 4096) < 0)
			die("listen");
		fcntl(lfd[i], F_SETFL, O_NONBLOCK);
		ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = i };
		epoll_ctl(ep, EPOLL_CTL_ADD, lfd[i], &ev);
	}
	/* Ready: the runner waits for this line. */
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		int n = epoll_wait(ep, evs, 64, -1);

		for (int i = 0; i < n; i++) {
			struct bench_conn *c;
			int fd;

			/* Listeners carry their index, connections a pointer. */
			if (evs[i].data.u64 < BENCH_MAX_PORTS) {
				while ((fd = accept4(lfd[evs[i].data.u64], NULL, NULL,
						     SOCK_NONBLOCK)) >= 0) {
					c = calloc(1, sizeof(*c));
					if (!c) {
						close(fd);
						continue;
					}
					c->fd = fd;
					bench_nodelay(fd);
					ev = (struct epoll_event){ .events = EPOLLIN,
								   .data.ptr = c };
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				}
				continue;
			}
			server_input(ep, evs[i].data.ptr, buf);
		}
	}
}

/*
 * stream: FLOWS connections write as fast as they can for SECONDS, then
 * half-close; the figure is what the server counted over the time until
 * its last count arrived.
 */
static int bench_stream(int port, int flows, double seconds)
{
	struct epoll_event ev, evs[64];
	int ep = epoll_create1(0), fds[64];
	char *buf = malloc(BENCH_CHUNK);
	uint64_t total = 0;
	double start, end;

	if (ep < 0 || !buf || flows < 1 || flows > 64)
		die("stream");
	memset(buf, 'x', BENCH_CHUNK);
	for (int i = 0; i < flows; i++) {
		fds[i] = bench_connect(port);
		if (fds[i] < 0 || !write_all(fds[i], "S", 1))
			die("connect");
		fcntl(fds[i], F_SETFL, O_NONBLOCK);
		ev = (struct epoll_event){ .events = EPOLLOUT, .data.u32 = i };
		epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
	}
	start = now_s();
	end = start + seconds;
	while (now_s() < end) {
		int n = epoll_wait(ep, evs, 64, 100);

		for (int i = 0; i < n; i++) {
			int fd = fds[evs[i].data.u32];

			/*
			 * A few chunks, not until EAGAIN: a reader as fast as
			 * the writer (loopback) would keep us here past the end.
			 */
			for (int k = 0; k < 16; k++) {
				if (write(fd, buf, BENCH_CHUNK) >= 0)
					continue;
				if (errno != EAGAIN && errno != EINTR)
					die("write");
				break;
			}
		}
	}
	for (int i = 0; i < flows; i++) {
		uint64_t be;

		fcntl(fds[i], F_SETFL, 0);
		shutdown(fds[i], SHUT_WR);
		if (!read_all(fds[i], &be, sizeof(be)))
			die("the server's count");
		total += be64toh(be);
		close(fds[i]);
	}
	end = now_s();
	printf("{\"mode\": \"stream\", \"proto\": \"%s\", \"flows\": %d, \"seconds\": %.3f, "
	       "\"bytes\": %llu, \"value\": %.0f, \"unit\": \"bytes/s\"}\n",
	       bench_proto_name, flows, end - start, (unsigned long long)total,
	       total / (end - start));
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* rr: one byte there and back on one connection, timed one by one. */
static int bench_rr(int port, double seconds)
{
	size_t n = 0, cap = 1 << 16;
	double *lat = malloc(cap * sizeof(*lat)), start, end, t;
	int fd = bench_connect(port);
	char c = 'x';

	if (fd < 0 || !lat)
		die("connect");
	bench_nodelay(fd);
	start = now_s();
	end = start + seconds;
	while ((t = now_s()) < end) {
		if (!write_all(fd, &c, 1) || !read_all(fd, &c, 1))
			die("rr");
		if (n == cap) {
			cap *= 2;
			lat = realloc(lat, cap * sizeof(*lat));
			if (!lat)
				die("realloc");
		}
		lat[n++] = now_s() - t;
	}
	end = now_s();
	close(fd);
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("{\"mode\": \"rr\", \"proto\": \"%s\", \"seconds\": %.3f, \"transactions\": %zu, "
	       "\"value\": %.1f, \"unit\": \"transactions/s\", \"p50_us\": %.1f, "
	       "\"p99_us\": %.1f}\n", bench_proto_name, end - start, n, n / (end - start),
	       n ? lat[n / 2] * 1e6 : 0, n ? lat[n * 99 / 100] * 1e6 : 0);
	free(lat);
	return 0;
}

/*
 * crr and churn: connect, one byte there and back, close (we close first,
 * so the TIME_WAIT entries are ours), over and over. Failed connects are
 * counted by errno; crr stops at the first, churn goes on.
 */
static int bench_crr(const char *mode, int port, int ports, double seconds)
{
	unsigned long made = 0, failed = 0, by_errno[256] = { 0 };
	double start = now_s(), end = start + seconds;
	bool churn = !strcmp(mode, "churn");

	while (now_s() < end) {
		int fd = bench_connect(port + (made + failed) % ports);
		char c = 'x';

		if (fd < 0) {
			failed++;
			by_errno[errno & 255]++;
			if (!churn)
				die("connect");
			continue;
		}
		bench_nodelay(fd);
		if (!write_all(fd, &c, 1) || !read_all(fd, &c, 1))
			die("crr");
		close(fd);
		made++;
	}
	end = now_s();
	printf("{\"mode\": \"%s\", \"proto\": \"%s\", \"seconds\": %.3f, \"connections\": %lu, "
	       "\"value\": %.1f, \"unit\": \"connections/s\", \"failures\": %lu, "
	       "\"eaddrnotavail\": %lu, \"etimedout\": %lu, \"econnrefused\": %lu}\n",
	       mode, bench_proto_name, end - start, made, made / (end - start), failed,
	       by_errno[EADDRNOTAVAIL], by_errno[ETIMEDOUT], by_errno[ECONNREFUSED]);
	return 0;
}

static void bench_nothing(int sig)
{
	(void)sig;
}

/* hold: COUNT idle established connections, until a signal. */
static int bench_hold(int port, int ports, long count)
{
	int *fds = calloc(count, sizeof(*fds));

	if (!fds)
		die("calloc");
	for (long i = 0; i < count; i++) {
		fds[i] = bench_connect(port + i % ports);
		if (fds[i] < 0)
			die("connect");
	}
	printf("{\"mode\": \"hold\", \"proto\": \"%s\", \"connections\": %ld}\n",
	       bench_proto_name, count);
	fflush(stdout);
	signal(SIGTERM, bench_nothing);
	signal(SIGINT, bench_nothing);
	pause();
	for (long i = 0; i < count; i++)
		close(fds[i]);
	free(fds);
	return 0;
}

/* timewait: COUNT short connections, each leaving a TIME_WAIT entry here. */
static int bench_timewait(int port, int ports, long count)
{
	double start = now_s();

	for (long i = 0; i < count; i++) {
		int fd = bench_connect(port + i % ports);
		char c = 'x';

		if (fd < 0)
			die("connect");
		if (!write_all(fd, &c, 1) || !read_all(fd, &c, 1))
			die("timewait");
		close(fd);
	}
	printf("{\"mode\": \"timewait\", \"proto\": \"%s\", \"connections\": %ld, "
	       "\"seconds\": %.3f}\n", bench_proto_name, count, now_s() - start);
	return 0;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/*
 * flood: SYNs with an MSS option from random addresses in a /16 and random
 * ports, built by hand on a raw socket. TCP's and TTP's headers differ only
 * in where the checksum sits (TTP's is where TCP's urgent pointer is).
 */
static int bench_flood(int port, const char *sources, double seconds)
{
	struct {
		struct iphdr ip;
		uint8_t th[24];
	} __attribute__((packed)) pkt;
	struct sockaddr_in dst = bench_addr.ss_family == AF_INET ?
				 *(struct sockaddr_in *)&bench_addr : (struct sockaddr_in){ 0 };
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW), csum_at;
	unsigned long sent = 0, failed = 0;
	double start = now_s(), end = start + seconds;
	struct in_addr net;
	uint32_t rnd = 2463534242U;

	if (bench_addr.ss_family != AF_INET || inet_pton(AF_INET, sources, &net) != 1) {
		fprintf(stderr, "ttp-bench: flood takes an IPv4 HOST and SOURCES\n");
		return 1;
	}
	if (fd < 0)
		die("raw socket (root?)");
	csum_at = bench_proto == IPPROTO_TCP ? 16 : 18;
	while (now_s() < end) {
		for (int i = 0; i < 256; i++) {
			uint32_t sum, src, sport;

			/* xorshift: cheap; the sources need not be unpredictable. */
			rnd ^= rnd << 13;
			rnd ^= rnd >> 17;
			rnd ^= rnd << 5;
			src = (ntohl(net.s_addr) & 0xffff0000U) | (rnd & 0xffff);
			memset(&pkt, 0, sizeof(pkt));
			pkt.ip = (struct iphdr){ .version = 4, .ihl = 5, .ttl = 64,
						 .tot_len = htons(sizeof(pkt)),
						 .protocol = bench_proto,
						 .saddr = htonl(src), .daddr = dst.sin_addr.s_addr };
			sport = 1024 + (rnd >> 16) % 60000;
			pkt.th[0] = sport >> 8;
			pkt.th[1] = sport & 0xff;
			pkt.th[2] = port >> 8;
			pkt.th[3] = port & 0xff;
			memcpy(pkt.th + 4, &rnd, 4);		/* the ISN */
			pkt.th[12] = 6 << 4;			/* 24 bytes */
			pkt.th[13] = 0x02;			/* SYN */
			pkt.th[14] = 0xff;
			pkt.th[15] = 0xff;			/* window 65535 */
			pkt.th[20] = 2;
			pkt.th[21] = 4;
			pkt.th[22] = 1460 >> 8;
			pkt.th[23] = 1460 & 0xff;		/* MSS 1460 */
			sum = csum_add(0, &pkt.ip.saddr, 8);
			sum += bench_proto + sizeof(pkt.th);
			sum = csum_add(sum, pkt.th, sizeof(pkt.th));
			sum = csum_fold(sum);
			pkt.th[csum_at] = sum >> 8;
			pkt.th[csum_at + 1] = sum & 0xff;
			if (sendto(fd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&dst,
				   sizeof(dst)) < 0)
				failed++;
			else
				sent++;
		}
	}
	end = now_s();
	printf("{\"mode\": \"flood\", \"proto\": \"%s\", \"seconds\": %.3f, \"syns\": %lu, "
	       "\"value\": %.0f, \"unit\": \"SYNs/s\", \"failed\": %lu}\n", bench_proto_name,
	       end - start, sent, sent / (end - start), failed);
	close(fd);
	return 0;
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
	start = now_s();
	do {
		memcpy(rounds & 1 ? a : b, rounds & 1 ? b : a, len);
		rounds++;
	} while ((took = now_s() - start) < 1.0);
	printf("{\"mode\": \"memcpy\", \"value\": %.0f, \"unit\": \"bytes/s\"}\n",
	       (double)len * rounds / took);
	free(a);
	free(b);
	return 0;
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
		case 'p': port = atoi(optarg); break;
		case 'n': ports = atoi(optarg); break;
		case 't': seconds = atof(optarg); break;
		case 'f': flows = atoi(optarg); break;
		case 'c': count = atol(optarg); break;
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
