// SPDX-License-Identifier: GPL-2.0
/*
 * Local ports: who holds a claim on which (sockets and TIME_WAIT entries),
 * the conflicts bind() must refuse, the ephemeral port connect() chooses
 * (RFC 6056), and the TIME_WAIT entry connect() may take over (tw_reuse).
 * Everything here runs under the namespace's port_lock: ports only change.
 */
#include <linux/random.h>
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/secure_seq.h>
#include "events.h"
#include "netns.h"
#include "stats.h"
#include "ttp.h"
#include "trace.h"

/* A local port and every claim on it. */
struct ttp_port {
	struct hlist_node node;
	struct hlist_head owners;	/* struct ttp_bind */
	unsigned short num;
};

void ttp_ports_init(struct net *net)
{
	struct ttp_net *tn = ttp_net(net);
	int i;

	spin_lock_init(&tn->port_lock);
	for (i = 0; i < TTP_PORT_HASH_SIZE; i++)
		INIT_HLIST_HEAD(&tn->ports[i]);
	tn->port_hint = get_random_u32();
}

/* Nothing may hold a port when its namespace goes: say what did. */
void ttp_ports_exit(struct net *net)
{
	struct ttp_net *tn = ttp_net(net);
	int i;

	for (i = 0; i < TTP_PORT_HASH_SIZE; i++) {
		struct ttp_port *port;
		struct ttp_bind *b;

		/* Say what was left, for the report the warning makes. */
		hlist_for_each_entry(port, &tn->ports[i], node) {
			pr_err("TTP: port %u left at namespace exit\n", port->num);
			hlist_for_each_entry(b, &port->owners, node)
				pr_err("TTP:  claimed by a %s%s%s\n",
				       b->sk ? "socket" : "TIME_WAIT entry",
				       b->explicit ? ", bound" : "",
				       b->listening ? ", listening" : "");
		}
		WARN_ON_ONCE(!hlist_empty(&tn->ports[i]));
	}
}

static struct hlist_head *ttp_port_bucket(struct ttp_net *tn, unsigned short num)
{
	return &tn->ports[num & (TTP_PORT_HASH_SIZE - 1)];
}

static struct ttp_port *ttp_port_find(struct ttp_net *tn, unsigned short num)
{
	struct ttp_port *port;

	hlist_for_each_entry(port, ttp_port_bucket(tn, num), node)
		if (port->num == num)
			return port;
	return NULL;
}

static struct ttp_port *ttp_port_get(struct ttp_net *tn, unsigned short num)
{
	struct ttp_port *port = ttp_port_find(tn, num);

	if (port)
		return port;
	port = kmalloc(sizeof(*port), GFP_ATOMIC);
	if (!port)
		return NULL;
	port->num = num;
	INIT_HLIST_HEAD(&port->owners);
	hlist_add_head(&port->node, ttp_port_bucket(tn, num));
	return port;
}

static void ttp_port_maybe_free(struct ttp_port *port)
{
	if (hlist_empty(&port->owners)) {
		hlist_del(&port->node);
		kfree(port);
	}
}

/* Whether two claims on one port cover a common local address. */
static bool ttp_bind_overlap(const struct ttp_bind *a, const struct ttp_bind *b)
{
	const struct ttp_bind *v4, *v6;

	if (a->family == b->family) {
		if (a->family == AF_INET)
			return !a->addr.v4 || !b->addr.v4 || a->addr.v4 == b->addr.v4;
		return ipv6_addr_any(&a->addr.v6) || ipv6_addr_any(&b->addr.v6) ||
		       ipv6_addr_equal(&a->addr.v6, &b->addr.v6);
	}
	v4 = a->family == AF_INET ? a : b;
	v6 = a->family == AF_INET ? b : a;
	if (v6->v6only)
		return false;
	if (ipv6_addr_any(&v6->addr.v6))
		return true;
	return ipv6_addr_v4mapped(&v6->addr.v6) &&
	       (!v4->addr.v4 || v4->addr.v4 == v6->addr.v6.s6_addr32[3]);
}

/*
 * TCP's SO_REUSEADDR: a claim may share an address and port with another
 * if both ask for it and the other does not listen. TIME_WAIT entries keep
 * their socket's flag.
 */
