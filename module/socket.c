// SPDX-License-Identifier: GPL-2.0
/*
 * The socket API and a socket's life: what socket(AF_INET or AF_INET6,
 * SOCK_STREAM, IPPROTO_TTP) gives, from init to destroy. The generic inet
 * layer (inet_bind, inet_stream_connect, inet_accept, inet_shutdown, ...)
 * drives these through struct proto; a socket's life in between is in
 * input.c, output.c and timer.c, its options in sockopt.c, its memory
 * accounting in memory.c.
 */
#include <linux/sched/signal.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include <net/transp_v6.h>
#include <net/xfrm.h>
#include "netns.h"
#include "stats.h"
#include "events.h"
#include "ttp.h"

void ttp_set_state(struct sock *sk, int state)
{
	int old = sk->sk_state;

	if (old == state)
		return;
	ttp_state_move(sock_net(sk), old, state);
	ttp_event_sock_state(sk, old, state);
	ttp_sk(sk)->state_stamp = jiffies;
	/* Also the kernel's sock:inet_sock_set_state tracepoint. */
	inet_sk_set_state(sk, state);
	if (state == TTP_ESTABLISHED) {
		/* Idle time counts from here. */
		ttp_sk(sk)->rcv_tstamp = jiffies;
		if (sock_flag(sk, SOCK_KEEPOPEN))
			ttp_reset_keepalive(sk, ttp_keepidle(sk));
	} else if (state == TTP_CLOSE_WAIT) {
		ttp_sk(sk)->close_wait_warned = false;
		ttp_close_wait_arm(sk);
	}
}

/* Free a port claim at CLOSE unless bind() asked to keep it till close(). */
static void ttp_put_port(struct sock *sk)
{
	if (sk->sk_userlocks & SOCK_BINDPORT_LOCK)
		return;
	ttp_port_release(sock_net(sk), &ttp_sk(sk)->bind);
	inet_sk(sk)->inet_num = 0;
	inet_sk(sk)->inet_sport = 0;
}

/* proto->destroy: release everything but the socket itself. Idempotent. */
void ttp_destroy_sock(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);

	ttp_clear_timers(sk);
	ttp_write_queue_purge(sk);
	ttp_ooo_purge(sk);
	ttp_conn_remove(sock_net(sk), &ts->conn);
	ttp_listener_del(sk);
	ttp_port_release(sock_net(sk), &ts->bind);
	ttp_listen_free(sk);
	/* IP_XFRM_POLICY's, and the copies a child got from its listener. */
	xfrm_sk_free_policy(sk);
	if (ts->counted) {
		percpu_counter_dec(&ttp_sockets_allocated);
		ts->counted = false;
	}
}

/* The last of an orphan (closed by its owner): free it. Locked. */
void ttp_destroy_orphan(struct sock *sk)
{
	sock_owned_by_me(sk);
	if (ttp_sk(sk)->destroyed)
		return;
	ttp_sk(sk)->destroyed = true;
	ttp_destroy_sock(sk);
	sk_stream_kill_queues(sk);
	sock_put(sk);	/* the reference it was created with */
}

/* Into CLOSED, without touching the state gauges (see ttp_time_wait()). */
void ttp_done_quiet(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);

	inet_sk_set_state(sk, TTP_CLOSED);
	ttp_clear_timers(sk);
	ttp_conn_remove(sock_net(sk), &ts->conn);
	ttp_put_port(sk);
	ttp_write_queue_purge(sk);
	ttp_ooo_purge(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_state_change(sk);
	else
		ttp_destroy_orphan(sk);
}

/* The connection is over (RFC 9293's CLOSED); the socket is locked. */
void ttp_done(struct sock *sk)
{
	int old = sk->sk_state;

	sock_owned_by_me(sk);
	if (old == TTP_SYN_SENT || old == TTP_SYN_RCVD)
		ttp_count(sock_net(sk), TTP_MIB_ATTEMPT_FAILS);
	ttp_set_state(sk, TTP_CLOSED);
	ttp_done_quiet(sk);
}

/* An acceptable RST: the connection is gone, say why (RFC 9293 3.10.7.4). */
void ttp_reset_received(struct sock *sk)
{
	int err;

	switch (sk->sk_state) {
	case TTP_SYN_SENT:
		err = ECONNREFUSED;
		break;
	case TTP_CLOSE_WAIT:
		err = EPIPE;
		break;
	case TTP_CLOSED:
		return;
	default:
		err = ECONNRESET;
	}
	if (sk->sk_state == TTP_ESTABLISHED || sk->sk_state == TTP_CLOSE_WAIT)
		ttp_count(sock_net(sk), TTP_MIB_ESTAB_RESETS);
	WRITE_ONCE(sk->sk_err, err);
	if (!sock_flag(sk, SOCK_DEAD))
		sk_error_report(sk);
	ttp_done(sk);
}

