// SPDX-License-Identifier: GPL-2.0
/*
 * A socket's timers. The retransmission timer also serves SYN_SENT (SYN
 * retries), zero-window probes (the persist timer), and orphaned FIN_WAIT_2
 * sockets (the FIN_WAIT_2 timeout); orphans give up after orphan_retries,
 * as nobody waits for them. The delayed-ACK timer sends ACKs that were held
 * back; the keepalive timer probes a peer that has been silent; the RACK
 * timer waits out reordering and sends the loss probe (rack.c). A timer
 * that finds the socket owned by a task leaves its work to release_sock()
 * (ttp_release_cb).
 */
#include "events.h"
#include "netns.h"
#include "stats.h"
#include "ttp.h"

u32 ttp_rto_min(const struct sock *sk)
{
	return msecs_to_jiffies(ttp_sk_param(sk, TTP_PARAM_RTO_MIN_MS));
}

u32 ttp_rto_max(const struct sock *sk)
{
	return msecs_to_jiffies(ttp_sk_param(sk, TTP_PARAM_RTO_MAX_MS));
}

/*
 * BASE doubled N times, capped at MAX (jiffies). The count may run to 255
 * (synack_retries, orphans' backoff): a shift of a 32-bit value by 31 or
 * less fits in 64 bits, and anything larger is past any cap already.
 */
unsigned long ttp_rto_backoff(u32 base, unsigned int n, u32 max)
{
	return min_t(u64, (u64)base << min_t(unsigned int, n, 31), max);
}
EXPORT_SYMBOL_IF_KUNIT(ttp_rto_backoff);

/* How long an orphan may stay in FIN_WAIT_2: TTP_LINGER2 or fin_timeout_ms. */
unsigned long ttp_fin_timeout(const struct sock *sk)
{
	if (ttp_sk(sk)->linger2 > 0)
		return msecs_to_jiffies(ttp_sk(sk)->linger2);
	return msecs_to_jiffies(ttp_sk_param(sk, TTP_PARAM_FIN_TIMEOUT_MS));
}

/* TTP_USER_TIMEOUT, or the namespace's user_timeout_ms, in jiffies; 0: none. */
unsigned long ttp_user_timeout(const struct sock *sk)
{
	int ms = READ_ONCE(ttp_sk(sk)->user_timeout);

	if (ms < 0)
		return 0;
	return msecs_to_jiffies(ms ?: ttp_sk_param(sk, TTP_PARAM_USER_TIMEOUT_MS));
}

/* A clock for the user timeout: now, never 0 (which says "not started"). */
static u32 ttp_user_clock(void)
{
	return (u32)jiffies ?: 1;
}

/* Whether the user timeout, counted from STAMP (0: not started), is over. */
static bool ttp_user_timed_out(const struct sock *sk, u32 stamp)
{
	unsigned long timeout = ttp_user_timeout(sk);

	return timeout && stamp && (s32)((u32)jiffies - stamp) >= (s32)timeout;
}

/*
 * WHEN (jiffies from now), or sooner if the user timeout counted from
 * STAMP ends sooner, so that its timer fires when it does, as TCP's
 * tcp_clamp_rto_to_user_timeout(); at least a jiffy.
 */
unsigned long ttp_user_timeout_clamp(const struct sock *sk, u32 stamp, unsigned long when)
{
	unsigned long timeout = ttp_user_timeout(sk);
	s32 left;

	if (!timeout || !stamp)
		return when;
	left = (s32)(stamp + (u32)timeout - (u32)jiffies);
	return clamp_t(long, left, 1, when);
}

void ttp_reset_rtx_timer(struct sock *sk, unsigned long when)
{
	WRITE_ONCE(ttp_sk(sk)->rtx_armed, true);
	sk_reset_timer(sk, &ttp_sk(sk)->rtx_timer, jiffies + when);
}

/*
 * Nothing is left for the timer to do, but the timer is left running, as
 * TCP's inet_csk_clear_xmit_timer() leaves it: the next send re-arms a
 * pending timer, which mod_timer() mostly takes without moving it in the
 * wheel, where a stop and a start each time cost a request/response
 * connection two timer operations and two reference counts a message.
 * If it fires meanwhile, it does nothing.
 */
void ttp_idle_rtx_timer(struct sock *sk)
{
	WRITE_ONCE(ttp_sk(sk)->rtx_armed, false);
}

/* Whether rtx_timer will fire for a reason: its expiry means something. */
bool ttp_rtx_armed(const struct sock *sk)
{
	return READ_ONCE(ttp_sk(sk)->rtx_armed) && timer_pending(&ttp_sk(sk)->rtx_timer);
}

