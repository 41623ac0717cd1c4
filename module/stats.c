// SPDX-License-Identifier: GPL-2.0
/*
 * Per-state gauges and totals, and event counters. A gauge says how many
 * sockets, request entries and TIME_WAIT entries are in a state now; a total
 * says how many times the state was entered. Both change only through
 * ttp_state_move(), so the gauges always equal a census of the namespace.
 */
#include <linux/string.h>
#include "compat.h"
#include "events.h"
#include "stats.h"
#include "trace.h"

static const char *const ttp_state_names[TTP_STATE_MAX + 1] = {
	[TTP_ESTABLISHED]	= "ESTABLISHED",
	[TTP_SYN_SENT]		= "SYN_SENT",
	[TTP_SYN_RCVD]		= "SYN_RCVD",
	[TTP_FIN_WAIT_1]	= "FIN_WAIT_1",
	[TTP_FIN_WAIT_2]	= "FIN_WAIT_2",
	[TTP_TIME_WAIT]		= "TIME_WAIT",
	[TTP_CLOSED]		= "CLOSED",
	[TTP_CLOSE_WAIT]	= "CLOSE_WAIT",
	[TTP_LAST_ACK]		= "LAST_ACK",
	[TTP_LISTEN]		= "LISTEN",
	[TTP_CLOSING]		= "CLOSING",
};

/* The order in which reports list the states: a connection's life. */
const u8 ttp_state_report_order[TTP_STATE_GAUGES] = {
	TTP_LISTEN, TTP_SYN_SENT, TTP_SYN_RCVD, TTP_ESTABLISHED,
	TTP_FIN_WAIT_1, TTP_FIN_WAIT_2, TTP_CLOSE_WAIT, TTP_CLOSING,
	TTP_LAST_ACK, TTP_TIME_WAIT,
};
EXPORT_SYMBOL_IF_KUNIT(ttp_state_report_order);

