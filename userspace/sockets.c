// SPDX-License-Identifier: GPL-2.0
/*
 * ttpctl sockets (alias ss): one line per listener, socket, request entry
 * and TIME_WAIT entry of the namespace, as ss -tan shows TCP's, with -i the
 * socket's struct ttp_info; and kill, like ss -K. The kernel filters
 * (filter.c) and dumps in as many messages as the table needs, so lines are
 * printed as they come unless a terminal wants aligned columns. With -p,
 * each socket's owner: its uid and the processes holding it (owners.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/ttp.h>
#include "filter.h"
#include "owners.h"
#include "parse.h"
#include "ttpctl.h"

static const char ttp_sockets_usage[] =
	"Usage: ttpctl sockets [show] [-i] [-p] [OWNER] [FILTER]\n"
	"       ttpctl sockets kill FILTER\n"
	"where  FILTER := [ state STATE ]... [ exclude STATE ]... [ -4 | -6 ]\n"
	"                 [ sport [=] [:]PORT ] [ dport [=] [:]PORT ]\n"
	"                 [ src ADDRESS[/PREFIX] ] [ dst ADDRESS[/PREFIX] ] | all\n"
	"       STATE := { ESTABLISHED | SYN_SENT | SYN_RCVD | FIN_WAIT_1 | ... (ss's\n"
	"                  spellings too: time-wait, syn-recv, listening) |\n"
	"                  all | connected | synchronized | bucket | big }\n"
	"  -i    per-socket details (TTP_INFO): rtt, rto, cwnd, bytes, retransmissions\n"
	"  -p    the owner: uid, and the processes holding it (as ss -p)\n"
	"  OWNER := [ uid UID ] [ pid PID ] [ comm NAME ]: sockets of that uid, held\n"
	"        by that process or by a process of that name (sockets only)\n"
	"  kill  aborts matching sockets (RST), removes matching request and\n"
	"        TIME_WAIT entries; needs CAP_NET_ADMIN and a filter (\"all\": all)\n";

static const char *const ttp_kind_names[] = {
	[TTP_SOCK_KIND_SOCKET] = "socket",
	[TTP_SOCK_KIND_REQUEST] = "request",
	[TTP_SOCK_KIND_TIME_WAIT] = "time_wait",
};

/* ss's words where it has them ("on" is ss's for retransmission). */
static const char *const ttp_timer_names[] = {
	[TTP_TIMER_NONE] = "",
	[TTP_TIMER_RETRANS] = "retrans",
	[TTP_TIMER_PERSIST] = "persist",
	[TTP_TIMER_KEEPALIVE] = "keepalive",
	[TTP_TIMER_FIN_WAIT2] = "fin_wait2",
	[TTP_TIMER_SYNACK] = "synack",
	[TTP_TIMER_TIME_WAIT] = "timewait",
};

#define TTP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *ttp_name_of(const char *const *names, size_t n, unsigned int i)
{
	return i < n && names[i] ? names[i] : "?";
}

struct ttp_sock_row {
	unsigned int kind, family, state, timer, retrans;
	char local[INET6_ADDRSTRLEN], peer[INET6_ADDRSTRLEN];
	unsigned int lport, pport;
	uint32_t rqueue, wqueue, timer_ms, uid;
	uint64_t inode;
	bool has_sock, has_info;
	struct ttp_info info;
};

/* OWNER words: which sockets by their owner; -1 or NULL: any. */
struct ttp_owner_filter {
	long long uid, pid;
	const char *comm;
};

struct ttp_sockets {
	struct ttp_ctl *ctl;
	struct ttp_state_names names;
	bool details;
	bool owners_shown;		/* -p */
	struct ttp_owner_filter want;
	struct ttp_owners owners;	/* read with -p, pid or comm */
	struct ttp_json json;
	struct ttp_table table;
	unsigned long count;
};

