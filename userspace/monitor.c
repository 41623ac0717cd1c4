// SPDX-License-Identifier: GPL-2.0
/*
 * ttpctl monitor: the namespace's events as they happen, from the "events"
 * multicast group of the "ttp" family: state changes with their 4-tuple and
 * reason, drops with their counter's name, parameter changes with who made
 * them, SYN-flood episodes, and how many events the kernel held back when
 * they came faster than its events_rate (or than this reader).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <netlink/genl/ctrl.h>
#include <linux/ttp.h>
#include "filter.h"
#include "events.h"
#include "loop.h"
#include "parse.h"
#include "owners.h"
#include "ttpctl.h"

static const char ttp_monitor_usage[] =
	"Usage: ttpctl monitor [-c COUNT]\n"
	"  every event of the namespace until interrupted (-c: COUNT events):\n"
	"  state changes, drops, parameter changes, SYN floods, events lost,\n"
	"  connects that found no free local port, CLOSE_WAIT past\n"
	"  close_wait_warn_ms with the processes holding the socket\n";

static const char *const ttp_event_names[] = {
	[TTP_EVENT_STATE] = "state",
	[TTP_EVENT_DROP] = "drop",
	[TTP_EVENT_PARAM] = "param",
	[TTP_EVENT_SYNFLOOD_START] = "synflood-start",
	[TTP_EVENT_SYNFLOOD_END] = "synflood-end",
	[TTP_EVENT_LOST] = "lost",
	[TTP_EVENT_PORTS_EXHAUSTED] = "ports-exhausted",
	[TTP_EVENT_CLOSE_WAIT] = "close-wait",
};

struct ttp_monitor {
	struct ttp_ctl *ctl;
	struct ttp_state_names names;
	long left;		/* events still to print; -1: no end */
};

/* The kernel does not name CLOSED (states.h), yet events go to and from it. */
static const char *ttp_mon_state(const struct ttp_monitor *m, struct nlattr *a)
{
	unsigned int s = a ? nla_get_u8(a) : 0;

	if (s == TTP_CLOSED && !m->names.name[s][0])
		return "CLOSED";
	return ttp_state_name(&m->names, s);
}

