// SPDX-License-Identifier: GPL-2.0
/*
 * Buffer sizes and their autotuning, as TCP's: a socket starts with the
 * default sizes and grows its buffers to what the path needs, up to the
 * maximums below, unless the application pinned them with SO_RCVBUF or
 * SO_SNDBUF. The receive buffer follows what the application reads per
 * round trip (dynamic right-sizing, like tcp_rcv_space_adjust()); the send
 * buffer follows the congestion window (like tcp_sndbuf_expand()). The
 * limits themselves, per socket and for all of TTP, are memory.c's.
 */
#include <kunit/visibility.h>
#include "stats.h"
#include "ttp.h"

/* How large the receive buffer may become: what the window scale must cover. */
int ttp_rcvbuf_max(const struct sock *sk)
{
	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		return READ_ONCE(sk->sk_rcvbuf);
	return max(READ_ONCE(sk->sk_rcvbuf), ttp_sysctl_rmem[2]);
}

/*
 * What a window may offer, given the receive buffer's size RCVBUF, RMEM of
 * it in use and RATIO, the payload a byte of it holds (/256): the free
 * buffer times RATIO. Queued segments cost their truesize, more than
 * their payload; when they cost more than RATIO priced them at,
 * ttp_rcv_collapse() copies them into one-page buffers, which hold
 * TTP_RATIO_MAX, except the last one, part-filled. So no more than what
 * the buffer holds copied compact with room for that last one (a page's
 * buffer; a quarter of a buffer smaller than four of them, or the window
 * could stay shut before an empty queue): at a RATIO near the highest,
 * without it, the last segments the window invited found no room
 * (DropNoMemory). At a lower one the buffer has room to spare, and the
 * window is what RATIO gives: at the default half, a loopback socket's
 * 64 KiB segment still fits the window of its default 128 KiB buffer.
 */
u32 ttp_buffer_window(int rcvbuf, int rmem, u8 ratio)
{
	int reserve = min_t(int, SKB_TRUESIZE(SKB_MAX_ORDER(0, 0)), rcvbuf / 4);
	int free = rcvbuf - rmem;

	if (free <= reserve)
		return 0;
	return min_t(u64, (u64)free * ratio,
		     (u64)(free - reserve) * TTP_RATIO_MAX) >> TTP_RATIO_SHIFT;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_buffer_window);

/* How many more bytes of payload the receive buffer can take. */
u32 ttp_free_space(const struct sock *sk)
{
	return ttp_buffer_window(READ_ONCE(sk->sk_rcvbuf), atomic_read(&sk->sk_rmem_alloc),
				 ttp_sk(sk)->scaling_ratio);
}

/* SPACE, as far as the window field can carry it. */
static u32 ttp_window_cap(const struct sock *sk, u32 space)
{
	return min_t(u32, space, (u32)TTP_MAX_WINDOW << ttp_sk(sk)->rcv_wscale);
}

/* What the buffer has free, as far as the window field can carry it. */
static u32 ttp_window_room(const struct sock *sk)
{
	return ttp_window_cap(sk, ttp_free_space(sk));
}

/* The window we could offer now: no more than it has grown to. */
u32 ttp_window_space(const struct sock *sk)
{
	return min(ttp_window_room(sk), ttp_sk(sk)->rcv_ssthresh);
}

/*
 * The most the window could offer as things stand: the buffer empty, the
 * window grown as far as it has. Nothing smaller may be asked of the
 * right edge before it moves (ttp_window_choose()).
 */
u32 ttp_window_full(const struct sock *sk)
{
	const struct ttp_sock *ts = ttp_sk(sk);
	u32 empty = ttp_buffer_window(READ_ONCE(sk->sk_rcvbuf), 0, ts->scaling_ratio);

	return min(ttp_window_cap(sk, empty), ts->rcv_ssthresh);
}

/*
 * The window opens as data arrives, not all at once, as TCP's
 * tcp_grow_window(): by twice each in-order segment (two full segments at
 * least) until it reaches what the buffer has free. While it grows, a
 * segment moves the right edge on and is ACKed at once; once it has
 * reached the buffer, data not yet read holds the edge back and the ACK
 * waits for the reader (ttp_data_queue(), ttp_window_update()). Tiny
 * segments do not open it: their overhead is all cost.
 */
void ttp_grow_window(struct sock *sk, const struct sk_buff *skb)
{
	struct ttp_sock *ts = ttp_sk(sk);
	u32 room = ttp_window_room(sk);

	if (skb->len < 128 || room <= ts->rcv_ssthresh)
		return;
	room -= ts->rcv_ssthresh;
	ts->rcv_ssthresh += min(room, max(2 * ts->adv_mss, 2 * skb->len));
}

