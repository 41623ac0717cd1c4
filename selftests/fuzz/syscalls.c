// SPDX-License-Identifier: GPL-2.0
/*
 * ttp-fuzz-syscalls: random socket calls with random arguments on TTP
 * sockets, from several threads at once.
 *
 * The threads share a small table of descriptors and a few loopback ports,
 * so that the races that matter happen by themselves and often: close
 * racing recv, shutdown racing send, setsockopt during traffic, connect
 * racing a listener's close, accept racing the listener's shutdown.
 *
 * Every socket gets short send and receive timeouts, which the fuzzer never
 * lets its own setsockopt calls lengthen, so no call blocks for long; a
 * thread still inside one call long after the run ended is reported as a
 * hang (exit status 1), with the call named.
 *
 * Usage: ttp-fuzz-syscalls [-j THREADS] [-t SECONDS] [-s SEED] [-p PORT]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <linux/sockios.h>
#include <linux/ttp.h>

#define FUZZ_SLOTS	16
#define FUZZ_PORTS	4
#define FUZZ_THREADS	16
#define FUZZ_BUF	(256 * 1024)

enum fuzz_op {
	OP_SOCKET, OP_BIND, OP_LISTEN, OP_CONNECT, OP_ACCEPT, OP_SEND, OP_RECV,
	OP_SHUTDOWN, OP_SETSOCKOPT, OP_GETSOCKOPT, OP_CLOSE, OP_POLL, OP_IOCTL,
	OP_NAME, OP_DUP, OP_VEC, OP_PAIR, OPS
};

static const char *const fuzz_op_names[OPS] = {
	"socket", "bind", "listen", "connect", "accept", "send", "recv",
	"shutdown", "setsockopt", "getsockopt", "close", "poll", "ioctl",
	"getname", "dup", "sendmsg/recvmsg", "pair",
};

struct fuzz_thread {
	pthread_t tid;
	int index;
	uint64_t rng;
	_Atomic int op;		/* the call under way, or -1 */
	unsigned long calls[OPS];
	unsigned long ok[OPS];
};

static _Atomic int fuzz_slot[FUZZ_SLOTS];
static atomic_bool fuzz_stop;
static uint16_t fuzz_port = 47100;
static char fuzz_buf[FUZZ_BUF];
static char fuzz_sink[FUZZ_THREADS][FUZZ_BUF];

static uint32_t fuzz_rand(struct fuzz_thread *t)
{
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return (uint32_t)((t->rng * 0x2545f4914f6cdd1dULL) >> 32);
}

static uint32_t fuzz_below(struct fuzz_thread *t, uint32_t n)
{
	return n ? fuzz_rand(t) % n : 0;
}

/* Keep calls short: every socket times out within a fifth of a second. */
static void fuzz_timeouts(int fd, struct fuzz_thread *t)
{
	struct timeval tv = { .tv_usec = 10000 + fuzz_below(t, 190000) };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Put FD in a random slot; what was there is closed (maybe mid-call). */
static void fuzz_keep(struct fuzz_thread *t, int fd)
{
	int old = atomic_exchange(&fuzz_slot[fuzz_below(t, FUZZ_SLOTS)], fd);

	if (old >= 0)
		close(old);
}

static int fuzz_pick(struct fuzz_thread *t)
{
	return atomic_load(&fuzz_slot[fuzz_below(t, FUZZ_SLOTS)]);
}

static socklen_t fuzz_addr(struct fuzz_thread *t, struct sockaddr_storage *ss, bool any)
{
	uint16_t port = htons(fuzz_below(t, 8) ? fuzz_port + fuzz_below(t, FUZZ_PORTS) : 0);

	memset(ss, 0, sizeof(*ss));
	if (fuzz_below(t, 2)) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = port;
		sin->sin_addr.s_addr = htonl(any && fuzz_below(t, 2) ? INADDR_ANY : INADDR_LOOPBACK);
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = port;
		if (!any || fuzz_below(t, 2))
			sin6->sin6_addr = in6addr_loopback;
		if (!fuzz_below(t, 16))	/* an IPv4-mapped address */
			inet_pton(AF_INET6, "::ffff:127.0.0.1", &sin6->sin6_addr);
		if (!fuzz_below(t, 32))	/* or the wrong family altogether */
			ss->ss_family = AF_UNSPEC;
		return sizeof(*sin6);
	}
}