static bool ttp_bind_reuse(const struct ttp_bind *b)
{
	/* A socket's flag as it is now: setsockopt() may come after bind(). */
	return b->sk ? b->sk->sk_reuse != SK_NO_REUSE : b->reuse;
}

/*
 * Claims bound to two different devices (SO_BINDTODEVICE, a VRF) never
 * meet, as in inet_bind_conflict(): each listens on its own.
 */
static bool ttp_bind_same_device(const struct ttp_bind *a, const struct ttp_bind *b)
{
	return !a->dif || !b->dif || a->dif == b->dif;
}

static bool ttp_port_conflict(const struct ttp_port *port, const struct ttp_bind *b)
{
	const struct ttp_bind *o;

	hlist_for_each_entry(o, &port->owners, node) {
		if (o == b || !ttp_bind_same_device(o, b) || !ttp_bind_overlap(o, b))
			continue;
		if (!(ttp_bind_reuse(b) && ttp_bind_reuse(o) && !o->listening))
			return true;
	}
	return false;
}

static void ttp_bind_from_sock(struct sock *sk, struct ttp_bind *b)
{
	memset(&b->addr, 0, sizeof(b->addr));
	b->family = sk->sk_family;
	b->v6only = false;
	b->dif = sk->sk_bound_dev_if;
	if (sk->sk_family == AF_INET) {
		b->addr.v4 = inet_sk(sk)->inet_rcv_saddr;
	} else {
		b->addr.v6 = sk->sk_v6_rcv_saddr;
		b->v6only = ipv6_only_sock(sk);
		if (ipv6_addr_v4mapped(&b->addr.v6)) {
			b->family = AF_INET;
			b->addr.v4 = b->addr.v6.s6_addr32[3];
			memset(&b->addr.v6.s6_addr32[1], 0, 12);
		}
	}
	b->reuse = sk->sk_reuse != SK_NO_REUSE;
	b->sk = sk;
	b->listening = false;
}

static void ttp_port_add(struct ttp_port *port, struct ttp_bind *b)
{
	b->port = port;
	hlist_add_head(&b->node, &port->owners);
}

/*
 * proto->get_port, from bind() (and listen(), to recheck): claim NUM, or a
 * free port if NUM is 0. Returns 0 on success, as inet_bind() expects.
 */
int ttp_port_bind(struct sock *sk, unsigned short num)
{
	struct ttp_net *tn = ttp_net(sock_net(sk));
	struct ttp_bind *b = &ttp_sk(sk)->bind;
	struct ttp_port *port = NULL;
	int low, high, remaining, i;

	spin_lock_bh(&tn->port_lock);
	ttp_bind_from_sock(sk, b);
	b->explicit = true;
	if (num) {
		port = ttp_port_find(tn, num);
		if (port && ttp_port_conflict(port, b))
			goto fail;
		port = ttp_port_get(tn, num);
	} else {
		inet_sk_get_local_port_range(sk, &low, &high);
		remaining = high - low + 1;
		num = low + get_random_u32_below(remaining);
		for (i = 0; i < remaining; i++, num = num < high ? num + 1 : low) {
			if (!ttp_port_find(tn, num)) {
				port = ttp_port_get(tn, num);
				break;
			}
		}
	}
	if (!port)
		goto fail;
	ttp_port_add(port, b);
	inet_sk(sk)->inet_num = num;
	spin_unlock_bh(&tn->port_lock);
	return 0;
fail:
	spin_unlock_bh(&tn->port_lock);
	return 1;
}

/* listen(): no other claim on the address and port may listen, too. */
int ttp_port_listen(struct sock *sk)
{
	struct ttp_net *tn = ttp_net(sock_net(sk));
	struct ttp_bind *b = &ttp_sk(sk)->bind;
	int err = 0;

	spin_lock_bh(&tn->port_lock);
	b->listening = true;
	if (!b->port || ttp_port_conflict(b->port, b)) {
		b->listening = false;
		err = -EADDRINUSE;
	}
	spin_unlock_bh(&tn->port_lock);
	return err;
}

void ttp_port_unlisten(struct sock *sk)
{
	struct ttp_net *tn = ttp_net(sock_net(sk));

	spin_lock_bh(&tn->port_lock);
	ttp_sk(sk)->bind.listening = false;
	spin_unlock_bh(&tn->port_lock);
}

