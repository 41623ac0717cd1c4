// SPDX-License-Identifier: GPL-2.0
/*
 * TIME_WAIT entries: when a connection closes, a small entry (not a socket)
 * keeps its 4-tuple for 2*MSL, to ACK a retransmitted final FIN and to let
 * old duplicates die before the 4-tuple is used again. The MSL is the
 * namespace's msl_ms, or msl_local_ms when both ends are on this host, read
 * when the entry is made.
 *
 * An entry lives from ttp_time_wait() until its timer fires, an RST or a
 * new SYN ends it, or its namespace or the module goes. It holds one
 * reference for being alive; lookups, a pending timer and whoever is
 * using it take more. It does not hold its namespace: the namespace's
 * exit ends every entry still in the table and then waits until every
 * entry is freed (tw_unfreed), so that no timer callback or lookup that
 * ended one out of the table's sight still uses the namespace after it.
 */
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <net/ipv6.h>
#include "events.h"
#include "inject.h"
#include "netns.h"
#include "stats.h"
#include "ttp.h"

static struct kmem_cache *ttp_tw_cache;

static void ttp_tw_free(struct ttp_tw *tw)
{
	struct ttp_net *tn = ttp_net(tw->net);

	kmem_cache_free(ttp_tw_cache, tw);
	ttp_entry_uncharge(kmem_cache_size(ttp_tw_cache));
	/* The last use of the namespace by this entry. */
	if (atomic_dec_and_test(&tn->tw_unfreed))
		wake_up_var(&tn->tw_unfreed);
}

static void ttp_tw_free_rcu(struct rcu_head *head)
{
	ttp_tw_free(container_of(head, struct ttp_tw, rcu));
}

void ttp_tw_put(struct ttp_tw *tw)
{
	/* Lookups run under RCU: free only after they are done. */
	if (refcount_dec_and_test(&tw->refcnt))
		call_rcu(&tw->rcu, ttp_tw_free_rcu);
}

static void ttp_tw_put_fn(void *tw)
{
	ttp_tw_put(tw);
}

/* Arm or re-arm the timer; a pending timer holds a reference. */
static void ttp_tw_arm(struct ttp_tw *tw, unsigned long delay)
{
	if (!mod_timer(&tw->timer, jiffies + delay))
		refcount_inc(&tw->refcnt);
}

/*
 * The end of an entry, whatever ends it. Only the first call does anything;
 * it returns true.
 */
static bool ttp_tw_kill(struct ttp_tw *tw, const char *why)
{
	struct net *net = tw->net;

	spin_lock_bh(&tw->lock);
	if (tw->dead) {
		spin_unlock_bh(&tw->lock);
		return false;
	}
	tw->dead = true;
	spin_unlock_bh(&tw->lock);

	if (timer_delete(&tw->timer))
		ttp_tw_put(tw);
	ttp_conn_remove(net, &tw->conn);
	ttp_port_release(net, &tw->bind);
	atomic_dec(&ttp_net(net)->tw_count);
	ttp_state_move(net, TTP_TIME_WAIT, TTP_CLOSED);
	ttp_event_state(net, &tw->conn.key, TTP_TIME_WAIT, TTP_CLOSED, 0, why);
	ttp_tw_put(tw);		/* the reference for being alive */
	return true;
}

/* End TW at an operator's request (ttpctl sockets kill); TW referenced. */
bool ttp_tw_abort(struct ttp_tw *tw)
{
	return ttp_tw_kill(tw, "killed");
}

static void ttp_tw_timer_fn(struct timer_list *t)
{
	struct ttp_tw *tw = ttp_timer_container(tw, t, timer);

	ttp_count(tw->net, TTP_MIB_TW_EXPIRED);
	ttp_tw_kill(tw, "expired");
	/*
	 * The timer's reference. Test builds may hold it a while: the entry
	 * out of the table and not yet freed, what ttp_tw_purge() waits for.
	 */
	if (!ttp_inject_defer("tw-expire", 3000, ttp_tw_put_fn, tw))
		ttp_tw_put(tw);
}

/*
 * SK is closing into STATE (TIME_WAIT): leave an entry in its place in the
 * connection table and on its port, then finish the socket. The socket is
 * locked. Returns whether an entry was made.
 */
