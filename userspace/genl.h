/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TTP_GENL_H
#define TTP_GENL_H

#include <netlink/genl/genl.h>

/* A connection to the "ttp" generic netlink family. */
struct ttp_nl {
	struct nl_sock *sk;
	int family;
	int err;		/* errno of the last failed request */
	char msg[256];		/* the kernel's extended ACK text, if any */
};

/* Called with the attributes of every reply message. */
typedef int (*ttp_nl_handler)(struct nlattr *attrs, int len, void *arg);

int ttp_nl_enter_netns(const char *name);
int ttp_nl_open(struct ttp_nl *nl);
void ttp_nl_close(struct ttp_nl *nl);
struct nl_msg *ttp_nl_msg(struct ttp_nl *nl, uint8_t cmd, int flags);
int ttp_nl_request(struct ttp_nl *nl, struct nl_msg *msg, ttp_nl_handler fn,
		   void *arg);
void ttp_nl_print_error(const struct ttp_nl *nl);

#endif
