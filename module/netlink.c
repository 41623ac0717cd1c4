// SPDX-License-Identifier: GPL-2.0
/*
 * The "ttp" generic netlink family: parameters and statistics of the
 * namespace the request comes from. The wire format is documented in
 * include/uapi/linux/ttp.h.
 */
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include "compat.h"
#include "events.h"
#include "netlink.h"
#include "netns.h"
#include "params.h"
#include "stats.h"
#include "ttp.h"

static const struct nla_policy ttp_param_policy[TTP_PARAM_A_MAX + 1] = {
	[TTP_PARAM_A_ID]	= NLA_POLICY_MAX(NLA_U32, TTP_PARAM_COUNT - 1),
	[TTP_PARAM_A_NAME]	= { .type = NLA_NUL_STRING, .len = TTP_NAME_MAX },
	[TTP_PARAM_A_VALUE]	= { .type = NLA_U64 },
};

static const struct nla_policy ttp_policy[TTP_A_MAX + 1] = {
	[TTP_A_PARAM]		= NLA_POLICY_NESTED(ttp_param_policy),
};

/*
 * TTP_CMD_STATS_GET takes no attributes, said by a policy of its own rather
 * than left to generic netlink's default: on 7.3 an op without a policy, in
 * a family with a maxattr, is checked against a two-entry reject-all policy
 * up to the family's maxattr, and an attribute of type 2 or more reads past
 * it into validate_nla()'s BUG_ON. The netlink fuzzer found it, as an
 * unprivileged user.
 */
static const struct nla_policy ttp_no_attrs_policy[TTP_A_MAX + 1] = {
	[1 ... TTP_A_MAX] = { .type = NLA_REJECT,
			      .reject_message = "stats-get takes no attributes" },
};

/* Which parameter a TTP_A_PARAM nest names, by name or by id. */
static int ttp_nl_param_id(struct nlattr **tb, const struct nlattr *nest,
			   struct netlink_ext_ack *extack)
{
	int id;

	if (tb[TTP_PARAM_A_NAME]) {
		id = ttp_param_lookup(nla_data(tb[TTP_PARAM_A_NAME]));
		if (id < 0)
			TTP_NL_ERR_ATTR_FMT(extack, tb[TTP_PARAM_A_NAME],
					    "unknown parameter '%s'",
					    (char *)nla_data(tb[TTP_PARAM_A_NAME]));
		return id;
	}
	if (tb[TTP_PARAM_A_ID])
		return nla_get_u32(tb[TTP_PARAM_A_ID]);
	NL_SET_ERR_MSG_ATTR(extack, nest, "parameter name missing");
	NL_SET_ERR_ATTR_MISS(extack, nest, TTP_PARAM_A_NAME);
	return -EINVAL;
}

static int ttp_nl_fill_param(struct sk_buff *skb, const struct net *net, int id,
			     u32 portid, u32 seq, int flags)
{
	const struct ttp_param_def *def = &ttp_param_defs[id];
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &ttp_genl_family, flags,
			  TTP_CMD_PARAM_GET);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, TTP_A_PARAM);
	if (!nest ||
	    nla_put_u32(skb, TTP_PARAM_A_ID, id) ||
	    nla_put_string(skb, TTP_PARAM_A_NAME, def->name) ||
	    nla_put_u64_64bit(skb, TTP_PARAM_A_VALUE, ttp_param_value(net, id),
			      TTP_PARAM_A_PAD) ||
	    nla_put_u64_64bit(skb, TTP_PARAM_A_DEFAULT, ttp_param_default(id),
			      TTP_PARAM_A_PAD) ||
	    nla_put_u64_64bit(skb, TTP_PARAM_A_RANGE_MIN, def->min, TTP_PARAM_A_PAD) ||
	    nla_put_u64_64bit(skb, TTP_PARAM_A_RANGE_MAX, def->max, TTP_PARAM_A_PAD) ||
	    nla_put_string(skb, TTP_PARAM_A_UNIT, def->unit) ||
	    nla_put_string(skb, TTP_PARAM_A_DESC, def->desc) ||
	    (def->global && nla_put_flag(skb, TTP_PARAM_A_GLOBAL))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

static int ttp_nl_param_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[TTP_PARAM_A_MAX + 1];
	struct nlattr *nest = info->attrs[TTP_A_PARAM];
	struct sk_buff *msg;
	int id, err;

	if (!nest) {
		NL_SET_ERR_MSG_MOD(info->extack, "parameter name missing");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, TTP_A_PARAM);
		return -EINVAL;
	}
	err = nla_parse_nested(tb, TTP_PARAM_A_MAX, nest, ttp_param_policy,
			       info->extack);
	if (err)
		return err;
	id = ttp_nl_param_id(tb, nest, info->extack);
	if (id < 0)
		return id;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = ttp_nl_fill_param(msg, genl_info_net(info), id, info->snd_portid,
				info->snd_seq, 0);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* cb->args[0] is the id of the next parameter to send. */
