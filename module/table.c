// SPDX-License-Identifier: GPL-2.0
/*
 * The namespace's lookup tables, owned by TTP: the connection table
 * (4-tuple to socket, request entry or TIME_WAIT entry) and the listeners.
 * The receive path looks them up under RCU alone; only changes take locks.
 * Local ports, which only change, are port.c's.
 */
#include <net/addrconf.h>
#include <net/ip.h>
#include "netns.h"
#include "params.h"
#include "ttp.h"

static const struct rhashtable_params ttp_conn_params = {
	.key_len = sizeof(struct ttp_conn_key),
	.key_offset = offsetof(struct ttp_conn, key),
	.head_offset = offsetof(struct ttp_conn, node),
	.automatic_shrinking = true,
};

int ttp_table_init(struct net *net)
{
	struct ttp_net *tn = ttp_net(net);
	int i;

	spin_lock_init(&tn->listen_lock);
	for (i = 0; i < TTP_LISTEN_HASH_SIZE; i++)
		INIT_HLIST_HEAD(&tn->listeners[i]);
	ttp_ports_init(net);
	return rhashtable_init(&tn->conns, &ttp_conn_params);
}

void ttp_table_exit(struct net *net)
{
	struct ttp_net *tn = ttp_net(net);

	/* Sockets hold the namespace; TIME_WAIT entries were purged. */
	WARN_ON_ONCE(atomic_read(&tn->conns.nelems));
	rhashtable_destroy(&tn->conns);
	ttp_ports_exit(net);
}

void ttp_conn_key_from_sock(const struct sock *sk, struct ttp_conn_key *key)
{
	const struct inet_sock *inet = inet_sk(sk);

	memset(key, 0, sizeof(*key));
	key->lport = inet->inet_sport;
	key->rport = inet->inet_dport;
	key->dif = sk->sk_bound_dev_if;
	if (sk->sk_family == AF_INET6 && !ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
		key->family = AF_INET6;
		key->laddr.v6 = sk->sk_v6_rcv_saddr;
		key->raddr.v6 = sk->sk_v6_daddr;
		return;
	}
	key->family = AF_INET;
	key->laddr.v4 = inet->inet_rcv_saddr;
	key->raddr.v4 = inet->inet_daddr;
}

/* Under rcu_read_lock(); the caller takes a reference if it keeps it. */
struct ttp_conn *ttp_conn_lookup(struct net *net, const struct ttp_conn_key *key)
{
	return rhashtable_lookup(&ttp_net(net)->conns, key, ttp_conn_params);
}

/*
 * A segment for KEY (its dif 0) that came in on DIF, enslaved SDIF (a VRF's
 * device, else 0): the connection it belongs to, as TCP's lookup matches
 * sk_bound_dev_if. A connection bound to a device takes what came in on it
 * or its VRF; an unbound one takes the rest, but from inside a VRF only
 * with l3mdev_accept. Most namespaces have no bound connection and pay one
 * lookup. Under rcu_read_lock(), as ttp_conn_lookup().
 */
struct ttp_conn *ttp_conn_find(struct net *net, const struct ttp_conn_key *key,
			       int dif, int sdif)
{
	struct ttp_conn_key k = *key;
	struct ttp_conn *conn;

	if (atomic_read(&ttp_net(net)->bound_conns)) {
		k.dif = dif;
		conn = ttp_conn_lookup(net, &k);
		if (conn)
			return conn;
		if (sdif) {
			k.dif = sdif;
			conn = ttp_conn_lookup(net, &k);
			if (conn)
				return conn;
		}
	}
	if (sdif && !ttp_param(net, TTP_PARAM_L3MDEV_ACCEPT))
		return NULL;
	k.dif = 0;
	return ttp_conn_lookup(net, &k);
}

int ttp_conn_insert(struct net *net, struct ttp_conn *conn)
{
	int err;

	err = rhashtable_lookup_insert_fast(&ttp_net(net)->conns, &conn->node,
					    ttp_conn_params);
	if (!err) {
		conn->hashed = true;
		if (conn->key.dif)
			atomic_inc(&ttp_net(net)->bound_conns);
	}
	return err;
}

int ttp_conn_replace(struct net *net, struct ttp_conn *old, struct ttp_conn *new)
{
	int err;

	err = rhashtable_replace_fast(&ttp_net(net)->conns, &old->node,
				      &new->node, ttp_conn_params);
	if (!err) {
		old->hashed = false;
		new->hashed = true;
	}
	return err;
}

void ttp_conn_remove(struct net *net, struct ttp_conn *conn)
{
	if (!conn->hashed)
		return;
	rhashtable_remove_fast(&ttp_net(net)->conns, &conn->node, ttp_conn_params);
	conn->hashed = false;
	if (conn->key.dif)
		atomic_dec(&ttp_net(net)->bound_conns);
}

