// SPDX-License-Identifier: GPL-2.0
/*
 * Passive open. A SYN to a listener makes a request entry (the SYN queue,
 * bounded by max_syn_backlog) and a SYN-ACK, retransmitted with backoff up
 * to synack_retries times. The handshake's final ACK turns the entry into a
 * socket on the listener's accept queue (bounded by the listen() backlog),
 * where accept() finds it. Everything about a listener, its requests
 * included, happens under the listener's socket lock.
 */
#include <linux/slab.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include <net/transp_v6.h>
#include "events.h"
#include "inject.h"
#include "netns.h"
#include "stats.h"
#include "syncookies.h"
#include "ttp.h"
#include "trace.h"

static struct kmem_cache *ttp_req_cache;

static void ttp_request_accept(struct sock *sk, struct ttp_request *req,
			       struct sk_buff *skb, bool cookie);

static void ttp_request_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(ttp_req_cache, container_of(head, struct ttp_request, rcu));
	ttp_entry_uncharge(kmem_cache_size(ttp_req_cache));
}

void ttp_request_put(struct ttp_request *req)
{
	if (refcount_dec_and_test(&req->refcnt)) {
		sock_put(req->listener);
		call_rcu(&req->rcu, ttp_request_free_rcu);
	}
}

static const struct ttp_af_ops *ttp_req_af(const struct ttp_request *req)
{
	return req->conn.key.family == AF_INET ? &ttp_ipv4_ops : &ttp_ipv6_ops;
}

/* Arm or re-arm the SYN-ACK timer; a pending timer holds a reference. */
static void ttp_request_arm(struct ttp_request *req, unsigned long delay)
{
	if (!mod_timer(&req->timer, jiffies + delay))
		refcount_inc(&req->refcnt);
}

/* Take a request off the SYN queue and the table. Listener locked. */
static void ttp_request_unlink(struct ttp_request *req)
{
	struct sock *sk = req->listener;
	struct net *net = sock_net(sk);

	sock_owned_by_me(sk);
	if (req->dead)
		return;
	req->dead = true;
	list_del(&req->node);
	ttp_sk(sk)->listen->nr_requests--;
	if (timer_delete(&req->timer))
		ttp_request_put(req);
	ttp_conn_remove(net, &req->conn);
}

/* A request that ends without becoming a socket. Listener locked. */
static void ttp_request_drop(struct ttp_request *req)
{
	struct net *net = sock_net(req->listener);

	sock_owned_by_me(req->listener);
	if (req->dead)
		return;
	ttp_request_unlink(req);
	ttp_state_move(net, TTP_SYN_RCVD, TTP_CLOSED);
	ttp_event_state(net, &req->conn.key, TTP_SYN_RCVD, TTP_CLOSED, 0, "dropped");
	ttp_count(net, TTP_MIB_ATTEMPT_FAILS);
	ttp_request_put(req);	/* the reference for being queued */
}

/*
 * Remove REQ at an operator's request (ttpctl sockets kill). Process
 * context, REQ referenced. Returns whether it was still queued.
 */
bool ttp_request_abort(struct ttp_request *req)
{
	struct sock *sk = req->listener;
	bool queued;

	lock_sock(sk);
	local_bh_disable();
	queued = !req->dead;
	ttp_request_drop(req);
	local_bh_enable();
	release_sock(sk);
	return queued;
}

static void ttp_send_synack_ts(const struct ttp_request *req, u32 tsval, int ifindex)
{
	struct sock *sk = req->listener;

	ttp_send_reply(sock_net(sk), ttp_req_af(req), &req->conn.key, req->iss,
		       req->irs + 1, TTP_FLAG_SYN | TTP_FLAG_ACK,
		       min_t(u32, ttp_free_space(sk), TTP_MAX_WINDOW),
		       tsval, req->ts_recent, req->tstamp_ok, req, ifindex);
}

static void ttp_send_synack(struct ttp_request *req, int ifindex)
{
	ttp_send_synack_ts(req, ttp_tsval(req->ts_offset), ifindex);
}

/* A full accept queue, by Linux's measure: listen(fd, 0) still takes one. */
static bool ttp_accept_queue_full(const struct ttp_listen *l)
{
	return READ_ONCE(l->nr_accepted) > READ_ONCE(l->backlog);
}

/* The first overflow of a listener's SYN queue says so, once. */
static void ttp_synflood_warn(struct sock *sk, bool cookies)
{
	struct ttp_listen *l = ttp_sk(sk)->listen;

	if (l->synflood_warned)
		return;
	l->synflood_warned = true;
	if (net_ratelimit())
		pr_info("TTP: Possible SYN flooding on port %u. %s.\n",
			inet_sk(sk)->inet_num, cookies ? "Sending cookies" : "Dropping request");
}

