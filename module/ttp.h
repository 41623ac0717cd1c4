/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The transport's shared definitions: the socket, the segment control block,
 * the connection table's entries and the functions the files of the
 * transport offer each other (declared below by the file that defines
 * them). The file list mirrors TCP's, so a reader who knows
 * net/ipv4/tcp*.c finds everything at once. Every file of module/:
 *
 * The module and its control plane
 *   main.c        module init and exit, nothing else
 *   netns.c/.h    per-namespace state (struct ttp_net), its kernel sockets
 *   params.c/.h   the parameter table: names, units, ranges, defaults
 *   netlink.c/.h  the "ttp" generic netlink family: parameters, statistics
 *   stats.c/.h    per-state gauges and totals, counters
 *   events.c/.h   events for ttpctl monitor
 *   diag.c        the socket list and kill (ttpctl sockets)
 *   trace.c/.h    tracepoints
 *   compat.c/.h   everything that differs between 6.1, 6.12 and 7.3
 *
 * Sockets
 *   socket.c      the socket API and a socket's life: create, listen,
 *                 accept, send, receive, poll, shutdown, close, destroy
 *   sockopt.c     socket options and ioctls
 *   info.c        TTP_INFO
 *   memory.c      what all sockets together may hold (like tcp_mem), and
 *                 the per-socket buffer limits (tcp_wmem, tcp_rmem)
 *   buffer.c      buffer autotuning, receive queue collapse
 *
 * The protocol
 *   input.c       the receive path for both families (checks, demux, ICMP
 *                 errors) and the state machine: what a segment does
 *   ooo.c         the out-of-order queue: early segments, by sequence
 *   sack.c        SACK blocks the receiver reports (RFC 2018, 2883)
 *   output.c      building and sending segments, the retransmission queue
 *   offload.c     large segments (GSO): cut where the device cannot take them
 *   autosize.c    how many segments a large one carries, and when to wait
 *   tsq.c         small queues (TCP's TSQ): at most ~1 ms of data below us
 *   pmtu.c        path MTU: ICMP "too big" (RFC 1191, 8201) and black holes
 *   timer.c       retransmission, zero-window probes, delayed ACK,
 *                 keepalive, FIN_WAIT_2
 *   cong.c/.h     loss recovery and congestion control (RFC 5681, 6582);
 *                 reno.c the algorithm
 *   scoreboard.c  what a SACK peer holds, what is presumed lost (RFC 6675)
 *   recovery.c    loss recovery with SACK: RFC 6675, PRR, D-SACK undo
 *   rack.c        RACK-TLP: loss by time, the tail loss probe (RFC 8985)
 *   rtt.c/.h      RTT estimation and the RTO (RFC 6298)
 *   options.c     header options
 *   isn.c         initial sequence numbers and timestamp offsets
 *   request.c     passive open: SYN queue, request entries, accept queue
 *   syncookies.c/.h  SYN cookies
 *   timewait.c    TIME_WAIT entries
 *
 * Tables and ports
 *   table.c       the connection table (4-tuple) and the listener table
 *   port.c        local ports: bind conflicts, ephemeral ports (RFC 6056),
 *                 TIME_WAIT reuse
 *
 * Address families
 *   ipv4.c, ipv6.c  registration, routes, checksums, connect(), replies
 *                 without a socket, what ICMP errors mean
 *
 * Tests
 *   kunit.c       KUnit suites (ttp_kunit.ko, where the kernel has KUnit)
 *   inject.c/.h   deliberate bugs, in test builds only
 */
#ifndef _TTP_H
#define _TTP_H

#include <linux/ipv6.h>
#include <linux/rhashtable.h>
#include <linux/skbuff.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <uapi/linux/ttp.h>
#include "compat.h"
#include "cong.h"
#include "netns.h"
#include "rtt.h"

#define TTP_HDR_LEN		((int)sizeof(struct ttphdr))
#define TTP_MAX_OPT_LEN		40
/* Room to reserve in front of a segment: our header, IP's, the link's. */
#define TTP_MAX_HEADER		(TTP_HDR_LEN + TTP_MAX_OPT_LEN + MAX_HEADER + 128)
#define TTP_MIN_MSS		88	/* like TCP_MIN_SND_MSS: no smaller segments */
#define TTP_DEFAULT_MSS		536	/* RFC 9293: when the peer sends no MSS option */
#define TTP_MAX_WSCALE		14
#define TTP_MAX_WINDOW		65535U
/* scaling_ratio: payload per byte of receive buffer, in 1/256ths; half at first. */
#define TTP_RATIO_SHIFT		8
#define TTP_DEFAULT_SCALING_RATIO	(1 << (TTP_RATIO_SHIFT - 1))
/* At most what ttp_rcv_collapse()'s one-page buffers hold: 222 on x86-64. */
#define TTP_RATIO_MAX	((SKB_MAX_ORDER(0, 0) << TTP_RATIO_SHIFT) / \
			 SKB_TRUESIZE(SKB_MAX_ORDER(0, 0)))
/* A large segment's data at most: its IP packet must fit 64 KiB. */
#define TTP_GSO_MAX_BYTES	(65535U - TTP_MAX_HEADER)

