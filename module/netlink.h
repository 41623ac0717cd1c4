/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TTP_NETLINK_H
#define _TTP_NETLINK_H

#include <net/genetlink.h>
#include <uapi/linux/ttp.h>

extern struct genl_family ttp_genl_family;

int ttp_genl_init(void);
void ttp_genl_exit(void);

/* diag.c: TTP_CMD_SOCK_GET and TTP_CMD_SOCK_KILL. */
extern const struct nla_policy ttp_sock_policy[TTP_A_MAX + 1];
int ttp_nl_sock_start(struct netlink_callback *cb);
int ttp_nl_sock_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ttp_nl_sock_done(struct netlink_callback *cb);
int ttp_nl_sock_kill_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* _TTP_NETLINK_H */