/*
 * What the window offers is the free buffer times the payload each byte of
 * it holds (ttp_free_space()): a segment costs its truesize, the skb and
 * the driver's buffer, not its length. Half until measured, as TCP's
 * default; then, as TCP's scaling_ratio (tcp_measure_rcv_mss()), what the
 * latest full-sized segment brought (the MSS we offered less the
 * timestamps: measured only on merged ones, the ratio was 0.87 where most
 * segments, alone, brought 0.60). Large segments cost little beyond
 * their payload (veth passes the sender's whole): with half, a 6 MiB
 * buffer offered 3 MiB where TCP's offers 4.7 MB, and over a long path
 * the window, not the path, set the pace. A segment short of a full one
 * says little of the next. No more than what the compact buffers of
 * ttp_rcv_collapse() bring: a peer that sends full segments and then
 * costly small ones fills the buffer before the window closes, and what
 * the window invited must fit once compacted.
 */
void ttp_scaling_ratio_measure(struct sock *sk, const struct sk_buff *skb)
{
	struct ttp_sock *ts = ttp_sk(sk);
	u32 full = ts->adv_mss;
	u64 ratio;

	/* The peer's full segments carry its timestamps in our MSS. */
	if (ts->tstamp_ok)
		full -= TTP_OPTLEN_TIMESTAMP + 2;
	if (skb->len < full)
		return;
	ratio = div_u64((u64)skb->len << TTP_RATIO_SHIFT, skb->truesize);
	ts->scaling_ratio = clamp_t(u64, ratio, 1, TTP_RATIO_MAX);
}

/*
 * At the start of a connection: measure from here, ten segments so far or
 * the window offered if less, as tcp_init_buffer_space(). The buffer
 * grows only once a round trip brings more than this: at loopback's
 * 64 KiB MSS ten segments are 640 KiB, more than the default buffer's
 * window lets through in one, and it never grew.
 */
void ttp_rcv_space_init(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);

	ts->rcvq_space = min3(ts->rcv_ssthresh, ts->rcv_wnd, TTP_INIT_CWND * ts->adv_mss);
	ts->rcvq_seq = ts->copied_seq;
	ts->rcvq_time_us = ttp_sk_now_us(sk);
	ts->rcv_rtt_us = 0;
}

/*
 * The receiver's view of the RTT, from the timestamps the sender echoes on
 * data: how long our ACK took to be answered with more data. Millisecond
 * ticks, so at least 1 ms; smoothed by 1/8 like SRTT.
 */
void ttp_rcv_rtt_sample(struct sock *sk, const struct ttp_skb_cb *cb)
{
	struct ttp_sock *ts = ttp_sk(sk);
	u32 us;

	if (!ts->tstamp_ok || !cb->has_ts || !cb->tsecr || !cb->len)
		return;
	us = ttp_tsecr_rtt_us(ttp_sk_tsval(sk), cb->tsecr);
	if (!us)
		return;
	ts->rcv_rtt_us = ts->rcv_rtt_us ? ts->rcv_rtt_us - ts->rcv_rtt_us / 8 + us / 8
					: us;
}

/*
 * After the application read: once per RTT, if it read more than ever
 * before in one, make the receive buffer hold a window of twice that
 * (ttp_free_space(); four times it at the default half), so the sender
 * may send twice what was read: room for slow start to double.
 */
void ttp_rcv_space_adjust(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	u32 now = ttp_sk_now_us(sk), rtt = ts->rcv_rtt_us ?: ts->rtt.srtt_us;
	u32 copied;

	if (!rtt || now - ts->rcvq_time_us < rtt)
		return;
	copied = ts->copied_seq - ts->rcvq_seq;
	if (copied > ts->rcvq_space) {
		ts->rcvq_space = copied;
		if (!(sk->sk_userlocks & SOCK_RCVBUF_LOCK)) {
			u64 want = div_u64(2ULL * copied << TTP_RATIO_SHIFT, ts->scaling_ratio);
			int rcvbuf = min_t(u64, want, ttp_sysctl_rmem[2]);

			if (rcvbuf > READ_ONCE(sk->sk_rcvbuf))
				WRITE_ONCE(sk->sk_rcvbuf, rcvbuf);
		}
	}
	ts->rcvq_seq = ts->copied_seq;
	ts->rcvq_time_us = now;
}

