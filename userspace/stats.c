// SPDX-License-Identifier: GPL-2.0
/*
 * ttpctl stats: how many connections are in each state now and how many
 * times each state was entered, then the event counters. Names come from
 * the kernel with the numbers, so a newer module's additions show up here.
 * Like nstat, it shows absolute values, or with -d what changed since the
 * last -d (the history is per user and per namespace), or with -i the
 * change per interval and its rate, until interrupted; or, with
 * --prometheus, Prometheus's text format for a scraper.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/ttp.h>
#include "loop.h"
#include "parse.h"
#include "stats.h"
#include "ttpctl.h"

static const char ttp_stats_usage[] =
	"Usage: ttpctl stats [show] [-d] [-i SECONDS [-c COUNT]] [-z] [NAME...]\n"
	"       ttpctl stats [show] --prometheus [NAME...]\n"
	"  NAME: a state (TIME_WAIT) or counter (SyncookiesSent), any case;\n"
	"        without names, every state and every counter that is not zero\n"
	"  -d    what changed since the last -d (history: $TTPCTL_HISTORY, else\n"
	"        /tmp/.ttpctl.uUID.NETNS, per user and namespace, like nstat)\n"
	"  -i    every SECONDS, what changed in it and the rate per second,\n"
	"        until interrupted (-c: COUNT times)\n"
	"  -z    counters that are zero too\n"
	"  --prometheus  every figure in Prometheus's text exposition format\n"
	"        (for node_exporter's textfile collector); with ttpctl -n NETNS,\n"
	"        each sample is labelled netns=\"NETNS\"\n";


struct ttp_stats_opts {
	bool delta;		/* -d */
	bool zeros;		/* -z, or names given */
	bool prometheus;	/* --prometheus */
	double interval;	/* -i, seconds; 0: once */
	long count;		/* -c; 0: until interrupted */
	double elapsed;		/* -i: the interval measured, seconds */
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
		} else if (nla_type(a) == TTP_A_MEMORY) {
			struct nlattr *mb[TTP_MEMORY_A_MAX + 1];

			if (nla_parse_nested(mb, TTP_MEMORY_A_MAX, a, NULL))
				return -EPROTO;
			st->has_memory = true;
			st->mem_pages = ttp_u64(mb[TTP_MEMORY_A_PAGES]);
			st->mem_pressure = mb[TTP_MEMORY_A_PRESSURE] &&
					   nla_get_u8(mb[TTP_MEMORY_A_PRESSURE]);
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

static bool ttp_stats_shown(const struct ttp_stats_opts *o, uint64_t v)
{
	return v || o->zeros;
}

/* JSON has every figure, zero or not: scripts want the same keys always. */
static void ttp_stats_print_json(const struct ttp_ctl *ctl, const struct ttp_stats *st,
				 const struct ttp_stats_opts *o)
{
	struct ttp_json j;
	int i;

	ttp_json_init(&j, stdout, ctl->pretty && !o->interval);
	ttp_json_begin_object(&j, NULL);
	if (o->interval)
		ttp_json_u64(&j, "interval_ms", (uint64_t)(o->elapsed * 1000 + 0.5));
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
	if (o->interval) {
		/* Per second, in thousandths: JSON numbers here are integers. */
		ttp_json_begin_object(&j, "rates_milli");
		for (i = 0; i < st->ncounters; i++)
			ttp_json_u64(&j, st->counters[i].name,
				     (uint64_t)(st->counters[i].value * 1000 / o->elapsed + 0.5));
		ttp_json_end_object(&j);
	}
	if (st->has_memory) {
		ttp_json_begin_object(&j, "memory");
		ttp_json_u64(&j, "pages", st->mem_pages);
		ttp_json_u64(&j, "pressure", st->mem_pressure);
		ttp_json_end_object(&j);
	}
	ttp_json_end_object(&j);
	ttp_json_finish(&j);
}

/* A label value as the exposition format writes one: \\, \" and \n escaped. */
static void ttp_prom_escape(char *dst, size_t len, const char *src)
{
	size_t n = 0;

	for (; *src && n + 3 < len; src++) {
		if (*src == '\\' || *src == '"' || *src == '\n')
			dst[n++] = '\\';
		dst[n++] = *src == '\n' ? 'n' : *src;
	}
	dst[n] = '\0';
}

/* A kernel name as a metric name may have it: [a-zA-Z0-9_] only. */
static void ttp_prom_name(char *dst, size_t len, const char *src)
{
	size_t n;

	for (n = 0; src[n] && n + 1 < len; n++)
		dst[n] = isalnum((unsigned char)src[n]) ? src[n] : '_';
	dst[n] = '\0';
}

/* One family of per-state samples: each state's NOW, or its ENTERED. */
static void ttp_prom_states(const struct ttp_stats *st, const char *ns, const char *family,
			    const char *type, const char *help, bool now)
{
	char esc[TTP_NAME_MAX * 2 + 1];
	int i;

	printf("# HELP %s %s\n# TYPE %s %s\n", family, help, family, type);
	for (i = 0; i < st->nstates; i++) {
		ttp_prom_escape(esc, sizeof(esc), st->states[i].name);
		printf("%s{%sstate=\"%s\"} %" PRIu64 "\n", family, ns, esc,
		       now ? st->states[i].now : st->states[i].value);
	}
}

/*
 * Prometheus's text exposition format (0.0.4), as node_exporter's
 * textfile collector reads it: every figure, zero or not, so a scrape
 * sees the same series every time. With -n each sample carries the
 * namespace, so files from several namespaces can sit side by side (the
 * memory figures, the same in all, too: one series per file). Counter
 * names are the kernel's, as node_exporter's netstat collector keeps
 * Linux's (ttp_SyncookiesSent_total beside node_netstat_TcpExt_SyncookiesSent).
 */
static void ttp_stats_print_prometheus(const struct ttp_ctl *ctl, const struct ttp_stats *st)
{
	char esc[1024], ns[1100] = "", nsonly[1100] = "", name[TTP_NAME_MAX + 1];
	int i;

	if (ctl->netns) {
		ttp_prom_escape(esc, sizeof(esc), ctl->netns);
		snprintf(ns, sizeof(ns), "netns=\"%s\",", esc);
		snprintf(nsonly, sizeof(nsonly), "{netns=\"%s\"}", esc);
	}
	if (st->nstates) {
		ttp_prom_states(st, ns, "ttp_connections", "gauge",
				"TTP connections in each state now.", true);
		ttp_prom_states(st, ns, "ttp_state_entered_total", "counter",
				"Times a TTP connection entered each state.", false);
	}
	for (i = 0; i < st->ncounters; i++) {
		ttp_prom_name(name, sizeof(name), st->counters[i].name);
		printf("# HELP ttp_%s_total TTP's %s counter (ttp(7), COUNTERS).\n"
		       "# TYPE ttp_%s_total counter\n"
		       "ttp_%s_total%s %" PRIu64 "\n", name, st->counters[i].name, name,
		       name, nsonly, st->counters[i].value);
	}
	if (st->has_memory)
		printf("# HELP ttp_memory_pages Pages TTP's sockets hold, all namespaces.\n"
		       "# TYPE ttp_memory_pages gauge\n"
		       "ttp_memory_pages%s %" PRIu64 "\n"
		       "# HELP ttp_memory_pressure 1 while TTP is under memory pressure.\n"
		       "# TYPE ttp_memory_pressure gauge\n"
		       "ttp_memory_pressure%s %d\n", nsonly, st->mem_pages, nsonly,
		       st->mem_pressure);
}

static void ttp_rate(char *dst, size_t len, uint64_t v, const struct ttp_stats_opts *o)
{
	snprintf(dst, len, "%.1f", v / o->elapsed);
}

/*
 * On a terminal: two aligned tables. For scripts: one line per figure,
 * "state NAME NOW ENTERED" and "counter NAME VALUE", tab-separated; with -i
 * a counter line has its rate per second after the value.
 */
static void ttp_stats_print_text(const struct ttp_ctl *ctl, const struct ttp_stats *st,
				 const struct ttp_stats_opts *o)
{
	static const char *const sh[] = { "STATE", "NOW", "ENTERED" };
	static const char *const ch[] = { "COUNTER", "VALUE", "PER SECOND" };
	static const bool sr[] = { false, true, true };
	static const bool cr[] = { false, true, true };
	struct ttp_table t;
	char a[24], b[24];
	int i, shown = 0;

	if (o->interval) {
		time_t now = time(NULL);
		char when[32];

		strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
		printf("# %s, %.1f s\n", when, o->elapsed);
	}
	if (!ctl->tty) {
		for (i = 0; i < st->nstates; i++)
			printf("state\t%s\t%" PRIu64 "\t%" PRIu64 "\n", st->states[i].name,
			       st->states[i].now, st->states[i].value);
		for (i = 0; i < st->ncounters; i++) {
			if (!ttp_stats_shown(o, st->counters[i].value))
				continue;
			printf("counter\t%s\t%" PRIu64, st->counters[i].name,
			       st->counters[i].value);
			if (o->interval) {
				ttp_rate(a, sizeof(a), st->counters[i].value, o);
				printf("\t%s", a);
			}
			putchar('\n');
		}
		if (st->has_memory)
			printf("memory\tpages\t%" PRIu64 "\nmemory\tpressure\t%d\n",
			       st->mem_pages, st->mem_pressure);
		return;
	}
	if (st->nstates) {
		ttp_table_init(&t, 3, sh, sr);
		for (i = 0; i < st->nstates; i++) {
			const char *row[] = { st->states[i].name, a, b };

			snprintf(a, sizeof(a), "%" PRIu64, st->states[i].now);
			snprintf(b, sizeof(b), "%" PRIu64, st->states[i].value);
			ttp_table_add(&t, row);
		}
		ttp_table_print(&t, stdout, true);
		ttp_table_free(&t);
	}
	if (st->has_memory)
		printf("\nMemory, all namespaces: %" PRIu64 " pages (%" PRIu64 " KiB)%s\n",
		       st->mem_pages, st->mem_pages * (uint64_t)sysconf(_SC_PAGESIZE) / 1024,
		       st->mem_pressure ? ", under memory pressure" : "");
	for (i = 0; i < st->ncounters; i++)
		shown += ttp_stats_shown(o, st->counters[i].value);
	if (!shown)
		return;
	if (st->nstates)
		putchar('\n');
	ttp_table_init(&t, o->interval ? 3 : 2, ch, cr);
	for (i = 0; i < st->ncounters; i++) {
		const char *row[] = { st->counters[i].name, a, b };

		if (!ttp_stats_shown(o, st->counters[i].value))
			continue;
		snprintf(a, sizeof(a), "%" PRIu64, st->counters[i].value);
		ttp_rate(b, sizeof(b), st->counters[i].value, o);
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
	st->has_memory = false;
	for (i = 0; i < argc && used[i]; i++)
		;
	free(used);
	return i;	/* the first unknown name, or ARGC */
}

int ttp_stats_read(struct ttp_ctl *ctl, struct ttp_stats *st, int argc,
			  char **argv)
{
	struct nl_msg *msg;
	int bad;

	memset(st, 0, sizeof(*st));
	msg = ttp_nl_msg(&ctl->nl, TTP_CMD_STATS_GET, 0);
	if (!msg || ttp_nl_request(&ctl->nl, msg, ttp_stats_collect, st)) {
		ttp_nl_print_error(&ctl->nl);
		return -1;
	}
	if (argc > 0 && (bad = ttp_stats_select(st, argc, argv)) < argc) {
		/* Like an unknown parameter: the kernel's names are the list. */
		if (bad < 0)
			fprintf(stderr, "Error: %s\n", strerror(-bad));
		else
			fprintf(stderr, "Error: no state or counter '%s'\n", argv[bad]);
		return -1;
	}
	return 0;
}

void ttp_stats_free(struct ttp_stats *st)
{
	free(st->states);
	free(st->counters);
}

/*
 * CUR becomes CUR - OLD, figure by figure, gauges excepted (a gauge is
 * "now"). A figure OLD lacks, or one that went down (the module was
 * loaded again), counts from zero.
 */
void ttp_stats_subtract(struct ttp_stats *cur, const struct ttp_stats *old)
{
	int i, k;

	for (i = 0; i < cur->nstates; i++)
		for (k = 0; k < old->nstates; k++)
			if (!strcmp(cur->states[i].name, old->states[k].name) &&
			    cur->states[i].value >= old->states[k].value) {
				cur->states[i].value -= old->states[k].value;
				break;
			}
	for (i = 0; i < cur->ncounters; i++)
		for (k = 0; k < old->ncounters; k++)
			if (!strcmp(cur->counters[i].name, old->counters[k].name) &&
			    cur->counters[i].value >= old->counters[k].value) {
				cur->counters[i].value -= old->counters[k].value;
				break;
			}
}

struct ttp_stats ttp_stats_copy(const struct ttp_stats *st)
{
	struct ttp_stats c = { 0 };

	c.states = malloc(sizeof(*c.states) * (st->nstates + 1));
	c.counters = malloc(sizeof(*c.counters) * (st->ncounters + 1));
	if (!c.states || !c.counters) {
		ttp_stats_free(&c);
		memset(&c, 0, sizeof(c));
		return c;
	}
	memcpy(c.states, st->states, sizeof(*c.states) * st->nstates);
	memcpy(c.counters, st->counters, sizeof(*c.counters) * st->ncounters);
	c.nstates = st->nstates;
	c.ncounters = st->ncounters;
	c.has_memory = st->has_memory;
	c.mem_pages = st->mem_pages;
	c.mem_pressure = st->mem_pressure;
	return c;
}

/* Where -d keeps the last values: per user and per network namespace. */
static void ttp_history_path(char *path, size_t len)
{
	const char *env = getenv("TTPCTL_HISTORY");
	struct stat ns;

	if (env && *env) {
		snprintf(path, len, "%s", env);
		return;
	}
	if (stat("/proc/self/ns/net", &ns))
		ns.st_ino = 0;
	snprintf(path, len, "/tmp/.ttpctl.u%u.%lu", (unsigned int)getuid(),
		 (unsigned long)ns.st_ino);
}

/* "state NAME ENTERED" and "counter NAME VALUE" lines; missing: empty. */
static int ttp_history_load(const char *path, struct ttp_stats *st)
{
	char kind[16], name[TTP_NAME_MAX + 1];
	struct ttp_stat s;
	unsigned long long v;
	struct stat sb;
	FILE *f;
	int fd;

	memset(st, 0, sizeof(*st));
	/* Not someone else's file in /tmp, and not through a link. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(fd, &sb) || sb.st_uid != getuid()) {
		close(fd);
		return -EPERM;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -errno;
	}
	while (fscanf(f, "%15s %31s %llu", kind, name, &v) == 3) {
		memset(&s, 0, sizeof(s));
		snprintf(s.name, sizeof(s.name), "%s", name);
		s.value = v;
		if (!strcmp(kind, "state"))
			ttp_stats_push(&st->states, &st->nstates, &s);
		else if (!strcmp(kind, "counter"))
			ttp_stats_push(&st->counters, &st->ncounters, &s);
	}
	fclose(f);
	return 0;
}

/* Written whole to a new file, then renamed over the old one. */
static int ttp_history_save(const char *path, const struct ttp_stats *st)
{
	char tmp[4200];
	FILE *f;
	int fd, i;

	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return -errno;
	}
	for (i = 0; i < st->nstates; i++)
		fprintf(f, "state %s %" PRIu64 "\n", st->states[i].name, st->states[i].value);
	for (i = 0; i < st->ncounters; i++)
		fprintf(f, "counter %s %" PRIu64 "\n", st->counters[i].name,
			st->counters[i].value);
	if (fclose(f) || rename(tmp, path)) {
		unlink(tmp);
		return -errno;
	}
	return 0;
}

static void ttp_stats_print(const struct ttp_ctl *ctl, const struct ttp_stats *st,
			    const struct ttp_stats_opts *o)
{
	if (o->prometheus)
		ttp_stats_print_prometheus(ctl, st);
	else if (ctl->json)
		ttp_stats_print_json(ctl, st, o);
	else
		ttp_stats_print_text(ctl, st, o);
	fflush(stdout);
}

/* -d: the change since the last -d, which this run becomes. */
static int ttp_stats_delta(struct ttp_ctl *ctl, const struct ttp_stats_opts *o,
			   int argc, char **argv)
{
	struct ttp_stats all, old, shown;
	char path[4096];
	int err;

	/* The history holds every figure, whatever this run shows. */
	if (ttp_stats_read(ctl, &all, 0, NULL))
		return TTP_EXIT_KERNEL;
	ttp_history_path(path, sizeof(path));
	err = ttp_history_load(path, &old);
	if (err) {
		fprintf(stderr, "Error: cannot read the history %s: %s\n", path, strerror(-err));
		ttp_stats_free(&all);
		return TTP_EXIT_KERNEL;
	}
	shown = ttp_stats_copy(&all);
	err = ttp_history_save(path, &all);
	if (err)
		fprintf(stderr, "Warning: cannot write the history %s: %s\n", path,
			strerror(-err));
	ttp_stats_subtract(&shown, &old);
	if (argc > 0 && (err = ttp_stats_select(&shown, argc, argv)) < argc) {
		fprintf(stderr, "Error: no state or counter '%s'\n", err < 0 ? "?" : argv[err]);
		err = TTP_EXIT_KERNEL;
	} else {
		ttp_stats_print(ctl, &shown, o);
		err = TTP_EXIT_OK;
	}
	ttp_stats_free(&all);
	ttp_stats_free(&old);
	ttp_stats_free(&shown);
	return err;
}

/* -i: every interval, the change in it; Ctrl-C ends it, with status 0. */
static int ttp_stats_interval(struct ttp_ctl *ctl, struct ttp_stats_opts *o,
			      int argc, char **argv)
{
	struct ttp_stats last, cur, shown;
	double then, now;
	long n;

	ttp_stop_on_signals();
	if (ttp_stats_read(ctl, &last, argc, argv))
		return TTP_EXIT_KERNEL;
	then = ttp_now();
	for (n = 0; !o->count || n < o->count; n++) {
		struct timespec nap = {
			.tv_sec = (time_t)o->interval,
			.tv_nsec = (long)((o->interval - (time_t)o->interval) * 1e9),
		};

		/* A signal cuts the sleep short; then the loop ends. */
		if (nanosleep(&nap, NULL) && ttp_stop)
			break;
		if (ttp_stop)
			break;
		if (ttp_stats_read(ctl, &cur, argc, argv)) {
			ttp_stats_free(&last);
			return TTP_EXIT_KERNEL;
		}
		now = ttp_now();
		o->elapsed = now - then;
		then = now;
		shown = ttp_stats_copy(&cur);
		ttp_stats_subtract(&shown, &last);
		ttp_stats_print(ctl, &shown, o);
		ttp_stats_free(&shown);
		ttp_stats_free(&last);
		last = cur;
	}
	ttp_stats_free(&last);
	return TTP_EXIT_OK;
}

static int ttp_stats_show(struct ttp_ctl *ctl, int argc, char **argv)
{
	struct ttp_stats_opts o = { 0 };
	struct ttp_stats st;
	int ret = TTP_EXIT_OK;

	for (; argc > 0 && argv[0][0] == '-'; argc--, argv++) {
		if (!strcmp(argv[0], "-d")) {
			o.delta = true;
		} else if (!strcmp(argv[0], "-z")) {
			o.zeros = true;
		} else if (!strcmp(argv[0], "--prometheus")) {
			o.prometheus = true;
		} else if (!strcmp(argv[0], "-i") && argc > 1) {
			if (ttp_parse_seconds(argv[1], 0.1, 86400, &o.interval))
				return ttp_ctl_usage_error(ttp_stats_usage,
					"-i takes seconds from 0.1 to 86400, not \"%s\"", argv[1]);
			argc--;
			argv++;
		} else if (!strcmp(argv[0], "-c") && argc > 1) {
			if (ttp_parse_long(argv[1], 1, LONG_MAX, &o.count))
				return ttp_ctl_usage_error(ttp_stats_usage,
					"-c takes a count of 1 or more, not \"%s\"", argv[1]);
			argc--;
			argv++;
		} else {
			return ttp_ctl_usage_error(ttp_stats_usage, "Unknown option \"%s\"",
						   argv[0]);
		}
	}
	if (o.delta && o.interval)
		return ttp_ctl_usage_error(ttp_stats_usage, "-d and -i do not go together");
	if (o.count && !o.interval)
		return ttp_ctl_usage_error(ttp_stats_usage, "-c goes with -i");
	if (o.prometheus && (o.delta || o.interval || ctl->json))
		return ttp_ctl_usage_error(ttp_stats_usage,
					   "--prometheus goes with none of -d, -i and -j");
	/* What is asked for by name is shown, zero or not. */
	if (argc > 0)
		o.zeros = true;
	if (ttp_ctl_connect(ctl))
		return TTP_EXIT_KERNEL;
	if (o.delta)
		return ttp_stats_delta(ctl, &o, argc, argv);
	if (o.interval)
		return ttp_stats_interval(ctl, &o, argc, argv);
	if (ttp_stats_read(ctl, &st, argc, argv))
		ret = TTP_EXIT_KERNEL;
	else
		ttp_stats_print(ctl, &st, &o);
	ttp_stats_free(&st);
	return ret;
}

static const struct ttp_subcmd ttp_stats_cmds[] = {
	{ "show", ttp_stats_show },
	{ NULL, NULL },
};

/* Options may follow "stats" itself ("stats -z"); names need "show" first. */
int ttp_cmd_stats(struct ttp_ctl *ctl, int argc, char **argv)
{
	static const struct ttp_subcmds cmds = {
		.usage = ttp_stats_usage,
		.dflt = ttp_stats_show,
		.rest = TTP_REST_OPTIONS,
		.list = ttp_stats_cmds,
	};

	return ttp_ctl_dispatch(ctl, &cmds, argc, argv);
}
