// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-order queue: segments that arrived before the one the reader
 * waits for, kept by sequence number in a red-black tree, as TCP has kept
 * them since Linux 4.9 (tcp_data_queue_ofo()). A sorted list walked for
 * every early segment let a peer sending tiny segments with gaps make each
 * one cost a walk of thousands (SegmentSmack, CVE-2018-5390): the tree
 * costs a logarithm per segment, and the common case, a segment after the
 * last one held, nothing at all (ttp_sock.ooo_last). Segments that join
 * are merged into one skb as they come (skb_try_coalesce()), so a burst
 * after a loss is one entry, not one per segment; those that could not
 * be are copied compact when the buffer fills (ttp_ooo_collapse()).
 *
 * What the tree holds: segments that start at strictly increasing sequence
 * numbers and end at strictly increasing ones, so that none holds all of
 * another, and only the last one starting at or before a sequence number
 * can hold all of a segment that starts there (ttp_ooo_covered()). They
 * may overlap: a resend may straddle two of them, and the reader reads
 * each byte once, by sequence number.
 *
 * Everything here runs under the socket lock.
 */
#include <linux/rbtree.h>
#include "stats.h"
#include "ttp.h"

/*
 * Out of the tree. The tree's node shares its memory with skb->next, prev
 * and dev: the last is left holding a pointer of the tree's, which
 * whoever looks at a freed skb (the drop monitor) would follow.
 */
static void ttp_ooo_unlink(struct ttp_sock *ts, struct sk_buff *skb)
{
	if (ts->ooo_last == skb)
		ts->ooo_last = skb_rb_prev(skb);
	rb_erase(&skb->rbnode, &ts->ooo_queue);
	skb->dev = NULL;
}

/* Does an early segment bring nothing the queue lacks? */
bool ttp_ooo_covered(const struct sock *sk, const struct ttp_skb_cb *cb)
{
	const struct ttp_sock *ts = ttp_sk(sk);
	struct rb_node *node = ts->ooo_queue.rb_node;
	struct sk_buff *skb, *below = NULL;

	sock_owned_by_me(sk);
	/* The last one held, if it starts at or before it: no walk. */
	if (ts->ooo_last && !ttp_before(cb->seq, TTP_SKB_CB(ts->ooo_last)->seq)) {
		below = ts->ooo_last;
		node = NULL;
	}
	while (node) {
		skb = rb_to_skb(node);
		if (ttp_after(TTP_SKB_CB(skb)->seq, cb->seq)) {
			node = node->rb_left;
		} else {
			below = skb;
			node = node->rb_right;
		}
	}
	return below && !ttp_before(TTP_SKB_CB(below)->end_seq, cb->end_seq);
}

/*
 * Append FROM, which starts where TO ends, to TO, as TCP's
 * tcp_try_coalesce() does: one skb instead of two, and for small segments
 * far less memory (their bytes copied into TO's spare room, or their pages
 * taken over). What TO took over is charged to the socket here; FROM's own
 * charge, if it has one, goes when the caller frees it, with
 * kfree_skb_partial() as STOLEN says. Whether FROM was merged.
 */
static bool ttp_ooo_merge(struct sock *sk, struct sk_buff *to, struct sk_buff *from,
			  bool *stolen)
{
	struct ttp_skb_cb *tcb = TTP_SKB_CB(to), *fcb = TTP_SKB_CB(from);
	int delta;

	/* Nothing follows a FIN; a SYN's sequence number is no byte of data. */
	if (fcb->seq != tcb->end_seq || (tcb->flags & TTP_FLAG_FIN) ||
	    ((tcb->flags | fcb->flags) & TTP_FLAG_SYN))
		return false;
	if (!skb_try_coalesce(to, from, stolen, &delta))
		return false;
	atomic_add(delta, &sk->sk_rmem_alloc);
	sk_mem_charge(sk, delta);
	tcb->end_seq = fcb->end_seq;
	tcb->len += fcb->len;
	tcb->flags |= fcb->flags;
	ttp_count(sock_net(sk), TTP_MIB_OFO_MERGED);
	return true;
}