/*
 * End SK at an operator's request (ttpctl sockets kill), as tcp_abort()
 * does for ss -K: the application sees ECONNABORTED, a synchronized peer an
 * RST; a listener stops listening. Orphans go too: a kill by port means
 * all of it. Process context, SK referenced. Returns whether it ended
 * something.
 */
bool ttp_abort(struct sock *sk)
{
	bool ended = false;

	lock_sock(sk);
	if (sk->sk_state == TTP_LISTEN) {
		WRITE_ONCE(sk->sk_err, ECONNABORTED);
		ttp_set_state(sk, TTP_CLOSED);
		ttp_listen_stop(sk);
		sk_error_report(sk);
		release_sock(sk);
		return true;
	}
	local_bh_disable();
	bh_lock_sock(sk);
	if (sk->sk_state != TTP_CLOSED) {
		WRITE_ONCE(sk->sk_err, ECONNABORTED);
		if (!sock_flag(sk, SOCK_DEAD))
			sk_error_report(sk);
		if (sk->sk_state != TTP_SYN_SENT)
			ttp_send_active_reset(sk, GFP_ATOMIC);
		ttp_done(sk);
		ended = true;
	}
	bh_unlock_sock(sk);
	local_bh_enable();
	release_sock(sk);
	return ended;
}