/* A child of a listener shares the listener's port, like its TCP cousin. */
int ttp_port_inherit(struct sock *child, struct sock *listener)
{
	struct ttp_net *tn = ttp_net(sock_net(child));
	struct ttp_bind *b = &ttp_sk(child)->bind;

	spin_lock_bh(&tn->port_lock);
	if (!ttp_sk(listener)->bind.port) {
		spin_unlock_bh(&tn->port_lock);
		return -ENOENT;
	}
	ttp_bind_from_sock(child, b);
	b->explicit = false;
	ttp_port_add(ttp_sk(listener)->bind.port, b);
	spin_unlock_bh(&tn->port_lock);
	return 0;
}

/* Hand a claim over (socket to TIME_WAIT entry) without a moment free. */
void ttp_port_move(struct net *net, struct ttp_bind *from, struct ttp_bind *to)
{
	struct ttp_net *tn = ttp_net(net);

	spin_lock_bh(&tn->port_lock);
	if (from->port) {
		*to = *from;
		to->reuse = ttp_bind_reuse(from);
		to->sk = NULL;
		to->listening = false;
		hlist_replace_rcu(&from->node, &to->node);
		from->port = NULL;
	} else {
		to->port = NULL;
	}
	spin_unlock_bh(&tn->port_lock);
}

void ttp_port_release(struct net *net, struct ttp_bind *b)
{
	struct ttp_net *tn = ttp_net(net);

	spin_lock_bh(&tn->port_lock);
	if (b->port) {
		hlist_del(&b->node);
		ttp_port_maybe_free(b->port);
		b->port = NULL;
	}
	spin_unlock_bh(&tn->port_lock);
}

/*
 * SK's 4-tuple is taken: by a TIME_WAIT entry that tw_reuse lets it have?
 * Then SK takes the entry's place, starts its sequence space beyond the old
 * connection's, and keeps its peer's last timestamp for PAWS. Port lock
 * held.
 */
static int ttp_port_reuse_tw(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct net *net = sock_net(sk);
	struct ttp_conn *conn;
	struct ttp_tw *tw = NULL;
	int err = -EEXIST;

	lockdep_assert_held(&ttp_net(net)->port_lock);
	rcu_read_lock();
	conn = ttp_conn_lookup(net, &ts->conn.key);
	if (conn && conn->kind == TTP_CONN_TW && ttp_conn_hold(conn))
		tw = container_of(conn, struct ttp_tw, conn);
	rcu_read_unlock();
	if (!tw)
		return err;
	/* Once claimed, the entry is ours alone to take out of the table. */
	if (ttp_tw_may_reuse(tw) && ttp_tw_recycle_start(tw)) {
		err = ttp_conn_replace(net, &tw->conn, &ts->conn);
		WARN_ON_ONCE(err);
		/* The port keeps an owner: SK, bound or about to be. */
		if (tw->bind.port) {
			hlist_del(&tw->bind.node);
			tw->bind.port = NULL;
		}
		/* RFC 6191's rule, as Linux keeps it: beyond the old window. */
		ts->tw_reuse_seq = (tw->snd_nxt + 65535 + 2) ?: 1;
		ts->ts_recent = tw->ts_recent;
		ts->ts_recent_stamp = tw->ts_recent_stamp;
		ttp_tw_recycle_finish(tw);
		trace_ttp_tw_reuse(&ts->conn.key);
	}
	ttp_tw_put(tw);
	return err;
}

/*
 * Whether an unbound connection or entry holds KEY's 4-tuple. A socket
 * bound to a device would be found before it for what comes in on that
 * device (ttp_conn_find()): it must not take the tuple, or it would take
 * the other's segments, as TCP's __inet_check_established() counts an
 * unbound socket as on every device. Port lock held: every connect()'s
 * claim is made under it.
 */
static bool ttp_port_tuple_unbound(struct net *net, const struct ttp_conn_key *key)
{
	struct ttp_conn_key k = *key;
	bool held;

	lockdep_assert_held(&ttp_net(net)->port_lock);
	k.dif = 0;
	rcu_read_lock();
	held = ttp_conn_lookup(net, &k);
	rcu_read_unlock();
	return held;
}

