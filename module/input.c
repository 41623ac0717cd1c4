// SPDX-License-Identifier: GPL-2.0
/*
 * The receive side: one entry point for IPv4 and IPv6, checking a segment,
 * finding what it belongs to (and what an ICMP error is about), and the
 * state machine of RFC 9293 3.10.7 for full sockets (listeners, request and
 * TIME_WAIT entries have files of their own).
 */
#include <linux/filter.h>
#include <linux/security.h>
#include <linux/sizes.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/xfrm.h>
#include "netns.h"
#include "stats.h"
#include "ttp.h"

static void ttp_drop(struct net *net, const struct ttp_conn_key *key,
		     struct sk_buff *skb, enum ttp_counter why)
{
	ttp_count_drop(net, key, why);
	kfree_skb(skb);
}

void ttp_key_from_skb(const struct sk_buff *skb, struct ttp_conn_key *key)
{
	const struct ttphdr *th = (const struct ttphdr *)skb_transport_header(skb);

	memset(key, 0, sizeof(*key));
	key->lport = th->dest;
	key->rport = th->source;
	if (ip_hdr(skb)->version == 4) {
		key->family = AF_INET;
		key->laddr.v4 = ip_hdr(skb)->daddr;
		key->raddr.v4 = ip_hdr(skb)->saddr;
	} else {
		key->family = AF_INET6;
		key->laddr.v6 = ipv6_hdr(skb)->daddr;
		key->raddr.v6 = ipv6_hdr(skb)->saddr;
	}
}

/*
 * The checks before the common ones: the header is all there and its length
 * makes sense; then the checksum. The caller frees the segment on error.
 */
int ttp_rcv_header_ok(struct sk_buff *skb, struct net *net)
{
	const struct ttphdr *th;
	int hdrlen;

	ttp_count(net, TTP_MIB_IN_SEGS);
	if (!pskb_may_pull(skb, TTP_HDR_LEN))
		goto bad_header;
	skb_set_transport_header(skb, 0);
	th = (const struct ttphdr *)skb_transport_header(skb);
	hdrlen = (th->doff >> 4) * 4;
	if (hdrlen < TTP_HDR_LEN || !pskb_may_pull(skb, hdrlen))
		goto bad_header;
	return 0;
bad_header:
	ttp_count(net, TTP_MIB_IN_ERRS);
	ttp_count_drop(net, NULL, TTP_MIB_DROP_BAD_HEADER);
	return -EINVAL;
}

/*
 * Flag combinations no honest peer sends: nothing at all, SYN with FIN or
 * RST, FIN or PSH without ACK, and any bit TTP does not define.
 */
static bool ttp_flags_valid(u8 flags)
{
	if (flags & ~TTP_FLAGS_KNOWN)
		return false;
	if (!(flags & (TTP_FLAG_SYN | TTP_FLAG_ACK | TTP_FLAG_RST)))
		return false;
	if ((flags & TTP_FLAG_SYN) && (flags & (TTP_FLAG_FIN | TTP_FLAG_RST)))
		return false;
	if ((flags & (TTP_FLAG_FIN | TTP_FLAG_PSH)) && !(flags & TTP_FLAG_ACK))
		return false;
	return true;
}

/*
 * The checks every segment passes before anything looks it up: the header
 * is whole, its length sane, the flags and options well formed. The caller
 * has checked the checksum. On success the header is parsed into the
 * control block and pulled, leaving the payload; on failure the segment is
 * counted (InErrs and the reason) and the caller frees it.
 */
int ttp_rcv_check(struct sk_buff *skb, struct net *net)
{
	struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
	const struct ttphdr *th;
	int hdrlen;

	th = (const struct ttphdr *)skb_transport_header(skb);
	hdrlen = (th->doff >> 4) * 4;
	memset(cb, 0, sizeof(*cb));
	if (!ttp_flags_valid(th->flags)) {
		ttp_count(net, TTP_MIB_IN_ERRS);
		ttp_count_drop(net, NULL, TTP_MIB_DROP_BAD_FLAGS);
		return -EINVAL;
	}
	if (ttp_parse_options((const u8 *)(th + 1), hdrlen - TTP_HDR_LEN,
			      th->flags & TTP_FLAG_SYN, cb)) {
		ttp_count(net, TTP_MIB_IN_ERRS);
		ttp_count_drop(net, NULL, TTP_MIB_DROP_BAD_OPTIONS);
		return -EINVAL;
	}
	cb->seq = ntohl(th->seq);
	cb->ack = ntohl(th->ack_seq);
	cb->flags = th->flags;
	cb->wnd = ntohs(th->window);
	__skb_pull(skb, hdrlen);
	cb->len = skb->len;
	cb->end_seq = cb->seq + cb->len + !!(cb->flags & TTP_FLAG_SYN) +
		      !!(cb->flags & TTP_FLAG_FIN);
	return 0;
}

/*
 * Hand a segment to a socket: at once if no task owns it, else to its
 * backlog, which release_sock() works through. The lock is taken at
 * lockdep's nesting level 1, as TCP's receive path does, so that a
 * listener's child can be locked inside it at level 0.
 */
void ttp_sock_rcv(struct sock *sk, struct sk_buff *skb)
{
	__ttp_sock_rcv(sk, skb, SINGLE_DEPTH_NESTING);
}

/*
 * Whether SKB may be appended to TAIL, the last segment waiting in a busy
 * socket's backlog: both carry data and acknowledge, SKB's begins where
 * TAIL's ends, neither synchronizes or resets, TAIL has no FIN, neither
 * carries SACK blocks, and their timestamps are the same, as
 * tcp_add_backlog() asks the options to be: then the two pass PAWS and
 * set TS.Recent alike, and no block is lost.
 */
static bool ttp_backlog_can_coalesce(const struct ttp_skb_cb *tail,
				     const struct ttp_skb_cb *cb)
{
	return tail->len && cb->len && tail->end_seq == cb->seq &&
	       (tail->flags & cb->flags & TTP_FLAG_ACK) &&
	       !((tail->flags | cb->flags) & (TTP_FLAG_SYN | TTP_FLAG_RST)) &&
	       !(tail->flags & TTP_FLAG_FIN) && !tail->sack_off && !cb->sack_off &&
	       tail->has_ts == cb->has_ts &&
	       (!cb->has_ts || (tail->tsval == cb->tsval && tail->tsecr == cb->tsecr));
}

/*
 * SKB came while a task owns SK: queue it for release_sock(), as
 * tcp_add_backlog() does. A segment that continues the last one waiting
 * is appended to it, whatever the limit (MAX_SKB_FRAGS bounds it): a bulk
 * flow then waits as a few large segments, which cost less memory than
 * their parts and one pass each through the state machine. The newer
 * ACK and window are kept. Otherwise up to twice the receive buffer, half
 * the send buffer and 64 KB may wait, TCP's limit: the owner may be
 * reading a full receive queue. True if SKB was dropped.
 */
