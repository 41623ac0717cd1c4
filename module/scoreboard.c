// SPDX-License-Identifier: GPL-2.0
/*
 * The sender's SACK scoreboard (RFC 2018, RFC 6675 section 3): which
 * segments in flight the peer holds, which are presumed lost, which of
 * those were sent again. Each segment in flight carries the marks in its
 * control block (TTP_SACKED_*), the socket their sums (struct ttp_cong),
 * so that the pipe is known without a walk.
 *
 * The write queue is a list, as TCP's was before Linux 4.15: an ACK with
 * SACK blocks walks the part in flight once, whatever the number of
 * blocks (they are sorted first), and only such an ACK does. A peer can
 * make its own connection's ACKs cost a walk of its window, no more.
 *
 * Marks are per skb, and an skb is marked SACKed only when a block
 * covers it whole: one of several segments that a block's edge falls in
 * is first cut there, on the segment boundary (ttp_sack_cut()), as
 * Linux's tcp_match_skb_to_sack() does. The peer's blocks follow the
 * segments it received, and TTP cuts its segments the same way each time
 * they are sent (a path MTU drop recuts them; a cut skb's parts keep its
 * marks).
 *
 * Everything here runs under the socket lock.
 */
#include <linux/sort.h>

#include "stats.h"
#include "ttp.h"

/* Add the marks of SEGS segments to the sums (negative: take away). */
void ttp_sack_account(struct sock *sk, u8 sacked, int segs)
{
	struct ttp_cong *cc = &ttp_sk(sk)->cong;

	if (sacked & TTP_SACKED_ACKED)
		cc->sacked_out += segs;
	if (sacked & TTP_SACKED_LOST)
		cc->lost_out += segs;
	if (sacked & TTP_SACKED_RETRANS)
		cc->retrans_out += segs;
}

#ifdef CONFIG_DEBUG_NET
/*
 * The sums the pipe is reckoned from must be what the marks of the
 * segments in flight add up to: a sum that drifts leaves the pipe wrong
 * for the rest of the connection, silently (too much in flight, or a
 * stall), where a test sees only a slower transfer. Checked after an ACK
 * and a timeout, when the marks have settled, on debug kernels, and only
 * for up to 256 segments in flight, so that the walk does not change
 * what the debug lanes time.
 */
void ttp_wq_check(struct sock *sk)
{
	const struct ttp_cong *cc = &ttp_sk(sk)->cong;
	u32 packets = 0, sacked = 0, lost = 0, retrans = 0;
	struct sk_buff *skb;

	sock_owned_by_me(sk);
	if (cc->packets_out > 256)
		return;
	skb_queue_walk(&sk->sk_write_queue, skb) {
		u8 marks = TTP_SKB_CB(skb)->sacked;

		if (!ttp_skb_in_flight(sk, skb))
			break;
		packets += ttp_skb_pcount(skb);
		if (marks & TTP_SACKED_ACKED)
			sacked += ttp_skb_pcount(skb);
		if (marks & TTP_SACKED_LOST)
			lost += ttp_skb_pcount(skb);
		if (marks & TTP_SACKED_RETRANS)
			retrans += ttp_skb_pcount(skb);
	}
	WARN_ONCE(packets != cc->packets_out || sacked != cc->sacked_out ||
		  lost != cc->lost_out || retrans != cc->retrans_out,
		  "ttp: in flight/SACKed/lost/resent %u/%u/%u/%u, the segments' marks say %u/%u/%u/%u\n",
		  cc->packets_out, cc->sacked_out, cc->lost_out, cc->retrans_out,
		  packets, sacked, lost, retrans);
}
#endif

/*
 * A timeout (ttp_rewind()) sends everything from snd_una again but what
 * the peer SACKed, as Linux's tcp_timeout_mark_lost(): the SACKed marks
 * stay, for ttp_send_head_next() to step over, and nothing is in flight.
 * A SACKed first segment means the peer dropped what it had SACKed (RFC
 * 2018 section 8: a SACK is advice, the cumulative ACK the only promise;
 * ttp_sack_reneged()): then every mark goes, and everything goes again.
 */
void ttp_sack_rewind(struct sock *sk)
{
	struct sk_buff *head = skb_peek(&sk->sk_write_queue), *skb;
	struct ttp_cong *cc = &ttp_sk(sk)->cong;
	u8 keep = TTP_SACKED_ACKED | TTP_SACKED_DELIVERED;

	sock_owned_by_me(sk);
	if (!ttp_sk(sk)->sack_ok || (head && (TTP_SKB_CB(head)->sacked & TTP_SACKED_ACKED)))
		keep = TTP_SACKED_DELIVERED;
	skb_queue_walk(&sk->sk_write_queue, skb)
		TTP_SKB_CB(skb)->sacked &= keep;
	cc->sacked_out = 0;
	cc->lost_out = 0;
	cc->retrans_out = 0;
}

