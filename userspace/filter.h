/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TTP_FILTER_H
#define TTP_FILTER_H

#include <stdbool.h>
#include <stdint.h>
#include <netlink/msg.h>
#include <linux/ttp.h>
#include "states.h"

struct ttp_filter_prefix {
	bool set;
	int len;		/* 4 or 16 bytes */
	int plen;
	unsigned char addr[16];
};

struct ttp_filter {
	bool given;		/* any word at all */
	uint32_t states;	/* 0: all */
	uint32_t excluded;
	int family;		/* 0: both */
	int sport, dport;	/* -1: any */
	struct ttp_filter_prefix src, dst;
};

void ttp_filter_init(struct ttp_filter *f);
/* Returns 0, or -1 with *BAD pointing at the word it could not take. */
int ttp_filter_parse(struct ttp_filter *f, const struct ttp_state_names *names,
		     int argc, char **argv, const char **bad);
int ttp_filter_put(struct nl_msg *msg, const struct ttp_filter *f);

#endif