static bool ttp_add_backlog(struct sock *sk, struct sk_buff *skb)
{
	struct ttp_skb_cb *cb = TTP_SKB_CB(skb), *tcb;
	struct sk_buff *tail = sk->sk_backlog.tail;
	struct skb_shared_info *shinfo;
	bool stolen;
	int delta;
	u64 limit;

	/* Payload pulled into the head frees its pages (a small segment). */
	ttp_compat_skb_condense(skb);
	/*
	 * Only where data comes in: a listener's segments are each their
	 * own connection's, and one closed under its owner holds a backlog
	 * of strangers' segments too.
	 */
	if (tail && ((1 << sk->sk_state) &
		     (TTPF_ESTABLISHED | TTPF_FIN_WAIT1 | TTPF_FIN_WAIT2)) &&
	    ttp_backlog_can_coalesce(TTP_SKB_CB(tail), cb) &&
	    skb_try_coalesce(tail, skb, &stolen, &delta)) {
		tcb = TTP_SKB_CB(tail);
		shinfo = skb_shinfo(tail);
		shinfo->gso_size = max_t(u32, shinfo->gso_size ?: tcb->len,
					 skb_shinfo(skb)->gso_size ?: cb->len);
		shinfo->gso_segs = min_t(u32, max_t(u16, shinfo->gso_segs, 1) +
					 max_t(u16, skb_shinfo(skb)->gso_segs, 1), 0xffff);
		tcb->end_seq = cb->end_seq;
		tcb->len += cb->len;
		tcb->flags |= cb->flags;
		if (!ttp_before(cb->ack, tcb->ack)) {
			tcb->ack = cb->ack;
			tcb->wnd = cb->wnd;
		}
		sk->sk_backlog.len += delta;
		ttp_count(sock_net(sk), TTP_MIB_BACKLOG_COALESCE);
		kfree_skb_partial(skb, stolen);
		return false;
	}
	limit = 2ULL * READ_ONCE(sk->sk_rcvbuf) + (READ_ONCE(sk->sk_sndbuf) >> 1) + SZ_64K;
	return sk_add_backlog(sk, skb, min_t(u64, limit, UINT_MAX));
}

void __ttp_sock_rcv(struct sock *sk, struct sk_buff *skb, int subclass)
{
	spin_lock_nested(&sk->sk_lock.slock, subclass);
	if (!sock_owned_by_user(sk)) {
		ttp_backlog_rcv(sk, skb);
	} else if (ttp_add_backlog(sk, skb)) {
		bh_unlock_sock(sk);
		ttp_drop(sock_net(sk), &ttp_sk(sk)->conn.key, skb, TTP_MIB_DROP_BACKLOG);
		return;
	}
	bh_unlock_sock(sk);
}

/*
 * A socket's filters: SO_ATTACH_FILTER or SO_ATTACH_BPF, a cgroup's BPF
 * ingress program and the LSM's sock_rcv_skb hook, all run by
 * sk_filter_trim_cap() as for TCP. They see the segment from its TTP
 * header, which they may not trim; the payload they may, and the control
 * block follows.
 */
static bool ttp_filter_pass(struct sock *sk, struct sk_buff *skb)
{
	struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
	unsigned int hdrlen = skb->data - skb_transport_header(skb);
	bool pass;

	__skb_push(skb, hdrlen);
	pass = !sk_filter_trim_cap(sk, skb, hdrlen);
	__skb_pull(skb, hdrlen);
	if (pass && skb->len != cb->len) {
		cb->len = skb->len;
		cb->end_seq = cb->seq + cb->len + !!(cb->flags & TTP_FLAG_SYN) +
			      !!(cb->flags & TTP_FLAG_FIN);
	}
	return pass;
}

/*
 * Where a segment for KEY that came in on DIF (SDIF enslaved to it) goes: a
 * socket (a request entry's listener, which decides for it), returned
 * with a reference; or a TIME_WAIT entry, in *TW with one; or nowhere.
 */
static struct sock *ttp_rcv_find(struct net *net, const struct ttp_conn_key *key,
				 int dif, int sdif, struct ttp_tw **tw)
{
	struct ttp_conn *conn;
	struct sock *sk;

	*tw = NULL;
	rcu_read_lock();
	conn = ttp_conn_find(net, key, dif, sdif);
	if (conn && !ttp_conn_hold(conn))
		conn = NULL;
	rcu_read_unlock();
	if (!conn)
		return ttp_listener_lookup(net, key, dif, sdif);
	switch (conn->kind) {
	case TTP_CONN_SOCK:
		return (struct sock *)container_of(conn, struct ttp_sock, conn);
	case TTP_CONN_REQ:
		sk = container_of(conn, struct ttp_request, conn)->listener;
		sock_hold(sk);
		ttp_conn_put(conn);
		return sk;
	}
	*tw = container_of(conn, struct ttp_tw, conn);
	return NULL;
}

/*
 * IPsec policy, as TCP's receive path asks it: the socket's, else (a
 * TIME_WAIT entry, no socket at all) the host's; IP left it to us (TTP is
 * registered no_policy). It reads IP's control block, so it comes before
 * the segment's header is parsed into that space.
 */
static bool ttp_policy_ok(struct net *net, struct sock *sk, struct sk_buff *skb,
			  const struct ttp_conn_key *key)
{
	if (!(key->family == AF_INET ? xfrm4_policy_check(sk, XFRM_POLICY_IN, skb) :
				       xfrm6_policy_check(sk, XFRM_POLICY_IN, skb))) {
		ttp_count_drop(net, key, TTP_MIB_DROP_POLICY);
		return false;
	}
	nf_reset_ct(skb);
	return true;
}

/*
 * The receive entry point for both families, registered with IPv4 and
 * IPv6 alike (ipv4.c, ipv6.c): the header and the checksum, what the
 * segment is for, the host's policy, then its flags and options, the
 * socket's filters, and the socket, the TIME_WAIT entry or a reset.
 */
int ttp_rcv_skb(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	bool v4 = ip_hdr(skb)->version == 4;
	int dif = v4 ? inet_iif(skb) : inet6_iif(skb);
	int sdif = v4 ? inet_sdif(skb) : inet6_sdif(skb);
	const struct ttp_af_ops *af = v4 ? &ttp_ipv4_ops : &ttp_ipv6_ops;
	struct ttp_conn_key key, rkey;
	char ipcb[sizeof_field(struct sk_buff, cb)];
	struct ttp_tw *tw = NULL;
	struct sock *sk = NULL;
	struct ttp_skb_cb cb;

	if (skb->pkt_type != PACKET_HOST)
		goto discard;
	if (ttp_rcv_header_ok(skb, net))
		goto discard;
	if ((v4 ? skb_checksum_init(skb, IPPROTO_TTP, inet_compute_pseudo) :
		  skb_checksum_init(skb, IPPROTO_TTP, ip6_compute_pseudo)) ||
	    skb_checksum_complete(skb)) {
		ttp_count(net, TTP_MIB_IN_ERRS);
		ttp_count_drop(net, NULL, TTP_MIB_IN_CSUM_ERRORS);
		goto discard;
	}
	ttp_key_from_skb(skb, &key);
	sk = ttp_rcv_find(net, &key, dif, sdif, &tw);
	if (!ttp_policy_ok(net, sk, skb, &key))
		goto discard;
	/*
	 * IP's control block is ours from here. A TIME_WAIT entry may hand
	 * the segment to a listener whose policy then asks again: only then
	 * is IP's kept.
	 */
	if (tw)
		memcpy(ipcb, skb->cb, sizeof(ipcb));
	if (ttp_rcv_check(skb, net))
		goto discard;
	TTP_SKB_CB(skb)->dif = dif;
	TTP_SKB_CB(skb)->sdif = sdif;
	if (tw) {
		sk = ttp_tw_rcv(tw, skb);
		ttp_tw_put(tw);
		tw = NULL;
		if (!sk)
			return 0;
		/*
		 * A SYN that ended the entry goes to a listener, whose policy
		 * it has not met: asked now, as TCP does, with IP's control
		 * block back in place for the question.
		 */
		cb = *TTP_SKB_CB(skb);
		memcpy(skb->cb, ipcb, sizeof(ipcb));
		if (!ttp_policy_ok(net, sk, skb, &key))
			goto discard;
		*TTP_SKB_CB(skb) = cb;
	}
	if (sk) {
		if (ttp_filter_pass(sk, skb)) {
			ttp_sock_rcv(sk, skb);
		} else {
			ttp_count_drop(net, &key, TTP_MIB_DROP_FILTER);
			kfree_skb(skb);
		}
		sock_put(sk);
		return 0;
	}
	/* From inside a VRF, the reset goes back through the VRF's routes. */
	rkey = key;
	if (sdif)
		rkey.dif = dif;
	ttp_send_reset_reply(net, af, &rkey, TTP_SKB_CB(skb), dif);
	ttp_drop(net, &key, skb, TTP_MIB_DROP_NO_SOCKET);
	return 0;
discard:
	if (tw)
		ttp_tw_put(tw);
	if (sk)
		sock_put(sk);
	kfree_skb(skb);
	return 0;
}

