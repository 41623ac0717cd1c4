// SPDX-License-Identifier: GPL-2.0
/*
 * Receive offload: where the receiving device runs GRO (virtio-net and
 * most NICs do), consecutive segments of one flow that arrive in one NAPI
 * poll are merged into one large segment before the IP layer, as TCP's
 * are (tcp_gro_receive()), so the stack and the socket see one skb for
 * many, which the receive path takes as veth's large segments
 * (input.c: accounted, ACKed by bytes, counted in segments).
 *
 * The core's merge, skb_gro_receive(), is not exported: ttp_gro_merge()
 * is a trimmed copy that moves the page fragments (and the head, where it
 * is a page fragment) and never chains a frag_list, which keeps the
 * aggregate one that ttp_gso_segment() can cut again when it is
 * forwarded. A merged segment leaves as a large one of ours does
 * (CHECKSUM_PARTIAL at our offset, our two GSO bits).
 *
 * Only plain data segments merge: in order, the same flow and ACK, no
 * options but the same timestamps, checksums verified first. Anything
 * else (a SYN, RST, unknown flag, other options or bad checksum) flushes
 * what the flow holds and goes up alone, where the receive path judges
 * and counts it.
 */
#include <net/ip6_checksum.h>
#include "ttp.h"

/*
 * Aggregates of ours that GRO holds, from their first merge to their
 * completion: unloading waits for them (ttp_offload_exit()).
 */
atomic_t ttp_gro_held = ATOMIC_INIT(0);

/* The word holding the header length, flags and window. */
#define ttp_flag_word(th)	(((__be32 *)(th))[3])
#define TTP_FW_FIN		cpu_to_be32(TTP_FLAG_FIN << 16)
#define TTP_FW_SYN		cpu_to_be32(TTP_FLAG_SYN << 16)
#define TTP_FW_RST		cpu_to_be32(TTP_FLAG_RST << 16)
#define TTP_FW_PSH		cpu_to_be32(TTP_FLAG_PSH << 16)
#define TTP_FW_ACK		cpu_to_be32(TTP_FLAG_ACK << 16)
#define TTP_FW_UNKNOWN		cpu_to_be32((0xff & ~TTP_FLAGS_KNOWN) << 16)

/* The timestamps as TTP's data segments carry them: NOP, NOP, TS. */
#define TTP_TS_WORD	cpu_to_be32(TTP_OPT_NOP << 24 | TTP_OPT_NOP << 16 | \
				    TTP_OPT_TIMESTAMP << 8 | TTP_OPTLEN_TIMESTAMP)
#define TTP_TS_ALIGNED	(4 + TTP_OPTLEN_TIMESTAMP - 2)

/*
 * Whether the options of TH (THLEN bytes of header) are none or the
 * timestamps alone, the only ones that merge. Any others, malformed ones
 * included, go up alone, so that each segment is parsed, judged and
 * counted as it came: an aggregate of spoofed segments with a bad option
 * would be one drop for many. (TCP merges any options that are equal.)
 */
static bool ttp_gro_options_plain(const struct ttphdr *th, unsigned int thlen)
{
	return thlen == sizeof(*th) ||
	       (thlen == sizeof(*th) + TTP_TS_ALIGNED &&
		*(const __be32 *)(th + 1) == TTP_TS_WORD);
}

/*
 * Append SKB's payload to P's fragments; nonzero if it cannot be done
 * without a frag_list (then P goes up, and SKB may begin the next).
 */