static void ttp_addr(char *dst, struct nlattr *a, unsigned int *family)
{
	int len = a ? nla_len(a) : 0;

	*family = len == 16 ? AF_INET6 : AF_INET;
	if ((len != 4 && len != 16) ||
	    !inet_ntop((int)*family, nla_data(a), dst, INET6_ADDRSTRLEN))
		snprintf(dst, INET6_ADDRSTRLEN, "?");
}

static uint32_t ttp_u32(struct nlattr *a)
{
	return a && nla_len(a) >= 4 ? nla_get_u32(a) : 0;
}

static unsigned int ttp_u8(struct nlattr *a)
{
	return a && nla_len(a) >= 1 ? nla_get_u8(a) : 0;
}

static int ttp_sock_row_parse(struct nlattr *nest, struct ttp_sock_row *r)
{
	struct nlattr *tb[TTP_SOCK_A_MAX + 1];
	unsigned int family;

	memset(r, 0, sizeof(*r));
	if (nla_parse_nested(tb, TTP_SOCK_A_MAX, nest, NULL))
		return -EPROTO;
	r->kind = ttp_u8(tb[TTP_SOCK_A_KIND]);
	r->family = ttp_u8(tb[TTP_SOCK_A_FAMILY]);
	r->state = ttp_u8(tb[TTP_SOCK_A_STATE]);
	ttp_addr(r->local, tb[TTP_SOCK_A_SADDR], &family);
	ttp_addr(r->peer, tb[TTP_SOCK_A_DADDR], &family);
	r->lport = tb[TTP_SOCK_A_SPORT] ? nla_get_u16(tb[TTP_SOCK_A_SPORT]) : 0;
	r->pport = tb[TTP_SOCK_A_DPORT] ? nla_get_u16(tb[TTP_SOCK_A_DPORT]) : 0;
	r->rqueue = ttp_u32(tb[TTP_SOCK_A_RQUEUE]);
	r->wqueue = ttp_u32(tb[TTP_SOCK_A_WQUEUE]);
	r->timer = ttp_u8(tb[TTP_SOCK_A_TIMER]);
	r->timer_ms = ttp_u32(tb[TTP_SOCK_A_TIMER_MS]);
	r->retrans = ttp_u8(tb[TTP_SOCK_A_RETRANS]);
	if (tb[TTP_SOCK_A_UID]) {
		r->has_sock = true;
		r->uid = ttp_u32(tb[TTP_SOCK_A_UID]);
		r->inode = tb[TTP_SOCK_A_INODE] && nla_len(tb[TTP_SOCK_A_INODE]) >= 8 ?
			   nla_get_u64(tb[TTP_SOCK_A_INODE]) : 0;
	}
	if (tb[TTP_SOCK_A_INFO]) {
		int len = nla_len(tb[TTP_SOCK_A_INFO]);

		/* A newer module's longer struct: its head is ours. */
		memcpy(&r->info, nla_data(tb[TTP_SOCK_A_INFO]),
		       len < (int)sizeof(r->info) ? len : (int)sizeof(r->info));
		r->has_info = true;
	}
	return 0;
}

/* "10.0.0.1:80", "[fd00::1]:80", as ss writes them. */
static void ttp_endpoint(char *dst, size_t len, const struct ttp_sock_row *r,
			 const char *addr, unsigned int port)
{
	if (r->family == AF_INET6)
		snprintf(dst, len, "[%s]:%u", addr, port);
	else
		snprintf(dst, len, "%s:%u", addr, port);
}

/* A time left, the way a person reads it: 198ms, 2.8s, 9m58s, 1h59m. */
static void ttp_time_left(char *dst, size_t len, uint32_t ms)
{
	if (ms < 1000)
		snprintf(dst, len, "%ums", ms);
	else if (ms < 60000)
		snprintf(dst, len, "%u.%us", ms / 1000, ms % 1000 / 100);
	else if (ms < 3600000)
		snprintf(dst, len, "%um%us", ms / 60000, ms % 60000 / 1000);
	else
		snprintf(dst, len, "%uh%um", ms / 3600000, ms % 3600000 / 60000);
}

