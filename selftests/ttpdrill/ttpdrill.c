// SPDX-License-Identifier: GPL-2.0
/*
 * ttpdrill: run one packet script against the local TTP stack, playing the
 * remote host through a TUN device in a network namespace of its own.
 * Exit status: 0 the script passed, 1 it failed, 2 it could not run, 3 it
 * failed on timing alone by less than one more tolerance (a near miss).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "run.h"
#include "script.h"

static const char usage[] =
	"Usage: ttpdrill [-4|-6] [-t TOLERANCE_MS] SCRIPT\n"
	"  -4, -6   run over IPv4 (192.0.2.1 <-> .2) or IPv6 (2001:db8::1 <-> ::2)\n"
	"  -t MS    timing tolerance for segments and system calls (default 250)\n"
	"  -n       only parse the script\n";

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n + 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	struct td_options opt = { .family = AF_INET, .tolerance_usecs = 250000 };
	struct td_script script;
	char err[2048], *text;
	bool parse_only = false;
	int c, rc;

	while ((c = getopt(argc, argv, "46t:nh")) != -1) {
		switch (c) {
		case '4': opt.family = AF_INET; break;
		case '6': opt.family = AF_INET6; break;
		case 't': opt.tolerance_usecs = atol(optarg) * 1000; break;
		case 'n': parse_only = true; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(usage, stderr);
		return 2;
	}
	text = read_file(argv[optind]);
	if (!text) {
		perror(argv[optind]);
		return 2;
	}
	if (td_parse_script(argv[optind], text, &script, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (parse_only)
		return 0;
	rc = td_run(&script, &opt, err, sizeof(err));
	if (rc == -1 || rc == -3 || rc == -4)
		fprintf(stderr, "%s\n", err);
	fflush(stderr);
	/*
	 * A script that stopped half way may leave orphaned sockets (closed,
	 * with a FIN unacknowledged) retransmitting into the device that goes
	 * with us, for many minutes at the default bounds, keeping the module
	 * busy. Make them give up within seconds: this namespace is ours.
	 */
	if (rc != 0 && system("ttpctl param set retries2=1 rto_min_ms=10 rto_max_ms=100"))
		fputs("ttpdrill: could not shorten the retransmissions of orphans\n", stderr);
	/* A system call may still block in its thread: do not wait for it. */
	_exit(rc == 0 ? 0 : rc == -1 ? 1 : rc == -3 ? 3 : rc == -4 ? 4 : 2);
}
