// SPDX-License-Identifier: GPL-2.0
/*
 * CUBIC (RFC 9438) with HyStart++ (RFC 9406): Linux's default window
 * growth, written from the RFCs. After a loss the window follows a cubic
 * curve in time since the loss: fast while far below the window the loss
 * came at (W_max), flat near it, probing faster again beyond it; never
 * slower than Reno would grow over the same time (the Reno-friendly
 * estimate). Slow start ends early when the RTT rises a round over the
 * round before (HyStart++), before the queue overflows.
 *
 * Fixed point: time in 1/1024 s (TTP_CUBIC_HZ), windows in segments.
 * C = 0.4 and beta = 0.7, as the RFC and Linux have them.
 */
#include <kunit/visibility.h>

#include "ttp.h"

#define TTP_CUBIC_HZ_SHIFT	10		/* time unit: 1/1024 s */
#define TTP_CUBIC_BETA		717		/* beta_cubic 0.7, of 1024 */
/* alpha_cubic = 3 (1 - beta) / (1 + beta) = 0.529 (RFC 9438 4.3), of 1024. */
#define TTP_CUBIC_ALPHA		542
/* Bounds that keep the cubes in 64 bits: 2^20 segments, 2^20 units (17 min). */
#define TTP_CUBIC_MAX_DIFF	BIT(20)
#define TTP_CUBIC_MAX_OFFS	BIT(20)

/* HyStart++ (RFC 9406 4.3), its recommended constants. */
#define TTP_HYSTART_MIN_RTT_THRESH_US	4000
#define TTP_HYSTART_MAX_RTT_THRESH_US	16000
#define TTP_HYSTART_MIN_RTT_DIVISOR	8
#define TTP_HYSTART_N_RTT_SAMPLE	8
#define TTP_HYSTART_CSS_GROWTH_DIVISOR	4
#define TTP_HYSTART_CSS_ROUNDS		5

struct ttp_cubic {
	u32 w_max;		/* the window the last loss came at */
	u32 k;			/* time from the epoch to reach it again */
	u32 origin;		/* the window the curve passes at K */
	unsigned long epoch;	/* jiffies: growth since this loss began; 0 none */
	u32 w_est;		/* Reno-friendly estimate, 1/1024 segments */
	u32 w_est_acc;		/* ACKed segments x alpha toward it */
	u32 min_rtt_us;		/* the least RTT seen; ~0: none */
	struct ttp_hystart hs;
};

static_assert(sizeof(struct ttp_cubic) <= sizeof_field(struct ttp_cong, ca_priv));

static struct ttp_cubic *ttp_cubic(struct sock *sk)
{
	return (struct ttp_cubic *)ttp_sk(sk)->cong.ca_priv;
}

