// SPDX-License-Identifier: GPL-2.0
/*
 * Building and sending segments: the write queue (data waiting to be sent
 * and sent but not yet acknowledged), the receive window we advertise, and
 * the replies sent on behalf of request and TIME_WAIT entries and for
 * segments that match no connection.
 */
#include <linux/ktime.h>
#include <net/ip.h>
#include "netns.h"
#include "stats.h"
#include "ttp.h"
#include "trace.h"

u32 ttp_now_us(void)
{
	return (u32)div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

/* RFC 7323 timestamps tick every millisecond, from a per-connection origin. */
u32 ttp_tsval(u32 offset)
{
	return (u32)div_u64(ktime_get_ns(), NSEC_PER_MSEC) + offset;
}

/*
 * A socket's clock is read once per batch of work, a push or a segment
 * received, as TCP reads tcp_mstamp once per tcp_write_xmit() and per
 * segment received: one 64 KiB push would otherwise read it twice for
 * each of its 45 segments (send time, TSval), an ACK once for each
 * segment it covers. Whoever holds it gives it back; nested batches share
 * the outer one's reading. Outside a batch the socket reads the clock.
 */
bool ttp_clock_hold(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);

	sock_owned_by_me(sk);
	if (ts->clock_ns)
		return false;
	ts->clock_ns = ktime_get_ns() ?: 1;
	return true;
}

void ttp_clock_release(struct sock *sk, bool held)
{
	if (held)
		ttp_sk(sk)->clock_ns = 0;
}

/*
 * The window to offer, given CUR, what remains of the one offered last
 * time; FREE, what the buffer could take; FULL, the most it could ever
 * take as things stand (its buffer empty, the window grown as far as it
 * has); MSS, the largest segment we invited; and the window scale.
 * Receiver-side silly window avoidance (RFC 9293 3.8.6.2.2): the edge
 * moves only by an MSS or more, or by half of FULL where that is less,
 * as __tcp_select_window() bounds the MSS by its full space: a window
 * that can never reach an MSS (a small or shrunk buffer, or loopback's
 * 64 KiB MSS against a window not yet grown to it) would otherwise stay
 * shut for ever once drained, the peer's probes answered with zero.
 * The edge never moves left (RFC 9293 3.8.6): a peer that has sent up to
 * it would find its data, and the bare ACKs it sends from there, outside
 * the window. So a window the scale cannot express exactly is rounded up
 * when it is the old one, and a new one never below the old. Nor is room
 * scaled away to nothing: a buffer shrunk (SO_RCVBUF) below one unit of a
 * large scale still offers one unit, as TCP does, or it could never be
 * sent to again.
 */
u32 ttp_window_choose(u32 cur, u32 free, u32 full, u32 mss, u8 wscale)
{
	u32 unit = 1U << wscale, old = ALIGN(cur, unit), sws_min = min(mss, full / 2);

	if (free <= cur || free - cur < sws_min)
		return old;
	return max3(round_down(free, unit), old, unit);
}
EXPORT_SYMBOL_IF_KUNIT(ttp_window_choose);

/* The window field of the next segment. */
u16 ttp_select_window(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	u32 cur = ts->rcv_wnd, new_win;

	/* What remains of the window we offered last time. */
	cur = ttp_after(ts->rcv_wup + cur, ts->rcv_nxt) ?
	      ts->rcv_wup + cur - ts->rcv_nxt : 0;
	new_win = ttp_window_choose(cur, ttp_window_space(sk), ttp_window_full(sk),
				    ts->adv_mss, ts->rcv_wscale);
	/*
	 * What the open window invites must fit once compacted at the ratio
	 * that priced it (ttp_rcv_collapse()): the highest that priced any
	 * of it, until all of it has come.
	 */
	if (!cur)
		ts->rcv_wnd_ratio = ts->scaling_ratio;
	else if (new_win > cur)
		ts->rcv_wnd_ratio = max(ts->rcv_wnd_ratio, ts->scaling_ratio);
	ts->rcv_wnd = new_win;
	ts->rcv_wup = ts->rcv_nxt;
	return min_t(u32, new_win >> ts->rcv_wscale, TTP_MAX_WINDOW);
}

