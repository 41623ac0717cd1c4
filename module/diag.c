// SPDX-License-Identifier: GPL-2.0
/*
 * The namespace's sockets as ttpctl sockets shows them and kills them
 * (TTP_CMD_SOCK_GET, TTP_CMD_SOCK_KILL): listeners, then every socket,
 * request entry and TIME_WAIT entry of the connection table, filtered by
 * state, family, ports and address prefixes like ss's filters.
 *
 * This is a dump of the "ttp" family, not an inet_diag handler, because
 * inet_diag cannot serve TTP well on all three kernels: its handler
 * structure differs in each (an owner from 6.9, no aux-size callback and a
 * new bytecode signature by 7.3), its bytecode filter reads every entry
 * that is not a full socket as TCP's request_sock or inet_timewait_sock,
 * which TTP's entries are not, and it keeps the dump's state to itself, so
 * a handler could not keep a table walker across messages. ss cannot ask
 * for protocol 253 by name either. Documentation/observing.md says more.
 */
#include <linux/inet.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include "netlink.h"
#include "netns.h"
#include "stats.h"
#include "ttp.h"

#define TTP_DIAG_STATES_ALL	(((1U << (TTP_STATE_MAX + 1)) - 1) & ~1U)

static const struct nla_policy ttp_filter_policy[TTP_FILTER_A_MAX + 1] = {
	[TTP_FILTER_A_STATES]	= NLA_POLICY_MASK(NLA_U32, TTP_DIAG_STATES_ALL),
	[TTP_FILTER_A_FAMILY]	= { .type = NLA_U8 },
	[TTP_FILTER_A_SPORT]	= { .type = NLA_U16 },
	[TTP_FILTER_A_DPORT]	= { .type = NLA_U16 },
	[TTP_FILTER_A_SADDR]	= { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[TTP_FILTER_A_SPREFIX]	= NLA_POLICY_MAX(NLA_U8, 128),
	[TTP_FILTER_A_DADDR]	= { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[TTP_FILTER_A_DPREFIX]	= NLA_POLICY_MAX(NLA_U8, 128),
};

const struct nla_policy ttp_sock_policy[TTP_A_MAX + 1] = {
	[TTP_A_FILTER]		= NLA_POLICY_NESTED(ttp_filter_policy),
	[TTP_A_SOCK_INFO]	= { .type = NLA_FLAG },
};

/* An address prefix to match; plen 0 matches every address of FAMILY. */
struct ttp_diag_prefix {
	bool set;
	u16 family;
	u8 plen;
	union ttp_addr addr;
};

struct ttp_diag_filter {
	u32 states;
	u16 family;		/* 0: any */
	int sport, dport;	/* -1: any */
	struct ttp_diag_prefix src, dst;
};

static int ttp_diag_parse_prefix(struct ttp_diag_prefix *p, struct nlattr *addr,
				 struct nlattr *plen, struct netlink_ext_ack *extack)
{
	int len;

	if (!addr) {
		if (plen) {
			NL_SET_ERR_MSG_ATTR(extack, plen,
					    "a prefix length needs its address");
			return -EINVAL;
		}
		return 0;
	}
	len = nla_len(addr);
	if (len != sizeof(__be32) && len != sizeof(struct in6_addr)) {
		NL_SET_ERR_MSG_ATTR(extack, addr,
				    "an address is 4 (IPv4) or 16 (IPv6) bytes");
		return -EINVAL;
	}
	p->set = true;
	p->family = len == sizeof(__be32) ? AF_INET : AF_INET6;
	memcpy(&p->addr, nla_data(addr), len);
	p->plen = plen ? nla_get_u8(plen) : len * 8;
	if (p->plen > len * 8) {
		TTP_NL_ERR_ATTR_FMT(extack, plen, "prefix length %u is more than %d",
				    p->plen, len * 8);
		return -ERANGE;
	}
	return 0;
}

/* The filter a request carries; NEST may be NULL: everything matches. */
static int ttp_diag_parse_filter(struct ttp_diag_filter *f, struct nlattr *nest,
				 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TTP_FILTER_A_MAX + 1];
	int err;

	memset(f, 0, sizeof(*f));
	f->states = TTP_DIAG_STATES_ALL;
	f->sport = -1;
	f->dport = -1;
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, TTP_FILTER_A_MAX, nest, ttp_filter_policy, extack);
	if (err)
		return err;
	if (tb[TTP_FILTER_A_STATES])
		f->states = nla_get_u32(tb[TTP_FILTER_A_STATES]);
	if (tb[TTP_FILTER_A_FAMILY]) {
		f->family = nla_get_u8(tb[TTP_FILTER_A_FAMILY]);
		if (f->family != AF_INET && f->family != AF_INET6) {
			TTP_NL_ERR_ATTR_FMT(extack, tb[TTP_FILTER_A_FAMILY],
					    "family %u is neither AF_INET (%d) nor AF_INET6 (%d)",
					    f->family, AF_INET, AF_INET6);
			return -EINVAL;
		}
	}
	if (tb[TTP_FILTER_A_SPORT])
		f->sport = nla_get_u16(tb[TTP_FILTER_A_SPORT]);
	if (tb[TTP_FILTER_A_DPORT])
		f->dport = nla_get_u16(tb[TTP_FILTER_A_DPORT]);
	err = ttp_diag_parse_prefix(&f->src, tb[TTP_FILTER_A_SADDR],
				    tb[TTP_FILTER_A_SPREFIX], extack);
	if (!err)
		err = ttp_diag_parse_prefix(&f->dst, tb[TTP_FILTER_A_DADDR],
					    tb[TTP_FILTER_A_DPREFIX], extack);
	return err;
}

