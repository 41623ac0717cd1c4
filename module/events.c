// SPDX-License-Identifier: GPL-2.0
/*
 * Events for ttpctl monitor, multicast to the "events" group of the "ttp"
 * family: state changes, drops, parameter changes, SYN-flood episodes.
 *
 * An event costs nothing while nobody listens: every caller asks
 * ttp_events_on() first, and nothing is allocated or built otherwise (the
 * Events counter counts what was built). A flood of events must not outrun
 * the listener or the machine: past events_rate per second the namespace
 * sends none, counts them as EventsLost and says how many, in one
 * TTP_EVENT_LOST, before the next event it sends.
 */
#include <linux/cred.h>
#include <linux/sched.h>
#include <net/genetlink.h>
#include "events.h"
#include "netns.h"
#include "stats.h"
#include "ttp.h"

/* A token, or false; *LOST: events held back since the last one sent. */
static bool ttp_event_admit(struct net *net, u64 *lost)
{
	struct ttp_net *tn = ttp_net(net);
	u32 rate = ttp_param(net, TTP_PARAM_EVENTS_RATE);
	unsigned long elapsed;
	bool ok;
	u64 add;

	spin_lock_bh(&tn->events_lock);
	elapsed = min_t(unsigned long, jiffies - tn->events_stamp, HZ);
	add = (u64)elapsed * rate / HZ;
	if (add) {
		/* A second's worth at most: the burst the rate allows. */
		tn->events_tokens = min_t(u64, tn->events_tokens + add, rate);
		tn->events_stamp = jiffies;
	}
	ok = tn->events_tokens > 0;
	*lost = 0;
	if (ok) {
		tn->events_tokens--;
		*lost = tn->events_lost;
		tn->events_lost = 0;
	} else {
		tn->events_lost++;
	}
	spin_unlock_bh(&tn->events_lock);
	if (!ok)
		ttp_count(net, TTP_MIB_EVENTS_LOST);
	return ok;
}

/*
 * Any event fits in well under this. A reader's receive buffer is charged
 * each message's whole allocation: NLMSG_GOODSIZE would fill the default
 * buffer after a few dozen events of a burst, and the rest would be lost.
 */
#define TTP_EVENT_MSG_SIZE	512

struct ttp_event_msg {
	struct sk_buff *skb;
	void *hdr;
	struct nlattr *nest;
};

static int ttp_event_begin(struct ttp_event_msg *m, u8 type)
{
	m->skb = genlmsg_new(TTP_EVENT_MSG_SIZE, GFP_ATOMIC);
	if (!m->skb)
		return -ENOMEM;
	m->hdr = genlmsg_put(m->skb, 0, 0, &ttp_genl_family, 0, TTP_CMD_EVENT);
	m->nest = m->hdr ? nla_nest_start(m->skb, TTP_A_EVENT) : NULL;
	if (!m->nest || nla_put_u8(m->skb, TTP_EVENT_A_TYPE, type)) {
		nlmsg_free(m->skb);
		return -EMSGSIZE;
	}
	return 0;
}

static void ttp_event_end(struct net *net, struct ttp_event_msg *m, int err)
{
	if (err) {
		nlmsg_free(m->skb);
		return;
	}
	nla_nest_end(m->skb, m->nest);
	genlmsg_end(m->skb, m->hdr);
	/* -ESRCH: the last listener left meanwhile; -ENOBUFS: it is full. */
	genlmsg_multicast_netns(&ttp_genl_family, net, m->skb, 0, 0, GFP_ATOMIC);
	ttp_count(net, TTP_MIB_EVENTS);
}

/* Admitted by the rate limit, after the count of those that were not. */
static bool ttp_event_may_send(struct net *net)
{
	struct ttp_event_msg m;
	u64 lost;

	if (!ttp_event_admit(net, &lost))
		return false;
	if (lost && !ttp_event_begin(&m, TTP_EVENT_LOST))
		ttp_event_end(net, &m,
			      nla_put_u64_64bit(m.skb, TTP_EVENT_A_COUNT, lost, TTP_EVENT_A_PAD));
	return true;
}