static void ttp_mon_addr(char *dst, size_t len, struct nlattr *a, bool brackets)
{
	char buf[INET6_ADDRSTRLEN];
	int n = a ? nla_len(a) : 0;

	if ((n != 4 && n != 16) ||
	    !inet_ntop(n == 4 ? AF_INET : AF_INET6, nla_data(a), buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "?");
	snprintf(dst, len, n == 16 && brackets ? "[%s]" : "%s", buf);
}

static uint64_t ttp_mon_u64(struct nlattr *a)
{
	return a && nla_len(a) >= 8 ? nla_get_u64(a) : 0;
}

static const char *ttp_mon_str(struct nlattr *a)
{
	return a ? (const char *)nla_data(a) : "";
}

static void ttp_mon_json(struct ttp_monitor *m, int type, struct nlattr **tb)
{
	struct ttp_json j;
	char addr[INET6_ADDRSTRLEN + 2];

	ttp_json_init(&j, stdout, false);
	ttp_json_begin_object(&j, NULL);
	ttp_json_string(&j, "event", type < (int)(sizeof(ttp_event_names) / sizeof(ttp_event_names[0])) ?
			ttp_event_names[type] : "?");
	if (tb[TTP_EVENT_A_SADDR]) {
		ttp_json_string(&j, "family", nla_get_u8(tb[TTP_EVENT_A_FAMILY]) == AF_INET6 ?
				"inet6" : "inet");
		ttp_mon_addr(addr, sizeof(addr), tb[TTP_EVENT_A_SADDR], false);
		ttp_json_string(&j, "local", addr);
		ttp_json_u64(&j, "lport", nla_get_u16(tb[TTP_EVENT_A_SPORT]));
		ttp_mon_addr(addr, sizeof(addr), tb[TTP_EVENT_A_DADDR], false);
		ttp_json_string(&j, "peer", addr);
		ttp_json_u64(&j, "pport", nla_get_u16(tb[TTP_EVENT_A_DPORT]));
	}
	if (tb[TTP_EVENT_A_OLD_STATE]) {
		ttp_json_string(&j, "old", ttp_mon_state(m, tb[TTP_EVENT_A_OLD_STATE]));
		ttp_json_string(&j, "new", ttp_mon_state(m, tb[TTP_EVENT_A_NEW_STATE]));
	}
	if (tb[TTP_EVENT_A_REASON])
		ttp_json_string(&j, "reason", ttp_mon_str(tb[TTP_EVENT_A_REASON]));
	if (tb[TTP_EVENT_A_PARAM]) {
		ttp_json_string(&j, "param", ttp_mon_str(tb[TTP_EVENT_A_PARAM]));
		ttp_json_u64(&j, "old_value", ttp_mon_u64(tb[TTP_EVENT_A_OLD_VALUE]));
		ttp_json_u64(&j, "new_value", ttp_mon_u64(tb[TTP_EVENT_A_NEW_VALUE]));
	}
	if (tb[TTP_EVENT_A_PID]) {
		ttp_json_u64(&j, "pid", nla_get_u32(tb[TTP_EVENT_A_PID]));
		ttp_json_u64(&j, "uid", tb[TTP_EVENT_A_UID] ? nla_get_u32(tb[TTP_EVENT_A_UID]) : 0);
		ttp_json_string(&j, "comm", ttp_mon_str(tb[TTP_EVENT_A_COMM]));
	}
	if (tb[TTP_EVENT_A_COUNT])
		ttp_json_u64(&j, "count", ttp_mon_u64(tb[TTP_EVENT_A_COUNT]));
	if (tb[TTP_EVENT_A_DURATION_MS])
		ttp_json_u64(&j, "duration_ms", nla_get_u32(tb[TTP_EVENT_A_DURATION_MS]));
	if (tb[TTP_EVENT_A_INODE] && nla_len(tb[TTP_EVENT_A_INODE]) >= 8) {
		/* The socket may be gone by now: then nobody holds it. */
		struct ttp_owners o = { 0 };

		ttp_json_u64(&j, "uid", tb[TTP_EVENT_A_UID] ? nla_get_u32(tb[TTP_EVENT_A_UID]) : 0);
		ttp_json_u64(&j, "inode", nla_get_u64(tb[TTP_EVENT_A_INODE]));
		if (ttp_owners_read(&o))
			o.n = 0;
		ttp_owners_json(&j, &o, nla_get_u64(tb[TTP_EVENT_A_INODE]));
		ttp_owners_free(&o);
	}
	ttp_json_end_object(&j);
	ttp_json_finish(&j);
}

/*
 * The processes holding the socket of inode A, as sockets -p shows them:
 * ("COMM",pid=PID,fd=FD),... The socket may be gone by now: then none.
 */
static void ttp_mon_users(char *dst, size_t len, struct nlattr *a)
{
	struct ttp_owners o;

	dst[0] = '\0';
	if (!a || nla_len(a) < 8 || ttp_owners_read(&o))
		return;
	ttp_owners_text(dst, len, &o, nla_get_u64(a));
	ttp_owners_free(&o);
}

/* One line: "state 10.0.0.1:40000 > 10.0.0.2:80 A -> B (why)". */
void ttp_event_format(char *buf, size_t len, const struct ttp_state_names *names,
		      unsigned int type, struct nlattr **tb)
{
	char local[INET6_ADDRSTRLEN + 10] = "", peer[INET6_ADDRSTRLEN + 10] = "";
	struct ttp_monitor m = { 0 };

	m.names = *names;
	if (tb[TTP_EVENT_A_SADDR]) {
		char a[INET6_ADDRSTRLEN + 2];

		ttp_mon_addr(a, sizeof(a), tb[TTP_EVENT_A_SADDR], true);
		snprintf(local, sizeof(local), "%s:%u", a, nla_get_u16(tb[TTP_EVENT_A_SPORT]));
		ttp_mon_addr(a, sizeof(a), tb[TTP_EVENT_A_DADDR], true);
		snprintf(peer, sizeof(peer), "%s:%u", a, nla_get_u16(tb[TTP_EVENT_A_DPORT]));
	}
	switch (type) {
	case TTP_EVENT_STATE:
		snprintf(buf, len, "state %s > %s %s -> %s (%s)", local, peer,
			 ttp_mon_state(&m, tb[TTP_EVENT_A_OLD_STATE]),
			 ttp_mon_state(&m, tb[TTP_EVENT_A_NEW_STATE]),
			 ttp_mon_str(tb[TTP_EVENT_A_REASON]));
		break;
	case TTP_EVENT_DROP:
		snprintf(buf, len, "drop %s%s%s%s%s", local, local[0] ? " > " : "", peer,
			 local[0] ? " " : "", ttp_mon_str(tb[TTP_EVENT_A_REASON]));
		break;
	case TTP_EVENT_PARAM:
		snprintf(buf, len, "param %s %" PRIu64 " -> %" PRIu64 " by pid %u uid %u (%s)",
			 ttp_mon_str(tb[TTP_EVENT_A_PARAM]), ttp_mon_u64(tb[TTP_EVENT_A_OLD_VALUE]),
			 ttp_mon_u64(tb[TTP_EVENT_A_NEW_VALUE]),
			 tb[TTP_EVENT_A_PID] ? nla_get_u32(tb[TTP_EVENT_A_PID]) : 0,
			 tb[TTP_EVENT_A_UID] ? nla_get_u32(tb[TTP_EVENT_A_UID]) : 0,
			 ttp_mon_str(tb[TTP_EVENT_A_COMM]));
		break;
	case TTP_EVENT_SYNFLOOD_START:
		snprintf(buf, len, "synflood-start %s: the SYN queue overflows", local);
		break;
	case TTP_EVENT_SYNFLOOD_END:
		snprintf(buf, len, "synflood-end %s: %" PRIu64 " overflows in %u ms", local,
			 ttp_mon_u64(tb[TTP_EVENT_A_COUNT]),
			 tb[TTP_EVENT_A_DURATION_MS] ? nla_get_u32(tb[TTP_EVENT_A_DURATION_MS]) : 0);
		break;
	case TTP_EVENT_LOST:
		snprintf(buf, len, "lost %" PRIu64 " events (events_rate)",
			 ttp_mon_u64(tb[TTP_EVENT_A_COUNT]));
		break;
	case TTP_EVENT_CLOSE_WAIT: {
		char users[256];

		ttp_mon_users(users, sizeof(users), tb[TTP_EVENT_A_INODE]);
		snprintf(buf, len, "close-wait %s > %s: %u ms in CLOSE_WAIT, uid %u users:(%s)",
			 local, peer,
			 tb[TTP_EVENT_A_DURATION_MS] ? nla_get_u32(tb[TTP_EVENT_A_DURATION_MS]) : 0,
			 tb[TTP_EVENT_A_UID] ? nla_get_u32(tb[TTP_EVENT_A_UID]) : 0, users);
		break;
	}
	case TTP_EVENT_PORTS_EXHAUSTED:
		/* No local port was found: the local side is an address alone. */
		if (tb[TTP_EVENT_A_SADDR])
			ttp_mon_addr(local, sizeof(local), tb[TTP_EVENT_A_SADDR], false);
		snprintf(buf, len, "ports-exhausted %s > %s: no free local port, by pid %u uid %u (%s)",
			 local, peer, tb[TTP_EVENT_A_PID] ? nla_get_u32(tb[TTP_EVENT_A_PID]) : 0,
			 tb[TTP_EVENT_A_UID] ? nla_get_u32(tb[TTP_EVENT_A_UID]) : 0,
			 ttp_mon_str(tb[TTP_EVENT_A_COMM]));
		break;
	default:
		snprintf(buf, len, "event %u", type);
	}
}

static void ttp_mon_text(struct ttp_monitor *m, int type, struct nlattr **tb)
{
	char when[32], line[512];
	struct timeval tv;
	struct tm tm;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	ttp_event_format(line, sizeof(line), &m->names, type, tb);
	printf("%s.%03ld %s\n", when, (long)(tv.tv_usec / 1000), line);
}

/* An event message's attributes, or -1 if it is none. */
int ttp_event_parse(struct nl_msg *msg, struct nlattr **tb)
{
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *top[TTP_A_MAX + 1];

	if (g->cmd != TTP_CMD_EVENT ||
	    nla_parse(top, TTP_A_MAX, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), NULL) ||
	    !top[TTP_A_EVENT] ||
	    nla_parse_nested(tb, TTP_EVENT_A_MAX, top[TTP_A_EVENT], NULL) ||
	    !tb[TTP_EVENT_A_TYPE])
		return -1;
	return nla_get_u8(tb[TTP_EVENT_A_TYPE]);
}