/*
 * An ICMP or ICMPv6 error (SKB, its data at the IP header it quotes) about
 * a segment we sent to KEY whose sequence number was SEQ, translated by the
 * family (ipv4.c, ipv6.c). It counts only if it is about something in
 * flight (RFC 5927): a blind attacker would have to guess the window. Then
 * a lower path MTU (MTU, else 0) goes to the route and the MSS (pmtu.c); a
 * hard error ends a connection that is still being set up (a host without
 * TTP answers "protocol unreachable"); any other is reported softly, as
 * TCP does.
 */
void ttp_icmp_error(struct sk_buff *skb, const struct ttp_conn_key *key, u32 seq,
		    int err, bool fatal, u32 mtu)
{
	struct net *net = dev_net(skb->dev);
	bool v4 = key->family == AF_INET;
	struct ttp_conn *conn;
	struct ttp_sock *ts;
	struct sock *sk;

	rcu_read_lock();
	conn = ttp_conn_find(net, key, v4 ? inet_iif(skb) : inet6_iif(skb),
			     v4 ? inet_sdif(skb) : inet6_sdif(skb));
	if (!conn || conn->kind != TTP_CONN_SOCK || !ttp_conn_hold(conn)) {
		rcu_read_unlock();
		return;
	}
	rcu_read_unlock();
	sk = (struct sock *)container_of(conn, struct ttp_sock, conn);
	ts = ttp_sk(sk);
	bh_lock_sock(sk);
	if (sk->sk_state == TTP_LISTEN || ts->snd_una == ts->snd_max ||
	    !ttp_between(seq, ts->snd_una, ts->snd_max - 1)) {
		ttp_count(net, TTP_MIB_OUT_OF_WINDOW_ICMPS);
	} else if (mtu) {
		ts->af->update_pmtu(skb, sk, mtu);
		if (!sock_owned_by_user(sk))
			ttp_mtu_reduced(sk);
		else if (!test_and_set_bit(TTP_DEFER_MTU, &ts->deferred))
			sock_hold(sk);
	} else if (sk->sk_state == TTP_SYN_SENT && !sock_owned_by_user(sk) && fatal) {
		WRITE_ONCE(sk->sk_err, err);
		sk_error_report(sk);
		ttp_done(sk);
	} else {
		WRITE_ONCE(sk->sk_err_soft, err);
	}
	bh_unlock_sock(sk);
	sock_put(sk);
}

/*
 * RFC 9293's acceptability test, against the window we advertised last:
 * some of the segment must fall inside it. A zero-length segment may also
 * sit on the right edge itself, as Linux allows: a peer that filled our
 * window sends its bare ACKs from there (snd_max), and while what it sent
 * is still on the way they would all be refused. Two ends that had both
 * filled each other's windows and then timed out would refuse each
 * other's ACKs until they gave up.
 */
static bool ttp_seq_acceptable(const struct ttp_sock *ts, const struct ttp_skb_cb *cb)
{
	u32 right = ts->rcv_wup + ts->rcv_wnd;
	u32 wnd = ttp_after(right, ts->rcv_nxt) ? right - ts->rcv_nxt : 0;
	u32 len = cb->end_seq - cb->seq;

	if (!len)
		return ttp_between(cb->seq, ts->rcv_nxt, ts->rcv_nxt + wnd);
	if (!wnd)
		return false;
	return ttp_between(cb->seq, ts->rcv_nxt, ts->rcv_nxt + wnd - 1) ||
	       ttp_between(cb->seq + len - 1, ts->rcv_nxt, ts->rcv_nxt + wnd - 1);
}

/*
 * Replies to segments that are not acceptable (out of the window, too old,
 * a challenge) are limited to one per invalid_ratelimit_ms per socket, so
 * that two confused ends cannot keep each other busy. The budget is the
 * socket's own: a budget shared by all connections would let an off-path
 * attacker learn about them by watching it run out (CVE-2016-5696).
 * Segments with data are always answered, as in Linux.
 */
static bool ttp_reply_limited(struct sock *sk, const struct ttp_skb_cb *cb)
{
	struct ttp_sock *ts = ttp_sk(sk);
	u32 ms = ttp_sk_param(sk, TTP_PARAM_INVALID_RATELIMIT_MS);

	if (!ms || (cb->len && !(cb->flags & TTP_FLAG_SYN)))
		return false;
	if (ts->last_oow_ack &&
	    time_before(jiffies, ts->last_oow_ack + msecs_to_jiffies(ms)))
		return true;
	ts->last_oow_ack = jiffies ?: 1;
	return false;
}

/* RFC 5961: answer a suspicious RST or SYN with an ACK, do nothing else. */
static void ttp_challenge_ack(struct sock *sk, const struct ttp_skb_cb *cb)
{
	if (ttp_reply_limited(sk, cb)) {
		ttp_count(sock_net(sk), TTP_MIB_CHALLENGE_ACKS_LIMITED);
		return;
	}
	ttp_count(sock_net(sk), TTP_MIB_CHALLENGE_ACKS);
	ttp_send_ack(sk);
}

/*
 * The ACK a segment outside the window or otherwise unacceptable gets.
 * Data that came before (a resend of what arrived) is reported in a
 * D-SACK block, as tcp_send_dupack() does.
 */
static void ttp_dup_ack(struct sock *sk, const struct ttp_skb_cb *cb)
{
	struct ttp_sock *ts = ttp_sk(sk);

	if ((cb->flags & TTP_FLAG_RST) || ttp_reply_limited(sk, cb))
		return;
	if (cb->len && ttp_before(cb->seq, ts->rcv_nxt))
		ttp_dsack_set(sk, cb->seq, ttp_before(cb->end_seq, ts->rcv_nxt) ?
				  cb->end_seq : ts->rcv_nxt);
	ttp_send_ack(sk);
}