bool ttp_time_wait(struct sock *sk, int state)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct net *net = sock_net(sk);
	struct ttp_tw *tw;
	u32 msl;

	sock_owned_by_me(sk);
	/* max_tw_buckets: past it, close without TIME_WAIT (0: never keep one). */
	if (atomic_read(&ttp_net(net)->tw_count) >=
	    ttp_param(net, TTP_PARAM_MAX_TW_BUCKETS)) {
		ttp_count(net, TTP_MIB_TW_OVERFLOW);
		if (__ratelimit(&ttp_net(net)->tw_overflow_log))
			pr_info("TTP: max_tw_buckets (%u) reached: closing without TIME_WAIT\n",
				ttp_param(net, TTP_PARAM_MAX_TW_BUCKETS));
		ttp_done(sk);
		return false;
	}
	/* TTP's memory limit bounds entries too (memory.c). */
	if (!ttp_entry_charge(net, kmem_cache_size(ttp_tw_cache))) {
		ttp_count(net, TTP_MIB_TW_OVERFLOW);
		ttp_done(sk);
		return false;
	}
	tw = kmem_cache_zalloc(ttp_tw_cache, GFP_ATOMIC);
	if (!tw) {
		ttp_entry_uncharge(kmem_cache_size(ttp_tw_cache));
		ttp_done(sk);
		return false;
	}
	atomic_inc(&ttp_net(net)->tw_unfreed);
	tw->conn.key = ts->conn.key;
	tw->conn.kind = TTP_CONN_TW;
	/*
	 * One reference for being alive, one ours: once in the table, an
	 * RST, a kill or connect()'s reuse may end the entry and drop the
	 * first before we are done with it below.
	 */
	refcount_set(&tw->refcnt, ttp_injected("racy-tw-ref") ? 1 : 2);
	tw->net = net;
	spin_lock_init(&tw->lock);
	timer_setup(&tw->timer, ttp_tw_timer_fn, 0);
	tw->af = ts->af;
	tw->snd_nxt = ts->snd_max;
	tw->rcv_nxt = ts->rcv_nxt;
	tw->tstamp_ok = ts->tstamp_ok;
	tw->ts_recent = ts->ts_recent;
	tw->ts_recent_stamp = ts->ts_recent_stamp;
	tw->ts_offset = ts->ts_offset;
	tw->rcv_wscale = ts->rcv_wscale;
	tw->rcv_wnd = min_t(u32, ts->rcv_wnd >> ts->rcv_wscale, TTP_MAX_WINDOW);
	tw->state = state;

	tw->local = ts->af->is_local_pair(net, &ts->conn.key);
	tw->own_msl = ts->msl != 0;
	if (tw->own_msl)
		msl = ts->msl;
	else
		msl = ttp_param(net, tw->local ? TTP_PARAM_MSL_LOCAL_MS : TTP_PARAM_MSL_MS);
	tw->duration = msecs_to_jiffies(2 * msl);

	/*
	 * The entry takes the socket's port claim first, then its place in
	 * the table, without a moment's gap: once in the table, anyone may
	 * end it (a segment, a kill, connect() reusing it), and whoever does
	 * must find the claim there to release it. If it cannot enter the
	 * table (the table could not grow), close without it: an entry
	 * outside the table would hold the port where nothing finds it, not
	 * even the namespace's exit.
	 */
	ttp_port_move(net, &ts->bind, &tw->bind);
	if (ts->conn.hashed ? ttp_conn_replace(net, &ts->conn, &tw->conn)
			    : ttp_conn_insert(net, &tw->conn)) {
		ttp_port_release(net, &tw->bind);
		ttp_tw_free(tw);	/* never seen by anyone */
		ttp_count(net, TTP_MIB_TW_OVERFLOW);
		ttp_done(sk);
		return false;
	}
	atomic_inc(&ttp_net(net)->tw_count);
	/*
	 * The window the second reference closes: an entry made in process
	 * context (the FIN from the socket's backlog) may be ended and,
	 * outside RCU, freed here by a kill or a reuse on another CPU.
	 */
	if (in_task())
		ttp_inject_window("tw-insert", 1000);

	/*
	 * The state's gauge moves to the entry; the socket then closes
	 * without counting a second transition. Its sk_state never reads
	 * TIME_WAIT, not even for a moment (TCP's full sockets never do
	 * either): the kernel takes a socket in that state for a timewait
	 * sock, and inet6_release(), which reads the state without the lock,
	 * then finds no ipv6_pinfo (a NULL dereference the syscall fuzzer
	 * hit on 6.12 while a close raced the final FIN).
	 */
	ttp_state_move(net, sk->sk_state, state);
	ttp_event_sock_state(sk, sk->sk_state, state);
	/* Unless it has already been ended: a timer would outlive it. */
	spin_lock_bh(&tw->lock);
	if (!tw->dead)
		ttp_tw_arm(tw, tw->duration);
	spin_unlock_bh(&tw->lock);
	if (!ttp_injected("racy-tw-ref"))
		ttp_tw_put(tw);		/* ours */
	ttp_done_quiet(sk);
	return true;
}

