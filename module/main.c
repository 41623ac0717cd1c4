// SPDX-License-Identifier: GPL-2.0
/*
 * TTP: a TCP-like reliable byte stream whose TIME_WAIT and SYN handling is
 * tunable live, per network namespace. Module init and exit only.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include "netlink.h"
#include "netns.h"

static int __init ttp_init(void)
{
	int err;

	err = ttp_netns_init();
	if (err)
		return err;
	err = ttp_genl_init();
	if (err)
		goto err_netns;
	return 0;

err_netns:
	ttp_netns_exit();
	return err;
}

static void __exit ttp_exit(void)
{
	ttp_genl_exit();
	ttp_netns_exit();
}

module_init(ttp_init);
module_exit(ttp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TTP: a TCP-like transport with per-namespace TIME_WAIT and SYN tuning");
MODULE_AUTHOR("The TTP developers");
MODULE_ALIAS_GENL_FAMILY(TTP_GENL_NAME);