/*
 * After an ACK: room in the send buffer for two congestion windows of
 * segments, each priced as tcp_sndbuf_expand() prices it, at the worst
 * case of a segment alone in an skb whose head is a power of two: the
 * same SO_SNDBUF as TCP's for the same window. What TTP queues costs
 * about a third of that per segment (many to an skb, wqueue.c), so the
 * buffer holds several windows, as TCP's does. Priced at the real cost
 * it would hold two: in slow start, where the window doubles every round
 * trip, the writer would be the limit.
 */
void ttp_sndbuf_expand(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	u32 per_seg = ts->mss + TTP_MAX_HEADER + SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	int sndbuf;

	if ((sk->sk_userlocks & SOCK_SNDBUF_LOCK) || sk_under_memory_pressure(sk))
		return;
	per_seg = roundup_pow_of_two(per_seg) + SKB_DATA_ALIGN(sizeof(struct sk_buff));
	sndbuf = min_t(u64, 2ULL * per_seg * max(ts->cong.cwnd, TTP_INIT_CWND),
		       ttp_sysctl_wmem[2]);
	if (sndbuf > READ_ONCE(sk->sk_sndbuf))
		WRITE_ONCE(sk->sk_sndbuf, sndbuf);
}

/* Bytes of SKB not yet read nor held by an earlier buffer, from START. */
static u32 ttp_unread(const struct sk_buff *skb, u32 start)
{
	u32 end = TTP_SKB_CB(skb)->seq + skb->len;

	return ttp_after(end, start) ? end - start : 0;
}

/*
 * Whether BYTES of payload in buffers of TRUESIZE hold as much as the
 * open window priced them at.
 */
static bool ttp_compact(const struct sock *sk, u32 truesize, u32 bytes)
{
	return (((u64)truesize * ttp_sk(sk)->rcv_wnd_ratio) >> TTP_RATIO_SHIFT) <= bytes;
}

/* A compact buffer for COPY bytes, at most SKB_MAX_ORDER(0, 0): one page. */
struct sk_buff *ttp_collapse_alloc(u32 copy, gfp_t gfp)
{
	return alloc_skb(copy, gfp);
}
EXPORT_SYMBOL_IF_KUNIT(ttp_collapse_alloc);

/*
 * Whether BYTES now in buffers of COST would cost less copied compact
 * (what the copies cost, at most): else there is nothing to gain, and a
 * last, part-filled copy alone would be copied again and again.
 */
bool ttp_collapse_worth(u32 cost, u32 bytes)
{
	return cost > DIV_ROUND_UP(bytes, SKB_MAX_ORDER(0, 0)) *
		      SKB_TRUESIZE(SKB_MAX_ORDER(0, 0));
}

/*
 * Compact buffers for the bytes [START, END), in C->copies in order: a
 * page each, the last sized to what is left; each knows its range, and
 * is full when its length reaches it. LIKE lends them its control block.
 * All or none: whether they were had.
 */
bool ttp_collapse_prepare(struct ttp_collapse *c, const struct sk_buff *like,
			  u32 start, u32 end)
{
	__skb_queue_head_init(&c->copies);
	while (ttp_before(start, end)) {
		u32 copy = min_t(u32, SKB_MAX_ORDER(0, 0), end - start);
		struct sk_buff *nskb = ttp_collapse_alloc(copy, GFP_ATOMIC);
		struct ttp_skb_cb *cb;

		if (!nskb) {
			__skb_queue_purge(&c->copies);
			return false;
		}
		cb = TTP_SKB_CB(nskb);
		memcpy(cb, like->cb, sizeof(like->cb));
		cb->seq = start;
		cb->end_seq = start + copy;
		cb->len = copy;
		cb->flags = 0;
		__skb_queue_tail(&c->copies, nskb);
		start += copy;
	}
	c->next = skb_peek(&c->copies);
	return true;
}

/*
 * Copy into C's copies what SKB holds of their range from the first byte
 * not yet copied (a resend may overlap what came before it: each byte is
 * copied once). Callers give the buffers of a range with no gap, in
 * order: were there one, the copies are given up (false).
 */
bool ttp_collapse_fill(struct ttp_collapse *c, const struct sk_buff *skb)
{
	u32 seq = TTP_SKB_CB(skb)->seq, end = seq + skb->len;

	while (c->next) {
		struct sk_buff *nskb = c->next;
		u32 at = TTP_SKB_CB(nskb)->seq + nskb->len;
		u32 size = min_t(u32, TTP_SKB_CB(nskb)->end_seq - at,
				 ttp_after(end, at) ? end - at : 0);

		if (!size)
			return true;
		if (WARN_ON_ONCE(ttp_after(seq, at)) ||
		    WARN_ON_ONCE(skb_copy_bits(skb, at - seq, skb_put(nskb, size), size))) {
			__skb_queue_purge(&c->copies);
			c->next = NULL;
			return false;
		}
		if (at + size == TTP_SKB_CB(nskb)->end_seq)
			c->next = skb_queue_is_last(&c->copies, nskb) ? NULL : nskb->next;
	}
	return true;
}