/*
 * SKB is in the tree: drop what it holds all of after it, then take in
 * what joins its end. Each segment is dropped or merged once, so this is
 * no walk of the queue, however long.
 */
static void ttp_ooo_merge_right(struct sock *sk, struct sk_buff *skb)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct sk_buff *next;
	bool stolen;

	while ((next = skb_rb_next(skb))) {
		if (!ttp_after(TTP_SKB_CB(skb)->end_seq, TTP_SKB_CB(next)->seq))
			break;
		if (ttp_before(TTP_SKB_CB(skb)->end_seq, TTP_SKB_CB(next)->end_seq))
			return;		/* it overlaps NEXT, which goes on further */
		ttp_ooo_unlink(ts, next);
		kfree_skb(next);
	}
	while (next && ttp_ooo_merge(sk, skb, next, &stolen)) {
		ttp_ooo_unlink(ts, next);
		/* Its charge goes with it; what SKB took was charged again. */
		kfree_skb_partial(next, stolen);
		next = skb_rb_next(skb);
	}
}

/*
 * Keep SKB, which starts after rcv_nxt and brings something new
 * (ttp_ooo_covered() said so), its memory granted but not yet charged: it
 * is charged here if kept whole, or merged into a neighbour and freed.
 */
void ttp_ooo_queue(struct sock *sk, struct sk_buff *skb)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
	struct rb_node **p = &ts->ooo_queue.rb_node, *parent = NULL;
	struct sk_buff *held, *last = ts->ooo_last;
	bool stolen;

	sock_owned_by_me(sk);
	ttp_count(sock_net(sk), TTP_MIB_OFO_QUEUE);
	if (last) {
		/* The usual case: right after the last one held, or beyond. */
		if (ttp_ooo_merge(sk, last, skb, &stolen)) {
			kfree_skb_partial(skb, stolen);
			return;
		}
		if (!ttp_before(cb->seq, TTP_SKB_CB(last)->end_seq)) {
			parent = &last->rbnode;
			p = &parent->rb_right;
			goto insert;
		}
	}
	while (*p) {
		parent = *p;
		held = rb_to_skb(parent);
		if (ttp_before(cb->seq, TTP_SKB_CB(held)->seq)) {
			p = &parent->rb_left;
			continue;
		}
		if (ttp_before(cb->seq, TTP_SKB_CB(held)->end_seq)) {
			if (!ttp_after(cb->end_seq, TTP_SKB_CB(held)->end_seq)) {
				/* Held all along: ttp_ooo_covered() is asked first. */
				DEBUG_NET_WARN_ON_ONCE(1);
				kfree_skb(skb);
				return;
			}
			if (cb->seq == TTP_SKB_CB(held)->seq) {
				/* It holds all of HELD: in its place. */
				skb_set_owner_r(skb, sk);
				rb_replace_node(&held->rbnode, &skb->rbnode, &ts->ooo_queue);
				if (ts->ooo_last == held)
					ts->ooo_last = skb;
				held->dev = NULL;
				kfree_skb(held);
				ttp_ooo_merge_right(sk, skb);
				return;
			}
		} else if (ttp_ooo_merge(sk, held, skb, &stolen)) {
			kfree_skb_partial(skb, stolen);
			ttp_ooo_merge_right(sk, held);
			return;
		}
		p = &parent->rb_right;
	}
insert:
	skb_set_owner_r(skb, sk);
	rb_link_node(&skb->rbnode, parent, p);
	rb_insert_color(&skb->rbnode, &ts->ooo_queue);
	if (!ts->ooo_last || ttp_after(cb->seq, TTP_SKB_CB(ts->ooo_last)->seq))
		ts->ooo_last = skb;
	ttp_ooo_merge_right(sk, skb);
}

/*
 * The first segment held, unlinked, if it starts at or before rcv_nxt: the
 * reader may go on with it. NULL if none does.
 */
struct sk_buff *ttp_ooo_pop(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct sk_buff *skb = skb_rb_first(&ts->ooo_queue);

	sock_owned_by_me(sk);
	if (!skb || ttp_after(TTP_SKB_CB(skb)->seq, ts->rcv_nxt))
		return NULL;
	ttp_ooo_unlink(ts, skb);
	return skb;
}

