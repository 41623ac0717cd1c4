/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * TTP: a TCP-like reliable byte stream with its own IP protocol number, whose
 * TIME_WAIT, SYN and retry behaviour is tunable live, per network namespace.
 *
 * This header is the one place for every number TTP shows to the outside
 * world: the IP protocol number, the generic netlink family, its commands and
 * attributes, the state numbering, the parameter and counter ids. The module,
 * ttpctl and the tests all include it. Every enum here is append-only: a
 * number, once released, keeps its meaning forever.
 *
 * Generic netlink family "ttp" (TTP_GENL_NAME), version TTP_GENL_VERSION
 * ---------------------------------------------------------------------
 *
 * The family is namespace aware: every command acts on the network namespace
 * of the netlink socket that sends it. Every request is validated strictly
 * (unknown attributes, wrong types and wrong lengths are rejected) and errors
 * carry an extended ACK message that names what was wrong.
 *
 * TTP_CMD_PARAM_GET
 *   As a dump (NLM_F_DUMP), with no attributes: one message per parameter,
 *   each with one TTP_A_PARAM nest holding every TTP_PARAM_A_* attribute.
 *   As a do request: one TTP_A_PARAM nest holding TTP_PARAM_A_NAME (or
 *   TTP_PARAM_A_ID); the reply has the same shape as one dump message.
 *   Unprivileged.
 *
 * TTP_CMD_PARAM_SET
 *   One or more TTP_A_PARAM nests, each with TTP_PARAM_A_NAME (or
 *   TTP_PARAM_A_ID) and TTP_PARAM_A_VALUE. All-or-nothing: if any value is
 *   invalid, nothing changes and the extended ACK names the parameter, the
 *   rejected value and the allowed range. Needs CAP_NET_ADMIN in the user
 *   namespace that owns the network namespace.
 *
 * TTP_CMD_STATS_GET
 *   A do request with no attributes. The reply holds one TTP_A_STATE nest per
 *   connection state (TTP_STATE_A_*: how many sockets, request entries and
 *   TIME_WAIT entries are in the state now, and how many times it was
 *   entered) and one TTP_A_COUNTER nest per event counter (TTP_COUNTER_A_*).
 *   Names travel with the ids, so an older ttpctl prints what a newer module
 *   adds. Unprivileged.
 *
 * TTP_CMD_SOCK_GET
 *   A dump: one message per listener, socket, request entry and TIME_WAIT
 *   entry of the namespace, each with one TTP_A_SOCK nest (TTP_SOCK_A_*).
 *   An optional TTP_A_FILTER nest (TTP_FILTER_A_*) keeps only what matches
 *   all of its attributes; the TTP_A_SOCK_INFO flag adds each connected
 *   socket's struct ttp_info. The dump walks the connection table under RCU
 *   alone and resumes where the previous message ended, so a table of any
 *   size takes as many messages as it needs and never holds a lock the
 *   receive path takes. Unprivileged.
 *
 * TTP_CMD_SOCK_KILL
 *   A TTP_A_FILTER nest, as for TTP_CMD_SOCK_GET; an empty nest matches
 *   everything. Every matching socket is aborted (an RST to the peer where
 *   the connection is synchronized, ECONNABORTED to the application, like
 *   ss -K), every matching request entry and TIME_WAIT entry removed. The
 *   reply's TTP_A_KILLED says how many; the Killed counter adds them up.
 *   Needs CAP_NET_ADMIN in the user namespace that owns the network
 *   namespace.
 *
 * TTP_CMD_EVENT
 *   Never a request: the messages of the multicast group "events"
 *   (TTP_MCGRP_EVENTS), one TTP_A_EVENT nest (TTP_EVENT_A_*) each: state
 *   changes, drops, parameter changes, SYN-flood episodes. Nothing is built
 *   while the group has no member in the namespace. Beyond events_rate per
 *   second the namespace sends none, counts them (EventsLost) and sends a
 *   TTP_EVENT_LOST with their number before the next. Unprivileged.
 */
#ifndef _UAPI_LINUX_TTP_H
#define _UAPI_LINUX_TTP_H

#include <linux/types.h>

/* The IP protocol number of TTP segments (RFC 3692 experimental range). */
#define IPPROTO_TTP 253

/* Socket option level of TTP's own options, like SOL_TCP. */
#define SOL_TTP IPPROTO_TTP

/*
 * Socket options at level SOL_TTP. Where TCP has the option, the number is
 * TCP's (TCP_SYNCNT and TTP_SYNCNT are both 7), so that a program's TCP
 * options map one to one; times are in milliseconds, not TCP's seconds.
 */