static int ttp_event_put_key(struct sk_buff *skb, const struct ttp_conn_key *key)
{
	int len = key->family == AF_INET ? sizeof(__be32) : sizeof(struct in6_addr);

	return nla_put_u8(skb, TTP_EVENT_A_FAMILY, key->family) ||
	       nla_put(skb, TTP_EVENT_A_SADDR, len, &key->laddr) ||
	       nla_put(skb, TTP_EVENT_A_DADDR, len, &key->raddr) ||
	       nla_put_u16(skb, TTP_EVENT_A_SPORT, ntohs(key->lport)) ||
	       nla_put_u16(skb, TTP_EVENT_A_DPORT, ntohs(key->rport));
}

/* Why a connection went from OLD to NEW, in a word, when no caller said. */
static const char *ttp_event_why(int old, int new, int err)
{
	switch (err) {
	case ECONNRESET:
	case EPIPE:
		return "reset";
	case ETIMEDOUT:
		return "timeout";
	case ECONNABORTED:
		return "aborted";
	case ECONNREFUSED:
		return "refused";
	}
	switch (new) {
	case TTP_SYN_SENT:
		return "connect";
	case TTP_SYN_RCVD:
		return "syn";
	case TTP_ESTABLISHED:
		return "handshake";
	case TTP_FIN_WAIT_1:
	case TTP_LAST_ACK:
		return "close";
	case TTP_FIN_WAIT_2:
		return "fin acked";
	case TTP_CLOSE_WAIT:
	case TTP_CLOSING:
	case TTP_TIME_WAIT:
		return "fin";
	case TTP_LISTEN:
		return "listen";
	default:
		return old == TTP_LAST_ACK ? "fin acked" : "closed";
	}
}

void ttp_event_state(struct net *net, const struct ttp_conn_key *key, int old,
		     int new, int err, const char *why)
{
	struct ttp_event_msg m;

	if (!ttp_events_on(net) || !ttp_event_may_send(net) ||
	    ttp_event_begin(&m, TTP_EVENT_STATE))
		return;
	ttp_event_end(net, &m, ttp_event_put_key(m.skb, key) ||
		      nla_put_u8(m.skb, TTP_EVENT_A_OLD_STATE, old) ||
		      nla_put_u8(m.skb, TTP_EVENT_A_NEW_STATE, new) ||
		      nla_put_string(m.skb, TTP_EVENT_A_REASON,
				     why ?: ttp_event_why(old, new, err)));
}

/* A socket's change: its 4-tuple from the table, or from its addresses. */
void ttp_event_sock_state(struct sock *sk, int old, int new)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_conn_key key;

	if (!ttp_events_on(sock_net(sk)))
		return;
	if (ts->conn.hashed)
		key = ts->conn.key;
	else
		ttp_conn_key_from_sock(sk, &key);
	ttp_event_state(sock_net(sk), &key, old, new, READ_ONCE(sk->sk_err), NULL);
}

void ttp_event_drop(struct net *net, const struct ttp_conn_key *key, const char *why)
{
	struct ttp_event_msg m;

	if (!ttp_events_on(net) || !ttp_event_may_send(net) ||
	    ttp_event_begin(&m, TTP_EVENT_DROP))
		return;
	ttp_event_end(net, &m, (key && ttp_event_put_key(m.skb, key)) ||
		      nla_put_string(m.skb, TTP_EVENT_A_REASON, why));
}

/* Who asked, in process context: the current task's pid, uid and name. */
static int ttp_event_put_task(struct sk_buff *skb)
{
	char comm[TASK_COMM_LEN];

	get_task_comm(comm, current);
	return nla_put_u32(skb, TTP_EVENT_A_PID, task_tgid_nr(current)) ||
	       nla_put_u32(skb, TTP_EVENT_A_UID,
			   from_kuid_munged(&init_user_ns, current_uid())) ||
	       nla_put_string(skb, TTP_EVENT_A_COMM, comm);
}

