// SPDX-License-Identifier: GPL-2.0
/*
 * The parameter table: the one place that names TTP's per-namespace knobs and
 * gives their units, defaults and ranges. Netlink validation, new-namespace
 * defaults, ttpctl's output and Documentation/params.md all come from it.
 */
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/limits.h>
#include "compat.h"
#include "params.h"

#define TTP_PARAM(id, nm, u, d, lo, hi, text)				\
	[id] = { .name = nm, .unit = u, .def = d, .min = lo, .max = hi,	\
		 .desc = text }
/* A global one: its default comes from the memory size, at load. */
#define TTP_GLOBAL_PARAM(id, nm, u, lo, hi, text)			\
	[id] = { .name = nm, .unit = u, .min = lo, .max = hi,		\
		 .desc = text, .global = true }

const struct ttp_param_def ttp_param_defs[TTP_PARAM_COUNT] = {
	TTP_PARAM(TTP_PARAM_MSL_MS, "msl_ms", "ms", 30000, 1, 600000,
		  "maximum segment lifetime; TIME_WAIT lasts 2*msl_ms"),
	TTP_PARAM(TTP_PARAM_MSL_LOCAL_MS, "msl_local_ms", "ms", 1000, 1, 600000,
		  "MSL used when both ends are addresses of this host"),
	TTP_PARAM(TTP_PARAM_FIN_TIMEOUT_MS, "fin_timeout_ms", "ms", 60000, 1, 600000,
		  "how long an orphaned socket may stay in FIN_WAIT_2"),
	TTP_PARAM(TTP_PARAM_SYNCOOKIES, "syncookies", "mode", 1, 0, 2,
		  "SYN cookies: 0 never, 1 when the SYN queue is full, 2 always"),
	TTP_PARAM(TTP_PARAM_SYN_RETRIES, "syn_retries", "count", 6, 1, 127,
		  "SYN retransmissions before connect() gives up"),
	TTP_PARAM(TTP_PARAM_SYNACK_RETRIES, "synack_retries", "count", 5, 0, 127,
		  "SYN-ACK retransmissions before a request entry is dropped"),
	TTP_PARAM(TTP_PARAM_MAX_SYN_BACKLOG, "max_syn_backlog", "count", 1024, 1, 1048576,
		  "request entries each listener may hold in its SYN queue"),
	TTP_PARAM(TTP_PARAM_ABORT_ON_OVERFLOW, "abort_on_overflow", "bool", 0, 0, 1,
		  "answer a handshake's final ACK with RST when the accept queue is full"),
	TTP_PARAM(TTP_PARAM_TW_REUSE, "tw_reuse", "mode", 2, 0, 2,
		  "reuse TIME_WAIT 4-tuples for connect(): 0 off, 1 on, 2 loopback only"),
	TTP_PARAM(TTP_PARAM_TW_REUSE_DELAY_MS, "tw_reuse_delay_ms", "ms", 1000, 1, 600000,
		  "time since a TIME_WAIT entry's last timestamp before it may be reused"),
	TTP_PARAM(TTP_PARAM_MAX_TW_BUCKETS, "max_tw_buckets", "count", 262144, 0, 16777216,
		  "TIME_WAIT entries the namespace may hold; 0 disables TIME_WAIT"),
	TTP_PARAM(TTP_PARAM_RFC1337, "rfc1337", "bool", 0, 0, 1,
		  "ignore RST in TIME_WAIT instead of ending the entry early (RFC 1337)"),
	TTP_PARAM(TTP_PARAM_TIMESTAMPS, "timestamps", "bool", 1, 0, 1,
		  "offer the timestamps option (RFC 7323) on new connections"),
	TTP_PARAM(TTP_PARAM_WINDOW_SCALING, "window_scaling", "bool", 1, 0, 1,
		  "offer the window scale option (RFC 7323) on new connections"),
	TTP_PARAM(TTP_PARAM_RTO_INIT_MS, "rto_init_ms", "ms", 1000, 10, 120000,
		  "retransmission timeout before the first RTT sample (RFC 6298)"),
	TTP_PARAM(TTP_PARAM_RTO_MIN_MS, "rto_min_ms", "ms", 200, 10, 120000,
		  "lower bound of the retransmission timeout"),
	TTP_PARAM(TTP_PARAM_RTO_MAX_MS, "rto_max_ms", "ms", 120000, 100, 600000,
		  "upper bound of the retransmission timeout, backoff included"),
	TTP_PARAM(TTP_PARAM_RETRIES2, "retries2", "count", 15, 1, 255,
		  "data retransmissions before an established connection gives up"),
	TTP_PARAM(TTP_PARAM_KEEPALIVE_TIME_MS, "keepalive_time_ms", "ms", 7200000, 100, 32767000,
		  "idle time before the first keepalive probe"),
	TTP_PARAM(TTP_PARAM_KEEPALIVE_INTVL_MS, "keepalive_intvl_ms", "ms", 75000, 100, 32767000,
		  "time between unanswered keepalive probes"),
	TTP_PARAM(TTP_PARAM_KEEPALIVE_PROBES, "keepalive_probes", "count", 9, 1, 127,
		  "unanswered keepalive probes before the connection is dropped"),
	TTP_PARAM(TTP_PARAM_INVALID_RATELIMIT_MS, "invalid_ratelimit_ms", "ms", 500, 0, 60000,
		  "least time between replies to invalid segments, per socket"),
	TTP_PARAM(TTP_PARAM_SYNCOOKIE_LIFETIME_MS, "syncookie_lifetime_ms", "ms", 120000,
		  2000, 240000, "how long a SYN cookie stays valid"),
	TTP_PARAM(TTP_PARAM_EVENTS_RATE, "events_rate", "count", 1000, 1, 1000000,
		  "events per second sent to ttpctl monitor; more are counted as lost"),
	TTP_PARAM(TTP_PARAM_ORPHAN_RETRIES, "orphan_retries", "count", 8, 1, 255,
		  "retransmissions or window probes before a closed socket gives up"),
	TTP_GLOBAL_PARAM(TTP_PARAM_MEM_MIN_PAGES, "mem_min_pages", "pages", 0, INT_MAX,
			 "global: memory pressure ends below this (default 3/64 of RAM)"),
	TTP_GLOBAL_PARAM(TTP_PARAM_MEM_PRESSURE_PAGES, "mem_pressure_pages", "pages", 0, INT_MAX,
			 "global: above this, buffers stop growing (default 1/16 of RAM)"),
	TTP_GLOBAL_PARAM(TTP_PARAM_MEM_MAX_PAGES, "mem_max_pages", "pages", 0, INT_MAX,
			 "global: more is refused, bar a minimum per socket (default 3/32 of RAM)"),
	TTP_PARAM(TTP_PARAM_MTU_PROBING, "mtu_probing", "mode", 0, 0, 2,
		  "path MTU black holes: 0 off, 1 fall back after timeouts, 2 start low"),
	TTP_PARAM(TTP_PARAM_L3MDEV_ACCEPT, "l3mdev_accept", "bool", 0, 0, 1,
		  "unbound listeners and sockets take connections from inside a VRF too"),
	TTP_PARAM(TTP_PARAM_SACK, "sack", "bool", 1, 0, 1,
		  "offer SACK (RFC 2018) on new connections; report out-of-order data"),
	TTP_PARAM(TTP_PARAM_CONGESTION_CONTROL, "congestion_control", "mode",
		  TTP_CONG_CUBIC, 0, __TTP_CONG_COUNT - 1,
		  "new connections' congestion control: 0 reno, 1 cubic (with HyStart++)"),
	TTP_PARAM(TTP_PARAM_PACING, "pacing", "bool", 0, 0, 1,
		  "pace every flow, not only those with SO_MAX_PACING_RATE, unless fq does"),
	TTP_PARAM(TTP_PARAM_USER_TIMEOUT_MS, "user_timeout_ms", "ms", 0, 0, INT_MAX,
		  "abort when sent data stays unacknowledged this long (0: never)"),
	TTP_PARAM(TTP_PARAM_CLOSE_WAIT_WARN_MS, "close_wait_warn_ms", "ms", 0, 0, INT_MAX,
		  "an event and a count when a connection sits in CLOSE_WAIT this long (0: never)"),
};
EXPORT_SYMBOL_IF_KUNIT(ttp_param_defs);

