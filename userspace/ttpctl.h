/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TTP_CTL_H
#define TTP_CTL_H

#include <stdbool.h>
#include "genl.h"
#include "output.h"

/* ip(8)'s exit statuses. */
enum {
	TTP_EXIT_OK = 0,
	TTP_EXIT_USAGE = 1,	/* syntax error; a usage line was printed */
	TTP_EXIT_KERNEL = 2,	/* the kernel or the system said no */
};

/* What every command gets: global options and the netlink connection. */
struct ttp_ctl {
	bool json;
	bool pretty;
	bool tty;		/* stdout is a terminal: aligned columns */
	const char *netns;
	struct ttp_nl nl;
	bool connected;
};

int ttp_ctl_connect(struct ttp_ctl *ctl);
int ttp_ctl_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

int ttp_cmd_param(struct ttp_ctl *ctl, int argc, char **argv);
int ttp_cmd_stats(struct ttp_ctl *ctl, int argc, char **argv);
int ttp_cmd_sockets(struct ttp_ctl *ctl, int argc, char **argv);
int ttp_cmd_monitor(struct ttp_ctl *ctl, int argc, char **argv);
int ttp_cmd_top(struct ttp_ctl *ctl, int argc, char **argv);

struct ttp_state_names;
/* The kernel's names of the states (sockets.c). */
int ttp_state_names_get(struct ttp_ctl *ctl, struct ttp_state_names *names);

#endif