/* A flood goes on while the SYN queue overflowed in the last second. */
static void ttp_synflood_timer_fn(struct timer_list *t)
{
	struct ttp_listen *l = ttp_timer_container(l, t, flood_timer);
	struct sock *sk = l->sk;

	ttp_inject_window("flood-timer", 100);
	bh_lock_sock(sk);
	if (READ_ONCE(l->flooding) &&
	    (sock_owned_by_user(sk) || time_before(jiffies, l->last_full + HZ))) {
		mod_timer(&l->flood_timer, jiffies + HZ / 4);
		bh_unlock_sock(sk);
		return;
	}
	if (READ_ONCE(l->flooding)) {
		WRITE_ONCE(l->flooding, false);
		ttp_event_synflood(sk, false, l->flood_overflows,
				   jiffies_to_msecs(jiffies - l->flood_start));
	}
	bh_unlock_sock(sk);
	sock_put(sk);		/* the timer's reference */
}

static void ttp_synflood_mark(struct sock *sk)
{
	struct ttp_listen *l = ttp_sk(sk)->listen;

	l->last_full = jiffies;
	l->flood_overflows++;
	if (READ_ONCE(l->flooding))
		return;
	l->flood_start = jiffies;
	l->flood_overflows = 1;
	WRITE_ONCE(l->flooding, true);
	ttp_event_synflood(sk, true, 0, 0);
	sock_hold(sk);
	if (mod_timer(&l->flood_timer, jiffies + HZ))
		sock_put(sk);	/* still pending from the last episode */
}

/*
 * listen()'s end: an episode under way ends with it, and the flood timer
 * is gone before the listener's state (struct ttp_listen) can be freed.
 *
 * The timer re-arms itself while the listener is owned by user, deciding
 * under bh_lock_sock(); we own the listener, which does not exclude it.
 * So clear the flag under that spinlock: a callback that ran before us
 * re-armed (pending, deleted below, its reference ours to drop); one that
 * runs after sees no flood and drops its reference itself. Softirq cannot
 * start a new episode meanwhile: it backlogs while we own the socket, and
 * the state is no longer LISTEN when the backlog is processed.
 */
static void ttp_synflood_stop(struct sock *sk)
{
	struct ttp_listen *l = ttp_sk(sk)->listen;
	bool was;

	sock_owned_by_me(sk);
	/* Test builds: arrive while the timer is inside its window (inject.c). */
	if (READ_ONCE(l->flooding))
		ttp_inject_meet("flood-timer", 1000);
	if (ttp_injected("racy-flood-stop")) {
		/* The old end of a flood, for ttp_races.py to be caught in. */
		WRITE_ONCE(l->flooding, false);
		if (timer_delete(&l->flood_timer))
			sock_put(sk);
		return;
	}
	local_bh_disable();
	bh_lock_sock(sk);
	was = READ_ONCE(l->flooding);
	WRITE_ONCE(l->flooding, false);
	bh_unlock_sock(sk);
	local_bh_enable();
	if (was)
		ttp_event_synflood(sk, false, l->flood_overflows,
				   jiffies_to_msecs(jiffies - l->flood_start));
	if (timer_delete_sync(&l->flood_timer))
		sock_put(sk);
}

/* What a request entry would hold, from a SYN, for a SYN-ACK or a cookie. */
static void ttp_request_from_syn(struct ttp_request *req, struct sock *sk,
				 const struct sk_buff *skb, const struct ttp_conn_key *key)
{
	const struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
	struct net *net = sock_net(sk);

	req->conn.key = *key;
	req->conn.kind = TTP_CONN_REQ;
	req->listener = sk;
	req->ifindex = skb->skb_iif;
	req->irs = cb->seq;
	req->peer_mss = cb->has_mss && cb->mss ? cb->mss : TTP_DEFAULT_MSS;
	req->wscale_ok = cb->has_wscale && ttp_param(net, TTP_PARAM_WINDOW_SCALING);
	req->snd_wscale = req->wscale_ok ? cb->wscale : 0;
	req->rcv_wscale = req->wscale_ok ? ttp_choose_wscale(ttp_rcvbuf_max(sk)) : 0;
	req->tstamp_ok = cb->has_ts && ttp_param(net, TTP_PARAM_TIMESTAMPS);
	req->sack_ok = cb->sack_ok && ttp_param(net, TTP_PARAM_SACK);
	req->ts_recent = cb->tsval;
	req->ts_offset = ttp_ts_offset(key);
}

