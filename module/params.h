/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TTP_PARAMS_H
#define _TTP_PARAMS_H

#include <linux/types.h>
#include <uapi/linux/ttp.h>

#define TTP_PARAM_COUNT __TTP_PARAM_COUNT

/* One row of the parameter table: everything anyone needs to know about it. */
struct ttp_param_def {
	const char *name;
	const char *unit;	/* "ms", "count", "bool" or "mode" */
	const char *desc;
	u32 def;
	u32 min;
	u32 max;
	bool global;	/* one value for all namespaces: ttp_global_param() */
};

extern const struct ttp_param_def ttp_param_defs[TTP_PARAM_COUNT];

int ttp_param_lookup(const char *name);
bool ttp_param_in_range(enum ttp_param id, u64 value);
const char *ttp_params_inconsistent(const u32 *values);
void ttp_params_init_defaults(u32 *values);
u32 ttp_param_default(enum ttp_param id);

/* The global parameters (memory.c): TTP's memory limits, in pages. */
u32 ttp_global_param(enum ttp_param id);
void ttp_global_param_set(enum ttp_param id, u32 value);
u32 ttp_global_param_default(enum ttp_param id);

#endif /* _TTP_PARAMS_H */
