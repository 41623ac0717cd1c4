// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: a new namespace starts with the parameter
 * table's defaults and zeroed statistics, and nothing it does shows in
 * another namespace.
 */
#include <linux/percpu.h>
#include "netns.h"
#include "stats.h"

unsigned int ttp_net_id __read_mostly;

static int __net_init ttp_net_init(struct net *net)
{
	struct ttp_net *tn = ttp_net(net);

	ttp_params_init_defaults(tn->params);
	mutex_init(&tn->params_lock);
	tn->mib = alloc_percpu(struct ttp_mib);
	if (!tn->mib)
		return -ENOMEM;
	return 0;
}

static void __net_exit ttp_net_exit(struct net *net)
{
	struct ttp_net *tn = ttp_net(net);

	free_percpu(tn->mib);
	mutex_destroy(&tn->params_lock);
}

static struct pernet_operations ttp_net_ops = {
	.init = ttp_net_init,
	.exit = ttp_net_exit,
	.id = &ttp_net_id,
	.size = sizeof(struct ttp_net),
};

int ttp_netns_init(void)
{
	return register_pernet_subsys(&ttp_net_ops);
}

void ttp_netns_exit(void)
{
	unregister_pernet_subsys(&ttp_net_ops);
}
