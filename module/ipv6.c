// SPDX-License-Identifier: GPL-2.0
/*
 * TTP over IPv6: registration, what ICMPv6 errors mean, routes, checksums,
 * connect() (handing v4-mapped destinations to IPv4), and replies that no
 * socket sends. Segments are received by input.c's ttp_rcv_skb().
 */
#include <linux/icmpv6.h>
#include <net/addrconf.h>
#include <net/inet6_connection_sock.h>
#include <net/ip6_checksum.h>
#include <net/inet_common.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/protocol.h>
#include <net/transp_v6.h>
#include "netns.h"
#include "stats.h"
#include "ttp.h"

static int ttp_v6_queue_xmit(struct sock *sk, struct sk_buff *skb)
{
	return inet6_csk_xmit(sk, skb, NULL);
}

static void ttp_v6_send_check(struct sock *sk, struct sk_buff *skb)
{
	struct ttphdr *th = (struct ttphdr *)skb_transport_header(skb);

	th->check = ~csum_ipv6_magic(&inet6_sk(sk)->saddr, &sk->sk_v6_daddr,
				     skb->len, IPPROTO_TTP, 0);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct ttphdr, check);
}

static void ttp_v6_flow(struct sock *sk, struct flowi6 *fl6)
{
	memset(fl6, 0, sizeof(*fl6));
	fl6->flowi6_proto = IPPROTO_TTP;
	fl6->daddr = sk->sk_v6_daddr;
	fl6->saddr = inet6_sk(sk)->saddr;
	fl6->flowi6_oif = sk->sk_bound_dev_if;
	fl6->flowi6_mark = sk->sk_mark;
	fl6->flowi6_uid = sk->sk_uid;
	fl6->fl6_dport = inet_sk(sk)->inet_dport;
	fl6->fl6_sport = inet_sk(sk)->inet_sport;
	security_sk_classify_flow(sk, flowi6_to_flowi_common(fl6));
}

/*
 * DST becomes the socket's route, with its cookie, so that inet6_csk_xmit()
 * can tell when it went stale, and with the flow it serves in
 * inet->cork.fl: from 7.0, inet6_csk_xmit() builds every IPv6 header from
 * that flow for as long as the route stays valid (an IPsec bundle's, as
 * long as its SA does), and refills it only when it looks the route up
 * again. Call once the ports are final.
 */
static void ttp_v6_store_route(struct sock *sk, struct dst_entry *dst)
{
	ttp_v6_flow(sk, &inet_sk(sk)->cork.fl.u.ip6);
	ttp_compat_ip6_dst_store(sk, dst);
}

static int ttp_v6_rebuild_route(struct sock *sk)
{
	struct dst_entry *dst;
	struct flowi6 fl6;

	ttp_v6_flow(sk, &fl6);
	dst = ip6_dst_lookup_flow(sock_net(sk), sk, &fl6, NULL);
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	ttp_v6_store_route(sk, dst);
	return 0;
}

static void ttp_v6_send_reply(struct net *net, const struct ttp_conn_key *key,
			      struct sk_buff *skb, int ifindex)
{
	struct ttphdr *th = (struct ttphdr *)skb_transport_header(skb);
	struct sock *ctl = ttp_net(net)->ctl6;
	struct dst_entry *dst;
	struct flowi6 fl6;

	memset(&fl6, 0, sizeof(fl6));
	fl6.flowi6_proto = IPPROTO_TTP;
	fl6.daddr = key->raddr.v6;
	fl6.saddr = key->laddr.v6;
	fl6.fl6_dport = key->rport;
	fl6.fl6_sport = key->lport;
	/* A bound device or VRF's; a link-local peer's own link. */
	fl6.flowi6_oif = key->dif;
	if (!fl6.flowi6_oif && (ipv6_addr_type(&fl6.daddr) & IPV6_ADDR_LINKLOCAL))
		fl6.flowi6_oif = ifindex;
	th->check = csum_ipv6_magic(&fl6.saddr, &fl6.daddr, skb->len, IPPROTO_TTP,
				    csum_partial(th, skb->len, 0));
	dst = ip6_dst_lookup_flow(net, ctl, &fl6, NULL);
	if (IS_ERR(dst)) {
		kfree_skb(skb);
		return;
	}
	skb_dst_set(skb, dst);
	ip6_xmit(ctl, skb, &fl6, 0, NULL, 0, 0);
}

static bool ttp_v6_is_local_pair(struct net *net, const struct ttp_conn_key *key)
{
	return ipv6_chk_addr(net, &key->raddr.v6, NULL, 0);
}