/* "retrans,198ms,1", like ss's "timer:(on,198ms,1)". */
static void ttp_timer_text(char *dst, size_t len, const struct ttp_sock_row *r)
{
	char left[32];

	if (!r->timer) {
		dst[0] = '\0';
		return;
	}
	ttp_time_left(left, sizeof(left), r->timer_ms);
	snprintf(dst, len, "%s,%s,%u",
		 ttp_name_of(ttp_timer_names, TTP_ARRAY_SIZE(ttp_timer_names), r->timer),
		 left, r->retrans);
}

/* enum ttp_congestion's names, as TTP_CONGESTION takes them. */
static const char *ttp_congestion_name(uint32_t c)
{
	return c == TTP_CONG_CUBIC ? "cubic" : "reno";
}

/* Bytes per second as ss writes rates: bits, "1.2Mbps". */
static void ttp_rate_text(char *dst, size_t len, uint64_t bytes)
{
	double bits = bytes * 8.0;

	if (bits >= 1e9)
		snprintf(dst, len, "%.1fGbps", bits / 1e9);
	else if (bits >= 1e6)
		snprintf(dst, len, "%.1fMbps", bits / 1e6);
	else if (bits >= 1e3)
		snprintf(dst, len, "%.1fKbps", bits / 1e3);
	else
		snprintf(dst, len, "%.0fbps", bits);
}

static void ttp_info_text(FILE *f, const struct ttp_info *i)
{
	char pacing[32], delivery[32];

	fprintf(f, "\t%s%s%s rto:%.3f rtt:%.3f/%.3f minrtt:%.3f mss:%u rcvmss:%u cwnd:%u",
		i->options & TTP_INFO_OPT_TIMESTAMPS ? "ts " : "",
		i->options & TTP_INFO_OPT_SACK ? "sack " : "",
		ttp_congestion_name(i->congestion),
		i->rto_us / 1000.0, i->rtt_us / 1000.0, i->rttvar_us / 1000.0,
		i->min_rtt_us / 1000.0, i->snd_mss, i->rcv_mss, i->snd_cwnd);
	if (i->options & TTP_INFO_OPT_WSCALE)
		fprintf(f, " wscale:%u,%u", i->snd_wscale, i->rcv_wscale);
	if (i->snd_ssthresh < 0x7fffffff)
		fprintf(f, " ssthresh:%u", i->snd_ssthresh);
	fprintf(f, " bytes_sent:%" PRIu64 " bytes_acked:%" PRIu64
		" bytes_received:%" PRIu64 " segs_out:%u segs_in:%u"
		" snd_wnd:%u rcv_wnd:%u rcv_ssthresh:%u rcv_ratio:%u unacked:%u sacked:%u"
		" lost:%u retrans:%u/%u delivered:%u reordering:%u lastsnd:%u lastrcv:%u state_ms:%u"
		" wmem_queued:%u sndbuf:%u",
		(uint64_t)i->bytes_sent, (uint64_t)i->bytes_acked,
		(uint64_t)i->bytes_received, i->segs_out,
		i->segs_in, i->snd_wnd, i->rcv_wnd, i->rcv_ssthresh,
		i->rcv_scaling_ratio, i->unacked, i->sacked, i->lost,
		i->retrans, i->total_retrans, i->delivered, i->reordering,
		i->last_data_sent_ms, i->last_data_recv_ms, i->state_ms,
		i->wmem_queued, i->sndbuf);
	/* As ss: no pacing rate until there is one, no delivery rate either. */
	if (i->pacing_rate != UINT64_MAX) {
		ttp_rate_text(pacing, sizeof(pacing), i->pacing_rate);
		fprintf(f, " pacing_rate:%s", pacing);
	}
	if (i->delivery_rate) {
		ttp_rate_text(delivery, sizeof(delivery), i->delivery_rate);
		fprintf(f, " delivery_rate:%s%s", delivery,
			i->delivery_rate_app_limited ? " app_limited" : "");
	}
	fputc('\n', f);
}

