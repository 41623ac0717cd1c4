// SPDX-License-Identifier: GPL-2.0
/*
 * Running a script: a private network namespace with a TUN device whose far
 * end the tool plays. Segments the stack sends to the remote address come
 * out of the TUN device; segments the script injects go into it. System
 * calls run in a thread of their own, so that one may block while segments
 * keep flowing, as in packetdrill.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/if_addr.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/ttp.h>
#include "packet.h"
#include "run.h"
#include "info.h"
#include "stall.h"
#include "stats.h"

#define TD_LOCAL_PORT	8080	/* what bind() takes and connect() reaches */
#define TD_REMOTE_PORT	43210	/* the remote side's port for a passive open */
#define TD_MAX_FDS	64

/* What the tool knows of each remote port's connection. */
struct td_peer {
	uint16_t port;
	uint32_t local_isn;
	bool known;
	uint32_t last_tsval;
};

#define TD_MAX_PEERS 16

struct td_run {
	const struct td_script *script;
	struct td_peer peers[TD_MAX_PEERS];
	int npeers;
	const struct td_options *opt;
	struct td_conn conn;
	int tun;
	long long start, prev;	/* microseconds, monotonic */
	long long tolerance;
	int fds[TD_MAX_FDS];	/* script fd -> real fd */

	/* The system call thread and what it is doing. */
	pthread_t thread;
	pid_t tid;			/* the thread's, for /proc */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	const struct td_event *job;	/* waiting to start */
	const struct td_event *running;	/* started, not finished */
	long long job_start;
	bool done;			/* a result is waiting to be checked */
	long ret;
	int err;
	long long finished;
	bool quit;
	char failure[1024];
	bool near_miss;		/* the failure: timing only, within 2 tolerances */
	bool stalled;		/* the failure followed a stall of the machine */
	long long stall;	/* the latest an input of the script went out */
	long long slow_shell;	/* the longest a command line ran... */
	bool segments;		/* ...once segments had crossed ttpd0 */
};

static long long td_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int td_error(struct td_run *r, const struct td_event *ev, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(r->failure, sizeof(r->failure), "%s:%d: ", r->script->name,
		     ev ? ev->line : 0);
	va_start(ap, fmt);
	vsnprintf(r->failure + n, sizeof(r->failure) - n, fmt, ap);
	va_end(ap);
	return -1;
}

static double td_secs(struct td_run *r, long long t)
{
	return (t - r->start) / 1e6;
}

/*
 * Whether the machine stalled while this line was awaited: this run's own
 * inputs (an injected segment, a system call, a stat) went out later than
 * the tolerance, or the stall watch (stall.c) saw a wake that late since
 * the previous line. Then the stack saw the script at the wrong times, and
 * a timing failure that follows judges nothing: it is run again (a stack
 * that is wrong stays wrong in the rerun; a stall rarely strikes twice).
 */
static bool td_stalled(struct td_run *r)
{
	long long machine = td_stall_worst(r->prev - r->tolerance);
	size_t n = strlen(r->failure);

	if (r->stall > r->tolerance)
		snprintf(r->failure + n, sizeof(r->failure) - n,
			 "\n  a stall: an input of the script went out %.3f s late",
			 r->stall / 1e6);
	else if (r->slow_shell > r->tolerance)
		snprintf(r->failure + n, sizeof(r->failure) - n,
			 "\n  a stall: a command of the script ran %.3f s",
			 r->slow_shell / 1e6);
	else if (machine > r->tolerance)
		snprintf(r->failure + n, sizeof(r->failure) - n,
			 "\n  a stall: the machine slept %.3f s too long since the previous line",
			 machine / 1e6);
	else
		return false;
	r->near_miss = true;
	r->stalled = true;
	return true;
}

/* An input of the script, due at TARGET, goes out now. */
static void td_note_input(struct td_run *r, long long target)
{
	long long late = td_now() - target;

	if (late > r->stall)
		r->stall = late;
}

/*
 * A timing miss: the event came MISS microseconds outside its tolerance
 * (or did not come within twice it: MISS < 0). Within one more tolerance
 * it is a near miss, which the caller may run again (ttp_packets.sh prints
 * it as "flaky"); anything further is a plain failure, as a missing
 * retransmission or a timer at the wrong multiple would be.
 */
static int td_timing_error(struct td_run *r, const struct td_event *ev, long long miss,
			   const char *what)
{
	r->near_miss = miss >= 0 && miss <= r->tolerance;
	td_error(r, ev, "%s", what);
	if (td_stalled(r))
		return -1;
	if (r->near_miss) {
		size_t n = strlen(r->failure);

		snprintf(r->failure + n, sizeof(r->failure) - n,
			 "\n  a near miss: %.3f s beyond the tolerance of %.3f s",
			 miss / 1e6, r->tolerance / 1e6);
	}
	return -1;
}