/* The payload size for the current route and the peer's MSS. */
unsigned int ttp_current_mss(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct dst_entry *dst = __sk_dst_get(sk);
	int mss = ts->peer_mss ? ts->peer_mss : TTP_DEFAULT_MSS;

	if (dst) {
		int mtu = dst_mtu(dst) - ts->af->net_header_len - TTP_HDR_LEN;

		mss = min(mss, mtu);
	}
	if (ts->tstamp_ok)
		mss -= TTP_OPTLEN_TIMESTAMP + 2;
	if (ts->mss_cap)
		mss = min_t(int, mss, ts->mss_cap);
	return max(mss, TTP_MIN_MSS);
}

/* The MSS we offer: what our route's MTU lets the peer send us. */
unsigned int ttp_route_mss(struct sock *sk)
{
	struct dst_entry *dst = __sk_dst_get(sk);
	int mtu = dst ? dst_mtu(dst) : IPV4_MIN_MTU;

	return clamp(mtu - ttp_sk(sk)->af->net_header_len - TTP_HDR_LEN,
		     TTP_MIN_MSS, 65535);
}

/* A segment with no payload: SYN, FIN, ACK, RST. */
struct sk_buff *ttp_alloc_ctl_skb(struct sock *sk, gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb(TTP_MAX_HEADER, gfp);

	if (skb)
		skb_reserve(skb, TTP_MAX_HEADER);
	return skb;
}

static void ttp_fill_header(struct sk_buff *skb, __be16 sport, __be16 dport,
			    u32 seq, u32 ack, u8 flags, u16 wnd, int hdrlen)
{
	struct ttphdr *th;

	th = skb_push(skb, hdrlen);
	skb_reset_transport_header(skb);
	th->source = sport;
	th->dest = dport;
	th->seq = htonl(seq);
	th->ack_seq = htonl(flags & TTP_FLAG_ACK ? ack : 0);
	th->doff = (hdrlen / 4) << 4;
	th->flags = flags;
	th->window = htons(wnd);
	th->reserved = 0;
	th->check = 0;
}

/*
 * Put a header on SKB (a queued segment, or a control segment) and send it.
 * With CLONE the write queue keeps the original for retransmission.
 */
int ttp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
	u8 flags = cb->flags, opts[TTP_MAX_OPT_LEN], *end = opts;
	bool syn = flags & TTP_FLAG_SYN, rtx = cb->retransmitted;
	u32 seq = cb->seq, paced_len;
	int hdrlen, err;
	u16 wnd, segs;

	if (clone) {
		cb->sent_us = ttp_sk_now_us(sk);
		/* A clone still in a queue owns the headroom: copy instead. */
		skb = skb_cloned(skb) ? pskb_copy(skb, GFP_ATOMIC) :
					skb_clone(skb, GFP_ATOMIC);
		if (!skb)
			return -ENOBUFS;
	}
	if (syn) {
		/* A SYN echoes nothing (TSecr 0); a SYN-ACK the peer's SYN. */
		end = ttp_write_options(opts, ts->adv_mss,
					ts->wscale_ok ? ts->rcv_wscale : -1,
					ts->sack_ok, ts->tstamp_ok, ttp_sk_tsval(sk),
					(flags & TTP_FLAG_ACK) ? ts->ts_recent : 0);
		wnd = min_t(u32, ts->rcv_wnd, TTP_MAX_WINDOW);
		ts->rcv_wup = ts->rcv_nxt;
	} else {
		if (ts->tstamp_ok)
			end = ttp_write_options(opts, 0, -1, false, true,
						ttp_sk_tsval(sk), ts->ts_recent);
		if (flags & TTP_FLAG_ACK)
			end = ttp_sack_write(sk, end, TTP_MAX_OPT_LEN - (end - opts), skb->len,
					     max_t(u16, skb_shinfo(skb)->gso_segs, 1));
		wnd = ttp_select_window(sk);
	}
	segs = max_t(u16, skb_shinfo(skb)->gso_segs, 1);
	ts->segs_out += segs;
	ts->bytes_sent += skb->len;	/* the payload: no header yet */
	paced_len = syn ? 0 : skb->len;
	hdrlen = TTP_HDR_LEN + (end - opts);
	ttp_fill_header(skb, inet_sk(sk)->inet_sport, inet_sk(sk)->inet_dport,
			seq, ts->rcv_nxt, flags, wnd, hdrlen);
	memcpy(skb_transport_header(skb) + TTP_HDR_LEN, opts, end - opts);

	/*
	 * This segment acknowledges everything: no ACK is owed. The
	 * delayed-ACK timer is left to fire and find nothing to do, as
	 * TCP's is: stopping it here would cost a timer change for every
	 * second segment of a bulk transfer.
	 */
	if (flags & TTP_FLAG_ACK)
		ts->ack_pending = 0;
	memset(skb->cb, 0, sizeof(skb->cb));
	ttp_set_owner(skb, sk);
	ts->af->send_check(sk, skb);
	ttp_count_add(sock_net(sk), rtx ? TTP_MIB_RETRANS_SEGS : TTP_MIB_OUT_SEGS, segs);
	if (flags & TTP_FLAG_RST)
		ttp_count(sock_net(sk), TTP_MIB_OUT_RSTS);
	/* net_xmit_eval() is a macro that reads its argument twice. */
	err = ts->af->queue_xmit(sk, skb);
	err = net_xmit_eval(err);
	/* Spaced only by what left: tcp_update_skb_after_send() likewise. */
	if (!err && paced_len)
		ttp_pacing_sent(sk, paced_len);
	return err;
}