static void ttp_info_json(struct ttp_json *j, const struct ttp_info *i)
{
	ttp_json_begin_object(j, "info");
	ttp_json_u64(j, "options", i->options);
	ttp_json_u64(j, "snd_wscale", i->snd_wscale);
	ttp_json_u64(j, "rcv_wscale", i->rcv_wscale);
	ttp_json_u64(j, "ca_state", i->ca_state);
	ttp_json_u64(j, "retransmits", i->retransmits);
	ttp_json_u64(j, "backoff", i->backoff);
	ttp_json_u64(j, "reordering", i->reordering);
	ttp_json_u64(j, "snd_mss", i->snd_mss);
	ttp_json_u64(j, "rcv_mss", i->rcv_mss);
	ttp_json_u64(j, "rto_us", i->rto_us);
	ttp_json_u64(j, "rtt_us", i->rtt_us);
	ttp_json_u64(j, "rttvar_us", i->rttvar_us);
	ttp_json_u64(j, "min_rtt_us", i->min_rtt_us);
	ttp_json_u64(j, "snd_cwnd", i->snd_cwnd);
	ttp_json_u64(j, "snd_ssthresh", i->snd_ssthresh);
	ttp_json_u64(j, "snd_wnd", i->snd_wnd);
	ttp_json_u64(j, "rcv_wnd", i->rcv_wnd);
	ttp_json_u64(j, "rcv_ssthresh", i->rcv_ssthresh);
	ttp_json_u64(j, "rcv_scaling_ratio", i->rcv_scaling_ratio);
	ttp_json_u64(j, "wmem_queued", i->wmem_queued);
	ttp_json_u64(j, "sndbuf", i->sndbuf);
	ttp_json_u64(j, "unacked", i->unacked);
	ttp_json_u64(j, "lost", i->lost);
	ttp_json_u64(j, "sacked", i->sacked);
	ttp_json_u64(j, "retrans", i->retrans);
	ttp_json_string(j, "congestion", ttp_congestion_name(i->congestion));
	ttp_json_u64(j, "delivered", i->delivered);
	ttp_json_u64(j, "pacing_rate", i->pacing_rate);
	ttp_json_u64(j, "delivery_rate", i->delivery_rate);
	ttp_json_u64(j, "delivery_rate_app_limited", i->delivery_rate_app_limited);
	ttp_json_u64(j, "total_retrans", i->total_retrans);
	ttp_json_u64(j, "segs_out", i->segs_out);
	ttp_json_u64(j, "segs_in", i->segs_in);
	ttp_json_u64(j, "last_data_sent_ms", i->last_data_sent_ms);
	ttp_json_u64(j, "last_data_recv_ms", i->last_data_recv_ms);
	ttp_json_u64(j, "state_ms", i->state_ms);
	ttp_json_u64(j, "bytes_sent", i->bytes_sent);
	ttp_json_u64(j, "bytes_acked", i->bytes_acked);
	ttp_json_u64(j, "bytes_received", i->bytes_received);
	ttp_json_end_object(j);
}