/*
 * The first ACK owed starts the delay; a timer left pending from an ACK
 * already sent (output.c leaves it) is moved, or the ACK could go at once.
 */
void ttp_schedule_delack(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);

	if (!timer_pending(&ts->delack_timer) || ts->ack_pending <= 1)
		sk_reset_timer(sk, &ts->delack_timer, jiffies + TTP_DELACK_MIN);
}

/* Keepalive times: the socket's TTP_KEEP* options, or the namespace's. */
unsigned long ttp_keepidle(const struct sock *sk)
{
	u32 ms = ttp_sk(sk)->keepidle;

	return msecs_to_jiffies(ms ?: ttp_sk_param(sk, TTP_PARAM_KEEPALIVE_TIME_MS));
}

static unsigned long ttp_keepintvl(const struct sock *sk)
{
	u32 ms = ttp_sk(sk)->keepintvl;

	return msecs_to_jiffies(ms ?: ttp_sk_param(sk, TTP_PARAM_KEEPALIVE_INTVL_MS));
}

static unsigned int ttp_keepcnt(const struct sock *sk)
{
	return ttp_sk(sk)->keepcnt ?: ttp_sk_param(sk, TTP_PARAM_KEEPALIVE_PROBES);
}

/*
 * Whether this CLOSE_WAIT is yet to be warned of (close_wait_warn_ms), and
 * in how many jiffies (0: now). The warning shares the keepalive timer,
 * which any user of it sets no later than that.
 */
static bool ttp_close_wait_left(const struct sock *sk, unsigned long *left)
{
	const struct ttp_sock *ts = ttp_sk(sk);
	unsigned long due, warn;

	if (sk->sk_state != TTP_CLOSE_WAIT || ts->close_wait_warned)
		return false;
	warn = msecs_to_jiffies(ttp_sk_param(sk, TTP_PARAM_CLOSE_WAIT_WARN_MS));
	if (!warn)
		return false;
	due = ts->state_stamp + warn;
	*left = time_after(due, jiffies) ? due - jiffies : 0;
	return true;
}

void ttp_reset_keepalive(struct sock *sk, unsigned long when)
{
	unsigned long left;

	if (ttp_close_wait_left(sk, &left))
		when = min(when, left);
	sk_reset_timer(sk, &ttp_sk(sk)->keepalive_timer, jiffies + when);
}

/* Entering CLOSE_WAIT, or keepalive off: the warning keeps its time. */
void ttp_close_wait_arm(struct sock *sk)
{
	struct timer_list *timer = &ttp_sk(sk)->keepalive_timer;
	unsigned long left;

	if (ttp_close_wait_left(sk, &left) &&
	    (!timer_pending(timer) || time_after(timer->expires, jiffies + left)))
		sk_reset_timer(sk, timer, jiffies + left);
}

/* The warning's time has come: say so once, with how long it has been. */
static void ttp_close_wait_check(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	unsigned long left;

	if (!ttp_close_wait_left(sk, &left) || left)
		return;
	ts->close_wait_warned = true;
	ttp_count(sock_net(sk), TTP_MIB_CLOSE_WAIT_WARNINGS);
	ttp_event_close_wait(sk, jiffies_to_msecs(jiffies - ts->state_stamp));
}

/*
 * proto->keepalive, from SO_KEEPALIVE (the socket is locked): start the
 * idle clock on a connection, or stop it.
 */
void ttp_set_keepalive(struct sock *sk, int on)
{
	sock_owned_by_me(sk);
	if (on && !sock_flag(sk, SOCK_KEEPOPEN) &&
	    !((1 << sk->sk_state) & (TTPF_LISTEN | TTPF_CLOSED | TTPF_SYN_SENT | TTPF_SYN_RCVD))) {
		ttp_reset_keepalive(sk, ttp_keepidle(sk));
	} else if (!on) {
		sk_stop_timer(sk, &ttp_sk(sk)->keepalive_timer);
		ttp_close_wait_arm(sk);
	}
}

/* A timer gives up on the peer: the connection fails with ETIMEDOUT. */
static void ttp_timed_out(struct sock *sk)
{
	WRITE_ONCE(sk->sk_err, ETIMEDOUT);
	ttp_done(sk);
	sk_error_report(sk);
}

/*
 * The keepalive timer expired; the socket is locked. As TCP's (RFC 9293
 * 3.8.4): after keepidle without a segment from the peer, a probe (an ACK
 * one byte before snd_una, which the peer must answer) every keepintvl;
 * after keepcnt unanswered probes the connection fails with ETIMEDOUT.
 * With a user timeout, as TCP_USER_TIMEOUT does, that decides instead of
 * keepcnt: the connection fails once a probe has gone unanswered and the
 * peer has been silent that long. While data is in flight the
 * retransmission timer watches the peer.
 */