/* Returns the parameter's id, or -ENOENT. */
int ttp_param_lookup(const char *name)
{
	int id;

	for (id = 0; id < TTP_PARAM_COUNT; id++)
		if (!strcmp(ttp_param_defs[id].name, name))
			return id;
	return -ENOENT;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_param_lookup);

bool ttp_param_in_range(enum ttp_param id, u64 value)
{
	return value >= ttp_param_defs[id].min && value <= ttp_param_defs[id].max;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_param_in_range);

/*
 * Rules that tie parameters together, checked on the whole set of values a
 * change would leave behind. Returns NULL if they hold, else what is wrong.
 */
const char *ttp_params_inconsistent(const u32 *values)
{
	if (values[TTP_PARAM_RTO_MIN_MS] > values[TTP_PARAM_RTO_MAX_MS])
		return "rto_min_ms must not exceed rto_max_ms";
	if (values[TTP_PARAM_MEM_MIN_PAGES] > values[TTP_PARAM_MEM_PRESSURE_PAGES] ||
	    values[TTP_PARAM_MEM_PRESSURE_PAGES] > values[TTP_PARAM_MEM_MAX_PAGES])
		return "mem_min_pages <= mem_pressure_pages <= mem_max_pages must hold";
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_params_inconsistent);

void ttp_params_init_defaults(u32 *values)
{
	int id;

	for (id = 0; id < TTP_PARAM_COUNT; id++)
		values[id] = ttp_param_defs[id].def;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_params_init_defaults);

/* What a new namespace starts with, or for a global one, the load's value. */
u32 ttp_param_default(enum ttp_param id)
{
	return ttp_param_defs[id].global ? ttp_global_param_default(id) :
					   ttp_param_defs[id].def;
}
