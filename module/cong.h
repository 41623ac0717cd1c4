/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TTP_CONG_H
#define _TTP_CONG_H

#include <linux/types.h>

struct sock;
struct sk_buff;
struct ttp_skb_cb;

/* RFC 6928's initial window, Linux's too: ten segments. */
#define TTP_INIT_CWND		10
#define TTP_INFINITE_SSTHRESH	0x7fffffff
/* Duplicate ACKs that mean a loss, at first (RFC 5681); reordering raises it. */
#define TTP_DUPTHRESH		3
#define TTP_MAX_REORDERING	127

/* Where loss recovery stands, like Linux's TCP_CA_Open/Recovery/Loss. */
enum ttp_ca_state {
	TTP_CA_OPEN,		/* no loss being repaired */
	TTP_CA_RECOVERY,	/* fast recovery: three duplicate ACKs (RFC 6582) */
	TTP_CA_LOSS,		/* after a timeout: slow start from one segment */
};

/*
 * A congestion control algorithm. cong.c runs loss detection and recovery
 * and asks the algorithm two things: how far to grow the window on an ACK,
 * and where the slow-start threshold goes after a loss. Reno is reno.c;
 * another algorithm (CUBIC) is another file with its own ops.
 */
struct ttp_cong_ops {
	const char *name;
	/* Optional: a new connection, or the algorithm just chosen. */
	void (*init)(struct sock *sk);
	/* New data acknowledged, ACKED segments, outside recovery. */
	void (*cong_avoid)(struct sock *sk, u32 acked);
	/* The slow-start threshold after a loss, in segments. */
	u32 (*ssthresh)(struct sock *sk);
	/* Optional: an RTT sample from an ACK, before cong_avoid sees it. */
	void (*rtt_sample)(struct sock *sk, u32 rtt_us);
};

/* HyStart++ (RFC 9406) as cubic.c runs it; here for the KUnit cases. */
struct ttp_hystart {
	u32 window_end;		/* the round ends when this is ACKed */
	u32 last_min_us;	/* the last round's least RTT; ~0: none */
	u32 cur_min_us;		/* this round's */
	u32 css_base_us;	/* the RTT that began Conservative Slow Start */
	u8 samples;		/* RTT samples this round */
	u8 css_rounds;		/* rounds in CSS */
	bool css;		/* in Conservative Slow Start */
	bool done;		/* slow start is over: nothing more to watch */
};

enum ttp_hystart_step {
	TTP_HYSTART_SS,		/* grow as slow start */
	TTP_HYSTART_CSS,	/* grow as Conservative Slow Start */
	TTP_HYSTART_EXIT,	/* leave slow start: ssthresh = cwnd */
};

/*
 * A socket's congestion state. Windows count segments, as Linux's do:
 * segments are never larger than the MSS, and counting them makes the
 * arithmetic exact whatever their size.
 */
struct ttp_cong {
	const struct ttp_cong_ops *ops;
	bool ops_fixed;		/* chosen by TTP_CONGESTION, not the namespace */
	u32 cwnd;		/* congestion window */
	u32 ssthresh;		/* slow-start threshold */
	u32 cwnd_cnt;		/* segments ACKed toward the next increase */
	u32 packets_out;	/* segments in flight: sent, not yet ACKed */
	u32 recover;		/* snd_max when recovery began (RFC 6582) */
	unsigned long lsndtime;	/* jiffies: data last sent */
	u8 state;		/* enum ttp_ca_state */
	u8 dupacks;		/* duplicate ACKs in a row */
	u8 reordering;		/* duplicate ACKs that start fast retransmit */
	bool recover_rto;	/* recover was set by a timeout */
	/* Undoing a fast retransmit that was not needed (RFC 3522, Eifel). */
	bool undo;		/* the first ACK of recovery is still to come */
	u32 undo_tsval;		/* TSval of the fast retransmission */
	u32 prior_cwnd;		/* the window before recovery cut it */
	u32 prior_ssthresh;
	/* Was the window in use (RFC 7661), as Linux's tcp_cwnd_validate()? */
	bool cwnd_limited;	/* it held the sender back in this window */
	u32 max_packets_out;	/* else the most in flight in this window */
	u32 cwnd_usage_seq;	/* snd_nxt when this window's tally began */