/* Queue a segment of sequence space at the end of the write queue. */
static void ttp_queue_tail(struct sock *sk, struct sk_buff *skb)
{
	struct ttp_sock *ts = ttp_sk(sk);

	__skb_queue_tail(&sk->sk_write_queue, skb);
	/* SYN and FIN must go out even under memory pressure. */
	sk_wmem_schedule(sk, skb->truesize);
	sk_wmem_queued_add(sk, skb->truesize);
	sk_mem_charge(sk, skb->truesize);
	ts->write_seq = TTP_SKB_CB(skb)->end_seq;
	TTP_SKB_CB(skb)->pcount = 1;
	if (!ts->send_head)
		ts->send_head = skb;
}

static void ttp_free_queued_skb(struct sock *sk, struct sk_buff *skb)
{
	sk_wmem_queued_add(sk, -skb->truesize);
	sk_mem_uncharge(sk, skb->truesize);
	__kfree_skb(skb);
}

void ttp_write_queue_purge(struct sock *sk)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&sk->sk_write_queue)))
		ttp_free_queued_skb(sk, skb);
	ttp_sk(sk)->send_head = NULL;
	ttp_sk(sk)->cong.packets_out = 0;
	ttp_sk(sk)->cong.sacked_out = 0;
	ttp_sk(sk)->cong.lost_out = 0;
	ttp_sk(sk)->cong.retrans_out = 0;
	sk_mem_reclaim(sk);
}

/*
 * send_head moves on from SKB, sent or acknowledged, and past the segments
 * after it that a timeout rewound but the peer holds (ttp_sack_rewind()):
 * they are not sent again, and count as in flight again, SACKed, as they
 * were before the timeout.
 */
void ttp_send_head_next(struct sock *sk, struct sk_buff *skb)
{
	struct ttp_sock *ts = ttp_sk(sk);

	for (;;) {
		const struct ttp_skb_cb *cb;

		skb = skb_queue_is_last(&sk->sk_write_queue, skb) ? NULL : skb->next;
		if (!skb || !(TTP_SKB_CB(skb)->sacked & TTP_SACKED_ACKED))
			break;
		cb = TTP_SKB_CB(skb);
		ts->cong.packets_out += ttp_skb_pcount(skb);
		ttp_sack_account(sk, cb->sacked, ttp_skb_pcount(skb));
		if (ttp_after(cb->end_seq, ts->snd_nxt))
			ts->snd_nxt = cb->end_seq;
	}
	ts->send_head = skb;
}

/*
 * SKB, the first unsent segment or one sent before, has left: account for
 * it. A segment below snd_max was a retransmission; one from send_head is
 * now in flight.
 */
