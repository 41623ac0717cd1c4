// SPDX-License-Identifier: GPL-2.0
/*
 * ttpctl stats: how many connections are in each state now and how many
 * times each state was entered, then the event counters. Names come from
 * the kernel with the numbers, so a newer module's additions show up here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/ttp.h>
#include "parse.h"
#include "ttpctl.h"

static const char ttp_stats_usage[] =
	"Usage: ttpctl stats [show [NAME...]]\n"
	"  NAME: a state (TIME_WAIT) or counter (SyncookiesSent), any case;\n"
	"  without names, every state and counter\n";

struct ttp_stat {
	char name[TTP_NAME_MAX + 1];
	uint64_t now;		/* states only */
	uint64_t value;		/* entered (states) or value (counters) */
};

struct ttp_stats {
	struct ttp_stat *states, *counters;
	int nstates, ncounters;
};

static int ttp_stats_push(struct ttp_stat **v, int *n, const struct ttp_stat *s)
{
	struct ttp_stat *nv = realloc(*v, sizeof(**v) * (*n + 1));

	if (!nv)
		return -ENOMEM;
	nv[(*n)++] = *s;
	*v = nv;
	return 0;
}

static uint64_t ttp_u64(struct nlattr *a)
{
	return a && nla_len(a) >= 8 ? nla_get_u64(a) : 0;
}

static void ttp_name(char *dst, struct nlattr *a)
{
	snprintf(dst, TTP_NAME_MAX + 1, "%.*s", a ? nla_len(a) : 1,
		 a ? (const char *)nla_data(a) : "?");
}

static int ttp_stats_collect(struct nlattr *attrs, int len, void *arg)
{
	struct ttp_stats *st = arg;
	struct nlattr *tb[TTP_STATE_A_MAX > TTP_COUNTER_A_MAX ?
			  TTP_STATE_A_MAX + 1 : TTP_COUNTER_A_MAX + 1];
	struct ttp_stat s;
	struct nlattr *a;
	int rem, err = 0;

	nla_for_each_attr(a, attrs, len, rem) {
		memset(&s, 0, sizeof(s));
		if (nla_type(a) == TTP_A_STATE) {
			if (nla_parse_nested(tb, TTP_STATE_A_MAX, a, NULL))
				return -EPROTO;
			ttp_name(s.name, tb[TTP_STATE_A_NAME]);
			s.now = ttp_u64(tb[TTP_STATE_A_CURRENT]);
			s.value = ttp_u64(tb[TTP_STATE_A_ENTERED]);
			err = ttp_stats_push(&st->states, &st->nstates, &s);
		} else if (nla_type(a) == TTP_A_COUNTER) {
			if (nla_parse_nested(tb, TTP_COUNTER_A_MAX, a, NULL))
				return -EPROTO;
			ttp_name(s.name, tb[TTP_COUNTER_A_NAME]);
			s.value = ttp_u64(tb[TTP_COUNTER_A_VALUE]);
			err = ttp_stats_push(&st->counters, &st->ncounters, &s);
		}
		if (err)
			return err;
	}
	return 0;
}

static void ttp_stats_print_json(const struct ttp_ctl *ctl,
				 const struct ttp_stats *st)
{
	struct ttp_json j;
	int i;

	ttp_json_init(&j, stdout, ctl->pretty);
	ttp_json_begin_object(&j, NULL);
	ttp_json_begin_object(&j, "states");
	for (i = 0; i < st->nstates; i++) {
		ttp_json_begin_object(&j, st->states[i].name);
		ttp_json_u64(&j, "now", st->states[i].now);
		ttp_json_u64(&j, "entered", st->states[i].value);
		ttp_json_end_object(&j);
	}
	ttp_json_end_object(&j);
	ttp_json_begin_object(&j, "counters");
	for (i = 0; i < st->ncounters; i++)
		ttp_json_u64(&j, st->counters[i].name, st->counters[i].value);
	ttp_json_end_object(&j);
	ttp_json_end_object(&j);
	ttp_json_finish(&j);
}

/*
 * On a terminal: two aligned tables. For scripts: one line per figure,
 * "state NAME NOW ENTERED" and "counter NAME VALUE", tab-separated.
 */
