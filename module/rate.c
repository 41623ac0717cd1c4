// SPDX-License-Identifier: GPL-2.0
/*
 * The delivery rate, as Linux's tcp_rate.c estimates it (draft-cheng-
 * iccrg-delivery-rate-estimation): each segment sent remembers how much
 * had been delivered then, and when; the ACK that delivers it divides the
 * segments delivered since by the longer of two intervals, the one over
 * which they were sent and the one over which they were acknowledged, so
 * that neither a burst of sends nor a compressed run of ACKs inflates it.
 * A sample taken while the sender ran out of data (app-limited) says only
 * that the path can do at least that much: it replaces the last one only
 * if it is higher. TTP_INFO reports the result, as tcpi_delivery_rate.
 */
#include "ttp.h"

/* Whether a segment sent at T1 ending at SEQ1 went after one at T2, SEQ2. */
static bool ttp_rate_sent_after(u32 t1, u32 t2, u32 seq1, u32 seq2)
{
	return (s32)(t1 - t2) > 0 || (t1 == t2 && ttp_after(seq1, seq2));
}

/* SKB leaves now (its sent_us): stamp it with what was delivered so far. */
void ttp_rate_sent(struct sock *sk, struct sk_buff *skb)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_rate *r = &ts->rate;
	struct ttp_skb_cb *cb = TTP_SKB_CB(skb);

	/* Nothing in flight: a new flight, whose intervals start now. */
	if (!ts->cong.packets_out) {
		r->first_tx_us = cb->sent_us;
		r->delivered_us = cb->sent_us;
	}
	cb->tx_first_us = r->first_tx_us;
	cb->tx_delivered_us = r->delivered_us;
	cb->tx_delivered = ts->cong.delivered;
	cb->tx_app_limited = !!r->app_limited;
}

/*
 * The segment CB describes was delivered, first news of it (ACKed, or
 * SACKed before): the latest sent of those one ACK delivers makes the
 * sample, as in tcp_rate_skb_delivered().
 */
void ttp_rate_delivered(struct sock *sk, const struct ttp_skb_cb *cb)
{
	struct ttp_rate *r = &ttp_sk(sk)->rate;

	if (r->sample && !ttp_rate_sent_after(cb->sent_us, r->last_sent_us,
					      cb->end_seq, r->last_end_seq))
		return;
	r->sample = true;
	r->prior_delivered = cb->tx_delivered;
	r->prior_us = cb->tx_delivered_us;
	r->sample_app_limited = cb->tx_app_limited;
	r->last_sent_us = cb->sent_us;
	r->last_end_seq = cb->end_seq;
	r->send_us = cb->sent_us - cb->tx_first_us;
	/* Later samples' send intervals start from this send. */
	r->first_tx_us = cb->sent_us;
}

/*
 * The end of an ACK that delivered DELIVERED segments (ACKed or SACKed):
 * make its sample, and keep it unless it is app-limited and lower than
 * the one kept, as tcp_rate_gen().
 */
void ttp_rate_ack(struct sock *sk, u32 delivered)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_rate *r = &ts->rate;
	u32 now = ttp_sk_now_us(sk), interval;

	sock_owned_by_me(sk);
	if (r->app_limited && ttp_after(ts->cong.delivered, r->app_limited))
		r->app_limited = 0;
	if (delivered)
		r->delivered_us = now;
	if (!r->sample)
		return;
	r->sample = false;
	delivered = ts->cong.delivered - r->prior_delivered;
	interval = max(r->send_us, now - r->prior_us);
	/*
	 * Shorter than the least RTT: the ACKs came compressed, or a
	 * segment's record was stale. No sample, as in Linux.
	 */
	if (!delivered || !interval ||
	    (ts->rack.min_rtt_us != U32_MAX && interval < ts->rack.min_rtt_us))
		return;
	if (!r->sample_app_limited ||
	    (u64)delivered * r->kept_interval_us >= (u64)r->kept_delivered * interval) {
		r->kept_delivered = delivered;
		r->kept_interval_us = interval;
		r->app_limited_kept = r->sample_app_limited;
	}
}

/*
 * About to send with less than a segment waiting, room in the window,
 * nothing lost to send again and nothing of ours in the queues below:
 * what follows is limited by the application,
 * not the path, until what is in flight now is delivered. As
 * tcp_rate_check_app_limited().
 */
void ttp_rate_check_app_limited(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_cong *cc = &ts->cong;
	u32 in_flight = ttp_in_flight(cc);

	sock_owned_by_me(sk);
	if (ts->write_seq - ts->snd_nxt < ts->mss && in_flight < cc->cwnd &&
	    cc->lost_out <= cc->retrans_out && sk_wmem_alloc_get(sk) < SKB_TRUESIZE(1))
		ts->rate.app_limited = (cc->delivered + in_flight) ?: 1;
}

/* The rate kept, in bytes per second: tcpi_delivery_rate. */
u64 ttp_rate_bytes(const struct sock *sk)
{
	const struct ttp_sock *ts = ttp_sk(sk);
	const struct ttp_rate *r = &ts->rate;

	if (!r->kept_interval_us)
		return 0;
	return div_u64((u64)r->kept_delivered * ts->mss * USEC_PER_SEC,
		       r->kept_interval_us);
}