/* sk_write_space for a stream: wake writers once a third is free again. */
static void ttp_write_space(struct sock *sk)
{
	struct socket_wq *wq;

	if (!sk_stream_is_writeable(sk) || !sk->sk_socket)
		return;
	clear_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM |
						      EPOLLWRBAND);
	if (wq && wq->fasync_list && !(sk->sk_shutdown & SEND_SHUTDOWN))
		sock_wake_async(wq, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

/* What every TTP socket starts with, user-made or a listener's child. */
void ttp_sock_init_common(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct net *net = sock_net(sk);

	ts->tn = ttp_net(net);
	ts->ooo_queue = RB_ROOT;
	ts->ooo_last = NULL;
	INIT_LIST_HEAD(&ts->accept_node);
	INIT_HLIST_NODE(&ts->listen_node);
	ttp_init_timers(sk);
	ttp_set_af(sk, sk->sk_family == AF_INET ? &ttp_ipv4_ops : &ttp_ipv6_ops);
	ts->rto = msecs_to_jiffies(ttp_param(net, TTP_PARAM_RTO_INIT_MS));
	ts->syn_retries = ttp_param(net, TTP_PARAM_SYN_RETRIES);
	ts->mss = TTP_DEFAULT_MSS;
	ts->scaling_ratio = TTP_DEFAULT_SCALING_RATIO;
	ts->rcv_wnd_ratio = TTP_DEFAULT_SCALING_RATIO;
	ts->state_stamp = jiffies;
	ttp_rack_init(sk);
	ttp_cong_init(sk, false);
	sk->sk_write_space = ttp_write_space;
	sock_set_flag(sk, SOCK_RCU_FREE);
	/* A listener's child was counted by sk_clone_lock(). */
	if (!ts->counted) {
		percpu_counter_inc(&ttp_sockets_allocated);
		ts->counted = true;
	}
}

/*
 * proto->init, for sockets made by socket(). The buffers start where
 * tcp_init_sock() starts TCP's (tcp_wmem[1], tcp_rmem[1]), not at the
 * core's 208 KiB, and grow as the connection needs (buffer.c). A
 * listener's child inherits its listener's, as TCP's does.
 */
int ttp_init_sock(struct sock *sk)
{
	ttp_sock_init_common(sk);
	WRITE_ONCE(sk->sk_sndbuf, READ_ONCE(ttp_sysctl_wmem[1]));
	WRITE_ONCE(sk->sk_rcvbuf, READ_ONCE(ttp_sysctl_rmem[1]));
	return 0;
}

int ttp_backlog_rcv(struct sock *sk, struct sk_buff *skb)
{
	/* A large segment counts as the segments it holds, as in TCP. */
	ttp_sk(sk)->segs_in += max_t(u16, skb_shinfo(skb)->gso_segs, 1);
	if (sk->sk_state == TTP_LISTEN) {
		/*
		 * release_sock() runs the backlog with BHs on and outside RCU,
		 * but a listener's segments make children, which are locked
		 * and routed as in softirq, where their locks are also taken:
		 * give them softirq's conditions here too.
		 */
		local_bh_disable();
		rcu_read_lock();
		ttp_listen_rcv(sk, skb);
		rcu_read_unlock();
		local_bh_enable();
	} else {
		ttp_rcv_state(sk, skb);
	}
	return 0;
}

/* Before connect() sends a SYN: the sequence space and what to offer. */
void ttp_connect_init(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct net *net = sock_net(sk);

	ts->iss = ts->tw_reuse_seq ? ts->tw_reuse_seq : ts->af->isn(&ts->conn.key);
	ts->tw_reuse_seq = 0;
	ts->write_seq = ts->iss;
	ts->snd_una = ts->iss;
	ts->snd_nxt = ts->iss;
	ts->snd_max = ts->iss;
	ts->ts_offset = ttp_ts_offset(&ts->conn.key);
	ts->wscale_ok = ttp_param(net, TTP_PARAM_WINDOW_SCALING);
	ts->tstamp_ok = ttp_param(net, TTP_PARAM_TIMESTAMPS);
	ts->sack_ok = ttp_param(net, TTP_PARAM_SACK);
	ts->rcv_wscale = ts->wscale_ok ? ttp_choose_wscale(ttp_rcvbuf_max(sk)) : 0;
	ts->rcv_wnd = min_t(u32, ttp_free_space(sk), TTP_MAX_WINDOW);
	ts->rcv_ssthresh = ts->rcv_wnd;
	ts->rcv_nxt = 0;
	ts->rcv_wup = 0;
	ts->snd_wnd = 0;
	ts->fin_queued = false;
	/* A connection before this one left its error: not this one's. */
	WRITE_ONCE(sk->sk_err, 0);
	ts->rto = msecs_to_jiffies(ttp_param(net, TTP_PARAM_RTO_INIT_MS));
	ts->rtt.srtt_us = 0;
	ts->rtt.rttvar_us = 0;
	ts->retries = 0;
	ts->backoff = 0;
	ts->probes_stamp = 0;
	/*
	 * TTP_INFO's history is this connection's, as tcp_disconnect()
	 * zeroes TCP's; and the SYN's own resends decide the first window.
	 */
	ts->total_retrans = 0;
	ts->segs_out = 0;
	ts->segs_in = 0;
	ts->bytes_sent = 0;
	ts->bytes_acked = 0;
	ts->bytes_received = 0;
	ts->last_data_recv = 0;
	ts->mss_cap = 0;
	ttp_mtu_init(sk);
	ts->mss = ttp_current_mss(sk);
	ts->adv_mss = ttp_route_mss(sk);
	ts->syn_retries = ts->syncnt ? ts->syncnt : ttp_param(net, TTP_PARAM_SYN_RETRIES);
	ttp_rack_init(sk);
	ttp_cong_init(sk, false);
	/* Nothing of a connection before this one: no rate, no pacing debt. */
	memset(&ts->rate, 0, sizeof(ts->rate));
	ts->pacing_next_ns = 0;
	WRITE_ONCE(sk->sk_pacing_rate, READ_ONCE(sk->sk_max_pacing_rate));
}

static int ttp_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	int somaxconn = READ_ONCE(sock_net(sk)->core.sysctl_somaxconn);
	int err = -EINVAL;

	lock_sock(sk);
	if (sock->state != SS_UNCONNECTED || sock->type != SOCK_STREAM)
		goto out;
	if (sk->sk_state != TTP_CLOSED && sk->sk_state != TTP_LISTEN)
		goto out;
	if (!inet_sk(sk)->inet_num) {
		/* listen() without bind(): any free port, as TCP does. */
		err = -EAGAIN;
		if (ttp_port_bind(sk, 0))
			goto out;
		inet_sk(sk)->inet_sport = htons(inet_sk(sk)->inet_num);
	}
	err = ttp_listen_start(sk, clamp(backlog, 0, somaxconn));
out:
	release_sock(sk);
	return err;
}

/*
 * Wait until a completed connection is queued. A non-blocking caller
 * (TIMEO 0) must not sleep at all: schedule_timeout(0) still sleeps until
 * the next tick, which cost every epoll server a jiffy per accept4() that
 * emptied the queue.
 */