static int td_sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static int td_link_up(int fd, const char *name)
{
	struct ifreq ifr = { 0 };

	strcpy(ifr.ifr_name, name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr))
		return -1;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(fd, SIOCSIFFLAGS, &ifr);
}

/*
 * LOCAL on ttpd0 (a /24 or a /64) with one RTM_NEWADDR: IFA_F_NODAD makes
 * an IPv6 address usable at once, as "ip addr add ... nodad" did (added
 * by ioctl it would stay tentative until addrconf's work item ran, and a
 * bind() at the script's first line could fail).
 */
static int td_address(int family, const char *local, int ifindex)
{
	struct {
		struct nlmsghdr nh;
		struct ifaddrmsg ifa;
		struct rtattr rta;
		unsigned char addr[16];
	} req = {
		.nh = {
			.nlmsg_type = RTM_NEWADDR,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
		},
		.ifa = {
			.ifa_family = family,
			.ifa_prefixlen = family == AF_INET ? 24 : 64,
			.ifa_flags = family == AF_INET6 ? IFA_F_NODAD : 0,
			.ifa_index = ifindex,
		},
		.rta = { .rta_type = IFA_LOCAL },
	};
	struct {
		struct nlmsghdr nh;
		struct nlmsgerr err;
	} ack;
	int len = family == AF_INET ? 4 : 16;
	int fd, rc = -1;

	req.rta.rta_len = RTA_LENGTH(len);
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifa)) + RTA_ALIGN(req.rta.rta_len);
	if (inet_pton(family, local, req.addr) != 1)
		return -1;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	if (send(fd, &req, req.nh.nlmsg_len, 0) == (ssize_t)req.nh.nlmsg_len &&
	    recv(fd, &ack, sizeof(ack), 0) >= (ssize_t)sizeof(ack) &&
	    ack.nh.nlmsg_type == NLMSG_ERROR) {
		errno = -ack.err.error;
		rc = ack.err.error ? -1 : 0;
	}
	close(fd);
	return rc;
}

/* Whether the route to LOCAL is already the local one (RTM_GETROUTE). */
static int td_route_is_local(int fd, int family, const unsigned char *addr)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rtm;
		struct rtattr rta;
		unsigned char addr[16];
	} req = {
		.nh = { .nlmsg_type = RTM_GETROUTE, .nlmsg_flags = NLM_F_REQUEST },
		.rtm = { .rtm_family = family, .rtm_dst_len = family == AF_INET ? 32 : 128 },
		.rta = { .rta_type = RTA_DST },
	};
	union {
		struct nlmsghdr nh;
		char buf[4096];
	} ans;
	int len = family == AF_INET ? 4 : 16;
	struct rtmsg *rtm = NLMSG_DATA(&ans.nh);

	memcpy(req.addr, addr, len);
	req.rta.rta_len = RTA_LENGTH(len);
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.rtm)) + RTA_ALIGN(req.rta.rta_len);
	if (send(fd, &req, req.nh.nlmsg_len, 0) != (ssize_t)req.nh.nlmsg_len ||
	    recv(fd, &ans, sizeof(ans), 0) < (ssize_t)NLMSG_LENGTH(sizeof(*rtm)))
		return -1;
	/* No route at all is an error answer: not yet, as for any other. */
	return ans.nh.nlmsg_type == RTM_NEWROUTE && rtm->rtm_type == RTN_LOCAL;
}

/*
 * Until segments to LOCAL are delivered here. An IPv6 address, even with
 * IFA_F_NODAD, gets its local route from addrconf's DAD work item, not
 * from the request that added it: a SYN the script sends at once could
 * find none and be dropped, when the host is loaded and the work item
 * late (a listener's SYN-ACK "did not come"). IPv4's comes with the
 * address; asked all the same.
 */
static int td_wait_local(int family, const char *local)
{
	unsigned char addr[16];
	int fd, i, rc = -1;

	if (inet_pton(family, local, addr) != 1)
		return -1;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	for (i = 0; i < 10000; i++) {
		rc = td_route_is_local(fd, family, addr);
		if (rc)
			break;
		usleep(1000);
	}
	close(fd);
	if (rc == 0)
		errno = ETIMEDOUT;
	return rc == 1 ? 0 : -1;
}

/*
 * lo and ttpd0 up, and our address: by ioctl and rtnetlink, so that a
 * script starts no process before its first line (on the debug kernel
 * each costs a fraction of a second).
 */
static int td_addresses(int family, const char *local)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc;

	if (fd < 0)
		return -1;
	rc = td_link_up(fd, "lo") || td_link_up(fd, "ttpd0") ? -1 : 0;
	close(fd);
	if (rc || td_address(family, local, if_nametoindex("ttpd0")))
		return -1;
	return td_wait_local(family, local);
}

