// SPDX-License-Identifier: GPL-2.0
/*
 * ttpctl param: show and set the namespace's parameters. Everything about a
 * parameter (name, unit, range, default, description) comes from the
 * kernel's table; ttpctl keeps no copy.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/ttp.h>
#include "parse.h"
#include "ttpctl.h"

static const char ttp_param_usage[] =
	"Usage: ttpctl param show [-v] [NAME...]\n"
	"       ttpctl param show --config\n"
	"       ttpctl param set NAME=VALUE [NAME=VALUE...]\n"
	"       ttpctl param load FILE|-\n"
	"show --config prints every parameter as a file that load applies again,\n"
	"all or nothing (like wg showconf and setconf).\n";

struct ttp_param_info {
	uint32_t id;
	char name[TTP_NAME_MAX + 1];
	char unit[16];
	char desc[160];
	uint64_t value, def, min, max;
	bool global;	/* one value for all namespaces */
};

struct ttp_param_list {
	struct ttp_param_info *v;
	int n;
	int cap;
};

static void ttp_copy_string(char *dst, size_t len, const struct nlattr *a)
{
	if (a)
		snprintf(dst, len, "%.*s", nla_len(a), (const char *)nla_data(a));
	else
		dst[0] = '\0';
}

static uint64_t ttp_get_u64(const struct nlattr *a)
{
	return a && nla_len(a) >= 8 ? nla_get_u64((struct nlattr *)a) : 0;
}

static int ttp_param_collect(struct nlattr *attrs, int len, void *arg)
{
	struct ttp_param_list *list = arg;
	struct nlattr *tb[TTP_PARAM_A_MAX + 1];
	struct ttp_param_info *p;
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, attrs, len, rem) {
		if (nla_type(a) != TTP_A_PARAM)
			continue;
		if (nla_parse_nested(tb, TTP_PARAM_A_MAX, a, NULL) ||
		    !tb[TTP_PARAM_A_NAME])
			return -EPROTO;
		if (list->n == list->cap) {
			int cap = list->cap ? 2 * list->cap : 32;

			p = realloc(list->v, sizeof(*p) * cap);
			if (!p)
				return -ENOMEM;
			list->v = p;
			list->cap = cap;
		}
		p = &list->v[list->n++];
		memset(p, 0, sizeof(*p));
		p->id = tb[TTP_PARAM_A_ID] ? nla_get_u32(tb[TTP_PARAM_A_ID]) : 0;
		ttp_copy_string(p->name, sizeof(p->name), tb[TTP_PARAM_A_NAME]);
		ttp_copy_string(p->unit, sizeof(p->unit), tb[TTP_PARAM_A_UNIT]);
		ttp_copy_string(p->desc, sizeof(p->desc), tb[TTP_PARAM_A_DESC]);
		p->value = ttp_get_u64(tb[TTP_PARAM_A_VALUE]);
		p->def = ttp_get_u64(tb[TTP_PARAM_A_DEFAULT]);
		p->min = ttp_get_u64(tb[TTP_PARAM_A_RANGE_MIN]);
		p->max = ttp_get_u64(tb[TTP_PARAM_A_RANGE_MAX]);
		p->global = tb[TTP_PARAM_A_GLOBAL];
	}
	return 0;
}

/* Fetch every parameter (NAMES == NULL) or the named ones. */
static int ttp_param_fetch(struct ttp_ctl *ctl, char **names, int n,
			   struct ttp_param_list *list)
{
	struct nl_msg *msg;
	struct nlattr *nest;
	int i;

	if (ttp_ctl_connect(ctl))
		return TTP_EXIT_KERNEL;
	if (!names) {
		msg = ttp_nl_msg(&ctl->nl, TTP_CMD_PARAM_GET, NLM_F_DUMP);
		if (!msg || ttp_nl_request(&ctl->nl, msg, ttp_param_collect, list)) {
			ttp_nl_print_error(&ctl->nl);
			return TTP_EXIT_KERNEL;
		}
		return TTP_EXIT_OK;
	}
	for (i = 0; i < n; i++) {
		msg = ttp_nl_msg(&ctl->nl, TTP_CMD_PARAM_GET, 0);
		if (!msg)
			return TTP_EXIT_KERNEL;
		nest = nla_nest_start(msg, TTP_A_PARAM);
		if (!nest || nla_put_string(msg, TTP_PARAM_A_NAME, names[i])) {
			nlmsg_free(msg);
			fprintf(stderr, "Error: parameter name too long: %s\n", names[i]);
			return TTP_EXIT_USAGE;
		}
		nla_nest_end(msg, nest);
		if (ttp_nl_request(&ctl->nl, msg, ttp_param_collect, list)) {
			ttp_nl_print_error(&ctl->nl);
			return TTP_EXIT_KERNEL;
		}
	}
	return TTP_EXIT_OK;
}