/* PAWS forgets a timestamp older than this (RFC 7323 5.5: 24 days). */
#define TTP_PAWS_IDLE		(24 * 24 * 3600 * HZ)
/*
 * ... and lets one a tick older than TS.Recent pass, as TCP's
 * TCP_PAWS_WINDOW: the peer's segments stamped either side of a tick can
 * arrive swapped (sent from two CPUs, queued on two).
 */
#define TTP_PAWS_WINDOW		1

/* Delayed ACKs: TCP's bounds. */
#define TTP_DELACK_MIN		(HZ / 25)
#define TTP_DELACK_MAX		(HZ / 5)
#define TTP_MAX_QUICKACKS	16	/* segments ACKed at once after a loss */

/* State masks, like TCPF_*. */
#define TTPF_ESTABLISHED	BIT(TTP_ESTABLISHED)
#define TTPF_SYN_SENT		BIT(TTP_SYN_SENT)
#define TTPF_SYN_RCVD		BIT(TTP_SYN_RCVD)
#define TTPF_CLOSE_WAIT		BIT(TTP_CLOSE_WAIT)
#define TTPF_FIN_WAIT1		BIT(TTP_FIN_WAIT_1)
#define TTPF_FIN_WAIT2		BIT(TTP_FIN_WAIT_2)
#define TTPF_CLOSING		BIT(TTP_CLOSING)
#define TTPF_LAST_ACK		BIT(TTP_LAST_ACK)
#define TTPF_LISTEN		BIT(TTP_LISTEN)
#define TTPF_CLOSED		BIT(TTP_CLOSED)

/* Sequence number arithmetic, modulo 2^32 (RFC 9293 3.4). */
static inline bool ttp_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

#define ttp_after(a, b) ttp_before(b, a)

static inline bool ttp_between(u32 seq, u32 low, u32 high)
{
	return high - low >= seq - low;
}

/*
 * The protocol-private part of skb->cb. Received segments carry their
 * parsed header here; queued outgoing ones their sequence space and send
 * time. (IP's control block is done with by the time either is written.)
 */
struct ttp_skb_cb {
	u32 seq;		/* first sequence number */
	u32 end_seq;		/* seq + SYN + payload + FIN */
	u8 flags;		/* TTP_FLAG_* */
	u8 retransmitted;	/* out: sent more than once, no RTT sample (Karn) */
	u16 mss;		/* in: MSS option */
	union {
		u32 sent_us;	/* out: when last sent */
		u32 tw_isn;	/* in: a SYN that ended TIME_WAIT: our ISN, or 0 */
	};
	union {
		struct {	/* in: the rest of the header and options */
			u32 ack;
			u32 wnd;
			u32 len;
			u32 tsval;
			u32 tsecr;
		};
		struct {	/* out: at the last send, for rate.c */
			u32 tx_delivered;	/* cong.delivered */
			u32 tx_delivered_us;	/* when that last grew */
			u32 tx_first_us;	/* when its flight began */
			u8 tx_app_limited;	/* the sender was not the limit */
			u16 pcount;	/* segments it counts for: ttp_skb_pcount() */
		};
	};
	u8 wscale;
	u8 has_mss:1, has_wscale:1, has_ts:1, sack_ok:1;
	u8 sacked;		/* out: TTP_SACKED_* (scoreboard.c) */
	u8 sack_off;		/* in: SACK option's offset in the header; 0: none */
	/*
	 * in: the device it came in on, and the one enslaved to it when that
	 * is a VRF (else 0), as inet_iif() and inet_sdif() say.
	 */
	int dif;
	int sdif;
};

static_assert(sizeof(struct ttp_skb_cb) <= sizeof_field(struct sk_buff, cb));

/* TTP_SKB_CB(skb)->sacked of a segment in flight, as TCP's TCPCB_*. */
#define TTP_SACKED_ACKED	0x01	/* the peer holds it: SACKed */
#define TTP_SACKED_LOST		0x02	/* presumed lost, to be sent again */
#define TTP_SACKED_RETRANS	0x04	/* lost and sent again: in flight */
#define TTP_SACKED_DELIVERED	0x08	/* SACKed once: counted as delivered */
#define TTP_SKB_CB(skb) ((struct ttp_skb_cb *)&((skb)->cb[0]))

/*
 * How many segments a queued skb counts for in packets_out and the
 * scoreboard's sums, as TCP's tcp_skb_pcount(): its payload cut into
 * segments of the MSS it was sent with (wqueue.c), one for a SYN or a
 * bare FIN.
 */
static inline u32 ttp_skb_pcount(const struct sk_buff *skb)
{
	return TTP_SKB_CB(skb)->pcount;
}

union ttp_addr {
	__be32 v4;
	struct in6_addr v6;
};

/*
 * What the connection table is keyed by. Sockets of an IPv6 socket talking
 * IPv4 (v4-mapped) are keyed as AF_INET, like the packets they exchange.
 * DIF is the device a connection is bound to (SO_BINDTODEVICE, or its VRF)
 * or 0: the same 4-tuple may live once per device. Unused address bytes
 * are zero so the key can be hashed and compared whole.
 */
struct ttp_conn_key {
	union ttp_addr laddr;
	union ttp_addr raddr;
	__be16 lport;
	__be16 rport;
	u16 family;
	u16 zero;
	int dif;
};