/*
 * Answer a SYN with a cookie and keep nothing. Without timestamps there is
 * nowhere to keep the peer's window scale: such a connection goes without.
 */
static void ttp_send_cookie(struct sock *sk, const struct sk_buff *skb,
			    const struct ttp_conn_key *key)
{
	struct net *net = sock_net(sk);
	struct ttp_cookie_when when = {
		.lifetime_ms = ttp_param(net, TTP_PARAM_SYNCOOKIE_LIFETIME_MS),
	};
	struct ttp_request req = {};

	ttp_request_from_syn(&req, sk, skb, key);
	if (!req.tstamp_ok) {
		req.wscale_ok = false;
		req.rcv_wscale = 0;
		req.sack_ok = false;
	}
	/* With timestamps the cookie is tied to the TSval; else to an epoch. */
	when.ts = req.tstamp_ok;
	if (when.ts)
		when.tsval = ttp_cookie_tsval(ttp_tsval(req.ts_offset), req.wscale_ok,
					      req.snd_wscale, req.sack_ok);
	else
		when.now_ms = ttp_cookie_now_ms();
	req.iss = ttp_cookie_make(&ttp_net(net)->cookie_secret, key, req.irs,
				  req.peer_mss, &when);
	ttp_send_synack_ts(&req, when.tsval, req.ifindex);
	ttp_count(net, TTP_MIB_SYNCOOKIES_SENT);
	trace_ttp_cookie_sent(key);
}

static void ttp_request_timer_fn(struct timer_list *t)
{
	struct ttp_request *req = ttp_timer_container(req, t, timer);
	struct sock *sk = req->listener;
	struct net *net = sock_net(sk);
	unsigned long rto;

	bh_lock_sock(sk);
	if (sock_owned_by_user(sk)) {
		/* Try again in a moment, rather than defer. */
		if (!req->dead)
			ttp_request_arm(req, HZ / 20);
		goto out;
	}
	if (req->dead || sk->sk_state != TTP_LISTEN)
		goto out;
	if (req->retries >= ttp_param(net, TTP_PARAM_SYNACK_RETRIES)) {
		ttp_count(net, TTP_MIB_REQ_TIMEOUTS);
		ttp_request_drop(req);
		goto out;
	}
	req->retries++;
	req->synack_again = true;
	ttp_count(net, TTP_MIB_SYNACK_RETRANS);
	ttp_count(net, TTP_MIB_RETRANS_SEGS);
	ttp_send_synack(req, req->ifindex);
	rto = ttp_rto_backoff(msecs_to_jiffies(ttp_param(net, TTP_PARAM_RTO_INIT_MS)),
			      req->retries, ttp_rto_max(sk));
	ttp_request_arm(req, rto);
out:
	bh_unlock_sock(sk);
	ttp_request_put(req);	/* the timer's reference */
}

/*
 * A SYN for a listener: a new request entry and its SYN-ACK; or, when the
 * SYN queue is full or syncookies is 2, a SYN-ACK with a cookie.
 */
static void ttp_listen_syn(struct sock *sk, struct sk_buff *skb,
			   const struct ttp_conn_key *key)
{
	struct ttp_listen *l = ttp_sk(sk)->listen;
	struct net *net = sock_net(sk);
	u32 cookies = ttp_param(net, TTP_PARAM_SYNCOOKIES);
	struct ttp_request *req;
	bool queue_full;

	if (ttp_accept_queue_full(l)) {
		ttp_count(net, TTP_MIB_LISTEN_OVERFLOWS);
		ttp_count(net, TTP_MIB_LISTEN_DROPS);
		return;
	}
	/*
	 * TTP's memory limit bounds request entries too (memory.c): past
	 * it, the SYN queue is full, whatever max_syn_backlog says.
	 */
	queue_full = l->nr_requests >= ttp_param(net, TTP_PARAM_MAX_SYN_BACKLOG) ||
		     (cookies != 2 && !ttp_entry_charge(net, kmem_cache_size(ttp_req_cache)));
	if (queue_full) {
		ttp_synflood_warn(sk, cookies);
		ttp_synflood_mark(sk);
	}
	if (cookies == 2 || (cookies == 1 && queue_full)) {
		l->last_overflow = jiffies;
		ttp_send_cookie(sk, skb, key);
		return;
	}
	if (queue_full) {
		ttp_count_drop(net, key, TTP_MIB_DROP_SYN_QUEUE_FULL);
		ttp_count(net, TTP_MIB_LISTEN_DROPS);
		return;
	}
	req = kmem_cache_zalloc(ttp_req_cache, GFP_ATOMIC);
	if (!req) {
		ttp_entry_uncharge(kmem_cache_size(ttp_req_cache));
		ttp_count_drop(net, key, TTP_MIB_DROP_NO_MEMORY);
		return;
	}
	ttp_request_from_syn(req, sk, skb, key);
	refcount_set(&req->refcnt, 1);
	sock_hold(sk);
	timer_setup(&req->timer, ttp_request_timer_fn, 0);
	/* Beyond the sequence space of the TIME_WAIT entry it replaced. */
	req->iss = TTP_SKB_CB(skb)->tw_isn ?: ttp_req_af(req)->isn(key);

	if (ttp_conn_insert(net, &req->conn)) {
		/* A request for this 4-tuple exists already. */
		ttp_request_put(req);
		return;
	}
	list_add_tail(&req->node, &l->requests);
	l->nr_requests++;
	ttp_state_move(net, TTP_CLOSED, TTP_SYN_RCVD);
	ttp_event_state(net, key, TTP_CLOSED, TTP_SYN_RCVD, 0, "syn");
	req->synack_us = ttp_now_us();
	ttp_send_synack(req, req->ifindex);
	ttp_request_arm(req, msecs_to_jiffies(ttp_param(net, TTP_PARAM_RTO_INIT_MS)));
}

