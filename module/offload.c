// SPDX-License-Identifier: GPL-2.0
/*
 * Large segments: TTP hands the IP layer one skb of several segments'
 * data (gso_size = the MSS), as TCP does with TSO, and this file cuts it
 * into segments wherever the device cannot take it whole. The IP layers
 * choose the callback by protocol number (inet_gso_segment(),
 * ipv6_gso_segment()), as they do SCTP's.
 *
 * Which devices take it whole is decided by gso_type bits alone
 * (net_gso_ok()). TTP's large segments carry SKB_GSO_TCPV4 (or V6) and
 * SKB_GSO_SCTP, both: a device must offer both features to take one,
 * which the software devices do (veth, loopback, bridges, bonds: they
 * pass it on whole) and no NIC does, so TTP's segments never reach a
 * TSO engine that would cut them as TCP and write the checksum at TCP's
 * offset. The TCP bit also makes the IP layers measure the segments
 * right (skb_gso_transport_seglen() reads the header length where TCP's
 * is, byte 12, and TTP's is there too). The same slots carry gro.c's
 * callbacks, which merge received segments into such large ones.
 */
#include <net/ip6_checksum.h>
#include <linux/delay.h>
#include <net/protocol.h>
#include "ttp.h"

/*
 * A large segment of ours: our two bits, maybe a tunnel's that carried it
 * whole (GRE, IPIP, UDP tunnels add theirs), and nothing from outside. A
 * virtio-net or packet socket header can ask for TCP's segmentation of
 * any protocol (SKB_GSO_DODGY), never for SCTP's: what is not ours is
 * refused, and dropped, not cut as ours.
 */
static bool ttp_gso_ours(const struct sk_buff *skb)
{
	unsigned int type = skb_shinfo(skb)->gso_type;

	return (type & SKB_GSO_SCTP) && (type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6)) &&
	       !(type & (SKB_GSO_DODGY | SKB_GSO_UDP | SKB_GSO_UDP_L4 | SKB_GSO_FRAGLIST));
}

/*
 * The pieces of a large segment stay charged to its socket until each is
 * freed, as tcp_gso_segment() keeps them: small queues (tsq.c) then see
 * what waits in a qdisc or a device after software GSO, not only the
 * large segment until it was cut. LAST takes GSO_SKB's charge and
 * destructor; the charge grows (or shrinks) to TRUESIZE, all pieces'.
 */
static void ttp_gso_own(struct sk_buff *gso_skb, struct sk_buff *last,
			unsigned int truesize)
{
	int grown = truesize - gso_skb->truesize;

	swap(gso_skb->sk, last->sk);
	swap(gso_skb->destructor, last->destructor);
	if (likely(grown >= 0))
		refcount_add(grown, &last->sk->sk_wmem_alloc);
	else
		WARN_ON_ONCE(refcount_sub_and_test(-grown, &last->sk->sk_wmem_alloc));
}

/*
 * Cut SKB, its data after our header, into gso_size pieces, each with a
 * copy of the header: sequence numbers advance by the MSS, FIN and PSH
 * stay on the last only, and each gets its own checksum, or its own
 * pseudo-header sum where the device finishes it. IP's own fields (IDs,
 * lengths) are the IP layer's to fix.
 */