/* Read the blocks of SKB's SACK option into B; how many. */
static int ttp_sack_read(const struct sk_buff *skb, struct ttp_sack_block *b)
{
	const u8 *opt = skb_transport_header(skb) + TTP_SKB_CB(skb)->sack_off;
	int n = (opt[1] - TTP_OPTLEN_SACK_BASE) / TTP_OPTLEN_SACK_BLOCK, i;

	n = min(n, TTP_MAX_SACKS);
	for (i = 0; i < n; i++) {
		const u8 *p = opt + TTP_OPTLEN_SACK_BASE + i * TTP_OPTLEN_SACK_BLOCK;

		b[i].start = get_unaligned_be32(p);
		b[i].end = get_unaligned_be32(p + 4);
	}
	return n;
}

/*
 * Is the first block a D-SACK (RFC 2883 section 4)? It is when it lies
 * below the cumulative ACK, or inside the second block. Then it reports
 * data that came twice: the D-SACK undo counts it against the resends of
 * the latest recovery, as Linux's tcp_check_dsack() does for data the
 * queue no longer holds: a resend is presumed per segment it covers.
 */
static bool ttp_dsack_check(struct sock *sk, const struct ttp_sack_block *b,
			    int n, u32 ack)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_cong *cc = &ts->cong;
	u32 segs;

	if (!ttp_before(b[0].start, ack) &&
	    (n < 2 || ttp_after(b[0].end, b[1].end) || ttp_before(b[0].start, b[1].start)))
		return false;
	if (!ttp_before(b[0].start, b[0].end) || ttp_after(b[0].end, ts->snd_max))
		return true;	/* a malformed one: not counted, not used */
	ttp_count(sock_net(sk), TTP_MIB_DSACK_RECV);
	ttp_rack_dsack(sk, b[0].end);
	if (!cc->dsack_undo || cc->undo_retrans <= 0 ||
	    !ttp_after(b[0].end, cc->undo_marker))
		return true;
	segs = DIV_ROUND_UP(b[0].end - b[0].start, ts->mss);
	cc->undo_retrans -= min_t(u32, segs, cc->undo_retrans);
	if (!cc->undo_retrans)
		ttp_dsack_undo(sk);
	return true;
}

static int ttp_sack_cmp(const void *a, const void *b)
{
	const struct ttp_sack_block *x = a, *y = b;

	return ttp_before(x->start, y->start) ? -1 : x->start != y->start;
}

/*
 * Mark SKB SACKed; true if this is the first news of its delivery (a
 * timeout forgets the marks, not that it was delivered).
 */
static bool ttp_sack_mark(struct sock *sk, struct sk_buff *skb)
{
	struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
	bool first = !(cb->sacked & TTP_SACKED_DELIVERED);

	if (cb->sacked & TTP_SACKED_ACKED)
		return false;
	ttp_rack_advance(sk, cb);
	ttp_rack_sacked(sk, cb->end_seq);
	if (first)
		ttp_rate_delivered(sk, cb);
	ttp_sack_account(sk, cb->sacked, -ttp_skb_pcount(skb));
	cb->sacked = TTP_SACKED_ACKED | TTP_SACKED_DELIVERED;
	ttp_sack_account(sk, cb->sacked, ttp_skb_pcount(skb));
	return first;
}

/*
 * SKB, in flight, holds several segments, and B's edge falls inside it:
 * cut it there, on a segment boundary, so that the part the block covers
 * can be marked. An edge inside a segment (a peer that cut it, an MSS
 * that changed since) rounds to cover less. A cut that fails leaves SKB
 * unmarked, to be sent again whole if it is lost.
 */
static void ttp_sack_cut(struct sock *sk, struct sk_buff *skb, const struct ttp_sack_block *b)
{
	const struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
	u32 mss = skb_shinfo(skb)->gso_size, len;

	if (ttp_skb_pcount(skb) < 2 || !mss)
		return;
	if (ttp_before(cb->seq, b->start))
		len = roundup(b->start - cb->seq, mss);		/* begins inside */
	else if (ttp_after(cb->end_seq, b->end))
		len = rounddown(b->end - cb->seq, mss);		/* ends inside */
	else
		return;
	if (len && len < skb->len)
		ttp_split(sk, skb, len, mss);
}

/*
 * An ACK of a SACK peer carried SACK blocks (its options are at
 * TTP_SKB_CB(SKB)->sack_off): mark what they cover. PRIOR_UNA is snd_una
 * before the ACK. A block must lie within what was sent and not below
 * the window before snd_una (Linux's tcp_is_sackblock_valid()): else it
 * is counted and ignored. Returns the segments newly SACKed, and in
 * *RTT_US an RTT sample from the last sent of them that was sent once
 * (Karn), or 0: the sample a duplicate ACK gives, which acknowledges
 * nothing cumulatively, as Linux's sack_rtt_us does. Linux times its
 * estimate from the first sent and congestion control from the last;
 * TTP, one sample for both, takes the last, as for cumulative ACKs.
 */