/* The child socket's addresses, from the 4-tuple of its request. */
static void ttp_child_addrs(struct sock *child, const struct ttp_conn_key *key)
{
	struct inet_sock *inet = inet_sk(child);

	inet->inet_sport = key->lport;
	inet->inet_dport = key->rport;
	inet->inet_num = ntohs(key->lport);
	ttp_set_af(child, &ttp_ipv4_ops);
	if (key->family == AF_INET) {
		inet->inet_saddr = key->laddr.v4;
		inet->inet_rcv_saddr = key->laddr.v4;
		inet->inet_daddr = key->raddr.v4;
		if (child->sk_family == AF_INET6) {
			/* An IPv6 socket talking to an IPv4 peer. */
			ipv6_addr_set_v4mapped(key->laddr.v4, &child->sk_v6_rcv_saddr);
			ipv6_addr_set_v4mapped(key->laddr.v4, &inet6_sk(child)->saddr);
			ipv6_addr_set_v4mapped(key->raddr.v4, &child->sk_v6_daddr);
		}
	} else {
		child->sk_v6_rcv_saddr = key->laddr.v6;
		inet6_sk(child)->saddr = key->laddr.v6;
		child->sk_v6_daddr = key->raddr.v6;
		inet->inet_saddr = LOOPBACK4_IPV6;
		inet->inet_rcv_saddr = LOOPBACK4_IPV6;
		inet->inet_daddr = LOOPBACK4_IPV6;
		ttp_set_af(child, &ttp_ipv6_ops);
	}
}

/* A child that never was: it leaves as if closed before anyone saw it. */
static void ttp_child_discard(struct sock *child)
{
	child->sk_state = TTP_CLOSED;
	sock_set_flag(child, SOCK_DEAD);
	ttp_destroy_sock(child);
	sk_free(child);
}

/*
 * The handshake's RTT, the child's first sample, as Linux's
 * tcp_synack_rtt_meas(): from the SYN-ACK's send time if it went once
 * (Karn's rule), else from the final ACK's timestamp echo. Without it a
 * connection without timestamps would wait for its first data's ACK, and
 * start with rto_init_ms and no pacing rate; and a millisecond echo is a
 * coarse measure of a short path. ttp_ack() takes none from that ACK.
 */
static void ttp_child_synack_rtt(struct sock *child, const struct ttp_request *req,
				 const struct ttp_skb_cb *cb)
{
	const struct ttp_sock *ts = ttp_sk(child);
	u32 sample_us = 0;

	if (req->synack_us && !req->synack_again)
		sample_us = ttp_now_us() - req->synack_us;
	else if (ts->tstamp_ok && cb->has_ts && cb->tsecr)
		sample_us = ttp_tsecr_rtt_us(ttp_sk_tsval(child), cb->tsecr);
	if (sample_us)
		ttp_ack_update_rtt(child, sample_us);
}

/*
 * Make the socket a completed handshake becomes. It starts in SYN_RCVD,
 * taking over the request's place in the state gauges; the final ACK then
 * moves it on through the ordinary state machine.
 */