static bool ttp_diag_prefix_match(const struct ttp_diag_prefix *p, u16 family,
				  const union ttp_addr *addr)
{
	if (!p->set)
		return true;
	if (p->family != family)
		return false;
	if (family == AF_INET)
		return !p->plen ||
		       !((p->addr.v4 ^ addr->v4) & htonl(~0U << (32 - p->plen)));
	return ipv6_prefix_equal(&p->addr.v6, &addr->v6, p->plen);
}

static bool ttp_diag_match(const struct ttp_diag_filter *f,
			   const struct ttp_conn_key *key, int state)
{
	return (f->states & (1U << state)) &&
	       (!f->family || f->family == key->family) &&
	       (f->sport < 0 || f->sport == ntohs(key->lport)) &&
	       (f->dport < 0 || f->dport == ntohs(key->rport)) &&
	       ttp_diag_prefix_match(&f->src, key->family, &key->laddr) &&
	       ttp_diag_prefix_match(&f->dst, key->family, &key->raddr);
}

/* What one message says about one entry. */
struct ttp_diag_entry {
	const struct ttp_conn_key *key;
	u8 kind, state, timer, retrans;
	u32 rqueue, wqueue;
	unsigned long expires;	/* jiffies, when TIMER fires */
};

static u32 ttp_diag_ms_left(unsigned long expires)
{
	return time_after(expires, jiffies) ? jiffies_to_msecs(expires - jiffies) : 0;
}

/* A socket's running timer, in the order ss looks: retransmit, keepalive. */
static void ttp_diag_sock_timer(struct sock *sk, struct ttp_diag_entry *e)
{
	struct ttp_sock *ts = ttp_sk(sk);

	if (ttp_rtx_armed(sk)) {
		if (READ_ONCE(ts->persist))
			e->timer = TTP_TIMER_PERSIST;
		else if (sk->sk_state == TTP_FIN_WAIT_2)
			e->timer = TTP_TIMER_FIN_WAIT2;
		else
			e->timer = TTP_TIMER_RETRANS;
		e->retrans = READ_ONCE(ts->retries);
		e->expires = READ_ONCE(ts->rtx_timer.expires);
	} else if (timer_pending(&ts->keepalive_timer)) {
		e->timer = TTP_TIMER_KEEPALIVE;
		e->retrans = READ_ONCE(ts->probes_out);
		e->expires = READ_ONCE(ts->keepalive_timer.expires);
	}
}

