/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TD_INFO_H
#define TD_INFO_H

#include <linux/ttp.h>

/* The index of struct ttp_info's field NAME, or -1 if it has none. */
int td_info_field(const char *name);

/* Field INDEX of INFO, widened. */
unsigned long long td_info_value(const struct ttp_info *info, int index);

#endif