static struct sock *ttp_child_create(struct sock *sk, struct ttp_request *req,
				     const struct ttp_skb_cb *cb)
{
	struct net *net = sock_net(sk);
	struct ttp_sock *ts;
	struct sock *child;

	/*
	 * A copy of the listener, as TCP's children are (sk_clone_lock()):
	 * with it comes what the host attached to the listener, as for TCP:
	 * its cgroup (so cgroup BPF, classid, netprio), its socket filter,
	 * its IPsec policy, its LSM label, its options and callbacks. Made
	 * in softirq, a fresh socket would belong to the root cgroup.
	 */
	child = sk_clone_lock(sk, GFP_ATOMIC);
	if (!child)
		return NULL;
	__acquire(&child->sk_lock.slock);	/* for sparse: it comes locked */
	bh_unlock_sock(child);		/* nobody can find it yet */
	__sock_put(child);		/* one reference, as sk_alloc() gives */
	ts = ttp_sk(child);
	/*
	 * TTP's own part starts clean: nothing of the listener's state (its
	 * queues, timers, listen queues, port claim) may carry over. It was
	 * counted in sockets_allocated by the clone.
	 */
	memset((char *)ts + offsetof(struct ttp_sock, af), 0,
	       sizeof(*ts) - offsetof(struct ttp_sock, af));
	ts->counted = true;
	/* What belongs to the listener alone, as inet_csk_clone_lock(). */
	inet_sk(child)->mc_list = NULL;
	RCU_INIT_POINTER(inet_sk(child)->inet_opt, NULL);
	atomic_set(&inet_sk(child)->inet_id, get_random_u16());
	atomic64_set(&child->sk_cookie, 0);
	WRITE_ONCE(child->sk_ack_backlog, 0);
	child->sk_priority = READ_ONCE(sk->sk_priority);
	/* The listener's device, or the VRF a connection came from. */
	child->sk_bound_dev_if = req->conn.key.dif;
	if (sk->sk_family == AF_INET6) {
		/* As tcp_v6_syn_recv_sock(): its own ipv6_pinfo, no lists. */
		struct ipv6_pinfo *np = &((struct ttp6_sock *)child)->inet6;

		inet_sk(child)->pinet6 = np;
		np->ipv6_mc_list = NULL;
		np->ipv6_ac_list = NULL;
		ttp_compat_ipv6_fl_list_clear(child);
		np->pktoptions = NULL;
		np->opt = NULL;
	}
	ttp_sock_init_common(child);
	ttp_child_addrs(child, &req->conn.key);

	ts = ttp_sk(child);
	ts->conn.key = req->conn.key;
	ts->conn.kind = TTP_CONN_SOCK;
	ts->iss = req->iss;
	ts->snd_una = req->iss;
	ts->snd_nxt = req->iss + 1;
	ts->snd_max = req->iss + 1;
	ts->write_seq = req->iss + 1;
	ts->irs = req->irs;
	ts->rcv_nxt = req->irs + 1;
	ts->rcv_wup = ts->rcv_nxt;
	ts->copied_seq = ts->rcv_nxt;
	ts->rcv_wnd = min_t(u32, ttp_free_space(sk), TTP_MAX_WINDOW);
	ts->rcv_ssthresh = ts->rcv_wnd;
	ts->peer_mss = req->peer_mss;
	ts->wscale_ok = req->wscale_ok;
	ts->snd_wscale = req->snd_wscale;
	ts->rcv_wscale = req->rcv_wscale;
	ts->tstamp_ok = req->tstamp_ok;
	ts->sack_ok = req->sack_ok;
	ts->ts_recent = req->ts_recent;
	ts->ts_recent_stamp = req->tstamp_ok ? jiffies : 0;
	ts->ts_offset = req->ts_offset;
	ts->rto = msecs_to_jiffies(ttp_param(net, TTP_PARAM_RTO_INIT_MS));
	ts->quickack = 8;
	ts->keepidle = ttp_sk(sk)->keepidle;
	ts->keepintvl = ttp_sk(sk)->keepintvl;
	ts->keepcnt = ttp_sk(sk)->keepcnt;
	ts->user_timeout = READ_ONCE(ttp_sk(sk)->user_timeout);
	ts->nonagle = ttp_sk(sk)->nonagle;
	/* The listener's TTP_CONGESTION, if it set one. */
	ts->cong.ops_fixed = ttp_sk(sk)->cong.ops_fixed;
	ts->cong.ops = ttp_sk(sk)->cong.ops;
	ttp_cong_init(child, req->retries);
	if (ts->af->rebuild_route(child)) {
		ttp_child_discard(child);
		return NULL;
	}
	ttp_mtu_init(child);
	ts->mss = ttp_current_mss(child);
	ts->adv_mss = ttp_route_mss(child);
	ttp_rcv_space_init(child);
	ttp_sndbuf_expand(child);
	ttp_child_synack_rtt(child, req, cb);
	child->sk_state = TTP_SYN_RCVD;
	return child;
}