static void ttp_param_print(const struct ttp_ctl *ctl,
			    const struct ttp_param_list *list, bool verbose)
{
	static const char *const header[] = {
		"NAME", "VALUE", "UNIT", "DEFAULT", "RANGE", "DESCRIPTION",
	};
	static const bool right[] = { false, true, false, true, false, false };
	struct ttp_table t;
	int i;

	if (ctl->json) {
		struct ttp_json j;

		ttp_json_init(&j, stdout, ctl->pretty);
		ttp_json_begin_array(&j, NULL);
		for (i = 0; i < list->n; i++) {
			const struct ttp_param_info *p = &list->v[i];

			ttp_json_begin_object(&j, NULL);
			ttp_json_string(&j, "name", p->name);
			ttp_json_u64(&j, "value", p->value);
			ttp_json_string(&j, "unit", p->unit);
			ttp_json_u64(&j, "default", p->def);
			ttp_json_u64(&j, "min", p->min);
			ttp_json_u64(&j, "max", p->max);
			ttp_json_string(&j, "description", p->desc);
			ttp_json_u64(&j, "id", p->id);
			ttp_json_u64(&j, "global", p->global);
			ttp_json_end_object(&j);
		}
		ttp_json_end_array(&j);
		ttp_json_finish(&j);
		return;
	}

	/* Scripts get "name<TAB>value" unless they ask for more. */
	ttp_table_init(&t, verbose ? 6 : ctl->tty ? 3 : 2, header, right);
	for (i = 0; i < list->n; i++) {
		const struct ttp_param_info *p = &list->v[i];
		char value[24], def[24], range[48];
		const char *row[6] = { p->name, value, p->unit, def, range, p->desc };

		snprintf(value, sizeof(value), "%" PRIu64, p->value);
		snprintf(def, sizeof(def), "%" PRIu64, p->def);
		snprintf(range, sizeof(range), "%" PRIu64 "..%" PRIu64, p->min, p->max);
		ttp_table_add(&t, row);
	}
	ttp_table_print(&t, stdout, ctl->tty);
	ttp_table_free(&t);
}

/* The file `param load` reads: "name = value", comments after '#'. */
static void ttp_param_print_config(const struct ttp_param_list *list)
{
	int i;

	printf("# TTP parameters of a network namespace, from \"ttpctl param show --config\".\n"
	       "# \"ttpctl param load FILE\" applies them all, or none if one is wrong.\n");
	for (i = 0; i < list->n; i++) {
		const struct ttp_param_info *p = &list->v[i];

		printf("\n# %s (%s%s%s, default %" PRIu64 ", %" PRIu64 "..%" PRIu64 ")\n"
		       "%s%s = %" PRIu64 "\n", p->desc, p->unit[0] ? "in " : "", p->unit,
		       p->unit[0] ? "" : "no unit", p->def, p->min, p->max,
		       p->global ? "# global: changed only from the initial namespace\n" : "",
		       p->name, p->value);
	}
}

static int ttp_param_show(struct ttp_ctl *ctl, int argc, char **argv)
{
	struct ttp_param_list list = { 0 };
	bool verbose = false, config = false;
	int i, n = 0, ret;

	/* Options may come before or after the names; keep the names. */
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			verbose = true;
		else if (!strcmp(argv[i], "--config"))
			config = true;
		else if (argv[i][0] == '-')
			return ttp_ctl_usage_error(ttp_param_usage,
						   "Unknown option \"%s\"", argv[i]);
		else
			argv[n++] = argv[i];
	}
	if (config && (n || verbose || ctl->json))
		return ttp_ctl_usage_error(ttp_param_usage,
					   "--config shows every parameter, alone");
	ret = ttp_param_fetch(ctl, n ? argv : NULL, n, &list);
	if (ret == TTP_EXIT_OK && config)
		ttp_param_print_config(&list);
	else if (ret == TTP_EXIT_OK)
		ttp_param_print(ctl, &list, verbose);
	free(list.v);
	return ret;
}

static const struct ttp_param_info *
ttp_param_find(const struct ttp_param_list *list, const char *name)
{
	for (int i = 0; i < list->n; i++)
		if (!strcmp(list->v[i].name, name))
			return &list->v[i];
	return NULL;
}