void ttp_keepalive_timeout(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct net *net = sock_net(sk);
	unsigned long idle = ttp_keepidle(sk), elapsed, user;

	sock_owned_by_me(sk);
	ttp_close_wait_check(sk);
	if (!sock_flag(sk, SOCK_KEEPOPEN))
		return;
	switch (sk->sk_state) {
	case TTP_CLOSED:
	case TTP_LISTEN:
	case TTP_SYN_SENT:
	case TTP_SYN_RCVD:
		return;
	case TTP_FIN_WAIT_2:
		if (sock_flag(sk, SOCK_DEAD))
			return;	/* the FIN_WAIT_2 timeout's business */
		break;
	}
	if (!skb_queue_empty(&sk->sk_write_queue)) {
		ttp_reset_keepalive(sk, idle);
		return;
	}
	elapsed = jiffies - ts->rcv_tstamp;
	if (elapsed < idle) {
		ttp_reset_keepalive(sk, idle - elapsed);
		return;
	}
	user = ttp_user_timeout(sk);
	if (user ? ts->probes_out && elapsed >= user : ts->probes_out >= ttp_keepcnt(sk)) {
		ttp_count(net, TTP_MIB_KEEPALIVE_TIMEOUTS);
		if (user)
			ttp_count(net, TTP_MIB_USER_TIMEOUTS);
		ttp_send_active_reset(sk, GFP_ATOMIC);
		ttp_timed_out(sk);
		return;
	}
	ttp_count(net, TTP_MIB_KEEPALIVE_PROBES);
	ttp_send_probe(sk);
	ts->probes_out++;
	ttp_reset_keepalive(sk, ttp_keepintvl(sk));
}

/*
 * Nothing in flight, data waiting, and the window too small for it: only
 * a probe can bring the ACK that opens it. The persist timer runs on
 * rtx_timer, first after the RTO, then backing off to rto_max_ms.
 */
void ttp_start_persist(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	unsigned long when;

	if (ttp_rtx_armed(sk))
		return;
	ts->persist = true;
	when = ttp_rto_backoff(ts->rto, ts->backoff, ttp_rto_max(sk));
	ttp_reset_rtx_timer(sk, ttp_user_timeout_clamp(sk, ts->probes_stamp, when));
}

/*
 * The persist timer expired: send what part of the next segment the window
 * takes, or else a zero-window probe. The peer answers probes; one that
 * stays silent through retries2 of them is gone (ETIMEDOUT, as in TCP).
 * A user timeout counts from the first probe, answered or not: as with
 * TCP_USER_TIMEOUT, a window that stays shut that long ends the connection.
 */
static void ttp_persist_timeout(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct net *net = sock_net(sk);

	if (!ts->send_head || ts->cong.packets_out) {
		ts->persist = false;
		ts->probes_stamp = 0;
		ttp_push(sk);
		return;
	}
	if (!ts->probes_stamp) {
		ts->probes_stamp = ttp_user_clock();
	} else if (ttp_user_timed_out(sk, ts->probes_stamp)) {
		ttp_count(net, TTP_MIB_USER_TIMEOUTS);
		ttp_count(net, TTP_MIB_ABORT_ON_TIMEOUT);
		ttp_timed_out(sk);
		return;
	}
	if (ts->probes_out >= ttp_param(net, TTP_PARAM_RETRIES2)) {
		/* No RST: a peer silent this long would not hear it either. */
		ttp_count(net, TTP_MIB_ABORT_ON_TIMEOUT);
		ttp_timed_out(sk);
		return;
	}
	/*
	 * An orphan has nobody left to wait for the window to open, and a
	 * peer that answers every probe yet never reads would hold it
	 * forever: it gets orphan_retries backoffs, answered or not (as
	 * TCP's tcp_orphan_retries). The peer is there: tell it with RST.
	 */
	if (sock_flag(sk, SOCK_DEAD) &&
	    ts->backoff >= ttp_param(net, TTP_PARAM_ORPHAN_RETRIES)) {
		ttp_count(net, TTP_MIB_ABORT_ON_TIMEOUT);
		ttp_send_active_reset(sk, GFP_ATOMIC);
		ttp_done(sk);
		return;
	}
	if (ts->backoff < U8_MAX)
		ts->backoff++;
	/* Sends and ends persist mode, or re-arms it, backed off. */
	__ttp_push(sk, TTP_NAGLE_PUSH);
	if (ts->persist) {
		ttp_count(net, TTP_MIB_ZERO_WINDOW_PROBES);
		ttp_send_probe(sk);
		ts->probes_out++;
	}
}