bool ttp_conn_hold(struct ttp_conn *conn)
{
	switch (conn->kind) {
	case TTP_CONN_SOCK:
		return refcount_inc_not_zero(&((struct sock *)container_of(conn,
				struct ttp_sock, conn))->sk_refcnt);
	case TTP_CONN_REQ:
		return refcount_inc_not_zero(&container_of(conn, struct ttp_request,
							   conn)->refcnt);
	default:
		return refcount_inc_not_zero(&container_of(conn, struct ttp_tw,
							   conn)->refcnt);
	}
}

void ttp_conn_put(struct ttp_conn *conn)
{
	switch (conn->kind) {
	case TTP_CONN_SOCK:
		sock_put((struct sock *)container_of(conn, struct ttp_sock, conn));
		break;
	case TTP_CONN_REQ:
		ttp_request_put(container_of(conn, struct ttp_request, conn));
		break;
	default:
		ttp_tw_put(container_of(conn, struct ttp_tw, conn));
	}
}

static struct hlist_head *ttp_listen_bucket(struct ttp_net *tn, unsigned short port)
{
	return &tn->listeners[port & (TTP_LISTEN_HASH_SIZE - 1)];
}

/*
 * How well listener SK matches a segment to KEY that came in on DIF (SDIF
 * enslaved to it, a VRF): 0 not at all, more for a device or a specific
 * address than a wildcard, and a little more for the family the segment
 * came in, as Linux's compute_score() does.
 */
static int ttp_listener_score(const struct sock *sk, const struct ttp_conn_key *key,
			      int dif, int sdif, bool l3mdev_accept)
{
	int score = 1;

	if (sk->sk_bound_dev_if) {
		if (sk->sk_bound_dev_if != dif && sk->sk_bound_dev_if != sdif)
			return 0;
		score += 4;
	} else if (sdif && !l3mdev_accept) {
		return 0;
	}
	if (sk->sk_family == AF_INET) {
		if (key->family != AF_INET)
			return 0;
		if (inet_sk(sk)->inet_rcv_saddr) {
			if (inet_sk(sk)->inet_rcv_saddr != key->laddr.v4)
				return 0;
			score += 2;
		}
		return score + 1;
	}
	if (key->family == AF_INET) {
		if (ipv6_only_sock(sk))
			return 0;
		if (ipv6_addr_v4mapped(&sk->sk_v6_rcv_saddr)) {
			if (sk->sk_v6_rcv_saddr.s6_addr32[3] != key->laddr.v4)
				return 0;
			return score + 2;
		}
		return ipv6_addr_any(&sk->sk_v6_rcv_saddr) ? score : 0;
	}
	if (!ipv6_addr_any(&sk->sk_v6_rcv_saddr)) {
		if (!ipv6_addr_equal(&sk->sk_v6_rcv_saddr, &key->laddr.v6))
			return 0;
		score += 2;
	}
	return score + 1;
}

/* The best listener for a segment to KEY, with a reference, or NULL. */
struct sock *ttp_listener_lookup(struct net *net, const struct ttp_conn_key *key,
				 int dif, int sdif)
{
	bool l3mdev_accept = ttp_param(net, TTP_PARAM_L3MDEV_ACCEPT);
	struct ttp_net *tn = ttp_net(net);
	unsigned short port = ntohs(key->lport);
	struct sock *best = NULL;
	struct ttp_sock *ts;
	int score, best_score = 0;

	rcu_read_lock();
	hlist_for_each_entry_rcu(ts, ttp_listen_bucket(tn, port), listen_node) {
		struct sock *sk = (struct sock *)ts;

		if (inet_sk(sk)->inet_num != port)
			continue;
		score = ttp_listener_score(sk, key, dif, sdif, l3mdev_accept);
		if (score > best_score) {
			best = sk;
			best_score = score;
		}
	}
	if (best && !refcount_inc_not_zero(&best->sk_refcnt))
		best = NULL;
	rcu_read_unlock();
	return best;
}

/*
 * The device a connection LISTENER makes from SKB is bound to, as the key
 * of its request entry and its socket: the listener's own, else, for a
 * segment from inside a VRF that l3mdev_accept let in, the VRF's.
 */
int ttp_bound_dif(const struct sock *listener, const struct sk_buff *skb)
{
	const struct ttp_skb_cb *cb = TTP_SKB_CB(skb);

	if (listener->sk_bound_dev_if)
		return listener->sk_bound_dev_if;
	return cb->sdif ? cb->dif : 0;
}

void ttp_listener_add(struct sock *sk)
{
	struct ttp_net *tn = ttp_net(sock_net(sk));

	spin_lock_bh(&tn->listen_lock);
	hlist_add_head_rcu(&ttp_sk(sk)->listen_node,
			   ttp_listen_bucket(tn, inet_sk(sk)->inet_num));
	spin_unlock_bh(&tn->listen_lock);
}

void ttp_listener_del(struct sock *sk)
{
	struct ttp_net *tn = ttp_net(sock_net(sk));

	spin_lock_bh(&tn->listen_lock);
	if (!hlist_unhashed(&ttp_sk(sk)->listen_node))
		hlist_del_init_rcu(&ttp_sk(sk)->listen_node);
	spin_unlock_bh(&tn->listen_lock);
}

