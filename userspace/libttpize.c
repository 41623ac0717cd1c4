// SPDX-License-Identifier: GPL-2.0
/*
 * libttpize.so: loaded by ttpize through LD_PRELOAD, it turns an unmodified
 * program's TCP sockets into TTP sockets, as mptcpize does for MPTCP.
 *
 * With TTPIZE_PORTS unset, every socket(AF_INET or AF_INET6, SOCK_STREAM,
 * 0 or IPPROTO_TCP) is made with IPPROTO_TTP instead. With TTPIZE_PORTS
 * ("80,8000-8100"), such sockets start as TCP, since socket() cannot know
 * where they will go: the first whose connect() goes to a listed port, or
 * whose bind() names one, becomes TTP there and then (a new TTP socket takes
 * its descriptor, with its flags, the options set so far and its bind()
 * replayed); the others stay TCP.
 *
 * On a TTP socket the TCP options programs set map to their TTP twins (TCP's
 * seconds become TTP's milliseconds), and TCP_INFO reads a struct tcp_info
 * filled from TTP_INFO. Any other IPPROTO_TCP option fails as the kernel
 * fails an option it does not know: ENOPROTOOPT. Nothing is dropped quietly.
 *
 * Programs that make sockets without libc's socket() (raw syscalls,
 * io_uring) are not seen; ttpize(8) says so.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/ttp.h>
#include "parse.h"

#define TTPIZE_EXPORT __attribute__((visibility("default")))
#define TTPIZE_OPTS_MAX 32	/* options remembered on an undecided socket */
#define TTPIZE_OPT_LEN 64

static int (*ttpize_real_socket)(int, int, int);
static int (*ttpize_real_connect)(int, const struct sockaddr *, socklen_t);
static int (*ttpize_real_bind)(int, const struct sockaddr *, socklen_t);
static int (*ttpize_real_listen)(int, int);
static int (*ttpize_real_setsockopt)(int, int, int, const void *, socklen_t);
static int (*ttpize_real_getsockopt)(int, int, int, void *, socklen_t *);

/* TTPIZE_PORTS as a bitmap; no port in it: every TCP socket is TTP. */
static unsigned char ttpize_ports[TTP_PORT_MAP_BYTES];
static bool ttpize_some_ports;

/* A TCP socket that may yet become TTP (TTPIZE_PORTS only). */
struct ttpize_pending {
	ino_t ino;		/* the socket's, to tell a reused descriptor */
	int domain, type;
	struct {
		int level, name;
		socklen_t len;
		unsigned char val[TTPIZE_OPT_LEN];
	} opts[TTPIZE_OPTS_MAX];
	int nopts;
	bool overflow;		/* an option not remembered: cannot convert */
	struct sockaddr_storage bound;
	socklen_t bound_len;	/* 0: not bound */
};

static pthread_mutex_t ttpize_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ttpize_pending **ttpize_fds;
static int ttpize_nfds;

static bool ttpize_port_listed(unsigned int port)
{
	return ttp_port_in_map(ttpize_ports, port);
}

/*
 * "80,8000-8100". ttpize checked it; one set by hand that is malformed
 * counts up to its first bad item.
 */
static void ttpize_read_ports(const char *s)
{
	size_t i;

	if (!s)
		return;
	ttp_parse_ports(s, ttpize_ports);
	for (i = 0; i < sizeof(ttpize_ports) && !ttpize_some_ports; i++)
		ttpize_some_ports = ttpize_ports[i];
}

__attribute__((constructor)) static void ttpize_init(void)
{
	ttpize_real_socket = dlsym(RTLD_NEXT, "socket");
	ttpize_real_connect = dlsym(RTLD_NEXT, "connect");
	ttpize_real_bind = dlsym(RTLD_NEXT, "bind");
	ttpize_real_listen = dlsym(RTLD_NEXT, "listen");
	ttpize_real_setsockopt = dlsym(RTLD_NEXT, "setsockopt");
	ttpize_real_getsockopt = dlsym(RTLD_NEXT, "getsockopt");
	ttpize_read_ports(getenv("TTPIZE_PORTS"));
}

static bool ttpize_is_ttp(int fd)
{
	int proto = 0;
	socklen_t len = sizeof(proto);

	return !ttpize_real_getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) &&
	       proto == IPPROTO_TTP;
}

