// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: a new namespace starts with the parameter
 * table's defaults and zeroed statistics, and nothing it does shows in
 * another namespace.
 */
#include <linux/percpu.h>
#include <net/inet_common.h>
#include "events.h"
#include "netns.h"
#include "stats.h"
#include "syncookies.h"
#include "ttp.h"

unsigned int ttp_net_id __read_mostly;

/*
 * Makes NET's parameters VALUES, for those marked in CHANGED (each already
 * checked against its range), all or nothing: the rules that tie
 * parameters together are checked on the whole set the change would leave.
 * Every way to change a parameter (netlink, sysctl) comes here, so each
 * change is checked, announced and counted alike. Returns NULL, or why
 * nothing changed.
 */
const char *ttp_params_commit(struct net *net, const unsigned long *changed,
			      u32 *values)
{
	struct ttp_net *tn = ttp_net(net);
	unsigned long changes = 0;
	bool msl_lowered;
	const char *why;
	int id;

	mutex_lock(&tn->params_lock);
	for (id = 0; id < TTP_PARAM_COUNT; id++)
		if (!test_bit(id, changed))
			values[id] = ttp_param_value(net, id);
	why = ttp_params_inconsistent(values);
	if (why) {
		mutex_unlock(&tn->params_lock);
		return why;
	}
	msl_lowered = values[TTP_PARAM_MSL_MS] < tn->params[TTP_PARAM_MSL_MS] ||
		      values[TTP_PARAM_MSL_LOCAL_MS] < tn->params[TTP_PARAM_MSL_LOCAL_MS];
	for (id = 0; id < TTP_PARAM_COUNT; id++) {
		u32 old = ttp_param_value(net, id);

		if (old == values[id])
			continue;
		/*
		 * The caller saw it unchanged, but the initial namespace,
		 * under its own lock, may have moved it since: not ours to
		 * undo.
		 */
		if (ttp_param_defs[id].global && !net_eq(net, &init_net))
			continue;
		ttp_event_param(net, ttp_param_defs[id].name, old, values[id]);
		if (ttp_param_defs[id].global)
			ttp_global_param_set(id, values[id]);
		else
			WRITE_ONCE(tn->params[id], values[id]);
		changes++;
	}
	/* A lower MSL applies to the TIME_WAIT entries there are, too. */
	if (msl_lowered)
		ttp_tw_msl_lowered(net);
	mutex_unlock(&tn->params_lock);
	ttp_count_add(net, TTP_MIB_PARAM_CHANGES, changes);
	return NULL;
}

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
	err = ttp_sysctl_init(net);
	if (err)
		goto err_ctl;
	return 0;

err_ctl:
	ttp_ctl_sock_exit(net);
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

	ttp_sysctl_exit(net);
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
