// SPDX-License-Identifier: GPL-2.0
/*
 * The states' names, learned from the kernel's statistics (the names that
 * ttpctl stats prints), for sockets, monitor and top and their filters.
 */
#include <stdio.h>
#include <string.h>
#include <linux/ttp.h>
#include "states.h"
#include "ttpctl.h"

static int ttp_learn_state(struct nlattr *attrs, int len, void *arg)
{
	struct ttp_state_names *names = arg;
	struct nlattr *tb[TTP_STATE_A_MAX + 1];
	struct nlattr *a;
	uint32_t id;
	int rem;

	nla_for_each_attr(a, attrs, len, rem) {
		if (nla_type(a) != TTP_A_STATE ||
		    nla_parse_nested(tb, TTP_STATE_A_MAX, a, NULL) ||
		    !tb[TTP_STATE_A_ID] || !tb[TTP_STATE_A_NAME])
			continue;
		id = nla_get_u32(tb[TTP_STATE_A_ID]);
		if (id <= TTP_STATE_MAX)
			snprintf(names->name[id], sizeof(names->name[id]), "%.*s",
				 nla_len(tb[TTP_STATE_A_NAME]),
				 (const char *)nla_data(tb[TTP_STATE_A_NAME]));
	}
	return 0;
}

int ttp_state_names_get(struct ttp_ctl *ctl, struct ttp_state_names *names)
{
	struct nl_msg *msg = ttp_nl_msg(&ctl->nl, TTP_CMD_STATS_GET, 0);

	memset(names, 0, sizeof(*names));
	if (!msg || ttp_nl_request(&ctl->nl, msg, ttp_learn_state, names)) {
		ttp_nl_print_error(&ctl->nl);
		return -1;
	}
	return 0;
}
