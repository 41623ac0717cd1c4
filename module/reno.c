// SPDX-License-Identifier: GPL-2.0
/*
 * Reno (RFC 5681): slow start below ssthresh, one segment per RTT above it,
 * half the window after a loss. The reference the others are measured
 * against.
 */
#include "ttp.h"

static void ttp_reno_cong_avoid(struct sock *sk, u32 acked)
{
	struct ttp_cong *cc = &ttp_sk(sk)->cong;

	/* Slow start: one segment per segment ACKed (RFC 5681 3.1, RFC 3465). */
	if (cc->cwnd < cc->ssthresh) {
		u32 room = cc->ssthresh - cc->cwnd;

		cc->cwnd += min(acked, room);
		acked -= min(acked, room);
		if (!acked)
			return;
	}
	/*
	 * Congestion avoidance: one segment per window ACKed, as many as
	 * one ACK covers windows (a stretch ACK, an ACK after a lost run),
	 * as tcp_cong_avoid_ai() does.
	 */
	cc->cwnd_cnt += acked;
	if (cc->cwnd_cnt >= cc->cwnd) {
		u32 grow = cc->cwnd_cnt / cc->cwnd;

		cc->cwnd_cnt -= grow * cc->cwnd;
		cc->cwnd += grow;
	}
}

/*
 * Half the window, at least two segments, as Linux's tcp_reno_ssthresh().
 * RFC 5681 (4) says half the flight; the window only grows while it is in
 * use (ttp_cwnd_in_use()), and a flight lowered for a moment by segments
 * held to be sent larger (autosize.c) is no reason to halve less.
 */
static u32 ttp_reno_ssthresh(struct sock *sk)
{
	return max(ttp_sk(sk)->cong.cwnd / 2, 2U);
}

const struct ttp_cong_ops ttp_reno = {
	.name		= "reno",
	.cong_avoid	= ttp_reno_cong_avoid,
	.ssthresh	= ttp_reno_ssthresh,
};