static int ttp_diag_put_addr(struct sk_buff *skb, int type, u16 family,
			     const union ttp_addr *addr)
{
	return nla_put(skb, type, family == AF_INET ? sizeof(__be32) :
		       sizeof(struct in6_addr), addr);
}

/*
 * One message. SK is the socket if the entry is one; INFO, if not NULL, is
 * its struct ttp_info. Under RCU or with SK referenced.
 */
static int ttp_diag_fill(struct sk_buff *skb, struct netlink_callback *cb,
			 const struct ttp_diag_entry *e, struct sock *sk,
			 const struct ttp_info *info)
{
	const struct ttp_conn_key *key = e->key;
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &ttp_genl_family, NLM_F_MULTI, TTP_CMD_SOCK_GET);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, TTP_A_SOCK);
	if (!nest ||
	    nla_put_u8(skb, TTP_SOCK_A_KIND, e->kind) ||
	    nla_put_u8(skb, TTP_SOCK_A_FAMILY, key->family) ||
	    nla_put_u8(skb, TTP_SOCK_A_STATE, e->state) ||
	    ttp_diag_put_addr(skb, TTP_SOCK_A_SADDR, key->family, &key->laddr) ||
	    ttp_diag_put_addr(skb, TTP_SOCK_A_DADDR, key->family, &key->raddr) ||
	    nla_put_u16(skb, TTP_SOCK_A_SPORT, ntohs(key->lport)) ||
	    nla_put_u16(skb, TTP_SOCK_A_DPORT, ntohs(key->rport)) ||
	    nla_put_u32(skb, TTP_SOCK_A_RQUEUE, e->rqueue) ||
	    nla_put_u32(skb, TTP_SOCK_A_WQUEUE, e->wqueue) ||
	    nla_put_u8(skb, TTP_SOCK_A_TIMER, e->timer))
		goto cancel;
	if (e->timer &&
	    (nla_put_u32(skb, TTP_SOCK_A_TIMER_MS, ttp_diag_ms_left(e->expires)) ||
	     nla_put_u8(skb, TTP_SOCK_A_RETRANS, e->retrans)))
		goto cancel;
	if (sk) {
		struct user_namespace *ns = sk_user_ns(NETLINK_CB(cb->skb).sk);

		if (nla_put_u32(skb, TTP_SOCK_A_UID,
				from_kuid_munged(ns, READ_ONCE(sk->sk_uid))) ||
		    nla_put_u64_64bit(skb, TTP_SOCK_A_INODE, sock_i_ino(sk),
				      TTP_SOCK_A_PAD))
			goto cancel;
	}
	if (info && nla_put(skb, TTP_SOCK_A_INFO, sizeof(*info), info))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* A full socket's entry: listening, connecting or connected. */
static void ttp_diag_sock_entry(struct sock *sk, struct ttp_diag_entry *e)
{
	struct ttp_sock *ts = ttp_sk(sk);

	e->kind = TTP_SOCK_KIND_SOCKET;
	e->state = READ_ONCE(sk->sk_state);
	if (e->state == TTP_LISTEN) {
		struct ttp_listen *l = READ_ONCE(ts->listen);

		e->rqueue = l ? READ_ONCE(l->nr_accepted) : 0;
		e->wqueue = l ? READ_ONCE(l->backlog) : 0;
		return;
	}
	/*
	 * Bytes to read, as SIOCINQ counts (ss shows TCP's FIN as one more);
	 * unacknowledged sequence space, as SIOCOUTQ and ss count.
	 */
	e->rqueue = ttp_inq(sk);
	e->wqueue = max_t(int, READ_ONCE(ts->write_seq) - READ_ONCE(ts->snd_una), 0);
	ttp_diag_sock_timer(sk, e);
}

