// SPDX-License-Identifier: GPL-2.0
/*
 * The write queue's skbs, each of one segment or of many. As in TCP, an
 * skb holds what sendmsg gathered up to a size goal (ttp_size_goal()) and
 * goes to the IP layer whole, a large segment of gso_size-long segments
 * that the device or offload.c cuts. It is cut here only where a decision
 * is per segment: what the windows let go now, a SACK block's edge, the
 * last segment a loss probe sends again, a fast retransmit's one segment.
 * A cumulative ACK that ends inside it trims its head. Every cut falls on
 * a segment boundary, so that what the peer receives, SACKs and is sent
 * again are the same segments each time; and every change of an skb's
 * segment count (ttp_skb_pcount()) changes the scoreboard's sums with it
 * if the skb is in flight, so that they stay what the marks add up to
 * (ttp_wq_check()).
 *
 * The payload is all in page fragments (sendmsg copies into none else):
 * cutting and trimming move fragments, never bytes.
 */
#include "stats.h"
#include "ttp.h"

/* SKB's segment count changed by DIFF: so do the sums, if it counts. */
static void ttp_pcount_adjust(struct sock *sk, const struct sk_buff *skb, int diff)
{
	if (!diff || !ttp_skb_in_flight(sk, skb))
		return;
	ttp_sk(sk)->cong.packets_out += diff;
	ttp_sack_account(sk, TTP_SKB_CB(skb)->sacked, diff);
}

/*
 * SKB cut into MSS-long segments: its count, and the GSO fields the IP
 * layer cuts it by. The shared info is SKB's own (see ttp_unclone()): a
 * clone still in a queue below would see the change.
 */
static void ttp_set_pcount(struct sock *sk, struct sk_buff *skb, u32 mss)
{
	struct skb_shared_info *sh = skb_shinfo(skb);

	if (skb->len <= mss) {
		TTP_SKB_CB(skb)->pcount = 1;
		sh->gso_size = 0;
		sh->gso_segs = 0;
		sh->gso_type = 0;
		return;
	}
	TTP_SKB_CB(skb)->pcount = DIV_ROUND_UP(skb->len, mss);
	sh->gso_size = mss;
	sh->gso_segs = TTP_SKB_CB(skb)->pcount;
	sh->gso_type = ttp_sk(sk)->af->gso_type;
}

/*
 * A private copy of SKB's header and fragment list if a clone shares them
 * (skb_unclone_keeptruesize(), whose helper modules cannot reach): its
 * truesize stays as charged to the socket.
 */
static int ttp_unclone(struct sk_buff *skb)
{
	unsigned int truesize = skb->truesize;
	int err;

	if (!skb_cloned(skb))
		return 0;
	err = pskb_expand_head(skb, 0, 0, GFP_ATOMIC);
	skb->truesize = truesize;
	return err;
}

/*
 * Count SKB in segments of MSS, the MSS it goes with now: an skb sendmsg
 * grew, or one sent before the path MTU came down (TCP's
 * tcp_init_tso_segs() and tcp_adjust_pcount()).
 */
int ttp_skb_fit(struct sock *sk, struct sk_buff *skb, u32 mss)
{
	u32 old = ttp_skb_pcount(skb), segs = skb->len <= mss ? 1 : DIV_ROUND_UP(skb->len, mss);

	sock_owned_by_me(sk);
	if (TTP_SKB_CB(skb)->flags & TTP_FLAG_SYN ||
	    (segs == old && skb_shinfo(skb)->gso_size == (segs > 1 ? mss : 0)))
		return 0;
	if (ttp_unclone(skb))
		return -ENOMEM;
	ttp_set_pcount(sk, skb, mss);
	ttp_pcount_adjust(sk, skb, ttp_skb_pcount(skb) - old);
	return 0;
}

/*
 * A peer that SACKs every other segment has each skb in flight cut into
 * one per segment, and each costs an skb's head besides its data: about
 * ten times the data at the smallest MSS (CVE-2019-11478). As TCP's
 * tcp_fragment() does, once the write queue holds twice the send buffer
 * and two of the largest skbs, refuse to cut what was sent, bar the first
 * skb in flight and the last (what recovery and a loss probe cut). A SACK
 * block that cannot be marked leaves its data to be sent again whole.
 */
