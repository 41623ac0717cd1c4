/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TTP_STATS_H
#define TTP_STATS_H

#include <stdint.h>
#include <linux/ttp.h>
#include "ttpctl.h"

/* One figure of TTP_CMD_STATS_GET, named as the kernel names it. */
struct ttp_stat {
	char name[TTP_NAME_MAX + 1];
	uint64_t now;		/* states only */
	uint64_t value;		/* entered (states) or value (counters) */
};

struct ttp_stats {
	struct ttp_stat *states, *counters;
	int nstates, ncounters;
	/* All namespaces' memory (TTP_A_MEMORY); not shown when names are. */
	bool has_memory;
	uint64_t mem_pages;
	bool mem_pressure;
};

/* Every figure, or those NAMES name (an unknown name is an error, printed). */
int ttp_stats_read(struct ttp_ctl *ctl, struct ttp_stats *st, int argc, char **argv);
void ttp_stats_free(struct ttp_stats *st);
/* CUR becomes CUR - OLD, gauges excepted; a figure that went down restarts. */
void ttp_stats_subtract(struct ttp_stats *cur, const struct ttp_stats *old);
struct ttp_stats ttp_stats_copy(const struct ttp_stats *st);

#endif