/* The dump's place, kept across messages; freed by ttp_nl_sock_done(). */
struct ttp_diag_dump {
	struct ttp_diag_filter filter;
	bool info;
	bool in_table;			/* listeners done */
	bool done;
	unsigned int bucket, skip;	/* next listener */
	struct rhashtable_iter iter;
	struct ttp_conn *pending;	/* held: did not fit the last message */
};

static struct ttp_diag_dump *ttp_diag_dump_of(struct netlink_callback *cb)
{
	return (struct ttp_diag_dump *)cb->args[0];
}

int ttp_nl_sock_start(struct netlink_callback *cb)
{
	struct nlattr *tb[TTP_A_MAX + 1];
	struct ttp_diag_dump *d;
	int err;

	err = nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, TTP_A_MAX, ttp_sock_policy,
			  cb->extack);
	if (err)
		return err;
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	err = ttp_diag_parse_filter(&d->filter, tb[TTP_A_FILTER], cb->extack);
	if (err) {
		kfree(d);
		return err;
	}
	d->info = nla_get_flag(tb[TTP_A_SOCK_INFO]);
	rhashtable_walk_enter(&ttp_net(sock_net(cb->skb->sk))->conns, &d->iter);
	cb->args[0] = (unsigned long)d;
	return 0;
}

int ttp_nl_sock_done(struct netlink_callback *cb)
{
	struct ttp_diag_dump *d = ttp_diag_dump_of(cb);

	if (d) {
		if (d->pending)
			ttp_conn_put(d->pending);
		rhashtable_walk_exit(&d->iter);
		kfree(d);
	}
	return 0;
}

/*
 * Listeners are few: dump them under the listener table's lock, which only
 * listen() and close() take. Their struct ttp_info is read without the
 * socket lock: for a listener it is the state and the accept queue.
 */
static int ttp_diag_dump_listeners(struct sk_buff *skb, struct netlink_callback *cb,
				   struct ttp_diag_dump *d)
{
	struct ttp_net *tn = ttp_net(sock_net(skb->sk));
	struct ttp_conn_key key;
	struct ttp_diag_entry e;
	struct ttp_info info;
	struct ttp_sock *ts;
	unsigned int n;
	int err = 0;

	spin_lock_bh(&tn->listen_lock);
	for (; d->bucket < TTP_LISTEN_HASH_SIZE; d->bucket++, d->skip = 0) {
		n = 0;
		hlist_for_each_entry(ts, &tn->listeners[d->bucket], listen_node) {
			struct sock *sk = (struct sock *)ts;

			if (n++ < d->skip)
				continue;
			ttp_conn_key_from_sock(sk, &key);
			if (sk->sk_family == AF_INET6 && key.family == AF_INET &&
			    ipv6_addr_any(&sk->sk_v6_rcv_saddr))
				key.family = AF_INET6;	/* [::], v4 and v6 */
			if (!ttp_diag_match(&d->filter, &key, TTP_LISTEN))
				continue;
			memset(&e, 0, sizeof(e));
			e.key = &key;
			ttp_diag_sock_entry(sk, &e);
			if (d->info)
				ttp_info_fill(sk, &info);
			err = ttp_diag_fill(skb, cb, &e, sk, d->info ? &info : NULL);
			if (err) {
				d->skip = n - 1;
				goto out;
			}
		}
	}
out:
	spin_unlock_bh(&tn->listen_lock);
	return err;
}

/*
 * One entry of the connection table, under RCU. Sockets whose struct
 * ttp_info is asked for are filled under their lock, which takes the walk
 * out of RCU for that long; everything else is read as it is, as ss reads
 * TCP's. An entry that does not fit is kept, referenced, for the next
 * message.
 */
