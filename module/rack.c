// SPDX-License-Identifier: GPL-2.0
/*
 * RACK-TLP (RFC 8985) for SACK peers, as Linux's tcp_recovery.c and the
 * loss probe of tcp_output.c have it.
 *
 * RACK judges loss by time, not by counting: a segment is lost once a
 * segment sent after it was delivered and more than an RTT plus a
 * reordering window has passed since it was sent. That finds a lost
 * retransmission, and losses at the tail, without waiting for the RTO.
 * The window is zero until reordering is seen on the connection (then a
 * quarter of the least RTT), and grows with D-SACKs that show
 * retransmissions were not needed.
 *
 * TLP: when nothing more would bring an ACK (the last segments of a
 * burst lost), a probe goes two SRTTs after the last send: new data if
 * there is some, else the last segment again. Its ACK's SACK blocks let
 * RACK repair the tail at once, where only the RTO would otherwise.
 *
 * The write queue is kept by sequence, not by send time (Linux keeps a
 * second list): detection walks what is in flight. Everything here runs
 * under the socket lock.
 */
#include "stats.h"
#include "ttp.h"

/* Linux's TCP_TIMEOUT_MIN_US: slack for timer granularity. */
#define TTP_RACK_SLACK_US		2000
/* Recoveries a grown reordering window lasts (TCP_RACK_RECOVERY_THRESH). */
#define TTP_RACK_RECOVERY_THRESH	16

/* Was (T1, SEQ1) sent after (T2, SEQ2)? Ties go by sequence. */
static bool ttp_sent_after(u32 t1, u32 t2, u32 seq1, u32 seq2)
{
	return (s32)(t1 - t2) > 0 || (t1 == t2 && ttp_after(seq1, seq2));
}

void ttp_rack_init(struct sock *sk)
{
	struct ttp_rack *rack = &ttp_sk(sk)->rack;

	memset(rack, 0, sizeof(*rack));
	rack->min_rtt_us = U32_MAX;
	rack->reo_wnd_steps = 1;
}

/* RACK.reo_wnd (RFC 8985 6.2 step 4, Linux's tcp_rack_reo_wnd()). */
static u32 ttp_rack_reo_wnd(const struct sock *sk)
{
	const struct ttp_sock *ts = ttp_sk(sk);
	const struct ttp_rack *rack = &ts->rack;

	/* No reordering seen: none to wait for in recovery, or past DupThresh. */
	if (!rack->reord && (ts->cong.state != TTP_CA_OPEN ||
			     ts->cong.sacked_out >= ts->cong.reordering))
		return 0;
	if (rack->min_rtt_us == U32_MAX)
		return 0;
	return min((rack->min_rtt_us >> 2) * rack->reo_wnd_steps, ts->rtt.srtt_us);
}

/* An RTT sample: RACK wants the least. */
void ttp_rack_rtt(struct sock *sk, u32 rtt_us)
{
	struct ttp_rack *rack = &ttp_sk(sk)->rack;

	rack->min_rtt_us = min(rack->min_rtt_us, rtt_us);
}

/*
 * CB's segment was delivered, ACKed or SACKed (RFC 8985 6.2 steps 2 and 3):
 * the latest sent of those, and its RTT, are what later judgements measure
 * against; one delivered below what was SACKed already, never sent twice,
 * shows reordering. The RTT is the latest sent's only: the RFC takes an
 * ACK's segments in the order they were sent, and an ACK's cumulative
 * part comes here before its SACK blocks (Linux's, after them), so a
 * resend ACKed with an original SACKed in the same ACK would otherwise
 * leave the original's longer RTT, and RACK would wait that much more
 * for what was sent before the resend.
 */
void ttp_rack_advance(struct sock *sk, const struct ttp_skb_cb *cb)
{
	struct ttp_rack *rack = &ttp_sk(sk)->rack;
	u32 rtt_us = ttp_sk_now_us(sk) - cb->sent_us;

	if (!cb->retransmitted && rack->fack_valid && ttp_before(cb->end_seq, rack->fack)) {
		rack->reord = true;
		rack->reord_now = true;
	}
	/* Sent twice and back sooner than any RTT: the first copy's, maybe. */
	if (cb->retransmitted && rtt_us < rack->min_rtt_us)
		return;
	rack->advanced = true;
	if (!rack->xmit_valid ||
	    ttp_sent_after(cb->sent_us, rack->xmit_us, cb->end_seq, rack->end_seq)) {
		rack->rtt_us = rtt_us;
		rack->xmit_us = cb->sent_us;
		rack->end_seq = cb->end_seq;
		rack->xmit_valid = true;
	}
}

