// SPDX-License-Identifier: GPL-2.0
/*
 * TTP over IPv4: registration with the inet layer, what ICMP errors mean,
 * routes, checksums, connect(), and replies that no socket sends. IPv6
 * sockets talking to IPv4 peers (v4-mapped) use these too. Segments are
 * received by input.c's ttp_rcv_skb(), for both families.
 */
#include <linux/icmp.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/protocol.h>
#include <net/route.h>
#include "netns.h"
#include "stats.h"
#include "ttp.h"

static int ttp_v4_queue_xmit(struct sock *sk, struct sk_buff *skb)
{
	return ip_queue_xmit(sk, skb, &inet_sk(sk)->cork.fl);
}

/* The pseudo-header sum now; the device or the stack adds the rest. */
static void ttp_v4_send_check(struct sock *sk, struct sk_buff *skb)
{
	struct ttphdr *th = (struct ttphdr *)skb_transport_header(skb);

	th->check = ~csum_tcpudp_magic(inet_sk(sk)->inet_saddr,
				       inet_sk(sk)->inet_daddr, skb->len,
				       IPPROTO_TTP, 0);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct ttphdr, check);
}

static void ttp_v4_flow(struct sock *sk, struct flowi4 *fl4, __be32 daddr,
			__be32 saddr, __be16 dport)
{
	memset(fl4, 0, sizeof(*fl4));
	fl4->flowi4_oif = sk->sk_bound_dev_if;
	fl4->flowi4_mark = sk->sk_mark;
	fl4->flowi4_proto = IPPROTO_TTP;
	fl4->flowi4_uid = sk->sk_uid;
	fl4->daddr = daddr;
	fl4->saddr = saddr;
	fl4->fl4_dport = dport;
	fl4->fl4_sport = inet_sk(sk)->inet_sport;
	security_sk_classify_flow(sk, flowi4_to_flowi_common(fl4));
}

static int ttp_v4_rebuild_route(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);
	struct flowi4 *fl4 = &inet->cork.fl.u.ip4;
	struct rtable *rt;

	ttp_v4_flow(sk, fl4, inet->inet_daddr, inet->inet_saddr, inet->inet_dport);
	rt = ip_route_output_flow(sock_net(sk), fl4, sk);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	sk_setup_caps(sk, &rt->dst);
	return 0;
}

/* Send SKB (a TTP header and maybe payload) with a header built here. */
static void ttp_v4_send_reply(struct net *net, const struct ttp_conn_key *key,
			      struct sk_buff *skb, int ifindex)
{
	struct ttphdr *th = (struct ttphdr *)skb_transport_header(skb);
	struct flowi4 fl4 = {
		.flowi4_oif = key->dif,		/* a bound device or VRF's */
		.flowi4_proto = IPPROTO_TTP,
		.daddr = key->raddr.v4,
		.saddr = key->laddr.v4,
		.fl4_dport = key->rport,
		.fl4_sport = key->lport,
	};
	struct rtable *rt;
	struct iphdr *iph;

	th->check = csum_tcpudp_magic(key->laddr.v4, key->raddr.v4, skb->len,
				      IPPROTO_TTP, csum_partial(th, skb->len, 0));
	rt = ip_route_output_flow(net, &fl4, NULL);
	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return;
	}
	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->version = 4;
	iph->ihl = 5;
	iph->tos = 0;
	iph->id = 0;
	iph->frag_off = htons(IP_DF);
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = IPPROTO_TTP;
	iph->saddr = key->laddr.v4;
	iph->daddr = key->raddr.v4;
	skb->protocol = htons(ETH_P_IP);
	skb_dst_set(skb, &rt->dst);
	ip_local_out(net, ttp_net(net)->ctl4, skb);
}

static bool ttp_v4_is_local_pair(struct net *net, const struct ttp_conn_key *key)
{
	return inet_addr_type(net, key->raddr.v4) == RTN_LOCAL;
}

static u32 ttp_v4_isn(const struct ttp_conn_key *key)
{
	return ttp_isn_v4(key->laddr.v4, key->raddr.v4, key->lport, key->rport);
}

/* The MSS to offer a peer: its route's MTU less the headers. */
static int ttp_v4_route_mss(struct net *net, const struct ttp_conn_key *key,
			    int ifindex)
{
	struct flowi4 fl4 = {
		.flowi4_oif = key->dif,
		.flowi4_proto = IPPROTO_TTP,
		.daddr = key->raddr.v4,
		.saddr = key->laddr.v4,
	};
	struct rtable *rt = ip_route_output_flow(net, &fl4, NULL);
	int mtu = IPV4_MIN_MTU;

	if (!IS_ERR(rt)) {
		mtu = dst_mtu(&rt->dst);
		ip_rt_put(rt);
	}
	return min(mtu - (int)sizeof(struct iphdr) - TTP_HDR_LEN, 65535);
}

static void ttp_v4_update_pmtu(struct sk_buff *skb, struct sock *sk, u32 mtu)
{
	ipv4_update_pmtu(skb, sock_net(sk), mtu, sk->sk_bound_dev_if, IPPROTO_TTP);
}

