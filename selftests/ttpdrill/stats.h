/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TD_STATS_H
#define TD_STATS_H

#include <stdbool.h>

/*
 * For each state: STATE true, FIRST its gauge (now), SECOND its total
 * (entered). For each counter: STATE false, FIRST its value.
 */
typedef void (*td_stats_fn)(void *ctx, bool state, const char *name,
			    unsigned long long first, unsigned long long second);

/* The namespace's figures, as `ttpctl stats` prints them; 0 or -errno. */
int td_stats_read(td_stats_fn fn, void *ctx);

#endif