/* A network namespace of our own, a TUN device, our addresses. */
static int td_setup(struct td_run *r)
{
	struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };
	const char *local = r->conn.family == AF_INET ? "192.0.2.1" : "2001:db8::1";
	const char *remote = r->conn.family == AF_INET ? "192.0.2.2" : "2001:db8::2";

	if (unshare(CLONE_NEWNET)) {
		perror("ttpdrill: unshare(CLONE_NEWNET) (root needed)");
		return -1;
	}
	r->tun = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (r->tun < 0 && errno == ENOENT && !td_sh("modprobe tun")) {
		/* The device node appears with the module. */
		r->tun = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	}
	if (r->tun < 0) {
		perror("ttpdrill: /dev/net/tun");
		return -1;
	}
	strcpy(ifr.ifr_name, "ttpd0");
	if (ioctl(r->tun, TUNSETIFF, &ifr)) {
		perror("ttpdrill: TUNSETIFF");
		return -1;
	}
	if (td_addresses(r->conn.family, local)) {
		perror("ttpdrill: cannot set up ttpd0");
		return -1;
	}
	inet_pton(r->conn.family, local, r->conn.local);
	inet_pton(r->conn.family, remote, r->conn.remote);
	return 0;
}

static int td_fd(struct td_run *r, const char *arg)
{
	long n = strtol(arg, NULL, 0);

	if (n < 0 || n >= TD_MAX_FDS || r->fds[n] < 0)
		return -1;
	return r->fds[n];
}

static long td_value(const char *arg)
{
	char buf[64], *tok, *save;
	long v = 0, x;

	if (arg[0] == '[')
		arg++;
	snprintf(buf, sizeof(buf), "%s", arg);
	buf[strcspn(buf, "]")] = '\0';
	for (tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		while (*tok == ' ')
			tok++;
		if (td_lookup_constant(tok, &x))
			x = strtol(tok, NULL, 0);
		v |= x;
	}
	return v;
}

static void td_sockaddr(struct td_run *r, const uint8_t *addr, int port,
			struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (r->conn.family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, addr, 4);
		*len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, addr, 16);
		*len = sizeof(*sin6);
	}
}

/* Perform one system call as the script writes it; errno as the result. */
static long td_do_syscall(struct td_run *r, const struct td_syscall *s, int *err)
{
	static char buf[1 << 20];
	struct sockaddr_storage ss;
	socklen_t len;
	long ret = -1;
	int fd = s->nargs ? td_fd(r, s->args[0]) : -1;

	errno = EBADF;
	if (!strcmp(s->name, "socket")) {
		ret = socket(r->conn.family, SOCK_STREAM, IPPROTO_TTP);
	} else if (fd < 0 && strcmp(s->name, "socket")) {
		/* an unknown fd: EBADF */
	} else if (!strcmp(s->name, "bind")) {
		r->conn.lport = TD_LOCAL_PORT;
		r->conn.rport = TD_REMOTE_PORT;
		td_sockaddr(r, r->conn.local, TD_LOCAL_PORT, &ss, &len);
		ret = bind(fd, (struct sockaddr *)&ss, len);
	} else if (!strcmp(s->name, "listen") && s->nargs == 2) {
		ret = listen(fd, (int)td_value(s->args[1]));
	} else if (!strcmp(s->name, "accept")) {
		ret = accept(fd, NULL, NULL);
	} else if (!strcmp(s->name, "connect")) {
		r->conn.rport = TD_LOCAL_PORT;
		td_sockaddr(r, r->conn.remote, TD_LOCAL_PORT, &ss, &len);
		ret = connect(fd, (struct sockaddr *)&ss, len);
	} else if (!strcmp(s->name, "write") && s->nargs == 3) {
		size_t n = td_value(s->args[2]);

		memset(buf, 'x', n < sizeof(buf) ? n : sizeof(buf));
		ret = write(fd, buf, n < sizeof(buf) ? n : sizeof(buf));
	} else if (!strcmp(s->name, "read") && s->nargs == 3) {
		size_t n = td_value(s->args[2]);

		ret = read(fd, buf, n < sizeof(buf) ? n : sizeof(buf));
	} else if (!strcmp(s->name, "shutdown") && s->nargs == 2) {
		ret = shutdown(fd, (int)td_value(s->args[1]));
	} else if (!strcmp(s->name, "close")) {
		ret = close(fd);
	} else if (!strcmp(s->name, "setsockopt") && s->nargs == 5) {
		int v[2] = { (int)td_value(s->args[3]), 0 };
		const char *comma = strchr(s->args[3], ',');

		if (comma)	/* [1, 0]: two ints, for SO_LINGER */
			v[1] = (int)td_value(comma + 1);
		ret = setsockopt(fd, (int)td_value(s->args[1]), (int)td_value(s->args[2]),
				 v, comma ? sizeof(v) : sizeof(int));
	} else if (!strcmp(s->name, "getsockopt") && s->nargs >= 4) {
		int v = 0;
		socklen_t vl = sizeof(v);

		ret = getsockopt(fd, (int)td_value(s->args[1]), (int)td_value(s->args[2]),
				 &v, &vl);
		if (!ret && v != td_value(s->args[3])) {
			/* A wrong value reads as a wrong result. */
			ret = v;
		}
	} else if (!strcmp(s->name, "fcntl") && s->nargs >= 2) {
		ret = fcntl(fd, (int)td_value(s->args[1]),
			    s->nargs > 2 ? td_value(s->args[2]) : 0);
		if (ret >= 0 && td_value(s->args[1]) == F_GETFL)
			ret &= O_RDWR | O_NONBLOCK;
	} else if (!strcmp(s->name, "poll") && s->nargs == 3) {
		struct pollfd p = { .fd = fd, .events = (short)td_value(s->args[1]) };

		ret = poll(&p, 1, (int)td_value(s->args[2]));
		if (ret >= 0)
			ret = p.revents;
	} else {
		errno = ENOSYS;
	}
	*err = ret < 0 ? errno : 0;
	return ret;
}