/* The retransmission timer expired; the socket is locked. */
void ttp_rtx_timeout(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct net *net = sock_net(sk);
	unsigned int limit;

	sock_owned_by_me(sk);
	if (!ts->rtx_armed)
		return;
	switch (sk->sk_state) {
	case TTP_CLOSED:
	case TTP_LISTEN:
		return;
	case TTP_FIN_WAIT_2:
		if (sock_flag(sk, SOCK_DEAD)) {
			/* The peer never closed its side: give up on it. */
			ttp_count(net, TTP_MIB_FIN_WAIT2_TIMEOUTS);
			ttp_send_active_reset(sk, GFP_ATOMIC);
			ttp_done(sk);
		}
		return;
	}
	if (ts->persist) {
		ttp_persist_timeout(sk);
		return;
	}
	if (!ts->cong.packets_out) {
		ttp_push(sk);
		return;
	}

	/*
	 * The user timeout counts from when the data now due again was
	 * last sent before its first timeout, as TCP's retrans_stamp.
	 */
	if (!ts->retries) {
		struct sk_buff *head = skb_peek(&sk->sk_write_queue);
		u32 age = head ? ttp_sk_now_us(sk) - TTP_SKB_CB(head)->sent_us : 0;

		ts->rtx_stamp = ((u32)jiffies - usecs_to_jiffies(age)) ?: 1;
	}
	/* An orphan's data has no reader waiting: it gets fewer tries. */
	if (sk->sk_state == TTP_SYN_SENT)
		limit = ts->syn_retries;
	else if (sock_flag(sk, SOCK_DEAD))
		limit = min(ttp_param(net, TTP_PARAM_RETRIES2),
			    ttp_param(net, TTP_PARAM_ORPHAN_RETRIES));
	else
		limit = ttp_param(net, TTP_PARAM_RETRIES2);
	/*
	 * A user timeout takes the place of retries2 and orphan_retries, as
	 * TCP_USER_TIMEOUT does; a SYN still has its syn_retries too.
	 */
	if (ttp_user_timeout(sk) && sk->sk_state != TTP_SYN_SENT)
		limit = UINT_MAX;
	if (ts->retries >= limit ||
	    (ts->retries && ttp_user_timed_out(sk, ts->rtx_stamp))) {
		if (ts->retries < limit)
			ttp_count(net, TTP_MIB_USER_TIMEOUTS);
		/* ttp_done() counts a failed attempt; count an abort here. */
		if (sk->sk_state != TTP_SYN_SENT && sk->sk_state != TTP_SYN_RCVD)
			ttp_count(net, TTP_MIB_ABORT_ON_TIMEOUT);
		ttp_timed_out(sk);
		return;
	}
	ttp_count(net, TTP_MIB_TIMEOUTS);
	if (sk->sk_state == TTP_SYN_SENT)
		ttp_count(net, TTP_MIB_SYN_RETRANS);
	else if (sk->sk_state == TTP_SYN_RCVD)
		ttp_count(net, TTP_MIB_SYNACK_RETRANS);
	else
		ttp_cong_timeout(sk);	/* everything in flight is lost */
	/* Too large for a path that drops it silently? (mtu_probing) */
	if ((1 << sk->sk_state) & ~(TTPF_SYN_SENT | TTPF_SYN_RCVD))
		ttp_mtu_blackhole(sk);
	ttp_retransmit_head(sk);
	ts->retries++;
	ts->backoff++;
	/* RFC 6298 5.5: back off, within the namespace's bound. */
	ts->rto = min_t(u32, ts->rto * 2, ttp_rto_max(sk));
	ttp_reset_rtx_timer(sk, ttp_user_timeout_clamp(sk, ts->rtx_stamp, ts->rto));
	ttp_wq_check(sk);
}

void ttp_delack_timeout(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);

	if (ts->ack_pending && sk->sk_state != TTP_CLOSED) {
		ttp_count(sock_net(sk), TTP_MIB_DELAYED_ACKS);
		ttp_send_ack(sk);
	}
}

/*
 * Run WORK now if no task owns the socket; else leave it to release_sock(),
 * keeping the socket alive until then. Not at all if TIMER was set again
 * since it fired: an ACK processed first (on another CPU, or from the
 * backlog before release_cb) moved it on, and the work would come early,
 * a loss probe or a timeout nothing justifies (TCP checks icsk_timeout in
 * tcp_write_timer_handler() for the same reason).
 */
