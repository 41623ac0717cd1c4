// SPDX-License-Identifier: GPL-2.0
/*
 * Path MTU. A router that cannot forward a segment as large as we sent it
 * says so (ICMP "fragmentation needed", RFC 1191; ICMPv6 "packet too big",
 * RFC 8201): the route learns the smaller MTU (ipv4.c, ipv6.c), the
 * socket's MSS follows, and what was sent too large goes again in pieces
 * that fit, as TCP's tcp_v4_mtu_reduced() and tcp_simple_retransmit() do.
 * Where those messages are filtered (a black hole), the namespace's
 * mtu_probing does what Linux's tcp_mtu_probing does: 0 nothing; 1 after
 * repeated timeouts of a full-sized segment fall back to a base MSS, and
 * halve it on each further one; 2 start every connection from the base
 * MSS. TTP does not probe upwards again (Documentation/protocol.md).
 */
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include "netns.h"
#include "stats.h"
#include "ttp.h"

/* Linux's tcp_base_mss and tcp_retries1 defaults. */
#define TTP_BASE_MSS		1024
#define TTP_BLACKHOLE_RETRIES	3

/* The socket's route, if still valid: ICMP may have made it stale. */
static struct dst_entry *ttp_dst_check(struct sock *sk)
{
	u32 cookie = ttp_sk(sk)->af == &ttp_ipv6_ops ? inet6_sk(sk)->dst_cookie : 0;

	return __sk_dst_check(sk, cookie);
}

/*
 * The route's MTU is lower now (pmtu_info, from an ICMP error): take the
 * new MSS, and send again what was sent larger than it. The congestion
 * window is not cut: the path dropped these for their size, not for
 * congestion. Socket locked.
 */
void ttp_mtu_reduced(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	unsigned int mss;

	sock_owned_by_me(sk);
	if ((1 << sk->sk_state) & (TTPF_LISTEN | TTPF_CLOSED))
		return;
	if (!ttp_dst_check(sk) && ts->af->rebuild_route(sk))
		return;
	mss = ttp_current_mss(sk);
	if (mss >= ts->mss)
		return;
	ts->mss = mss;
	ttp_count(sock_net(sk), TTP_MIB_PMTU_REDUCED);
	if (ts->cong.packets_out) {
		ttp_rewind(sk);
		ttp_push(sk);
	}
}

/*
 * A retransmission timeout: if mtu_probing allows, and it is the third of
 * a segment at least the current MSS long, suspect a path that drops large
 * packets and says nothing. Lower the MSS the socket may use (mss_cap) to
 * the base MSS, or halve it if it is there already; the retransmission
 * that follows goes in pieces of the new size. Socket locked.
 */
void ttp_mtu_blackhole(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);
	unsigned int cap;

	sock_owned_by_me(sk);
	if (!ttp_sk_param(sk, TTP_PARAM_MTU_PROBING) || !skb ||
	    ts->retries + 1 < TTP_BLACKHOLE_RETRIES || skb->len < ts->mss ||
	    ts->mss <= TTP_MIN_MSS)
		return;
	cap = ts->mss > TTP_BASE_MSS ? TTP_BASE_MSS : ts->mss / 2;
	ts->mss_cap = max_t(unsigned int, cap, TTP_MIN_MSS);
	ts->mss = ttp_current_mss(sk);
	ttp_count(sock_net(sk), TTP_MIB_PMTU_BLACKHOLES);
}

/* A new connection: with mtu_probing 2, it starts from the base MSS. */
void ttp_mtu_init(struct sock *sk)
{
	if (ttp_sk_param(sk, TTP_PARAM_MTU_PROBING) == 2)
		ttp_sk(sk)->mss_cap = TTP_BASE_MSS;
}