/* int bool: send small segments at once, no Nagle algorithm */
#define TTP_NODELAY	1
/* int ms: idle time before the first keepalive probe; 0 keepalive_time_ms */
#define TTP_KEEPIDLE	4
/* int ms: between unanswered probes; 0 the namespace's keepalive_intvl_ms */
#define TTP_KEEPINTVL	5
/* int: unanswered probes before the connection fails; 0 keepalive_probes */
#define TTP_KEEPCNT	6
/* int bool: send only full segments until cleared; clearing sends the rest */
#define TTP_CORK	3
/* int 1..127: SYN retransmissions before giving up */
#define TTP_SYNCNT	7
/*
 * int ms: FIN_WAIT_2 lifetime of an orphan; 0 the namespace's
 * fin_timeout_ms, -1 none (abort with RST at close)
 */
#define TTP_LINGER2	8
/*
 * int ms 1..600000: this connection's MSL, so its TIME_WAIT lasts
 * 2*TTP_MSL; lowering it below the namespace's msl_ms needs CAP_NET_ADMIN
 */
#define TTP_MSL		128
#define TTP_INFO	11	/* struct ttp_info, read only (TCP_INFO's number) */
/*
 * int ms: abort with ETIMEDOUT when sent data (or a zero-window probe, or
 * with SO_KEEPALIVE a keepalive probe) stays unanswered this long; 0 the
 * namespace's user_timeout_ms, -1 none (TCP_USER_TIMEOUT's number)
 */
#define TTP_USER_TIMEOUT	18
/*
 * char[TTP_CONG_NAME_MAX]: this socket's congestion control, "reno" or
 * "cubic", instead of the namespace's congestion_control (TCP_CONGESTION's
 * number); it may change on a live connection
 */
#define TTP_CONGESTION	13
#define TTP_CONG_NAME_MAX	16

/* ttp_info.options: what the handshake negotiated. */
#define TTP_INFO_OPT_TIMESTAMPS	0x01
#define TTP_INFO_OPT_WSCALE	0x02
#define TTP_INFO_OPT_SACK	0x04

/*
 * getsockopt(SOL_TTP, TTP_INFO): one connection's state and history.
 * Versioned by size, as TCP_INFO is: fields are only ever added at the
 * end, and the kernel copies as much as the caller's length asks for (no
 * more than it has) and returns the length copied. Times are "ago" or
 * durations, so no clock has to be shared.
 */
struct ttp_info {
	__u8	state;		/* enum ttp_state */
	__u8	options;	/* TTP_INFO_OPT_* */
	__u8	snd_wscale;	/* the peer's window shift */
	__u8	rcv_wscale;	/* ours */
	__u8	ca_state;	/* 0 open, 1 fast recovery, 2 loss (after a timeout) */
	__u8	retransmits;	/* retransmissions of the oldest unacked segment */
	__u8	backoff;	/* consecutive timeouts */
	__u8	reordering;	/* duplicate ACKs that start fast retransmit */
	__u32	snd_mss;	/* largest payload we send */
	__u32	rcv_mss;	/* the MSS we asked the peer for */
	__u32	rto_us;		/* retransmission timeout, backoff included */
	__u32	rtt_us;		/* smoothed RTT; 0 before the first sample */
	__u32	rttvar_us;
	__u32	snd_cwnd;	/* congestion window, segments */
	__u32	snd_ssthresh;	/* slow-start threshold, segments */
	__u32	snd_wnd;	/* the peer's window, bytes */
	__u32	rcv_wnd;	/* the window we advertised last, bytes */
	__u32	unacked;	/* segments in flight */
	__u32	lost;		/* of those, presumed lost */
	__u32	total_retrans;	/* segments sent again, all told */
	__u32	segs_out;	/* segments sent, retransmissions included */
	__u32	segs_in;	/* segments received */
	__u32	last_data_sent_ms;	/* since data was last sent */
	__u32	last_data_recv_ms;	/* since data last arrived */
	__u32	state_ms;	/* time in the current state */
	__u32	pad;
	__u64	bytes_sent;	/* payload sent, retransmissions included */
	__u64	bytes_acked;	/* payload the peer acknowledged */
	__u64	bytes_received;	/* payload received in order */
	__u32	sacked;		/* segments in flight the peer SACKed */
	__u32	retrans;	/* segments in flight sent again (lost ones) */
	__u32	congestion;	/* enum ttp_congestion */
	__u32	delivered;	/* segments delivered: ACKed or SACKed */
	__u64	pacing_rate;	/* bytes/s; ~0: none (no RTT yet, no cap) */
	__u64	delivery_rate;	/* bytes/s, the latest sample kept; 0: none */
	__u32	delivery_rate_app_limited;	/* 1: that sample was */
	__u32	rcv_ssthresh;	/* bytes: how far our window has opened */
	__u32	rcv_scaling_ratio;	/* payload per byte of receive buffer, /256 */
	__u32	min_rtt_us;	/* the least RTT sampled; 0 before the first */
	__u32	wmem_queued;	/* bytes of send buffer in use: data and skbs */
	__u32	sndbuf;		/* bytes: the send buffer's size (SO_SNDBUF) */
};