/* An option and a value: TTP's own, the socket level's, or any number. */
static void fuzz_option(struct fuzz_thread *t, int *level, int *name)
{
	static const int ttp_opts[] = {
		TTP_NODELAY, TTP_CORK, TTP_KEEPIDLE, TTP_KEEPINTVL, TTP_KEEPCNT,
		TTP_SYNCNT, TTP_LINGER2, TTP_MSL, TTP_INFO,
	};
	static const int sock_opts[] = {
		SO_REUSEADDR, SO_KEEPALIVE, SO_SNDBUF, SO_RCVBUF, SO_LINGER,
		SO_RCVLOWAT, SO_ERROR, SO_TYPE, SO_PROTOCOL, SO_DOMAIN,
		SO_ACCEPTCONN, SO_OOBINLINE, SO_PRIORITY, SO_MARK, SO_REUSEPORT,
		SO_BINDTODEVICE, SO_SNDBUFFORCE, SO_RCVBUFFORCE,
	};

	switch (fuzz_below(t, 4)) {
	case 0:
	case 1:
		*level = SOL_TTP;
		*name = ttp_opts[fuzz_below(t, sizeof(ttp_opts) / sizeof(ttp_opts[0]))];
		break;
	case 2:
		*level = SOL_SOCKET;
		*name = sock_opts[fuzz_below(t, sizeof(sock_opts) / sizeof(sock_opts[0]))];
		break;
	default:
		*level = fuzz_below(t, 2) ? SOL_TTP : SOL_SOCKET;
		*name = (int)fuzz_below(t, 140);
		break;
	}
	/* Never longer timeouts: that would turn a slow call into a hang. */
	if (*level == SOL_SOCKET &&
	    (*name == SO_RCVTIMEO_OLD || *name == SO_SNDTIMEO_OLD ||
	     *name == SO_RCVTIMEO_NEW || *name == SO_SNDTIMEO_NEW))
		*name = SO_KEEPALIVE;
}

static int fuzz_value(struct fuzz_thread *t)
{
	static const int edges[] = { 0, 1, -1, 2, 127, 128, 255, 1000, 65535, 65536,
				     600000, 600001, 0x7fffffff, (int)0x80000000 };

	return fuzz_below(t, 2) ? edges[fuzz_below(t, sizeof(edges) / sizeof(edges[0]))]
				: (int)fuzz_rand(t);
}

static int fuzz_new_socket(struct fuzz_thread *t)
{
	int fd = socket(fuzz_below(t, 2) ? AF_INET : AF_INET6,
			SOCK_STREAM | (fuzz_below(t, 3) ? 0 : SOCK_NONBLOCK), IPPROTO_TTP);

	if (fd >= 0)
		fuzz_timeouts(fd, t);
	return fd;
}