static ino_t ttpize_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : st.st_ino;
}

/* Take FD's record out of the table (the caller frees it); NULL if none. */
static struct ttpize_pending *ttpize_take(int fd)
{
	struct ttpize_pending *p = NULL;

	pthread_mutex_lock(&ttpize_lock);
	if (fd >= 0 && fd < ttpize_nfds) {
		p = ttpize_fds[fd];
		ttpize_fds[fd] = NULL;
	}
	pthread_mutex_unlock(&ttpize_lock);
	/* A descriptor closed and reused since: not the socket recorded. */
	if (p && p->ino != ttpize_ino(fd)) {
		free(p);
		p = NULL;
	}
	return p;
}

static void ttpize_put(int fd, struct ttpize_pending *p)
{
	pthread_mutex_lock(&ttpize_lock);
	if (fd >= ttpize_nfds) {
		int n = fd + 64;
		struct ttpize_pending **t = realloc(ttpize_fds, n * sizeof(*t));

		if (!t) {
			pthread_mutex_unlock(&ttpize_lock);
			free(p);
			return;
		}
		memset(t + ttpize_nfds, 0, (n - ttpize_nfds) * sizeof(*t));
		ttpize_fds = t;
		ttpize_nfds = n;
	}
	free(ttpize_fds[fd]);
	ttpize_fds[fd] = p;
	pthread_mutex_unlock(&ttpize_lock);
}

static bool ttpize_tcp_stream(int domain, int type, int protocol)
{
	return (domain == AF_INET || domain == AF_INET6) &&
	       (type & 0xf) == SOCK_STREAM && (protocol == 0 || protocol == IPPROTO_TCP);
}

TTPIZE_EXPORT int socket(int domain, int type, int protocol)
{
	struct ttpize_pending *p;
	int fd;

	if (!ttpize_tcp_stream(domain, type, protocol))
		return ttpize_real_socket(domain, type, protocol);
	if (!ttpize_some_ports)
		return ttpize_real_socket(domain, type, IPPROTO_TTP);
	fd = ttpize_real_socket(domain, type, protocol);
	if (fd < 0)
		return fd;
	p = calloc(1, sizeof(*p));
	if (p) {
		p->ino = ttpize_ino(fd);
		p->domain = domain;
		p->type = type & 0xf;
		ttpize_put(fd, p);
	}
	return fd;
}

/* TCP's option NAME in seconds, or -1 if not one of those. */
static bool ttpize_in_seconds(int name)
{
	return name == TCP_KEEPIDLE || name == TCP_KEEPINTVL || name == TCP_LINGER2;
}

/* An IPPROTO_TCP option's TTP twin, or -1. */
static int ttpize_twin(int name)
{
	switch (name) {
	case TCP_NODELAY:	return TTP_NODELAY;
	case TCP_CORK:		return TTP_CORK;
	case TCP_KEEPIDLE:	return TTP_KEEPIDLE;
	case TCP_KEEPINTVL:	return TTP_KEEPINTVL;
	case TCP_KEEPCNT:	return TTP_KEEPCNT;
	case TCP_SYNCNT:	return TTP_SYNCNT;
	case TCP_LINGER2:	return TTP_LINGER2;
	case TCP_USER_TIMEOUT:	return TTP_USER_TIMEOUT;	/* both in ms */
	}
	return -1;
}