/*
 * The TTP header, in network byte order (Documentation/protocol.md has the
 * diagram). It is TCP's header without the urgent pointer, and with the
 * checksum in the urgent pointer's place: a device that can checksum only
 * TCP and UDP recognises their checksum by its offset, so TTP's lives where
 * theirs never does and the kernel computes it in software for such devices.
 */
struct ttphdr {
	__be16	source;
	__be16	dest;
	__be32	seq;
	__be32	ack_seq;
	__u8	doff;		/* header length in 32-bit words, high nibble */
	__u8	flags;		/* TTP_FLAG_* */
	__be16	window;		/* receive window, scaled if negotiated */
	__be16	reserved;	/* zero when sent, ignored when received */
	__sum16	check;		/* over the IP pseudo-header, header, payload */
};

#define TTP_FLAG_FIN	0x01	/* no more data from the sender */
#define TTP_FLAG_SYN	0x02	/* synchronize sequence numbers */
#define TTP_FLAG_RST	0x04	/* reset the connection */
#define TTP_FLAG_PSH	0x08	/* push: deliver without waiting for more */
#define TTP_FLAG_ACK	0x10	/* ack_seq is significant */
#define TTP_FLAGS_KNOWN	0x1f	/* any other bit set: the segment is dropped */

/* Options, in the header after the fixed 20 bytes; kinds as TCP's. */
#define TTP_OPT_EOL		0	/* end of options */
#define TTP_OPT_NOP		1	/* padding */
#define TTP_OPT_MSS		2	/* SYN only: u16 largest segment to send us */
#define TTP_OPT_WSCALE		3	/* SYN only: u8 shift of our window, 0..14 */
#define TTP_OPT_SACK_PERM	4	/* SYN only: SACK blocks welcome (RFC 2018) */
#define TTP_OPT_SACK		5	/* 1..4 blocks: u32 left edge, u32 right edge */
#define TTP_OPT_TIMESTAMP	8	/* u32 TSval, u32 TSecr (RFC 7323) */
#define TTP_OPTLEN_MSS		4
#define TTP_OPTLEN_WSCALE	3
#define TTP_OPTLEN_SACK_PERM	2
#define TTP_OPTLEN_SACK_BASE	2	/* plus TTP_OPTLEN_SACK_BLOCK per block */
#define TTP_OPTLEN_SACK_BLOCK	8
#define TTP_OPTLEN_TIMESTAMP	10

#define TTP_GENL_NAME "ttp"
#define TTP_GENL_VERSION 1

/* Longest parameter, state or counter name, without the terminating NUL. */
#define TTP_NAME_MAX 31

enum ttp_cmd {
	TTP_CMD_UNSPEC,
	TTP_CMD_PARAM_GET,	/* dump all parameters, or do: one by name */
	TTP_CMD_PARAM_SET,	/* set one or more parameters, atomically */
	TTP_CMD_STATS_GET,	/* per-state gauges and totals, counters */
	TTP_CMD_SOCK_GET,	/* dump sockets and entries, filtered */
	TTP_CMD_SOCK_KILL,	/* abort or remove what a filter matches */
	TTP_CMD_EVENT,		/* multicast: one event */
	__TTP_CMD_MAX
};
#define TTP_CMD_MAX (__TTP_CMD_MAX - 1)

/* The multicast group TTP_CMD_EVENT messages go to. */
#define TTP_MCGRP_EVENTS "events"