/*
 * A segment for one of our requests. RST ends it, a repeated SYN gets the
 * SYN-ACK again, and the right ACK makes the connection: a socket on the
 * accept queue, with whatever data or FIN the ACK carried already taken in.
 */
static void ttp_request_rcv(struct sock *sk, struct ttp_request *req,
			    struct sk_buff *skb)
{
	struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
	struct net *net = sock_net(sk);

	if (cb->flags & TTP_FLAG_RST) {
		if (cb->seq == req->irs + 1)
			ttp_request_drop(req);
		goto drop;
	}
	if (cb->flags & TTP_FLAG_SYN) {
		if (cb->seq == req->irs) {
			req->synack_again = true;
			ttp_send_synack(req, skb->skb_iif);
		}
		goto drop;
	}
	if (!(cb->flags & TTP_FLAG_ACK))
		goto drop;
	if (cb->ack != req->iss + 1) {
		ttp_send_reset_reply(net, ttp_req_af(req), &req->conn.key, cb,
				     skb->skb_iif);
		ttp_count_drop(net, &req->conn.key, TTP_MIB_DROP_BAD_ACK);
		goto drop;
	}
	if (cb->seq != req->irs + 1) {
		ttp_count_drop(net, &req->conn.key, TTP_MIB_DROP_OUT_OF_WINDOW);
		goto drop;
	}
	ttp_request_accept(sk, req, skb, false);
	return;
drop:
	kfree_skb(skb);
}

/*
 * Make the connection a handshake's final ACK completes, from a request
 * entry or from a cookie (COOKIE: REQ is a stack copy, nothing to unlink).
 * The socket takes the request's place in the table and on the port, and
 * goes on the accept queue. Consumes SKB.
 */
static void ttp_request_accept(struct sock *sk, struct ttp_request *req,
			       struct sk_buff *skb, bool cookie)
{
	struct ttp_listen *l = ttp_sk(sk)->listen;
	struct net *net = sock_net(sk);
	struct sock *child;

	if (ttp_accept_queue_full(l)) {
		ttp_count(net, TTP_MIB_LISTEN_OVERFLOWS);
		ttp_count(net, TTP_MIB_LISTEN_DROPS);
		if (ttp_param(net, TTP_PARAM_ABORT_ON_OVERFLOW)) {
			/* abort_on_overflow 1: tell the peer at once. */
			ttp_count(net, TTP_MIB_ABORT_ON_OVERFLOW);
			ttp_send_reset_reply(net, ttp_req_af(req), &req->conn.key,
					     TTP_SKB_CB(skb), skb->skb_iif);
			if (!cookie)
				ttp_request_drop(req);
		}
		/* Else the peer will send again; there may be room then. */
		goto drop;
	}
	child = ttp_child_create(sk, req, TTP_SKB_CB(skb));
	if (!child) {
		ttp_count_drop(net, &req->conn.key, TTP_MIB_DROP_NO_MEMORY);
		goto drop;
	}
	/* A cookie connection enters SYN_RCVD only now. */
	if (cookie) {
		ttp_state_move(net, TTP_CLOSED, TTP_SYN_RCVD);
		ttp_event_state(net, &req->conn.key, TTP_CLOSED, TTP_SYN_RCVD, 0, "cookie");
	} else {
		ttp_request_unlink(req);
	}
	/*
	 * Locked before anyone can find it and until the final ACK has been
	 * through it, as TCP's child is (tcp_child_process()): the peer's
	 * next segment may come on another CPU the moment it is in the
	 * table, and must find it whole. Freed after a grace period once it
	 * can be found; the flag is set while it cannot, as sk_flags is
	 * written without atomics.
	 */
	bh_lock_sock(child);
	sock_set_flag(child, SOCK_RCU_FREE);
	/* The port claim first: whoever finds the child may end it at once. */
	if (ttp_port_inherit(child, sk) ||
	    ttp_conn_insert(net, &ttp_sk(child)->conn)) {
		ttp_state_move(net, TTP_SYN_RCVD, TTP_CLOSED);
		if (!cookie)
			ttp_request_put(req);
		ttp_conn_remove(net, &ttp_sk(child)->conn);
		bh_unlock_sock(child);
		ttp_child_discard(child);
		goto drop;
	}
	if (!cookie)
		ttp_request_put(req);

