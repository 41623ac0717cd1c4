// SPDX-License-Identifier: GPL-2.0
/*
 * Round-trip time and the retransmission timeout, RFC 6298: pure
 * arithmetic, kept apart so that it can be tested on its own (KUnit).
 */
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include "compat.h"
#include "rtt.h"

/* Fold a sample into SRTT and RTTVAR (RFC 6298 2.2 and 2.3). */
void ttp_rtt_sample(struct ttp_rtt *rtt, u32 sample_us)
{
	if (!sample_us)
		sample_us = 1;
	if (!rtt->srtt_us) {
		rtt->srtt_us = sample_us;
		rtt->rttvar_us = sample_us / 2;
	} else {
		u32 delta = rtt->srtt_us > sample_us ? rtt->srtt_us - sample_us
						      : sample_us - rtt->srtt_us;

		/* beta = 1/4, alpha = 1/8 */
		rtt->rttvar_us = rtt->rttvar_us - rtt->rttvar_us / 4 + delta / 4;
		rtt->srtt_us = rtt->srtt_us - rtt->srtt_us / 8 + sample_us / 8;
	}
}
EXPORT_SYMBOL_IF_KUNIT(ttp_rtt_sample);

/*
 * RTO = SRTT + max(G, 4 * RTTVAR), G being the clock granularity (a
 * jiffy), in jiffies within [MIN, MAX]; MIN wins if the bounds cross.
 */
u32 ttp_rto_jiffies(const struct ttp_rtt *rtt, u32 min, u32 max)
{
	u64 rto_us = (u64)rtt->srtt_us + max_t(u64, 4ULL * rtt->rttvar_us,
					       jiffies_to_usecs(1));
	u32 rto = rto_us > U32_MAX ? U32_MAX : usecs_to_jiffies((u32)rto_us);

	return max(min(rto, max), min);
}
EXPORT_SYMBOL_IF_KUNIT(ttp_rto_jiffies);

/*
 * An RTT sample from a timestamp echo (RFC 7323 4.1): the time since we
 * sent TSECR, our clock now being NOW, both in milliseconds; 0 if the echo
 * cannot be one. An echo from our future (a peer echoing what we never
 * sent) must not become a sample: as a huge unsigned number it drove RTO
 * to rto_max, and a lost segment then waited two minutes. One older than a
 * minute is stale, not a measurement. A fresh echo is at least 1 ms.
 */
u32 ttp_tsecr_rtt_us(u32 now, u32 tsecr)
{
	s32 ms = now - tsecr;

	if (ms < 0 || ms > 60 * MSEC_PER_SEC)
		return 0;
	return max_t(u32, ms, 1) * USEC_PER_MSEC;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_tsecr_rtt_us);