static u32 ttp_v6_isn(const struct ttp_conn_key *key)
{
	return ttp_isn_v6(&key->laddr.v6, &key->raddr.v6, key->lport, key->rport);
}

static int ttp_v6_route_mss(struct net *net, const struct ttp_conn_key *key,
			    int ifindex)
{
	struct dst_entry *dst;
	struct flowi6 fl6;
	int mtu = IPV6_MIN_MTU;

	memset(&fl6, 0, sizeof(fl6));
	fl6.flowi6_proto = IPPROTO_TTP;
	fl6.daddr = key->raddr.v6;
	fl6.saddr = key->laddr.v6;
	/* A bound device or VRF's; a link-local peer's own link. */
	fl6.flowi6_oif = key->dif;
	if (!fl6.flowi6_oif && (ipv6_addr_type(&fl6.daddr) & IPV6_ADDR_LINKLOCAL))
		fl6.flowi6_oif = ifindex;
	dst = ip6_dst_lookup_flow(net, NULL, &fl6, NULL);
	if (!IS_ERR(dst)) {
		mtu = dst_mtu(dst);
		dst_release(dst);
	}
	return min(mtu - (int)sizeof(struct ipv6hdr) - TTP_HDR_LEN, 65535);
}

static void ttp_v6_update_pmtu(struct sk_buff *skb, struct sock *sk, u32 mtu)
{
	ip6_update_pmtu(skb, sock_net(sk), htonl(mtu), sk->sk_bound_dev_if, sk->sk_mark,
			sk->sk_uid);
}

const struct ttp_af_ops ttp_ipv6_ops = {
	.family		= AF_INET6,
	.net_header_len	= sizeof(struct ipv6hdr),
	.gso_type	= SKB_GSO_TCPV6 | SKB_GSO_SCTP,
	.queue_xmit	= ttp_v6_queue_xmit,
	.send_check	= ttp_v6_send_check,
	.rebuild_route	= ttp_v6_rebuild_route,
	.send_reply	= ttp_v6_send_reply,
	.is_local_pair	= ttp_v6_is_local_pair,
	.isn		= ttp_v6_isn,
	.route_mss	= ttp_v6_route_mss,
	.update_pmtu	= ttp_v6_update_pmtu,
};

/* An IPv6 socket connecting to an IPv4 peer: IPv4 does the work. */
static int ttp_v6_connect_mapped(struct sock *sk, const struct sockaddr_in6 *usin)
{
	struct inet_sock *inet = inet_sk(sk);
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = usin->sin6_port,
		.sin_addr.s_addr = usin->sin6_addr.s6_addr32[3],
	};
	int err;

	if (ipv6_only_sock(sk))
		return -ENETUNREACH;
	/* The connection is keyed by the mapped addresses from here on. */
	sk->sk_v6_daddr = usin->sin6_addr;
	ttp_set_af(sk, &ttp_ipv4_ops);
	err = ttp_v4_connect(sk, (ttp_sockaddr_t *)&sin, sizeof(sin));
	if (err) {
		ttp_set_af(sk, &ttp_ipv6_ops);
		memset(&sk->sk_v6_daddr, 0, sizeof(sk->sk_v6_daddr));
		return err;
	}
	ipv6_addr_set_v4mapped(inet->inet_saddr, &inet6_sk(sk)->saddr);
	ipv6_addr_set_v4mapped(inet->inet_rcv_saddr, &sk->sk_v6_rcv_saddr);
	return 0;
}

/* proto->pre_connect: a cgroup's BPF_CGROUP_INET6_CONNECT program. */
int ttp_v6_pre_connect(struct sock *sk, ttp_sockaddr_t *uaddr, int addr_len)
{
	if (addr_len < SIN6_LEN_RFC2133)
		return -EINVAL;
	sock_owned_by_me(sk);
	return ttp_cgroup_connect6(sk, uaddr, &addr_len);
}

