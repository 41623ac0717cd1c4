// SPDX-License-Identifier: GPL-2.0
/*
 * ttpctl top: a live view of the namespace, refreshed every interval: the
 * per-state gauges as bars, the busiest counters as rates, and the latest
 * events of the "events" group. q or Ctrl-C quits. When stdout is not a
 * terminal it prints plain frames one after another, for logs and demos.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "events.h"
#include "loop.h"
#include "parse.h"
#include "stats.h"
#include "ttpctl.h"

static const char ttp_top_usage[] =
	"Usage: ttpctl top [-d SECONDS] [-n FRAMES]\n"
	"  -d  seconds between frames (default 1)\n"
	"  -n  frames to show, then quit (default: until q or Ctrl-C)\n";

#define TTP_TOP_EVENTS	8	/* latest events shown */
#define TTP_TOP_COUNTERS 10	/* busiest counters shown */

struct ttp_top {
	struct ttp_state_names names;
	char events[TTP_TOP_EVENTS][200];
	unsigned long nevents;	/* all received; the ring holds the last */
	unsigned long overruns;	/* times the socket buffer overflowed */
};

static struct termios ttp_top_saved;
static bool ttp_top_raw;

static void ttp_top_restore(void)
{
	if (ttp_top_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &ttp_top_saved);
	ttp_top_raw = false;
}

/* Keys without Enter, and no echo, while top runs. */
static void ttp_top_keys(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &ttp_top_saved))
		return;
	t = ttp_top_saved;
	t.c_lflag &= ~(ICANON | ECHO);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	if (!tcsetattr(STDIN_FILENO, TCSANOW, &t)) {
		ttp_top_raw = true;
		atexit(ttp_top_restore);
	}
}

static int ttp_top_event(struct nl_msg *msg, void *arg)
{
	struct ttp_top *top = arg;
	struct nlattr *tb[TTP_EVENT_A_MAX + 1];
	int type = ttp_event_parse(msg, tb);
	char *slot, line[160];
	time_t now = time(NULL);

	if (type < 0)
		return NL_SKIP;
	slot = top->events[top->nevents++ % TTP_TOP_EVENTS];
	ttp_event_format(line, sizeof(line), &top->names, type, tb);
	strftime(slot, 10, "%H:%M:%S ", localtime(&now));
	snprintf(slot + strlen(slot), sizeof(top->events[0]) - strlen(slot), "%s", line);
	return NL_OK;
}

/*
 * Every event waiting, not one per wakeup: a burst must not leave the list
 * behind the counters. libnl says NOMEM for ENOBUFS: events were dropped.
 */
static void ttp_top_drain(struct ttp_top *top, struct nl_sock *sk)
{
	struct nl_cb *cb = nl_socket_get_cb(sk);
	int i, n;

	for (i = 0; i < 256; i++) {
		n = nl_recvmsgs_report(sk, cb);
		if (n == -NLE_NOMEM)
			top->overruns++;
		else if (n <= 0)
			break;
	}
	nl_cb_put(cb);
}

static int ttp_top_width(void)
{
	struct winsize ws;

	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col >= 40)
		return ws.ws_col;
	return 80;
}

static int ttp_top_by_delta(const void *a, const void *b)
{
	const struct ttp_stat *x = a, *y = b;

	return x->value < y->value ? 1 : x->value > y->value ? -1 : strcmp(x->name, y->name);
}

static void ttp_top_frame(const struct ttp_top *top, const struct ttp_stats *cur,
			  struct ttp_stats *delta, double elapsed, bool tty)
{
	int width = ttp_top_width(), bar = width - 32, i, n;
	uint64_t most = 1;
	char when[16];
	time_t now = time(NULL);

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	if (tty)
		fputs("\033[H\033[2J", stdout);
	printf("ttpctl top  %s  every %.1f s%s\n\n", when, elapsed, tty ? "  (q quits)" : "");

	for (i = 0; i < cur->nstates; i++)
		if (cur->states[i].now > most)
			most = cur->states[i].now;
	printf("%-12s %8s\n", "STATE", "NOW");
	for (i = 0; i < cur->nstates; i++) {
		int len = (int)(cur->states[i].now * (uint64_t)bar / most);

		if (cur->states[i].now && !len)
			len = 1;
		printf("%-12s %8" PRIu64 " ", cur->states[i].name, cur->states[i].now);
		while (len--)
			putchar('#');
		putchar('\n');
	}

	qsort(delta->counters, delta->ncounters, sizeof(delta->counters[0]), ttp_top_by_delta);
	printf("\n%-24s %10s %12s\n", "BUSIEST COUNTER", "CHANGE", "PER SECOND");
	for (i = n = 0; i < delta->ncounters && n < TTP_TOP_COUNTERS; i++) {
		if (!delta->counters[i].value)
			break;
		printf("%-24s %10" PRIu64 " %12.1f\n", delta->counters[i].name,
		       delta->counters[i].value, delta->counters[i].value / elapsed);
		n++;
	}
	if (!n)
		printf("(no counter moved)\n");