/* Top-level attributes of every command. */
enum ttp_attr {
	TTP_A_UNSPEC,
	TTP_A_PARAM,		/* nest of TTP_PARAM_A_*, may repeat */
	TTP_A_STATE,		/* nest of TTP_STATE_A_*, repeats */
	TTP_A_COUNTER,		/* nest of TTP_COUNTER_A_*, repeats */
	TTP_A_SOCK,		/* nest of TTP_SOCK_A_* */
	TTP_A_FILTER,		/* nest of TTP_FILTER_A_* */
	TTP_A_SOCK_INFO,	/* flag: dump struct ttp_info too */
	TTP_A_KILLED,		/* u32: entries TTP_CMD_SOCK_KILL ended */
	TTP_A_EVENT,		/* nest of TTP_EVENT_A_* */
	TTP_A_MEMORY,		/* nest of TTP_MEMORY_A_*: all namespaces' */
	__TTP_A_MAX
};
#define TTP_A_MAX (__TTP_A_MAX - 1)

/* Inside TTP_A_PARAM. */
enum ttp_param_attr {
	TTP_PARAM_A_UNSPEC,
	TTP_PARAM_A_PAD,
	TTP_PARAM_A_ID,		/* u32: enum ttp_param */
	TTP_PARAM_A_NAME,	/* NUL-terminated string, e.g. "msl_ms" */
	TTP_PARAM_A_VALUE,	/* u64: current value in this namespace */
	TTP_PARAM_A_DEFAULT,	/* u64: value of a new namespace */
	TTP_PARAM_A_RANGE_MIN,	/* u64: smallest accepted value */
	TTP_PARAM_A_RANGE_MAX,	/* u64: largest accepted value */
	TTP_PARAM_A_UNIT,	/* string: "ms", "count", "bool" or "mode" */
	TTP_PARAM_A_DESC,	/* string: one line saying what it does */
	TTP_PARAM_A_GLOBAL,	/* flag: one value for every namespace, */
				/* changed only from the initial one */
	__TTP_PARAM_A_MAX
};
#define TTP_PARAM_A_MAX (__TTP_PARAM_A_MAX - 1)

/* Inside TTP_A_MEMORY, in TTP_CMD_STATS_GET's reply: global, not per namespace. */
enum ttp_memory_attr {
	TTP_MEMORY_A_UNSPEC,
	TTP_MEMORY_A_PAD,
	TTP_MEMORY_A_PAGES,	/* u64: pages TTP's sockets hold now */
	TTP_MEMORY_A_PRESSURE,	/* u8: 1 while under memory pressure */
	__TTP_MEMORY_A_MAX
};
#define TTP_MEMORY_A_MAX (__TTP_MEMORY_A_MAX - 1)

/* Inside TTP_A_STATE. */
enum ttp_state_attr {
	TTP_STATE_A_UNSPEC,
	TTP_STATE_A_PAD,
	TTP_STATE_A_ID,		/* u32: enum ttp_state */
	TTP_STATE_A_NAME,	/* string, e.g. "TIME_WAIT" */
	TTP_STATE_A_CURRENT,	/* u64: sockets/entries in the state now */
	TTP_STATE_A_ENTERED,	/* u64: times the state was entered */
	__TTP_STATE_A_MAX
};
#define TTP_STATE_A_MAX (__TTP_STATE_A_MAX - 1)

/* Inside TTP_A_COUNTER. */
enum ttp_counter_attr {
	TTP_COUNTER_A_UNSPEC,
	TTP_COUNTER_A_PAD,
	TTP_COUNTER_A_ID,	/* u32: enum ttp_counter */
	TTP_COUNTER_A_NAME,	/* string, e.g. "ActiveOpens" */
	TTP_COUNTER_A_VALUE,	/* u64 */
	__TTP_COUNTER_A_MAX
};
#define TTP_COUNTER_A_MAX (__TTP_COUNTER_A_MAX - 1)

/* What a TTP_A_SOCK describes. */
enum ttp_sock_kind {
	TTP_SOCK_KIND_SOCKET,	/* a socket: listening, connecting or connected */
	TTP_SOCK_KIND_REQUEST,	/* a SYN queue entry, not yet a socket */
	TTP_SOCK_KIND_TIME_WAIT, /* what a closed connection leaves behind */
};

/* The timer a TTP_A_SOCK reports as running, like ss's "timer:(...)". */
enum ttp_sock_timer {
	TTP_TIMER_NONE,
	TTP_TIMER_RETRANS,	/* retransmission of data, SYN or FIN */
	TTP_TIMER_PERSIST,	/* zero-window probe */
	TTP_TIMER_KEEPALIVE,
	TTP_TIMER_FIN_WAIT2,	/* an orphan's FIN_WAIT_2 lifetime */
	TTP_TIMER_SYNACK,	/* a request entry's SYN-ACK retransmission */
	TTP_TIMER_TIME_WAIT,	/* the entry's end, 2*MSL after it began */
};