static void *td_syscall_thread(void *arg)
{
	struct td_run *r = arg;

	pthread_mutex_lock(&r->lock);
	r->tid = gettid();
	pthread_cond_broadcast(&r->cond);
	for (;;) {
		const struct td_event *ev;
		long ret;
		int err;

		while (!r->job && !r->quit)
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->quit)
			break;
		ev = r->job;
		r->job = NULL;
		r->running = ev;
		pthread_mutex_unlock(&r->lock);
		ret = td_do_syscall(r, &ev->sys, &err);
		pthread_mutex_lock(&r->lock);
		r->ret = ret;
		r->err = err;
		r->finished = td_now();
		r->done = true;
		pthread_cond_broadcast(&r->cond);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* Check a finished system call's result; map new fds. Lock held. */
static int td_check_syscall(struct td_run *r)
{
	const struct td_event *ev = r->running;
	const struct td_syscall *s = &ev->sys;
	bool makes_fd = !strcmp(s->name, "socket") || !strcmp(s->name, "accept");
	long long want_end;

	r->done = false;
	r->running = NULL;
	/* A new fd is known by the script's number for it, whatever it is. */
	if (makes_fd && r->ret >= 0 && s->ret >= 0) {
		if (s->ret >= TD_MAX_FDS)
			return td_error(r, ev, "fd %ld out of range", s->ret);
		r->fds[s->ret] = (int)r->ret;
		return 0;
	}
	if (!s->ret_any && (r->ret != s->ret || (s->ret == -1 && r->err != s->err))) {
		if (r->ret == -1)
			return td_error(r, ev, "%s\n  script: %s\n  actual: returned -1 %s (%s)",
					"system call returned something else", ev->text,
					td_errno_name(r->err), strerror(r->err));
		return td_error(r, ev, "%s\n  script: %s\n  actual: returned %ld",
				"system call returned something else", ev->text, r->ret);
	}
	if (!strcmp(s->name, "close") && r->ret == 0)
		r->fds[strtol(s->args[0], NULL, 0)] = -1;
	if (ev->has_end) {
		long long off;
		char what[512];

		want_end = r->job_start + ev->end_usecs;
		off = llabs(r->finished - want_end);
		if (off > r->tolerance) {
			snprintf(what, sizeof(what),
				 "system call returned at %.3f s, expected %.3f s (+-%.3f)\n  script: %s",
				 td_secs(r, r->finished), td_secs(r, want_end),
				 r->tolerance / 1e6, ev->text);
			return td_timing_error(r, ev, off - r->tolerance, what);
		}
	}
	return 0;
}

static int td_syscall_poll(struct td_run *r)
{
	int ret = 0;

	pthread_mutex_lock(&r->lock);
	if (r->done)
		ret = td_check_syscall(r);
	pthread_mutex_unlock(&r->lock);
	return ret;
}

/*
 * Read the next TTP segment the stack sends, until DEADLINE. Returns 1 and
 * fills W, 0 on timeout, -1 on error.
 */
static int td_next_segment(struct td_run *r, long long deadline, struct td_wire *w,
			   long long *when)
{
	uint8_t buf[65600];

	for (;;) {
		long long left = deadline - td_now();
		struct pollfd p = { .fd = r->tun, .events = POLLIN };
		ssize_t n;
		int rc;

		if (td_syscall_poll(r))
			return -1;
		if (left <= 0)
			return 0;
		/* Wake up now and then to look at the system call thread. */
		rc = poll(&p, 1, left > 20000 ? 20 : (int)(left / 1000) + 1);
		if (rc < 0 && errno != EINTR)
			return td_error(r, NULL, "poll: %s", strerror(errno));
		if (rc <= 0)
			continue;
		n = read(r->tun, buf, sizeof(buf));
		if (n <= 0)
			continue;
		*when = td_now();
		rc = td_wire_parse(buf, n, w);
		if (rc == 1)
			continue;	/* not TTP: neighbour discovery and such */
		if (rc < 0)
			return td_error(r, NULL, "the stack sent a malformed TTP segment at %.3f s",
					td_secs(r, *when));
		return 1;
	}
}

static struct td_peer *td_peer(struct td_run *r, uint16_t port)
{
	int i;

	for (i = 0; i < r->npeers; i++)
		if (r->peers[i].port == port)
			return &r->peers[i];
	if (r->npeers == TD_MAX_PEERS)
		return &r->peers[0];
	r->peers[r->npeers].port = port;
	return &r->peers[r->npeers++];
}

/* The connection a segment line is about: its remote port's. */
static struct td_peer *td_view(struct td_run *r, const struct td_packet *p,
			       struct td_conn *view)
{
	struct td_peer *peer = td_peer(r, p && p->port ? p->port : r->conn.rport);

	*view = r->conn;
	view->rport = peer->port;
	view->local_isn = peer->local_isn;
	view->local_isn_known = peer->known;
	view->last_tsval = peer->last_tsval;
	return peer;
}

/* Wait until DEADLINE; any segment the stack sends meanwhile is unexpected. */
static int td_wait_until(struct td_run *r, const struct td_event *ev, long long deadline)
{
	struct td_conn view;
	struct td_wire w;
	long long when;
	char got[256];
	int rc = td_next_segment(r, deadline, &w, &when);

	if (rc <= 0)
		return rc;
	td_view(r, NULL, &view);
	td_format(&view, &w, got, sizeof(got));
	td_error(r, ev, "an unexpected segment before this line\n  script: %s\n  actual: %.3f > %s",
		 ev ? ev->text : "(end of script)", td_secs(r, when), got);
	/*
	 * Read only after the line was due: the script woke late, and its
	 * own input (due at DEADLINE) had not gone out when the stack acted
	 * (a retransmission timer, say). If it was later than the tolerance,
	 * that is a stall, which the rerun judges.
	 */
	if (when > deadline)
		td_note_input(r, deadline);
	td_stalled(r);
	return -1;
}

static int td_expect(struct td_run *r, const struct td_event *ev, long long target)
{
	struct td_conn view;
	struct td_peer *peer;
	struct td_wire w;
	long long when;
	char got[256], why[128], what[512];
	/* Up to a second tolerance, to tell a near miss from a missing one. */
	int rc = td_next_segment(r, target + 2 * r->tolerance, &w, &when);

	if (rc < 0)
		return -1;
	if (rc == 0) {
		snprintf(what, sizeof(what),
			 "a segment did not come\n  script: %s (expected at %.3f s +-%.3f)\n  actual: nothing by %.3f s",
			 ev->text, td_secs(r, target), r->tolerance / 1e6,
			 td_secs(r, target + 2 * r->tolerance));
		return td_timing_error(r, ev, -1, what);
	}
	if (!r->conn.lport)
		r->conn.lport = w.sport;	/* connect() chose it */
	peer = td_view(r, &ev->pkt, &view);
	/*
	 * A SYN tells the local side's ISN: the first one, or any whose
	 * sequence number the script leaves as "*" (a new connection).
	 */
	if ((w.flags & TTP_FLAG_SYN) && (!peer->known || ev->pkt.seq == TD_ANY)) {
		peer->local_isn = w.seq;
		peer->known = true;
		r->conn.lport = w.sport;	/* a new connect() may pick another */
		td_view(r, &ev->pkt, &view);
	}
	td_format(&view, &w, got, sizeof(got));
	if (td_match(&view, &ev->pkt, &w, why, sizeof(why)))
		return td_error(r, ev, "a segment differs: %s\n  script: %s\n  actual: %.3f > %s",
				why, ev->text, td_secs(r, when), got);
	if (when < target - r->tolerance) {
		snprintf(what, sizeof(what),
			 "a segment came too early\n  script: %s (at %.3f s +-%.3f)\n  actual: %.3f > %s",
			 ev->text, td_secs(r, target), r->tolerance / 1e6, td_secs(r, when), got);
		return td_timing_error(r, ev, target - r->tolerance - when, what);
	}
	if (when > target + r->tolerance) {
		snprintf(what, sizeof(what),
			 "a segment came too late\n  script: %s (at %.3f s +-%.3f)\n  actual: %.3f > %s",
			 ev->text, td_secs(r, target), r->tolerance / 1e6, td_secs(r, when), got);
		return td_timing_error(r, ev, when - target - r->tolerance, what);
	}
	for (int i = 0; i < w.nopts; i++)
		if (w.opts[i].kind == TD_OPT_TS)
			peer->last_tsval = w.opts[i].a;
	r->prev = when;
	return 0;
}

static int td_inject(struct td_run *r, const struct td_event *ev)
{
	uint8_t buf[65600];
	struct td_conn view;
	char why[128];
	int n;

	td_view(r, &ev->pkt, &view);
	n = td_build(&view, &ev->pkt, buf, sizeof(buf), why, sizeof(why));
	if (n < 0)
		return td_error(r, ev, "%s\n  script: %s", why, ev->text);
	if (!r->conn.rport)
		return td_error(r, ev, "no connection yet: bind() or connect() first");
	if (write(r->tun, buf, n) != n)
		return td_error(r, ev, "writing to the TUN device: %s", strerror(errno));
	return 0;
}

/* Whether the system call thread sleeps in the kernel. */
static bool td_thread_blocked(struct td_run *r)
{
	char path[64], buf[256], *p;
	FILE *f;
	bool blocked = false;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", r->tid);
	f = fopen(path, "r");
	if (f && fgets(buf, sizeof(buf), f)) {
		p = strrchr(buf, ')');
		blocked = p && (p[2] == 'S' || p[2] == 'D');
	}
	if (f)
		fclose(f);
	return blocked;
}

/*
 * Like packetdrill: a system call is waited for until it returns or blocks
 * in the kernel, so that what follows it in the script happens after it.
 */
static int td_settle(struct td_run *r)
{
	for (;;) {
		int ret = 0;

		pthread_mutex_lock(&r->lock);
		if (r->done) {
			ret = td_check_syscall(r);
			pthread_mutex_unlock(&r->lock);
			return ret;
		}
		if (!r->job && r->running && td_thread_blocked(r)) {
			pthread_mutex_unlock(&r->lock);
			return 0;
		}
		pthread_mutex_unlock(&r->lock);
		usleep(200);
	}
}

static int td_start_syscall(struct td_run *r, const struct td_event *ev, long long now)
{
	long long give_up = now + r->tolerance;
	struct td_wire w;
	long long when;
	int rc;

	/* One system call at a time: wait for a blocked one to return. */
	for (;;) {
		pthread_mutex_lock(&r->lock);
		if (r->done && td_check_syscall(r)) {
			pthread_mutex_unlock(&r->lock);
			return -1;
		}
		if (!r->running && !r->job) {
			r->job = ev;
			r->job_start = td_now();
			pthread_cond_broadcast(&r->cond);
			pthread_mutex_unlock(&r->lock);
			return td_settle(r);
		}
		pthread_mutex_unlock(&r->lock);
		rc = td_next_segment(r, td_now() + 10000, &w, &when);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			struct td_conn view;
			char got[256];

			td_view(r, NULL, &view);
			td_format(&view, &w, got, sizeof(got));
			return td_error(r, ev, "an unexpected segment while a system call blocked\n  script: %s\n  actual: %.3f > %s",
					ev->text, td_secs(r, when), got);
		}
		if (td_now() > give_up) {
			/* A stall of the machine looks the same: see td_stalled(). */
			td_error(r, ev, "the system call before this one is still blocked\n  script: %s",
				 ev->text);
			td_stalled(r);
			return -1;
		}
	}
}