	ttp_sk(child)->parent = sk;
	list_add_tail(&ttp_sk(child)->accept_node, &l->accepted);
	WRITE_ONCE(l->nr_accepted, l->nr_accepted + 1);
	ttp_count(net, TTP_MIB_PASSIVE_OPENS);

	ttp_rcv_state(child, skb);
	bh_unlock_sock(child);
	sk->sk_data_ready(sk);
	return;
drop:
	kfree_skb(skb);
}

/*
 * A final ACK that no request entry knows: if cookies were sent lately (or
 * always are), it may carry one. True if it did and the connection is made.
 */
static bool ttp_cookie_ack(struct sock *sk, struct sk_buff *skb,
			   const struct ttp_conn_key *key)
{
	struct ttp_listen *l = ttp_sk(sk)->listen;
	struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
	struct net *net = sock_net(sk);
	u32 cookies = ttp_param(net, TTP_PARAM_SYNCOOKIES);
	u32 lifetime = ttp_param(net, TTP_PARAM_SYNCOOKIE_LIFETIME_MS);
	struct ttp_cookie_when when = { .lifetime_ms = lifetime };
	struct ttp_request req = {};
	u16 mss;

	/* syncookies 1: only while a SYN queue overflowed within the lifetime. */
	if (!cookies)
		return false;
	if (cookies == 1 && (!l->last_overflow ||
			     time_after(jiffies, l->last_overflow + msecs_to_jiffies(lifetime))))
		return false;
	/*
	 * An ACK with timestamps is checked only as a cookie sent with them
	 * (RFC 7323: once both sides sent them, every segment carries them),
	 * one without only as one sent without: trying both for every ACK
	 * would double a forger's chances.
	 */
	when.ts = cb->has_ts;
	if (when.ts) {
		when.tsval = cb->tsecr;
		when.ts_now = ttp_tsval(ttp_ts_offset(key));
	} else {
		when.now_ms = ttp_cookie_now_ms();
	}
	mss = ttp_cookie_check(&ttp_net(net)->cookie_secret, key, cb->seq - 1,
			       cb->ack - 1, &when);
	trace_ttp_cookie_checked(key, mss);
	if (!mss) {
		ttp_count(net, TTP_MIB_SYNCOOKIES_FAILED);
		return false;
	}
	ttp_count(net, TTP_MIB_SYNCOOKIES_RECV);
	req.conn.key = *key;
	req.conn.kind = TTP_CONN_REQ;
	req.listener = sk;
	req.ifindex = skb->skb_iif;
	req.irs = cb->seq - 1;
	req.iss = cb->ack - 1;
	req.peer_mss = mss;
	req.tstamp_ok = cb->has_ts && ttp_param(net, TTP_PARAM_TIMESTAMPS);
	if (req.tstamp_ok) {
		req.ts_recent = cb->tsval;
		req.ts_offset = ttp_ts_offset(key);
		ttp_cookie_ts_decode(cb->tsecr, &req.wscale_ok, &req.snd_wscale,
				     &req.sack_ok);
		if (req.wscale_ok)
			req.rcv_wscale = ttp_choose_wscale(ttp_rcvbuf_max(sk));
	}
	ttp_request_accept(sk, &req, skb, true);
	return true;
}

/*
 * A segment for a listener (locked): for one of its requests, for a child
 * that was a request when the segment was queued, or a SYN.
 */
