// SPDX-License-Identifier: GPL-2.0
/*
 * ttpctl: read and tune TTP in a network namespace over the "ttp" generic
 * netlink family. Grammar as in iproute2: ttpctl [OPTIONS] OBJECT COMMAND,
 * where every word may be shortened to a unique prefix.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/ttp.h>
#include "parse.h"
#include "ttpctl.h"

#ifndef TTP_VERSION
#define TTP_VERSION "unknown"
#endif

/* One entry of `ttpctl help`: a synopsis and what it does. */
struct ttp_help {
	const char *synopsis;
	const char *text;	/* lines split by '\n', each in the same column */
};

/*
 * Every object: its name, the function that runs it and its entries in
 * `ttpctl help`, in the order help lists them. The usage's "OBJECT :="
 * list has those with entries; an alias has none. Every object takes
 * "help" (ttp_ctl_dispatch() sees to it); the help object itself has no
 * function: main() prints the help, as for -h.
 */
static const struct ttp_object {
	const char *name;
	ttp_cmd_fn fn;
	struct ttp_help help[4];
} ttp_objects[] = {
	{ "param", ttp_cmd_param, {
		{ "param show [-v] [NAME...]",
		  "parameters of this namespace (-v: unit, range,\n"
		  "default and description)" },
		{ "param set NAME=VALUE...",
		  "change parameters, all or none; times take\n"
		  "suffixes: 500ms, 30s, 2m, 1h" },
		{ "param show --config", "every parameter as a file for param load" },
		{ "param load FILE|-", "set what FILE says, all or none" },
	} },
	{ "stats", ttp_cmd_stats, {
		{ "stats [-d|-i SECS [-c COUNT]] [-z] [NAME...]",
		  "connections per state now and entered, then\n"
		  "counters not zero (NAME: only those; -d: since\n"
		  "the last -d; -i: per interval, -c times; -z:\n"
		  "zeros too)" },
		{ "stats --prometheus [NAME...]",
		  "every figure in Prometheus's text format, for\n"
		  "node_exporter's textfile collector" },
	} },
	{ "sockets", ttp_cmd_sockets, {
		{ "sockets [-i] [-p] [FILTER]",
		  "every socket, request and TIME_WAIT entry, like\n"
		  "ss -tan (alias: ss; -i: TTP_INFO details;\n"
		  "-p: uid and processes, as ss -p)" },
		{ "sockets kill FILTER", "abort what FILTER matches, like ss -K" },
	} },
	{ .name = "ss", .fn = ttp_cmd_sockets },	/* ss(8)'s name for it */
	{ "monitor", ttp_cmd_monitor, {
		{ "monitor [-c COUNT]",
		  "events as they happen: state changes, drops,\n"
		  "parameter changes, SYN floods, ports exhausted" },
	} },
	{ "top", ttp_cmd_top, {
		{ "top [-d SECONDS] [-n FRAMES]",
		  "a live view: states as bars, busiest counters,\n"
		  "latest events (q quits)" },
	} },
	{ .name = "help" },
};

#define TTP_OBJECTS	(sizeof(ttp_objects) / sizeof(ttp_objects[0]))
#define TTP_HELP_MAX	(sizeof(ttp_objects[0].help) / sizeof(ttp_objects[0].help[0]))
#define TTP_HELP_COLUMN	30	/* where an entry's text starts */

static void ttp_print_usage(FILE *f)
{
	unsigned int i, n = 0;

	fputs("Usage: ttpctl [OPTIONS] OBJECT { COMMAND | help }\n"
	      "       ttpctl { help | --version }\n"
	      "where  OBJECT := {", f);
	for (i = 0; i < TTP_OBJECTS; i++)
		if (ttp_objects[i].help[0].synopsis)
			fprintf(f, "%s %s", n++ ? " |" : "", ttp_objects[i].name);
	fputs(" }\n"
	      "       OPTIONS := { -j[son] | -p[retty] | -n[etns] NAME | -V[ersion] }\n", f);
}

static void ttp_print_help_entry(FILE *f, const struct ttp_help *h)
{
	const char *line, *nl;

	/*
	 * A synopsis that ends by the text's column (top's ends at it) is
	 * followed by a blank and the text; a longer one (stats') has a line
	 * of its own.
	 */
	if (strlen(h->synopsis) <= TTP_HELP_COLUMN - 2)
		fprintf(f, "  %-*s ", TTP_HELP_COLUMN - 3, h->synopsis);
	else
		fprintf(f, "  %s\n%*s", h->synopsis, TTP_HELP_COLUMN, "");
	for (line = h->text; (nl = strchr(line, '\n')); line = nl + 1)
		fprintf(f, "%.*s\n%*s", (int)(nl - line), line, TTP_HELP_COLUMN, "");
	fprintf(f, "%s\n", line);
}