/* The buffer after SKB in Q, or NULL. */
static struct sk_buff *ttp_queue_next(struct sk_buff_head *q, struct sk_buff *skb)
{
	return skb_queue_is_last(q, skb) ? NULL : skb->next;
}

/*
 * The receive buffer is full, and what waits in the receive queue costs
 * more than the window priced it at: the window offers free buffer times
 * scaling_ratio, measured on the latest full-sized segment, and a window
 * priced before stands when segments that cost more come (a 1448-byte
 * segment off veth alone costs 2408 bytes, where in the large ones veth
 * passed before it 0.87 of the cost was payload; small writes cost ten
 * times their bytes). Without this, the buffer fills before the window
 * closes and segments we invited are dropped. Copy the unread bytes into
 * compact buffers, as TCP's tcp_collapse() does, and free the old ones. A
 * buffer is bloated, as there, if it holds less than the window priced
 * its truesize at; but at the highest ratio that priced any of the window
 * still open (ttp_select_window()), not the one now, which may already
 * have followed the costlier segments down and find them compact. The
 * copies never are bloated (TTP_RATIO_MAX). Buffers already compact at
 * the head stay as they are: only from the first bloated one on is
 * copied, and only if that gains (ttp_collapse_worth()), or the work
 * would grow with every call and the compact part would hide the bloated
 * rest. The queue holds in-order data only. Returns whether memory was
 * freed.
 */
bool ttp_rcv_collapse(struct sock *sk)
{
	struct sk_buff_head *q = &sk->sk_receive_queue;
	u32 start = ttp_sk(sk)->copied_seq, end = 0, bytes = 0;
	struct sk_buff *skb, *first = NULL, *tmp;
	int before = atomic_read(&sk->sk_rmem_alloc);
	unsigned int cost = 0;

	sock_owned_by_me(sk);
	skb_queue_walk(q, skb) {
		u32 unread = ttp_unread(skb, start);

		if (!first && unread && ttp_compact(sk, skb->truesize, unread)) {
			start += unread;	/* compact: kept */
			continue;
		}
		if (!first) {
			first = skb;
			end = start;
		}
		bytes += ttp_unread(skb, end);
		if (ttp_after(TTP_SKB_CB(skb)->seq + skb->len, end))
			end = TTP_SKB_CB(skb)->seq + skb->len;
		cost += skb->truesize;
	}
	if (!first || !bytes || !ttp_collapse_worth(cost, bytes))
		return false;

	/*
	 * A batch of copies at a time, so that the old buffers go as the
	 * new ones come, not all of a large buffer's at once. Batches are
	 * whole pages but the last: one part-filled copy in all, which is
	 * what ttp_buffer_window() keeps back. A buffer the batch ends in
	 * stays, for the next one: the reader reads by sequence number.
	 */
	skb = first;
	while (skb && ttp_before(start, end)) {
		u32 batch_end = start + min_t(u32, end - start, TTP_COLLAPSE_BATCH);
		struct ttp_collapse c;

		if (!ttp_collapse_prepare(&c, skb, start, batch_end))
			break;
		for (tmp = skb; tmp && c.next; tmp = ttp_queue_next(q, tmp))
			if (!ttp_collapse_fill(&c, tmp))
				goto out;
		if (WARN_ON_ONCE(c.next)) {
			__skb_queue_purge(&c.copies);
			break;
		}
		/* All of them copied: they go. */
		while (skb && !ttp_after(TTP_SKB_CB(skb)->seq + skb->len, batch_end)) {
			tmp = skb;
			skb = ttp_queue_next(q, tmp);
			__skb_unlink(tmp, q);
			consume_skb(tmp);
		}
		while ((tmp = __skb_dequeue(&c.copies))) {
			skb_set_owner_r(tmp, sk);
			if (skb)
				__skb_queue_before(q, skb, tmp);
			else
				__skb_queue_tail(q, tmp);
		}
		start = batch_end;
	}
out:
	sk_mem_reclaim(sk);
	if (atomic_read(&sk->sk_rmem_alloc) >= before)
		return false;
	ttp_count(sock_net(sk), TTP_MIB_RCV_COLLAPSED);
	return true;
}
