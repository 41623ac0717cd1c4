// SPDX-License-Identifier: GPL-2.0
/*
 * An info line's figures: struct ttp_info's fields by their names in the
 * uapi header (and in `ttpctl sockets -j`), read with getsockopt(TTP_INFO)
 * on the script's socket. Like a stat line, and for the same reason, no
 * program is started: `ttpctl sockets | grep` costs a loaded debug kernel
 * seconds, past the timers a script holds still around the look.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "info.h"

#define TD_FIELD(f) { #f, offsetof(struct ttp_info, f), sizeof(((struct ttp_info *)0)->f) }

static const struct {
	const char *name;
	size_t offset, size;
} td_info_fields[] = {
	TD_FIELD(state), TD_FIELD(options), TD_FIELD(snd_wscale), TD_FIELD(rcv_wscale),
	TD_FIELD(ca_state), TD_FIELD(retransmits), TD_FIELD(backoff),
	TD_FIELD(reordering), TD_FIELD(snd_mss), TD_FIELD(rcv_mss), TD_FIELD(rto_us),
	TD_FIELD(rtt_us), TD_FIELD(rttvar_us), TD_FIELD(snd_cwnd), TD_FIELD(snd_ssthresh),
	TD_FIELD(snd_wnd), TD_FIELD(rcv_wnd), TD_FIELD(unacked), TD_FIELD(lost),
	TD_FIELD(total_retrans), TD_FIELD(segs_out), TD_FIELD(segs_in),
	TD_FIELD(last_data_sent_ms), TD_FIELD(last_data_recv_ms), TD_FIELD(state_ms),
	TD_FIELD(bytes_sent), TD_FIELD(bytes_acked), TD_FIELD(bytes_received),
	TD_FIELD(sacked), TD_FIELD(retrans), TD_FIELD(congestion), TD_FIELD(delivered),
	TD_FIELD(pacing_rate), TD_FIELD(delivery_rate), TD_FIELD(delivery_rate_app_limited),
	TD_FIELD(rcv_ssthresh), TD_FIELD(rcv_scaling_ratio), TD_FIELD(min_rtt_us),
};

int td_info_field(const char *name)
{
	for (size_t i = 0; i < sizeof(td_info_fields) / sizeof(td_info_fields[0]); i++)
		if (!strcmp(td_info_fields[i].name, name))
			return (int)i;
	return -1;
}

unsigned long long td_info_value(const struct ttp_info *info, int index)
{
	const char *p = (const char *)info + td_info_fields[index].offset;
	uint64_t v64;
	uint32_t v32;

	switch (td_info_fields[index].size) {
	case 1:
		return *(const uint8_t *)p;
	case 4:
		memcpy(&v32, p, sizeof(v32));
		return v32;
	default:
		memcpy(&v64, p, sizeof(v64));
		return v64;
	}
}