static int ttp_accept_wait(struct sock *sk, long timeo)
{
	struct ttp_listen *l = ttp_sk(sk)->listen;
	DEFINE_WAIT(wait);
	int err;

	for (;;) {
		err = 0;
		if (!list_empty(&l->accepted))
			break;
		err = -EINVAL;
		if (sk->sk_state != TTP_LISTEN)
			break;
		err = -EAGAIN;
		if (!timeo)
			break;
		err = sock_intr_errno(timeo);
		if (signal_pending(current))
			break;
		prepare_to_wait_exclusive(sk_sleep(sk), &wait, TASK_INTERRUPTIBLE);
		release_sock(sk);
		if (list_empty(&l->accepted))
			timeo = schedule_timeout(timeo);
		lock_sock(sk);
	}
	finish_wait(sk_sleep(sk), &wait);
	return err;
}

/* proto->accept: the oldest completed connection, waiting if asked to. */
static struct sock *ttp_accept(struct sock *sk, int flags, int *err)
{
	struct sock *child = NULL;

	lock_sock(sk);
	*err = -EINVAL;
	if (sk->sk_state != TTP_LISTEN)
		goto out;
	*err = ttp_accept_wait(sk, sock_rcvtimeo(sk, flags & O_NONBLOCK));
	if (!*err)
		child = ttp_accept_dequeue(sk);
out:
	release_sock(sk);
	return child;
}

/* Which closing state a FIN takes us to; false if none is due. */
static bool ttp_close_state(struct sock *sk)
{
	switch (sk->sk_state) {
	case TTP_ESTABLISHED:
	case TTP_SYN_RCVD:
		ttp_set_state(sk, TTP_FIN_WAIT_1);
		return true;
	case TTP_CLOSE_WAIT:
		ttp_set_state(sk, TTP_LAST_ACK);
		return true;
	}
	return false;
}

static void ttp_shutdown(struct sock *sk, int how)
{
	if (!(how & SEND_SHUTDOWN))
		return;
	if (ttp_close_state(sk))
		ttp_send_fin(sk);
}

/* Bytes the application could read now. */
int ttp_inq(const struct sock *sk)
{
	const struct ttp_sock *ts = ttp_sk(sk);
	int n = READ_ONCE(ts->rcv_nxt) - READ_ONCE(ts->copied_seq);

	/* The FIN takes a sequence number but is no byte to read. */
	if (n > 0 && sock_flag(sk, SOCK_DONE))
		n--;
	return max(n, 0);
}

static bool ttp_closing(const struct sock *sk)
{
	return (1 << sk->sk_state) & ((1 << TTP_FIN_WAIT_1) | (1 << TTP_CLOSING) |
				      (1 << TTP_LAST_ACK));
}

/* SO_LINGER with a timeout: wait until our FIN is acknowledged, or time out. */
static void ttp_linger_wait(struct sock *sk, long timeout)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	if (!timeout)
		return;
	add_wait_queue(sk_sleep(sk), &wait);
	do {
		if (sk_wait_event(sk, &timeout, !ttp_closing(sk), &wait))
			break;
	} while (!signal_pending(current) && timeout);
	remove_wait_queue(sk_sleep(sk), &wait);
}

/* proto->close: the application is done with the socket. */
static void ttp_close(struct sock *sk, long timeout)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct net *net = sock_net(sk);
	bool unread;
	int state;

	lock_sock(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	if (sk->sk_state == TTP_LISTEN) {
		ttp_set_state(sk, TTP_CLOSED);
		ttp_listen_stop(sk);
		goto adjudge;
	}
	unread = ttp_inq(sk) > 0;
	__skb_queue_purge(&sk->sk_receive_queue);
	ttp_ooo_purge(sk);
	sk_mem_reclaim(sk);

	if (sk->sk_state == TTP_CLOSED) {
		goto adjudge;
	} else if (unread) {
		/* Data the application never read: tell the peer (RFC 2525). */
		ttp_count(net, TTP_MIB_ABORT_ON_CLOSE);
		ttp_send_active_reset(sk, sk->sk_allocation);
		ttp_done(sk);
	} else if (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime) {
		/* SO_LINGER with a zero timeout: abort. */
		ttp_count(net, TTP_MIB_ABORT_ON_LINGER);
		if (sk->sk_state != TTP_SYN_SENT)
			ttp_send_active_reset(sk, sk->sk_allocation);
		ttp_done(sk);
	} else if (sk->sk_state == TTP_SYN_SENT) {
		ttp_done(sk);
	} else if (ttp_close_state(sk)) {
		ttp_send_fin(sk);
	}
	ttp_linger_wait(sk, timeout);

adjudge:
	state = sk->sk_state;
	sock_hold(sk);
	sock_orphan(sk);
	release_sock(sk);

	/* Segments may have moved it on since; look again, BH-locked. */
	local_bh_disable();
	bh_lock_sock(sk);
	if (state != TTP_CLOSED && sk->sk_state == TTP_CLOSED)
		goto out;	/* already freed by ttp_done() */
	if (sk->sk_state == TTP_FIN_WAIT_2) {
		if (ts->linger2 < 0) {
			/* TTP_LINGER2 -1: no FIN_WAIT_2 for orphans. */
			ttp_count(net, TTP_MIB_ABORT_ON_LINGER2);
			ttp_send_active_reset(sk, GFP_ATOMIC);
			ttp_done(sk);
			goto out;
		}
		if (!ttp_rtx_armed(sk))
			ttp_reset_rtx_timer(sk, ttp_fin_timeout(sk));
	}
	if (sk->sk_state == TTP_CLOSED)
		ttp_destroy_orphan(sk);
out:
	bh_unlock_sock(sk);
	local_bh_enable();
	sock_put(sk);
}