	printf("\nLATEST EVENTS (%lu in all", top->nevents);
	if (top->overruns)
		printf("; some lost %lu times: top fell behind", top->overruns);
	printf(")\n");
	n = top->nevents < TTP_TOP_EVENTS ? (int)top->nevents : TTP_TOP_EVENTS;
	for (i = n; i > 0; i--)
		printf("%.*s\n", tty ? width - 1 : 1000,	/* a terminal's line */
		       top->events[(top->nevents - i) % TTP_TOP_EVENTS]);
	if (!n)
		printf("(none yet)\n");
	if (!tty)
		putchar('\n');
	fflush(stdout);
}

static int ttp_top_run(struct ttp_ctl *ctl, int argc, char **argv)
{
	struct ttp_stats last, cur, delta;
	struct ttp_nl events;
	struct ttp_top *top;
	struct pollfd pfd[2];
	double interval = 1, then, next;
	long frames = 0, shown = 0;
	int ret = TTP_EXIT_OK, nfds;

	for (; argc > 0; argc -= 2, argv += 2) {
		if (argc < 2)
			return ttp_ctl_usage_error(ttp_top_usage, "\"%s\" needs a value", argv[0]);
		if (!strcmp(argv[0], "-d")) {
			if (ttp_parse_seconds(argv[1], 0.1, 3600, &interval))
				return ttp_ctl_usage_error(ttp_top_usage,
					"-d takes seconds from 0.1 to 3600, not \"%s\"", argv[1]);
		} else if (!strcmp(argv[0], "-n")) {
			if (ttp_parse_long(argv[1], 1, LONG_MAX, &frames))
				return ttp_ctl_usage_error(ttp_top_usage,
					"-n takes a count of 1 or more, not \"%s\"", argv[1]);
		} else {
			return ttp_ctl_usage_error(ttp_top_usage, "Unknown option \"%s\"", argv[0]);
		}
	}
	top = calloc(1, sizeof(*top));
	if (!top)
		return TTP_EXIT_KERNEL;
	if (ttp_ctl_connect(ctl) || ttp_state_names_get(ctl, &top->names) ||
	    ttp_stats_read(ctl, &last, 0, NULL)) {
		free(top);
		return TTP_EXIT_KERNEL;
	}
	/* Events on a socket of their own; requests go on ctl's. */
	if (ttp_nl_open(&events)) {
		ttp_stats_free(&last);
		free(top);
		return TTP_EXIT_KERNEL;
	}
	pfd[0].fd = ttp_events_join(&events, ttp_top_event, top);
	if (pfd[0].fd < 0) {
		ttp_nl_close(&events);
		ttp_stats_free(&last);
		free(top);
		return TTP_EXIT_KERNEL;
	}
	pfd[0].events = POLLIN;
	pfd[1].fd = STDIN_FILENO;
	pfd[1].events = POLLIN;
	nfds = ctl->tty && isatty(STDIN_FILENO) ? 2 : 1;
	if (nfds == 2)
		ttp_top_keys();
	ttp_stop_on_signals();

	then = ttp_now();
	next = then + interval;
	while (!ttp_stop) {
		double now = ttp_now();
		char key;

		if (now < next) {
			if (poll(pfd, nfds, (int)((next - now) * 1000) + 1) > 0) {
				if (pfd[0].revents & POLLIN)
					ttp_top_drain(top, events.sk);
				if (nfds == 2 && (pfd[1].revents & POLLIN) &&
				    read(STDIN_FILENO, &key, 1) == 1 && (key == 'q' || key == 'Q'))
					break;
			}
			continue;
		}
		if (ttp_stats_read(ctl, &cur, 0, NULL)) {
			ret = TTP_EXIT_KERNEL;
			break;
		}
		delta = ttp_stats_copy(&cur);
		ttp_stats_subtract(&delta, &last);
		ttp_top_frame(top, &cur, &delta, now - then, ctl->tty);
		ttp_stats_free(&delta);
		ttp_stats_free(&last);
		last = cur;
		then = now;
		next = now + interval;
		if (frames && ++shown >= frames)
			break;
	}
	ttp_top_restore();
	ttp_nl_close(&events);
	ttp_stats_free(&last);
	free(top);
	return ret;
}

/* No commands, options only; yet "top help" as everywhere. */
int ttp_cmd_top(struct ttp_ctl *ctl, int argc, char **argv)
{
	static const struct ttp_subcmds cmds = {
		.usage = ttp_top_usage,
		.dflt = ttp_top_run,
		.rest = TTP_REST_ANY,
	};

	return ttp_ctl_dispatch(ctl, &cmds, argc, argv);
}
