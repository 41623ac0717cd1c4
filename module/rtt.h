/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TTP_RTT_H
#define _TTP_RTT_H

#include <linux/types.h>

/* A connection's RTT estimate; srtt_us 0 means no sample yet. */
struct ttp_rtt {
	u32 srtt_us;
	u32 rttvar_us;
};

void ttp_rtt_sample(struct ttp_rtt *rtt, u32 sample_us);
u32 ttp_rto_jiffies(const struct ttp_rtt *rtt, u32 min, u32 max);
u32 ttp_tsecr_rtt_us(u32 now, u32 tsecr);

#endif /* _TTP_RTT_H */