/* proto->disconnect: connect(AF_UNSPEC), shutdown() of a SYN_SENT socket. */
static int ttp_disconnect(struct sock *sk, int flags)
{
	struct ttp_sock *ts = ttp_sk(sk);
	int old = sk->sk_state;

	if (old == TTP_LISTEN) {
		ttp_set_state(sk, TTP_CLOSED);
		ttp_listen_stop(sk);
	} else if (old != TTP_CLOSED && old != TTP_SYN_SENT) {
		ttp_send_active_reset(sk, gfp_any());
		WRITE_ONCE(sk->sk_err, ECONNRESET);
	}
	ttp_set_state(sk, TTP_CLOSED);
	ttp_clear_timers(sk);
	ttp_conn_remove(sock_net(sk), &ts->conn);
	ttp_put_port(sk);
	__skb_queue_purge(&sk->sk_receive_queue);
	ttp_write_queue_purge(sk);
	ttp_ooo_purge(sk);
	inet_sk(sk)->inet_dport = 0;
	WRITE_ONCE(sk->sk_shutdown, 0);
	sock_reset_flag(sk, SOCK_DONE);
	sk_error_report(sk);
	return 0;
}

static __poll_t ttp_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct sock *sk = sock->sk;
	int state, shutdown;
	__poll_t mask = 0;

	sock_poll_wait(file, sock, wait);
	state = inet_sk_state_load(sk);
	if (state == TTP_LISTEN) {
		struct ttp_listen *l = ttp_sk(sk)->listen;

		return l && READ_ONCE(l->nr_accepted) ? EPOLLIN | EPOLLRDNORM : 0;
	}
	shutdown = READ_ONCE(sk->sk_shutdown);
	if (shutdown == SHUTDOWN_MASK || state == TTP_CLOSED)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (state != TTP_SYN_SENT && (state != TTP_SYN_RCVD || !sk->sk_socket)) {
		if (ttp_inq(sk) > 0)
			mask |= EPOLLIN | EPOLLRDNORM;
		if (shutdown & SEND_SHUTDOWN) {
			mask |= EPOLLOUT | EPOLLWRNORM;
		} else if (sk_stream_is_writeable(sk)) {
			mask |= EPOLLOUT | EPOLLWRNORM;
		} else {
			sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
			set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
			/* A write_space may have come in between: look again. */
			smp_mb__after_atomic();
			if (sk_stream_is_writeable(sk))
				mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	/* As tcp_poll(): the error is read after the state it goes with. */
	smp_rmb();
	if (READ_ONCE(sk->sk_err) || !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;
	return mask;
}

static int ttp_wait_connected(struct sock *sk, long *timeo)
{
	if ((1 << sk->sk_state) & ~(TTPF_ESTABLISHED | TTPF_CLOSE_WAIT))
		return sk_stream_wait_connect(sk, timeo);
	return 0;
}

/* A new, empty segment at the end of the write queue, or NULL. */
static struct sk_buff *ttp_new_data_skb(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct sk_buff *skb;

	if (!sk_stream_memory_free(sk))
		return NULL;
	skb = alloc_skb_fclone(TTP_MAX_HEADER, sk->sk_allocation);
	if (!skb)
		return NULL;
	if (ttp_wmem_schedule(sk, skb->truesize) < skb->truesize) {
		__kfree_skb(skb);
		return NULL;
	}
	skb_reserve(skb, TTP_MAX_HEADER);
	/*
	 * The checksum is the device's or the IP layer's to compute, on
	 * the way out (send_check): not summed while copying from the user
	 * (skb_copy_to_page_nocache() does if ip_summed is CHECKSUM_NONE).
	 */
	skb->ip_summed = CHECKSUM_PARTIAL;
	TTP_SKB_CB(skb)->seq = ts->write_seq;
	TTP_SKB_CB(skb)->end_seq = ts->write_seq;
	TTP_SKB_CB(skb)->flags = TTP_FLAG_ACK;
	TTP_SKB_CB(skb)->pcount = 1;
	__skb_queue_tail(&sk->sk_write_queue, skb);
	sk_wmem_queued_add(sk, skb->truesize);
	sk_mem_charge(sk, skb->truesize);
	if (!ts->send_head)
		ts->send_head = skb;
	return skb;
}

/* Copy up to COPY bytes from MSG into SKB's page fragments. */
static int ttp_copy_to_skb(struct sock *sk, struct sk_buff *skb,
			   struct msghdr *msg, int copy)
{
	struct page_frag *pfrag = sk_page_frag(sk);
	int i = skb_shinfo(skb)->nr_frags, err;
	bool merge;

	if (!sk_page_frag_refill(sk, pfrag))
		return -ENOMEM;
	merge = skb_can_coalesce(skb, i, pfrag->page, pfrag->offset);
	if (!merge && i >= MAX_SKB_FRAGS)
		return 0;	/* full: the caller starts a new segment */
	copy = ttp_wmem_schedule(sk, min_t(int, copy, pfrag->size - pfrag->offset));
	if (!copy)
		return -ENOMEM;
	err = skb_copy_to_page_nocache(sk, &msg->msg_iter, skb, pfrag->page,
				       pfrag->offset, copy);
	if (err)
		return err;
	if (merge) {
		skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], copy);
	} else {
		skb_fill_page_desc(skb, i, pfrag->page, pfrag->offset, copy);
		get_page(pfrag->page);
	}
	pfrag->offset += copy;
	return copy;
}