/*
 * The lines after a command count from its end, but the stack's timers
 * count from the segments before it: a command that ran longer than the
 * tolerance (ttpctl on a loaded machine) once segments had crossed moved
 * the script against them, as a late input does, and a timing failure
 * after it is a stall. Before the first segment no timer runs, and a
 * slow command (most scripts open with one) excuses nothing.
 */
static int td_shell(struct td_run *r, const struct td_event *ev)
{
	long long began = td_now();
	int status = system(ev->shell);

	if (r->segments && td_now() - began > r->slow_shell)
		r->slow_shell = td_now() - began;

	if (status != 0)
		return td_error(r, ev, "the command failed (status %d)\n  script: %s",
				WIFEXITED(status) ? WEXITSTATUS(status) : -1, ev->text);
	return 0;
}

/*
 * A stat line, due at TARGET: the figures read in-process (stats.c). A
 * figure that is wrong when read later than TD_STAT_ON_TIME (the machine
 * stalled) is a timing miss, not a plain failure: "still there at 3.4 s"
 * says nothing when the look came at 4.4 s.
 */
/*
 * A figure read this soon after its time is judged: the scripts leave at
 * least this much between a look and the change it must not yet see,
 * whatever tolerance the run allows the stack's own timing.
 */
#define TD_STAT_ON_TIME 250000LL

