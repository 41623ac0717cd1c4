// SPDX-License-Identifier: GPL-2.0
/*
 * ttpctl sockets' filters, in ss's words: state NAME or GROUP, exclude
 * NAME, sport/dport [=] [:]PORT, src/dst ADDRESS[/PREFIX], -4, -6. They
 * become one TTP_A_FILTER nest: the kernel does the matching, so a dump of
 * 100,000 entries sends only what was asked for and a kill ends exactly
 * what a show with the same words lists.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <linux/ttp.h>
#include "filter.h"
#include "parse.h"

#define TTP_STATES_ALL	(((1u << (TTP_STATE_MAX + 1)) - 1) & ~1u)
#define F(s)		(1u << (s))

/* ss's state groups (ss(8), STATE-FILTER). */
static const struct {
	const char *name;
	uint32_t mask;
} ttp_state_groups[] = {
	{ "all", TTP_STATES_ALL },
	{ "connected", TTP_STATES_ALL & ~(F(TTP_LISTEN) | F(TTP_CLOSED)) },
	{ "synchronized", TTP_STATES_ALL & ~(F(TTP_LISTEN) | F(TTP_CLOSED) |
					     F(TTP_SYN_SENT)) },
	{ "bucket", F(TTP_SYN_RCVD) | F(TTP_TIME_WAIT) },
	{ "big", TTP_STATES_ALL & ~(F(TTP_SYN_RCVD) | F(TTP_TIME_WAIT)) },
};

/* ss's spellings of TCP's states, where they differ from TTP's. */
static const struct {
	const char *name;
	int state;
} ttp_state_aliases[] = {
	{ "syn-recv", TTP_SYN_RCVD },
	{ "listening", TTP_LISTEN },
	{ "close", TTP_CLOSED },
};

/* NAME as ss spells it (time-wait) or as TTP does (TIME_WAIT), any case. */
static int ttp_filter_state_mask(const struct ttp_state_names *names,
				 const char *name, uint32_t *mask)
{
	char want[TTP_NAME_MAX + 1];
	size_t i;

	for (i = 0; i < sizeof(ttp_state_groups) / sizeof(ttp_state_groups[0]); i++)
		if (!strcasecmp(name, ttp_state_groups[i].name)) {
			*mask = ttp_state_groups[i].mask;
			return 0;
		}
	for (i = 0; i < sizeof(ttp_state_aliases) / sizeof(ttp_state_aliases[0]); i++)
		if (!strcasecmp(name, ttp_state_aliases[i].name)) {
			*mask = F(ttp_state_aliases[i].state);
			return 0;
		}
	snprintf(want, sizeof(want), "%s", name);
	for (i = 0; want[i]; i++)
		if (want[i] == '-')
			want[i] = '_';
	for (i = 0; i <= TTP_STATE_MAX; i++)
		if (names->name[i][0] && !strcasecmp(want, names->name[i])) {
			*mask = F(i);
			return 0;
		}
	return -1;
}

/* [=|eq] [:]PORT, as ss writes it: "sport = :80", "dport 443". */
static int ttp_filter_port(int *argc, char ***argv, int *port)
{
	const char *text;
	long v;

	if (*argc > 1 && (!strcmp((*argv)[1], "=") || !strcmp((*argv)[1], "==") ||
			  !strcmp((*argv)[1], "eq"))) {
		(*argc)--;
		(*argv)++;
	}
	if (*argc < 2)
		return -1;
	(*argc)--;
	(*argv)++;
	text = (*argv)[0];
	if (*text == ':')
		text++;
	if (ttp_parse_long(text, 0, 65535, &v))
		return -1;
	*port = (int)v;
	return 0;
}