static void ttp_xmit_sent(struct sock *sk, struct sk_buff *skb, bool rtx)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
	u32 segs = ttp_skb_pcount(skb);

	ttp_rate_sent(sk, skb);
	if (rtx) {
		trace_ttp_retransmit(&ts->conn.key, cb->seq, skb->len, ts->retries);
		ts->total_retrans += segs;
		if (ts->cong.state == TTP_CA_LOSS)
			ttp_count_add(sock_net(sk), TTP_MIB_SLOW_START_RETRANS, segs);
	}
	if (skb == ts->send_head) {
		ts->cong.packets_out += segs;
		if (ttp_after(cb->end_seq, ts->snd_nxt))
			ts->snd_nxt = cb->end_seq;
		ttp_send_head_next(sk, skb);
	}
	if (ttp_after(cb->end_seq, ts->snd_max))
		ts->snd_max = cb->end_seq;
	/* It ends in a short segment: Minshall's mark (ttp_nagle_holds()). */
	if (skb->len < segs * ts->mss)
		ts->snd_sml = cb->end_seq;
	ts->cong.lsndtime = jiffies;
	ttp_recovery_sent(sk, rtx, segs);
}

/*
 * Send SKB, the first unsent segment or one sent before, and account for
 * it: whole, as one large segment if it holds several, cut to MAX_SEGS
 * segments first if it holds more, each of the MSS as it is now (the
 * path MTU may have come down since it was queued or last sent). A
 * retransmission no longer gives an RTT sample (Karn's rule).
 */
int ttp_xmit_one(struct sock *sk, struct sk_buff *skb, u32 max_segs)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
	struct net *net = sock_net(sk);
	bool rtx = ttp_before(cb->seq, ts->snd_max);
	int err;

	err = ttp_skb_fit(sk, skb, ts->mss);
	if (!err && ttp_skb_pcount(skb) > max_segs)
		err = ttp_split(sk, skb, max_segs * ts->mss, ts->mss);
	if (err)
		return err;
	if (rtx)
		cb->retransmitted = 1;
	err = ttp_transmit_skb(sk, skb, true);
	if (err) {
		if (rtx)
			ttp_count_add(net, TTP_MIB_RETRANS_FAIL, ttp_skb_pcount(skb));
		/*
		 * A SYN that did not leave (a local firewall's drop, a
		 * neighbour or IPsec state not there yet) counts as sent, as
		 * in TCP's tcp_connect(): the retransmission timer tries
		 * again and gives up after syn_retries. Left unsent it would
		 * wait, as data does for a window, with no end in SYN_SENT.
		 */
		if (!(cb->flags & TTP_FLAG_SYN))
			return err;
	}
	ttp_xmit_sent(sk, skb, rtx && !err);
	return 0;
}

/*
 * Nagle's algorithm as Linux has it (with Minshall's change): a segment
 * of LEN bytes, less than the MSS, waits while an earlier small one is
 * unacknowledged, so a stream of small writes becomes full segments.
 * TTP_NODELAY turns it off; TTP_CORK and MSG_MORE hold every small
 * segment; a FIN never waits.
 */
static bool ttp_nagle_holds(const struct sock *sk, u32 len, bool fin, int nonagle)
{
	const struct ttp_sock *ts = ttp_sk(sk);

	if (len >= ts->mss || fin || (nonagle & TTP_NAGLE_PUSH))
		return false;
	if (nonagle & TTP_NAGLE_CORK)
		return true;
	return !(nonagle & TTP_NAGLE_OFF) && ts->cong.packets_out &&
	       ttp_after(ts->snd_sml, ts->snd_una);
}

/*
 * How much of SKB the peer's window takes, if not all of it: worth sending
 * when it is a full segment or half the largest window the peer offered
 * (sender-side silly window avoidance, RFC 9293 3.8.6.2.1), or anything
 * when the persist timer says so; else 0.
 */
static u32 ttp_window_part(const struct sock *sk, const struct sk_buff *skb,
			   int nonagle)
{
	const struct ttp_sock *ts = ttp_sk(sk);
	u32 right = ts->snd_una + ts->snd_wnd, seq = TTP_SKB_CB(skb)->seq;
	u32 part;

	if (!ttp_after(right, seq))
		return 0;
	part = min(right - seq, skb->len);
	if (part >= ts->mss || part >= ts->max_window / 2 ||
	    (nonagle & TTP_NAGLE_PUSH))
		return part;
	return 0;
}

/*
 * How much of SKB, send_head, goes now, at most MAX bytes (the segments
 * the congestion window and the size goal allow): within the peer's
 * window, whole segments where the window cuts it; and, at the queue's
 * end, without a short last segment Nagle holds, as
 * tcp_mss_split_point(). False: none of it; *LEN is 0 for a lone FIN.
 */
