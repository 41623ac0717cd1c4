/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TTP_NETLINK_H
#define _TTP_NETLINK_H

int ttp_genl_init(void);
void ttp_genl_exit(void);

#endif /* _TTP_NETLINK_H */
