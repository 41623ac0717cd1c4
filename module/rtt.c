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