static int ttp_gro_merge(struct sk_buff *p, struct sk_buff *skb)
{
	struct skb_shared_info *pinfo = skb_shinfo(p), *skbinfo = skb_shinfo(skb);
	unsigned int offset = skb_gro_offset(skb), headlen = skb_headlen(skb);
	unsigned int len = skb_gro_len(skb), delta_truesize, new_truesize;

	/* Page-pool pages and others must not share one skb's references. */
	if (p->pp_recycle != skb->pp_recycle || skb_zcopy(p) || skb_zcopy(skb))
		return -ETOOMANYREFS;
	if (p->len + len >= ttp_gro_max_size(p) || NAPI_GRO_CB(skb)->flush)
		return -E2BIG;

	if (headlen <= offset) {
		/* All the payload is in fragments: move them over. */
		int i = skbinfo->nr_frags, nr_frags = pinfo->nr_frags + i;
		skb_frag_t *frag, *frag2;

		if (!i || nr_frags > MAX_SKB_FRAGS)
			return -E2BIG;
		offset -= headlen;
		pinfo->nr_frags = nr_frags;
		skbinfo->nr_frags = 0;
		frag = pinfo->frags + nr_frags;
		frag2 = skbinfo->frags + i;
		do {
			*--frag = *--frag2;
		} while (--i);
		skb_frag_off_add(frag, offset);
		skb_frag_size_sub(frag, offset);

		new_truesize = SKB_TRUESIZE(skb_end_offset(skb));
		delta_truesize = skb->truesize - new_truesize;
		skb->truesize = new_truesize;
		skb->len -= skb->data_len;
		skb->data_len = 0;
		NAPI_GRO_CB(skb)->free = NAPI_GRO_FREE;
	} else if (skb->head_frag) {
		/* The head is a page fragment too: it becomes the first. */
		int nr_frags = pinfo->nr_frags;
		skb_frag_t *frag = pinfo->frags + nr_frags;
		struct page *page = virt_to_head_page(skb->head);

		if (nr_frags + 1 + skbinfo->nr_frags > MAX_SKB_FRAGS)
			return -E2BIG;
		pinfo->nr_frags = nr_frags + 1 + skbinfo->nr_frags;
		ttp_frag_fill(frag, page,
			      skb->data - (unsigned char *)page_address(page) + offset,
			      headlen - offset);
		memcpy(frag + 1, skbinfo->frags, sizeof(*frag) * skbinfo->nr_frags);

		new_truesize = SKB_DATA_ALIGN(sizeof(struct sk_buff));
		delta_truesize = skb->truesize - new_truesize;
		skb->truesize = new_truesize;
		NAPI_GRO_CB(skb)->free = NAPI_GRO_FREE_STOLEN_HEAD;
	} else {
		return -E2BIG;
	}

	if (++NAPI_GRO_CB(p)->count == 2)
		atomic_inc(&ttp_gro_held);
	p->data_len += len;
	p->truesize += delta_truesize;
	p->len += len;
	pinfo->flags |= skbinfo->flags & SKBFL_SHARED_FRAG;
	NAPI_GRO_CB(skb)->same_flow = 1;
	return 0;
}

/* The held segment of SKB's flow, if any: the IP layer matched addresses. */
static struct sk_buff *ttp_gro_lookup(struct list_head *head, const struct ttphdr *th)
{
	struct sk_buff *p;

	list_for_each_entry(p, head, list) {
		const struct ttphdr *th2;

		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		th2 = (const struct ttphdr *)skb_transport_header(p);
		if (*(u32 *)&th->source ^ *(u32 *)&th2->source) {
			NAPI_GRO_CB(p)->same_flow = 0;
			continue;
		}
		return p;
	}
	return NULL;
}

/*
 * tcp_gro_receive() for our header. Returns the held segment to send up
 * now (before SKB), or NULL; SKB is merged (same_flow), held, or sent up
 * alone (flush).
 */
static struct sk_buff *ttp_gro_receive(struct list_head *head, struct sk_buff *skb)
{
	unsigned int off = skb_gro_offset(skb), thlen, len, mss = 1, i;
	struct sk_buff *pp = NULL, *p;
	struct ttphdr *th, *th2;
	__be32 flags;
	int flush = 1;
	bool plain;

	th = skb_gro_header(skb, off + sizeof(*th), off);
	if (unlikely(!th))
		goto out_flush;
	thlen = (th->doff >> 4) * 4;
	if (thlen < sizeof(*th))
		goto out_flush;
	th = skb_gro_header(skb, off + thlen, off);
	if (unlikely(!th))
		goto out_flush;
	skb_gro_pull(skb, thlen);

	len = skb_gro_len(skb);
	flags = ttp_flag_word(th);
	plain = ttp_gro_options_plain(th, thlen);
	p = ttp_gro_lookup(head, th);
	if (!p || !plain)
		goto out_check_final;

	th2 = (struct ttphdr *)skb_transport_header(p);
	flush = (__force int)((flags ^ ttp_flag_word(th2)) & ~(TTP_FW_FIN | TTP_FW_PSH));
	flush |= (__force int)(th->ack_seq ^ th2->ack_seq);
	for (i = sizeof(*th); i < thlen; i += 4)
		flush |= *(u32 *)((u8 *)th + i) ^ *(u32 *)((u8 *)th2 + i);
	flush |= ttp_gro_network_flush(th, th2, p);