struct td_stat_look {
	const struct td_stat *st;
	bool found[TD_MAX_STATS];
	unsigned long long got[TD_MAX_STATS];
};

static void td_stat_seen(void *ctx, bool state, const char *name,
			 unsigned long long first, unsigned long long second)
{
	struct td_stat_look *look = ctx;
	int i;

	for (i = 0; i < look->st->n; i++) {
		if (strcmp(look->st->want[i].name, name))
			continue;
		if (state) {
			look->got[i] = look->st->want[i].entered ? second : first;
			look->found[i] = true;
		} else if (!look->st->want[i].entered) {
			look->got[i] = first;
			look->found[i] = true;
		}
	}
}

/*
 * Judge a figure read LATE after its time: NAME is GOT, wanted in LO..HI.
 * Read on time and wrong, it fails (unless a stall came before: then it
 * judged nothing). Read late, the figure may have moved on as it should
 * have: a near miss, however late (the rerun reads on time, and a wrong
 * figure fails there).
 */
static int td_judge(struct td_run *r, const struct td_event *ev, const char *name,
		    unsigned long long got, unsigned long long lo, unsigned long long hi,
		    long long late)
{
	char want[64], why[512];

	if (got >= lo && got <= hi)
		return 0;
	if (lo == hi)
		snprintf(want, sizeof(want), "%llu", lo);
	else
		snprintf(want, sizeof(want), "in %llu..%llu", lo, hi);
	if (late <= TD_STAT_ON_TIME) {
		td_error(r, ev, "%s is %llu, not %s\n  script: %s", name, got, want, ev->text);
		td_stalled(r);
		return -1;
	}
	snprintf(why, sizeof(why), "%s is %llu, not %s, read %.3f s after its time\n  script: %s",
		 name, got, want, late / 1e6, ev->text);
	return td_timing_error(r, ev, 0, why);
}