static void ttp_tw_ack(struct ttp_tw *tw, int ifindex)
{
	ttp_send_reply(tw->net, tw->af, &tw->conn.key, tw->snd_nxt, tw->rcv_nxt,
		       TTP_FLAG_ACK, tw->rcv_wnd, ttp_tsval(tw->ts_offset),
		       tw->ts_recent, tw->tstamp_ok, NULL, ifindex);
}

/*
 * An old duplicate by its timestamp (RFC 7323 5): older than the newest,
 * which judges nothing if it is 0 (ttp_store_ts()).
 */
static bool ttp_tw_paws_reject(const struct ttp_tw *tw, const struct ttp_skb_cb *cb)
{
	return tw->tstamp_ok && cb->has_ts && tw->ts_recent &&
	       (s32)(cb->tsval - tw->ts_recent) < 0;
}

/*
 * The peer's final FIN again, or a bare ACK at the sequence number we
 * expect: only these may move TS.Recent or restart the 2*MSL. Anything
 * else could come from a blind attacker (a future TSval would make the
 * peer's next SYN fail PAWS; stray FINs would keep the entry forever).
 */
static bool ttp_tw_exact(const struct ttp_tw *tw, const struct ttp_skb_cb *cb)
{
	if (cb->flags & TTP_FLAG_FIN)
		return cb->end_seq == tw->rcv_nxt;
	return cb->seq == tw->rcv_nxt && cb->end_seq == cb->seq;
}

/*
 * An ACK for a segment that does not fit the entry (out of its window, or
 * PAWS-old): at most one per invalid_ratelimit_ms, as Linux's
 * tcp_timewait_check_oow_rate_limit(), so that a blind attacker's stream
 * of them is not answered by a stream of ours, and two ends cannot keep
 * an ACK loop going. Data and FINs are exempt: no loop is made of them,
 * and the peer's FIN again is how a lost last ACK is repaired.
 */
static bool ttp_tw_reply_limited(struct ttp_tw *tw, const struct ttp_skb_cb *cb)
{
	u32 ms = ttp_param(tw->net, TTP_PARAM_INVALID_RATELIMIT_MS);

	lockdep_assert_held(&tw->lock);
	if (!ms || (cb->end_seq != cb->seq && !(cb->flags & TTP_FLAG_SYN)))
		return false;
	if (tw->last_oow_ack &&
	    time_before(jiffies, tw->last_oow_ack + msecs_to_jiffies(ms))) {
		ttp_count(tw->net, TTP_MIB_CHALLENGE_ACKS_LIMITED);
		return true;
	}
	tw->last_oow_ack = jiffies ?: 1;
	return false;
}

/*
 * A SYN that may start a new incarnation: it cannot be confused with the
 * old one, its sequence number or timestamp being newer (RFC 6191), and
 * it is no old duplicate by PAWS.
 */
static bool ttp_tw_new_syn(const struct ttp_tw *tw, const struct ttp_skb_cb *cb)
{
	if ((cb->flags & (TTP_FLAG_SYN | TTP_FLAG_ACK)) != TTP_FLAG_SYN ||
	    ttp_tw_paws_reject(tw, cb))
		return false;
	return ttp_after(cb->seq, tw->rcv_nxt) ||
	       (tw->tstamp_ok && cb->has_ts && (s32)(cb->tsval - tw->ts_recent) > 0);
}

/*
 * A segment for a TIME_WAIT entry (RFC 9293 3.10.7.4), as Linux's
 * tcp_timewait_state_process() takes it: an exact RST ends the entry
 * (unless rfc1337); a new SYN goes to the listener that is to take it, if
 * there is one, and only then ends the entry: that listener is returned,
 * with a reference and SKB, for the caller to put through its policy and
 * filter first, and the SYN carries the ISN the new connection must use,
 * beyond the old sequence space (RFC 1122 4.2.2.13). A SYN no listener
 * takes gets an ACK; so does the peer's FIN again, which restarts the
 * 2*MSL; a bare ACK at rcv_nxt gets nothing; anything else (an old
 * duplicate by PAWS, counted, or a segment out of the window) gets an ACK
 * within the rate limit. SKB is consumed.
 */