enum ttp_conn_kind {
	TTP_CONN_SOCK,		/* a full socket: struct ttp_sock */
	TTP_CONN_REQ,		/* a SYN queue entry: struct ttp_request */
	TTP_CONN_TW,		/* a TIME_WAIT entry: struct ttp_tw */
};

/* An entry of the connection table, embedded in each of the kinds above. */
struct ttp_conn {
	struct rhash_head node;
	struct ttp_conn_key key;
	u8 kind;
	bool hashed;
};

struct ttp_port;

/* A claim on a local port, held by sockets and TIME_WAIT entries. */
struct ttp_bind {
	struct hlist_node node;
	struct ttp_port *port;
	union ttp_addr addr;	/* zero: any address */
	u16 family;
	bool v6only;
	int dif;		/* SO_BINDTODEVICE at bind(): 0 any device */
	bool reuse;		/* SO_REUSEADDR, for entries without a socket */
	struct sock *sk;	/* the socket holding it, or NULL */
	bool listening;
	bool explicit;		/* by bind(), not chosen by connect() */
};

struct ttp_af_ops;

/* A listener's queues, allocated by listen(). */
struct ttp_listen {
	spinlock_t lock;		/* protects everything below */
	struct list_head requests;	/* SYN queue: struct ttp_request */
	struct list_head accepted;	/* accept queue: ttp_sock.accept_node */
	unsigned int nr_requests;
	unsigned int nr_accepted;
	unsigned int backlog;		/* listen() backlog, clamped to somaxconn */
	unsigned long last_overflow;	/* jiffies: cookies sent lately */
	bool synflood_warned;

	/*
	 * A SYN-flood episode, for ttpctl monitor: from the first overflow
	 * of the SYN queue to a second without one.
	 */
	struct sock *sk;
	struct timer_list flood_timer;	/* holds a reference to sk */
	bool flooding;
	unsigned long flood_start, last_full;	/* jiffies */
	u64 flood_overflows;
};

/* A range of sequence space [start, end) held out of order (RFC 2018). */
struct ttp_sack_block {
	u32 start;
	u32 end;
};

/* SACK blocks one option carries: four, or three beside timestamps. */
#define TTP_MAX_SACKS		4

struct ttp_sock {
	struct inet_sock inet;		/* first: TTP sockets are inet sockets */
	const struct ttp_af_ops *af;
	struct ttp_conn conn;		/* in the connection table once connected */
	struct ttp_bind bind;		/* its local port */
	struct hlist_node listen_node;	/* in the listener table */
	struct ttp_listen *listen;	/* LISTEN only */
	struct list_head accept_node;	/* in a listener's accept queue */
	struct sock *parent;		/* listener, until accepted */

	/* Send sequence space (RFC 9293 3.3.1). */
	u32 iss;
	u32 snd_una;
	u32 snd_nxt;		/* next to send; goes back after a timeout */
	u32 snd_max;		/* highest sequence number sent + 1 */
	u32 snd_sml;		/* end of the last small segment sent (Nagle) */
	u32 snd_wnd;		/* peer's window, unscaled to bytes */
	u32 snd_wl1;		/* sequence number the window came on */
	u32 write_seq;		/* end of the data queued by sendmsg() */
	u32 max_window;

	/* Receive sequence space. */
	u32 irs;
	u32 rcv_nxt;
	u32 rcv_wnd;		/* window last advertised, in bytes */
	u32 rcv_ssthresh;	/* the window has opened to this (buffer.c) */
	u32 rcv_wup;		/* rcv_nxt when rcv_wnd was advertised */
	u32 copied_seq;		/* next byte the application will read */

	u16 mss;		/* largest payload we send */
	u16 mss_cap;		/* 0, or a black hole's limit on it (pmtu.c) */
	u16 peer_mss;		/* the peer's MSS option */
	u16 adv_mss;		/* the MSS option we send */
	u8 snd_wscale;		/* the peer's window shift */
	u8 rcv_wscale;		/* our window shift */
	u8 scaling_ratio;	/* payload per byte of buffer, /256 (buffer.c) */
	u8 rcv_wnd_ratio;	/* the highest that priced the open window */
	bool wscale_ok;
	bool tstamp_ok;
	bool sack_ok;		/* both offered SACK: we report what we hold */
	u8 num_sacks;		/* blocks in sacks[], the latest first */
	bool dsack;		/* dsack_block is to be reported once */
	struct ttp_sack_block dsack_block;	/* a duplicate (RFC 2883) */
	struct ttp_sack_block sacks[TTP_MAX_SACKS];	/* held out of order */
	u32 ts_recent;		/* the peer's last TSval (RFC 7323) */
	unsigned long ts_recent_stamp;	/* jiffies when it came; 0: never */
	u32 ts_offset;		/* random per connection: our TSval's origin */
	u32 tw_reuse_seq;	/* connect() reused a TIME_WAIT: ISN from here */
	unsigned long last_oow_ack;	/* jiffies: the last rate-limited reply */
	u64 clock_ns;		/* the clock read for this batch; 0: none held */
	struct ttp_net *tn;	/* sock_net(sk)'s, which outlives the socket */