/* Whether every figure LOOK read is what the line wants. */
static bool td_stat_match(const struct td_stat_look *look)
{
	int i;

	for (i = 0; i < look->st->n; i++)
		if (!look->found[i] || look->got[i] != look->st->want[i].value)
			return false;
	return true;
}

/*
 * A stat line. The kernel counts an event just after it acts (a probe is
 * counted once it has left), and the segment that shows it may reach us
 * first: a figure not yet what the line wants is read again, every 5 ms,
 * for up to the tolerance, as any other line's time is judged. Judged
 * as read on time if the first reading was.
 */
static int td_stat(struct td_run *r, const struct td_event *ev, long long target)
{
	const struct td_stat *st = &ev->stat;
	struct td_stat_look look = { .st = st };
	long long late = td_now() - target;
	int i;

	for (;;) {
		memset(look.found, 0, sizeof(look.found));
		i = td_stats_read(td_stat_seen, &look);
		if (i)
			return td_error(r, ev, "reading the stats: %s\n  script: %s",
					strerror(-i), ev->text);
		if (td_stat_match(&look) || td_now() - target > r->tolerance)
			break;
		usleep(5000);
	}
	for (i = 0; i < st->n; i++) {
		char name[TD_STAT_NAME + 16];

		snprintf(name, sizeof(name), "%s%s", st->want[i].name,
			 st->want[i].entered ? ".entered" : "");
		if (!look.found[i])
			return td_error(r, ev, "the stats show no %s\n  script: %s", name,
					ev->text);
		if (td_judge(r, ev, name, look.got[i], st->want[i].value, st->want[i].value,
			     late))
			return -1;
	}
	return 0;
}

/*
 * The real fd of script fd N, for a line due at TARGET that is not a
 * system call: the call that makes it (an accept() the line before) may
 * still be returning in its thread, so wait for it as the next system
 * call would, within the tolerance.
 */
static int td_script_fd(struct td_run *r, const struct td_event *ev, int n, long long target)
{
	int fd;

	for (;;) {
		bool busy;

		pthread_mutex_lock(&r->lock);
		if (r->done && td_check_syscall(r)) {
			pthread_mutex_unlock(&r->lock);
			return -1;
		}
		fd = n < TD_MAX_FDS ? r->fds[n] : -1;
		busy = r->running || r->job;
		pthread_mutex_unlock(&r->lock);
		if (fd >= 0)
			return fd;
		if (!busy)
			return td_error(r, ev, "fd %d is not open\n  script: %s", n, ev->text);
		if (td_now() > target + r->tolerance) {
			td_error(r, ev, "the system call before this one is still blocked\n  script: %s",
				 ev->text);
			td_stalled(r);
			return -1;
		}
		if (td_wait_until(r, ev, td_now() + 10000))
			return -1;
	}
}