/* Join the "events" group on NL's socket, which then only listens. */
int ttp_events_join(struct ttp_nl *nl, nl_recvmsg_msg_cb_t fn, void *arg)
{
	struct nl_sock *sk = nl->sk;
	int grp;

	grp = genl_ctrl_resolve_grp(sk, TTP_GENL_NAME, TTP_MCGRP_EVENTS);
	if (grp < 0) {
		fprintf(stderr, "Error: the module has no \"%s\" group: it is older than this ttpctl\n",
			TTP_MCGRP_EVENTS);
		return -1;
	}
	if (nl_socket_add_membership(sk, grp)) {
		fprintf(stderr, "Error: cannot join the \"%s\" group\n", TTP_MCGRP_EVENTS);
		return -1;
	}
	/* Room for a burst (the kernel caps it at net.core.rmem_max). */
	nl_socket_set_buffer_size(sk, 1 << 20, 0);
	nl_socket_disable_seq_check(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, fn, arg);
	nl_socket_set_nonblocking(sk);
	return nl_socket_get_fd(sk);
}

static int ttp_mon_event(struct nl_msg *msg, void *arg)
{
	struct ttp_monitor *m = arg;
	struct nlattr *tb[TTP_EVENT_A_MAX + 1];
	int type = ttp_event_parse(msg, tb);

	if (type < 0)
		return NL_SKIP;
	if (m->ctl->json)
		ttp_mon_json(m, type, tb);
	else
		ttp_mon_text(m, type, tb);
	fflush(stdout);
	if (m->left > 0 && --m->left == 0)
		ttp_stop = 1;
	return NL_OK;
}