static int ttp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct ttp_sock *ts = ttp_sk(sk);
	int flags = msg->msg_flags, copied = 0, err = 0;
	u32 goal;
	long timeo;

	if (flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE | MSG_EOR |
		      MSG_CMSG_COMPAT | MSG_WAITALL | MSG_PROBE))
		return -EOPNOTSUPP;
	lock_sock(sk);
	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	err = ttp_wait_connected(sk, &timeo);
	if (err)
		goto out_err;
	ttp_rate_check_app_limited(sk);
	goal = ttp_size_goal(sk);

	while (msg_data_left(msg)) {
		struct sk_buff *skb = ttp_unsent_tail(sk);
		int copy;

		err = -EPIPE;
		if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))
			goto out_err;
		/*
		 * Fill the last unsent skb to the size goal, many segments
		 * where the route takes them whole, before starting another.
		 */
		if (!skb || skb->len >= goal) {
			skb = ttp_new_data_skb(sk);
			if (!skb)
				goto wait_for_memory;
		}
		copy = min_t(int, goal - skb->len, msg_data_left(msg));
		copy = ttp_copy_to_skb(sk, skb, msg, copy);
		if (copy < 0) {
			if (copy != -ENOMEM) {
				err = copy;
				goto out_err;
			}
			goto wait_for_memory;
		}
		if (!copy) {
			/* Out of fragment slots: seal it, start another. */
			goal = skb->len;
			continue;
		}
		goal = ttp_size_goal(sk);
		TTP_SKB_CB(skb)->end_seq += copy;
		ts->write_seq += copy;
		copied += copy;
		continue;

wait_for_memory:
		ttp_remove_empty_tail(sk);
		ttp_push(sk);
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		err = sk_stream_wait_memory(sk, &timeo);
		if (err)
			goto out_err;
	}
	/* PSH on the last segment of a write, as TCP does. */
	if (copied) {
		struct sk_buff *tail = ttp_unsent_tail(sk);

		if (tail)
			TTP_SKB_CB(tail)->flags |= TTP_FLAG_PSH;
	}
	/* MSG_MORE: more is coming, hold a partial segment as TTP_CORK does. */
	__ttp_push(sk, (flags & MSG_MORE) ? TTP_NAGLE_CORK : 0);
	release_sock(sk);
	return copied;

out_err:
	ttp_remove_empty_tail(sk);
	ttp_push(sk);
	if (copied)
		err = copied;
	else
		err = sk_stream_error(sk, flags, err);
	release_sock(sk);
	return err;
}