static const char *const ttp_counter_names[TTP_COUNTER_COUNT] = {
	[TTP_MIB_PARAM_CHANGES]		= "ParamChanges",
	[TTP_MIB_ACTIVE_OPENS]		= "ActiveOpens",
	[TTP_MIB_PASSIVE_OPENS]		= "PassiveOpens",
	[TTP_MIB_ATTEMPT_FAILS]		= "AttemptFails",
	[TTP_MIB_ESTAB_RESETS]		= "EstabResets",
	[TTP_MIB_IN_SEGS]		= "InSegs",
	[TTP_MIB_OUT_SEGS]		= "OutSegs",
	[TTP_MIB_RETRANS_SEGS]		= "RetransSegs",
	[TTP_MIB_OUT_RSTS]		= "OutRsts",
	[TTP_MIB_IN_ERRS]		= "InErrs",
	[TTP_MIB_IN_CSUM_ERRORS]	= "InCsumErrors",
	[TTP_MIB_DROP_BAD_HEADER]	= "DropBadHeader",
	[TTP_MIB_DROP_BAD_FLAGS]	= "DropBadFlags",
	[TTP_MIB_DROP_BAD_OPTIONS]	= "DropBadOptions",
	[TTP_MIB_DROP_NO_SOCKET]	= "DropNoSocket",
	[TTP_MIB_DROP_OUT_OF_WINDOW]	= "DropOutOfWindow",
	[TTP_MIB_DROP_NO_MEMORY]	= "DropNoMemory",
	[TTP_MIB_DROP_BACKLOG]		= "DropBacklog",
	[TTP_MIB_DROP_SYN_QUEUE_FULL]	= "DropSynQueueFull",
	[TTP_MIB_LISTEN_OVERFLOWS]	= "ListenOverflows",
	[TTP_MIB_DROP_BAD_ACK]		= "DropBadAck",
	[TTP_MIB_SYN_RETRANS]		= "SynRetrans",
	[TTP_MIB_SYNACK_RETRANS]	= "SynAckRetrans",
	[TTP_MIB_TIMEOUTS]		= "Timeouts",
	[TTP_MIB_DELAYED_ACKS]		= "DelayedACKs",
	[TTP_MIB_CHALLENGE_ACKS]	= "ChallengeACKs",
	[TTP_MIB_ABORT_ON_CLOSE]	= "AbortOnClose",
	[TTP_MIB_ABORT_ON_LINGER]	= "AbortOnLinger",
	[TTP_MIB_ABORT_ON_DATA]		= "AbortOnData",
	[TTP_MIB_ABORT_ON_TIMEOUT]	= "AbortOnTimeout",
	[TTP_MIB_FIN_WAIT2_TIMEOUTS]	= "FinWait2Timeouts",
	[TTP_MIB_REQ_TIMEOUTS]		= "ReqTimeouts",
	[TTP_MIB_TW_EXPIRED]		= "TimeWaitExpired",
	[TTP_MIB_TW_OVERFLOW]		= "TimeWaitOverflow",
	[TTP_MIB_TW_KILLED]		= "TWKilled",
	[TTP_MIB_TW_RST_IGNORED]	= "TWRstIgnored",
	[TTP_MIB_ABORT_ON_LINGER2]	= "AbortOnLinger2",
	[TTP_MIB_LISTEN_DROPS]		= "ListenDrops",
	[TTP_MIB_SYNCOOKIES_SENT]	= "SyncookiesSent",
	[TTP_MIB_SYNCOOKIES_RECV]	= "SyncookiesRecv",
	[TTP_MIB_SYNCOOKIES_FAILED]	= "SyncookiesFailed",
	[TTP_MIB_ABORT_ON_OVERFLOW]	= "AbortOnOverflow",
	[TTP_MIB_TW_RECYCLED]		= "TWRecycled",
	[TTP_MIB_PAWS_REJECTED]		= "PAWSRejected",
	[TTP_MIB_CHALLENGE_ACKS_LIMITED] = "ChallengeACKsLimited",
	[TTP_MIB_INVALID_RSTS]		= "InvalidRsts",
	[TTP_MIB_INVALID_SYNS]		= "InvalidSyns",
	[TTP_MIB_INVALID_ACKS]		= "InvalidAcks",
	[TTP_MIB_KEEPALIVE_PROBES]	= "KeepAlive",
	[TTP_MIB_KEEPALIVE_TIMEOUTS]	= "KeepaliveTimeouts",
	[TTP_MIB_FAST_RETRANS]		= "FastRetrans",
	[TTP_MIB_RENO_RECOVERY]		= "RenoRecovery",
	[TTP_MIB_SLOW_START_RETRANS]	= "SlowStartRetrans",
	[TTP_MIB_ZERO_WINDOW_PROBES]	= "ZeroWindowProbes",
	[TTP_MIB_RETRANS_FAIL]		= "RetransFail",
	[TTP_MIB_OFO_PRUNED]		= "OfoPruned",
	[TTP_MIB_RCV_COLLAPSED]		= "RcvCollapsed",
	[TTP_MIB_DROP_POLICY]		= "DropPolicy",
	[TTP_MIB_DROP_FILTER]		= "DropFilter",
	[TTP_MIB_OUT_OF_WINDOW_ICMPS]	= "OutOfWindowIcmps",
	[TTP_MIB_PMTU_REDUCED]		= "PMTUReduced",
	[TTP_MIB_PMTU_BLACKHOLES]	= "PMTUBlackholes",
	[TTP_MIB_OFO_QUEUE]		= "OfoQueue",
	[TTP_MIB_OFO_MERGED]		= "OfoMerged",
	[TTP_MIB_TSQ_THROTTLED]		= "TsqThrottled",
	[TTP_MIB_BACKLOG_COALESCE]	= "BacklogCoalesce",
	[TTP_MIB_DSACK_OLD_SENT]	= "DSACKOldSent",
	[TTP_MIB_DSACK_OFO_SENT]	= "DSACKOfoSent",
	[TTP_MIB_SACK_RECOVERY]		= "SackRecovery",
	[TTP_MIB_DSACK_RECV]		= "DSACKRecv",
	[TTP_MIB_DSACK_UNDO]		= "DSACKUndo",
	[TTP_MIB_SACK_RENEGING]		= "SACKReneging",
	[TTP_MIB_SACK_DISCARD]		= "SACKDiscard",
	[TTP_MIB_SACK_REORDER]		= "SACKReorder",
	[TTP_MIB_LOSS_PROBES]		= "LossProbes",
	[TTP_MIB_LOSS_PROBE_RECOVERY]	= "LossProbeRecovery",
	[TTP_MIB_SPURIOUS_RTOS]		= "SpuriousRTOs",
	[TTP_MIB_LOSS_UNDO]		= "LossUndo",
	[TTP_MIB_FULL_UNDO]		= "FullUndo",
	[TTP_MIB_WQUEUE_TOO_BIG]	= "WqueueTooBig",
	[TTP_MIB_USER_TIMEOUTS]		= "UserTimeouts",
	[TTP_MIB_PORTS_EXHAUSTED]	= "PortsExhausted",
	[TTP_MIB_CLOSE_WAIT_WARNINGS]	= "CloseWaitWarnings",
	[TTP_MIB_RENO_REORDER]		= "RenoReorder",
	[TTP_MIB_KILLED]		= "Killed",
	[TTP_MIB_EVENTS]		= "Events",
	[TTP_MIB_EVENTS_LOST]		= "EventsLost",
	[TTP_MIB_MEMORY_PRESSURES]	= "MemoryPressures",
	[TTP_MIB_MEMORY_PRESSURES_MS]	= "MemoryPressuresChrono",
	[TTP_MIB_MEMORY_REFUSED]	= "MemoryRefused",
};