/* Link SKB, which overlaps nothing held, into the tree by its sequence number. */
static void ttp_ooo_link(struct ttp_sock *ts, struct sk_buff *skb)
{
	struct rb_node **p = &ts->ooo_queue.rb_node, *parent = NULL;

	while (*p) {
		parent = *p;
		if (ttp_before(TTP_SKB_CB(skb)->seq, TTP_SKB_CB(rb_to_skb(parent))->seq))
			p = &parent->rb_left;
		else
			p = &parent->rb_right;
	}
	rb_link_node(&skb->rbnode, parent, p);
	rb_insert_color(&skb->rbnode, &ts->ooo_queue);
}

/* A segment no copy may take in: its FIN (or SYN) must stay on it. */
static bool ttp_ooo_ends_range(const struct sk_buff *skb)
{
	return TTP_SKB_CB(skb)->flags & (TTP_FLAG_FIN | TTP_FLAG_SYN);
}

/*
 * Copy the range of held segments from HEAD to before STOP, which joins
 * up with no gap to END, into compact buffers in their place: a batch of
 * whole pages at a time, the old buffers freed as their bytes are
 * copied, one part-filled copy at the end (what ttp_buffer_window()
 * keeps back). The copies join the tree only when the range is done: a
 * buffer a batch ends in stays for the next one, and may hold all of a
 * copy. Should a batch fail, the copies such a buffer holds all of go.
 * From the first byte its predecessor does not hold to the last one its
 * successor does not (a FIN's segment either side may overlap it).
 */
static void ttp_ooo_collapse_range(struct sock *sk, struct sk_buff *head,
				   struct sk_buff *stop, u32 end)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct sk_buff *prev = skb_rb_prev(head), *skb = head, *tmp;
	u32 start = TTP_SKB_CB(head)->seq;
	struct sk_buff_head done;

	if (prev && ttp_after(TTP_SKB_CB(prev)->seq + prev->len, start))
		start = TTP_SKB_CB(prev)->seq + prev->len;
	/* Nor past where a FIN's segment after it begins: that holds the rest. */
	if (stop && ttp_before(TTP_SKB_CB(stop)->seq, end))
		end = TTP_SKB_CB(stop)->seq;
	__skb_queue_head_init(&done);
	while (skb != stop && ttp_before(start, end)) {
		u32 batch_end = start + min_t(u32, end - start, TTP_COLLAPSE_BATCH);
		struct ttp_collapse c;

		if (!ttp_collapse_prepare(&c, skb, start, batch_end))
			break;
		for (tmp = skb; tmp != stop && c.next; tmp = skb_rb_next(tmp))
			if (!ttp_collapse_fill(&c, tmp))
				goto out;
		if (WARN_ON_ONCE(c.next)) {
			__skb_queue_purge(&c.copies);
			break;
		}
		while (skb != stop && !ttp_after(TTP_SKB_CB(skb)->seq + skb->len, batch_end)) {
			tmp = skb;
			skb = skb_rb_next(tmp);
			ttp_ooo_unlink(ts, tmp);
			consume_skb(tmp);
		}
		skb_queue_splice_tail_init(&c.copies, &done);
		start = batch_end;
	}
out:
	while (skb != stop && (tmp = skb_peek_tail(&done)) &&
	       !ttp_before(TTP_SKB_CB(tmp)->seq, TTP_SKB_CB(skb)->seq)) {
		__skb_unlink(tmp, &done);
		kfree_skb(tmp);
	}
	while ((tmp = __skb_dequeue(&done))) {
		skb_set_owner_r(tmp, sk);
		ttp_ooo_link(ts, tmp);
	}
}