/* The integer cube root of A, rounded down. */
static u32 ttp_cbrt(u64 a)
{
	u32 lo = 0, hi = 2642245;	/* the cube root of 2^64, rounded down */

	while (lo < hi) {
		u32 mid = lo + (hi - lo + 1) / 2;

		if ((u64)mid * mid * mid <= a)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/*
 * K (RFC 9438 4.2, eq. 2): the time, in 1/1024 s, the curve takes from
 * CWND back to W_MAX: cbrt((W_max - cwnd) / C).
 */
u32 ttp_cubic_k(u32 w_max, u32 cwnd)
{
	u64 diff = w_max > cwnd ? min(w_max - cwnd, TTP_CUBIC_MAX_DIFF) : 0;

	/* (diff / 0.4) in units^3: diff * 2^30 * 10 / 4. */
	return ttp_cbrt(div_u64((diff << (3 * TTP_CUBIC_HZ_SHIFT)) * 10, 4));
}
EXPORT_SYMBOL_IF_KUNIT(ttp_cubic_k);

/*
 * W_cubic(t) (RFC 9438 4.2, eq. 1): C (t - K)^3 + W_max, in segments,
 * for T and K in 1/1024 s and ORIGIN the window at K.
 */
u32 ttp_cubic_w(u32 origin, u32 k, u32 t)
{
	u64 offs = t > k ? t - k : k - t, delta;

	offs = min_t(u64, offs, TTP_CUBIC_MAX_OFFS);
	/* 0.4 offs^3 / 2^30, in that order so nothing below a segment is lost. */
	delta = div_u64(offs * offs * offs * 4, 10) >> (3 * TTP_CUBIC_HZ_SHIFT);
	if (t > k)
		return min_t(u64, (u64)origin + delta, U32_MAX);
	return delta < origin ? origin - delta : 0;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_cubic_w);

/* HyStart++'s RttThresh (RFC 9406 4.3): an eighth of the last round's RTT. */
u32 ttp_hystart_thresh(u32 last_min_us)
{
	return clamp_t(u32, last_min_us / TTP_HYSTART_MIN_RTT_DIVISOR,
		       TTP_HYSTART_MIN_RTT_THRESH_US, TTP_HYSTART_MAX_RTT_THRESH_US);
}
EXPORT_SYMBOL_IF_KUNIT(ttp_hystart_thresh);

void ttp_hystart_init(struct ttp_hystart *hs, u32 snd_nxt)
{
	memset(hs, 0, sizeof(*hs));
	hs->last_min_us = U32_MAX;
	hs->cur_min_us = U32_MAX;
	hs->css_base_us = U32_MAX;
	hs->window_end = snd_nxt;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_hystart_init);

/*
 * An ACK in slow start: SND_UNA and SND_NXT as it leaves them, RTT_US its
 * sample or 0. A round ends when the ACK passes what was sent when the
 * round began. Returns what to do: grow as slow start, as CSS, or end.
 */
enum ttp_hystart_step ttp_hystart_ack(struct ttp_hystart *hs, u32 snd_una,
				      u32 snd_nxt, u32 rtt_us)
{
	if (hs->done)
		return TTP_HYSTART_SS;
	if (ttp_after(snd_una, hs->window_end)) {
		hs->last_min_us = hs->cur_min_us;
		hs->cur_min_us = U32_MAX;
		hs->samples = 0;
		hs->window_end = snd_nxt;
		if (hs->css && ++hs->css_rounds >= TTP_HYSTART_CSS_ROUNDS) {
			hs->done = true;
			return TTP_HYSTART_EXIT;
		}
	}
	if (rtt_us) {
		hs->cur_min_us = min(hs->cur_min_us, rtt_us);
		if (hs->samples < U8_MAX)
			hs->samples++;
	}
	if (hs->samples < TTP_HYSTART_N_RTT_SAMPLE || hs->cur_min_us == U32_MAX)
		return hs->css ? TTP_HYSTART_CSS : TTP_HYSTART_SS;
	if (!hs->css && hs->last_min_us != U32_MAX &&
	    hs->cur_min_us >= hs->last_min_us + ttp_hystart_thresh(hs->last_min_us)) {
		/* The queue grows: go on more gently (Conservative Slow Start). */
		hs->css = true;
		hs->css_rounds = 0;
		hs->css_base_us = hs->cur_min_us;
	} else if (hs->css && hs->cur_min_us < hs->css_base_us) {
		/* It was noise: back to slow start. */
		hs->css = false;
		hs->css_base_us = U32_MAX;
	}
	return hs->css ? TTP_HYSTART_CSS : TTP_HYSTART_SS;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_hystart_ack);

static void ttp_cubic_init(struct sock *sk)
{
	struct ttp_cubic *ca = ttp_cubic(sk);

	memset(ca, 0, sizeof(*ca));
	ca->min_rtt_us = U32_MAX;
	ttp_hystart_init(&ca->hs, ttp_sk(sk)->snd_nxt);
}

/*
 * Slow start: ACKED segments, however many one ACK covers, as Linux's
 * tcp_slow_start(); what is left over for avoidance. Not RFC 9406's L (at
 * most 8 segments of growth per ACK unless paced): a receiver ACKs each
 * large segment it gets, up to 44 segments at once, and L held slow start
 * to a fraction of TCP's (cubic-stretch-ack.pkt).
 */
static u32 ttp_cubic_slow_start(struct sock *sk, u32 acked)
{
	struct ttp_cong *cc = &ttp_sk(sk)->cong;
	struct ttp_cubic *ca = ttp_cubic(sk);
	u32 room = cc->ssthresh - cc->cwnd, grow;

	if (ca->hs.css) {
		/* CSS: a quarter of slow start's growth. */
		cc->cwnd_cnt += acked;
		grow = cc->cwnd_cnt / TTP_HYSTART_CSS_GROWTH_DIVISOR;
		cc->cwnd_cnt %= TTP_HYSTART_CSS_GROWTH_DIVISOR;
		cc->cwnd += min(grow, room);
		return 0;
	}
	grow = min(acked, room);
	cc->cwnd += grow;
	return cc->cwnd < cc->ssthresh ? 0 : acked - min(acked, grow);
}

/* A new epoch of growth after a loss (or the first time in avoidance). */
static void ttp_cubic_epoch(struct sock *sk)
{
	struct ttp_cong *cc = &ttp_sk(sk)->cong;
	struct ttp_cubic *ca = ttp_cubic(sk);

	ca->epoch = jiffies ?: 1;
	if (cc->cwnd < ca->w_max) {
		ca->k = ttp_cubic_k(ca->w_max, cc->cwnd);
		ca->origin = ca->w_max;
	} else {
		ca->k = 0;
		ca->origin = cc->cwnd;
	}
	ca->w_est = cc->cwnd << 10;
	ca->w_est_acc = 0;
}

/*
 * The Reno-friendly estimate (RFC 9438 4.3), in 1/1024 segments, after
 * ACKED more segments of a window of CWND (ACC carries the remainder):
 * what Reno with CUBIC's beta would have by now, growing alpha 0.53 a
 * round trip. Beyond W_max too, as Linux's tcp_friendliness, where the
 * RFC raises alpha to 1: beside Linux's CUBIC on a shared bottleneck
 * (make bench's fairness rows), where both spend much of their time in
 * this region, the two then probe alike.
 */
u32 ttp_cubic_reno_est(u32 w_est, u32 *acc, u32 cwnd, u32 acked)
{
	*acc += acked * TTP_CUBIC_ALPHA;
	w_est += *acc / cwnd;
	*acc %= cwnd;
	return w_est;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_cubic_reno_est);

/*
 * Segments to ACK for each segment the window grows by, to reach TARGET
 * (from the curve) in a round trip, or the Reno-friendly estimate W_EST
 * (segments) if that is more; at most half the window more a round trip
 * (RFC 9438 4.2). Before the first loss (slow start ended by HyStart++,
 * W_MAX 0) at least 5% a round trip, as Linux's bictcp_update(): the
 * curve from where slow start ended is flat at first.
 */
u32 ttp_cubic_cnt(u32 cwnd, u32 target, u32 w_est, u32 w_max)
{
	u32 cnt;

	target = max(target, w_est);
	cnt = target > cwnd ? cwnd / (target - cwnd) : 100 * cwnd;
	if (!w_max)
		cnt = min(cnt, 20U);
	return max(cnt, 2U);
}
EXPORT_SYMBOL_IF_KUNIT(ttp_cubic_cnt);

static void ttp_cubic_cong_avoid(struct sock *sk, u32 acked)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_cong *cc = &ts->cong;
	struct ttp_cubic *ca = ttp_cubic(sk);
	u32 target, rtt_us, cnt;
	u64 t;

	if (cc->cwnd < cc->ssthresh) {
		acked = ttp_cubic_slow_start(sk, acked);
		if (!acked)
			return;
	}
	if (!ca->epoch)
		ttp_cubic_epoch(sk);

	/* Where the curve will be an RTT from now (RFC 9438 4.2). */
	rtt_us = ca->min_rtt_us != U32_MAX ? ca->min_rtt_us : ts->rtt.srtt_us;
	t = div_u64((u64)jiffies_to_msecs(jiffies - ca->epoch) << TTP_CUBIC_HZ_SHIFT,
		    MSEC_PER_SEC) + div_u64((u64)rtt_us << TTP_CUBIC_HZ_SHIFT, USEC_PER_SEC);
	target = ttp_cubic_w(ca->origin, ca->k, min_t(u64, t, U32_MAX));

	ca->w_est = ttp_cubic_reno_est(ca->w_est, &ca->w_est_acc, cc->cwnd, acked);
	/* One segment more per CNT segments ACKed. */
	cnt = ttp_cubic_cnt(cc->cwnd, target, ca->w_est >> 10, ca->w_max);
	cc->cwnd_cnt += acked;
	if (cc->cwnd_cnt >= cnt) {
		cc->cwnd += cc->cwnd_cnt / cnt;
		cc->cwnd_cnt %= cnt;
	}
}

/*
 * A loss: remember where (with fast convergence: a window lower than the
 * last one releases bandwidth to newer flows, RFC 9438 4.7), start a new
 * epoch, and leave slow start for good: HyStart++ is for the first.
 */
static u32 ttp_cubic_ssthresh(struct sock *sk)
{
	struct ttp_cong *cc = &ttp_sk(sk)->cong;
	struct ttp_cubic *ca = ttp_cubic(sk);

	if (cc->cwnd < ca->w_max)
		ca->w_max = cc->cwnd * (1024 + TTP_CUBIC_BETA) / 2048;
	else
		ca->w_max = cc->cwnd;
	ca->epoch = 0;
	ca->hs.done = true;
	ca->hs.css = false;
	return max(cc->cwnd * TTP_CUBIC_BETA / 1024, 2U);
}

/* An RTT sample: the least for the curve, every one for HyStart++. */
static void ttp_cubic_rtt_sample(struct sock *sk, u32 rtt_us)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_cubic *ca = ttp_cubic(sk);

	ca->min_rtt_us = min(ca->min_rtt_us, rtt_us);
	if (ts->cong.cwnd >= ts->cong.ssthresh || ts->cong.state != TTP_CA_OPEN)
		return;
	if (ttp_hystart_ack(&ca->hs, ts->snd_una, ts->snd_nxt, rtt_us) == TTP_HYSTART_EXIT)
		ts->cong.ssthresh = ts->cong.cwnd;	/* on to avoidance */
}

const struct ttp_cong_ops ttp_cubic_ops = {
	.name		= "cubic",
	.init		= ttp_cubic_init,
	.cong_avoid	= ttp_cubic_cong_avoid,
	.ssthresh	= ttp_cubic_ssthresh,
	.rtt_sample	= ttp_cubic_rtt_sample,
};
