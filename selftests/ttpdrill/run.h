/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TTPDRILL_RUN_H
#define TTPDRILL_RUN_H

#include "script.h"

struct td_options {
	int family;			/* AF_INET or AF_INET6 */
	long long tolerance_usecs;	/* unless the script sets its own */
};

/*
 * 0: the script passed; -1: it failed (FAILURE says how); -2: setup failed;
 * -3: it failed on timing alone, by less than one more tolerance.
 */
int td_run(const struct td_script *script, const struct td_options *opt,
	   char *failure, int len);

#endif