static int ttp_nl_param_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	const struct net *net = sock_net(skb->sk);
	int id;

	for (id = cb->args[0]; id < TTP_PARAM_COUNT; id++)
		if (ttp_nl_fill_param(skb, net, id, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI))
			break;
	cb->args[0] = id;
	return skb->len;
}

static int ttp_nl_param_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct net *net = genl_info_net(info);
	DECLARE_BITMAP(seen, TTP_PARAM_COUNT) = {};
	u32 values[TTP_PARAM_COUNT];
	struct nlattr *tb[TTP_PARAM_A_MAX + 1];
	const struct nlattr *nla;
	const char *why;
	int rem, id, err;
	u64 value;

	/* First check every requested change; nothing is applied yet. */
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != TTP_A_PARAM)
			continue;
		err = nla_parse_nested(tb, TTP_PARAM_A_MAX, nla,
				       ttp_param_policy, extack);
		if (err)
			return err;
		id = ttp_nl_param_id(tb, nla, extack);
		if (id < 0)
			return id;
		if (!tb[TTP_PARAM_A_VALUE]) {
			TTP_NL_ERR_ATTR_FMT(extack, nla, "%s: value missing",
					    ttp_param_defs[id].name);
			NL_SET_ERR_ATTR_MISS(extack, nla, TTP_PARAM_A_VALUE);
			return -EINVAL;
		}
		value = nla_get_u64(tb[TTP_PARAM_A_VALUE]);
		if (!ttp_param_in_range(id, value)) {
			TTP_NL_ERR_ATTR_FMT(extack, tb[TTP_PARAM_A_VALUE],
					    "%s: %llu is out of range %u..%u (%s)",
					    ttp_param_defs[id].name, value,
					    ttp_param_defs[id].min,
					    ttp_param_defs[id].max,
					    ttp_param_defs[id].unit);
			return -ERANGE;
		}
		/*
		 * A global parameter protects the host: like tcp_mem, only
		 * CAP_NET_ADMIN in the initial namespaces changes it. Its
		 * own value from elsewhere is no change, so a file from
		 * param show --config loads in any namespace.
		 */
		if (ttp_param_defs[id].global && value != ttp_global_param(id) &&
		    (!net_eq(net, &init_net) || !netlink_capable(skb, CAP_NET_ADMIN))) {
			TTP_NL_ERR_ATTR_FMT(extack, nla,
					    "%s is global: set it from the initial namespace",
					    ttp_param_defs[id].name);
			return -EPERM;
		}
		if (__test_and_set_bit(id, seen)) {
			TTP_NL_ERR_ATTR_FMT(extack, nla, "%s: given twice",
					    ttp_param_defs[id].name);
			return -EINVAL;
		}
		values[id] = value;
	}
	if (bitmap_empty(seen, TTP_PARAM_COUNT)) {
		NL_SET_ERR_MSG_MOD(extack, "no parameter given");
		NL_SET_ERR_ATTR_MISS(extack, NULL, TTP_A_PARAM);
		return -EINVAL;
	}

	/* Then apply them all, or none if together they break a rule. */
	why = ttp_params_commit(net, seen, values);
	if (why) {
		TTP_NL_ERR_ATTR_FMT(extack, NULL, "%s", why);
		return -EINVAL;
	}
	return 0;
}

static size_t ttp_nl_stats_size(void)
{
	size_t size = 0;
	int i;

	for (i = 0; i <= TTP_STATE_MAX; i++)
		if (ttp_state_has_gauge(i))
			size += nla_total_size(0) + nla_total_size(sizeof(u32)) +
				nla_total_size(strlen(ttp_state_name(i)) + 1) +
				2 * nla_total_size_64bit(sizeof(u64));
	for (i = 0; i < TTP_COUNTER_COUNT; i++)
		size += nla_total_size(0) + nla_total_size(sizeof(u32)) +
			nla_total_size(strlen(ttp_counter_name(i)) + 1) +
			nla_total_size_64bit(sizeof(u64));
	/* TTP_A_MEMORY */
	size += nla_total_size(0) + nla_total_size_64bit(sizeof(u64)) +
		nla_total_size(sizeof(u8));
	return size;
}