static bool ttp_send_len(struct sock *sk, struct sk_buff *skb, u32 max,
			 int nonagle, bool rtx, u32 *lenp)
{
	const struct ttp_sock *ts = ttp_sk(sk);
	const struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
	u32 len = min(skb->len, max), mss = ts->mss, edge, partial;
	bool fin = cb->flags & TTP_FLAG_FIN;

	edge = len == skb->len ? cb->end_seq : cb->seq + len;
	if (ttp_after(edge, ts->snd_una + ts->snd_wnd)) {
		u32 part = ttp_window_part(sk, skb, nonagle);

		/*
		 * Whole segments where the window cuts a run of them; all
		 * the payload but not the FIN: the last segment waits with
		 * it. A part shorter than a segment only as the persist
		 * timer or silly window avoidance allow, and not again.
		 */
		if (part && part == skb->len)
			part = rounddown(part - 1, mss);
		else if (part > mss)
			part = rounddown(part, mss);
		else if (rtx && part < mss)
			part = 0;
		*lenp = min(len, part);
		return *lenp;
	}
	partial = len % mss;
	if (!rtx && len == skb->len && skb_queue_is_last(&sk->sk_write_queue, skb) &&
	    partial && ttp_nagle_holds(sk, partial, fin, nonagle))
		len -= partial;
	*lenp = len;
	return len || fin;
}

/*
 * Send again, oldest first and as the window allows, the segments the
 * SACK scoreboard presumes lost and that were not sent again since (RFC
 * 6675's NextSeg() rule 1), in recovery: outside it, what is marked lost
 * starts one first. True if any went.
 */
static bool ttp_retransmit_lost(struct sock *sk, u32 goal)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_cong *cc = &ts->cong;
	struct sk_buff *skb;
	bool sent = false;

	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
		u32 segs;

		if (skb == ts->send_head || cc->lost_out == cc->retrans_out)
			break;
		if ((cb->sacked & (TTP_SACKED_ACKED | TTP_SACKED_LOST |
				   TTP_SACKED_RETRANS)) != TTP_SACKED_LOST)
			continue;
		segs = min(ttp_cwnd_room_segs(sk), goal);
		if (!segs || ttp_pacing_holds(sk) ||
		    ttp_tsq_throttled(sk, skb->truesize) || ttp_xmit_one(sk, skb, segs))
			break;
		/* A part cut off for want of room stays lost, and is next. */
		cb->sacked |= TTP_SACKED_RETRANS;
		cc->retrans_out += ttp_skb_pcount(skb);
		if (cc->state == TTP_CA_RECOVERY)
			ttp_count_add(sock_net(sk), TTP_MIB_FAST_RETRANS, ttp_skb_pcount(skb));
		sent = true;
	}
	return sent;
}

/*
 * Send what the congestion and receive windows allow: segments the SACK
 * scoreboard presumes lost, then from send_head on, segments a timeout
 * marked lost, then new ones, each skb as one large segment of up to the
 * size goal's segments. NONAGLE: TTP_NAGLE_* bits, the socket's own
 * included.
 */
static void ttp_write_xmit(struct sock *sk, int nonagle)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct sk_buff *skb;
	bool sent = false, paced = false, limited = false;
	u32 goal = ttp_gso_goal(sk);

	ttp_cong_restart(sk);
	if (ts->cong.state == TTP_CA_RECOVERY && ts->cong.lost_out > ts->cong.retrans_out)
		sent = ttp_retransmit_lost(sk, goal);
	while ((skb = ts->send_head)) {
		struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
		bool rtx = ttp_before(cb->seq, ts->snd_max);
		u32 segs = min(ttp_cwnd_room_segs(sk), goal), len;

		if (!segs)
			break;
		/* A SYN goes whatever the window, never held: there is none yet. */
		if (cb->flags & TTP_FLAG_SYN) {
			if (ttp_xmit_one(sk, skb, 1))
				break;
			sent = true;
			continue;
		}
		if (!ttp_send_len(sk, skb, segs * ts->mss, nonagle, rtx, &len))
			break;
		paced = ttp_pacing_holds(sk);
		if (paced)
			break;
		if (goal > 1 && !rtx &&
		    ttp_gso_defers(sk, skb, len / ts->mss, goal, &limited))
			break;
		if (len < skb->len && ttp_split(sk, skb, len, ts->mss))
			break;
		if (ttp_tsq_throttled(sk, skb->truesize) || ttp_xmit_one(sk, skb, segs))
			break;
		sent = true;
	}
	if (sent && (ts->persist || !ttp_rtx_armed(sk))) {
		if (ts->persist) {
			/* The window opened: probing is over. */
			ts->persist = false;
			ts->probes_stamp = 0;
			ts->backoff = 0;
		}
		ttp_reset_rtx_timer(sk, ts->rto);
	}
	limited |= ttp_in_flight(&ts->cong) >= ts->cong.cwnd;
	if (sent || limited)
		ttp_cwnd_validate(sk, limited);
	if (sent) {
		ttp_tlp_schedule(sk);
	} else if (ts->send_head && !ts->cong.packets_out && !paced) {
		/* Nothing in flight to bring an ACK: probe the window. */
		ttp_start_persist(sk);
	}
}

