// SPDX-License-Identifier: GPL-2.0
/*
 * Pacing, as TCP's internal pacing (tcp_output.c): a flow's segments leave
 * spaced at a rate from its window and RTT, not as the bursts an ACK
 * clock lets go. A window's worth of large segments (offload.c) sent at
 * once fills a shallow queue on the path and loses its tail; spaced over
 * the round trip, the same window fits.
 *
 * The rate is TCP's (tcp_update_pacing_rate()): cwnd * mss / srtt, twice
 * that in slow start (below half ssthresh) to let the window double, 1.2
 * times after, capped by SO_MAX_PACING_RATE. It goes into sk_pacing_rate,
 * where the small queues (tsq.c) read it, and where an fq qdisc finds it:
 * a socket fq has claimed (sk_pacing_status SK_PACING_FQ) leaves the
 * spacing to fq, as TCP does. Otherwise TTP spaces its own segments on an
 * hrtimer when asked, as Linux TCP does: by SO_MAX_PACING_RATE (the socket
 * core then marks the socket SK_PACING_NEEDED, as BBR does for TCP), or,
 * for every socket, by the namespace's `pacing`. Not by default: a paced
 * flow sharing a drop-tail bottleneck with unpaced TCP flows loses fewer
 * of its segments than they do, and so takes more than its share (1.4 to
 * 1.6 times TCP's in `make bench`'s fairness rows, 0.9 to 1.1 unpaced).
 */
#include <linux/hrtimer.h>
#include "compat.h"
#include "netns.h"
#include "ttp.h"

/* tcp_pacing_ss_ratio and tcp_pacing_ca_ratio's defaults, in percent. */
#define TTP_PACING_SS_RATIO	200
#define TTP_PACING_CA_RATIO	120

/* The first segments go as they come, as TCP's first ten do. */
#define TTP_PACING_FREE_SEGS	10

/* Called after every ACK: the rate follows the window and the RTT. */
void ttp_pacing_update(struct sock *sk)
{
	const struct ttp_sock *ts = ttp_sk(sk);
	const struct ttp_cong *cc = &ts->cong;
	u64 rate;

	sock_owned_by_me(sk);
	if (!ts->rtt.srtt_us) {
		/* No RTT yet: no rate, as TCP's before its first sample. */
		WRITE_ONCE(sk->sk_pacing_rate, READ_ONCE(sk->sk_max_pacing_rate));
		return;
	}
	rate = (u64)ts->mss * (USEC_PER_SEC / 100);
	rate *= cc->cwnd < cc->ssthresh / 2 ? TTP_PACING_SS_RATIO : TTP_PACING_CA_RATIO;
	rate *= max(cc->cwnd, cc->packets_out);
	rate = div_u64(rate, ts->rtt.srtt_us);
	WRITE_ONCE(sk->sk_pacing_rate,
		   min_t(u64, rate, READ_ONCE(sk->sk_max_pacing_rate)));
}

/* Whether TTP spaces SK's segments itself (else fq does, or nobody). */
static bool ttp_pacing_internal(const struct sock *sk)
{
	switch (READ_ONCE(sk->sk_pacing_status)) {
	case SK_PACING_FQ:
		return false;
	case SK_PACING_NEEDED:
		return true;
	default:
		return ttp_sk_param(sk, TTP_PARAM_PACING);
	}
}

/*
 * How far ahead of its schedule a flow may run: what the small queues let
 * it keep below it (tsq.c), about a millisecond at its rate. Holding it to
 * the nanosecond would cost a timer per large segment where the RTT is a
 * millisecond (a veth pair, a LAN), for spacing no queue there needs;
 * where the RTT is tens of milliseconds, a millisecond's burst is a small
 * part of the window, still spread over the round trip.
 */
static u64 ttp_pacing_slack_ns(const struct sock *sk)
{
	return NSEC_PER_SEC >> READ_ONCE(sk->sk_pacing_shift);
}

/*
 * Whether SK's next segment must wait: then the pacing timer is armed for
 * when it may go (holding the socket), and sends it. As
 * tcp_pacing_check(), with the slack above.
 */
bool ttp_pacing_holds(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	u64 slack = ttp_pacing_slack_ns(sk);

	sock_owned_by_me(sk);
	if (!ttp_pacing_internal(sk) || ts->pacing_next_ns <= ttp_sk_clock_ns(sk) + slack)
		return false;
	if (!hrtimer_is_queued(&ts->pacing_timer)) {
		hrtimer_start(&ts->pacing_timer, ns_to_ktime(ts->pacing_next_ns - slack),
			      HRTIMER_MODE_ABS_PINNED_SOFT);
		sock_hold(sk);
	}
	return true;
}

/*
 * LEN bytes of payload have left: the next may leave LEN / rate later. A
 * send late by the timer's or the scheduler's delay earns that much back,
 * up to half of the gap, as tcp_update_skb_after_send() allows: the
 * average rate holds though single sends come late. The time is kept on
 * unpaced sends too, as TCP's tcp_wstamp_ns: the first send paced after
 * SO_MAX_PACING_RATE is set is late only by what passed since the last.
 */
void ttp_pacing_sent(struct sock *sk, u32 len)
{
	struct ttp_sock *ts = ttp_sk(sk);
	unsigned long rate = READ_ONCE(sk->sk_pacing_rate);
	u64 prior = ts->pacing_next_ns, len_ns, credit;

	ts->pacing_next_ns = max(prior, ttp_sk_clock_ns(sk));
	if (!ttp_pacing_internal(sk) ||
	    !rate || rate == ~0UL ||
	    ts->bytes_sent < (u64)TTP_PACING_FREE_SEGS * ts->mss)
		return;
	len_ns = div64_ul((u64)len * NSEC_PER_SEC, rate);
	credit = ts->pacing_next_ns - prior;
	len_ns -= min(len_ns / 2, credit);
	ts->pacing_next_ns += len_ns;
}

/* The time came: send what waited, now or when the owner releases SK. */
static enum hrtimer_restart ttp_pacing_timer_fn(struct hrtimer *timer)
{
	struct ttp_sock *ts = container_of(timer, struct ttp_sock, pacing_timer);
	struct sock *sk = (struct sock *)ts;

	ttp_tsq_kick(sk);
	sock_put(sk);	/* ttp_pacing_holds()'s */
	return HRTIMER_NORESTART;
}

void ttp_pacing_init(struct sock *sk)
{
	ttp_compat_hrtimer_setup(&ttp_sk(sk)->pacing_timer, ttp_pacing_timer_fn,
				 CLOCK_MONOTONIC, HRTIMER_MODE_ABS_PINNED_SOFT);
}

/* A timer that had not begun to run gives its reference back. */
void ttp_pacing_clear(struct sock *sk)
{
	if (hrtimer_try_to_cancel(&ttp_sk(sk)->pacing_timer) == 1)
		__sock_put(sk);
}