/*
 * TS.Recent is 24 days old: the peer's clock may have wrapped since, so
 * any TSval is taken (RFC 7323 5.5, Linux's tcp_paws_check()).
 */
static bool ttp_ts_recent_stale(const struct ttp_sock *ts)
{
	return ts->ts_recent_stamp && time_after(jiffies, ts->ts_recent_stamp + TTP_PAWS_IDLE);
}

/*
 * RFC 7323: remember the peer's clock from segments that advance ours.
 * A TS.Recent of 0 gives way to any TSval, as in TCP's tcp_paws_check():
 * some stacks stamp their SYN 0 and send their real clock after, which
 * may lie "before" 0 in 32-bit arithmetic.
 */
static void ttp_store_ts(struct ttp_sock *ts, const struct ttp_skb_cb *cb)
{
	if (ts->tstamp_ok && cb->has_ts && !ttp_after(cb->seq, ts->rcv_wup) &&
	    ((s32)(cb->tsval - ts->ts_recent) >= 0 || !ts->ts_recent ||
	     ttp_ts_recent_stale(ts))) {
		ts->ts_recent = cb->tsval;
		ts->ts_recent_stamp = jiffies;
	}
}

/*
 * Would this segment move the send window? One that acknowledges new data
 * or is newer than the one the window came on does; one as old does only
 * to open the window or to shut it, so that an older ACK overtaken by a
 * newer one cannot take back what the newer offered. Linux's
 * tcp_may_update_window(), as is.
 */
static bool ttp_may_update_window(const struct ttp_sock *ts, const struct ttp_skb_cb *cb,
				  u32 nwin)
{
	return ttp_after(cb->ack, ts->snd_una) || ttp_after(cb->seq, ts->snd_wl1) ||
	       (cb->seq == ts->snd_wl1 && (nwin > ts->snd_wnd || !nwin));
}

/* The peer's window in bytes: a SYN's is never scaled (RFC 7323 2.2). */
static u32 ttp_seg_wnd(const struct ttp_sock *ts, const struct ttp_skb_cb *cb)
{
	return (cb->flags & TTP_FLAG_SYN) ? cb->wnd : cb->wnd << ts->snd_wscale;
}

/*
 * An ACK the path reordered behind a newer one (Linux's
 * tcp_disordered_ack()): a pure duplicate ACK at rcv_nxt that moves
 * neither sequence space nor the window, its TSval within an RTO's worth
 * of ticks (at up to 1200 Hz, as TCP allows for) of TS.Recent. PAWS would
 * drop it, and with it the duplicate-ACK and SACK news it carries, which
 * is all it can change: a recovery behind a reordering ACK path would go
 * without the news.
 */
static bool ttp_disordered_ack(const struct ttp_sock *ts, const struct ttp_skb_cb *cb)
{
	return (cb->flags & TTP_FLAG_ACK) && !cb->len &&
	       !(cb->flags & (TTP_FLAG_SYN | TTP_FLAG_FIN)) &&
	       cb->seq == ts->rcv_nxt && cb->ack == ts->snd_una &&
	       !ttp_may_update_window(ts, cb, ttp_seg_wnd(ts, cb)) &&
	       (s32)(ts->ts_recent - cb->tsval) <= (s32)(ts->rto * 1200 / HZ);
}

/*
 * PAWS (RFC 7323 5): a segment whose timestamp is older than the newest
 * seen is an old duplicate, unless the connection sat idle for 24 days
 * or it is a disordered ACK. One tick older passes (TTP_PAWS_WINDOW), as
 * in TCP's tcp_paws_check(), and so does anything after a TS.Recent of
 * 0 (ttp_store_ts()). It only judges: TS.Recent moves later, once the
 * segment has passed every check.
 */
static bool ttp_paws_reject(const struct ttp_sock *ts, const struct ttp_skb_cb *cb)
{
	if (!ts->tstamp_ok || !cb->has_ts || !ts->ts_recent_stamp || !ts->ts_recent ||
	    (cb->flags & TTP_FLAG_RST) ||
	    (s32)(ts->ts_recent - cb->tsval) <= TTP_PAWS_WINDOW)
		return false;
	return !ttp_ts_recent_stale(ts) && !ttp_disordered_ack(ts, cb);
}

static void ttp_rearm_rtx(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);

	if (ts->persist)
		return;
	if (!ts->cong.packets_out)
		ttp_idle_rtx_timer(sk);
	else
		ttp_reset_rtx_timer(sk, ts->rto);
}

/*
 * A pure duplicate ACK as Linux tells one (not FLAG_NOT_DUP): it
 * acknowledges nothing new, carries no data, and does not update the
 * window. RFC 5681 2 (e) asks only that the window's value be the same;
 * Linux, and so TTP, asks that the ACK not update it at all (WIN_UPDATE,
 * ttp_may_update_window()'s answer). So an ACK newer than the segment the
 * window came on (the peer's first bare ACK after its data) and a
 * repeated zero window are not duplicates: neither says a segment of ours
 * arrived out of order. Counted towards a fast retransmission only while
 * data is outstanding; with none, it still tells that a loss probe's
 * original arrived too (ttp_tlp_ack()).
 */
static bool ttp_is_pure_dup(const struct ttp_sock *ts, const struct ttp_skb_cb *cb,
			    bool win_update)
{
	return cb->ack == ts->snd_una && !cb->len &&
	       !(cb->flags & (TTP_FLAG_SYN | TTP_FLAG_FIN)) && !win_update;
}

/*
 * Before RACK looks for losses (ttp_recovery_ack()): D-SACKs this ACK or
 * an earlier one brought may widen the reordering window, reckoned from
 * the rate sample of what the ACK delivered, as tcp_ack() calls
 * tcp_rack_update_reo_wnd() before tcp_fastretrans_alert().
 */
static void ttp_ack_reo_wnd(struct sock *sk)
{
	const struct ttp_rate *r = &ttp_sk(sk)->rate;

	ttp_rack_update_reo_wnd(sk, r->sample ? r->prior_delivered : 0);
}

/*
 * What every acceptable ACK ends with, new data acknowledged or not: a
 * delivery-rate sample of what it delivered since PRIOR_DELIVERED, the
 * pacing rate from the window it left, what the windows now allow sent,
 * and the loss probe re-armed.
 */
static void ttp_ack_done(struct sock *sk, u32 prior_delivered)
{
	ttp_rate_ack(sk, ttp_sk(sk)->cong.delivered - prior_delivered);
	ttp_pacing_update(sk);
	ttp_push(sk);
	ttp_tlp_schedule(sk);
	ttp_wq_check(sk);
}

/*
 * An acceptable ACK: update the send window, free what it acknowledges,
 * take an RTT sample, let congestion control see it, and send what the
 * windows now allow.
 */