/*
 * After reading, as tcp_cleanup_rbuf(): send the ACK that more than a
 * segment's data has been waiting for (ttp_data_queue() leaves it to the
 * reader once the window is fully open), or tell the peer our window
 * opened, once reading has freed enough of the buffer to matter.
 */
static void ttp_window_update(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	u32 right = ts->rcv_wup + ts->rcv_wnd;
	u32 left = ttp_after(right, ts->rcv_nxt) ? right - ts->rcv_nxt : 0;
	u32 now = ttp_window_space(sk);

	if (sk->sk_state == TTP_CLOSED || sk->sk_state == TTP_LISTEN)
		return;
	if ((ts->ack_pending && ts->rcv_nxt - ts->rcv_wup > ts->adv_mss) ||
	    now >= left + 2 * ts->mss || (left == 0 && now >= ts->mss) ||
	    now >= 2 * left)
		ttp_send_ack(sk);
}

static int ttp_recvmsg_locked(struct sock *sk, struct msghdr *msg, size_t len,
			      int flags)
{
	struct ttp_sock *ts = ttp_sk(sk);
	u32 peek_seq = ts->copied_seq, *seq;
	int copied = 0, target, err = 0;
	long timeo;

	if (sk->sk_state == TTP_LISTEN)
		return -ENOTCONN;
	if (flags & MSG_OOB)
		return -EINVAL;
	seq = (flags & MSG_PEEK) ? &peek_seq : &ts->copied_seq;
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);

	do {
		struct sk_buff *skb, *last = NULL;
		bool found = false;

		skb_queue_walk(&sk->sk_receive_queue, skb) {
			u32 off = *seq - TTP_SKB_CB(skb)->seq;
			size_t used;

			last = skb;
			if (off >= skb->len)
				continue;
			used = min_t(size_t, skb->len - off, len - copied);
			err = skb_copy_datagram_msg(skb, off, msg, used);
			if (err) {
				if (!copied)
					copied = -EFAULT;
				goto out;
			}
			*seq += used;
			copied += used;
			found = true;
			break;
		}
		/* Free what has been read entirely. */
		if (!(flags & MSG_PEEK)) {
			while ((skb = skb_peek(&sk->sk_receive_queue)) &&
			       !ttp_before(ts->copied_seq, TTP_SKB_CB(skb)->seq + skb->len))
				sk_eat_skb(sk, skb);
		}
		if (found && copied < len)
			continue;
		if (copied >= target)
			break;

		if (copied) {
			if (sk->sk_err || sk->sk_state == TTP_CLOSED ||
			    (sk->sk_shutdown & RCV_SHUTDOWN) || !timeo ||
			    signal_pending(current))
				break;
		} else {
			/* A FIN is an end of file; an error after it is not. */
			if (sock_flag(sk, SOCK_DONE))
				break;
			if (sk->sk_err) {
				copied = sock_error(sk);
				break;
			}
			if (sk->sk_shutdown & RCV_SHUTDOWN)
				break;
			if (sk->sk_state == TTP_CLOSED) {
				copied = -ENOTCONN;
				break;
			}
			if (!timeo) {
				copied = -EAGAIN;
				break;
			}
			if (signal_pending(current)) {
				copied = sock_intr_errno(timeo);
				break;
			}
		}
		if (!(flags & MSG_PEEK))
			ttp_window_update(sk);
		sk_wait_data(sk, &timeo, last);
	} while (copied < len);
out:
	if (!(flags & MSG_PEEK)) {
		ttp_rcv_space_adjust(sk);
		ttp_window_update(sk);
	}
	return copied;
}

static int ttp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		       int flags)
{
	int ret;

	lock_sock(sk);
	ret = ttp_recvmsg_locked(sk, msg, len, flags);
	release_sock(sk);
	return ret;
}

/* proto->get_port, from bind(): 0 or a negative errno. */
static int ttp_get_port(struct sock *sk, unsigned short snum)
{
	return ttp_port_bind(sk, snum) ? -EADDRINUSE : 0;
}

/* proto->put_port: undo get_port, when a BPF program vetoes the bind. */
static void ttp_put_port_op(struct sock *sk)
{
	ttp_port_release(sock_net(sk), &ttp_sk(sk)->bind);
	inet_sk(sk)->inet_num = 0;
}

static int ttp_hash(struct sock *sk)
{
	return 0;	/* sockets enter the tables on connect() and listen() */
}

static void ttp_unhash(struct sock *sk)
{
	ttp_conn_remove(sock_net(sk), &ttp_sk(sk)->conn);
	ttp_listener_del(sk);
}