struct sock *ttp_tw_rcv(struct ttp_tw *tw, struct sk_buff *skb)
{
	struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
	int ifindex = skb->skb_iif;
	struct net *net = tw->net;
	bool reply;

	spin_lock_bh(&tw->lock);
	if (tw->dead) {
		spin_unlock_bh(&tw->lock);
		kfree_skb(skb);
		return NULL;
	}
	if (cb->flags & TTP_FLAG_RST) {
		spin_unlock_bh(&tw->lock);
		if (cb->seq == tw->rcv_nxt) {
			/* RFC 1337: an RST may "assassinate" TIME_WAIT. */
			if (ttp_param(net, TTP_PARAM_RFC1337)) {
				ttp_count(net, TTP_MIB_TW_RST_IGNORED);
			} else {
				ttp_count(net, TTP_MIB_TW_KILLED);
				ttp_tw_kill(tw, "reset");
			}
		} else {
			/* Not the one an entry believes: dropped, unanswered. */
			ttp_count_drop(net, &tw->conn.key, TTP_MIB_DROP_OUT_OF_WINDOW);
		}
		kfree_skb(skb);
		return NULL;
	}
	if (ttp_tw_new_syn(tw, cb)) {
		/* 65535 + 2 beyond, as Linux: no old segment fits the new space. */
		u32 isn = tw->snd_nxt + 65535 + 2;
		struct ttp_conn_key key = tw->conn.key;
		struct sock *listener;

		spin_unlock_bh(&tw->lock);
		listener = ttp_listener_lookup(net, &key, cb->dif, cb->sdif);
		if (listener) {
			ttp_tw_kill(tw, "new syn");
			cb->tw_isn = isn ?: 1;
			return listener;
		}
		ttp_tw_ack(tw, ifindex);
		kfree_skb(skb);
		return NULL;
	}
	if (ttp_tw_paws_reject(tw, cb)) {
		ttp_count(net, TTP_MIB_PAWS_REJECTED);
		reply = !ttp_tw_reply_limited(tw, cb);
	} else if (ttp_tw_exact(tw, cb)) {
		if (tw->tstamp_ok && cb->has_ts) {
			tw->ts_recent = cb->tsval;
			tw->ts_recent_stamp = jiffies;
		}
		/* The FIN again is answered; a bare ACK asks for nothing. */
		reply = cb->flags & TTP_FLAG_FIN;
		if (reply)
			ttp_tw_arm(tw, tw->duration);
	} else {
		reply = !ttp_tw_reply_limited(tw, cb);
	}
	spin_unlock_bh(&tw->lock);
	if (reply)
		ttp_tw_ack(tw, ifindex);
	kfree_skb(skb);
	return NULL;
}

/*
 * tw_reuse: may connect() take this entry's 4-tuple? Only if the old
 * connection used timestamps (so PAWS keeps its old duplicates out of the
 * new one) and its last timestamp is at least tw_reuse_delay_ms old; with
 * tw_reuse 2, only between loopback addresses.
 */
bool ttp_tw_may_reuse(const struct ttp_tw *tw)
{
	const struct ttp_conn_key *key = &tw->conn.key;
	u32 mode = ttp_param(tw->net, TTP_PARAM_TW_REUSE);
	unsigned long delay = msecs_to_jiffies(ttp_param(tw->net, TTP_PARAM_TW_REUSE_DELAY_MS));

	if (!mode || !tw->tstamp_ok || !ttp_param(tw->net, TTP_PARAM_TIMESTAMPS))
		return false;
	if (mode == 2) {
		if (key->family == AF_INET ?
		    !ipv4_is_loopback(key->laddr.v4) || !ipv4_is_loopback(key->raddr.v4) :
		    !ipv6_addr_loopback(&key->laddr.v6) || !ipv6_addr_loopback(&key->raddr.v6))
			return false;
	}
	return time_after_eq(jiffies, tw->ts_recent_stamp + delay);
}

/*
 * connect() takes the entry's place (port.c, under the port lock): first
 * claim the entry, so that nothing else ends it meanwhile...
 */
bool ttp_tw_recycle_start(struct ttp_tw *tw)
{
	bool ok;

	spin_lock_bh(&tw->lock);
	ok = !tw->dead;
	tw->dead = true;
	spin_unlock_bh(&tw->lock);
	return ok;
}