static void ttp_ack(struct sock *sk, const struct sk_buff *in)
{
	const struct ttp_skb_cb *cb = TTP_SKB_CB(in);
	struct ttp_sock *ts = ttp_sk(sk);
	u32 ack = cb->ack, sample_us = 0;
	u32 nwin = ttp_seg_wnd(ts, cb);
	bool win_update = ttp_may_update_window(ts, cb, nwin);
	u32 prior_una = ts->snd_una;
	u32 prior_delivered = ts->cong.delivered;
	u32 tsecr = ts->tstamp_ok && cb->has_ts ? cb->tsecr : 0;
	u32 acked = 0, sacked = 0, sack_rtt_us = 0;
	struct sk_buff *skb;
	bool freed = false, rtx_acked = false;

	/*
	 * SND.WL1 (RFC 9293 3.10.7.4) as Linux keeps it: newer segments move
	 * the window, and any that acknowledges new data. The window is
	 * reckoned from snd_una: one left from an older ACK would put its
	 * right edge past what the peer offered. (A peer that went back to
	 * resend its own data acknowledges ours on segments whose sequence
	 * numbers are older than those its window came on.)
	 */
	if (win_update) {
		ts->snd_wnd = nwin;
		ts->snd_wl1 = cb->seq;
		ts->max_window = max(ts->max_window, ts->snd_wnd);
	}
	if (!ttp_after(ack, ts->snd_una)) {
		bool pure_dup = ttp_is_pure_dup(ts, cb, win_update);
		bool dupack = pure_dup && ts->cong.packets_out;

		if (ts->sack_ok) {
			if (cb->sack_off)
				sacked = ttp_sacktag(sk, in, prior_una, &sack_rtt_us);
			/* Its only RTT sample, as Linux's tcp_ack_update_rtt(). */
			if (sack_rtt_us)
				ttp_ack_update_rtt(sk, sack_rtt_us);
			ts->cong.delivered += sacked;
			ttp_ack_reo_wnd(sk);
			ttp_recovery_ack(sk, 0, sacked, tsecr, false, dupack);
			ttp_tlp_ack(sk, ack, pure_dup && !sacked);
		} else if (dupack) {
			ttp_cong_dupack(sk);
		}
		ttp_ack_done(sk, prior_delivered);
		return;
	}

	while ((skb = skb_peek(&sk->sk_write_queue)) &&
	       ttp_before(TTP_SKB_CB(skb)->seq, ack)) {
		const struct ttp_skb_cb *scb = TTP_SKB_CB(skb);
		/* SACKed before: delivered then, and counted then. */
		bool delivered = scb->sacked & TTP_SACKED_DELIVERED;
		bool whole = !ttp_after(scb->end_seq, ack);
		u32 segs = ttp_skb_pcount(skb);

		/*
		 * An ACK inside an skb of several segments: those it covers
		 * go (tcp_tso_acked()); the rest stays, sent as it was.
		 */
		if (!whole) {
			if (segs == 1)
				break;
			segs = ttp_trim_head(sk, skb, ack - scb->seq);
			if (!segs)
				break;
		}
		if (!delivered) {
			ttp_rack_advance(sk, scb);
			ttp_rate_delivered(sk, scb);
		}
		if (skb == ts->send_head) {
			/* Sent before a timeout rewound send_head: not in flight. */
			if (whole)
				ttp_send_head_next(sk, skb);
			ts->cong.delivered += delivered ? 0 : segs;
		} else {
			ts->cong.packets_out -= segs;
			ttp_sack_account(sk, scb->sacked, -(int)segs);
			acked += delivered ? 0 : segs;
		}
		if (scb->retransmitted)
			rtx_acked = true;
		else if (!delivered)
			sample_us = ttp_sk_now_us(sk) - scb->sent_us;
		freed = true;
		if (!whole)
			break;
		__skb_unlink(skb, &sk->sk_write_queue);
		sk_wmem_queued_add(sk, -skb->truesize);
		/* Reclaimed once the segment is done: ttp_rcv_state(). */
		sk_forward_alloc_add(sk, skb->truesize);
		__kfree_skb(skb);
	}
	ts->bytes_acked += ack - ts->snd_una;
	ts->snd_una = ack;
	if (!ts->cong.packets_out)
		ttp_rack_idle(sk);
	if (ttp_after(ack, ts->snd_nxt))
		ts->snd_nxt = ack;
	ts->retries = 0;
	ts->backoff = 0;

	/*
	 * Karn's rule, as Linux applies it: an ACK that covers a segment sent
	 * twice says nothing about the path from the send times of the others
	 * either, as it may have waited for the repair of a hole before them.
	 * Timestamps give a sample even then (RFC 7323), to the millisecond;
	 * the send time is better when valid.
	 */
	if (rtx_acked)
		sample_us = 0;
	/* A passive child's SYN-ACK, never queued: ttp_child_create() timed it. */
	if (!sample_us && (freed || prior_una != ts->iss) &&
	    ts->tstamp_ok && cb->has_ts && cb->tsecr)
		sample_us = ttp_tsecr_rtt_us(ttp_sk_tsval(sk), cb->tsecr);
	if (sample_us)
		ttp_ack_update_rtt(sk, sample_us);
	else
		ttp_reset_rto(sk);	/* undo the backoff */

	ttp_cong_undo_loss(sk, tsecr);
	if (ts->sack_ok) {
		if (cb->sack_off)
			sacked = ttp_sacktag(sk, in, prior_una, &sack_rtt_us);
		/* Nothing else timed this ACK: what it SACKed does. */
		if (!sample_us && sack_rtt_us)
			ttp_ack_update_rtt(sk, sack_rtt_us);
		ts->cong.delivered += acked + sacked;
		ttp_ack_reo_wnd(sk);
		ttp_recovery_ack(sk, acked, sacked, tsecr, true, false);
	} else {
		ts->cong.delivered += acked;
		ttp_cong_ack(sk, acked, tsecr);
	}
	ttp_rearm_rtx(sk);
	if (ts->sack_ok) {
		ttp_tlp_ack(sk, ack, false);
		ttp_sack_reneged(sk);
	}
	if (freed) {
		ttp_sndbuf_expand(sk);
		/*
		 * Wake writers only if one found the buffer full, as
		 * tcp_check_space(): ttp_poll() and sendmsg set SOCK_NOSPACE
		 * before they look again or sleep, and the barrier pairs
		 * with theirs. Else every ACK woke whoever waits to read.
		 */
		smp_mb();
		if (sk->sk_socket && test_bit(SOCK_NOSPACE, &sk->sk_socket->flags))
			sk->sk_write_space(sk);
	}
	ttp_ack_done(sk, prior_delivered);
}

/* Put an in-order segment on the receive queue. */
static void ttp_queue_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct ttp_sock *ts = ttp_sk(sk);
	u32 end = TTP_SKB_CB(skb)->end_seq;

	/* What is new of it: a resend may overlap what came before. */
	ts->bytes_received += end - ts->rcv_nxt - !!(TTP_SKB_CB(skb)->flags & TTP_FLAG_FIN);
	ts->rcv_nxt = end;
	if (skb->len) {
		ts->last_data_recv = jiffies;
		__skb_queue_tail(&sk->sk_receive_queue, skb);
	} else {
		consume_skb(skb);	/* a bare FIN: only its sequence counts */
	}
}

static void ttp_fin(struct sock *sk)
{
	/*
	 * Nothing comes after the peer's FIN: what is held beyond it (only
	 * a peer that breaks the rules sends it) goes, as tcp_fin() purges.
	 */
	ttp_ooo_purge(sk);
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
	sock_set_flag(sk, SOCK_DONE);
	switch (sk->sk_state) {
	case TTP_ESTABLISHED:
		ttp_set_state(sk, TTP_CLOSE_WAIT);
		break;
	case TTP_FIN_WAIT_1:
		/* Both closing at once (RFC 9293 figure 13). */
		ttp_set_state(sk, TTP_CLOSING);
		break;
	}
	if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		if (sk->sk_shutdown == SHUTDOWN_MASK || sk->sk_state == TTP_CLOSED)
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_HUP);
		else
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_IN);
	}
}