	/*
	 * The path as the sender sees it, in one place: RTT estimate,
	 * retransmission timeout and congestion state.
	 */
	struct ttp_rtt rtt;
	struct ttp_cong cong;
	struct ttp_rack rack;
	struct ttp_rate rate;
	u32 rto;		/* jiffies, backoff included */
	u8 backoff;		/* consecutive timeouts */
	u8 retries;		/* retransmissions of the oldest segment */
	u8 syn_retries;		/* limit while in SYN_SENT */
	u8 syncnt;		/* TTP_SYNCNT; 0: the namespace's syn_retries */
	u32 total_retrans;
	bool persist;		/* rtx_timer runs as the zero-window probe timer */
	bool rtx_armed;		/* rtx_timer's expiry stands (ttp_rtx_armed()) */
	u8 nonagle;		/* TTP_NAGLE_* */

	/* Receive buffer autotuning: what the application read per RTT. */
	u32 rcvq_space;		/* most bytes read in one RTT so far */
	u32 rcvq_seq;		/* copied_seq when the current RTT began */
	u32 rcvq_time_us;	/* when it began */
	u32 rcv_rtt_us;		/* RTT seen by the receiver, from timestamps */

	/* ACKs. */
	u16 ack_pending;	/* received segments not yet acknowledged */
	u8 quickack;		/* ACK the next segments at once */
	bool fin_queued;	/* a FIN ends the write queue */

	struct sk_buff *send_head;	/* first unsent segment of the write queue */
	struct rb_root ooo_queue;	/* out-of-order segments by sequence (ooo.c) */
	struct sk_buff *ooo_last;	/* the last of them, or NULL */

	struct timer_list rtx_timer;	/* retransmission, SYN and FIN_WAIT_2 */
	struct timer_list delack_timer;
	struct timer_list keepalive_timer;
	struct timer_list rack_timer;	/* RACK's reordering wait, the loss probe */
	struct hrtimer pacing_timer;	/* the next segment's time (pacing.c) */
	u64 pacing_next_ns;		/* ktime_get_ns(): no segment before */
	unsigned long deferred;		/* TTP_DEFER_*: fired while user-owned */

	/* Small queues (tsq.c). */
	unsigned long tsq_flags;	/* TTP_TSQ_* */
	struct list_head tsq_node;	/* in a CPU's list while TTP_TSQ_QUEUED */

	/* Keepalive: the per-socket options (0: the namespace's) and state. */
	u32 keepidle, keepintvl;	/* ms */
	u8 keepcnt;
	u8 probes_out;			/* probes sent since the peer was heard */
	unsigned long rcv_tstamp;	/* jiffies: the peer was last heard */

	/* History, for TTP_INFO. */
	u64 bytes_sent;		/* payload, retransmissions included */
	u64 bytes_acked;	/* sequence space acknowledged */
	u64 bytes_received;	/* payload received in order */
	u32 segs_out, segs_in;
	unsigned long last_data_recv;	/* jiffies; 0: never */
	unsigned long state_stamp;	/* jiffies: the current state began */

	int linger2;		/* TTP_LINGER2, ms: 0 namespace's, -1 none */
	/* TTP_USER_TIMEOUT, ms: 0 namespace's, -1 none; and its clocks. */
	int user_timeout;
	u32 rtx_stamp;		/* jiffies: the data now resent was first sent */
	u32 probes_stamp;	/* jiffies: zero-window probing began; 0: not */
	bool close_wait_warned;	/* close_wait_warn_ms passed in this CLOSE_WAIT */
	u32 msl;		/* TTP_MSL, ms; 0: the namespace's */
	bool counted;		/* in sockets_allocated */
	bool destroyed;
};

/* Nagle's algorithm, TTP_NODELAY and TTP_CORK. */
#define TTP_NAGLE_OFF		1	/* TTP_NODELAY */
#define TTP_NAGLE_CORK		2	/* TTP_CORK: only full segments */
#define TTP_NAGLE_PUSH		4	/* send what is held now, once */

/* Work a timer found the socket busy with, done in release_sock(). */
enum {
	TTP_DEFER_RTX,
	TTP_DEFER_DELACK,
	TTP_DEFER_KEEPALIVE,
	TTP_DEFER_MTU,		/* an ICMP error lowered the path MTU */
	TTP_DEFER_TSQ,		/* the queues below drained (tsq.c) */
	TTP_DEFER_RACK,		/* rack_timer */
};

/* Small queues: bits of tsq_flags, set and read from any context. */
enum {
	TTP_TSQ_THROTTLED,	/* stopped: too much of ours below */
	TTP_TSQ_QUEUED,		/* in a CPU's list, to send again */
};

static inline struct ttp_sock *ttp_sk(const struct sock *sk)
{
	return (struct ttp_sock *)sk;
}

/*
 * Whether SKB, of SK's write queue (or its head, ending a walk), is in
 * flight: sent and not rewound, so counted in packets_out and the
 * scoreboard's sums. From send_head on nothing is, and nothing before
 * snd_nxt is after it.
 */
static inline bool ttp_skb_in_flight(const struct sock *sk, const struct sk_buff *skb)
{
	const struct ttp_sock *ts = ttp_sk(sk);

	return skb != (const struct sk_buff *)&sk->sk_write_queue && skb != ts->send_head &&
	       ttp_before(TTP_SKB_CB(skb)->seq, ts->snd_nxt);
}