static bool ttp_split_too_costly(struct sock *sk, const struct sk_buff *skb)
{
	u32 limit = READ_ONCE(sk->sk_sndbuf) + 2 * SKB_TRUESIZE(65536);

	if ((sk->sk_wmem_queued >> 1) <= limit || !ttp_skb_in_flight(sk, skb) ||
	    skb == skb_peek(&sk->sk_write_queue) ||
	    skb_queue_is_last(&sk->sk_write_queue, skb) || skb->next == ttp_sk(sk)->send_head)
		return false;
	ttp_count(sock_net(sk), TTP_MIB_WQUEUE_TOO_BIG);
	return true;
}

/*
 * Split SKB after LEN bytes of payload into segments of MSS (TCP's
 * tcp_fragment()): the part the windows allow now, a SACK block's edge.
 * The new part follows it in the queue with the same marks. A segment
 * sent before may still have a clone in a queue, sharing its data: it is
 * split as a private copy, and both parts count where it did.
 */
int ttp_split(struct sock *sk, struct sk_buff *skb, u32 len, u32 mss)
{
	struct ttp_skb_cb *cb = TTP_SKB_CB(skb), *ncb;
	u32 old = ttp_skb_pcount(skb);
	struct sk_buff *buff;
	int nlen;

	sock_owned_by_me(sk);
	if (!len || len >= skb->len || ttp_split_too_costly(sk, skb) || ttp_unclone(skb))
		return -ENOMEM;
	buff = alloc_skb_fclone(TTP_MAX_HEADER, GFP_ATOMIC);
	if (!buff)
		return -ENOMEM;
	skb_reserve(buff, TTP_MAX_HEADER);
	sk_wmem_queued_add(sk, buff->truesize);
	sk_mem_charge(sk, buff->truesize);
	nlen = skb->len - len;
	buff->truesize += nlen;
	skb->truesize -= nlen;
	skb_split(skb, buff, len);

	ncb = TTP_SKB_CB(buff);
	*ncb = *cb;
	ncb->seq = cb->seq + len;
	cb->end_seq = ncb->seq;
	/* FIN and PSH belong to the end of the data. */
	cb->flags &= ~(TTP_FLAG_FIN | TTP_FLAG_PSH);
	__skb_queue_after(&sk->sk_write_queue, skb, buff);
	ttp_set_pcount(sk, skb, mss);
	ttp_set_pcount(sk, buff, mss);
	ttp_pcount_adjust(sk, skb, ttp_skb_pcount(skb) + ttp_skb_pcount(buff) - old);
	return 0;
}

/*
 * The peer acknowledged the first LEN bytes of SKB, one of several
 * segments: drop them, as tcp_trim_head() does, so that their memory goes
 * back and a resend starts at snd_una. Returns the segments they took
 * off SKB's count, the sums' change left to the caller, which counts them
 * acknowledged; 0 if SKB could not be made private.
 */
u32 ttp_trim_head(struct sock *sk, struct sk_buff *skb, u32 len)
{
	u32 old = ttp_skb_pcount(skb), eat = len;
	struct skb_shared_info *sh;
	int i, k = 0;

	sock_owned_by_me(sk);
	if (skb_headlen(skb) || len >= skb->len || ttp_unclone(skb))
		return 0;
	sh = skb_shinfo(skb);
	for (i = 0; i < sh->nr_frags; i++) {
		skb_frag_t *f = &sh->frags[i];
		u32 size = skb_frag_size(f);

		if (size <= eat) {
			put_page(skb_frag_page(f));
			eat -= size;
			continue;
		}
		sh->frags[k] = *f;
		if (eat) {
			skb_frag_off_add(&sh->frags[k], eat);
			skb_frag_size_sub(&sh->frags[k], eat);
			eat = 0;
		}
		k++;
	}
	sh->nr_frags = k;
	skb->len -= len;
	skb->data_len -= len;
	skb->truesize -= len;
	sk_wmem_queued_add(sk, -len);
	sk_mem_uncharge(sk, len);
	TTP_SKB_CB(skb)->seq += len;
	ttp_set_pcount(sk, skb, sh->gso_size ?: ttp_sk(sk)->mss);
	return old - ttp_skb_pcount(skb);
}