static int ttp_diag_dump_conn(struct sk_buff *skb, struct netlink_callback *cb,
			      struct ttp_diag_dump *d, struct ttp_conn *conn)
	__must_hold(RCU)
{
	struct ttp_diag_entry e = { .key = &conn->key };
	struct ttp_request *req;
	struct ttp_info info;
	struct ttp_tw *tw;
	struct sock *sk;
	int err;

	switch (conn->kind) {
	case TTP_CONN_REQ:
		req = container_of(conn, struct ttp_request, conn);
		e.kind = TTP_SOCK_KIND_REQUEST;
		e.state = TTP_SYN_RCVD;
		/*
		 * Its timer runs for as long as it lives, though not
		 * pending while it fires and re-arms: read without the
		 * listener's lock, it is due now (as inet_diag reports).
		 */
		e.timer = TTP_TIMER_SYNACK;
		e.retrans = READ_ONCE(req->retries);
		e.expires = READ_ONCE(req->timer.expires);
		sk = NULL;
		break;
	case TTP_CONN_TW:
		tw = container_of(conn, struct ttp_tw, conn);
		e.kind = TTP_SOCK_KIND_TIME_WAIT;
		e.state = TTP_TIME_WAIT;
		e.timer = TTP_TIMER_TIME_WAIT;	/* likewise */
		e.expires = READ_ONCE(tw->timer.expires);
		sk = NULL;
		break;
	default:
		sk = (struct sock *)container_of(conn, struct ttp_sock, conn);
		ttp_diag_sock_entry(sk, &e);
		break;
	}
	if (!ttp_diag_match(&d->filter, &conn->key, e.state))
		return 0;
	if (!sk || !d->info) {
		err = ttp_diag_fill(skb, cb, &e, sk, NULL);
		if (err && ttp_conn_hold(conn))
			d->pending = conn;
		return err;
	}

	if (!ttp_conn_hold(conn))
		return 0;
	rhashtable_walk_stop(&d->iter);
	lock_sock(sk);
	ttp_info_fill(sk, &info);
	release_sock(sk);
	err = ttp_diag_fill(skb, cb, &e, sk, &info);
	if (err)
		d->pending = conn;
	else
		ttp_conn_put(conn);
	rhashtable_walk_start(&d->iter);
	return err;
}

int ttp_nl_sock_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ttp_diag_dump *d = ttp_diag_dump_of(cb);
	struct ttp_conn *conn;
	int err = 0;

	if (d->done)
		return 0;
	if (!d->in_table) {
		if (ttp_diag_dump_listeners(skb, cb, d))
			return skb->len;
		d->in_table = true;
	}

	rhashtable_walk_start(&d->iter);
	conn = d->pending;
	if (conn) {
		d->pending = NULL;
		if (READ_ONCE(conn->hashed))
			err = ttp_diag_dump_conn(skb, cb, d, conn);
		ttp_conn_put(conn);
	}
	while (!err && (conn = rhashtable_walk_next(&d->iter))) {
		if (IS_ERR(conn))
			continue;	/* resized: entries may come twice */
		err = ttp_diag_dump_conn(skb, cb, d, conn);
	}
	if (!err)
		d->done = true;
	rhashtable_walk_stop(&d->iter);
	return skb->len;
}

/* TTP_CMD_SOCK_KILL: what matches is collected, referenced, then ended. */
#define TTP_KILL_BATCH 32

static bool ttp_diag_kill_one(struct ttp_conn *conn)
{
	switch (conn->kind) {
	case TTP_CONN_REQ:
		return ttp_request_abort(container_of(conn, struct ttp_request, conn));
	case TTP_CONN_TW:
		return ttp_tw_abort(container_of(conn, struct ttp_tw, conn));
	default:
		return ttp_abort((struct sock *)container_of(conn, struct ttp_sock, conn));
	}
}

static int ttp_diag_state_of(struct ttp_conn *conn)
{
	switch (conn->kind) {
	case TTP_CONN_REQ:
		return TTP_SYN_RCVD;
	case TTP_CONN_TW:
		return TTP_TIME_WAIT;
	default:
		return READ_ONCE(((struct sock *)container_of(conn, struct ttp_sock,
							      conn))->sk_state);
	}
}