static int ttp_nl_fill_stats(struct sk_buff *msg, const struct ttp_stats_sum *sum)
{
	struct nlattr *nest;
	int i;

	for (i = 0; i < TTP_STATE_GAUGES; i++) {
		int state = ttp_state_report_order[i];

		nest = nla_nest_start(msg, TTP_A_STATE);
		if (!nest ||
		    nla_put_u32(msg, TTP_STATE_A_ID, state) ||
		    nla_put_string(msg, TTP_STATE_A_NAME, ttp_state_name(state)) ||
		    nla_put_u64_64bit(msg, TTP_STATE_A_CURRENT, sum->now[state],
				      TTP_STATE_A_PAD) ||
		    nla_put_u64_64bit(msg, TTP_STATE_A_ENTERED, sum->entered[state],
				      TTP_STATE_A_PAD))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	for (i = 0; i < TTP_COUNTER_COUNT; i++) {
		nest = nla_nest_start(msg, TTP_A_COUNTER);
		if (!nest ||
		    nla_put_u32(msg, TTP_COUNTER_A_ID, i) ||
		    nla_put_string(msg, TTP_COUNTER_A_NAME, ttp_counter_name(i)) ||
		    nla_put_u64_64bit(msg, TTP_COUNTER_A_VALUE, sum->counters[i],
				      TTP_COUNTER_A_PAD))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	/* Memory is one pool for all namespaces, as TCP's is. */
	nest = nla_nest_start(msg, TTP_A_MEMORY);
	if (!nest ||
	    nla_put_u64_64bit(msg, TTP_MEMORY_A_PAGES, ttp_memory_pages(),
			      TTP_MEMORY_A_PAD) ||
	    nla_put_u8(msg, TTP_MEMORY_A_PRESSURE, ttp_memory_pressured()))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int ttp_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ttp_stats_sum *sum;
	struct sk_buff *msg;
	void *hdr;
	int err;

	sum = kmalloc(sizeof(*sum), GFP_KERNEL);
	if (!sum)
		return -ENOMEM;
	ttp_stats_sum(genl_info_net(info), sum);

	err = -ENOMEM;
	msg = genlmsg_new(ttp_nl_stats_size(), GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_put_reply(msg, info, &ttp_genl_family, 0,
				TTP_CMD_STATS_GET);
	err = -EMSGSIZE;
	if (!hdr || ttp_nl_fill_stats(msg, sum)) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
out:
	kfree(sum);
	return err;
}

static const struct genl_ops ttp_genl_ops[] = {
	{
		.cmd = TTP_CMD_PARAM_GET,
		.doit = ttp_nl_param_get_doit,
		.dumpit = ttp_nl_param_get_dumpit,
		.policy = ttp_policy,
		.maxattr = TTP_A_MAX,
	},
	{
		.cmd = TTP_CMD_PARAM_SET,
		.doit = ttp_nl_param_set_doit,
		.policy = ttp_policy,
		.maxattr = TTP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = TTP_CMD_STATS_GET,
		.doit = ttp_nl_stats_get_doit,
		.policy = ttp_no_attrs_policy,
		.maxattr = TTP_A_MAX,
	},
	{
		.cmd = TTP_CMD_SOCK_GET,
		.start = ttp_nl_sock_start,
		.dumpit = ttp_nl_sock_dumpit,
		.done = ttp_nl_sock_done,
		.policy = ttp_sock_policy,
		.maxattr = TTP_A_MAX,
	},
	{
		.cmd = TTP_CMD_SOCK_KILL,
		.doit = ttp_nl_sock_kill_doit,
		.policy = ttp_sock_policy,
		.maxattr = TTP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group ttp_mcgrps[] = {
	{ .name = TTP_MCGRP_EVENTS },
};

struct genl_family ttp_genl_family __ro_after_init = {
	.name = TTP_GENL_NAME,
	.version = TTP_GENL_VERSION,
	.maxattr = TTP_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = ttp_genl_ops,
	.n_ops = ARRAY_SIZE(ttp_genl_ops),
	.mcgrps = ttp_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ttp_mcgrps),
};

int __init ttp_genl_init(void)
{
	return genl_register_family(&ttp_genl_family);
}

void ttp_genl_exit(void)
{
	genl_unregister_family(&ttp_genl_family);
}