const struct ttp_af_ops ttp_ipv4_ops = {
	.family		= AF_INET,
	.net_header_len	= sizeof(struct iphdr),
	.gso_type	= SKB_GSO_TCPV4 | SKB_GSO_SCTP,
	.queue_xmit	= ttp_v4_queue_xmit,
	.send_check	= ttp_v4_send_check,
	.rebuild_route	= ttp_v4_rebuild_route,
	.send_reply	= ttp_v4_send_reply,
	.is_local_pair	= ttp_v4_is_local_pair,
	.isn		= ttp_v4_isn,
	.route_mss	= ttp_v4_route_mss,
	.update_pmtu	= ttp_v4_update_pmtu,
};

/*
 * proto->pre_connect, run before connect() when a cgroup has a BPF connect
 * program (BPF_CGROUP_INET4_CONNECT), which may refuse or rewrite the
 * address, as it does TCP's.
 */
int ttp_v4_pre_connect(struct sock *sk, ttp_sockaddr_t *uaddr, int addr_len)
{
	if (addr_len < sizeof(struct sockaddr_in))
		return -EINVAL;
	sock_owned_by_me(sk);
	return ttp_cgroup_connect4(sk, uaddr, &addr_len);
}

int ttp_v4_connect(struct sock *sk, ttp_sockaddr_t *uaddr, int addr_len)
{
	struct sockaddr_in *usin = (struct sockaddr_in *)uaddr;
	struct inet_sock *inet = inet_sk(sk);
	/* ip_queue_xmit() builds headers from this flow while the route lasts. */
	struct flowi4 *fl4 = &inet->cork.fl.u.ip4;
	struct rtable *rt;
	int err;

	if (addr_len < sizeof(*usin))
		return -EINVAL;
	if (usin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	ttp_v4_flow(sk, fl4, usin->sin_addr.s_addr, inet->inet_saddr,
		    usin->sin_port);
	rt = ip_route_output_flow(sock_net(sk), fl4, sk);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	if (rt->rt_flags & (RTCF_MULTICAST | RTCF_BROADCAST)) {
		ip_rt_put(rt);
		return -ENETUNREACH;
	}
	if (!inet->inet_saddr)
		inet->inet_saddr = fl4->saddr;
	if (!inet->inet_rcv_saddr)
		inet->inet_rcv_saddr = inet->inet_saddr;
	inet->inet_daddr = usin->sin_addr.s_addr;
	inet->inet_dport = usin->sin_port;
	sk_setup_caps(sk, &rt->dst);

	err = ttp_port_connect(sk);
	if (err) {
		sk_dst_reset(sk);
		inet->inet_dport = 0;
		inet->inet_daddr = 0;
		return err;
	}
	fl4->fl4_sport = inet->inet_sport;
	ttp_connect_init(sk);
	ttp_set_state(sk, TTP_SYN_SENT);
	ttp_count(sock_net(sk), TTP_MIB_ACTIVE_OPENS);
	err = ttp_send_syn(sk);
	if (err)
		ttp_done(sk);
	return err;
}

/* ICMP about a segment we sent: what it means for TTP, then input.c acts. */
static int ttp_v4_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct ttphdr *th = (const struct ttphdr *)(skb->data + (iph->ihl << 2));
	int type = icmp_hdr(skb)->type, code = icmp_hdr(skb)->code;
	struct ttp_conn_key key = {
		.family = AF_INET,
		.laddr.v4 = iph->saddr,
		.raddr.v4 = iph->daddr,
		.lport = th->source,
		.rport = th->dest,
	};

	u32 seq = ntohl(th->seq);

	switch (type) {
	case ICMP_DEST_UNREACH:
		if (code > NR_ICMP_UNREACH)
			return 0;
		/* Fragmentation needed, DF set: the path MTU (RFC 1191). */
		ttp_icmp_error(skb, &key, seq, icmp_err_convert[code].errno,
			       icmp_err_convert[code].fatal,
			       code == ICMP_FRAG_NEEDED ? max(info, 1U) : 0);
		break;
	case ICMP_TIME_EXCEEDED:
		ttp_icmp_error(skb, &key, seq, EHOSTUNREACH, false, 0);
		break;
	}
	return 0;
}

static const struct net_protocol ttp_v4_protocol = {
	.handler	= ttp_rcv_skb,
	.err_handler	= ttp_v4_err,
	.no_policy	= 1,
};

static struct inet_protosw ttp_v4_protosw = {
	.type		= SOCK_STREAM,
	.protocol	= IPPROTO_TTP,
	.prot		= &ttp_prot,
	.ops		= &ttp_stream_ops,
};

int ttp_ipv4_init(void)
{
	int err = inet_add_protocol(&ttp_v4_protocol, IPPROTO_TTP);

	if (err)
		return err;
	inet_register_protosw(&ttp_v4_protosw);
	return 0;
}

void ttp_ipv4_exit(void)
{
	inet_unregister_protosw(&ttp_v4_protosw);
	inet_del_protocol(&ttp_v4_protocol, IPPROTO_TTP);
}