/* A listener, a connection to it and the accepted end: traffic soon. */
static int fuzz_pair(struct fuzz_thread *t)
{
	struct sockaddr_storage ss;
	socklen_t len = fuzz_addr(t, &ss, false);
	int one = 1, lsn, c, s;

	lsn = socket(ss.ss_family == AF_INET6 ? AF_INET6 : AF_INET, SOCK_STREAM, IPPROTO_TTP);
	if (lsn < 0)
		return -1;
	fuzz_timeouts(lsn, t);
	setsockopt(lsn, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	((struct sockaddr_in *)&ss)->sin_port = 0;
	if (bind(lsn, (struct sockaddr *)&ss, len) || listen(lsn, 4) ||
	    getsockname(lsn, (struct sockaddr *)&ss, &len)) {
		close(lsn);
		return -1;
	}
	c = socket(ss.ss_family, SOCK_STREAM, IPPROTO_TTP);
	if (c >= 0) {
		fuzz_timeouts(c, t);
		if (connect(c, (struct sockaddr *)&ss, len) == 0) {
			s = accept(lsn, NULL, NULL);
			if (s >= 0) {
				fuzz_timeouts(s, t);
				fuzz_keep(t, s);
			}
		}
		fuzz_keep(t, c);
	}
	if (fuzz_below(t, 2))
		fuzz_keep(t, lsn);
	else
		close(lsn);
	return 0;
}

static int fuzz_call(struct fuzz_thread *t, enum fuzz_op op)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = fuzz_pick(t), level, name, v, flags;
	char opt[256];

	switch (op) {
	case OP_SOCKET:
		fd = fuzz_new_socket(t);
		if (fd < 0)
			return -1;
		fuzz_keep(t, fd);
		return 0;
	case OP_BIND:
		if (fuzz_below(t, 2)) {
			v = 1;
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v));
		}
		len = fuzz_addr(t, &ss, true);
		return bind(fd, (struct sockaddr *)&ss, len);
	case OP_LISTEN:
		return listen(fd, (int)fuzz_below(t, 130) - 2);
	case OP_CONNECT:
		len = fuzz_addr(t, &ss, false);
		if (!fuzz_below(t, 16))
			ss.ss_family = AF_UNSPEC;	/* disconnect */
		return connect(fd, (struct sockaddr *)&ss, len);
	case OP_ACCEPT:
		v = accept4(fd, NULL, NULL, fuzz_below(t, 2) ? SOCK_NONBLOCK : 0);
		if (v < 0)
			return -1;
		fuzz_timeouts(v, t);
		fuzz_keep(t, v);
		return 0;
	case OP_SEND:
		flags = MSG_NOSIGNAL | (fuzz_below(t, 2) ? MSG_DONTWAIT : 0) |
			(fuzz_below(t, 4) ? 0 : MSG_MORE) | (fuzz_below(t, 16) ? 0 : MSG_OOB);
		return send(fd, fuzz_buf, fuzz_below(t, 4) ? fuzz_below(t, 2000)
							   : fuzz_below(t, FUZZ_BUF),
			    flags) < 0 ? -1 : 0;
	case OP_RECV:
		flags = (fuzz_below(t, 2) ? MSG_DONTWAIT : 0) | (fuzz_below(t, 4) ? 0 : MSG_PEEK) |
			(fuzz_below(t, 8) ? 0 : MSG_WAITALL) | (fuzz_below(t, 8) ? 0 : MSG_TRUNC) |
			(fuzz_below(t, 16) ? 0 : MSG_OOB);
		return recv(fd, fuzz_sink[t->index],
			    fuzz_below(t, FUZZ_BUF), flags) < 0 ? -1 : 0;
	case OP_SHUTDOWN:
		return shutdown(fd, (int)fuzz_below(t, 4));
	case OP_SETSOCKOPT:
		fuzz_option(t, &level, &name);
		if (level == SOL_SOCKET && name == SO_LINGER) {
			struct linger l = { fuzz_below(t, 2), fuzz_below(t, 2) };

			return setsockopt(fd, level, name, &l, sizeof(l));
		}
		v = fuzz_value(t);
		memcpy(opt, &v, sizeof(v));
		len = fuzz_below(t, 4) ? sizeof(int) : fuzz_below(t, 9);
		return setsockopt(fd, level, name, opt, len);
	case OP_GETSOCKOPT:
		fuzz_option(t, &level, &name);
		len = fuzz_below(t, 2) ? sizeof(int) : fuzz_below(t, sizeof(opt) + 1);
		return getsockopt(fd, level, name, opt, &len);
	case OP_CLOSE:
		v = atomic_exchange(&fuzz_slot[fuzz_below(t, FUZZ_SLOTS)], -1);
		return v >= 0 ? close(v) : -1;
	case OP_POLL: {
		struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT | POLLPRI | POLLRDHUP };

		return poll(&pfd, 1, (int)fuzz_below(t, 20)) < 0 ? -1 : 0;
	}
	case OP_IOCTL: {
		static const unsigned long reqs[] = { FIONREAD, SIOCOUTQ, SIOCATMARK, FIONBIO,
						      SIOCOUTQNSD };

		v = (int)fuzz_below(t, 2);
		return ioctl(fd, reqs[fuzz_below(t, 5)], &v);
	}
	case OP_NAME:
		len = fuzz_below(t, 2) ? sizeof(ss) : fuzz_below(t, sizeof(ss));
		return fuzz_below(t, 2) ? getsockname(fd, (struct sockaddr *)&ss, &len)
					: getpeername(fd, (struct sockaddr *)&ss, &len);
	case OP_DUP:
		v = fd >= 0 ? dup(fd) : -1;
		if (v < 0)
			return -1;
		fuzz_keep(t, v);
		return 0;
	case OP_VEC: {
		struct iovec iov[4];
		struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 1 + fuzz_below(t, 4) };

		for (size_t i = 0; i < msg.msg_iovlen; i++) {
			iov[i].iov_base = fuzz_buf + fuzz_below(t, 1000);
			iov[i].iov_len = fuzz_below(t, 3000);
		}
		flags = MSG_NOSIGNAL | MSG_DONTWAIT;
		return (fuzz_below(t, 2) ? sendmsg(fd, &msg, flags) : recvmsg(fd, &msg, flags)) < 0
			? -1 : 0;
	}
	case OP_PAIR:
		return fuzz_pair(t);
	default:
		return -1;
	}
}