static void ttp_stats_print_text(const struct ttp_ctl *ctl,
				 const struct ttp_stats *st)
{
	static const char *const sh[] = { "STATE", "NOW", "ENTERED" };
	static const char *const ch[] = { "COUNTER", "VALUE" };
	static const bool sr[] = { false, true, true };
	static const bool cr[] = { false, true };
	struct ttp_table t;
	char a[24], b[24];
	int i;

	if (!ctl->tty) {
		for (i = 0; i < st->nstates; i++)
			printf("state\t%s\t%" PRIu64 "\t%" PRIu64 "\n", st->states[i].name,
			       st->states[i].now, st->states[i].value);
		for (i = 0; i < st->ncounters; i++)
			printf("counter\t%s\t%" PRIu64 "\n", st->counters[i].name,
			       st->counters[i].value);
		return;
	}
	if (!st->nstates)
		goto counters;
	ttp_table_init(&t, 3, sh, sr);
	for (i = 0; i < st->nstates; i++) {
		const char *row[] = { st->states[i].name, a, b };

		snprintf(a, sizeof(a), "%" PRIu64, st->states[i].now);
		snprintf(b, sizeof(b), "%" PRIu64, st->states[i].value);
		ttp_table_add(&t, row);
	}
	ttp_table_print(&t, stdout, true);
	ttp_table_free(&t);
	if (!st->ncounters)
		return;
	putchar('\n');
counters:
	ttp_table_init(&t, 2, ch, cr);
	for (i = 0; i < st->ncounters; i++) {
		const char *row[] = { st->counters[i].name, a };

		snprintf(a, sizeof(a), "%" PRIu64, st->counters[i].value);
		ttp_table_add(&t, row);
	}
	ttp_table_print(&t, stdout, true);
	ttp_table_free(&t);
}

static bool ttp_stats_named(const char *name, int argc, char **argv, bool *used)
{
	bool named = false;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcasecmp(name, argv[i])) {
			used[i] = true;
			named = true;
		}
	}
	return named;
}

/* Keep only what NAMES (as given on the command line) name, in kernel order. */
static int ttp_stats_select(struct ttp_stats *st, int argc, char **argv)
{
	bool *used = calloc(argc, sizeof(*used));
	int i, n;

	if (!used)
		return -ENOMEM;
	for (i = n = 0; i < st->nstates; i++)
		if (ttp_stats_named(st->states[i].name, argc, argv, used))
			st->states[n++] = st->states[i];
	st->nstates = n;
	for (i = n = 0; i < st->ncounters; i++)
		if (ttp_stats_named(st->counters[i].name, argc, argv, used))
			st->counters[n++] = st->counters[i];
	st->ncounters = n;
	for (i = 0; i < argc && used[i]; i++)
		;
	free(used);
	return i;	/* the first unknown name, or ARGC */
}

static int ttp_stats_show(struct ttp_ctl *ctl, int argc, char **argv)
{
	struct ttp_stats st = { 0 };
	struct nl_msg *msg;
	int ret = TTP_EXIT_OK, bad;

	if (ttp_ctl_connect(ctl))
		return TTP_EXIT_KERNEL;
	msg = ttp_nl_msg(&ctl->nl, TTP_CMD_STATS_GET, 0);
	if (!msg || ttp_nl_request(&ctl->nl, msg, ttp_stats_collect, &st)) {
		ttp_nl_print_error(&ctl->nl);
		ret = TTP_EXIT_KERNEL;
	} else if (argc > 0 && (bad = ttp_stats_select(&st, argc, argv)) < argc) {
		/* Like an unknown parameter: the kernel's names are the list. */
		if (bad < 0)
			fprintf(stderr, "Error: %s\n", strerror(-bad));
		else
			fprintf(stderr, "Error: no state or counter '%s'\n", argv[bad]);
		ret = TTP_EXIT_KERNEL;
	} else if (ctl->json) {
		ttp_stats_print_json(ctl, &st);
	} else {
		ttp_stats_print_text(ctl, &st);
	}
	free(st.states);
	free(st.counters);
	return ret;
}

int ttp_cmd_stats(struct ttp_ctl *ctl, int argc, char **argv)
{
	static const char *const cmds[] = { "show", "help", NULL };
	int i;

	if (argc < 1)
		return ttp_stats_show(ctl, 0, NULL);
	i = ttp_match_word(argv[0], cmds);
	if (i == 0)
		return ttp_stats_show(ctl, argc - 1, argv + 1);
	if (i == 1) {
		fputs(ttp_stats_usage, stdout);
		return TTP_EXIT_OK;
	}
	return ttp_ctl_usage_error(ttp_stats_usage, "Unknown command \"%s\"", argv[0]);
}