	/* The SACK scoreboard (scoreboard.c): segments in flight that are */
	u32 sacked_out;		/* held by the peer, reported in SACK blocks */
	u32 lost_out;		/* presumed lost */
	u32 retrans_out;	/* of those, sent again */
	/* Proportional rate reduction during SACK recovery (RFC 6937). */
	u32 prr_delivered;	/* segments delivered since recovery began */
	u32 prr_out;		/* segments sent since */
	/* Undoing a recovery whose every resend came twice (RFC 2883 D-SACK). */
	bool dsack_undo;	/* undo_marker is set */
	u32 undo_marker;	/* snd_una when recovery began */
	int undo_retrans;	/* resends not yet reported twice; -1: none yet */

	u32 delivered;		/* segments delivered: ACKed or SACKed */
	u64 ca_priv[8];		/* the algorithm's own state */
};

/* The delivery rate (rate.c), as Linux's tcp_rate.c keeps it. */
struct ttp_rate {
	u32 first_tx_us;	/* send time of the flight now being delivered */
	u32 delivered_us;	/* when cong.delivered last grew */
	u32 app_limited;	/* the sender is app-limited until delivered passes this */
	/* The sample one ACK builds from the latest-sent segment it delivers. */
	u32 prior_delivered;	/* cong.delivered when that segment was sent */
	u32 prior_us;		/* ... and when it last grew before that */
	u32 send_us;		/* how long its flight took to send */
	u32 last_sent_us;	/* its send time */
	u32 last_end_seq;
	bool sample;
	bool sample_app_limited;
	/* The latest sample kept: segments over an interval. */
	bool app_limited_kept;
	u32 kept_delivered;
	u32 kept_interval_us;
};

/* RACK-TLP's state (RFC 8985; rack.c). */
struct ttp_rack {
	u32 xmit_us;		/* send time of the latest sent segment delivered */
	u32 end_seq;		/* its end */
	u32 rtt_us;		/* its RTT */
	u32 min_rtt_us;		/* the least RTT seen; ~0: none */
	u32 fack;		/* the highest SACKed sequence (RACK.fack) */
	u32 tlp_high_seq;	/* snd_nxt when a loss probe went; 0: none out */
	u32 last_delivered;	/* cong.delivered when the window last grew */
	u8 reo_wnd_steps;	/* reordering window, in quarters of min_rtt */
	u8 reo_wnd_persist;	/* recoveries it stays grown for */
	u8 timer_mode;		/* TTP_RACK_TIMER_* */
	bool fack_valid;
	bool xmit_valid;	/* xmit_us is set: something was delivered */
	bool advanced;		/* a delivery moved it: look for losses */
	bool reord;		/* reordering was seen on this connection */
	bool reord_now;		/* ... by this ACK: count it */
	bool dsack_seen;	/* a D-SACK since: grow it (ttp_rack_update_reo_wnd()) */
	bool tlp_retrans;	/* the probe was a resend */
};

enum {
	TTP_RACK_TIMER_REO,	/* the reordering window runs out */
	TTP_RACK_TIMER_TLP,	/* the loss probe is due */
};

extern const struct ttp_cong_ops ttp_reno;
extern const struct ttp_cong_ops ttp_cubic_ops;

const struct ttp_cong_ops *ttp_cong_find(const char *name);
void ttp_cong_set_ops(struct sock *sk, const struct ttp_cong_ops *ops);