void ttp_listen_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
	struct net *net = sock_net(sk);
	struct ttp_conn_key key;
	struct ttp_conn *conn;

	sock_owned_by_me(sk);
	ttp_key_from_skb(skb, &key);
	key.dif = ttp_bound_dif(sk, skb);
	rcu_read_lock();
	conn = ttp_conn_lookup(net, &key);
	if (conn && !ttp_conn_hold(conn))
		conn = NULL;
	rcu_read_unlock();
	if (conn && conn->kind == TTP_CONN_TW) {
		/*
		 * Queued for the listener, a TIME_WAIT entry's now: a new SYN
		 * that ended the entry comes back with its listener, this one
		 * or (rarely) another, and the ISN to use (tw_isn).
		 */
		struct sock *taker = ttp_tw_rcv(container_of(conn, struct ttp_tw, conn), skb);

		ttp_conn_put(conn);
		if (!taker)
			return;
		sock_put(taker);
		if (taker != sk || sk->sk_state != TTP_LISTEN) {
			kfree_skb(skb);
			return;
		}
		ttp_listen_syn(sk, skb, &key);
		consume_skb(skb);
		return;
	}
	if (conn) {
		if (conn->kind == TTP_CONN_REQ &&
		    container_of(conn, struct ttp_request, conn)->listener == sk) {
			ttp_request_rcv(sk, container_of(conn, struct ttp_request, conn), skb);
		} else if (conn->kind == TTP_CONN_SOCK) {
			/* A child: locked inside its listener's lock. */
			__ttp_sock_rcv((struct sock *)container_of(conn, struct ttp_sock, conn),
				       skb, 0);
		} else {
			kfree_skb(skb);
		}
		ttp_conn_put(conn);
		return;
	}

	if (cb->flags & TTP_FLAG_RST) {
		kfree_skb(skb);
		return;
	}
	if ((cb->flags & (TTP_FLAG_SYN | TTP_FLAG_ACK)) == TTP_FLAG_SYN &&
	    sk->sk_state == TTP_LISTEN) {
		ttp_listen_syn(sk, skb, &key);
		consume_skb(skb);
		return;
	}
	/* An ACK for a handshake we know nothing of: a cookie, or nothing. */
	if ((cb->flags & (TTP_FLAG_SYN | TTP_FLAG_ACK)) == TTP_FLAG_ACK &&
	    sk->sk_state == TTP_LISTEN && ttp_cookie_ack(sk, skb, &key))
		return;
	ttp_send_reset_reply(net, key.family == AF_INET ? &ttp_ipv4_ops : &ttp_ipv6_ops,
			     &key, cb, skb->skb_iif);
	ttp_count_drop(net, &key, TTP_MIB_DROP_NO_SOCKET);
	kfree_skb(skb);
}

int ttp_listen_start(struct sock *sk, int backlog)
{
	struct ttp_listen *l = ttp_sk(sk)->listen;
	int err;

	if (!l) {
		l = kzalloc(sizeof(*l), GFP_KERNEL);
		if (!l)
			return -ENOMEM;
		INIT_LIST_HEAD(&l->requests);
		INIT_LIST_HEAD(&l->accepted);
		l->sk = sk;
		timer_setup(&l->flood_timer, ttp_synflood_timer_fn, 0);
		ttp_sk(sk)->listen = l;
	}
	WRITE_ONCE(l->backlog, backlog);
	if (sk->sk_state == TTP_LISTEN)
		return 0;
	err = ttp_port_listen(sk);
	if (err)
		return err;
	ttp_set_state(sk, TTP_LISTEN);
	ttp_listener_add(sk);
	return 0;
}

/* close() of a listener: requests vanish, unaccepted children are reset. */
void ttp_listen_stop(struct sock *sk)
{
	struct ttp_listen *l = ttp_sk(sk)->listen;
	struct ttp_request *req, *next;
	struct sock *child;

	ttp_listener_del(sk);
	ttp_port_unlisten(sk);
	if (!l)
		return;
	ttp_synflood_stop(sk);
	local_bh_disable();
	list_for_each_entry_safe(req, next, &l->requests, node)
		ttp_request_drop(req);
	local_bh_enable();

	while ((child = ttp_accept_dequeue(sk))) {
		local_bh_disable();
		bh_lock_sock(child);
		sock_hold(child);
		if (child->sk_state != TTP_CLOSED)
			ttp_send_active_reset(child, GFP_ATOMIC);
		sock_orphan(child);
		if (child->sk_state == TTP_CLOSED)
			ttp_destroy_orphan(child);
		else
			ttp_done(child);
		bh_unlock_sock(child);
		local_bh_enable();
		sock_put(child);
	}
}

/* The oldest completed connection, or NULL. Listener locked. */
struct sock *ttp_accept_dequeue(struct sock *sk)
{
	struct ttp_listen *l = ttp_sk(sk)->listen;
	struct ttp_sock *ts;

	sock_owned_by_me(sk);
	if (!l || list_empty(&l->accepted))
		return NULL;
	ts = list_first_entry(&l->accepted, struct ttp_sock, accept_node);
	list_del_init(&ts->accept_node);
	WRITE_ONCE(l->nr_accepted, l->nr_accepted - 1);
	ts->parent = NULL;
	return (struct sock *)ts;
}

void ttp_listen_free(struct sock *sk)
{
	kfree(ttp_sk(sk)->listen);
	ttp_sk(sk)->listen = NULL;
}

int ttp_request_init(void)
{
	/*
	 * Charged to the memory cgroup, as Linux's request_sock caches are:
	 * a namespace's owner may raise max_syn_backlog (namespaces.md).
	 */
	ttp_req_cache = kmem_cache_create("ttp_request", sizeof(struct ttp_request),
					  0, SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT, NULL);
	return ttp_req_cache ? 0 : -ENOMEM;
}

void ttp_request_exit(void)
{
	rcu_barrier();
	kmem_cache_destroy(ttp_req_cache);
}