/* Process context: the task changing the parameter is the one to name. */
void ttp_event_param(struct net *net, const char *name, u64 old, u64 new)
{
	struct ttp_event_msg m;

	if (!ttp_events_on(net) || !ttp_event_may_send(net) ||
	    ttp_event_begin(&m, TTP_EVENT_PARAM))
		return;
	ttp_event_end(net, &m, nla_put_string(m.skb, TTP_EVENT_A_PARAM, name) ||
		      nla_put_u64_64bit(m.skb, TTP_EVENT_A_OLD_VALUE, old, TTP_EVENT_A_PAD) ||
		      nla_put_u64_64bit(m.skb, TTP_EVENT_A_NEW_VALUE, new, TTP_EVENT_A_PAD) ||
		      ttp_event_put_task(m.skb));
}

/* A listener's flood begins, or ends with COUNT overflows in DURATION_MS. */
void ttp_event_synflood(struct sock *sk, bool start, u64 count, u32 duration_ms)
{
	struct net *net = sock_net(sk);
	struct ttp_event_msg m;
	struct ttp_conn_key key;
	int err;

	/* Episodes are rare and matter most in a flood: never rate-limited. */
	if (!ttp_events_on(net) ||
	    ttp_event_begin(&m, start ? TTP_EVENT_SYNFLOOD_START : TTP_EVENT_SYNFLOOD_END))
		return;
	ttp_conn_key_from_sock(sk, &key);
	err = ttp_event_put_key(m.skb, &key);
	if (!start && !err)
		err = nla_put_u64_64bit(m.skb, TTP_EVENT_A_COUNT, count, TTP_EVENT_A_PAD) ||
		      nla_put_u32(m.skb, TTP_EVENT_A_DURATION_MS, duration_ms);
	ttp_event_end(net, &m, err);
}

/*
 * connect() found no free local port for its destination: the addresses,
 * the peer's port, and who asked (process context), so that an operator
 * sees port exhaustion coming, and whose, before it bites every client.
 */
void ttp_event_ports_exhausted(struct sock *sk)
{
	struct net *net = sock_net(sk);
	struct ttp_event_msg m;
	struct ttp_conn_key key;

	if (!ttp_events_on(net) || !ttp_event_may_send(net) ||
	    ttp_event_begin(&m, TTP_EVENT_PORTS_EXHAUSTED))
		return;
	ttp_conn_key_from_sock(sk, &key);
	ttp_event_end(net, &m, ttp_event_put_key(m.skb, &key) || ttp_event_put_task(m.skb));
}

/*
 * A connection has sat in CLOSE_WAIT past close_wait_warn_ms: the peer
 * closed and the owner has not. Softirq: the owner is named by the
 * socket's uid and inode, which ttpctl maps to the processes holding it.
 */
void ttp_event_close_wait(struct sock *sk, u32 duration_ms)
{
	struct net *net = sock_net(sk);
	struct ttp_event_msg m;
	struct ttp_conn_key key;

	if (!ttp_events_on(net) || !ttp_event_may_send(net) ||
	    ttp_event_begin(&m, TTP_EVENT_CLOSE_WAIT))
		return;
	ttp_conn_key_from_sock(sk, &key);
	ttp_event_end(net, &m, ttp_event_put_key(m.skb, &key) ||
		      nla_put_u32(m.skb, TTP_EVENT_A_UID,
				  from_kuid_munged(&init_user_ns, READ_ONCE(sk->sk_uid))) ||
		      nla_put_u64_64bit(m.skb, TTP_EVENT_A_INODE, sock_i_ino(sk),
					TTP_EVENT_A_PAD) ||
		      nla_put_u32(m.skb, TTP_EVENT_A_DURATION_MS, duration_ms));
}