/* CLOSED is where sockets begin and end; counting it would mean nothing. */
bool ttp_state_has_gauge(int state)
{
	return state >= TTP_ESTABLISHED && state <= TTP_STATE_MAX &&
	       state != TTP_CLOSED;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_state_has_gauge);

const char *ttp_state_name(int state)
{
	if (state < TTP_ESTABLISHED || state > TTP_STATE_MAX)
		return NULL;
	return ttp_state_names[state];
}
EXPORT_SYMBOL_IF_KUNIT(ttp_state_name);

void ttp_count_drop(const struct net *net, const struct ttp_conn_key *key,
		    enum ttp_counter why)
{
	ttp_count(net, why);
	trace_ttp_drop(key, ttp_counter_names[why]);
	ttp_event_drop((struct net *)net, key, ttp_counter_names[why]);
}

const char *ttp_counter_name(int id)
{
	if (id < 0 || id >= TTP_COUNTER_COUNT)
		return NULL;
	return ttp_counter_names[id];
}
EXPORT_SYMBOL_IF_KUNIT(ttp_counter_name);

void ttp_state_move(const struct net *net, int old, int new)
{
	struct ttp_mib __percpu *mib = ttp_net(net)->mib;

	if (old == new)
		return;
	if (ttp_state_has_gauge(old))
		this_cpu_dec(mib->now[old]);
	if (ttp_state_has_gauge(new)) {
		this_cpu_inc(mib->now[new]);
		this_cpu_inc(mib->entered[new]);
	}
}

void ttp_stats_sum(const struct net *net, struct ttp_stats_sum *sum)
{
	struct ttp_mib __percpu *mib = ttp_net(net)->mib;
	long now[TTP_STATE_MAX + 1] = {};
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct ttp_mib *m = per_cpu_ptr(mib, cpu);

		for (i = 0; i < TTP_COUNTER_COUNT; i++)
			sum->counters[i] += READ_ONCE(m->counters[i]);
		for (i = 0; i <= TTP_STATE_MAX; i++) {
			now[i] += READ_ONCE(m->now[i]);
			sum->entered[i] += READ_ONCE(m->entered[i]);
		}
	}
	/*
	 * A socket may enter a state on one CPU and leave it on another while
	 * we sum: the total can dip below zero for that instant. Never report
	 * that.
	 */
	for (i = 0; i <= TTP_STATE_MAX; i++)
		sum->now[i] = now[i] > 0 ? now[i] : 0;
}