int ttp_v6_connect(struct sock *sk, ttp_sockaddr_t *uaddr, int addr_len)
{
	struct sockaddr_in6 *usin = (struct sockaddr_in6 *)uaddr;
	struct ipv6_pinfo *np = inet6_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct dst_entry *dst;
	struct flowi6 fl6;
	int addr_type, err;

	if (addr_len < SIN6_LEN_RFC2133)
		return -EINVAL;
	if (usin->sin6_family != AF_INET6)
		return -EAFNOSUPPORT;
	if (ipv6_addr_any(&usin->sin6_addr)) {
		/* Like TCP: connecting to "any" means this host. */
		if (ipv6_addr_v4mapped(&sk->sk_v6_rcv_saddr))
			ipv6_addr_set_v4mapped(htonl(INADDR_LOOPBACK), &usin->sin6_addr);
		else
			usin->sin6_addr = in6addr_loopback;
	}
	addr_type = ipv6_addr_type(&usin->sin6_addr);
	if (addr_type & IPV6_ADDR_MULTICAST)
		return -ENETUNREACH;
	if (addr_type & IPV6_ADDR_MAPPED)
		return ttp_v6_connect_mapped(sk, usin);
	if (addr_type & IPV6_ADDR_LINKLOCAL) {
		if (addr_len >= sizeof(struct sockaddr_in6) && usin->sin6_scope_id) {
			if (sk->sk_bound_dev_if &&
			    sk->sk_bound_dev_if != usin->sin6_scope_id)
				return -EINVAL;
			sk->sk_bound_dev_if = usin->sin6_scope_id;
		}
		if (!sk->sk_bound_dev_if)
			return -EINVAL;
	}

	ttp_set_af(sk, &ttp_ipv6_ops);
	sk->sk_v6_daddr = usin->sin6_addr;
	inet->inet_dport = usin->sin6_port;
	ttp_v6_flow(sk, &fl6);
	dst = ip6_dst_lookup_flow(sock_net(sk), sk, &fl6, NULL);
	if (IS_ERR(dst)) {
		err = PTR_ERR(dst);
		goto failure;
	}
	if (ipv6_addr_any(&np->saddr)) {
		np->saddr = fl6.saddr;
		sk->sk_v6_rcv_saddr = fl6.saddr;
	}
	/* IPv4 fields of an IPv6 connection: a placeholder, as in TCP. */
	inet->inet_daddr = LOOPBACK4_IPV6;
	inet->inet_rcv_saddr = LOOPBACK4_IPV6;
	inet->inet_saddr = LOOPBACK4_IPV6;

	err = ttp_port_connect(sk);
	if (err) {
		dst_release(dst);
		goto failure;
	}
	ttp_v6_store_route(sk, dst);
	ttp_connect_init(sk);
	ttp_set_state(sk, TTP_SYN_SENT);
	ttp_count(sock_net(sk), TTP_MIB_ACTIVE_OPENS);
	err = ttp_send_syn(sk);
	if (err)
		ttp_done(sk);
	return err;
failure:
	inet->inet_dport = 0;
	memset(&sk->sk_v6_daddr, 0, sizeof(sk->sk_v6_daddr));
	return err;
}

/* ICMPv6 about a segment we sent: what it means for TTP, then input.c acts. */
static int ttp_v6_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
		      u8 type, u8 code, int offset, __be32 info)
{
	const struct ipv6hdr *hdr = (const struct ipv6hdr *)skb->data;
	const struct ttphdr *th = (const struct ttphdr *)(skb->data + offset);
	struct ttp_conn_key key = {
		.family = AF_INET6,
		.laddr.v6 = hdr->saddr,
		.raddr.v6 = hdr->daddr,
		.lport = th->source,
		.rport = th->dest,
	};
	u32 seq = ntohl(th->seq);
	bool fatal;
	int err;

	/* Packet too big: the path MTU (RFC 8201), never below IPv6's least. */
	if (type == ICMPV6_PKT_TOOBIG) {
		if (ntohl(info) >= IPV6_MIN_MTU)
			ttp_icmp_error(skb, &key, seq, EMSGSIZE, false, ntohl(info));
		return 0;
	}
	fatal = icmpv6_err_convert(type, code, &err);
	ttp_icmp_error(skb, &key, seq, err, fatal, 0);
	return 0;
}

static const struct inet6_protocol ttp_v6_protocol = {
	.handler	= ttp_rcv_skb,
	.err_handler	= ttp_v6_err,
	.flags		= INET6_PROTO_NOPOLICY | INET6_PROTO_FINAL,
};

static struct inet_protosw ttp_v6_protosw = {
	.type		= SOCK_STREAM,
	.protocol	= IPPROTO_TTP,
	.prot		= &ttp6_prot,
	.ops		= &ttp6_stream_ops,
};

int ttp_ipv6_init(void)
{
	int err = inet6_add_protocol(&ttp_v6_protocol, IPPROTO_TTP);

	if (err)
		return err;
	err = inet6_register_protosw(&ttp_v6_protosw);
	if (err)
		inet6_del_protocol(&ttp_v6_protocol, IPPROTO_TTP);
	return err;
}

void ttp_ipv6_exit(void)
{
	inet6_unregister_protosw(&ttp_v6_protosw);
	inet6_del_protocol(&ttp_v6_protocol, IPPROTO_TTP);
}