static int ttpize_set_ttp(int fd, int name, const void *val, socklen_t len)
{
	int twin = ttpize_twin(name), v;

	/* A name, not an int: passed as it is. */
	if (name == TCP_CONGESTION)
		return ttpize_real_setsockopt(fd, SOL_TTP, TTP_CONGESTION, val, len);
	if (twin < 0) {
		errno = ENOPROTOOPT;
		return -1;
	}
	if (len < sizeof(int)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(&v, val, sizeof(v));
	/* TCP refuses a negative user timeout; TTP's -1 would mean "none". */
	if (name == TCP_USER_TIMEOUT && v < 0) {
		errno = EINVAL;
		return -1;
	}
	if (ttpize_in_seconds(name) && v > 0) {
		if (v > INT_MAX / 1000) {
			errno = EINVAL;
			return -1;
		}
		v *= 1000;
	}
	/* TCP_LINGER2 below zero: no FIN_WAIT_2 at all, TTP's -1. */
	if (name == TCP_LINGER2 && v < 0)
		v = -1;
	return ttpize_real_setsockopt(fd, SOL_TTP, twin, &v, sizeof(v));
}

/* struct tcp_info from TTP_INFO: what the two share, the rest zero. */
static int ttpize_tcp_info(int fd, void *val, socklen_t *len)
{
	struct ttp_info ti = { 0 };
	struct tcp_info t = { 0 };
	socklen_t tlen = sizeof(ti);

	if (ttpize_real_getsockopt(fd, SOL_TTP, TTP_INFO, &ti, &tlen))
		return -1;
	t.tcpi_state = ti.state;
	t.tcpi_ca_state = ti.ca_state == 1 ? TCP_CA_Recovery :
			  ti.ca_state == 2 ? TCP_CA_Loss : TCP_CA_Open;
	t.tcpi_retransmits = ti.retransmits;
	t.tcpi_backoff = ti.backoff;
	t.tcpi_options = (ti.options & TTP_INFO_OPT_TIMESTAMPS ? TCPI_OPT_TIMESTAMPS : 0) |
			 (ti.options & TTP_INFO_OPT_WSCALE ? TCPI_OPT_WSCALE : 0) |
			 (ti.options & TTP_INFO_OPT_SACK ? TCPI_OPT_SACK : 0);
	t.tcpi_snd_wscale = ti.snd_wscale;
	t.tcpi_rcv_wscale = ti.rcv_wscale;
	t.tcpi_rto = ti.rto_us;
	t.tcpi_snd_mss = ti.snd_mss;
	t.tcpi_rcv_mss = ti.rcv_mss;
	t.tcpi_unacked = ti.unacked;
	t.tcpi_lost = ti.lost;
	t.tcpi_sacked = ti.sacked;
	t.tcpi_retrans = ti.retrans;
	t.tcpi_last_data_sent = ti.last_data_sent_ms;
	t.tcpi_last_data_recv = ti.last_data_recv_ms;
	t.tcpi_rcv_ssthresh = ti.rcv_ssthresh;
	t.tcpi_rtt = ti.rtt_us;
	t.tcpi_rttvar = ti.rttvar_us;
	t.tcpi_min_rtt = ti.min_rtt_us;
	t.tcpi_snd_ssthresh = ti.snd_ssthresh;
	t.tcpi_snd_cwnd = ti.snd_cwnd;
	t.tcpi_advmss = ti.rcv_mss;
	t.tcpi_reordering = ti.reordering;
	t.tcpi_total_retrans = ti.total_retrans;
	t.tcpi_bytes_acked = ti.bytes_acked;
	t.tcpi_bytes_received = ti.bytes_received;
	t.tcpi_segs_out = ti.segs_out;
	t.tcpi_segs_in = ti.segs_in;
	t.tcpi_snd_wnd = ti.snd_wnd;
	t.tcpi_bytes_sent = ti.bytes_sent;
	/* As TCP_INFO does: as much as asked for, no more than there is. */
	if (*len > sizeof(t))
		*len = sizeof(t);
	memcpy(val, &t, *len);
	return 0;
}

static int ttpize_get_ttp(int fd, int name, void *val, socklen_t *len)
{
	int twin = ttpize_twin(name), v;
	socklen_t vlen = sizeof(v);

	if (name == TCP_INFO)
		return ttpize_tcp_info(fd, val, len);
	if (name == TCP_CONGESTION)
		return ttpize_real_getsockopt(fd, SOL_TTP, TTP_CONGESTION, val, len);
	if (twin < 0) {
		errno = ENOPROTOOPT;
		return -1;
	}
	if (ttpize_real_getsockopt(fd, SOL_TTP, twin, &v, &vlen))
		return -1;
	if (ttpize_in_seconds(name) && v > 0)
		v = (v + 999) / 1000;
	if (*len > sizeof(v))
		*len = sizeof(v);
	memcpy(val, &v, *len);
	return 0;
}

/* Remember an option set on an undecided socket, to set it again. */
static void ttpize_remember(int fd, int level, int name, const void *val, socklen_t len)
{
	struct ttpize_pending *p = ttpize_take(fd);

	if (!p)
		return;
	if (p->nopts == TTPIZE_OPTS_MAX || len > TTPIZE_OPT_LEN) {
		p->overflow = true;
	} else {
		p->opts[p->nopts].level = level;
		p->opts[p->nopts].name = name;
		p->opts[p->nopts].len = len;
		memcpy(p->opts[p->nopts].val, val, len);
		p->nopts++;
	}
	ttpize_put(fd, p);
}

TTPIZE_EXPORT int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	int err;

	if (level == IPPROTO_TCP && ttpize_is_ttp(fd))
		return ttpize_set_ttp(fd, name, val, len);
	err = ttpize_real_setsockopt(fd, level, name, val, len);
	if (!err && ttpize_some_ports)
		ttpize_remember(fd, level, name, val, len);
	return err;
}

