// SPDX-License-Identifier: GPL-2.0
/*
 * How many segments one large segment (offload.c) carries, and when a
 * short one waits to become longer: TCP's tcp_tso_autosize() and
 * tcp_tso_should_defer().
 *
 * Every skb costs the same however much it carries: the IP layer, the
 * qdisc, the device, the receiver's ACK (it acknowledges what one skb
 * brought), and, where a queue drops whole skbs as netem does, a loss
 * event of its own. A flow whose ACKs free two segments at a time would
 * keep a window of two-segment skbs in flight for ever; TCP holds them
 * back for the ACKs about to come and sends one larger skb, and so does
 * TTP. Measured at 0.1% netem loss and 20 ms each way (6.12, TCG): with
 * neither, TTP's skbs carried 3.4 segments on average, TCP's 20, and
 * TTP's window was cut six times as often for the same share of segments
 * lost (Documentation/performance.md).
 */
#include <kunit/visibility.h>
#include <net/dst.h>
#include "ttp.h"

/* tcp_tso_rtt_log's default: below 512 us of RTT, larger segments. */
#define TTP_GSO_RTT_LOG		9

/*
 * Segments of MSS bytes one skb should carry, before the device's limits:
 * about a millisecond at the pacing rate (RATE >> SHIFT bytes; pacing.c
 * keeps the rate at 1.2 to 2 windows per RTT), plus, as TCP adds, up to
 * GSO_MAX_SIZE more the shorter the least RTT below 512 us, where a
 * millisecond of data is little of the window. At least two.
 */
u32 ttp_gso_autosize(u64 rate, u32 shift, u32 min_rtt_us, u32 gso_max_size, u32 mss)
{
	u64 bytes = rate >> shift;
	u32 r = min_rtt_us >> TTP_GSO_RTT_LOG;

	if (r < BITS_PER_TYPE(gso_max_size))
		bytes += gso_max_size >> r;
	bytes = min_t(u64, bytes, gso_max_size);
	return max_t(u32, div_u64(bytes, mss), 2);
}
EXPORT_SYMBOL_IF_KUNIT(ttp_gso_autosize);

/*
 * How many segments SK may put in one large segment for a route whose
 * device takes none whole (GSO and TSO off), or 0. TCP's GSO is always
 * on (sk_setup_caps() adds it for TCP whatever the device offers), so
 * that the stack runs once per large segment and the device layer cuts
 * it in software (validate_xmit_skb(), offload.c), cheaper than building
 * and routing every segment on its own. TTP does the same, within the
 * device's gso_max_segs and gso_max_size as sk_setup_caps() keeps TCP,
 * except where sk_setup_caps() takes GSO from TCP too: a route through
 * an IPsec transform (its header_len), which must see every segment.
 */
static u32 ttp_gso_in_software(struct sock *sk, u32 *size)
{
	const struct dst_entry *dst = __sk_dst_get(sk);

	if (!dst || dst->header_len || !dst->dev)
		return 0;
	*size = min_t(u32, READ_ONCE(dst->dev->gso_max_size), GSO_LEGACY_MAX_SIZE);
	return max_t(u32, READ_ONCE(dst->dev->gso_max_segs), 1);
}

/*
 * The most segments one skb may carry on SK's route, in *SIZE bytes and
 * in the return value: what its device takes whole, or what software GSO
 * cuts; 1: one each.
 */
static u32 ttp_gso_max(struct sock *sk, u32 *size)
{
	const struct ttp_sock *ts = ttp_sk(sk);
	u32 max;

	*size = READ_ONCE(sk->sk_gso_max_size);
	max = READ_ONCE(sk->sk_gso_max_segs);
	if (!sk_can_gso(sk)) {
		max = ttp_gso_in_software(sk, size);
		if (!max)
			return 1;
	}
	/* Headers count against the device's limit, as in tcp_tso_autosize(). */
	if (*size < TTP_MAX_HEADER + 2 * ts->mss)
		return 1;
	max = min_t(u32, min_t(u32, *size - TTP_MAX_HEADER, TTP_GSO_MAX_BYTES) / ts->mss, max);
	return max ?: 1;
}

/*
 * How many segments one skb may carry now: ttp_gso_autosize(), within
 * what the route's device takes whole or what software GSO cuts. Before
 * the first RTT sample there is no rate: the window. Under
 * SO_MAX_PACING_RATE, no more than a millisecond at that rate, unlike
 * TCP (which adds its short-RTT bonus there too): one 64 KiB skb would
 * put the next send a minute away at 1 KB/s. 1: none.
 */