static void *fuzz_thread_main(void *arg)
{
	struct fuzz_thread *t = arg;

	while (!atomic_load(&fuzz_stop)) {
		/* Sockets and pairs less often than calls on them. */
		enum fuzz_op op = (enum fuzz_op)fuzz_below(t, OPS);

		if ((op == OP_SOCKET || op == OP_PAIR) && fuzz_below(t, 2))
			op = OP_SEND;
		atomic_store(&t->op, op);
		t->calls[op]++;
		if (fuzz_call(t, op) == 0)
			t->ok[op]++;
		atomic_store(&t->op, -1);
	}
	return NULL;
}

static double fuzz_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char fuzz_usage[] =
	"Usage: ttp-fuzz-syscalls [-j THREADS] [-t SECONDS] [-s SEED] [-p PORT]\n"
	"  -j   threads (default 4, at most 16)\n"
	"  -t   how long (default 10 s)\n"
	"  -s   seed of the random choices (default: from the clock)\n"
	"  -p   first of the 4 loopback ports used (default 47100)\n";

int main(int argc, char **argv)
{
	static struct fuzz_thread threads[FUZZ_THREADS];
	uint64_t seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	int nthreads = 4, opt, stuck = 0;
	double seconds = 10, end;
	unsigned long calls = 0, ok = 0;

	while ((opt = getopt(argc, argv, "j:t:s:p:")) != -1) {
		switch (opt) {
		case 'j':
			nthreads = atoi(optarg);
			break;
		case 't':
			seconds = strtod(optarg, NULL);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			fuzz_port = (uint16_t)atoi(optarg);
			break;
		default:
			fputs(fuzz_usage, stderr);
			return 2;
		}
	}
	if (nthreads < 1 || nthreads > FUZZ_THREADS || optind != argc) {
		fputs(fuzz_usage, stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	printf("seed %llu\n", (unsigned long long)seed);
	fflush(stdout);
	for (int i = 0; i < FUZZ_SLOTS; i++)
		fuzz_slot[i] = -1;
	for (int i = 0; i < FUZZ_BUF; i++)
		fuzz_buf[i] = (char)i;
	for (int i = 0; i < nthreads; i++) {
		threads[i].index = i;
		threads[i].rng = (seed + i) * 0x9e3779b97f4a7c15ULL | 1;
		threads[i].op = -1;
		if (pthread_create(&threads[i].tid, NULL, fuzz_thread_main, &threads[i])) {
			perror("ttp-fuzz-syscalls: pthread_create");
			return 2;
		}
	}
	end = fuzz_now() + seconds;
	while (fuzz_now() < end)
		poll(NULL, 0, 100);
	atomic_store(&fuzz_stop, true);

	/* Every call is bounded by its socket's timeouts: 30 s is plenty. */
	for (int waited = 0; waited < 300; waited++) {
		bool busy = false;

		for (int i = 0; i < nthreads; i++)
			busy |= atomic_load(&threads[i].op) >= 0;
		if (!busy)
			break;
		poll(NULL, 0, 100);
	}
	for (int i = 0; i < nthreads; i++) {
		int op = atomic_load(&threads[i].op);

		if (op >= 0) {
			printf("thread %d is stuck in %s\n", i, fuzz_op_names[op]);
			stuck++;
		}
	}
	if (stuck)
		return 1;	/* leave the stuck threads as they are */
	for (int i = 0; i < nthreads; i++) {
		pthread_join(threads[i].tid, NULL);
		for (int op = 0; op < OPS; op++) {
			calls += threads[i].calls[op];
			ok += threads[i].ok[op];
		}
	}
	printf("%lu calls in %.0f s from %d threads, %lu succeeded:", calls, seconds, nthreads, ok);
	for (int op = 0; op < OPS; op++) {
		unsigned long c = 0, s = 0;

		for (int i = 0; i < nthreads; i++) {
			c += threads[i].calls[op];
			s += threads[i].ok[op];
		}
		printf(" %s %lu/%lu", fuzz_op_names[op], s, c);
	}
	printf("\n");
	for (int i = 0; i < FUZZ_SLOTS; i++)
		if (fuzz_slot[i] >= 0)
			close(fuzz_slot[i]);
	return 0;
}
