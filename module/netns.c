// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: a new namespace starts with the parameter
 * table's defaults and zeroed statistics, and nothing it does shows in
 * another namespace.
 */
#include <linux/percpu.h>
#include <net/inet_common.h>
#include "netns.h"
#include "stats.h"
#include "syncookies.h"
#include "ttp.h"

unsigned int ttp_net_id __read_mostly;

/* Each namespace's kernel sockets, for replies that no socket of ours sends. */
static int ttp_ctl_sock_init(struct net *net)
{
	struct ttp_net *tn = ttp_net(net);
	int err;

	err = inet_ctl_sock_create(&tn->ctl4, PF_INET, SOCK_RAW, IPPROTO_TTP, net);
	if (err)
		return err;
	err = inet_ctl_sock_create(&tn->ctl6, PF_INET6, SOCK_RAW, IPPROTO_TTP, net);
	if (err) {
		inet_ctl_sock_destroy(tn->ctl4);
		return err;
	}
	return 0;
}

static void ttp_ctl_sock_exit(struct net *net)
{
	inet_ctl_sock_destroy(ttp_net(net)->ctl6);
	inet_ctl_sock_destroy(ttp_net(net)->ctl4);
}

static int __net_init ttp_net_init(struct net *net)
{
	struct ttp_net *tn = ttp_net(net);
	int err;

	ttp_params_init_defaults(tn->params);
	mutex_init(&tn->params_lock);
	spin_lock_init(&tn->events_lock);
	tn->events_stamp = jiffies;
	tn->events_tokens = tn->params[TTP_PARAM_EVENTS_RATE];
	atomic_set(&tn->tw_count, 0);
	atomic_set(&tn->bound_conns, 0);
	ratelimit_state_init(&tn->tw_overflow_log, 60 * HZ, 1);
	ratelimit_set_flags(&tn->tw_overflow_log, RATELIMIT_MSG_ON_RELEASE);
	ttp_cookie_init_secret(&tn->cookie_secret);
	tn->mib = alloc_percpu(struct ttp_mib);
	if (!tn->mib)
		return -ENOMEM;
	err = ttp_table_init(net);
	if (err)
		goto err_mib;
	err = ttp_ctl_sock_init(net);
	if (err)
		goto err_table;
	return 0;

err_table:
	ttp_table_exit(net);
err_mib:
	free_percpu(tn->mib);
	return err;
}

/*
 * Sockets hold their namespace, so by now only TIME_WAIT entries (which
 * do not) can be left: end them, then free the rest.
 */
static void __net_exit ttp_net_exit(struct net *net)
{
	struct ttp_net *tn = ttp_net(net);

	ttp_tw_purge(net);
	ttp_ctl_sock_exit(net);
	ttp_table_exit(net);
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