static void ttp_timer_run(struct sock *sk, struct timer_list *timer, int defer_bit,
			  void (*work)(struct sock *sk))
{
	bh_lock_sock(sk);
	if (!timer_pending(timer)) {
		if (!sock_owned_by_user(sk))
			work(sk);
		else if (!test_and_set_bit(defer_bit, &ttp_sk(sk)->deferred))
			sock_hold(sk);
	}
	bh_unlock_sock(sk);
	sock_put(sk);	/* the timer's reference, from sk_reset_timer() */
}

/* What TIMER left for release_sock(), unless it was set again since. */
static void ttp_timer_deferred(struct sock *sk, struct timer_list *timer, int defer_bit,
			       void (*work)(struct sock *sk))
{
	if (!test_and_clear_bit(defer_bit, &ttp_sk(sk)->deferred))
		return;
	if (!timer_pending(timer))
		work(sk);
	__sock_put(sk);
}

static void ttp_rtx_timer_fn(struct timer_list *t)
{
	struct ttp_sock *ts = ttp_timer_container(ts, t, rtx_timer);

	ttp_timer_run((struct sock *)ts, &ts->rtx_timer, TTP_DEFER_RTX, ttp_rtx_timeout);
}

static void ttp_delack_timer_fn(struct timer_list *t)
{
	struct ttp_sock *ts = ttp_timer_container(ts, t, delack_timer);

	ttp_timer_run((struct sock *)ts, &ts->delack_timer, TTP_DEFER_DELACK, ttp_delack_timeout);
}

static void ttp_rack_timer_fn(struct timer_list *t)
{
	struct ttp_sock *ts = ttp_timer_container(ts, t, rack_timer);

	ttp_timer_run((struct sock *)ts, &ts->rack_timer, TTP_DEFER_RACK, ttp_rack_timeout);
}

static void ttp_keepalive_timer_fn(struct timer_list *t)
{
	struct ttp_sock *ts = ttp_timer_container(ts, t, keepalive_timer);

	ttp_timer_run((struct sock *)ts, &ts->keepalive_timer, TTP_DEFER_KEEPALIVE,
		      ttp_keepalive_timeout);
}

/* proto->release_cb: what timers left for us while a task held the socket. */
void ttp_release_cb(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);

	ttp_timer_deferred(sk, &ts->rtx_timer, TTP_DEFER_RTX, ttp_rtx_timeout);
	ttp_timer_deferred(sk, &ts->delack_timer, TTP_DEFER_DELACK, ttp_delack_timeout);
	ttp_timer_deferred(sk, &ts->keepalive_timer, TTP_DEFER_KEEPALIVE, ttp_keepalive_timeout);
	if (test_and_clear_bit(TTP_DEFER_MTU, &ts->deferred)) {
		ttp_mtu_reduced(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(TTP_DEFER_TSQ, &ts->deferred)) {
		ttp_tsq_send(sk);
		__sock_put(sk);
	}
	ttp_timer_deferred(sk, &ts->rack_timer, TTP_DEFER_RACK, ttp_rack_timeout);
}

void ttp_init_timers(struct sock *sk)
{
	timer_setup(&ttp_sk(sk)->rtx_timer, ttp_rtx_timer_fn, 0);
	timer_setup(&ttp_sk(sk)->delack_timer, ttp_delack_timer_fn, 0);
	timer_setup(&ttp_sk(sk)->keepalive_timer, ttp_keepalive_timer_fn, 0);
	timer_setup(&ttp_sk(sk)->rack_timer, ttp_rack_timer_fn, 0);
	ttp_pacing_init(sk);
}

void ttp_clear_timers(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);

	sk_stop_timer(sk, &ts->rtx_timer);
	sk_stop_timer(sk, &ts->delack_timer);
	sk_stop_timer(sk, &ts->keepalive_timer);
	sk_stop_timer(sk, &ts->rack_timer);
	ttp_pacing_clear(sk);
	if (test_and_clear_bit(TTP_DEFER_RTX, &ts->deferred))
		__sock_put(sk);
	if (test_and_clear_bit(TTP_DEFER_DELACK, &ts->deferred))
		__sock_put(sk);
	if (test_and_clear_bit(TTP_DEFER_KEEPALIVE, &ts->deferred))
		__sock_put(sk);
	if (test_and_clear_bit(TTP_DEFER_MTU, &ts->deferred))
		__sock_put(sk);
	if (test_and_clear_bit(TTP_DEFER_TSQ, &ts->deferred))
		__sock_put(sk);
	if (test_and_clear_bit(TTP_DEFER_RACK, &ts->deferred))
		__sock_put(sk);
}