static struct sk_buff *ttp_gso_segment(struct sk_buff *skb,
				       netdev_features_t features)
{
	struct sk_buff *segs = ERR_PTR(-EINVAL), *gso_skb = skb;
	unsigned int thlen, mss, oldlen, truesize = 0;
	bool owned;
	struct ttphdr *th;
	__sum16 newcheck;
	__wsum delta;
	u32 seq;

	if (!ttp_gso_ours(skb) || !pskb_may_pull(skb, sizeof(*th)))
		goto out;
	th = (struct ttphdr *)skb_transport_header(skb);
	thlen = (th->doff >> 4) * 4;
	if (thlen < sizeof(*th) || skb->ip_summed != CHECKSUM_PARTIAL ||
	    skb_checksum_start(skb) != skb_transport_header(skb) ||
	    skb->csum_offset != offsetof(struct ttphdr, check) ||
	    !pskb_may_pull(skb, thlen))
		goto out;

	oldlen = ~skb->len;
	__skb_pull(skb, thlen);
	mss = skb_shinfo(skb)->gso_size;
	if (unlikely(!mss || skb->len <= mss))
		goto out;
	/*
	 * A device that sums only TCP's and UDP's checksums (NETIF_F_IP_CSUM)
	 * would leave ours unwritten: the sum is done here instead, as
	 * skb_segment() does when the features offer none.
	 */
	if (!(features & NETIF_F_HW_CSUM))
		features &= ~NETIF_F_CSUM_MASK;
	owned = gso_skb->destructor == ttp_wfree;
	segs = skb_segment(skb, features);
	if (IS_ERR(segs))
		goto out;

	/*
	 * GSO_PARTIAL (a tunnel's device segments the rest) leaves segments
	 * of several MSS each: what one of them holds.
	 */
	if (skb_is_gso(segs))
		mss *= skb_shinfo(segs)->gso_segs;
	/* The pseudo-header sum counted the whole length: take one segment's. */
	delta = (__force __wsum)htonl(oldlen + thlen + mss);
	skb = segs;
	th = (struct ttphdr *)skb_transport_header(skb);
	seq = ntohl(th->seq);
	newcheck = ~csum_fold(csum_add(csum_unfold(th->check), delta));
	while (skb->next) {
		th->flags &= ~(TTP_FLAG_FIN | TTP_FLAG_PSH);
		th->check = newcheck;
		if (skb->ip_summed == CHECKSUM_PARTIAL)
			gso_reset_checksum(skb, ~csum_unfold(th->check));
		else
			th->check = gso_make_checksum(skb, ~csum_unfold(th->check));
		if (owned) {
			skb->destructor = ttp_wfree;
			skb->sk = gso_skb->sk;
			truesize += skb->truesize;
		}
		seq += mss;
		skb = skb->next;
		th = (struct ttphdr *)skb_transport_header(skb);
		th->seq = htonl(seq);
	}
	/* The last may be shorter. */
	delta = (__force __wsum)htonl(oldlen + (skb_tail_pointer(skb) -
						skb_transport_header(skb)) +
				      skb->data_len);
	th->check = ~csum_fold(csum_add(csum_unfold(th->check), delta));
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		gso_reset_checksum(skb, ~csum_unfold(th->check));
	else
		th->check = gso_make_checksum(skb, ~csum_unfold(th->check));
	if (owned)
		ttp_gso_own(gso_skb, skb, truesize + skb->truesize);
out:
	return segs;
}

/*
 * How long unloading waits at most for GRO to complete the aggregates of
 * ours it holds: until its poll ends, or a gro_flush_timeout an operator
 * set (nanoseconds; commonly microseconds). One freed without completion
 * (its NAPI deleted) is never counted down: hence a bound.
 */
#define TTP_GRO_DRAIN_MAX_MS	5000

/*
 * Per family: the same segmentation, the family's GRO (gro.c). The quiet
 * twins keep all but gro_receive for the time of unloading.
 */
#define TTP_OFFLOAD(fam, gro)						\
	{ .callbacks = {						\
		.gso_segment = ttp_gso_segment,				\
		.gro_receive = gro ? ttp##fam##_gro_receive : NULL,	\
		.gro_complete = ttp##fam##_gro_complete,		\
	} }

static const struct net_offload ttp4_offload = TTP_OFFLOAD(4, true);
static const struct net_offload ttp6_offload = TTP_OFFLOAD(6, true);
static const struct net_offload ttp4_offload_quiet = TTP_OFFLOAD(4, false);
static const struct net_offload ttp6_offload_quiet = TTP_OFFLOAD(6, false);

/* The slot is someone else's: inet_add_offload() says only -1. */
int ttp_offload_init(void)
{
	if (inet_add_offload(&ttp4_offload, IPPROTO_TTP))
		return -EBUSY;
	if (inet6_add_offload(&ttp6_offload, IPPROTO_TTP)) {
		inet_del_offload(&ttp4_offload, IPPROTO_TTP);
		return -EBUSY;
	}
	return 0;
}

/*
 * After the sockets are gone. An aggregate GRO holds (until its NAPI poll
 * ends, or gro_flush_timeout) is finished by our gro_complete, and the IP
 * layer WARNs and drops it if that is gone: so first swap in the twins
 * that merge nothing new, let every CPU leave the old ones
 * (synchronize_net()) and wait for the aggregates held to complete, and
 * only then leave the slots. inet_del_offload() also waits for callbacks
 * running; a large segment of ours still queued in another namespace
 * that is cut later finds no callback, and is dropped.
 */
void ttp_offload_exit(void)
{
	const struct net_offload **v4 = (const struct net_offload **)&inet_offloads[IPPROTO_TTP];
	const struct net_offload **v6 = (const struct net_offload **)&inet6_offloads[IPPROTO_TTP];
	unsigned int waited;

	WARN_ON_ONCE(cmpxchg(v4, &ttp4_offload, &ttp4_offload_quiet) != &ttp4_offload);
	WARN_ON_ONCE(cmpxchg(v6, &ttp6_offload, &ttp6_offload_quiet) != &ttp6_offload);
	synchronize_net();
	for (waited = 0; atomic_read(&ttp_gro_held) > 0 && waited < TTP_GRO_DRAIN_MAX_MS;
	     waited += 20)
		msleep(20);
	inet6_del_offload(&ttp6_offload_quiet, IPPROTO_TTP);
	inet_del_offload(&ttp4_offload_quiet, IPPROTO_TTP);
}