/*
 * The clock for SK: the batch's reading while one is held
 * (ttp_clock_hold()), else a fresh one. Inline: a segment's path reads it
 * several times.
 */
static inline u64 ttp_sk_clock_ns(const struct sock *sk)
{
	return ttp_sk(sk)->clock_ns ?: ktime_get_ns();
}

static inline u32 ttp_sk_now_us(const struct sock *sk)
{
	return (u32)div_u64(ttp_sk_clock_ns(sk), NSEC_PER_USEC);
}

static inline u32 ttp_sk_tsval(const struct sock *sk)
{
	return (u32)div_u64(ttp_sk_clock_ns(sk), NSEC_PER_MSEC) + ttp_sk(sk)->ts_offset;
}

/*
 * A parameter of SK's namespace, read on a segment's path: through the
 * pointer kept at init, not net_generic()'s RCU lookup each time.
 */
static inline u32 ttp_sk_param(const struct sock *sk, enum ttp_param id)
{
	return READ_ONCE(ttp_sk(sk)->tn->params[id]);
}

/* ipv6_pinfo last, where 6.1's inet6_sk_generic() expects it. */
struct ttp6_sock {
	struct ttp_sock ttp;
	struct ipv6_pinfo inet6;
};

/* A SYN queue entry: the state of a passive open before it is a socket. */
struct ttp_request {
	struct ttp_conn conn;
	struct list_head node;		/* in the listener's SYN queue */
	refcount_t refcnt;
	struct sock *listener;		/* holds a reference */
	struct timer_list timer;	/* SYN-ACK retransmission */
	struct rcu_head rcu;
	int ifindex;
	u32 iss;
	u32 irs;
	u32 ts_recent;
	u32 ts_offset;
	u16 peer_mss;
	u8 snd_wscale;
	u8 rcv_wscale;
	bool wscale_ok;
	bool tstamp_ok;
	bool sack_ok;
	u8 retries;
	bool synack_again;		/* sent more than once: Karn's rule */
	u32 synack_us;			/* when the first SYN-ACK went */
	bool dead;			/* unlinked: finishing is a no-op */
};

/* A TIME_WAIT entry: all a closed connection leaves behind. */
struct ttp_tw {
	struct ttp_conn conn;
	struct ttp_bind bind;
	refcount_t refcnt;
	struct net *net;		/* no reference: purged at namespace exit */
	struct timer_list timer;
	struct rcu_head rcu;
	spinlock_t lock;		/* the fields below, dead and the timer */
	const struct ttp_af_ops *af;
	u32 snd_nxt;
	u32 rcv_nxt;
	u32 ts_recent;
	unsigned long ts_recent_stamp;
	unsigned long last_oow_ack;	/* jiffies: the last limited ACK */
	u32 ts_offset;
	unsigned long duration;		/* 2*MSL, jiffies */
	bool local;			/* both ends on this host: msl_local_ms */
	bool own_msl;			/* TTP_MSL set: not the namespace's */
	u16 rcv_wnd;
	u8 rcv_wscale;
	bool tstamp_ok;
	int state;			/* TTP_TIME_WAIT */
	bool dead;
};

/* Everything that depends on the address family of the packets. */
struct ttp_af_ops {
	u16 family;
	int net_header_len;
	unsigned int gso_type;		/* a large segment's (offload.c) */
	int (*queue_xmit)(struct sock *sk, struct sk_buff *skb);
	void (*send_check)(struct sock *sk, struct sk_buff *skb);
	int (*rebuild_route)(struct sock *sk);
	/* Replies for which no full socket exists (RST, request and TW ACKs). */
	void (*send_reply)(struct net *net, const struct ttp_conn_key *key,
			   struct sk_buff *skb, int ifindex);
	bool (*is_local_pair)(struct net *net, const struct ttp_conn_key *key);
	u32 (*isn)(const struct ttp_conn_key *key);
	int (*route_mss)(struct net *net, const struct ttp_conn_key *key, int ifindex);
	/* The route to SK's peer learns MTU, from the ICMP error in SKB. */
	void (*update_pmtu)(struct sk_buff *skb, struct sock *sk, u32 mtu);
};

/* SK's packets are AF's: IPv4 for an IPv6 socket with a v4-mapped peer. */
static inline void ttp_set_af(struct sock *sk, const struct ttp_af_ops *af)
{
	ttp_sk(sk)->af = af;
	/* What sk_setup_caps() asks the route's device to take whole. */
	sk->sk_gso_type = af->gso_type;
}

extern const struct ttp_af_ops ttp_ipv4_ops;
extern const struct ttp_af_ops ttp_ipv6_ops;
extern struct proto ttp_prot;
extern struct proto ttp6_prot;