/* An info line, due at TARGET: getsockopt(TTP_INFO) on the script's fd. */
static int td_info(struct td_run *r, const struct td_event *ev, long long target)
{
	const struct td_info_check *in = &ev->info;
	struct ttp_info info = { 0 };
	socklen_t len = sizeof(info);
	long long late;
	int fd, i;

	fd = td_script_fd(r, ev, in->fd, target);
	if (fd < 0)
		return -1;
	if (getsockopt(fd, SOL_TTP, TTP_INFO, &info, &len))
		return td_error(r, ev, "getsockopt(TTP_INFO): %s\n  script: %s",
				strerror(errno), ev->text);
	late = td_now() - target;
	for (i = 0; i < in->n; i++)
		if (td_judge(r, ev, in->want[i].name,
			     td_info_value(&info, in->want[i].field), in->want[i].lo,
			     in->want[i].hi, late))
			return -1;
	return 0;
}

int td_run(const struct td_script *script, const struct td_options *opt, char *failure,
	   int len)
{
	struct td_run *r = calloc(1, sizeof(*r));
	int rc = -1, i;

	if (!r)
		return -1;
	r->script = script;
	r->opt = opt;
	r->conn.family = opt->family;
	r->conn.remote_isn = script->remote_isn;
	r->tolerance = script->tolerance_usecs ? script->tolerance_usecs : opt->tolerance_usecs;
	for (i = 0; i < TD_MAX_FDS; i++)
		r->fds[i] = -1;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	if (td_setup(r)) {
		snprintf(failure, len, "setup failed");
		free(r);
		return -2;
	}
	pthread_create(&r->thread, NULL, td_syscall_thread, r);
	if (td_stall_watch(r->tolerance / 4)) {
		snprintf(failure, len, "cannot start the stall watch");
		return -2;
	}
	pthread_mutex_lock(&r->lock);
	while (!r->tid)
		pthread_cond_wait(&r->cond, &r->lock);
	pthread_mutex_unlock(&r->lock);

	r->start = r->prev = td_now();
	for (i = 0; i < script->nevents; i++) {
		const struct td_event *ev = &script->events[i];
		long long target = (ev->relative ? r->prev : r->start) + ev->usecs;

		if (ev->type != TD_EXPECT && td_wait_until(r, ev, target))
			goto out;
		switch (ev->type) {
		case TD_EXPECT:
			if (td_expect(r, ev, target))
				goto out;
			r->segments = true;
			break;
		case TD_INJECT:
			td_note_input(r, target);
			if (td_inject(r, ev))
				goto out;
			r->segments = true;
			r->prev = target;
			break;
		case TD_SYSCALL:
			td_note_input(r, target);
			if (td_start_syscall(r, ev, target))
				goto out;
			r->prev = target;
			break;
		case TD_SHELL:
			if (td_shell(r, ev))
				goto out;
			r->prev = td_now();
			break;
		case TD_STAT:
			if (td_stat(r, ev, target))
				goto out;
			r->prev = td_now();
			break;
		case TD_INFO:
			if (td_info(r, ev, target))
				goto out;
			r->prev = td_now();
			break;
		}
		if (td_syscall_poll(r))
			goto out;
	}
	/* A system call still under way must finish, and as the script says. */
	for (long long deadline = td_now() + r->tolerance + 2000000;;) {
		bool idle;

		pthread_mutex_lock(&r->lock);
		if (r->done && td_check_syscall(r)) {
			pthread_mutex_unlock(&r->lock);
			goto out;
		}
		idle = !r->running && !r->job;
		pthread_mutex_unlock(&r->lock);
		if (idle)
			break;
		if (td_now() > deadline) {
			td_error(r, r->running, "a system call never returned");
			goto out;
		}
		usleep(10000);
	}
	rc = 0;
out:
	if (rc) {
		snprintf(failure, len, "%s", r->failure);
		if (r->stalled)
			rc = -4;
		else if (r->near_miss)
			rc = -3;
	}
	/*
	 * Leave nothing behind: the script's sockets end with an RST, not in
	 * a closing state that would keep the namespace (and the module)
	 * busy for minutes after the TUN device is gone.
	 */
	for (i = 0; i < TD_MAX_FDS; i++) {
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };

		if (r->fds[i] < 0)
			continue;
		setsockopt(r->fds[i], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(r->fds[i]);
	}
	pthread_mutex_lock(&r->lock);
	r->quit = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	/* A call blocked forever keeps its thread; the process is ending. */
	if (!r->running)
		pthread_join(r->thread, NULL);
	return rc;
}