/* Try to make SK's 4-tuple, with local port NUM, its own. Port lock held. */
static int ttp_port_try_tuple(struct sock *sk, struct ttp_port *port,
			      unsigned short num)
{
	struct ttp_sock *ts = ttp_sk(sk);
	int err;

	lockdep_assert_held(&ttp_net(sock_net(sk))->port_lock);
	inet_sk(sk)->inet_sport = htons(num);
	ttp_conn_key_from_sock(sk, &ts->conn.key);
	ts->conn.kind = TTP_CONN_SOCK;
	if (ts->conn.key.dif && ttp_port_tuple_unbound(sock_net(sk), &ts->conn.key))
		return -EEXIST;
	err = ttp_conn_insert(sock_net(sk), &ts->conn);
	if (err == -EEXIST)
		err = ttp_port_reuse_tw(sk);
	if (err)
		return err;
	if (!ts->bind.port) {
		if (!port)
			port = ttp_port_get(ttp_net(sock_net(sk)), num);
		if (!port) {
			ttp_conn_remove(sock_net(sk), &ts->conn);
			return -ENOMEM;
		}
		ttp_bind_from_sock(sk, &ts->bind);
		ts->bind.explicit = false;
		ttp_port_add(port, &ts->bind);
	}
	inet_sk(sk)->inet_num = num;
	return 0;
}

/*
 * The I-th local port connect() tries in LOW..HIGH, starting from OFFSET
 * (RFC 6056's algorithm 3: a keyed hash of the addresses and the remote
 * port, plus a hint that moves with every use): each port once in
 * HIGH - LOW + 1 tries.
 */
unsigned short ttp_port_candidate(int low, int high, u32 offset, int i)
{
	u32 n = high - low + 1;

	/*
	 * Reduce first: offset + i may wrap past 2^32, which is no multiple
	 * of n, and the walk would then repeat some ports and skip others.
	 */
	return low + (offset % n + (u32)i) % n;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_port_candidate);

/*
 * connect(): enter the connection table with a unique 4-tuple, choosing the
 * local port if bind() did not (RFC 6056's double-hash algorithm: the start
 * depends on a keyed hash of the addresses and the remote port, and moves on
 * with every use). A port someone bound explicitly is never borrowed, and a
 * 4-tuple in TIME_WAIT is reused only as tw_reuse allows.
 */
int ttp_port_connect(struct sock *sk)
{
	struct ttp_net *tn = ttp_net(sock_net(sk));
	struct inet_sock *inet = inet_sk(sk);
	int low, high, remaining, i, err;
	struct ttp_port *port;
	unsigned short num;
	u32 offset;

	spin_lock_bh(&tn->port_lock);
	if (inet->inet_num) {
		err = ttp_port_try_tuple(sk, ttp_sk(sk)->bind.port, inet->inet_num);
		spin_unlock_bh(&tn->port_lock);
		return err == -EEXIST ? -EADDRNOTAVAIL : err;
	}

	inet_sk_get_local_port_range(sk, &low, &high);
	remaining = high - low + 1;
	if (ttp_sk(sk)->af == &ttp_ipv6_ops)
		offset = secure_ipv6_port_ephemeral(sk->sk_v6_rcv_saddr.s6_addr32,
						    sk->sk_v6_daddr.s6_addr32,
						    inet->inet_dport);
	else
		offset = secure_ipv4_port_ephemeral(inet->inet_rcv_saddr,
						    inet->inet_daddr,
						    inet->inet_dport);
	offset += tn->port_hint;
	err = -EADDRNOTAVAIL;
	for (i = 0; i < remaining; i++) {
		num = ttp_port_candidate(low, high, offset, i);
		port = ttp_port_find(tn, num);
		if (port) {
			const struct ttp_bind *o;
			bool bound = false;

			hlist_for_each_entry(o, &port->owners, node)
				bound |= o->explicit;
			if (bound)
				continue;
		}
		err = ttp_port_try_tuple(sk, port, num);
		if (!err)
			break;
		if (err != -EEXIST)
			break;
		err = -EADDRNOTAVAIL;
	}
	tn->port_hint += i + 2;
	if (err)
		inet->inet_sport = 0;
	spin_unlock_bh(&tn->port_lock);
	/* Linux counts nothing here; an operator wants to see it coming. */
	if (err == -EADDRNOTAVAIL) {
		ttp_count(sock_net(sk), TTP_MIB_PORTS_EXHAUSTED);
		ttp_event_ports_exhausted(sk);
	}
	return err;
}
