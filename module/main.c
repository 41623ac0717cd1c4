// SPDX-License-Identifier: GPL-2.0
/*
 * TTP: a TCP-like reliable byte stream whose TIME_WAIT and SYN handling is
 * tunable live, per network namespace. Module init and exit only.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include "inject.h"
#include "netlink.h"
#include "netns.h"
#include "ttp.h"

static int __init ttp_init(void)
{
	int err;

	ttp_isn_init();
	ttp_tsq_init();
	err = ttp_tw_init();
	if (err)
		goto err_tsq;
	err = ttp_request_init();
	if (err)
		goto err_tw;
	err = ttp_proto_register();
	if (err)
		goto err_request;
	err = ttp_netns_init();
	if (err)
		goto err_proto;
	err = ttp_ipv4_init();
	if (err)
		goto err_netns;
	err = ttp_ipv6_init();
	if (err)
		goto err_ipv4;
	err = ttp_offload_init();
	if (err)
		goto err_ipv6;
	err = ttp_genl_init();
	if (err)
		goto err_offload;
	err = ttp_inject_bugs();
	if (err)
		goto err_genl;
	pr_info("TTP: IP protocol %d, generic netlink family \"%s\"\n",
		IPPROTO_TTP, TTP_GENL_NAME);
	return 0;

err_genl:
	ttp_genl_exit();
err_offload:
	ttp_offload_exit();
err_ipv6:
	ttp_ipv6_exit();
err_ipv4:
	ttp_ipv4_exit();
err_netns:
	ttp_netns_exit();
err_proto:
	ttp_proto_unregister();
err_request:
	ttp_request_exit();
err_tw:
	ttp_tw_exit();
err_tsq:
	ttp_tsq_exit();
	return err;
}

/*
 * No socket can exist now (each holds the module), but TIME_WAIT entries
 * can: the namespaces' exit purges them.
 */
static void __exit ttp_exit(void)
{
	ttp_genl_exit();
	ttp_offload_exit();
	ttp_ipv6_exit();
	ttp_ipv4_exit();
	ttp_netns_exit();
	ttp_proto_unregister();
	ttp_request_exit();
	ttp_tw_exit();
	ttp_tsq_exit();
}

module_init(ttp_init);
module_exit(ttp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TTP: a TCP-like transport with per-namespace TIME_WAIT and SYN tuning");
MODULE_AUTHOR("The TTP developers");
MODULE_ALIAS_GENL_FAMILY(TTP_GENL_NAME);
/*
 * socket(AF_INET or AF_INET6, SOCK_STREAM, IPPROTO_TTP) loads the module.
 * SOCK_STREAM is 1 written out: it is an enum, which the alias macro would
 * spell as its name.
 */
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET, IPPROTO_TTP, 1);
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET6, IPPROTO_TTP, 1);