/* Inside TTP_A_SOCK. Addresses are those of the packets: 4 or 16 bytes. */
enum ttp_sock_attr {
	TTP_SOCK_A_UNSPEC,
	TTP_SOCK_A_PAD,
	TTP_SOCK_A_KIND,	/* u8: enum ttp_sock_kind */
	TTP_SOCK_A_FAMILY,	/* u8: AF_INET or AF_INET6 */
	TTP_SOCK_A_STATE,	/* u8: enum ttp_state */
	TTP_SOCK_A_SADDR,	/* binary: local address */
	TTP_SOCK_A_DADDR,	/* binary: peer address (zero: listener) */
	TTP_SOCK_A_SPORT,	/* u16, host order */
	TTP_SOCK_A_DPORT,	/* u16, host order */
	TTP_SOCK_A_RQUEUE,	/* u32: bytes not yet read; listener: accept queue */
	TTP_SOCK_A_WQUEUE,	/* u32: bytes not yet acked; listener: backlog */
	TTP_SOCK_A_TIMER,	/* u8: enum ttp_sock_timer */
	TTP_SOCK_A_TIMER_MS,	/* u32: until it fires */
	TTP_SOCK_A_RETRANS,	/* u8: its retransmissions or probes so far */
	TTP_SOCK_A_UID,		/* u32: the socket's owner */
	TTP_SOCK_A_INODE,	/* u64: the socket's inode, as in /proc/PID/fd */
	TTP_SOCK_A_INFO,	/* binary: struct ttp_info (TTP_A_SOCK_INFO) */
	__TTP_SOCK_A_MAX
};
#define TTP_SOCK_A_MAX (__TTP_SOCK_A_MAX - 1)

/*
 * Inside TTP_A_FILTER: an entry matches when it matches every attribute
 * given. Ports and addresses compare with TTP_SOCK_A_*; a prefix length
 * without its address is an error.
 */
enum ttp_filter_attr {
	TTP_FILTER_A_UNSPEC,
	TTP_FILTER_A_STATES,	/* u32: mask of 1 << enum ttp_state */
	TTP_FILTER_A_FAMILY,	/* u8: AF_INET or AF_INET6 */
	TTP_FILTER_A_SPORT,	/* u16, host order */
	TTP_FILTER_A_DPORT,	/* u16, host order */
	TTP_FILTER_A_SADDR,	/* binary, 4 or 16 bytes */
	TTP_FILTER_A_SPREFIX,	/* u8: bits of SADDR that count; default all */
	TTP_FILTER_A_DADDR,
	TTP_FILTER_A_DPREFIX,
	__TTP_FILTER_A_MAX
};
#define TTP_FILTER_A_MAX (__TTP_FILTER_A_MAX - 1)

enum ttp_event_type {
	TTP_EVENT_STATE,	/* a connection changed state */
	TTP_EVENT_DROP,		/* a segment was dropped; REASON: the counter */
	TTP_EVENT_PARAM,	/* a parameter changed */
	TTP_EVENT_SYNFLOOD_START, /* a listener's SYN queue overflowed */
	TTP_EVENT_SYNFLOOD_END,	/* ... and has not for a second */
	TTP_EVENT_LOST,		/* COUNT events not sent: events_rate */
	TTP_EVENT_PORTS_EXHAUSTED, /* a connect() found no free local port */
	TTP_EVENT_CLOSE_WAIT,	/* in CLOSE_WAIT past close_wait_warn_ms */
};

/* Inside TTP_A_EVENT. Addresses and ports as in TTP_A_SOCK. */
enum ttp_event_attr {
	TTP_EVENT_A_UNSPEC,
	TTP_EVENT_A_PAD,
	TTP_EVENT_A_TYPE,	/* u8: enum ttp_event_type */
	TTP_EVENT_A_FAMILY,	/* u8 */
	TTP_EVENT_A_SADDR,	/* binary: local */
	TTP_EVENT_A_DADDR,	/* binary: peer */
	TTP_EVENT_A_SPORT,	/* u16 */
	TTP_EVENT_A_DPORT,	/* u16 */
	TTP_EVENT_A_OLD_STATE,	/* u8: enum ttp_state */
	TTP_EVENT_A_NEW_STATE,	/* u8 */
	TTP_EVENT_A_REASON,	/* string: why, in a word or the counter's name */
	TTP_EVENT_A_PARAM,	/* string: the parameter's name */
	TTP_EVENT_A_OLD_VALUE,	/* u64 */
	TTP_EVENT_A_NEW_VALUE,	/* u64 */
	TTP_EVENT_A_PID,	/* u32: who changed it, in the initial namespaces */
	TTP_EVENT_A_UID,	/* u32 */
	TTP_EVENT_A_COMM,	/* string */
	TTP_EVENT_A_COUNT,	/* u64: LOST: events; SYNFLOOD_END: SYNs overflowed */
	TTP_EVENT_A_DURATION_MS, /* u32: SYNFLOOD_END: how long it lasted */
	TTP_EVENT_A_INODE,	/* u64: CLOSE_WAIT: the socket's, as in /proc/PID/fd */
	__TTP_EVENT_A_MAX
};
#define TTP_EVENT_A_MAX (__TTP_EVENT_A_MAX - 1)