TTP_COMPAT_ACCEPT(ttp_accept)
TTP_COMPAT_IOCTL(ttp_ioctl)
TTP_COMPAT_RECVMSG(ttp_recvmsg)

#define TTP_PROTO_COMMON						\
	.owner			= THIS_MODULE,				\
	.close			= ttp_close,				\
	.disconnect		= ttp_disconnect,			\
	.accept			= ttp_compat_accept,			\
	.ioctl			= ttp_compat_ioctl,			\
	.init			= ttp_init_sock,			\
	.destroy		= ttp_destroy_sock,			\
	.shutdown		= ttp_shutdown,				\
	.keepalive		= ttp_set_keepalive,			\
	.setsockopt		= ttp_setsockopt,			\
	.getsockopt		= ttp_getsockopt,			\
	.sendmsg		= ttp_sendmsg,				\
	.recvmsg		= ttp_compat_recvmsg,			\
	.backlog_rcv		= ttp_backlog_rcv,			\
	.release_cb		= ttp_release_cb,			\
	.hash			= ttp_hash,				\
	.unhash			= ttp_unhash,				\
	.get_port		= ttp_get_port,				\
	.put_port		= ttp_put_port_op,			\
	.memory_allocated	= &ttp_memory_allocated,		\
	.per_cpu_fw_alloc	= &ttp_memory_per_cpu_fw_alloc,		\
	.memory_pressure	= &ttp_memory_pressure,			\
	.enter_memory_pressure	= ttp_enter_memory_pressure,		\
	.leave_memory_pressure	= ttp_leave_memory_pressure,		\
	.sockets_allocated	= &ttp_sockets_allocated,		\
	.sysctl_mem		= ttp_sysctl_mem,			\
	.sysctl_wmem		= ttp_sysctl_wmem,			\
	.sysctl_rmem		= ttp_sysctl_rmem,			\
	.max_header		= TTP_MAX_HEADER,			\
	.no_autobind		= true

struct proto ttp_prot = {
	.name			= "TTP",
	.pre_connect		= ttp_v4_pre_connect,
	.connect		= ttp_v4_connect,
	.obj_size		= sizeof(struct ttp_sock),
	TTP_PROTO_COMMON,
};

struct proto ttp6_prot = {
	.name			= "TTPv6",
	.pre_connect		= ttp_v6_pre_connect,
	.connect		= ttp_v6_connect,
	.obj_size		= sizeof(struct ttp6_sock),
	TTP_PROTO_IPV6_PINFO_OFFSET
	TTP_PROTO_COMMON,
};

const struct proto_ops ttp_stream_ops = {
	.family		= PF_INET,
	.owner		= THIS_MODULE,
	.release	= inet_release,
	.bind		= inet_bind,
	.connect	= inet_stream_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= inet_accept,
	.getname	= inet_getname,
	.poll		= ttp_poll,
	.ioctl		= inet_ioctl,
	.listen		= ttp_listen,
	.shutdown	= inet_shutdown,
	.setsockopt	= sock_common_setsockopt,
	.getsockopt	= sock_common_getsockopt,
	.sendmsg	= inet_sendmsg,
	.recvmsg	= inet_recvmsg,
	.mmap		= sock_no_mmap,
};

const struct proto_ops ttp6_stream_ops = {
	.family		= PF_INET6,
	.owner		= THIS_MODULE,
	.release	= inet6_release,
	.bind		= inet6_bind,
	.connect	= inet_stream_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= inet_accept,
	.getname	= inet6_getname,
	.poll		= ttp_poll,
	.ioctl		= inet6_ioctl,
	.listen		= ttp_listen,
	.shutdown	= inet_shutdown,
	.setsockopt	= sock_common_setsockopt,
	.getsockopt	= sock_common_getsockopt,
	.sendmsg	= inet_sendmsg,
	.recvmsg	= inet_recvmsg,
	.mmap		= sock_no_mmap,
};

int ttp_proto_register(void)
{
	int err;

	err = ttp_memory_init();
	if (err)
		return err;
	err = proto_register(&ttp_prot, 1);
	if (err)
		goto err_memory;
	err = proto_register(&ttp6_prot, 1);
	if (err)
		goto err_prot;
	return 0;
err_prot:
	proto_unregister(&ttp_prot);
err_memory:
	ttp_memory_exit();
	return err;
}

void ttp_proto_unregister(void)
{
	proto_unregister(&ttp6_prot);
	proto_unregister(&ttp_prot);
	ttp_memory_exit();
}
