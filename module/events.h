/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TTP_EVENTS_H
#define _TTP_EVENTS_H

#include <net/genetlink.h>
#include "netlink.h"

struct ttp_conn_key;
struct sock;

/*
 * Whether anyone in NET listens to the "events" group: callers test this
 * before they work out what an event would say, so that with nobody
 * listening an event costs this one test.
 */
static inline bool ttp_events_on(struct net *net)
{
	return genl_has_listeners(&ttp_genl_family, net, 0);
}

void ttp_event_state(struct net *net, const struct ttp_conn_key *key, int old,
		     int new, int err, const char *why);
void ttp_event_sock_state(struct sock *sk, int old, int new);
void ttp_event_drop(struct net *net, const struct ttp_conn_key *key, const char *why);
void ttp_event_param(struct net *net, const char *name, u64 old, u64 new);
void ttp_event_synflood(struct sock *sk, bool start, u64 count, u32 duration_ms);
void ttp_event_ports_exhausted(struct sock *sk);
void ttp_event_close_wait(struct sock *sk, u32 duration_ms);

#endif /* _TTP_EVENTS_H */
