// SPDX-License-Identifier: GPL-2.0
/*
 * net.ttp.*: every parameter of the table as a sysctl of its namespace, so
 * that sysctl -w, /etc/sysctl.d and a container runtime's namespaced
 * sysctls work unchanged. Names and ranges come from the parameter table,
 * and a write is committed as a netlink set is (ttp_params_commit()): the
 * same checks, the same event, and it shows through either path at once.
 */
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>
#include "compat.h"
#include "netns.h"

/* Which parameter ENTRY is: its data points into its namespace's params[]. */
static int ttp_sysctl_param_id(ttp_compat_ctl_table *entry)
{
	struct net *net = entry->extra1;

	return (u32 *)entry->data - ttp_net(net)->params;
}

static int ttp_sysctl_param(ttp_compat_ctl_table *entry, int write,
			    void *buffer, size_t *lenp, loff_t *ppos)
{
	DECLARE_BITMAP(changed, TTP_PARAM_COUNT) = {};
	struct net *net = entry->extra1;
	int id = ttp_sysctl_param_id(entry);
	const struct ttp_param_def *def = &ttp_param_defs[id];
	u32 values[TTP_PARAM_COUNT];
	struct ctl_table tmp = {
		.procname = entry->procname,
		.data = &values[id],
		.maxlen = sizeof(u32),
		.mode = entry->mode,
	};
	const char *why;
	int err;

	/*
	 * Parse into a copy: the value is checked and committed under the
	 * parameters' lock, never written in place.
	 */
	values[id] = ttp_param_value(net, id);
	err = proc_douintvec(&tmp, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	/* Read-only outside the initial namespace already: see init. */
	if (def->global && !net_eq(net, &init_net))
		return -EPERM;
	if (!ttp_param_in_range(id, values[id])) {
		net_info_ratelimited("ttp: net.ttp.%s: %u is out of range %u..%u (%s)\n",
				     def->name, values[id], def->min, def->max,
				     def->unit);
		return -EINVAL;
	}
	__set_bit(id, changed);
	why = ttp_params_commit(net, changed, values);
	if (why) {
		net_info_ratelimited("ttp: net.ttp.%s: %s\n", def->name, why);
		return -EINVAL;
	}
	return 0;
}

int ttp_sysctl_init(struct net *net)
{
	struct ttp_net *tn = ttp_net(net);
	struct ctl_table *table;
	int id;

	/* One entry more, left empty: 6.1 finds the table's end by it. */
	table = kcalloc(TTP_PARAM_COUNT + 1, sizeof(*table), GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	for (id = 0; id < TTP_PARAM_COUNT; id++) {
		table[id].procname = ttp_param_defs[id].name;
		table[id].data = &tn->params[id];
		table[id].maxlen = sizeof(u32);
		/*
		 * The global ones are the host's: as with netlink, only
		 * the initial namespace changes them; elsewhere they are
		 * shown, read-only.
		 */
		table[id].mode = ttp_param_defs[id].global &&
				 !net_eq(net, &init_net) ? 0444 : 0644;
		table[id].proc_handler = ttp_sysctl_param;
		table[id].extra1 = net;
	}
	tn->sysctl_header =
		ttp_compat_register_net_sysctl(net, "net/ttp", table, TTP_PARAM_COUNT);
	if (!tn->sysctl_header) {
		kfree(table);
		return -ENOMEM;
	}
	tn->sysctl_table = table;
	return 0;
}

/* Waits for handlers under way: none runs once this returns. */
void ttp_sysctl_exit(struct net *net)
{
	struct ttp_net *tn = ttp_net(net);

	unregister_net_sysctl_table(tn->sysctl_header);
	kfree(tn->sysctl_table);
}