/*
 * The buffer is full: copy early segments that cost more than their
 * bytes into compact buffers, as TCP's tcp_collapse_ofo_queue() does,
 * before any is given up. Segments that join up (those skb_try_coalesce()
 * could not merge as they came: a resend straddling two, a head that has
 * no room and no pages to give) are copied range by range, if that gains
 * (ttp_collapse_worth()). A range no longer than a page that is one
 * segment, or would gain nothing copied, is left: a peer sending tiny
 * segments with gaps (SegmentSmack) would have every one copied, for
 * nothing; and once such ranges add up to an eighth of the buffer the
 * walk ends, as there, so that a queue of them costs no walk of all of it
 * for every segment that comes (longer ones left are nearly compact, a
 * page or more each: few). Never across a FIN, which must stay on its
 * segment. Whether memory was freed.
 */
bool ttp_ooo_collapse(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	int before = atomic_read(&sk->sk_rmem_alloc);
	struct sk_buff *skb, *head;
	u32 tiny = 0;

	sock_owned_by_me(sk);
	for (skb = skb_rb_first(&ts->ooo_queue); skb; ) {
		u32 start = TTP_SKB_CB(skb)->seq, end = start + skb->len;
		u32 cost = skb->truesize, n = 1;

		head = skb;
		if (ttp_ooo_ends_range(skb)) {
			skb = skb_rb_next(skb);
		} else {
			while ((skb = skb_rb_next(skb)) &&
			       !ttp_after(TTP_SKB_CB(skb)->seq, end) && !ttp_ooo_ends_range(skb)) {
				if (ttp_after(TTP_SKB_CB(skb)->seq + skb->len, end))
					end = TTP_SKB_CB(skb)->seq + skb->len;
				cost += skb->truesize;
				n++;
			}
			if (ttp_collapse_worth(cost, end - start) &&
			    (n > 1 || end - start > SKB_MAX_ORDER(0, 0))) {
				ttp_ooo_collapse_range(sk, head, skb, end);
				continue;
			}
		}
		/* Left as it is: if small, it counts against the walk. */
		if (end - start > SKB_MAX_ORDER(0, 0))
			continue;
		tiny += cost;
		if (tiny > READ_ONCE(sk->sk_rcvbuf) >> 3)
			break;
	}
	ts->ooo_last = skb_rb_last(&ts->ooo_queue);
	sk_mem_reclaim(sk);
	if (atomic_read(&sk->sk_rmem_alloc) >= before)
		return false;
	ttp_count(sock_net(sk), TTP_MIB_RCV_COLLAPSED);
	return true;
}

/*
 * The receive buffer is full and the segment that would let the reader go
 * on does not fit: give up what arrived early (the sender sends it again),
 * as TCP's tcp_prune_ofo_queue() does, or a buffer full of early segments
 * would wait forever for the one it has no room for. From the far end:
 * what is nearest the reader lets it go on soonest. At least an eighth of
 * the buffer at a time, so that a peer keeping it full costs a prune per
 * eighth, not per segment; on until the buffer is no longer over its size
 * (what ttp_data_queue() asks) and TTP is not short of memory. Counted;
 * whether anything was given up.
 */
bool ttp_ooo_prune(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	int goal = READ_ONCE(sk->sk_rcvbuf) >> 3;
	struct sk_buff *last;

	sock_owned_by_me(sk);
	if (!ts->ooo_last)
		return false;
	while ((last = ts->ooo_last)) {
		ttp_ooo_unlink(ts, last);
		goal -= last->truesize;
		kfree_skb(last);
		if (goal > 0)
			continue;
		if (atomic_read(&sk->sk_rmem_alloc) <= READ_ONCE(sk->sk_rcvbuf) &&
		    !ttp_memory_pressured())
			break;
		goal = READ_ONCE(sk->sk_rcvbuf) >> 3;
	}
	sk_mem_reclaim(sk);
	ttp_sack_reset(sk);
	ttp_count(sock_net(sk), TTP_MIB_OFO_PRUNED);
	return true;
}

/* Free everything held: the socket is closing, or starting over. */
void ttp_ooo_purge(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct sk_buff *skb, *next;

	rbtree_postorder_for_each_entry_safe(skb, next, &ts->ooo_queue, rbnode) {
		skb->dev = NULL;
		kfree_skb(skb);
	}
	ts->ooo_queue = RB_ROOT;
	ts->ooo_last = NULL;
	ttp_sack_reset(sk);
}