/*
 * ACK the next segments at once, not every second one after a delay: a
 * sender repairing a loss has a small window, and a delayed ACK would
 * stall it (Linux's tcp_enter_quickack_mode()).
 */
static void ttp_quickack_mode(struct ttp_sock *ts)
{
	ts->quickack = max_t(u8, ts->quickack, TTP_MAX_QUICKACKS);
}

/* An early segment brings nothing the queue lacks: D-SACK it, drop it. */
static void ttp_ooo_duplicate(struct sock *sk, struct sk_buff *skb)
{
	ttp_dsack_set(sk, TTP_SKB_CB(skb)->seq, TTP_SKB_CB(skb)->end_seq);
	ttp_send_ack(sk);
	kfree_skb(skb);
}

/*
 * Within the receive buffer and, counted if not, TTP's global limit. As
 * TCP's tcp_try_rmem_schedule(), a segment is taken while the buffer is not
 * yet over its size, so it may end over by one segment.
 */
static bool ttp_rmem_fits(struct sock *sk, struct sk_buff *skb)
{
	if (atomic_read(&sk->sk_rmem_alloc) > READ_ONCE(sk->sk_rcvbuf))
		return false;
	if (sk_rmem_schedule(sk, skb, skb->truesize))
		return true;
	ttp_count(sock_net(sk), TTP_MIB_MEMORY_REFUSED);
	return false;
}

/*
 * A segment does not fit: make room as TCP's tcp_prune_queue() does,
 * first by compacting what waits to be read and what arrived early,
 * then, for one in order, by giving up what arrived early (never for
 * early data: what is dropped is as much the sender's to send again as
 * what it makes room for). Whether it fits now.
 */
static bool ttp_make_room(struct sock *sk, struct sk_buff *skb)
{
	if (ttp_rcv_collapse(sk) && ttp_rmem_fits(sk, skb))
		return true;
	if (ttp_ooo_collapse(sk) && ttp_rmem_fits(sk, skb))
		return true;
	if (ttp_after(TTP_SKB_CB(skb)->seq, ttp_sk(sk)->rcv_nxt))
		return false;
	return ttp_ooo_prune(sk) && ttp_rmem_fits(sk, skb);
}

/*
 * Data and FIN of an acceptable segment in a state that takes them: queue
 * in order, keep what arrives early, and decide when to ACK (at once for
 * anything out of order or a FIN, after two segments, or from the delayed
 * ACK timer).
 */
static void ttp_data_queue(struct sock *sk, struct sk_buff *skb)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
	bool fin = cb->flags & TTP_FLAG_FIN, immediate = false, now;
	struct sk_buff *next;

	if (!ttp_after(cb->end_seq, ts->rcv_nxt)) {
		/* All of it was received before: the ACK was lost. */
		if (cb->len)
			ttp_dsack_set(sk, cb->seq, cb->end_seq);
		ttp_quickack_mode(ts);
		ttp_send_ack(sk);
		kfree_skb(skb);
		return;
	}
	/* A closed socket cannot deliver new data: abort like TCP. */
	if (sock_flag(sk, SOCK_DEAD) && cb->len &&
	    ttp_after(cb->seq + cb->len, ts->rcv_nxt)) {
		ttp_count(sock_net(sk), TTP_MIB_ABORT_ON_DATA);
		ttp_send_active_reset(sk, GFP_ATOMIC);
		ttp_done(sk);
		kfree_skb(skb);
		return;
	}
	/* Loss or reordering on the path: the sender needs every ACK now. */
	if (ttp_after(cb->seq, ts->rcv_nxt))
		ttp_quickack_mode(ts);
	if (ttp_after(cb->seq, ts->rcv_nxt) && ttp_ooo_covered(sk, cb)) {
		ttp_ooo_duplicate(sk, skb);
		return;
	}
	/*
	 * In order into an empty receive queue, it is taken whatever it
	 * costs (as TCP does): the reader has nothing whose reading would
	 * make room, so a segment whose truesize outgrew the buffer, or a
	 * global limit reached, would stop the connection for good. Its
	 * charge is repaid as it is read.
	 */
	if (!ttp_after(cb->seq, ts->rcv_nxt) &&
	    skb_queue_empty(&sk->sk_receive_queue)) {
		if (!ttp_rmem_fits(sk, skb) &&
		    !(ttp_ooo_collapse(sk) && ttp_rmem_fits(sk, skb))) {
			ttp_ooo_prune(sk);
			/* Counted globally if it can be; charged in any case. */
			sk_rmem_schedule(sk, skb, skb->truesize);
		}
	} else if (!ttp_rmem_fits(sk, skb)) {
		if (!ttp_make_room(sk, skb)) {
			/* The sender keeps it and tries again. */
			ttp_send_ack(sk);
			ttp_drop(sock_net(sk), &ttp_sk(sk)->conn.key, skb,
				 TTP_MIB_DROP_NO_MEMORY);
			return;
		}
		/*
		 * Compaction may have joined what it overlapped into one
		 * buffer that holds all of it: ask again.
		 */
		if (ttp_after(cb->seq, ts->rcv_nxt) && ttp_ooo_covered(sk, cb)) {
			ttp_ooo_duplicate(sk, skb);
			return;
		}
	}
	skb_dst_drop(skb);
	if (ttp_after(cb->seq, ts->rcv_nxt)) {
		/* Early: keep it, by sequence, and tell the sender at once. */
		u32 seq = cb->seq, end = cb->end_seq;

		/*
		 * It opens the window as if in order (tcp_data_queue_ofo()),
		 * but only with SACK: without, a window that moved would
		 * make the ACK no duplicate, and fast retransmit counts those.
		 */
		if (ts->sack_ok)
			ttp_grow_window(sk, skb);
		ttp_ooo_queue(sk, skb);
		ttp_sack_new_ofo(sk, seq, end);
		ttp_send_ack(sk);
		return;
	}

	/* Its start came before: report that part as a duplicate. */
	if (ttp_before(cb->seq, ts->rcv_nxt))
		ttp_dsack_set(sk, cb->seq, ts->rcv_nxt);
	skb_set_owner_r(skb, sk);
	ttp_scaling_ratio_measure(sk, skb);
	ttp_grow_window(sk, skb);
	ttp_queue_rcv(sk, skb);
	/* What was early may now be in order, up to a FIN. */
	while (!fin && (next = ttp_ooo_pop(sk))) {
		immediate = true;
		if (!ttp_after(TTP_SKB_CB(next)->end_seq, ts->rcv_nxt)) {
			kfree_skb(next);
			continue;
		}
		fin |= TTP_SKB_CB(next)->flags & TTP_FLAG_FIN;
		ttp_queue_rcv(sk, next);
	}
	/*
	 * Past a FIN, ttp_fin() gives up whatever is still held, and the
	 * blocks with it, before the ACK could report them (as tcp_fin());
	 * a block may reach beyond the FIN only from a peer that breaks
	 * the rules.
	 */
	if (ts->num_sacks && !fin)
		ttp_sack_remove(sk);

	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_data_ready(sk);
	if (fin) {
		ttp_fin(sk);
		ttp_send_ack(sk);
		if (sk->sk_state == TTP_FIN_WAIT_2)
			ttp_time_wait(sk, TTP_TIME_WAIT);
		return;
	}
	/*
	 * When to ACK, as TCP's __tcp_ack_snd_check(). More than a full
	 * segment's data since the last ACK (two segments, or one of a
	 * peer's large segments, which veth passes whole) is ACKed at once
	 * if the window we would offer now is no smaller than the last: the
	 * window is still opening, or the reader has freed as much as came.
	 * Otherwise the reader, woken for this data, sends the ACK when it
	 * has read (ttp_window_update()), and the timer if it does not: a
	 * bulk receiver ACKs once per read, not every second segment. Not
	 * below SO_RCVLOWAT: no reader is woken for what is short of it, so
	 * the ACK goes now. Small segments: every second one at once, the
	 * other after the timer.
	 */
	if (ts->ack_pending < U16_MAX)
		ts->ack_pending++;
	if (ts->rcv_nxt - ts->rcv_wup > ts->adv_mss)
		now = ts->rcv_nxt - ts->copied_seq < READ_ONCE(sk->sk_rcvlowat) ||
		      ttp_window_space(sk) >= ts->rcv_wnd;
	else
		now = ts->ack_pending >= 2;
	if (immediate || ts->quickack || now) {
		if (ts->quickack)
			ts->quickack--;
		ttp_send_ack(sk);
	} else {
		ttp_schedule_delack(sk);
	}
}