/* NONAGLE adds to the socket's own TTP_NAGLE_* bits. */
void __ttp_push(struct sock *sk, int nonagle)
{
	struct ttp_cong *cc = &ttp_sk(sk)->cong;
	bool held;

	if (!ttp_sk(sk)->send_head &&
	    (cc->state != TTP_CA_RECOVERY || cc->lost_out == cc->retrans_out))
		return;
	held = ttp_clock_hold(sk);
	ttp_write_xmit(sk, nonagle | ttp_sk(sk)->nonagle);
	ttp_clock_release(sk, held);
}

void ttp_push(struct sock *sk)
{
	__ttp_push(sk, 0);
}

/*
 * Send the oldest unacknowledged segment again: fast retransmit, a partial
 * ACK in fast recovery, a timeout. One segment, as TCP sends.
 */
int ttp_retransmit_head(struct sock *sk)
{
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	return skb ? ttp_xmit_one(sk, skb, 1) : 0;
}

/*
 * After a timeout: count nothing in flight and send everything again from
 * snd_una, as the window allows, but what the peer SACKed. snd_max
 * remembers how far we had got.
 */
void ttp_rewind(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);

	ttp_sack_rewind(sk);
	ttp_rack_idle(sk);
	ts->send_head = skb_peek(&sk->sk_write_queue);
	ts->snd_nxt = ts->snd_una;
	ts->cong.packets_out = 0;
}

/*
 * A timeout was spurious (ttp_cong_undo_loss()): what it rewound is in
 * flight after all, its ACKs on their way. Count it in flight again, up to
 * snd_max, so that it is not sent a second time.
 */
void ttp_unrewind(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct sk_buff *skb;

	while ((skb = ts->send_head) && !ttp_after(TTP_SKB_CB(skb)->end_seq, ts->snd_max)) {
		ts->cong.packets_out += ttp_skb_pcount(skb);
		ts->snd_nxt = TTP_SKB_CB(skb)->end_seq;
		ttp_send_head_next(sk, skb);
	}
}

/*
 * The sequence number of a segment without data: snd_max, unless the peer
 * has since shrunk its window below it (it dropped what we sent past its
 * new right edge). Then the edge itself, the one number it still accepts:
 * from snd_max our ACKs and RSTs would all be refused, and two ends could
 * wait for each other until their timers gave up (TCP's
 * tcp_acceptable_seq()). Only once the SYN is acknowledged: before that
 * the window says nothing of where our sequence space begins.
 */
static u32 ttp_acceptable_seq(const struct sock *sk)
{
	const struct ttp_sock *ts = ttp_sk(sk);
	u32 edge = ts->snd_una + ts->snd_wnd;

	if (sk->sk_state != TTP_SYN_SENT && sk->sk_state != TTP_SYN_RCVD &&
	    ttp_after(ts->snd_max, edge))
		return edge;
	return ts->snd_max;
}

/* A bare ACK, now. */
void ttp_send_ack(struct sock *sk)
{
	struct sk_buff *skb;

	if (sk->sk_state == TTP_CLOSED || sk->sk_state == TTP_LISTEN)
		return;
	skb = ttp_alloc_ctl_skb(sk, GFP_ATOMIC);
	if (!skb) {
		/* Try again from the delayed-ACK timer. */
		ttp_schedule_delack(sk);
		return;
	}
	TTP_SKB_CB(skb)->seq = ttp_acceptable_seq(sk);
	TTP_SKB_CB(skb)->flags = TTP_FLAG_ACK;
	ttp_transmit_skb(sk, skb, false);
}

