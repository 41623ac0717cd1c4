/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TTP_NETNS_H
#define _TTP_NETNS_H

#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/rhashtable.h>
#include <linux/siphash.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include "params.h"

struct ttp_mib;

#define TTP_LISTEN_HASH_SIZE	256
#define TTP_PORT_HASH_SIZE	1024

/* Everything TTP keeps per network namespace. */
struct ttp_net {
	u32 params[TTP_PARAM_COUNT];	/* written under params_lock, read with READ_ONCE */
	struct mutex params_lock;	/* makes a multi-parameter set atomic */
	struct ttp_mib __percpu *mib;

	/* The tables (table.c): lookups take no lock, changes do. */
	struct rhashtable conns;	/* 4-tuple: sockets, requests, TIME_WAIT */
	spinlock_t listen_lock;		/* changes of listeners[] */
	struct hlist_head listeners[TTP_LISTEN_HASH_SIZE];

	atomic_t bound_conns;		/* conns with a device in their key */

	/* Local ports (port.c). */
	spinlock_t port_lock;		/* ports[], every claim, port_hint */
	struct hlist_head ports[TTP_PORT_HASH_SIZE];
	u32 port_hint;			/* RFC 6056: moves the next search on */

	/* TIME_WAIT entries (timewait.c). */
	atomic_t tw_count;		/* entries alive (max_tw_buckets) */
	atomic_t tw_unfreed;		/* entries not yet freed: exit waits */
	struct ratelimit_state tw_overflow_log;	/* a minute between messages */

	siphash_key_t cookie_secret;		/* SYN cookies (syncookies.c) */

	/* events_rate's token bucket (events.c). */
	spinlock_t events_lock;
	unsigned long events_stamp;	/* jiffies: last refill */
	u32 events_tokens;
	u64 events_lost;		/* since the last TTP_EVENT_LOST */

	/* Kernel sockets that send what no socket of ours can (RSTs, ACKs). */
	struct sock *ctl4;
	struct sock *ctl6;
	/* net.ttp.* (sysctl.c). */
	struct ctl_table_header *sysctl_header;
	struct ctl_table *sysctl_table;
	bool exiting;
};

extern unsigned int ttp_net_id;

static inline struct ttp_net *ttp_net(const struct net *net)
{
	return net_generic(net, ttp_net_id);
}

static inline u32 ttp_param(const struct net *net, enum ttp_param id)
{
	return READ_ONCE(ttp_net(net)->params[id]);
}

/* A parameter's value as NET sees it: its own, or the global one. */
static inline u32 ttp_param_value(const struct net *net, enum ttp_param id)
{
	return ttp_param_defs[id].global ? ttp_global_param(id) : ttp_param(net, id);
}

const char *ttp_params_commit(struct net *net, const unsigned long *changed,
			      u32 *values);

int ttp_sysctl_init(struct net *net);
void ttp_sysctl_exit(struct net *net);

int ttp_netns_init(void);
void ttp_netns_exit(void);

#endif /* _TTP_NETNS_H */