/*
 * An established connection's start, once the ACK that made it so has
 * been taken, as Linux's tcp_init_transfer(): the window afresh (one
 * segment if our SYN or SYN-ACK was sent again by its timer, RFC 6928 2),
 * the receive space, the send buffer, and the pacing rate of them. RACK
 * keeps what the handshake's ACK taught it, its RTT the least so far, as
 * Linux's rtt_min does. A passive child gets the same in
 * ttp_child_create().
 */
static void ttp_init_transfer(struct sock *sk, bool syn_lost)
{
	ttp_cong_init(sk, syn_lost);
	ttp_rcv_space_init(sk);
	ttp_sndbuf_expand(sk);
	/* ttp_ack() paced by the window before this one. */
	ttp_pacing_update(sk);
}

/* SYN_SENT (RFC 9293 3.10.7.3): our SYN is out, what came back? */
static void ttp_rcv_syn_sent(struct sock *sk, struct sk_buff *skb)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
	struct net *net = sock_net(sk);

	if ((cb->flags & TTP_FLAG_ACK) &&
	    (!ttp_after(cb->ack, ts->iss) || ttp_after(cb->ack, ts->snd_max))) {
		if (!(cb->flags & TTP_FLAG_RST)) {
			struct ttp_conn_key key;

			ttp_conn_key_from_sock(sk, &key);
			ttp_send_reset_reply(net, ts->af, &key, cb, sk->sk_bound_dev_if);
		}
		ttp_drop(net, &ts->conn.key, skb, TTP_MIB_DROP_BAD_ACK);
		return;
	}
	if (cb->flags & TTP_FLAG_RST) {
		if (cb->flags & TTP_FLAG_ACK)
			ttp_reset_received(sk);
		consume_skb(skb);
		return;
	}
	if (!(cb->flags & TTP_FLAG_SYN)) {
		kfree_skb(skb);
		return;
	}
	/*
	 * A bare SYN crossing ours on a 4-tuple taken over from a TIME_WAIT
	 * entry, which left us its TS.Recent (ttp_port_reuse_tw()): one
	 * older than that is the old connection's duplicate, not a
	 * simultaneous open (Linux's PAWS check in
	 * tcp_rcv_synsent_state_process()). A SYN-ACK needs no such check:
	 * it must acknowledge our SYN.
	 */
	if (!(cb->flags & TTP_FLAG_ACK) && ttp_paws_reject(ts, cb)) {
		ttp_drop(net, &ts->conn.key, skb, TTP_MIB_PAWS_REJECTED);
		return;
	}

	/* The peer's SYN: its sequence space and options. */
	ts->irs = cb->seq;
	ts->rcv_nxt = cb->seq + 1;
	ts->rcv_wup = ts->rcv_nxt;
	ts->copied_seq = ts->rcv_nxt;
	ts->peer_mss = cb->has_mss && cb->mss ? cb->mss : TTP_DEFAULT_MSS;
	ts->wscale_ok = ts->wscale_ok && cb->has_wscale;
	ts->snd_wscale = ts->wscale_ok ? cb->wscale : 0;
	if (!ts->wscale_ok)
		ts->rcv_wscale = 0;
	ts->tstamp_ok = ts->tstamp_ok && cb->has_ts;
	if (ts->tstamp_ok) {
		ts->ts_recent = cb->tsval;
		ts->ts_recent_stamp = jiffies;
	}
	ts->sack_ok = ts->sack_ok && cb->sack_ok;
	ts->mss = ttp_current_mss(sk);
	ts->snd_wl1 = cb->seq - 1;	/* let this segment set the window */

	if (cb->flags & TTP_FLAG_ACK) {
		ttp_ack(sk, skb);
		ttp_init_transfer(sk, ts->total_retrans);
		/* The LSM labels the connection from the SYN-ACK, as for TCP. */
		security_inet_conn_established(sk, skb);
		ttp_set_state(sk, TTP_ESTABLISHED);
		ts->quickack = 8;
		if (!sock_flag(sk, SOCK_DEAD)) {
			sk->sk_state_change(sk);
			sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
		}
		ttp_send_ack(sk);
		ttp_push(sk);
	} else {
		/* Simultaneous open (RFC 9293 figure 8): SYN-ACK our SYN. */
		struct sk_buff *syn = skb_peek(&sk->sk_write_queue);

		ttp_set_state(sk, TTP_SYN_RCVD);
		ts->snd_wnd = cb->wnd;
		ts->snd_wl1 = cb->seq;
		if (syn) {
			TTP_SKB_CB(syn)->flags |= TTP_FLAG_ACK;
			TTP_SKB_CB(syn)->retransmitted = 1;
			ttp_transmit_skb(sk, syn, true);
			ttp_reset_rtx_timer(sk, ts->rto);
		}
	}
	consume_skb(skb);
}

/*
 * A segment for a full socket in any state but LISTEN; the socket is
 * locked. RFC 9293 3.10.7.4, step by step.
 */