TTPIZE_EXPORT int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	if (level == IPPROTO_TCP && ttpize_is_ttp(fd))
		return ttpize_get_ttp(fd, name, val, len);
	return ttpize_real_getsockopt(fd, level, name, val, len);
}

static unsigned int ttpize_port_of(const struct sockaddr *addr, socklen_t len)
{
	if (addr && addr->sa_family == AF_INET && len >= sizeof(struct sockaddr_in))
		return ntohs(((const struct sockaddr_in *)addr)->sin_port);
	if (addr && addr->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6))
		return ntohs(((const struct sockaddr_in6 *)addr)->sin6_port);
	return 0;
}

/*
 * Put a TTP socket in FD's place: its file flags, the options set so far
 * and its bind() go with it. Fails, setting errno, rather than give the
 * program a socket without something it asked for.
 */
static int ttpize_convert(int fd, struct ttpize_pending *p)
{
	int flags = fcntl(fd, F_GETFL), fdflags = fcntl(fd, F_GETFD), nfd, i;

	if (p->overflow || flags < 0 || fdflags < 0) {
		errno = p->overflow ? ENOPROTOOPT : errno;
		return -1;
	}
	nfd = ttpize_real_socket(p->domain, p->type, IPPROTO_TTP);
	if (nfd < 0)
		return -1;
	for (i = 0; i < p->nopts; i++) {
		const void *val = p->opts[i].val;
		int err;

		if (p->opts[i].level == IPPROTO_TCP)
			err = ttpize_set_ttp(nfd, p->opts[i].name, val, p->opts[i].len);
		else
			err = ttpize_real_setsockopt(nfd, p->opts[i].level, p->opts[i].name,
						     val, p->opts[i].len);
		if (err)
			goto fail;
	}
	if (p->bound_len &&
	    ttpize_real_bind(nfd, (struct sockaddr *)&p->bound, p->bound_len))
		goto fail;
	if (fcntl(nfd, F_SETFL, flags) ||
	    dup3(nfd, fd, fdflags & FD_CLOEXEC ? O_CLOEXEC : 0) < 0)
		goto fail;
	close(nfd);
	return 0;
fail:
	i = errno;
	close(nfd);
	errno = i;
	return -1;
}

TTPIZE_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct ttpize_pending *p;
	int err;

	if (!ttpize_some_ports || !(p = ttpize_take(fd)))
		return ttpize_real_connect(fd, addr, len);
	err = ttpize_port_listed(ttpize_port_of(addr, len)) ? ttpize_convert(fd, p) : 0;
	free(p);
	return err ? err : ttpize_real_connect(fd, addr, len);
}

TTPIZE_EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct ttpize_pending *p;
	int err;

	if (!ttpize_some_ports || !(p = ttpize_take(fd)))
		return ttpize_real_bind(fd, addr, len);
	if (ttpize_port_listed(ttpize_port_of(addr, len))) {
		err = ttpize_convert(fd, p);
		free(p);
		return err ? err : ttpize_real_bind(fd, addr, len);
	}
	/* Not listed: bound as TCP, yet a connect() may still convert it. */
	err = ttpize_real_bind(fd, addr, len);
	if (!err && len <= sizeof(p->bound)) {
		memcpy(&p->bound, addr, len);
		p->bound_len = len;
		ttpize_put(fd, p);
	} else {
		free(p);
	}
	return err;
}

/* A listener on an unlisted port stays TCP: forget it. */
TTPIZE_EXPORT int listen(int fd, int backlog)
{
	if (ttpize_some_ports)
		free(ttpize_take(fd));
	return ttpize_real_listen(fd, backlog);
}