static int ttp_param_set(struct ttp_ctl *ctl, int argc, char **argv)
{
	struct ttp_param_list list = { 0 };
	struct nl_msg *msg = NULL;
	int ret, i;

	if (argc < 1)
		return ttp_ctl_usage_error(ttp_param_usage, "Nothing to set");
	for (i = 0; i < argc; i++)
		if (!strchr(argv[i], '=') || argv[i][0] == '=')
			return ttp_ctl_usage_error(ttp_param_usage,
				"Expected NAME=VALUE, got \"%s\"", argv[i]);

	/* Learn the units, so that "30s" can be read for an "ms" parameter. */
	ret = ttp_param_fetch(ctl, NULL, 0, &list);
	if (ret != TTP_EXIT_OK)
		goto out;
	ret = TTP_EXIT_KERNEL;
	msg = ttp_nl_msg(&ctl->nl, TTP_CMD_PARAM_SET, 0);
	if (!msg)
		goto out;
	for (i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		const struct ttp_param_info *p;
		struct nlattr *nest;
		const char *why;
		uint64_t value;

		*eq = '\0';
		p = ttp_param_find(&list, argv[i]);
		if (!p) {
			fprintf(stderr, "Error: unknown parameter '%s' (see: ttpctl param show)\n",
				argv[i]);
			goto out;
		}
		if (ttp_parse_value(eq + 1, p->unit, &value, &why)) {
			ret = ttp_ctl_usage_error(ttp_param_usage,
				"Invalid value \"%s\" for %s: %s", eq + 1, p->name, why);
			goto out;
		}
		nest = nla_nest_start(msg, TTP_A_PARAM);
		if (!nest || nla_put_string(msg, TTP_PARAM_A_NAME, p->name) ||
		    nla_put_u64(msg, TTP_PARAM_A_VALUE, value)) {
			fprintf(stderr, "Error: too many parameters in one request\n");
			goto out;
		}
		nla_nest_end(msg, nest);
	}
	ret = TTP_EXIT_OK;
	if (ttp_nl_request(&ctl->nl, msg, NULL, NULL)) {
		if (ctl->nl.err == -EPERM && !ctl->nl.msg[0])
			fprintf(stderr, "Error: changing parameters needs CAP_NET_ADMIN\n");
		else
			ttp_nl_print_error(&ctl->nl);
		ret = TTP_EXIT_KERNEL;
	}
	msg = NULL;	/* sent and freed */
out:
	nlmsg_free(msg);
	free(list.v);
	return ret;
}

/* Strip S's leading and trailing blanks, in place. */
static char *ttp_trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && strchr(" \t\r\n", end[-1]))
		*--end = '\0';
	return s;
}

/*
 * param load FILE: every "name = value" of FILE in one request, which the
 * kernel applies whole or not at all; a name given twice is a mistake.
 */
static int ttp_param_load(struct ttp_ctl *ctl, int argc, char **argv)
{
	char line[512], **set = NULL;
	int n = 0, lineno = 0, ret = TTP_EXIT_USAGE, i;
	const char *path;
	FILE *f;

	if (argc != 1)
		return ttp_ctl_usage_error(ttp_param_usage, "load takes one file (or -)");
	path = argv[0];
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		fprintf(stderr, "Error: cannot read %s: %s\n", path, strerror(errno));
		return TTP_EXIT_USAGE;
	}
	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#'), *eq, *name, *value, **grown;

		lineno++;
		if (hash)
			*hash = '\0';
		name = ttp_trim(line);
		if (!*name)
			continue;
		eq = strchr(name, '=');
		if (!eq) {
			fprintf(stderr, "Error: %s:%d: expected NAME = VALUE\n", path, lineno);
			goto out;
		}
		*eq = '\0';
		name = ttp_trim(name);
		value = ttp_trim(eq + 1);
		if (!*name || !*value) {
			fprintf(stderr, "Error: %s:%d: expected NAME = VALUE\n", path, lineno);
			goto out;
		}
		for (i = 0; i < n; i++) {
			if (!strncmp(set[i], name, strlen(name)) && set[i][strlen(name)] == '=') {
				fprintf(stderr, "Error: %s:%d: %s is set twice\n", path, lineno, name);
				goto out;
			}
		}
		grown = realloc(set, (n + 1) * sizeof(*set));
		if (!grown)
			goto out;
		set = grown;
		if (asprintf(&set[n], "%s=%s", name, value) < 0)
			goto out;
		n++;
	}
	if (ferror(f)) {
		fprintf(stderr, "Error: cannot read %s\n", path);
		goto out;
	}
	if (!n) {
		fprintf(stderr, "Error: %s sets nothing\n", path);
		goto out;
	}
	ret = ttp_param_set(ctl, n, set);
out:
	for (i = 0; i < n; i++)
		free(set[i]);
	free(set);
	if (f != stdin)
		fclose(f);
	return ret;
}

/* In this order, so that "s" is show, not set. */
static const struct ttp_subcmd ttp_param_cmds[] = {
	{ "show", ttp_param_show },
	{ "set", ttp_param_set },
	{ "load", ttp_param_load },
	{ NULL, NULL },
};

int ttp_cmd_param(struct ttp_ctl *ctl, int argc, char **argv)
{
	static const struct ttp_subcmds cmds = {
		.usage = ttp_param_usage,
		.dflt = ttp_param_show,
		.rest = TTP_REST_UNKNOWN,
		.list = ttp_param_cmds,
	};

	return ttp_ctl_dispatch(ctl, &cmds, argc, argv);
}