u32 ttp_sacktag(struct sock *sk, const struct sk_buff *skb, u32 prior_una, u32 *rtt_us)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_sack_block b[TTP_MAX_SACKS], v[TTP_MAX_SACKS];
	int n = ttp_sack_read(skb, b), nv = 0, i;
	u32 newly = 0, now = ttp_sk_now_us(sk);
	struct sk_buff *cur;

	sock_owned_by_me(sk);
	*rtt_us = 0;
	i = ttp_dsack_check(sk, b, n, TTP_SKB_CB(skb)->ack);
	for (; i < n; i++) {
		if (!ttp_before(b[i].start, b[i].end) || ttp_after(b[i].end, ts->snd_max) ||
		    ttp_before(b[i].start, prior_una - ts->max_window)) {
			ttp_count(sock_net(sk), TTP_MIB_SACK_DISCARD);
			continue;
		}
		if (ttp_after(b[i].end, ts->snd_una))
			v[nv++] = b[i];
	}
	if (!nv)
		return 0;
	sort(v, nv, sizeof(v[0]), ttp_sack_cmp, NULL);

	/* One walk of what is in flight, the blocks in order. */
	cur = skb_peek(&sk->sk_write_queue);
	for (i = 0; i < nv && cur && ttp_skb_in_flight(sk, cur);) {
		const struct ttp_skb_cb *cb = TTP_SKB_CB(cur);

		if (!ttp_after(cb->end_seq, v[i].start)) {
			cur = cur->next;	/* below the block */
			continue;
		}
		ttp_sack_cut(sk, cur, &v[i]);
		if (ttp_after(cb->end_seq, v[i].end)) {
			i++;			/* past it: the next block */
		} else {
			if (!ttp_before(cb->seq, v[i].start) && ttp_sack_mark(sk, cur)) {
				u32 rtt = max(now - cb->sent_us, 1U);

				if (!cb->retransmitted && (!*rtt_us || rtt < *rtt_us))
					*rtt_us = rtt;
				newly += ttp_skb_pcount(cur);
			}
			cur = cur->next;
		}
	}
	return newly;
}

/*
 * Recovery begun by duplicate ACKs that carried no SACK blocks: the first
 * segment in flight is presumed lost (fast retransmit), as Linux's
 * tcp_newreno_mark_lost() has it. RACK marks all others.
 */
void ttp_sack_mark_head_lost(struct sock *sk)
{
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);
	struct ttp_skb_cb *cb;

	sock_owned_by_me(sk);
	if (!skb || !ttp_skb_in_flight(sk, skb))
		return;
	cb = TTP_SKB_CB(skb);
	if (cb->sacked & (TTP_SACKED_ACKED | TTP_SACKED_LOST))
		return;
	/* Its first segment, as tcp_newreno_mark_lost() cuts it. */
	if (ttp_skb_pcount(skb) > 1)
		ttp_split(sk, skb, ttp_sk(sk)->mss, ttp_sk(sk)->mss);
	cb->sacked |= TTP_SACKED_LOST;
	ttp_sk(sk)->cong.lost_out += ttp_skb_pcount(skb);
}

/*
 * A recovery was undone: the segments it presumed lost were not, only
 * late. Those not sent again yet are no longer to be (Linux's
 * tcp_undo_cwnd_reduction() with unmark_loss).
 */
void ttp_sack_unmark_lost(struct sock *sk)
{
	struct ttp_cong *cc = &ttp_sk(sk)->cong;
	struct sk_buff *skb;

	sock_owned_by_me(sk);
	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct ttp_skb_cb *cb = TTP_SKB_CB(skb);

		if (skb == ttp_sk(sk)->send_head || cc->lost_out == cc->retrans_out)
			break;
		if ((cb->sacked & (TTP_SACKED_LOST | TTP_SACKED_RETRANS)) == TTP_SACKED_LOST) {
			cb->sacked &= ~TTP_SACKED_LOST;
			cc->lost_out -= ttp_skb_pcount(skb);
		}
	}
}

/*
 * After an ACK that moved snd_una: if the segment now first is one the
 * peer SACKed, the peer dropped it from its out-of-order queue (it may:
 * RFC 2018 section 8). Do as Linux's tcp_check_sack_reneging(): wait a
 * little for the ACK that may yet cover it, then time out, which forgets
 * the marks and sends again from snd_una. True if it did.
 */
bool ttp_sack_reneged(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	unsigned long delay;

	sock_owned_by_me(sk);
	if (!head || !(TTP_SKB_CB(head)->sacked & TTP_SACKED_ACKED))
		return false;
	ttp_count(sock_net(sk), TTP_MIB_SACK_RENEGING);
	delay = max(usecs_to_jiffies(ts->rtt.srtt_us >> 1), msecs_to_jiffies(10));
	ttp_reset_rtx_timer(sk, delay);
	return true;
}
