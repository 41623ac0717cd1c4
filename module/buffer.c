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

/* What the buffer has free, as far as the window field can carry it. */
static u32 ttp_window_room(const struct sock *sk)
{
	return min_t(u32, ttp_free_space(sk), (u32)TTP_MAX_WINDOW << ttp_sk(sk)->rcv_wscale);
}

/* The window we could offer now: no more than it has grown to. */
u32 ttp_window_space(const struct sock *sk)
{
	return min(ttp_window_room(sk), ttp_sk(sk)->rcv_ssthresh);
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

/* At the start of a connection: measure from here, ten segments so far. */
void ttp_rcv_space_init(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);

	ts->rcvq_space = TTP_INIT_CWND * ts->adv_mss;
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
 * about half that per segment (one skb of page fragments each), so the
 * buffer holds about four windows, as TCP's holds its dense large skbs.
 * Priced at the real cost, it held two: in slow start, where the window
 * doubles every round trip, the writer was the limit, and every write
 * that a third of the buffer freed went out as the few segments it
 * brought, not as large segments (autosize.c).
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
 * copies never are bloated (TTP_RATIO_MAX). Buffers already
 * compact at the head stay as they are: only from the first bloated one
 * on is copied, and only if the copies cost less (a last, part-filled
 * copy alone would be copied again and again), or the work would grow
 * with every call and the compact part would hide the bloated rest. The
 * queue holds in-order data only (a resend may overlap what came before
 * it: copied by sequence number, once). Returns whether memory was freed.
 */
bool ttp_rcv_collapse(struct sock *sk)
{
	struct sk_buff_head *q = &sk->sk_receive_queue;
	u32 start = ttp_sk(sk)->copied_seq, end = 0, bytes = 0;
	struct sk_buff *skb, *first = NULL, *next, *nskb;
	unsigned int cost = 0, segs = 0;
	int before = atomic_read(&sk->sk_rmem_alloc);

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
		segs++;
	}
	/* Nothing to gain: what the copies would cost, at most. */
	if (!segs || cost <= DIV_ROUND_UP(bytes, SKB_MAX_ORDER(0, 0)) *
			     SKB_TRUESIZE(SKB_MAX_ORDER(0, 0)))
		return false;

	skb = first;
	while (skb && ttp_before(start, end)) {
		int copy = min_t(u32, SKB_MAX_ORDER(0, 0), end - start);

		nskb = ttp_collapse_alloc(copy, GFP_ATOMIC);
		if (!nskb)
			break;
		memcpy(nskb->cb, skb->cb, sizeof(skb->cb));
		TTP_SKB_CB(nskb)->seq = start;
		TTP_SKB_CB(nskb)->end_seq = start;
		TTP_SKB_CB(nskb)->flags = 0;
		__skb_queue_before(q, skb, nskb);
		skb_set_owner_r(nskb, sk);

		while (skb && copy > 0) {
			int size = ttp_unread(skb, start);

			/* In order, so never a gap: were there one, stop. */
			if (WARN_ON_ONCE(ttp_after(TTP_SKB_CB(skb)->seq, start)))
				goto out;
			if (size > 0) {
				size = min(copy, size);
				if (WARN_ON_ONCE(skb_copy_bits(skb, start - TTP_SKB_CB(skb)->seq,
							       skb_tail_pointer(nskb), size)))
					goto out;
				skb_put(nskb, size);
				TTP_SKB_CB(nskb)->end_seq += size;
				copy -= size;
				start += size;
			}
			if (ttp_unread(skb, start))
				break;
			/* All of it copied (or read before): it goes. */
			next = skb_queue_is_last(q, skb) ? NULL : skb->next;
			__skb_unlink(skb, q);
			consume_skb(skb);
			skb = next;
		}
	}
out:
	sk_mem_reclaim(sk);
	if (atomic_read(&sk->sk_rmem_alloc) >= before)
		return false;
	ttp_count(sock_net(sk), TTP_MIB_RCV_COLLAPSED);
	return true;
}