/* ...then, once out of the table and off the port, let it go. */
void ttp_tw_recycle_finish(struct ttp_tw *tw)
{
	if (timer_delete(&tw->timer))
		ttp_tw_put(tw);
	atomic_dec(&ttp_net(tw->net)->tw_count);
	ttp_state_move(tw->net, TTP_TIME_WAIT, TTP_CLOSED);
	ttp_event_state(tw->net, &tw->conn.key, TTP_TIME_WAIT, TTP_CLOSED, 0, "reused");
	ttp_count(tw->net, TTP_MIB_TW_RECYCLED);
	ttp_tw_put(tw);
}

/*
 * msl_ms or msl_local_ms was lowered: no entry may now outlive the new
 * 2*MSL. Entries with their own (TTP_MSL) keep it; none is lengthened.
 * Process context.
 */
void ttp_tw_msl_lowered(struct net *net)
{
	unsigned long msl = ttp_param(net, TTP_PARAM_MSL_MS);
	unsigned long msl_local = ttp_param(net, TTP_PARAM_MSL_LOCAL_MS);
	struct rhashtable_iter iter;
	struct ttp_conn *conn;

	rhashtable_walk_enter(&ttp_net(net)->conns, &iter);
	rhashtable_walk_start(&iter);
	while ((conn = rhashtable_walk_next(&iter))) {
		unsigned long limit, left;
		struct ttp_tw *tw;

		if (IS_ERR(conn) || conn->kind != TTP_CONN_TW)
			continue;
		tw = container_of(conn, struct ttp_tw, conn);
		spin_lock_bh(&tw->lock);
		limit = msecs_to_jiffies(2 * (tw->local ? msl_local : msl));
		if (!tw->dead && !tw->own_msl && timer_pending(&tw->timer)) {
			left = time_after(tw->timer.expires, jiffies) ?
			       tw->timer.expires - jiffies : 0;
			if (left > limit)
				ttp_tw_arm(tw, limit);
			tw->duration = min(tw->duration, limit);
		}
		spin_unlock_bh(&tw->lock);
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}

/*
 * End every TIME_WAIT entry of a namespace: it is going away, or the
 * module is. Process context.
 */
void ttp_tw_purge(struct net *net)
{
	struct rhashtable_iter iter;
	struct ttp_conn *conn;
	struct ttp_tw *tw;
	bool again;

	/* Test builds: let an expiry be under way (inject.c). */
	if (atomic_read(&ttp_net(net)->tw_count))
		ttp_inject_meet("tw-expire", 3000);
	do {
		again = false;
		rhashtable_walk_enter(&ttp_net(net)->conns, &iter);
		rhashtable_walk_start(&iter);
		while ((conn = rhashtable_walk_next(&iter))) {
			if (IS_ERR(conn))
				continue;
			if (conn->kind != TTP_CONN_TW || !ttp_conn_hold(conn))
				continue;
			tw = container_of(conn, struct ttp_tw, conn);
			rhashtable_walk_stop(&iter);
			ttp_tw_kill(tw, "purged");
			/* Its timer must not run once the module is gone. */
			timer_delete_sync(&tw->timer);
			ttp_tw_put(tw);
			again = true;
			rhashtable_walk_start(&iter);
		}
		rhashtable_walk_stop(&iter);
		rhashtable_walk_exit(&iter);
	} while (again);
	/*
	 * Entries ended out of our sight (a timer that fired, an RST, a
	 * kill, whose callers still hold them) use the namespace until they
	 * are freed, an RCU grace period after their last reference.
	 */
	if (ttp_injected("racy-tw-purge"))
		return;		/* the old end, for ttp_races.py to be caught in */
	while (!wait_var_event_timeout(&ttp_net(net)->tw_unfreed,
				       !atomic_read(&ttp_net(net)->tw_unfreed), 60 * HZ))
		WARN_ONCE(1, "ttp: TIME_WAIT entries still held after a minute");
}

int ttp_tw_init(void)
{
	/*
	 * Charged to the memory cgroup, as Linux's tw_sock caches are: a
	 * namespace's owner may raise max_tw_buckets (namespaces.md).
	 */
	ttp_tw_cache = kmem_cache_create("ttp_tw", sizeof(struct ttp_tw), 0,
					 SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT, NULL);
	return ttp_tw_cache ? 0 : -ENOMEM;
}

void ttp_tw_exit(void)
{
	rcu_barrier();	/* every ttp_tw_free_rcu() has run */
	kmem_cache_destroy(ttp_tw_cache);
}