/*
 * Connection states. The numbers are TCP's (include/net/tcp_states.h), so
 * that the kernel's generic sock:inet_sock_set_state tracepoint and the tools
 * that follow it print TTP's states by their right names. TTP_CLOSED is where
 * every socket starts and ends; it has no gauge.
 */
enum ttp_state {
	TTP_ESTABLISHED = 1,
	TTP_SYN_SENT,
	TTP_SYN_RCVD,
	TTP_FIN_WAIT_1,
	TTP_FIN_WAIT_2,
	TTP_TIME_WAIT,
	TTP_CLOSED,
	TTP_CLOSE_WAIT,
	TTP_LAST_ACK,
	TTP_LISTEN,
	TTP_CLOSING,
	__TTP_STATE_MAX
};
#define TTP_STATE_MAX (__TTP_STATE_MAX - 1)

/*
 * Parameter ids. Names, units, defaults and ranges live in the module's
 * parameter table and travel over netlink; see Documentation/params.md.
 */
enum ttp_param {
	TTP_PARAM_MSL_MS,
	TTP_PARAM_MSL_LOCAL_MS,
	TTP_PARAM_FIN_TIMEOUT_MS,
	TTP_PARAM_SYNCOOKIES,
	TTP_PARAM_SYN_RETRIES,
	TTP_PARAM_SYNACK_RETRIES,
	TTP_PARAM_MAX_SYN_BACKLOG,
	TTP_PARAM_ABORT_ON_OVERFLOW,
	TTP_PARAM_TW_REUSE,
	TTP_PARAM_TW_REUSE_DELAY_MS,
	TTP_PARAM_MAX_TW_BUCKETS,
	TTP_PARAM_RFC1337,
	TTP_PARAM_TIMESTAMPS,
	TTP_PARAM_WINDOW_SCALING,
	TTP_PARAM_RTO_INIT_MS,
	TTP_PARAM_RTO_MIN_MS,
	TTP_PARAM_RTO_MAX_MS,
	TTP_PARAM_RETRIES2,
	TTP_PARAM_KEEPALIVE_TIME_MS,
	TTP_PARAM_KEEPALIVE_INTVL_MS,
	TTP_PARAM_KEEPALIVE_PROBES,
	TTP_PARAM_INVALID_RATELIMIT_MS,
	TTP_PARAM_SYNCOOKIE_LIFETIME_MS,
	TTP_PARAM_EVENTS_RATE,
	TTP_PARAM_ORPHAN_RETRIES,
	/* Global (TTP_PARAM_A_GLOBAL): TTP's memory in pages, like tcp_mem. */
	TTP_PARAM_MEM_MIN_PAGES,
	TTP_PARAM_MEM_PRESSURE_PAGES,
	TTP_PARAM_MEM_MAX_PAGES,
	/* Per namespace again. */
	TTP_PARAM_MTU_PROBING,
	TTP_PARAM_L3MDEV_ACCEPT,
	TTP_PARAM_SACK,
	TTP_PARAM_CONGESTION_CONTROL,
	TTP_PARAM_PACING,
	TTP_PARAM_USER_TIMEOUT_MS,
	TTP_PARAM_CLOSE_WAIT_WARN_MS,
	__TTP_PARAM_COUNT
};

/* Congestion control algorithms: congestion_control, ttp_info.congestion. */
enum ttp_congestion {
	TTP_CONG_RENO,		/* RFC 5681 */
	TTP_CONG_CUBIC,		/* RFC 9438, with HyStart++ (RFC 9406) */
	__TTP_CONG_COUNT
};

/*
 * Event counter ids. Names live in the module and travel over netlink; where
 * Linux TCP has the same counter, TTP uses its name.
 */