/* socket.c */
void ttp_set_state(struct sock *sk, int state);
void ttp_done(struct sock *sk);
void ttp_done_quiet(struct sock *sk);
void ttp_reset_received(struct sock *sk);
bool ttp_abort(struct sock *sk);
int ttp_inq(const struct sock *sk);
void ttp_connect_init(struct sock *sk);
void ttp_destroy_orphan(struct sock *sk);
void ttp_sock_init_common(struct sock *sk);
int ttp_init_sock(struct sock *sk);
void ttp_destroy_sock(struct sock *sk);
int ttp_backlog_rcv(struct sock *sk, struct sk_buff *skb);
extern const struct proto_ops ttp_stream_ops;
extern const struct proto_ops ttp6_stream_ops;
int ttp_proto_register(void);
void ttp_proto_unregister(void);

/* sockopt.c */
int ttp_setsockopt(struct sock *sk, int level, int optname, sockptr_t optval,
		   unsigned int optlen);
int ttp_getsockopt(struct sock *sk, int level, int optname, char __user *optval,
		   int __user *optlen);
int ttp_ioctl(struct sock *sk, int cmd, int *value);

/* info.c: TTP_INFO. */
struct ttp_info;
void ttp_info_fill(struct sock *sk, struct ttp_info *info);
int ttp_info_get(struct sock *sk, char __user *optval, int __user *optlen, int len);

/* input.c */
int ttp_rcv_skb(struct sk_buff *skb);
void ttp_sock_rcv(struct sock *sk, struct sk_buff *skb);
void __ttp_sock_rcv(struct sock *sk, struct sk_buff *skb, int subclass);
void ttp_icmp_error(struct sk_buff *skb, const struct ttp_conn_key *key, u32 seq,
		    int err, bool fatal, u32 mtu);
void ttp_key_from_skb(const struct sk_buff *skb, struct ttp_conn_key *key);
int ttp_rcv_header_ok(struct sk_buff *skb, struct net *net);
int ttp_rcv_check(struct sk_buff *skb, struct net *net);
int ttp_rcv_state(struct sock *sk, struct sk_buff *skb);

/* output.c */
struct sk_buff *ttp_alloc_ctl_skb(struct sock *sk, gfp_t gfp);
int ttp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone);
void ttp_push(struct sock *sk);
void __ttp_push(struct sock *sk, int nonagle);
void ttp_send_ack(struct sock *sk);
void ttp_send_active_reset(struct sock *sk, gfp_t gfp);
int ttp_send_syn(struct sock *sk);
struct sk_buff *ttp_unsent_tail(struct sock *sk);
void ttp_remove_empty_tail(struct sock *sk);
void ttp_send_fin(struct sock *sk);
int ttp_retransmit_head(struct sock *sk);
int ttp_xmit_one(struct sock *sk, struct sk_buff *skb, u32 max_segs);
void ttp_rewind(struct sock *sk);
void ttp_unrewind(struct sock *sk);
void ttp_send_head_next(struct sock *sk, struct sk_buff *skb);
void ttp_send_probe(struct sock *sk);
void ttp_send_reset_reply(struct net *net, const struct ttp_af_ops *af,
			  const struct ttp_conn_key *key,
			  const struct ttp_skb_cb *seg, int ifindex);
void ttp_send_reply(struct net *net, const struct ttp_af_ops *af,
		    const struct ttp_conn_key *key, u32 seq, u32 ack, u8 flags,
		    u16 wnd, u32 tsval, u32 tsecr, bool ts,
		    const struct ttp_request *req, int ifindex);
u32 ttp_window_choose(u32 cur, u32 free, u32 full, u32 mss, u8 wscale);
u16 ttp_select_window(struct sock *sk);
void ttp_scaling_ratio_measure(struct sock *sk, const struct sk_buff *skb);
u32 ttp_window_space(const struct sock *sk);
u32 ttp_window_full(const struct sock *sk);
void ttp_grow_window(struct sock *sk, const struct sk_buff *skb);
void ttp_write_queue_purge(struct sock *sk);
void ttp_ack_update_rtt(struct sock *sk, u32 sample_us);
void ttp_reset_rto(struct sock *sk);
unsigned int ttp_current_mss(struct sock *sk);
unsigned int ttp_route_mss(struct sock *sk);
u32 ttp_now_us(void);
u32 ttp_tsval(u32 offset);
bool ttp_clock_hold(struct sock *sk);
void ttp_clock_release(struct sock *sk, bool held);

/* tsq.c */
bool ttp_tsq_throttled(struct sock *sk, unsigned int size);
void ttp_tsq_send(struct sock *sk);
void ttp_tsq_kick(struct sock *sk);
void ttp_wfree(struct sk_buff *skb);
void ttp_set_owner(struct sk_buff *skb, struct sock *sk);
void ttp_tsq_init(void);
void ttp_tsq_exit(void);

/* pacing.c */
void ttp_pacing_update(struct sock *sk);
bool ttp_pacing_holds(struct sock *sk);
void ttp_pacing_sent(struct sock *sk, u32 len);
void ttp_pacing_init(struct sock *sk);
void ttp_pacing_clear(struct sock *sk);