static void ttp_sock_row_json(struct ttp_sockets *s, const struct ttp_sock_row *r)
{
	struct ttp_json *j = &s->json;

	ttp_json_begin_object(j, NULL);
	ttp_json_string(j, "kind", ttp_name_of(ttp_kind_names,
					       TTP_ARRAY_SIZE(ttp_kind_names), r->kind));
	ttp_json_string(j, "state", ttp_state_name(&s->names, r->state));
	ttp_json_string(j, "family", r->family == AF_INET6 ? "inet6" : "inet");
	ttp_json_string(j, "local", r->local);
	ttp_json_u64(j, "lport", r->lport);
	ttp_json_string(j, "peer", r->peer);
	ttp_json_u64(j, "pport", r->pport);
	ttp_json_u64(j, "recv_q", r->rqueue);
	ttp_json_u64(j, "send_q", r->wqueue);
	if (r->timer) {
		ttp_json_string(j, "timer", ttp_name_of(ttp_timer_names,
							TTP_ARRAY_SIZE(ttp_timer_names),
							r->timer));
		ttp_json_u64(j, "timer_ms", r->timer_ms);
		ttp_json_u64(j, "retrans", r->retrans);
	}
	if (r->has_sock) {
		ttp_json_u64(j, "uid", r->uid);
		ttp_json_u64(j, "inode", r->inode);
	}
	if (s->owners_shown && r->has_sock)
		ttp_owners_json(j, &s->owners, r->inode);
	if (r->has_info)
		ttp_info_json(j, &r->info);
	ttp_json_end_object(j);
}

/* Whether R's owner is what the OWNER words ask for. */
static bool ttp_owner_wanted(const struct ttp_sockets *s, const struct ttp_sock_row *r)
{
	size_t first = 0, n, i;
	bool pid = s->want.pid < 0, comm = !s->want.comm;

	if (s->want.uid < 0 && pid && comm)
		return true;
	if (!r->has_sock || (s->want.uid >= 0 && r->uid != s->want.uid))
		return false;
	n = ttp_owners_find(&s->owners, r->inode, &first);
	for (i = first; i < first + n; i++) {
		pid |= s->owners.v[i].pid == s->want.pid;
		comm |= s->want.comm && !strcmp(s->owners.v[i].comm, s->want.comm);
	}
	return pid && comm;
}

/* ss -p's words: uid:UID users:(("COMM",pid=PID,fd=FD),...), else "-". */
static void ttp_owner_text(char *dst, size_t len, const struct ttp_sockets *s,
			   const struct ttp_sock_row *r)
{
	char users[960];	/* the caller's 1024, less "uid:N users:()" */

	if (!r->has_sock) {
		snprintf(dst, len, "-");
		return;
	}
	ttp_owners_text(users, sizeof(users), &s->owners, r->inode);
	snprintf(dst, len, "uid:%" PRIu32 " users:(%s)", r->uid, users);
}

static int ttp_sockets_row(struct nlattr *attrs, int len, void *arg)
{
	struct ttp_sockets *s = arg;
	char local[INET6_ADDRSTRLEN + 10], peer[INET6_ADDRSTRLEN + 10];
	char rq[16], wq[16], timer[64], owner[1024];
	struct ttp_sock_row r;
	const char *state;
	struct nlattr *a;
	int rem, err;

	nla_for_each_attr(a, attrs, len, rem) {
		if (nla_type(a) != TTP_A_SOCK)
			continue;
		err = ttp_sock_row_parse(a, &r);
		if (err)
			return err;
		if (!ttp_owner_wanted(s, &r))
			continue;
		s->count++;
		if (s->ctl->json) {
			ttp_sock_row_json(s, &r);
			continue;
		}
		ttp_endpoint(local, sizeof(local), &r, r.local, r.lport);
		if (r.state == TTP_LISTEN)
			snprintf(peer, sizeof(peer), r.family == AF_INET6 ? "[::]:*" : "0.0.0.0:*");
		else
			ttp_endpoint(peer, sizeof(peer), &r, r.peer, r.pport);
		snprintf(rq, sizeof(rq), "%" PRIu32, r.rqueue);
		snprintf(wq, sizeof(wq), "%" PRIu32, r.wqueue);
		ttp_timer_text(timer, sizeof(timer), &r);
		state = ttp_state_name(&s->names, r.state);
		if (s->owners_shown)
			ttp_owner_text(owner, sizeof(owner), s, &r);
		if (s->ctl->tty && !s->details) {
			const char *row[] = { state, rq, wq, local, peer, timer, owner };

			if (ttp_table_add(&s->table, row))
				return -ENOMEM;
			continue;
		}
		/* For scripts and with -i: tab-separated, details below. */
		printf("%s\t%s\t%s\t%s\t%s\t%s%s%s\n", state, rq, wq, local, peer,
		       timer[0] ? timer : "-", s->owners_shown ? "\t" : "",
		       s->owners_shown ? owner : "");
		if (s->details && r.has_info && r.state != TTP_LISTEN)
			ttp_info_text(stdout, &r.info);
	}
	return 0;
}