/*
 * Nothing is in flight: what was delivered last says nothing of what
 * goes next, and the microsecond clock (32 bits, 71 minutes round) must
 * not compare send times an idle hour apart.
 */
void ttp_rack_idle(struct sock *sk)
{
	struct ttp_rack *rack = &ttp_sk(sk)->rack;

	rack->xmit_valid = false;
	rack->fack_valid = false;
}

/* A segment ending at END was SACKed: the highest so far is RACK.fack. */
void ttp_rack_sacked(struct sock *sk, u32 end)
{
	struct ttp_rack *rack = &ttp_sk(sk)->rack;

	if (!rack->fack_valid || ttp_after(end, rack->fack)) {
		rack->fack = end;
		rack->fack_valid = true;
	}
}

/*
 * Mark lost what was sent before the latest delivered segment and has
 * had its RTT and the reordering window to arrive (RFC 8985 6.2 step 5);
 * a retransmission too, which then goes again. *TIMEOUT: how long the
 * youngest of the others still has, in us, or 0. Returns those marked.
 *
 * The queue is in sequence order, not send order, but segments sent once
 * were sent in sequence order and a resend goes after its original: the
 * first segment sent once and not before the latest delivered ends the
 * walk, as nothing after it can have been (Linux walks a send-ordered
 * list to the same point). A bulk flow without loss walks one segment.
 */
static u32 ttp_rack_detect(struct sock *sk, u32 *timeout)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_rack *rack = &ts->rack;
	struct ttp_cong *cc = &ts->cong;
	u32 reo_wnd = ttp_rack_reo_wnd(sk), now = ttp_sk_now_us(sk), newly = 0;
	struct sk_buff *skb;

	*timeout = 0;
	if (!rack->xmit_valid)
		return 0;
	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
		s32 remaining;

		if (skb == ts->send_head)
			break;
		if (cb->sacked & TTP_SACKED_ACKED ||
		    (cb->sacked & (TTP_SACKED_LOST | TTP_SACKED_RETRANS)) == TTP_SACKED_LOST)
			continue;	/* delivered, or waiting to go again */
		if (!ttp_sent_after(rack->xmit_us, cb->sent_us, rack->end_seq, cb->end_seq)) {
			if (!cb->retransmitted)
				break;	/* nor after it: nothing to judge */
			continue;	/* nothing sent later was delivered yet */
		}
		remaining = rack->rtt_us + reo_wnd - (now - cb->sent_us);
		if (remaining > 0) {
			*timeout = max_t(u32, *timeout, remaining);
			continue;
		}
		if (cb->sacked & TTP_SACKED_RETRANS) {
			cb->sacked &= ~TTP_SACKED_RETRANS;
			cc->retrans_out -= ttp_skb_pcount(skb);
		}
		if (!(cb->sacked & TTP_SACKED_LOST)) {
			cb->sacked |= TTP_SACKED_LOST;
			cc->lost_out += ttp_skb_pcount(skb);
		}
		newly++;
	}
	return newly;
}

static void ttp_rack_arm(struct sock *sk, u8 mode, unsigned long when)
{
	ttp_sk(sk)->rack.timer_mode = mode;
	sk_reset_timer(sk, &ttp_sk(sk)->rack_timer, jiffies + max(when, 1UL));
}

/*
 * After an ACK's cumulative part and SACK blocks are in: mark what RACK
 * finds lost, and wait for the rest (the reordering timer). Returns how
 * many were newly marked.
 */
u32 ttp_rack_mark_lost(struct sock *sk)
{
	struct ttp_rack *rack = &ttp_sk(sk)->rack;
	u32 newly, timeout;

	sock_owned_by_me(sk);
	/* All SACKed data is acknowledged: RACK.fack is history. */
	if (rack->fack_valid && !ttp_after(rack->fack, ttp_sk(sk)->snd_una))
		rack->fack_valid = false;
	if (rack->reord_now) {
		rack->reord_now = false;
		ttp_count(sock_net(sk), TTP_MIB_SACK_REORDER);
	}
	if (!rack->advanced)
		return 0;
	rack->advanced = false;
	newly = ttp_rack_detect(sk, &timeout);
	if (timeout)
		ttp_rack_arm(sk, TTP_RACK_TIMER_REO,
			     usecs_to_jiffies(timeout + TTP_RACK_SLACK_US));
	return newly;
}

/*
 * A D-SACK. Of the loss probe's resend: the probe found nothing lost.
 * Else, once reordering has been seen and not after a timeout (whose
 * resends cover whatever the peer held but had not SACKed yet, and come
 * twice as a matter of course): a resend was not needed, reordering
 * fooled us. ttp_rack_update_reo_wnd() widens the window for it (RFC 8985
 * 6.2 step 4, as Linux's tcp_dsack_seen()).
 */