static void ttp_rcv_state_process(struct sock *sk, struct sk_buff *skb)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_skb_cb *cb = TTP_SKB_CB(skb);
	struct net *net = sock_net(sk);
	bool fin_acked, crossed = false;

	switch (sk->sk_state) {
	case TTP_CLOSED:
		/*
		 * Being torn down: as if there were no socket. The reply takes
		 * the 4-tuple the segment found it by, not the socket's own,
		 * whose port may already be given back and zeroed (an RST from
		 * port 0 was seen once).
		 */
		ttp_send_reset_reply(net, ts->af, &ts->conn.key, cb, sk->sk_bound_dev_if);
		ttp_drop(net, &ts->conn.key, skb, TTP_MIB_DROP_NO_SOCKET);
		return;
	case TTP_SYN_SENT:
		ttp_rcv_syn_sent(sk, skb);
		return;
	}

	/*
	 * Simultaneous open: the peer's SYN-ACK, its ISN again and
	 * acknowledging our SYN, completes the handshake. Its SYN sits just
	 * before rcv_nxt, outside the window: take the segment as the ACK it
	 * carries, as Linux's tcp_validate_incoming() lets it pass, rather
	 * than answer it and wait for our SYN-ACK's retransmission.
	 */
	if (sk->sk_state == TTP_SYN_RCVD &&
	    (cb->flags & (TTP_FLAG_SYN | TTP_FLAG_ACK | TTP_FLAG_RST)) ==
	    (TTP_FLAG_SYN | TTP_FLAG_ACK) &&
	    cb->seq == ts->irs && cb->end_seq == ts->rcv_nxt && cb->ack == ts->snd_max) {
		cb->flags &= ~TTP_FLAG_SYN;
		cb->seq = cb->end_seq;
	}
	/* An old duplicate from an earlier incarnation? */
	if (ttp_paws_reject(ts, cb)) {
		ttp_dup_ack(sk, cb);
		ttp_drop(net, &ts->conn.key, skb, TTP_MIB_PAWS_REJECTED);
		return;
	}
	/* First: is any of it inside our window? */
	if (!ttp_seq_acceptable(ts, cb)) {
		ttp_dup_ack(sk, cb);
		ttp_drop(net, &ts->conn.key, skb, TTP_MIB_DROP_OUT_OF_WINDOW);
		return;
	}

	/* Second: RST. Only an exact one counts; others are challenged. */
	if (cb->flags & TTP_FLAG_RST) {
		if (cb->seq == ts->rcv_nxt) {
			ttp_reset_received(sk);
		} else {
			ttp_count(net, TTP_MIB_INVALID_RSTS);
			ttp_challenge_ack(sk, cb);
		}
		kfree_skb(skb);
		return;
	}
	/* Fourth: a SYN on a synchronized connection is challenged. */
	if (cb->flags & TTP_FLAG_SYN) {
		ttp_count(net, TTP_MIB_INVALID_SYNS);
		ttp_challenge_ack(sk, cb);
		kfree_skb(skb);
		return;
	}
	/* Fifth: the ACK. */
	if (!(cb->flags & TTP_FLAG_ACK)) {
		kfree_skb(skb);
		return;
	}
	if (sk->sk_state == TTP_SYN_RCVD) {
		const struct sk_buff *head = skb_peek(&sk->sk_write_queue);

		/*
		 * Our own SYN still queued: a simultaneous open, whose
		 * transfer starts once this ACK is taken (below). A passive
		 * child came to SYN_RCVD with its start made.
		 */
		crossed = head && (TTP_SKB_CB(head)->flags & TTP_FLAG_SYN);
		if (!ttp_between(cb->ack, ts->snd_una + 1, ts->snd_max)) {
			struct ttp_conn_key key;

			ttp_conn_key_from_sock(sk, &key);
			ttp_send_reset_reply(net, ts->af, &key, cb, sk->sk_bound_dev_if);
			ttp_drop(net, &ts->conn.key, skb, TTP_MIB_DROP_BAD_ACK);
			return;
		}
		ts->snd_wl1 = cb->seq - 1;
		ttp_set_state(sk, TTP_ESTABLISHED);
		if (!sock_flag(sk, SOCK_DEAD)) {
			sk->sk_state_change(sk);
			sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
		}
	}
	if (ttp_after(cb->ack, ts->snd_max)) {
		/* Acknowledges what was never sent. */
		ttp_dup_ack(sk, cb);
		ttp_drop(net, &ts->conn.key, skb, TTP_MIB_DROP_BAD_ACK);
		return;
	}
	if (ttp_before(cb->ack, ts->snd_una - ts->max_window)) {
		/* RFC 5961 5.2: older than any window could make it: blind. */
		ttp_dup_ack(sk, cb);
		ttp_drop(net, &ts->conn.key, skb, TTP_MIB_INVALID_ACKS);
		return;
	}
	/*
	 * Only now, with the segment past the RST, SYN and ACK checks, may
	 * it move TS.Recent (RFC 7323 4.3, as Linux's tcp_ack() does) and
	 * show the peer alive: a blind attacker's in-window RST, SYN or
	 * bogus ACK with a future TSval would otherwise make every genuine
	 * segment after it fail PAWS, and keep a dead peer's connection up.
	 */
	ttp_store_ts(ts, cb);
	ttp_rcv_rtt_sample(sk, cb);
	ts->rcv_tstamp = jiffies;
	ts->probes_out = 0;
	if (!ttp_before(cb->ack, ts->snd_una))
		ttp_ack(sk, skb);
	if (crossed)
		ttp_init_transfer(sk, ts->total_retrans);

	fin_acked = ts->fin_queued && ts->snd_una == ts->write_seq;
	switch (sk->sk_state) {
	case TTP_FIN_WAIT_1:
		if (fin_acked) {
			ttp_set_state(sk, TTP_FIN_WAIT_2);
			WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | SEND_SHUTDOWN);
			if (!sock_flag(sk, SOCK_DEAD)) {
				sk->sk_state_change(sk);
			} else if (ts->linger2 < 0) {
				ttp_count(net, TTP_MIB_ABORT_ON_LINGER2);
				ttp_send_active_reset(sk, GFP_ATOMIC);
				ttp_done(sk);
				kfree_skb(skb);
				return;
			}
			ttp_reset_rtx_timer(sk, ttp_fin_timeout(sk));
		}
		break;
	case TTP_CLOSING:
		if (fin_acked) {
			ttp_time_wait(sk, TTP_TIME_WAIT);
			consume_skb(skb);
			return;
		}
		break;
	case TTP_LAST_ACK:
		if (fin_acked) {
			ttp_done(sk);
			consume_skb(skb);
			return;
		}
		break;
	}

	/* Sixth and eighth: data and FIN, where they may still come. */
	if (cb->len || (cb->flags & TTP_FLAG_FIN)) {
		switch (sk->sk_state) {
		case TTP_ESTABLISHED:
		case TTP_FIN_WAIT_1:
		case TTP_FIN_WAIT_2:
			ttp_data_queue(sk, skb);
			return;
		}
		/* Data or a FIN after the peer's FIN: dropped, as TCP's. */
		kfree_skb(skb);
		return;
	}
	/*
	 * An ACK taken is consumed, not dropped: skb:kfree_skb, which drop
	 * monitors read, reports only drops (TCP frees its ACKs the same way).
	 */
	consume_skb(skb);
}

/*
 * One reading of the socket's clock serves the whole segment, and one
 * reclaim its memory: what the ACK freed is held until the data it
 * carried is queued, as tcp_rcv_established() queues data before it
 * frees what the ACK covers. A request/response exchange then charges
 * the answer from the request's memory instead of giving a page back
 * to the global count and taking it again at once.
 */
int ttp_rcv_state(struct sock *sk, struct sk_buff *skb)
{
	bool held = ttp_clock_hold(sk);

	ttp_rcv_state_process(sk, skb);
	sk_mem_reclaim(sk);
	ttp_clock_release(sk, held);
	return 0;
}