static int ttp_sockets_parse(struct ttp_ctl *ctl, struct ttp_filter *f,
			     struct ttp_state_names *names, int argc, char **argv)
{
	const char *bad = NULL;

	if (ttp_state_names_get(ctl, names))
		return TTP_EXIT_KERNEL;
	ttp_filter_init(f);
	if (ttp_filter_parse(f, names, argc, argv, &bad))
		return ttp_ctl_usage_error(ttp_sockets_usage,
					   "Cannot use \"%s\" in a filter", bad);
	return TTP_EXIT_OK;
}

static int ttp_sockets_show(struct ttp_ctl *ctl, int argc, char **argv)
{
	static const char *const header[] = {
		"State", "Recv-Q", "Send-Q", "Local Address:Port",
		"Peer Address:Port", "Timer", "Process"
	};
	static const bool right[] = { false, true, true, false, false, false, false };
	struct ttp_sockets s = { .ctl = ctl, .want = { -1, -1, NULL } };
	struct ttp_filter f;
	struct nl_msg *msg;
	int ret, i, n;

	for (; argc > 0; argc--, argv++) {
		if (!strcmp(argv[0], "-i"))
			s.details = true;
		else if (!strcmp(argv[0], "-p"))
			s.owners_shown = true;
		else
			break;
	}
	/* The OWNER words, taken out; the rest is the kernel's filter. */
	for (i = n = 0; i < argc; i++) {
		long long *num = !strcmp(argv[i], "uid") ? &s.want.uid :
				 !strcmp(argv[i], "pid") ? &s.want.pid : NULL;

		if (!num && strcmp(argv[i], "comm")) {
			argv[n++] = argv[i];
			continue;
		}
		if (i + 1 == argc)
			return ttp_ctl_usage_error(ttp_sockets_usage, "\"%s\" needs a value",
						   argv[i]);
		if (!num) {
			s.want.comm = argv[++i];
		} else {
			long v;

			if (ttp_parse_long(argv[i + 1], 0, 0xffffffffLL, &v))
				return ttp_ctl_usage_error(ttp_sockets_usage,
							   "%s takes a number, not \"%s\"",
							   argv[i], argv[i + 1]);
			*num = v;
			i++;
		}
	}
	argc = n;
	if (ttp_ctl_connect(ctl))
		return TTP_EXIT_KERNEL;
	ret = ttp_sockets_parse(ctl, &f, &s.names, argc, argv);
	if (ret)
		return ret;
	if ((s.owners_shown || s.want.pid >= 0 || s.want.comm) && ttp_owners_read(&s.owners)) {
		fprintf(stderr, "Error: cannot read the processes' files in /proc\n");
		return TTP_EXIT_KERNEL;
	}
	msg = ttp_nl_msg(&ctl->nl, TTP_CMD_SOCK_GET, NLM_F_DUMP);
	if (!msg || ttp_filter_put(msg, &f) ||
	    (s.details && nla_put_flag(msg, TTP_A_SOCK_INFO))) {
		nlmsg_free(msg);
		ttp_owners_free(&s.owners);
		fprintf(stderr, "Error: %s\n", strerror(ENOMEM));
		return TTP_EXIT_KERNEL;
	}
	if (ctl->json) {
		ttp_json_init(&s.json, stdout, ctl->pretty);
		ttp_json_begin_array(&s.json, NULL);
	} else if (ctl->tty && !s.details) {
		ttp_table_init(&s.table, s.owners_shown ? 7 : 6, header, right);
	} else if (ctl->tty) {
		printf("State\tRecv-Q\tSend-Q\tLocal Address:Port\tPeer Address:Port\tTimer%s\n",
		       s.owners_shown ? "\tProcess" : "");
	}
	ret = ttp_nl_request(&ctl->nl, msg, ttp_sockets_row, &s);
	if (ctl->json) {
		ttp_json_end_array(&s.json);
		ttp_json_finish(&s.json);
	} else if (ctl->tty && !s.details) {
		ttp_table_print(&s.table, stdout, true);
		ttp_table_free(&s.table);
	}
	ttp_owners_free(&s.owners);
	if (ret) {
		ttp_nl_print_error(&ctl->nl);
		return TTP_EXIT_KERNEL;
	}
	return TTP_EXIT_OK;
}