static int ttp_monitor_run(struct ttp_ctl *ctl, int argc, char **argv)
{
	struct ttp_monitor m = { .ctl = ctl, .left = -1 };
	struct nl_sock *sk;
	struct pollfd pfd;

	if (argc == 2 && !strcmp(argv[0], "-c")) {
		if (ttp_parse_long(argv[1], 1, LONG_MAX, &m.left))
			return ttp_ctl_usage_error(ttp_monitor_usage,
						   "-c takes a count of 1 or more, not \"%s\"", argv[1]);
	} else if (argc) {
		return ttp_ctl_usage_error(ttp_monitor_usage, "Unknown argument \"%s\"", argv[0]);
	}
	if (ttp_ctl_connect(ctl) || ttp_state_names_get(ctl, &m.names))
		return TTP_EXIT_KERNEL;
	pfd.fd = ttp_events_join(&ctl->nl, ttp_mon_event, &m);
	if (pfd.fd < 0)
		return TTP_EXIT_KERNEL;
	sk = ctl->nl.sk;
	ttp_stop_on_signals();
	/* Scripts wait for this line: from here on nothing is missed. */
	fprintf(stderr, "monitoring (Ctrl-C to stop)\n");

	pfd.events = POLLIN;
	while (!ttp_stop) {
		int err;

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		err = nl_recvmsgs_default(sk);
		/* libnl says NOMEM for ENOBUFS: the kernel dropped some for us. */
		if (err == -NLE_NOMEM) {
			if (ctl->json)
				printf("{\"event\":\"lost\",\"reason\":\"socket buffer full\"}\n");
			else
				printf("lost events: this reader's socket buffer was full\n");
			fflush(stdout);
		}
	}
	return TTP_EXIT_OK;
}

/* No commands, options only; yet "monitor help" as everywhere. */
int ttp_cmd_monitor(struct ttp_ctl *ctl, int argc, char **argv)
{
	static const struct ttp_subcmds cmds = {
		.usage = ttp_monitor_usage,
		.dflt = ttp_monitor_run,
		.rest = TTP_REST_ANY,
	};

	return ttp_ctl_dispatch(ctl, &cmds, argc, argv);
}