void ttp_rack_dsack(struct sock *sk, u32 end)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_rack *rack = &ts->rack;

	if (rack->tlp_high_seq && rack->tlp_retrans && end == rack->tlp_high_seq) {
		rack->tlp_high_seq = 0;
		return;
	}
	if (rack->reord && ts->cong.state != TTP_CA_LOSS)
		rack->dsack_seen = true;
}

/*
 * Every ACK from a SACK peer, before RACK looks for losses: PRIOR_DELIVERED
 * is what had been delivered when the latest segment it delivered was
 * sent (0: none). D-SACKs seen, and a round trip passed since the window
 * last grew: a quarter of the least RTT more (up to the SRTT), kept for
 * the next TTP_RACK_RECOVERY_THRESH recoveries; once those passed without
 * another, back to one quarter (Linux's tcp_rack_update_reo_wnd()). Once
 * a round trip, not once a recovery: on a path that reorders all the
 * time, one recovery can last many round trips, each with its spurious
 * resends.
 */
void ttp_rack_update_reo_wnd(struct sock *sk, u32 prior_delivered)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_rack *rack = &ts->rack;

	sock_owned_by_me(sk);
	if (!prior_delivered)
		return;
	/* Sent before the window last grew: its D-SACKs were counted. */
	if (ttp_before(prior_delivered, rack->last_delivered))
		rack->dsack_seen = false;
	if (rack->dsack_seen) {
		rack->reo_wnd_steps = min_t(u32, rack->reo_wnd_steps + 1, U8_MAX);
		rack->dsack_seen = false;
		rack->last_delivered = ts->cong.delivered;
		rack->reo_wnd_persist = TTP_RACK_RECOVERY_THRESH;
	} else if (!rack->reo_wnd_persist) {
		rack->reo_wnd_steps = 1;
	}
}

/* A recovery ended, not undone: one fewer that a grown window lasts. */
void ttp_rack_recovery_done(struct sock *sk)
{
	struct ttp_rack *rack = &ttp_sk(sk)->rack;

	if (rack->reo_wnd_persist)
		rack->reo_wnd_persist--;
}

/* D-SACKs undid a recovery: reordering, so the window lasts one more. */
void ttp_rack_dsack_undone(struct sock *sk)
{
	struct ttp_rack *rack = &ttp_sk(sk)->rack;

	rack->reo_wnd_persist = min_t(u8, rack->reo_wnd_persist + 1, TTP_RACK_RECOVERY_THRESH);
}

/*
 * Arm the loss probe (RFC 8985 7.2): in the open state with data in
 * flight, two SRTTs after now (a delayed ACK's worth more when one
 * segment is out, whose ACK the peer may hold back), or just before the
 * RTO if that comes first; not while RACK waits out reordering.
 */
void ttp_tlp_schedule(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	unsigned long pto;

	/* The peer reneged: the early timeout is the answer (ttp_sack_reneged()). */
	if (head && head != ts->send_head && (TTP_SKB_CB(head)->sacked & TTP_SACKED_ACKED))
		return;
	/*
	 * Held back by the peer's window, not by loss: its ACKs will come
	 * with the window, and the persist timer is there if they do not. A
	 * probe's duplicate only draws a window update from a receiver whose
	 * buffer is what limits the flow (ttp_memory.py's small segments:
	 * TTP's receiver then overcommits its window, see issue 22).
	 */
	if (ts->send_head &&
	    ttp_after(TTP_SKB_CB(ts->send_head)->end_seq, ts->snd_una + ts->snd_wnd))
		return;

	if (!ts->sack_ok || ts->cong.state != TTP_CA_OPEN || !ts->cong.packets_out ||
	    ts->rack.tlp_high_seq || !ts->rtt.srtt_us || ts->persist ||
	    /* RACK waits for reordering: that comes first (as in Linux). */
	    (ts->rack.timer_mode == TTP_RACK_TIMER_REO && timer_pending(&ts->rack_timer)) ||
	    !((1 << sk->sk_state) & (TTPF_ESTABLISHED | TTPF_CLOSE_WAIT |
				     TTPF_FIN_WAIT1 | TTPF_CLOSING | TTPF_LAST_ACK)))
		return;
	pto = usecs_to_jiffies(2 * ts->rtt.srtt_us) +
	      (ts->cong.packets_out == 1 ? TTP_DELACK_MAX : usecs_to_jiffies(TTP_RACK_SLACK_US));
	/* Not after the RTO (RFC 8985 7.2): just before it, if need be. */
	if (ttp_rtx_armed(sk)) {
		long left = (long)(READ_ONCE(ts->rtx_timer.expires) - jiffies);

		if (left <= 1)
			return;
		pto = min_t(unsigned long, pto, left - 1);
	}
	ttp_rack_arm(sk, TTP_RACK_TIMER_TLP, pto);
}

