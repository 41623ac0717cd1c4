/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TTP's tracepoints, in the "ttp" trace system: what the counters count,
 * one event at a time, with the connection it happened to. State changes
 * are the kernel's own sock:inet_sock_set_state (ttp_set_state()).
 *
 *   perf record -e 'ttp:*' -a -- sleep 10 && perf script
 *   echo 1 >/sys/kernel/tracing/events/ttp/enable; cat /sys/kernel/tracing/trace_pipe
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM ttp

#if !defined(_TTP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TTP_TRACE_H

#include <linux/in6.h>
#include <linux/tracepoint.h>

struct net;
struct ttp_conn_key;

/* trace.c: the key's addresses as sockaddrs, for %pISpc. */
void ttp_trace_addrs(const struct ttp_conn_key *key, u8 *local, u8 *remote);

/* Every event names its connection: local and remote address and port. */
DECLARE_EVENT_CLASS(ttp_conn_event,
	TP_PROTO(const struct ttp_conn_key *key),
	TP_ARGS(key),
	TP_STRUCT__entry(
		__array(u8, local, sizeof(struct sockaddr_in6))
		__array(u8, remote, sizeof(struct sockaddr_in6))
	),
	TP_fast_assign(
		ttp_trace_addrs(key, __entry->local, __entry->remote);
	),
	TP_printk("local=%pISpc remote=%pISpc", __entry->local, __entry->remote)
);

/* A listener answered a SYN with a cookie and kept nothing. */
DEFINE_EVENT(ttp_conn_event, ttp_cookie_sent,
	TP_PROTO(const struct ttp_conn_key *key),
	TP_ARGS(key)
);

/* connect() took the 4-tuple of a TIME_WAIT entry (tw_reuse). */
DEFINE_EVENT(ttp_conn_event, ttp_tw_reuse,
	TP_PROTO(const struct ttp_conn_key *key),
	TP_ARGS(key)
);

/* A final ACK that no request entry knew, checked as a cookie. */
TRACE_EVENT(ttp_cookie_checked,
	TP_PROTO(const struct ttp_conn_key *key, bool valid),
	TP_ARGS(key, valid),
	TP_STRUCT__entry(
		__array(u8, local, sizeof(struct sockaddr_in6))
		__array(u8, remote, sizeof(struct sockaddr_in6))
		__field(bool, valid)
	),
	TP_fast_assign(
		ttp_trace_addrs(key, __entry->local, __entry->remote);
		__entry->valid = valid;
	),
	TP_printk("local=%pISpc remote=%pISpc valid=%d", __entry->local, __entry->remote,
		  __entry->valid)
);

/* A segment sent again: by the retransmission timer or fast retransmit. */
TRACE_EVENT(ttp_retransmit,
	TP_PROTO(const struct ttp_conn_key *key, u32 seq, u32 len, u8 retries),
	TP_ARGS(key, seq, len, retries),
	TP_STRUCT__entry(
		__array(u8, local, sizeof(struct sockaddr_in6))
		__array(u8, remote, sizeof(struct sockaddr_in6))
		__field(u32, seq)
		__field(u32, len)
		__field(u8, retries)
	),
	TP_fast_assign(
		ttp_trace_addrs(key, __entry->local, __entry->remote);
		__entry->seq = seq;
		__entry->len = len;
		__entry->retries = retries;
	),
	TP_printk("local=%pISpc remote=%pISpc seq=%u len=%u retries=%u",
		  __entry->local, __entry->remote, __entry->seq, __entry->len,
		  __entry->retries)
);

/*
 * A segment dropped, with the counter it was counted in as the reason.
 * Some drops happen before the segment's addresses are known (a header
 * too short to hold them): KEY is then NULL and the addresses zero.
 */
TRACE_EVENT(ttp_drop,
	TP_PROTO(const struct ttp_conn_key *key, const char *reason),
	TP_ARGS(key, reason),
	TP_STRUCT__entry(
		__array(u8, local, sizeof(struct sockaddr_in6))
		__array(u8, remote, sizeof(struct sockaddr_in6))
		/* A counter's name (__string's helpers differ across kernels). */
		__array(char, reason, 32)
	),
	TP_fast_assign(
		ttp_trace_addrs(key, __entry->local, __entry->remote);
		strscpy(__entry->reason, reason, sizeof(__entry->reason));
	),
	TP_printk("local=%pISpc remote=%pISpc reason=%s", __entry->local, __entry->remote,
		  __entry->reason)
);

#endif /* _TTP_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