enum ttp_counter {
	TTP_MIB_PARAM_CHANGES,	/* parameters changed by TTP_CMD_PARAM_SET */
	TTP_MIB_ACTIVE_OPENS,	/* connect() sent a SYN */
	TTP_MIB_PASSIVE_OPENS,	/* a listener made a connection */
	TTP_MIB_ATTEMPT_FAILS,	/* SYN_SENT or SYN_RCVD ended in CLOSED */
	TTP_MIB_ESTAB_RESETS,	/* ESTABLISHED or CLOSE_WAIT ended by RST */
	TTP_MIB_IN_SEGS,	/* segments received, errors included */
	TTP_MIB_OUT_SEGS,	/* segments sent, retransmissions excluded */
	TTP_MIB_RETRANS_SEGS,	/* segments retransmitted */
	TTP_MIB_OUT_RSTS,	/* segments sent with RST */
	TTP_MIB_IN_ERRS,	/* segments dropped as malformed */
	TTP_MIB_IN_CSUM_ERRORS,	/* ... of which for a bad checksum */
	TTP_MIB_DROP_BAD_HEADER, /* ... header length short or past the packet */
	TTP_MIB_DROP_BAD_FLAGS,	/* ... unknown flags or an impossible combination */
	TTP_MIB_DROP_BAD_OPTIONS, /* ... truncated or malformed options */
	TTP_MIB_DROP_NO_SOCKET,	/* for no socket (answered with RST) */
	TTP_MIB_DROP_OUT_OF_WINDOW, /* outside the receive window */
	TTP_MIB_DROP_NO_MEMORY,	/* no receive buffer or memory */
	TTP_MIB_DROP_BACKLOG,	/* the busy socket's backlog was full */
	TTP_MIB_DROP_SYN_QUEUE_FULL, /* SYN: the listener's SYN queue is full */
	TTP_MIB_LISTEN_OVERFLOWS, /* SYN or final ACK: the accept queue is full */
	TTP_MIB_DROP_BAD_ACK,	/* acknowledges what was never sent */
	TTP_MIB_SYN_RETRANS,	/* SYNs retransmitted */
	TTP_MIB_SYNACK_RETRANS,	/* SYN-ACKs retransmitted */
	TTP_MIB_TIMEOUTS,	/* retransmission timer expirations */
	TTP_MIB_DELAYED_ACKS,	/* ACKs sent by the delayed-ACK timer */
	TTP_MIB_CHALLENGE_ACKS,	/* RFC 5961 challenge ACKs sent */
	TTP_MIB_ABORT_ON_CLOSE,	/* close() with unread data: RST */
	TTP_MIB_ABORT_ON_LINGER, /* close() with SO_LINGER 0: RST */
	TTP_MIB_ABORT_ON_DATA,	/* data for a closed socket: RST */
	TTP_MIB_ABORT_ON_TIMEOUT, /* retransmissions gave up */
	TTP_MIB_FIN_WAIT2_TIMEOUTS, /* orphans closed after fin_timeout_ms */
	TTP_MIB_REQ_TIMEOUTS,	/* request entries dropped after synack_retries */
	TTP_MIB_TW_EXPIRED,	/* TIME_WAIT entries that ran their 2*MSL */
	TTP_MIB_TW_OVERFLOW,	/* closings left without TIME_WAIT: max_tw_buckets */
	TTP_MIB_TW_KILLED,	/* TIME_WAIT entries ended by an RST (rfc1337 0) */
	TTP_MIB_TW_RST_IGNORED,	/* RSTs a TIME_WAIT entry ignored (rfc1337 1) */
	TTP_MIB_ABORT_ON_LINGER2, /* orphans reset at close: TTP_LINGER2 -1 */
	TTP_MIB_LISTEN_DROPS,	/* SYNs and final ACKs a listener dropped */
	TTP_MIB_SYNCOOKIES_SENT, /* SYN-ACKs with a cookie */
	TTP_MIB_SYNCOOKIES_RECV, /* final ACKs with a valid cookie */
	TTP_MIB_SYNCOOKIES_FAILED, /* final ACKs whose cookie was wrong or stale */
	TTP_MIB_ABORT_ON_OVERFLOW, /* final ACKs reset: accept queue full */
	TTP_MIB_TW_RECYCLED,	/* connect() reused a TIME_WAIT 4-tuple */
	TTP_MIB_PAWS_REJECTED,	/* segments with an old timestamp (RFC 7323) */
	TTP_MIB_CHALLENGE_ACKS_LIMITED, /* challenge ACKs held back: rate limit */
	TTP_MIB_INVALID_RSTS,	/* RSTs in the window, not at rcv_nxt */
	TTP_MIB_INVALID_SYNS,	/* SYNs on a synchronized connection */
	TTP_MIB_INVALID_ACKS,	/* ACKs of data older than the window */
	TTP_MIB_KEEPALIVE_PROBES, /* keepalive probes sent */
	TTP_MIB_KEEPALIVE_TIMEOUTS, /* connections failed: keepalive unanswered */
	TTP_MIB_FAST_RETRANS,	/* segments sent again in fast recovery */
	TTP_MIB_RENO_RECOVERY,	/* fast recoveries begun (RFC 6582) */
	TTP_MIB_SLOW_START_RETRANS, /* segments sent again after a timeout */
	TTP_MIB_ZERO_WINDOW_PROBES, /* probes of a zero window (persist timer) */
	TTP_MIB_RETRANS_FAIL,	/* retransmissions the IP layer refused */
	TTP_MIB_OFO_PRUNED,	/* out-of-order queues pruned: no buffer left */
	TTP_MIB_RENO_REORDER,	/* fast retransmits undone: reordering, not loss */
	TTP_MIB_KILLED,		/* sockets and entries ended by TTP_CMD_SOCK_KILL */
	TTP_MIB_EVENTS,		/* events sent to the "events" group */
	TTP_MIB_EVENTS_LOST,	/* events not sent: events_rate */
	TTP_MIB_MEMORY_PRESSURES, /* times TTP entered memory pressure */
	TTP_MIB_MEMORY_PRESSURES_MS, /* time spent under it, ms */
	TTP_MIB_MEMORY_REFUSED,	/* buffer memory refused: global limit or cgroup */
	TTP_MIB_RCV_COLLAPSED,	/* receive queues copied compact: buffer full */
	TTP_MIB_DROP_POLICY,	/* IPsec policy refused it (xfrm) */
	TTP_MIB_DROP_FILTER,	/* a socket filter, cgroup BPF or LSM refused it */
	TTP_MIB_OUT_OF_WINDOW_ICMPS, /* ICMP errors about nothing in flight */
	TTP_MIB_PMTU_REDUCED,	/* MSS lowered: ICMP said the path MTU is lower */
	TTP_MIB_PMTU_BLACKHOLES, /* MSS lowered: timeouts suggest a black hole */
	TTP_MIB_OFO_QUEUE,	/* segments kept out of order */
	TTP_MIB_OFO_MERGED,	/* ... merged into the one before them */
	TTP_MIB_TSQ_THROTTLED,	/* sends stopped: ~1 ms of data below (TSQ) */
	TTP_MIB_BACKLOG_COALESCE, /* segments appended to one in a busy socket's backlog */
	TTP_MIB_DSACK_OLD_SENT,	/* D-SACKs for data that came again after it was in order */
	TTP_MIB_DSACK_OFO_SENT,	/* D-SACKs for data that came again while held early */
	TTP_MIB_SACK_RECOVERY,	/* fast recoveries begun with SACK (RFC 6675) */
	TTP_MIB_DSACK_RECV,	/* D-SACK blocks received (RFC 2883) */
	TTP_MIB_DSACK_UNDO,	/* recoveries undone: D-SACKs covered every resend */
	TTP_MIB_SACK_RENEGING,	/* peers that dropped data they had SACKed */
	TTP_MIB_SACK_DISCARD,	/* SACK blocks ignored: outside what is in flight */
	TTP_MIB_SACK_REORDER,	/* ACKs that showed reordering (RACK) */
	TTP_MIB_LOSS_PROBES,	/* tail loss probes sent (RFC 8985 TLP) */
	TTP_MIB_LOSS_PROBE_RECOVERY, /* losses a probe repaired */
	TTP_MIB_SPURIOUS_RTOS,	/* timeouts found spurious (RFC 3522 by timestamps) */
	TTP_MIB_LOSS_UNDO,	/* timeouts undone: window and flight restored */
	TTP_MIB_FULL_UNDO,	/* fast recoveries undone by timestamps */
	TTP_MIB_WQUEUE_TOO_BIG,	/* cuts of sent data refused: queue past its bound */
	TTP_MIB_USER_TIMEOUTS,	/* connections aborted by their user timeout */
	TTP_MIB_PORTS_EXHAUSTED, /* connects that found no free local port */
	TTP_MIB_CLOSE_WAIT_WARNINGS, /* connections in CLOSE_WAIT past close_wait_warn_ms */
	__TTP_MIB_COUNT
};

#endif /* _UAPI_LINUX_TTP_H */