static void ttp_print_help(FILE *f)
{
	unsigned int i, k;

	ttp_print_usage(f);
	fputc('\n', f);
	for (i = 0; i < TTP_OBJECTS; i++)
		for (k = 0; k < TTP_HELP_MAX && ttp_objects[i].help[k].synopsis; k++)
			ttp_print_help_entry(f, &ttp_objects[i].help[k]);
	fputs("\n"
	      "  -j, --json       JSON output\n"
	      "  -p, --pretty     indented JSON\n"
	      "  -n, --netns NAME act inside the network namespace NAME (see ip-netns(8))\n"
	      "  -V, --version    print the version\n", f);
}

int ttp_ctl_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage, stderr);
	return TTP_EXIT_USAGE;
}

/* Connect on first use, so that `help` works without the module. */
int ttp_ctl_connect(struct ttp_ctl *ctl)
{
	if (ctl->connected)
		return 0;
	if (ctl->netns && ttp_nl_enter_netns(ctl->netns))
		return -1;
	if (ttp_nl_open(&ctl->nl))
		return -1;
	ctl->connected = true;
	return 0;
}

/* The most commands an object has; help comes on top. */
#define TTP_SUBCMDS_MAX 8

int ttp_ctl_dispatch(struct ttp_ctl *ctl, const struct ttp_subcmds *cmds,
		     int argc, char **argv)
{
	const char *names[TTP_SUBCMDS_MAX + 2];
	int n = 0, i;

	if (argc < 1)
		return cmds->dflt(ctl, 0, argv);
	for (; n < TTP_SUBCMDS_MAX && cmds->list && cmds->list[n].name; n++)
		names[n] = cmds->list[n].name;
	/* Last, so that a prefix shared with a command means the command. */
	names[n] = "help";
	names[n + 1] = NULL;
	i = ttp_match_word(argv[0], names);
	if (i == n) {
		fputs(cmds->usage, stdout);
		return TTP_EXIT_OK;
	}
	if (i >= 0)
		return cmds->list[i].fn(ctl, argc - 1, argv + 1);
	if (cmds->rest == TTP_REST_ANY ||
	    (cmds->rest == TTP_REST_OPTIONS && argv[0][0] == '-'))
		return cmds->dflt(ctl, argc, argv);
	return ttp_ctl_usage_error(cmds->usage, "Unknown command \"%s\"", argv[0]);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "netns", required_argument, NULL, 'n' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *names[TTP_OBJECTS + 1];
	struct ttp_ctl ctl = { .tty = isatty(STDOUT_FILENO) };
	int opt, i, ret;

	while ((opt = getopt_long(argc, argv, "+jpn:Vh", options, NULL)) != -1) {
		switch (opt) {
		case 'j': ctl.json = true; break;
		case 'p': ctl.pretty = true; break;
		case 'n': ctl.netns = optarg; break;
		case 'V':
			printf("ttpctl %s (generic netlink family \"%s\" version %d)\n",
			       TTP_VERSION, TTP_GENL_NAME, TTP_GENL_VERSION);
			return TTP_EXIT_OK;
		case 'h':
			ttp_print_help(stdout);
			return TTP_EXIT_OK;
		default:
			ttp_print_usage(stderr);
			return TTP_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		ttp_print_usage(stderr);
		return TTP_EXIT_USAGE;
	}

	for (i = 0; i < (int)TTP_OBJECTS; i++)
		names[i] = ttp_objects[i].name;
	names[i] = NULL;
	i = ttp_match_word(argv[0], names);
	if (i < 0) {
		fprintf(stderr, "Unknown object \"%s\"\n", argv[0]);
		ttp_print_usage(stderr);
		return TTP_EXIT_USAGE;
	}
	if (!ttp_objects[i].fn) {
		ttp_print_help(stdout);
		return TTP_EXIT_OK;
	}
	ret = ttp_objects[i].fn(&ctl, argc - 1, argv + 1);
	if (ctl.connected)
		ttp_nl_close(&ctl.nl);
	if (fflush(stdout) || ferror(stdout)) {
		perror("ttpctl: writing output");
		ret = TTP_EXIT_KERNEL;
	}
	return ret;
}