/* ADDRESS[/PREFIX]; an IPv6 address may be in brackets. */
static int ttp_filter_prefix(const char *text, struct ttp_filter_prefix *p)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *addr = buf;
	long plen;

	snprintf(buf, sizeof(buf), "%s", text);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (*addr == '[' && addr[strlen(addr) - 1] == ']') {
		addr[strlen(addr) - 1] = '\0';
		addr++;
	}
	if (inet_pton(AF_INET, addr, p->addr) == 1)
		p->len = 4;
	else if (inet_pton(AF_INET6, addr, p->addr) == 1)
		p->len = 16;
	else
		return -1;
	p->plen = p->len * 8;
	if (slash) {
		if (ttp_parse_long(slash, 0, p->len * 8, &plen))
			return -1;
		p->plen = (int)plen;
	}
	p->set = true;
	return 0;
}

void ttp_filter_init(struct ttp_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->sport = f->dport = -1;
}

int ttp_filter_parse(struct ttp_filter *f, const struct ttp_state_names *names,
		     int argc, char **argv, const char **bad)
{
	static const char *const words[] = {
		"state", "exclude", "sport", "dport", "src", "dst", "-4", "-6",
		"all", NULL
	};
	uint32_t mask;

	for (; argc > 0; argc--, argv++) {
		*bad = argv[0];
		switch (ttp_match_word(argv[0], words)) {
		case 0:
		case 1:
			if (argc < 2 || ttp_filter_state_mask(names, argv[1], &mask)) {
				if (argc >= 2)
					*bad = argv[1];
				return -1;
			}
			if (argv[0][0] == 's') {
				f->states |= mask;
			} else {
				f->excluded |= mask;
			}
			argc--;
			argv++;
			break;
		case 2:
			if (ttp_filter_port(&argc, &argv, &f->sport))
				return -1;
			break;
		case 3:
			if (ttp_filter_port(&argc, &argv, &f->dport))
				return -1;
			break;
		case 4:
		case 5:
			if (argc < 2 || ttp_filter_prefix(argv[1], argv[0][0] == 's' ?
							  &f->src : &f->dst)) {
				if (argc >= 2)
					*bad = argv[1];
				return -1;
			}
			argc--;
			argv++;
			break;
		case 6:
			f->family = AF_INET;
			break;
		case 7:
			f->family = AF_INET6;
			break;
		case 8:
			f->states |= TTP_STATES_ALL;
			break;
		default:
			return -1;
		}
		f->given = true;
	}
	return 0;
}

static int ttp_filter_put_prefix(struct nl_msg *msg, int addr_type, int plen_type,
				 const struct ttp_filter_prefix *p)
{
	if (!p->set)
		return 0;
	if (nla_put(msg, addr_type, p->len, p->addr) ||
	    nla_put_u8(msg, plen_type, (uint8_t)p->plen))
		return -1;
	return 0;
}

int ttp_filter_put(struct nl_msg *msg, const struct ttp_filter *f)
{
	struct nlattr *nest = nla_nest_start(msg, TTP_A_FILTER);
	uint32_t states = f->states ? f->states : TTP_STATES_ALL;

	states &= ~f->excluded;
	/*
	 * The states go in even when they are all of them: libnl drops an
	 * empty nest, and the kernel must see that a filter was given
	 * ("kill all" would otherwise read as no filter at all).
	 */
	if (!nest || nla_put_u32(msg, TTP_FILTER_A_STATES, states) ||
	    (f->family && nla_put_u8(msg, TTP_FILTER_A_FAMILY, (uint8_t)f->family)) ||
	    (f->sport >= 0 && nla_put_u16(msg, TTP_FILTER_A_SPORT, (uint16_t)f->sport)) ||
	    (f->dport >= 0 && nla_put_u16(msg, TTP_FILTER_A_DPORT, (uint16_t)f->dport)) ||
	    ttp_filter_put_prefix(msg, TTP_FILTER_A_SADDR, TTP_FILTER_A_SPREFIX, &f->src) ||
	    ttp_filter_put_prefix(msg, TTP_FILTER_A_DADDR, TTP_FILTER_A_DPREFIX, &f->dst))
		return -1;
	nla_nest_end(msg, nest);
	return 0;
}