static int ttp_sockets_killed(struct nlattr *attrs, int len, void *arg)
{
	struct nlattr *tb[TTP_A_MAX + 1];

	if (nla_parse(tb, TTP_A_MAX, attrs, len, NULL))
		return -EPROTO;
	*(uint32_t *)arg = ttp_u32(tb[TTP_A_KILLED]);
	return 0;
}

static int ttp_sockets_kill(struct ttp_ctl *ctl, int argc, char **argv)
{
	struct ttp_state_names names;
	struct ttp_filter f;
	struct nl_msg *msg;
	uint32_t killed = 0;
	int ret;

	if (ttp_ctl_connect(ctl))
		return TTP_EXIT_KERNEL;
	ret = ttp_sockets_parse(ctl, &f, &names, argc, argv);
	if (ret)
		return ret;
	/* Like ss -K with no filter, but never by accident: say "all". */
	if (!f.given)
		return ttp_ctl_usage_error(ttp_sockets_usage,
					   "kill needs a filter; \"all\" matches everything");
	msg = ttp_nl_msg(&ctl->nl, TTP_CMD_SOCK_KILL, 0);
	if (!msg || ttp_filter_put(msg, &f)) {
		nlmsg_free(msg);
		fprintf(stderr, "Error: %s\n", strerror(ENOMEM));
		return TTP_EXIT_KERNEL;
	}
	if (ttp_nl_request(&ctl->nl, msg, ttp_sockets_killed, &killed)) {
		if (ctl->nl.err == -EPERM && !ctl->nl.msg[0])
			fprintf(stderr, "Error: killing sockets needs CAP_NET_ADMIN in this network namespace's user namespace\n");
		else
			ttp_nl_print_error(&ctl->nl);
		return TTP_EXIT_KERNEL;
	}
	if (ctl->json) {
		struct ttp_json j;

		ttp_json_init(&j, stdout, ctl->pretty);
		ttp_json_begin_object(&j, NULL);
		ttp_json_u64(&j, "killed", killed);
		ttp_json_end_object(&j);
		ttp_json_finish(&j);
	} else {
		printf("killed %" PRIu32 "\n", killed);
	}
	return TTP_EXIT_OK;
}

static const struct ttp_subcmd ttp_sockets_cmds[] = {
	{ "show", ttp_sockets_show },
	{ "kill", ttp_sockets_kill },
	{ NULL, NULL },
};

int ttp_cmd_sockets(struct ttp_ctl *ctl, int argc, char **argv)
{
	/* A filter or -i may come straight after "sockets", as ss takes them. */
	static const struct ttp_subcmds cmds = {
		.usage = ttp_sockets_usage,
		.dflt = ttp_sockets_show,
		.rest = TTP_REST_ANY,
		.list = ttp_sockets_cmds,
	};

	return ttp_ctl_dispatch(ctl, &cmds, argc, argv);
}