/*
 * A keepalive or zero-window probe: an ACK carrying sequence number
 * snd_una - 1, already acknowledged, which the peer must answer with an
 * ACK of its own and its window (RFC 9293 3.8.4; no garbage byte, as Linux
 * sends none).
 */
void ttp_send_probe(struct sock *sk)
{
	struct sk_buff *skb = ttp_alloc_ctl_skb(sk, GFP_ATOMIC);

	if (!skb)
		return;	/* the next interval tries again */
	TTP_SKB_CB(skb)->seq = ttp_sk(sk)->snd_una - 1;
	TTP_SKB_CB(skb)->flags = TTP_FLAG_ACK;
	ttp_transmit_skb(sk, skb, false);
}

/* Abort: RST with our next sequence number. */
void ttp_send_active_reset(struct sock *sk, gfp_t gfp)
{
	struct sk_buff *skb = ttp_alloc_ctl_skb(sk, gfp);

	if (!skb)
		return;
	TTP_SKB_CB(skb)->seq = ttp_acceptable_seq(sk);
	TTP_SKB_CB(skb)->flags = TTP_FLAG_RST | TTP_FLAG_ACK;
	ttp_transmit_skb(sk, skb, false);
}

/* connect(): queue and send the SYN; it stays queued until acknowledged. */
int ttp_send_syn(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct sk_buff *skb = alloc_skb_fclone(TTP_MAX_HEADER, sk->sk_allocation);

	if (!skb)
		return -ENOBUFS;
	skb_reserve(skb, TTP_MAX_HEADER);
	TTP_SKB_CB(skb)->seq = ts->iss;
	TTP_SKB_CB(skb)->end_seq = ts->iss + 1;
	TTP_SKB_CB(skb)->flags = TTP_FLAG_SYN;
	ts->snd_una = ts->iss;
	ts->snd_nxt = ts->iss;
	ts->snd_max = ts->iss;
	ttp_queue_tail(sk, skb);
	ttp_push(sk);
	return 0;
}

/*
 * The write queue's last segment, if it was never sent and so may still
 * grow (data from sendmsg, a FIN). Not one sent before, though send_head
 * points at or before it after a timeout rewound send_head: a clone of it
 * may sit in a qdisc, a driver or a peer's queue, sharing its fragments.
 */
struct sk_buff *ttp_unsent_tail(struct sock *sk)
{
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);
	struct ttp_sock *ts = ttp_sk(sk);

	if (!tail || !ts->send_head || ttp_before(TTP_SKB_CB(tail)->seq, ts->snd_max) ||
	    (TTP_SKB_CB(tail)->flags & (TTP_FLAG_SYN | TTP_FLAG_FIN)))
		return NULL;
	return tail;
}

/*
 * sendmsg made a segment, then copied nothing into it (a bad buffer, no
 * memory): take it off the queue before anything sends it, as Linux's
 * tcp_remove_empty_skb() does. Sent, a segment without sequence space
 * would never be acknowledged (the connection would time out over it)
 * and would still pass ttp_unsent_tail()'s test.
 */
void ttp_remove_empty_tail(struct sock *sk)
{
	struct sk_buff *tail = ttp_unsent_tail(sk);
	struct ttp_sock *ts = ttp_sk(sk);

	sock_owned_by_me(sk);
	if (!tail || TTP_SKB_CB(tail)->end_seq != TTP_SKB_CB(tail)->seq)
		return;
	if (ts->send_head == tail)
		ts->send_head = NULL;
	__skb_unlink(tail, &sk->sk_write_queue);
	ttp_free_queued_skb(sk, tail);
}

/*
 * Queue a FIN after the data: on the last unsent segment if there is one,
 * else as a segment of its own.
 */
