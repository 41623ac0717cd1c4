/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TTP_EVENTS_H
#define TTP_EVENTS_H

#include <stddef.h>
#include <netlink/genl/genl.h>
#include <linux/ttp.h>
#include "filter.h"
#include "ttpctl.h"

/* monitor.c: the "events" group, for monitor and top. */
int ttp_events_join(struct ttp_nl *nl, nl_recvmsg_msg_cb_t fn, void *arg);
int ttp_event_parse(struct nl_msg *msg, struct nlattr **tb);
void ttp_event_format(char *buf, size_t len, const struct ttp_state_names *names,
		      unsigned int type, struct nlattr **tb);

#endif
