// SPDX-License-Identifier: GPL-2.0
/*
 * ttp-bench's server and client modes. Each client mode prints one JSON
 * object: what it measured, its value and unit, for selftests/bench/.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <linux/tcp.h>
#include <linux/ttp.h>

#include "bench.h"
#include "loop.h"

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

_Noreturn void bench_server(const char *addr, int port, int ports)
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
 * What the peer acknowledged of the stream on FD so far: tcpi_bytes_acked,
 * or TTP's, less the SYN, which both count, and the mode byte, which the
 * server does not. Once a fast reader has taken everything written, the
 * two bytes would make the figure exceed the server's count.
 */
static uint64_t bench_stream_acked(int fd)
{
	struct tcp_info tcp = { 0 };
	struct ttp_info ttp = { 0 };
	socklen_t len;

	if (bench_proto == IPPROTO_TTP) {
		len = sizeof(ttp);
		if (getsockopt(fd, SOL_TTP, TTP_INFO, &ttp, &len))
			die("TTP_INFO");
		return ttp.bytes_acked > 2 ? ttp.bytes_acked - 2 : 0;
	}
	len = sizeof(tcp);
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &tcp, &len))
		die("TCP_INFO");
	return tcp.tcpi_bytes_acked > 2 ? tcp.tcpi_bytes_acked - 2 : 0;
}

/*
 * stream: FLOWS connections write as fast as they can for SECONDS, then
 * half-close. The figure is what the peers acknowledged by then, over
 * that time: what the send buffers still hold is delivered and checked
 * against the server's count after, but not timed. Timing it would let
 * the buffer's size decide the figure wherever the rate changes during
 * the run: through a lossy path, the first seconds' slow start outruns
 * the rest, and a sender holding more at the end spends longer at the
 * slow rate.
 */
int bench_stream(int port, int flows, double seconds)
{
	struct epoll_event ev, evs[64];
	int ep = epoll_create1(0), fds[64];
	char *buf = malloc(BENCH_CHUNK);
	uint64_t total = 0, acked = 0;
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
	start = ttp_now();
	end = start + seconds;
	while (ttp_now() < end) {
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
	for (int i = 0; i < flows; i++)
		acked += bench_stream_acked(fds[i]);
	end = ttp_now();
	for (int i = 0; i < flows; i++) {
		uint64_t be;

		fcntl(fds[i], F_SETFL, 0);
		shutdown(fds[i], SHUT_WR);
		if (!read_all(fds[i], &be, sizeof(be)))
			die("the server's count");
		total += be64toh(be);
		close(fds[i]);
	}
	/* Acknowledged yet not counted: one of the two is wrong. */
	if (total < acked) {
		fprintf(stderr, "stream: %llu bytes acknowledged, the server counted %llu\n",
			(unsigned long long)acked, (unsigned long long)total);
		return 1;
	}
	printf("{\"mode\": \"stream\", \"proto\": \"%s\", \"flows\": %d, \"seconds\": %.3f, "
	       "\"bytes\": %llu, \"delivered\": %llu, \"value\": %.0f, \"unit\": \"bytes/s\"}\n",
	       bench_proto_name, flows, end - start, (unsigned long long)acked,
	       (unsigned long long)total, acked / (end - start));
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* rr: one byte there and back on one connection, timed one by one. */
int bench_rr(int port, double seconds)
{
	size_t n = 0, cap = 1 << 16;
	double *lat = malloc(cap * sizeof(*lat)), start, end, t;
	int fd = bench_connect(port);
	char c = 'x';

	if (fd < 0 || !lat)
		die("connect");
	bench_nodelay(fd);
	start = ttp_now();
	end = start + seconds;
	while ((t = ttp_now()) < end) {
		if (!write_all(fd, &c, 1) || !read_all(fd, &c, 1))
			die("rr");
		if (n == cap) {
			cap *= 2;
			lat = realloc(lat, cap * sizeof(*lat));
			if (!lat)
				die("realloc");
		}
		lat[n++] = ttp_now() - t;
	}
	end = ttp_now();
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
int bench_crr(const char *mode, int port, int ports, double seconds)
{
	unsigned long made = 0, failed = 0, by_errno[256] = { 0 };
	double start = ttp_now(), end = start + seconds;
	bool churn = !strcmp(mode, "churn");

	while (ttp_now() < end) {
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
	end = ttp_now();
	printf("{\"mode\": \"%s\", \"proto\": \"%s\", \"seconds\": %.3f, \"connections\": %lu, "
	       "\"value\": %.1f, \"unit\": \"connections/s\", \"failures\": %lu, "
	       "\"eaddrnotavail\": %lu, \"etimedout\": %lu, \"econnrefused\": %lu}\n",
	       mode, bench_proto_name, end - start, made, made / (end - start), failed,
	       by_errno[EADDRNOTAVAIL], by_errno[ETIMEDOUT], by_errno[ECONNREFUSED]);
	return 0;
}

/* hold: COUNT idle established connections, until a signal. */
int bench_hold(int port, int ports, long count)
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
	/* The signal ends pause(), not the program: close them first. */
	ttp_stop_on_signals();
	pause();
	for (long i = 0; i < count; i++)
		close(fds[i]);
	free(fds);
	return 0;
}

/* timewait: COUNT short connections, each leaving a TIME_WAIT entry here. */
int bench_timewait(int port, int ports, long count)
{
	double start = ttp_now();

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
	       "\"seconds\": %.3f}\n", bench_proto_name, count, ttp_now() - start);
	return 0;
}