/* timer.c */
void ttp_release_cb(struct sock *sk);
void ttp_init_timers(struct sock *sk);
void ttp_clear_timers(struct sock *sk);
void ttp_reset_rtx_timer(struct sock *sk, unsigned long when);
void ttp_idle_rtx_timer(struct sock *sk);
bool ttp_rtx_armed(const struct sock *sk);
void ttp_schedule_delack(struct sock *sk);
unsigned long ttp_keepidle(const struct sock *sk);
unsigned long ttp_user_timeout(const struct sock *sk);
void ttp_close_wait_arm(struct sock *sk);
unsigned long ttp_user_timeout_clamp(const struct sock *sk, u32 stamp, unsigned long when);
void ttp_reset_keepalive(struct sock *sk, unsigned long when);
void ttp_set_keepalive(struct sock *sk, int on);
void ttp_keepalive_timeout(struct sock *sk);
void ttp_rtx_timeout(struct sock *sk);
void ttp_delack_timeout(struct sock *sk);
void ttp_start_persist(struct sock *sk);
u32 ttp_rto_min(const struct sock *sk);
u32 ttp_rto_max(const struct sock *sk);
unsigned long ttp_rto_backoff(u32 base, unsigned int n, u32 max);
unsigned long ttp_fin_timeout(const struct sock *sk);

/* request.c */
void ttp_listen_rcv(struct sock *sk, struct sk_buff *skb);
void ttp_request_put(struct ttp_request *req);
bool ttp_request_abort(struct ttp_request *req);
void ttp_listen_stop(struct sock *sk);
struct sock *ttp_accept_dequeue(struct sock *sk);
int ttp_listen_start(struct sock *sk, int backlog);
void ttp_listen_free(struct sock *sk);
int ttp_request_init(void);
void ttp_request_exit(void);

/* timewait.c */
bool ttp_time_wait(struct sock *sk, int state);
struct sock *ttp_tw_rcv(struct ttp_tw *tw, struct sk_buff *skb);
void ttp_tw_put(struct ttp_tw *tw);
bool ttp_tw_abort(struct ttp_tw *tw);
void ttp_tw_purge(struct net *net);
void ttp_tw_msl_lowered(struct net *net);
bool ttp_tw_may_reuse(const struct ttp_tw *tw);
bool ttp_tw_recycle_start(struct ttp_tw *tw);
void ttp_tw_recycle_finish(struct ttp_tw *tw);
int ttp_tw_init(void);
void ttp_tw_exit(void);

/* table.c: the connection and listener tables */
int ttp_table_init(struct net *net);
void ttp_table_exit(struct net *net);
struct ttp_conn *ttp_conn_lookup(struct net *net, const struct ttp_conn_key *key);
int ttp_conn_insert(struct net *net, struct ttp_conn *conn);
int ttp_conn_replace(struct net *net, struct ttp_conn *old, struct ttp_conn *new);
void ttp_conn_remove(struct net *net, struct ttp_conn *conn);
bool ttp_conn_hold(struct ttp_conn *conn);
void ttp_conn_put(struct ttp_conn *conn);
void ttp_conn_key_from_sock(const struct sock *sk, struct ttp_conn_key *key);
struct sock *ttp_listener_lookup(struct net *net, const struct ttp_conn_key *key,
				 int dif, int sdif);
struct ttp_conn *ttp_conn_find(struct net *net, const struct ttp_conn_key *key,
			       int dif, int sdif);
int ttp_bound_dif(const struct sock *listener, const struct sk_buff *skb);
void ttp_listener_add(struct sock *sk);
void ttp_listener_del(struct sock *sk);

/* port.c: local ports, bind conflicts, ephemeral ports, TIME_WAIT reuse */
void ttp_ports_init(struct net *net);
void ttp_ports_exit(struct net *net);
int ttp_port_bind(struct sock *sk, unsigned short port);
int ttp_port_listen(struct sock *sk);
void ttp_port_unlisten(struct sock *sk);
int ttp_port_inherit(struct sock *child, struct sock *listener);
void ttp_port_release(struct net *net, struct ttp_bind *b);
int ttp_port_connect(struct sock *sk);
void ttp_port_move(struct net *net, struct ttp_bind *from, struct ttp_bind *to);
unsigned short ttp_port_candidate(int low, int high, u32 offset, int i);

/* options.c */
int ttp_parse_options(const u8 *opt, int len, bool syn, struct ttp_skb_cb *seg);
u8 *ttp_write_options(u8 *p, u16 mss, int wscale, bool sack, bool ts, u32 tsval, u32 tsecr);
u8 *ttp_write_sack(u8 *p, const struct ttp_sack_block *blocks, int n);
u8 ttp_choose_wscale(int rcvbuf_max);

/* memory.c: what all sockets may hold, and one socket's buffer limits */
extern atomic_long_t ttp_memory_allocated;
DECLARE_PER_CPU(int, ttp_memory_per_cpu_fw_alloc);
extern struct percpu_counter ttp_sockets_allocated;
extern unsigned long ttp_memory_pressure;
extern long ttp_sysctl_mem[3];
extern int ttp_sysctl_wmem[3];
extern int ttp_sysctl_rmem[3];
long ttp_memory_pages(void);
bool ttp_entry_charge(struct net *net, size_t size);
void ttp_entry_uncharge(size_t size);
bool ttp_memory_pressured(void);
void ttp_enter_memory_pressure(struct sock *sk);
void ttp_leave_memory_pressure(struct sock *sk);
int ttp_wmem_schedule(struct sock *sk, int size);
int ttp_memory_init(void);
void ttp_memory_exit(void);

