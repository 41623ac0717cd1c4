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

static const char ttp_usage[] =
	"Usage: ttpctl [OPTIONS] OBJECT { COMMAND | help }\n"
	"       ttpctl { help | --version }\n"
	"where  OBJECT := { param | stats | sockets | monitor | top }\n"
	"       OPTIONS := { -j[son] | -p[retty] | -n[etns] NAME | -V[ersion] }\n";

static void ttp_print_help(FILE *f)
{
	fputs(ttp_usage, f);
	fputs("\n"
	      "  param show [-v] [NAME...]   parameters of this namespace (-v: unit, range,\n"
	      "                              default and description)\n"
	      "  param set NAME=VALUE...     change parameters, all or none; times take\n"
	      "                              suffixes: 500ms, 30s, 2m, 1h\n"
	      "  param show --config         every parameter as a file for param load\n"
	      "  param load FILE|-           set what FILE says, all or none\n"
	      "  stats [-d|-i SECS] [-z] [NAME...]\n"
	      "                              connections per state now and entered, then\n"
	      "                              counters not zero (NAME: only those; -d: since\n"
	      "                              the last -d; -i: per interval; -z: zeros too)\n"
	      "  sockets [-i] [FILTER]       every socket, request and TIME_WAIT entry, like\n"
	      "                              ss -tan (alias: ss; -i: TTP_INFO details)\n"
	      "  sockets kill FILTER         abort what FILTER matches, like ss -K\n"
	      "  monitor [-c COUNT]          events as they happen: state changes, drops,\n"
	      "                              parameter changes, SYN floods\n"
	      "  top [-d SECONDS] [-n FRAMES] a live view: states as bars, busiest counters,\n"
	      "                              latest events (q quits)\n"
	      "\n"
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

static const struct {
	const char *name;
	int (*fn)(struct ttp_ctl *ctl, int argc, char **argv);
} ttp_objects[] = {
	{ "param", ttp_cmd_param },
	{ "stats", ttp_cmd_stats },
	{ "sockets", ttp_cmd_sockets },
	{ "ss", ttp_cmd_sockets },
	{ "monitor", ttp_cmd_monitor },
	{ "top", ttp_cmd_top },
	{ "help", NULL },
};

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
	const char *names[sizeof(ttp_objects) / sizeof(ttp_objects[0]) + 1];
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
			fputs(ttp_usage, stderr);
			return TTP_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		fputs(ttp_usage, stderr);
		return TTP_EXIT_USAGE;
	}

	for (i = 0; i < (int)(sizeof(ttp_objects) / sizeof(ttp_objects[0])); i++)
		names[i] = ttp_objects[i].name;
	names[i] = NULL;
	i = ttp_match_word(argv[0], names);
	if (i < 0)
		return ttp_ctl_usage_error(ttp_usage, "Unknown object \"%s\"", argv[0]);
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
