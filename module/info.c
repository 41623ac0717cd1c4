// SPDX-License-Identifier: GPL-2.0
/*
 * TTP_INFO: a connection's state and history for the application that
 * owns it, as TCP_INFO gives TCP's. struct ttp_info (the uapi header) is
 * versioned by size: older callers with a shorter struct get its head.
 */
#include <linux/jiffies.h>
#include <linux/uaccess.h>
#include "cong.h"
#include "ttp.h"

static u32 ttp_ms_since(unsigned long stamp)
{
	return stamp ? jiffies_to_msecs(jiffies - stamp) : 0;
}

/*
 * In flight after a timeout: the segments sent again, and those SACKed
 * before it that ttp_send_head_next() stepped over.
 */
static u32 ttp_loss_resent(const struct ttp_sock *ts)
{
	return ts->cong.packets_out - ts->cong.sacked_out;
}

/*
 * Segments in flight sent again: after a timeout, as many as went again
 * (Linux marks all lost but the SACKed, and counts their resends as TTP's
 * rewind does); in SACK recovery the scoreboard's; in NewReno recovery,
 * the head.
 */
static u32 ttp_retrans_out(const struct ttp_sock *ts)
{
	if (ts->sack_ok && ts->cong.state != TTP_CA_LOSS)
		return ts->cong.retrans_out;
	if (ts->cong.state == TTP_CA_LOSS)
		return ttp_loss_resent(ts);
	return ts->cong.state == TTP_CA_RECOVERY ? min_t(u32, ts->cong.packets_out, 1) : 0;
}

/*
 * Segments in flight presumed lost: all after a timeout, the first in fast
 * recovery (NewReno resends one hole at a time), else none.
 */
static u32 ttp_lost_out(const struct ttp_sock *ts)
{
	if (ts->sack_ok && ts->cong.state != TTP_CA_LOSS)
		return ts->cong.lost_out;	/* the scoreboard knows */
	switch (ts->cong.state) {
	case TTP_CA_LOSS:
		return ttp_loss_resent(ts);
	case TTP_CA_RECOVERY:
		return min_t(u32, ts->cong.packets_out, 1);
	default:
		return 0;
	}
}

/*
 * Fill INFO from SK, which the caller has locked; a listener's few fields
 * are read without it, as tcp_get_info() reads a listener's (the socket
 * dump holds the listener table's lock instead).
 */
void ttp_info_fill(struct sock *sk, struct ttp_info *info)
{
	const struct ttp_sock *ts = ttp_sk(sk);

	memset(info, 0, sizeof(*info));
	info->state = sk->sk_state;
	info->state_ms = ttp_ms_since(ts->state_stamp);
	/* A listener's is what its connections get, as TCP_CONGESTION's. */
	info->congestion = ts->cong.ops == &ttp_cubic_ops ? TTP_CONG_CUBIC : TTP_CONG_RENO;
	if (sk->sk_state == TTP_LISTEN) {
		/* As TCP_INFO does: a listener's "unacked" is its accept queue. */
		info->unacked = ts->listen ? READ_ONCE(ts->listen->nr_accepted) : 0;
		return;
	}
	sock_owned_by_me(sk);
	if (ts->tstamp_ok)
		info->options |= TTP_INFO_OPT_TIMESTAMPS;
	if (ts->sack_ok)
		info->options |= TTP_INFO_OPT_SACK;
	if (ts->wscale_ok) {
		info->options |= TTP_INFO_OPT_WSCALE;
		info->snd_wscale = ts->snd_wscale;
		info->rcv_wscale = ts->rcv_wscale;
	}
	info->ca_state = ts->cong.state;
	info->retransmits = ts->retries;
	info->backoff = ts->backoff;
	info->reordering = ts->cong.reordering;
	info->snd_mss = ts->mss;
	info->rcv_mss = ts->adv_mss;
	info->rto_us = jiffies_to_usecs(ts->rto);
	info->rtt_us = ts->rtt.srtt_us;
	if (ts->rack.min_rtt_us != U32_MAX)
		info->min_rtt_us = ts->rack.min_rtt_us;
	info->rttvar_us = ts->rtt.rttvar_us;
	info->snd_cwnd = ts->cong.cwnd;
	info->snd_ssthresh = ts->cong.ssthresh;
	info->snd_wnd = ts->snd_wnd;
	info->rcv_wnd = ts->rcv_wnd;
	info->rcv_ssthresh = ts->rcv_ssthresh;
	info->rcv_scaling_ratio = ts->scaling_ratio;
	info->wmem_queued = READ_ONCE(sk->sk_wmem_queued);
	info->sndbuf = READ_ONCE(sk->sk_sndbuf);
	info->unacked = ts->cong.packets_out;
	info->lost = ttp_lost_out(ts);
	info->total_retrans = ts->total_retrans;
	info->segs_out = ts->segs_out;
	info->segs_in = ts->segs_in;
	info->last_data_sent_ms = ttp_ms_since(ts->cong.lsndtime);
	info->last_data_recv_ms = ttp_ms_since(ts->last_data_recv);
	info->bytes_sent = ts->bytes_sent;
	info->bytes_acked = ts->bytes_acked;
	info->bytes_received = ts->bytes_received;
	info->sacked = ts->cong.sacked_out;
	info->retrans = ttp_retrans_out(ts);
	info->delivered = ts->cong.delivered;
	info->pacing_rate = READ_ONCE(sk->sk_pacing_rate);
	info->delivery_rate = ttp_rate_bytes(sk);
	info->delivery_rate_app_limited = ts->rate.app_limited_kept;
}

/* getsockopt(TTP_INFO): as much of struct ttp_info as LEN asks for. */
int ttp_info_get(struct sock *sk, char __user *optval, int __user *optlen, int len)
{
	struct ttp_info info;

	lock_sock(sk);
	ttp_info_fill(sk, &info);
	release_sock(sk);
	len = min_t(int, len, sizeof(info));
	if (put_user(len, optlen) || copy_to_user(optval, &info, len))
		return -EFAULT;
	return 0;
}