u32 ttp_gso_goal(struct sock *sk)
{
	const struct ttp_sock *ts = ttp_sk(sk);
	u32 min_rtt = ts->rack.min_rtt_us, size, segs, max = ttp_gso_max(sk, &size);
	u64 rate = READ_ONCE(sk->sk_pacing_rate);
	u32 shift = READ_ONCE(sk->sk_pacing_shift);

	if (max <= 1)
		return 1;
	if (!ts->rtt.srtt_us) {
		segs = min_t(u64, ts->cong.cwnd, div_u64(rate >> shift, ts->mss));
	} else {
		if (READ_ONCE(sk->sk_max_pacing_rate) != ~0UL)
			min_rtt = U32_MAX;
		segs = ttp_gso_autosize(rate, shift, min_rtt, size, ts->mss);
	}
	return clamp_t(u32, segs, min_t(u32, 2, max), max);
}

/*
 * How many bytes sendmsg gathers in one skb: as many segments as the
 * route takes in one, but no more than half the largest window the peer
 * offered, as tcp_xmit_size_goal() and tcp_bound_to_half_wnd(): a queue
 * of skbs each larger than the window would go out in cuts only. What
 * leaves at once is decided when it is sent (ttp_gso_goal()).
 */
u32 ttp_size_goal(struct sock *sk)
{
	const struct ttp_sock *ts = ttp_sk(sk);
	u32 size, goal = ttp_gso_max(sk, &size) * ts->mss;
	u32 half = ts->max_window > TTP_DEFAULT_MSS ? ts->max_window / 2 : ts->max_window;

	if (half && goal > half)
		goal = max(rounddown(half, ts->mss), ts->mss);
	return goal;
}

/*
 * Whether N segments, all the windows let go now, wait for the ACKs about
 * to come (V: what the socket says; *CWND_LIMITED then says whether the
 * congestion window held them). As tcp_tso_should_defer(): held while
 * they are short of the goal, less than a third of the window, the last
 * send was within a millisecond (a flow that has been quiet sends what it
 * may at once, not a burst later), and the oldest segment's ACK is due
 * within half an RTT or a millisecond, or late; held too when they are
 * all that was written, for what the writer adds next, unless they end
 * the stream (FIN) or are less than two segments. Unlike TCP, never held
 * where the goal is the least, two segments (under about 2 MB/s: the
 * ACKs a held segment would wait for are a millisecond and more apart,
 * and a scripted peer's exchange stays segment by segment).
 */
bool ttp_gso_hold(const struct ttp_gso_view *v, bool *cwnd_limited)
{
	if (v->goal <= 2 || v->n >= v->goal)
		return false;
	if ((u64)v->n * 3 >= v->window)
		return false;
	if (v->since_send_ns > (s64)NSEC_PER_MSEC)
		return false;
	if (v->ack_due_us > (s32)min_t(u32, v->srtt_us / 2, USEC_PER_MSEC))
		return false;
	if (v->n >= min(v->cwnd_room, v->wnd_room)) {
		*cwnd_limited = v->cwnd_room < v->wnd_room;
		return true;
	}
	/*
	 * All that was written: held only if it is two segments or more,
	 * as TCP defers only an skb of several; a lone one, or a short one
	 * (none whole: N is 0), is Nagle's to judge (ttp_nagle_holds()).
	 */
	return v->n >= 2 && !v->fin;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_gso_hold);

/*
 * Whether the N segments from SKB (send_head, new data) wait for the
 * ACKs about to come, the goal being GOAL. Never in recovery (TCP's
 * rule: what is sent there is what PRR allows), nor with nothing in
 * flight to bring an ACK.
 */
bool ttp_gso_defers(struct sock *sk, const struct sk_buff *skb, u32 n, u32 goal,
		    bool *cwnd_limited)
{
	const struct ttp_sock *ts = ttp_sk(sk);
	const struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	struct ttp_gso_view v = {
		.n = n,
		.goal = goal,
		.srtt_us = ts->rtt.srtt_us,
	};

	sock_owned_by_me(sk);
	if (ts->cong.state != TTP_CA_OPEN || !v.srtt_us || !head || head == skb)
		return false;
	v.cwnd_room = ttp_cwnd_room_segs(sk);
	v.wnd_room = (ts->snd_una + ts->snd_wnd - TTP_SKB_CB(skb)->seq) / ts->mss;
	v.window = min(ts->snd_wnd / ts->mss, ts->cong.cwnd);
	/* pacing_next_ns is the last send's time, or later when paced. */
	v.since_send_ns = (s64)(ttp_sk_clock_ns(sk) - ts->pacing_next_ns);
	v.ack_due_us = (s32)(TTP_SKB_CB(head)->sent_us + v.srtt_us - ttp_sk_now_us(sk));
	/* Short of both windows, they run to the queue's end: a FIN there? */
	v.fin = TTP_SKB_CB(skb_peek_tail(&sk->sk_write_queue))->flags & TTP_FLAG_FIN;
	return ttp_gso_hold(&v, cwnd_limited);
}