void ttp_send_fin(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct sk_buff *tail = ttp_unsent_tail(sk);

	if (ts->fin_queued)
		return;
	if (tail) {
		TTP_SKB_CB(tail)->flags |= TTP_FLAG_FIN;
		TTP_SKB_CB(tail)->end_seq++;
		ts->write_seq++;
	} else {
		/* Must not fail: wait for memory, as TCP's FIN does. */
		struct sk_buff *skb = alloc_skb_fclone(TTP_MAX_HEADER,
						       sk->sk_allocation | __GFP_NOFAIL);

		skb_reserve(skb, TTP_MAX_HEADER);
		TTP_SKB_CB(skb)->seq = ts->write_seq;
		TTP_SKB_CB(skb)->end_seq = ts->write_seq + 1;
		TTP_SKB_CB(skb)->flags = TTP_FLAG_FIN | TTP_FLAG_ACK;
		ttp_queue_tail(sk, skb);
	}
	ts->fin_queued = true;
	ttp_push(sk);
}

/*
 * A reply on behalf of something that is not a full socket: a request or
 * TIME_WAIT entry, or nothing at all. KEY is the connection as seen from
 * here; REQ, when given, adds the SYN-ACK's options.
 */
void ttp_send_reply(struct net *net, const struct ttp_af_ops *af,
		    const struct ttp_conn_key *key, u32 seq, u32 ack, u8 flags,
		    u16 wnd, u32 tsval, u32 tsecr, bool ts,
		    const struct ttp_request *req, int ifindex)
{
	u8 opts[TTP_MAX_OPT_LEN], *end = opts;
	struct sk_buff *skb;
	int hdrlen;

	skb = alloc_skb(TTP_MAX_HEADER, GFP_ATOMIC);
	if (!skb)
		return;
	skb_reserve(skb, TTP_MAX_HEADER);
	if (req)
		end = ttp_write_options(opts,
					af->route_mss(net, key, ifindex),
					req->wscale_ok ? req->rcv_wscale : -1,
					req->sack_ok, ts, tsval, tsecr);
	else if (ts)
		end = ttp_write_options(opts, 0, -1, false, true, tsval, tsecr);
	hdrlen = TTP_HDR_LEN + (end - opts);
	ttp_fill_header(skb, key->lport, key->rport, seq, ack, flags, wnd, hdrlen);
	memcpy(skb_transport_header(skb) + TTP_HDR_LEN, opts, end - opts);
	ttp_count(net, TTP_MIB_OUT_SEGS);
	if (flags & TTP_FLAG_RST)
		ttp_count(net, TTP_MIB_OUT_RSTS);
	af->send_reply(net, key, skb, ifindex);
}

/*
 * RST for a segment that has no connection (RFC 9293 3.10.7.1): if it
 * carried an ACK, the RST takes its sequence number from it; otherwise it
 * has sequence 0 and acknowledges everything the segment occupied.
 */
void ttp_send_reset_reply(struct net *net, const struct ttp_af_ops *af,
			  const struct ttp_conn_key *key,
			  const struct ttp_skb_cb *seg, int ifindex)
{
	if (seg->flags & TTP_FLAG_RST)
		return;
	if (seg->flags & TTP_FLAG_ACK)
		ttp_send_reply(net, af, key, seg->ack, 0, TTP_FLAG_RST, 0, 0, 0,
			       false, NULL, ifindex);
	else
		ttp_send_reply(net, af, key, 0, seg->end_seq,
			       TTP_FLAG_RST | TTP_FLAG_ACK, 0, 0, 0, false, NULL,
			       ifindex);
}

/* A new RTT sample (RFC 6298): update the estimate and the RTO. */
void ttp_ack_update_rtt(struct sock *sk, u32 sample_us)
{
	const struct ttp_cong_ops *ops = ttp_sk(sk)->cong.ops;

	ttp_rtt_sample(&ttp_sk(sk)->rtt, sample_us);
	ttp_reset_rto(sk);
	ttp_rack_rtt(sk, sample_us);
	if (ops->rtt_sample)
		ops->rtt_sample(sk, sample_us);
}

/* The RTO from the estimate, backoff undone; rto_init_ms before a sample. */
void ttp_reset_rto(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);

	if (ts->rtt.srtt_us)
		ts->rto = ttp_rto_jiffies(&ts->rtt, ttp_rto_min(sk), ttp_rto_max(sk));
	else
		ts->rto = msecs_to_jiffies(ttp_sk_param(sk, TTP_PARAM_RTO_INIT_MS));
}
