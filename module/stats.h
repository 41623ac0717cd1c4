/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TTP_STATS_H
#define _TTP_STATS_H

#include <linux/percpu.h>
#include "netns.h"

#define TTP_COUNTER_COUNT __TTP_MIB_COUNT
#define TTP_STATE_GAUGES 10	/* every state but CLOSED */

/*
 * Per-CPU statistics of one namespace. Writers touch only their CPU's copy
 * with this_cpu ops (safe from any context); readers sum all copies.
 */
struct ttp_mib {
	unsigned long counters[TTP_COUNTER_COUNT];
	long now[TTP_STATE_MAX + 1];		/* gauge: in the state now */
	unsigned long entered[TTP_STATE_MAX + 1];	/* total: times entered */
};

/* A consistent-enough sum of every CPU's copy, for reporting. */
struct ttp_stats_sum {
	u64 counters[TTP_COUNTER_COUNT];
	u64 now[TTP_STATE_MAX + 1];
	u64 entered[TTP_STATE_MAX + 1];
};

static inline void ttp_count(const struct net *net, enum ttp_counter id)
{
	this_cpu_inc(ttp_net(net)->mib->counters[id]);
}

static inline void ttp_count_add(const struct net *net, enum ttp_counter id,
				 unsigned long n)
{
	this_cpu_add(ttp_net(net)->mib->counters[id], n);
}

extern const u8 ttp_state_report_order[TTP_STATE_GAUGES];

void ttp_state_move(const struct net *net, int old, int new);
void ttp_stats_sum(const struct net *net, struct ttp_stats_sum *sum);
bool ttp_state_has_gauge(int state);
const char *ttp_state_name(int state);
const char *ttp_counter_name(int id);

struct ttp_conn_key;
/* Count a dropped segment under reason WHY, and trace it (ttp:ttp_drop). */
void ttp_count_drop(const struct net *net, const struct ttp_conn_key *key,
		    enum ttp_counter why);

#endif /* _TTP_STATS_H */
