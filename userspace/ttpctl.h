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

/* A command: the words after its name in ARGV; returns a TTP_EXIT_*. */
typedef int (*ttp_cmd_fn)(struct ttp_ctl *ctl, int argc, char **argv);

/* The objects, which ttpctl.c's table lists. */
int ttp_cmd_param(struct ttp_ctl *ctl, int argc, char **argv);
int ttp_cmd_stats(struct ttp_ctl *ctl, int argc, char **argv);
int ttp_cmd_sockets(struct ttp_ctl *ctl, int argc, char **argv);
int ttp_cmd_monitor(struct ttp_ctl *ctl, int argc, char **argv);
int ttp_cmd_top(struct ttp_ctl *ctl, int argc, char **argv);

/* One command of an object: "show" in `ttpctl param show`. */
struct ttp_subcmd {
	const char *name;
	ttp_cmd_fn fn;
};

/* Where the words after an object go when the first is none of its commands. */
enum ttp_subcmd_rest {
	TTP_REST_UNKNOWN,	/* nowhere: "Unknown command" (param) */
	TTP_REST_OPTIONS,	/* to the default command if it is an option,
				 * "-d" (stats); else "Unknown command" */
	TTP_REST_ANY,		/* to the default command, whatever it is (a
				 * filter for sockets, options for monitor, top) */
};

/* An object's commands, for ttp_ctl_dispatch(). */
struct ttp_subcmds {
	const char *usage;		/* `OBJECT help` prints it, errors too */
	ttp_cmd_fn dflt;		/* the default command, for no word */
	enum ttp_subcmd_rest rest;
	const struct ttp_subcmd *list;	/* up to { NULL }; NULL: none but help */
};

/*
 * Run the command that ARGV[0] names (a unique prefix will do, as
 * ttp_match_word() says) with the words after it; "help" prints the usage
 * to stdout. With no word, run the default command. A word that is no
 * command is handled as CMDS->rest says: the default command then gets
 * every word, that one included.
 */
int ttp_ctl_dispatch(struct ttp_ctl *ctl, const struct ttp_subcmds *cmds,
		     int argc, char **argv);

#endif