/* The last segment in flight: the one before send_head. */
static struct sk_buff *ttp_last_in_flight(struct sock *sk)
{
	struct sk_buff *head = ttp_sk(sk)->send_head;

	if (!head)
		return skb_peek_tail(&sk->sk_write_queue);
	return skb_queue_is_first(&sk->sk_write_queue, head) ? NULL : head->prev;
}

/*
 * The probe timer fired (RFC 8985 7.3): send one full segment of new data
 * if the peer's window takes it, whatever cwnd says; else the last
 * segment again. Then the RTO runs from now.
 */
static void ttp_tlp_fire(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_rack *rack = &ts->rack;
	struct sk_buff *skb = ts->send_head;
	bool rtx = false;

	if (ts->cong.state != TTP_CA_OPEN || !ts->cong.packets_out || rack->tlp_high_seq)
		return;
	/*
	 * New data only as a full segment: a small one into the last sliver
	 * of the peer's window is what sender-side silly window avoidance
	 * holds back (ttp_window_part()), and a receiver of small segments
	 * may have no memory left for it.
	 */
	if (!skb || skb->len < ts->mss ||
	    ttp_after(skb->len > ts->mss ? TTP_SKB_CB(skb)->seq + ts->mss :
		      TTP_SKB_CB(skb)->end_seq, ts->snd_una + ts->snd_wnd)) {
		skb = ttp_last_in_flight(sk);
		rtx = true;
		/* Its last segment only, as tcp_send_loss_probe() cuts it. */
		if (skb && ttp_skb_pcount(skb) > 1 &&
		    !ttp_split(sk, skb, rounddown(skb->len - 1, ts->mss), ts->mss))
			skb = skb->next;
	}
	if (!skb || ttp_xmit_one(sk, skb, 1))
		return;
	rack->tlp_high_seq = ts->snd_nxt;
	rack->tlp_retrans = rtx;
	ttp_count(sock_net(sk), TTP_MIB_LOSS_PROBES);
	ttp_reset_rtx_timer(sk, ts->rto);
}

/*
 * An ACK at or past the probe (Linux's tcp_process_tlp_ack()): if the
 * probe was a resend and the ACK covers more than was in flight before
 * it, without a D-SACK of it, the probe repaired a loss: the window is cut
 * as a recovery would have cut it. DUPACK: a pure duplicate, with data in
 * flight or none, which says the original and the probe both arrived.
 */
void ttp_tlp_ack(struct sock *sk, u32 ack, bool dupack)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_rack *rack = &ts->rack;
	struct ttp_cong *cc = &ts->cong;

	if (!rack->tlp_high_seq || ttp_before(ack, rack->tlp_high_seq))
		return;
	if (!rack->tlp_retrans) {
		rack->tlp_high_seq = 0;
	} else if (ttp_after(ack, rack->tlp_high_seq)) {
		rack->tlp_high_seq = 0;
		cc->ssthresh = cc->ops->ssthresh(sk);
		cc->cwnd = min(cc->cwnd, max(cc->ssthresh, 2U));
		cc->cwnd_cnt = 0;
		ttp_count(sock_net(sk), TTP_MIB_LOSS_PROBE_RECOVERY);
	} else if (dupack) {
		rack->tlp_high_seq = 0;
	}
}

/* The RACK timer: the reordering window ran out, or the probe is due. */
void ttp_rack_timeout(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	u32 timeout;

	if (sk->sk_state == TTP_CLOSED || sk->sk_state == TTP_LISTEN)
		return;
	if (ts->rack.timer_mode == TTP_RACK_TIMER_TLP) {
		ttp_tlp_fire(sk);
		return;
	}
	if (ts->cong.state == TTP_CA_LOSS || !ts->cong.packets_out)
		return;
	if (ttp_rack_detect(sk, &timeout)) {
		if (ts->cong.state == TTP_CA_OPEN)
			ttp_recovery_begin(sk);
		ttp_push(sk);
	}
	if (timeout)
		ttp_rack_arm(sk, TTP_RACK_TIMER_REO,
			     usecs_to_jiffies(timeout + TTP_RACK_SLACK_US));
	else
		ttp_tlp_schedule(sk);
}