static u32 ttp_diag_kill_listeners(struct net *net, const struct ttp_diag_filter *f)
{
	struct ttp_net *tn = ttp_net(net);
	struct sock *batch[TTP_KILL_BATCH];
	struct ttp_conn_key key;
	struct ttp_sock *ts;
	u32 killed = 0;
	int i, n;

	/* A killed listener leaves the table: look again until none match. */
	do {
		n = 0;
		spin_lock_bh(&tn->listen_lock);
		for (i = 0; i < TTP_LISTEN_HASH_SIZE && n < TTP_KILL_BATCH; i++) {
			hlist_for_each_entry(ts, &tn->listeners[i], listen_node) {
				struct sock *sk = (struct sock *)ts;

				ttp_conn_key_from_sock(sk, &key);
				if (sk->sk_family == AF_INET6 && key.family == AF_INET &&
				    ipv6_addr_any(&sk->sk_v6_rcv_saddr))
					key.family = AF_INET6;
				if (!ttp_diag_match(f, &key, TTP_LISTEN))
					continue;
				sock_hold(sk);
				batch[n++] = sk;
				if (n == TTP_KILL_BATCH)
					break;
			}
		}
		spin_unlock_bh(&tn->listen_lock);
		for (i = 0; i < n; i++) {
			killed += ttp_abort(batch[i]);
			sock_put(batch[i]);
		}
	} while (n == TTP_KILL_BATCH);
	return killed;
}

/*
 * What matches, all of it, before anything is ended: ending entries during
 * the walk would make it lose its place and miss some.
 */
static int ttp_diag_kill_collect(struct net *net, const struct ttp_diag_filter *f,
				 struct ttp_conn ***out, unsigned int *count)
{
	unsigned int n = 0, cap = 64;
	struct ttp_conn **v, **bigger;
	struct rhashtable_iter iter;
	struct ttp_conn *conn;
	int err = 0;

	v = kvmalloc_array(cap, sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	rhashtable_walk_enter(&ttp_net(net)->conns, &iter);
	rhashtable_walk_start(&iter);
	while ((conn = rhashtable_walk_next(&iter))) {
		if (IS_ERR(conn))
			continue;
		if (!ttp_diag_match(f, &conn->key, ttp_diag_state_of(conn)) ||
		    !ttp_conn_hold(conn))
			continue;
		if (n == cap) {
			/* Out of RCU to allocate; the entry is held. */
			rhashtable_walk_stop(&iter);
			bigger = kvmalloc_array(cap * 2, sizeof(*v), GFP_KERNEL);
			if (bigger) {
				memcpy(bigger, v, n * sizeof(*v));
				kvfree(v);
				v = bigger;
				cap *= 2;
			}
			rhashtable_walk_start(&iter);
			if (!bigger) {
				ttp_conn_put(conn);
				err = -ENOMEM;
				break;
			}
		}
		v[n++] = conn;
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	if (err) {
		while (n)
			ttp_conn_put(v[--n]);
		kvfree(v);
		return err;
	}
	*out = v;
	*count = n;
	return 0;
}

int ttp_nl_sock_kill_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct ttp_diag_filter f;
	struct ttp_conn **v;
	struct sk_buff *msg;
	unsigned int i, n;
	u32 killed;
	void *hdr;
	int err;

	if (!info->attrs[TTP_A_FILTER]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "a filter is required (an empty one matches everything)");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, TTP_A_FILTER);
		return -EINVAL;
	}
	err = ttp_diag_parse_filter(&f, info->attrs[TTP_A_FILTER], info->extack);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = ttp_diag_kill_collect(net, &f, &v, &n);
	if (err) {
		nlmsg_free(msg);
		return err;
	}

	/* Connections first: a listener's end would reset its children. */
	for (i = 0, killed = 0; i < n; i++) {
		killed += ttp_diag_kill_one(v[i]);
		ttp_conn_put(v[i]);
	}
	kvfree(v);
	killed += ttp_diag_kill_listeners(net, &f);
	ttp_count_add(net, TTP_MIB_KILLED, killed);

	hdr = genlmsg_put_reply(msg, info, &ttp_genl_family, 0, TTP_CMD_SOCK_KILL);
	if (!hdr || nla_put_u32(msg, TTP_A_KILLED, killed)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}