/* sack.c: what the receiver reports in SACK blocks */
void ttp_sack_new_ofo(struct sock *sk, u32 seq, u32 end);
void ttp_sack_remove(struct sock *sk);
void ttp_sack_reset(struct sock *sk);
void ttp_dsack_set(struct sock *sk, u32 seq, u32 end);
u8 *ttp_sack_write(struct sock *sk, u8 *p, int room, u32 len, u16 segs);

/* buffer.c: buffer autotuning and receive queue collapse */
int ttp_rcvbuf_max(const struct sock *sk);
u32 ttp_buffer_window(int rcvbuf, int rmem, u8 ratio);
u32 ttp_free_space(const struct sock *sk);
struct sk_buff *ttp_collapse_alloc(u32 copy, gfp_t gfp);
void ttp_rcv_space_init(struct sock *sk);
void ttp_rcv_space_adjust(struct sock *sk);
void ttp_rcv_rtt_sample(struct sock *sk, const struct ttp_skb_cb *cb);
void ttp_sndbuf_expand(struct sock *sk);
bool ttp_rcv_collapse(struct sock *sk);

/* Compact copies of a range of received bytes (buffer.c). */
struct ttp_collapse {
	struct sk_buff_head copies;
	struct sk_buff *next;		/* the first copy not yet full */
};

/* What one batch of copies holds: 16 pages. */
#define TTP_COLLAPSE_BATCH	(16 * SKB_MAX_ORDER(0, 0))

bool ttp_collapse_worth(u32 cost, u32 bytes);
bool ttp_collapse_prepare(struct ttp_collapse *c, const struct sk_buff *like,
			  u32 start, u32 end);
bool ttp_collapse_fill(struct ttp_collapse *c, const struct sk_buff *skb);

/* ooo.c: the out-of-order queue */
bool ttp_ooo_covered(const struct sock *sk, const struct ttp_skb_cb *cb);
void ttp_ooo_queue(struct sock *sk, struct sk_buff *skb);
struct sk_buff *ttp_ooo_pop(struct sock *sk);
bool ttp_ooo_prune(struct sock *sk);
bool ttp_ooo_collapse(struct sock *sk);
void ttp_ooo_purge(struct sock *sk);

/* pmtu.c */
void ttp_mtu_reduced(struct sock *sk);
void ttp_mtu_blackhole(struct sock *sk);
void ttp_mtu_init(struct sock *sk);

/* autosize.c */
struct ttp_gso_view {
	u32 n;			/* segments that may go now as one */
	u32 goal;		/* segments one skb should carry */
	u32 cwnd_room;		/* segments the congestion window has room for */
	u32 wnd_room;		/* ... the peer's window */
	u32 window;		/* the lesser of the two windows, in segments */
	u32 srtt_us;
	s32 ack_due_us;		/* until the oldest segment's ACK is due */
	s64 since_send_ns;	/* since the last send (below 0: paced ahead) */
	bool fin;		/* the write queue ends with a FIN */
};

u32 ttp_gso_autosize(u64 rate, u32 shift, u32 min_rtt_us, u32 gso_max_size, u32 mss);
u32 ttp_gso_goal(struct sock *sk);
u32 ttp_size_goal(struct sock *sk);
bool ttp_gso_hold(const struct ttp_gso_view *v, bool *cwnd_limited);
bool ttp_gso_defers(struct sock *sk, const struct sk_buff *skb, u32 n, u32 goal,
		    bool *cwnd_limited);

/* wqueue.c */
int ttp_skb_fit(struct sock *sk, struct sk_buff *skb, u32 mss);
int ttp_split(struct sock *sk, struct sk_buff *skb, u32 len, u32 mss);
u32 ttp_trim_head(struct sock *sk, struct sk_buff *skb, u32 len);

/* isn.c */
void ttp_isn_init(void);
u32 ttp_isn_v4(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport);
u32 ttp_isn_v6(const struct in6_addr *saddr, const struct in6_addr *daddr,
	       __be16 sport, __be16 dport);
u32 ttp_ts_offset(const struct ttp_conn_key *key);

/* offload.c, gro.c */
int ttp_offload_init(void);
void ttp_offload_exit(void);
struct sk_buff *ttp4_gro_receive(struct list_head *head, struct sk_buff *skb);
struct sk_buff *ttp6_gro_receive(struct list_head *head, struct sk_buff *skb);
int ttp4_gro_complete(struct sk_buff *skb, int thoff);
int ttp6_gro_complete(struct sk_buff *skb, int thoff);
extern atomic_t ttp_gro_held;

/* ipv4.c, ipv6.c */
int ttp_v4_pre_connect(struct sock *sk, ttp_sockaddr_t *uaddr, int addr_len);
int ttp_v4_connect(struct sock *sk, ttp_sockaddr_t *uaddr, int addr_len);
int ttp_v6_pre_connect(struct sock *sk, ttp_sockaddr_t *uaddr, int addr_len);
int ttp_v6_connect(struct sock *sk, ttp_sockaddr_t *uaddr, int addr_len);
int ttp_ipv4_init(void);
void ttp_ipv4_exit(void);
int ttp_ipv6_init(void);
void ttp_ipv6_exit(void);

#endif /* _TTP_H */