/* cubic.c, for the KUnit cases. */
u32 ttp_cubic_k(u32 w_max, u32 cwnd);
u32 ttp_cubic_w(u32 origin, u32 k, u32 t);
u32 ttp_cubic_reno_est(u32 w_est, u32 *acc, u32 cwnd, u32 acked);
u32 ttp_cubic_cnt(u32 cwnd, u32 target, u32 w_est, u32 w_max);
u32 ttp_hystart_thresh(u32 last_min_us);
void ttp_hystart_init(struct ttp_hystart *hs, u32 snd_nxt);
enum ttp_hystart_step ttp_hystart_ack(struct ttp_hystart *hs, u32 snd_una,
				      u32 snd_nxt, u32 rtt_us);

void ttp_cong_init(struct sock *sk, bool syn_lost);
u32 ttp_cwnd_room_segs(const struct sock *sk);
bool ttp_cwnd_room(const struct sock *sk);
void ttp_cong_ack(struct sock *sk, u32 acked, u32 tsecr);
void ttp_cong_dupack(struct sock *sk);
void ttp_cong_timeout(struct sock *sk);
void ttp_cong_restart(struct sock *sk);
bool ttp_cong_delayed(const struct ttp_cong *cc, u32 tsecr);
bool ttp_cong_undo(struct sock *sk, u32 tsecr);
bool ttp_cong_undo_loss(struct sock *sk, u32 tsecr);
void ttp_cwnd_validate(struct sock *sk, bool limited);
bool ttp_cwnd_in_use(const struct sock *sk);

/* Segments in the network: RFC 6675's pipe, Linux's packets_in_flight. */
static inline u32 ttp_in_flight(const struct ttp_cong *cc)
{
	return cc->packets_out - cc->sacked_out - cc->lost_out + cc->retrans_out;
}

/* scoreboard.c: what a SACK peer holds, and what is presumed lost. */
u32 ttp_sacktag(struct sock *sk, const struct sk_buff *skb, u32 prior_una, u32 *rtt_us);
void ttp_sack_mark_head_lost(struct sock *sk);
void ttp_sack_rewind(struct sock *sk);
void ttp_sack_unmark_lost(struct sock *sk);
void ttp_sack_account(struct sock *sk, u8 sacked, int segs);
#ifdef CONFIG_DEBUG_NET
void ttp_wq_check(struct sock *sk);
#else
static inline void ttp_wq_check(struct sock *sk) { }
#endif
bool ttp_sack_reneged(struct sock *sk);

/* recovery.c: RFC 6675 loss recovery with PRR, for SACK peers. */
void ttp_recovery_ack(struct sock *sk, u32 acked, u32 sacked, u32 tsecr,
		      bool advanced, bool dupack);
void ttp_recovery_sent(struct sock *sk, bool rtx, u32 segs);
void ttp_recovery_begin(struct sock *sk);
void ttp_dsack_undo(struct sock *sk);

/* rate.c: the delivery rate. */
struct sk_buff;
void ttp_rate_sent(struct sock *sk, struct sk_buff *skb);
void ttp_rate_delivered(struct sock *sk, const struct ttp_skb_cb *cb);
void ttp_rate_ack(struct sock *sk, u32 delivered);
void ttp_rate_check_app_limited(struct sock *sk);
u64 ttp_rate_bytes(const struct sock *sk);

/* rack.c: RACK-TLP (RFC 8985). */
void ttp_rack_init(struct sock *sk);
void ttp_rack_rtt(struct sock *sk, u32 rtt_us);
void ttp_rack_advance(struct sock *sk, const struct ttp_skb_cb *cb);
void ttp_rack_idle(struct sock *sk);
void ttp_rack_sacked(struct sock *sk, u32 end);
u32 ttp_rack_mark_lost(struct sock *sk);
void ttp_rack_dsack(struct sock *sk, u32 end);
void ttp_rack_update_reo_wnd(struct sock *sk, u32 prior_delivered);
void ttp_rack_recovery_done(struct sock *sk);
void ttp_rack_dsack_undone(struct sock *sk);
void ttp_tlp_schedule(struct sock *sk);
void ttp_tlp_ack(struct sock *sk, u32 ack, bool dupack);
void ttp_rack_timeout(struct sock *sk);

#endif /* _TTP_CONG_H */