	/* A large segment (veth, a tunnel) goes up as it came. */
	mss = skb_shinfo(p)->gso_size;
	flush |= skb_is_gso(skb) || (len - 1) >= mss;
	flush |= (ntohl(th2->seq) + skb_gro_len(p)) ^ ntohl(th->seq);

	if (flush || ttp_gro_merge(p, skb)) {
		mss = 1;
		goto out_check_final;
	}
	/* A FIN or PSH ends the aggregate, and is carried by it. */
	ttp_flag_word(th2) |= flags & (TTP_FW_FIN | TTP_FW_PSH);

out_check_final:
	/*
	 * A short segment ends the aggregate; one that is not a plain data
	 * segment is never held, so the receive path sees it alone.
	 */
	flush = len < mss || skb_is_gso(skb) || !plain;
	flush |= (__force int)(flags & (TTP_FW_SYN | TTP_FW_RST | TTP_FW_FIN |
					TTP_FW_PSH | TTP_FW_UNKNOWN));
	flush |= !(flags & TTP_FW_ACK);
	if (p && (!NAPI_GRO_CB(skb)->same_flow || flush))
		pp = p;
	NAPI_GRO_CB(skb)->flush |= (flush != 0);
	return pp;

out_flush:
	NAPI_GRO_CB(skb)->flush = 1;
	return NULL;
}

/*
 * Inside a tunnel the headers complete would find are the outer ones:
 * such segments go up alone, as do those whose checksum fails (the
 * receive path counts them).
 */
struct sk_buff *ttp4_gro_receive(struct list_head *head, struct sk_buff *skb)
{
	if (NAPI_GRO_CB(skb)->encap_mark ||
	    (!NAPI_GRO_CB(skb)->flush &&
	     skb_gro_checksum_validate(skb, IPPROTO_TTP, inet_gro_compute_pseudo))) {
		NAPI_GRO_CB(skb)->flush = 1;
		return NULL;
	}
	return ttp_gro_receive(head, skb);
}

struct sk_buff *ttp6_gro_receive(struct list_head *head, struct sk_buff *skb)
{
	if (NAPI_GRO_CB(skb)->encap_mark ||
	    (!NAPI_GRO_CB(skb)->flush &&
	     skb_gro_checksum_validate(skb, IPPROTO_TTP, ip6_gro_compute_pseudo))) {
		NAPI_GRO_CB(skb)->flush = 1;
		return NULL;
	}
	return ttp_gro_receive(head, skb);
}

/*
 * An aggregate of COUNT segments leaves as a large segment of ours would:
 * its checksum to be finished at our offset, cut by ttp_gso_segment() if
 * forwarded through a device that cannot take it whole.
 */
static void ttp_gro_finish(struct sk_buff *skb, struct ttphdr *th, unsigned int type)
{
	skb->csum_start = (unsigned char *)th - skb->head;
	skb->csum_offset = offsetof(struct ttphdr, check);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb_shinfo(skb)->gso_type |= type | SKB_GSO_SCTP;
	skb_shinfo(skb)->gso_segs = NAPI_GRO_CB(skb)->count;
	/* Only what we merged is completed: a GSO skb never waits. */
	atomic_dec(&ttp_gro_held);
}

int ttp4_gro_complete(struct sk_buff *skb, int thoff)
{
	const struct iphdr *iph = ttp_gro_network_header(skb);
	struct ttphdr *th = (struct ttphdr *)(skb->data + thoff);

	th->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr, skb->len - thoff,
				       IPPROTO_TTP, 0);
	ttp_gro_finish(skb, th, SKB_GSO_TCPV4);
	return 0;
}

int ttp6_gro_complete(struct sk_buff *skb, int thoff)
{
	const struct ipv6hdr *iph = ttp_gro_network_header(skb);
	struct ttphdr *th = (struct ttphdr *)(skb->data + thoff);

	th->check = ~csum_ipv6_magic(&iph->saddr, &iph->daddr, skb->len - thoff,
				     IPPROTO_TTP, 0);
	ttp_gro_finish(skb, th, SKB_GSO_TCPV6);
	return 0;
}
