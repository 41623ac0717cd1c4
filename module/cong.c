// SPDX-License-Identifier: GPL-2.0
/*
 * Loss detection and recovery, and the congestion window around them:
 * RFC 5681 (slow start, congestion avoidance, fast retransmit, the restart
 * after idle), RFC 6582 (NewReno fast recovery), RFC 3042 (limited
 * transmit). The algorithm proper (how the window grows, where ssthresh
 * goes) is behind struct ttp_cong_ops; this file is what all algorithms
 * share.
 *
 * A timeout does what Linux's does: every segment in flight counts as lost
 * and is sent again, from snd_una, as the window opens, but those the
 * peer SACKed (ttp_rewind()).
 */
#include "netns.h"
#include "stats.h"
#include "ttp.h"

/*
 * A new connection's window; one segment if its SYN or SYN-ACK had to be
 * sent again (RFC 6928 2), as the path may be worse than it looks.
 */
void ttp_cong_init(struct sock *sk, bool syn_lost)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_cong *cc = &ts->cong;

	if (!cc->ops_fixed)
		cc->ops = ttp_sk_param(sk, TTP_PARAM_CONGESTION_CONTROL) ==
			  TTP_CONG_CUBIC ? &ttp_cubic_ops : &ttp_reno;
	cc->cwnd = syn_lost ? 1 : TTP_INIT_CWND;
	cc->ssthresh = TTP_INFINITE_SSTHRESH;
	cc->cwnd_cnt = 0;
	cc->state = TTP_CA_OPEN;
	cc->dupacks = 0;
	cc->reordering = TTP_DUPTHRESH;
	cc->recover = ts->snd_una;
	cc->recover_rto = false;
	cc->undo = false;
	cc->dsack_undo = false;
	cc->sacked_out = 0;
	cc->lost_out = 0;
	cc->retrans_out = 0;
	cc->delivered = 0;
	cc->lsndtime = jiffies;
	if (cc->ops->init)
		cc->ops->init(sk);
}

/* The algorithm called NAME, or NULL. */
const struct ttp_cong_ops *ttp_cong_find(const char *name)
{
	if (!strcmp(name, ttp_reno.name))
		return &ttp_reno;
	if (!strcmp(name, ttp_cubic_ops.name))
		return &ttp_cubic_ops;
	return NULL;
}

/*
 * TTP_CONGESTION: OPS from now on, for this socket and the connections a
 * listener makes. On a live connection the window and ssthresh stay, and
 * the new algorithm starts its own state, as tcp_reinit_congestion_control()
 * does.
 */
void ttp_cong_set_ops(struct sock *sk, const struct ttp_cong_ops *ops)
{
	struct ttp_cong *cc = &ttp_sk(sk)->cong;

	sock_owned_by_me(sk);
	cc->ops_fixed = true;
	if (cc->ops == ops)
		return;
	WRITE_ONCE(cc->ops, ops);
	if (ops->init)
		ops->init(sk);
}

/*
 * May another segment go out? While the pipe (what is in the network,
 * RFC 6675) is below the window. Without SACK, plus one new segment for
 * each duplicate ACK short of fast retransmit (limited transmit, RFC
 * 3042): they say segments left the network, and new data keeps the ACKs
 * coming that fast retransmit needs; with SACK the pipe says so itself.
 * How many more may.
 */
u32 ttp_cwnd_room_segs(const struct sock *sk)
{
	const struct ttp_sock *ts = ttp_sk(sk);
	const struct ttp_cong *cc = &ts->cong;
	u32 limit = cc->cwnd, pipe = ttp_in_flight(cc);

	if (!ts->sack_ok && cc->state == TTP_CA_OPEN)
		limit += min_t(u32, cc->dupacks, cc->reordering - 1);
	return pipe < limit ? limit - pipe : 0;
}

/* May another segment go out? */
bool ttp_cwnd_room(const struct sock *sk)
{
	return ttp_cwnd_room_segs(sk) > 0;
}

/*
 * An ACK echoes a timestamp from before the recovery's first resend: what
 * it acknowledges arrived as first sent, late (Linux's
 * tcp_packet_delayed()).
 */
bool ttp_cong_delayed(const struct ttp_cong *cc, u32 tsecr)
{
	return cc->undo && tsecr && ttp_before(tsecr, cc->undo_tsval);
}

/*
 * The first ACK of a fast recovery echoes a timestamp older than the fast
 * retransmission: the segment thought lost arrived after all, only late
 * (RFC 3522). It was reordering, not congestion: restore the window, and
 * wait for more duplicates before the next fast retransmit (as Linux's
 * reordering metric does).
 */
bool ttp_cong_undo(struct sock *sk, u32 tsecr)
{
	struct ttp_cong *cc = &ttp_sk(sk)->cong;
	bool spurious = ttp_cong_delayed(cc, tsecr);

	cc->undo = false;
	if (!spurious)
		return false;
	cc->cwnd = max(cc->cwnd, cc->prior_cwnd);
	cc->ssthresh = max(cc->ssthresh, cc->prior_ssthresh);
	cc->reordering = min_t(u32, max_t(u32, cc->reordering, cc->dupacks + 1),
			       TTP_MAX_REORDERING);
	cc->state = TTP_CA_OPEN;
	cc->dupacks = 0;
	ttp_count(sock_net(sk), TTP_MIB_RENO_REORDER);
	ttp_count(sock_net(sk), TTP_MIB_FULL_UNDO);
	return true;
}

/*
 * The first ACK of new data after a timeout echoes a timestamp older than
 * the first retransmission: what was sent before the timeout arrived, only
 * late (a delay spike; RFC 3522's Eifel detection), and the timeout was
 * spurious. Restore the window and ssthresh, and take back the rewind:
 * what was in flight is in flight again, not to be sent twice (RFC 4015's
 * response; Linux's tcp_try_undo_loss()). True if so.
 */
bool ttp_cong_undo_loss(struct sock *sk, u32 tsecr)
{
	struct ttp_cong *cc = &ttp_sk(sk)->cong;
	struct net *net = sock_net(sk);
	bool spurious;

	sock_owned_by_me(sk);
	if (cc->state != TTP_CA_LOSS || !cc->undo)
		return false;
	spurious = tsecr && ttp_before(tsecr, cc->undo_tsval);
	cc->undo = false;
	if (!spurious)
		return false;
	cc->cwnd = max(cc->cwnd, cc->prior_cwnd);
	cc->ssthresh = max(cc->ssthresh, cc->prior_ssthresh);
	cc->cwnd_cnt = 0;
	cc->state = TTP_CA_OPEN;
	cc->recover_rto = false;
	cc->dupacks = 0;
	ttp_unrewind(sk);
	ttp_count(net, TTP_MIB_SPURIOUS_RTOS);
	ttp_count(net, TTP_MIB_LOSS_UNDO);
	return true;
}

/*
 * After a push: whether the window held the sender back (LIMITED), kept
 * for the rest of the window, or else the most it had in flight. Read per
 * window, not per ACK: a paced flow, or one whose ACKs come in a burst,
 * has less in flight at any one ACK than the window it fills over the
 * round trip. As Linux's tcp_cwnd_validate().
 */
void ttp_cwnd_validate(struct sock *sk, bool limited)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_cong *cc = &ts->cong;

	if (!ttp_before(ts->snd_una, cc->cwnd_usage_seq) || limited ||
	    (!cc->cwnd_limited && cc->packets_out > cc->max_packets_out)) {
		cc->cwnd_limited = limited;
		cc->max_packets_out = cc->packets_out;
		cc->cwnd_usage_seq = ts->snd_nxt;
	}
}

/*
 * Whether ACKs may grow the window: only one in use (RFC 7661's concern:
 * an application sending less than the window must not inflate it). In
 * slow start, half of it in use counts, as in Linux's
 * tcp_is_cwnd_limited().
 */
bool ttp_cwnd_in_use(const struct sock *sk)
{
	const struct ttp_cong *cc = &ttp_sk(sk)->cong;

	if (cc->cwnd_limited)
		return true;
	return cc->cwnd < cc->ssthresh && cc->cwnd < 2 * cc->max_packets_out;
}

/*
 * An ACK of new data: ACKED segments left the network; TSECR is its
 * timestamp echo, 0 if none.
 */
void ttp_cong_ack(struct sock *sk, u32 acked, u32 tsecr)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_cong *cc = &ts->cong;

	switch (cc->state) {
	case TTP_CA_RECOVERY:
		if (ttp_cong_undo(sk, tsecr))
			return;
		if (!ttp_before(ts->snd_una, cc->recover)) {
			/*
			 * A full ACK: everything outstanding when the loss was
			 * found has arrived. Deflate to ssthresh (RFC 6582
			 * 3.2 (3), its second option, as Linux ends recovery)
			 * and go on in congestion avoidance.
			 */
			cc->cwnd = cc->ssthresh;
			cc->cwnd_cnt = 0;
			cc->state = TTP_CA_OPEN;
			cc->dupacks = 0;
			return;
		}
		/*
		 * A partial ACK: the segment it points at was lost too. Send
		 * it now, and deflate by what was ACKed, adding back one
		 * segment (RFC 6582 3.2 (4)).
		 */
		ttp_retransmit_head(sk);
		cc->cwnd = (cc->cwnd > acked ? cc->cwnd - acked : 0) + 1;
		return;
	case TTP_CA_LOSS:
		if (!ttp_before(ts->snd_una, cc->recover))
			cc->state = TTP_CA_OPEN;
		break;
	}
	cc->dupacks = 0;
	if (!ttp_cwnd_in_use(sk))
		return;
	cc->ops->cong_avoid(sk, acked);
}

/*
 * A duplicate ACK (RFC 5681 2): the peer got a segment beyond a hole. The
 * third in a row (more where reordering was seen) starts fast retransmit
 * and fast recovery, unless the hole
 * may be one a timeout already filled: then the duplicates are echoes of
 * segments sent twice (RFC 6582 4.1).
 */
void ttp_cong_dupack(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_cong *cc = &ts->cong;
	struct net *net = sock_net(sk);

	if (cc->dupacks < U8_MAX)
		cc->dupacks++;
	switch (cc->state) {
	case TTP_CA_OPEN:
		if (cc->dupacks != cc->reordering)
			return;
		if (cc->recover_rto && !ttp_after(ts->snd_una, cc->recover))
			return;
		cc->prior_cwnd = cc->cwnd;
		cc->prior_ssthresh = cc->ssthresh;
		cc->undo = ts->tstamp_ok;
		cc->undo_tsval = ttp_sk_tsval(sk);
		cc->ssthresh = cc->ops->ssthresh(sk);
		cc->recover = ts->snd_max;
		cc->recover_rto = false;
		cc->state = TTP_CA_RECOVERY;
		ttp_count(net, TTP_MIB_RENO_RECOVERY);
		ttp_count(net, TTP_MIB_FAST_RETRANS);
		ttp_retransmit_head(sk);
		/* As many segments have left the network. */
		cc->cwnd = cc->ssthresh + cc->dupacks;
		break;
	case TTP_CA_RECOVERY:
		/* Another one has: inflate, so new data may go out. */
		cc->cwnd++;
		break;
	}
}

/*
 * The retransmission timer expired with data in flight: all of it counts
 * as lost. Slow start from one segment; ssthresh halves only on the first
 * timeout of a run (RFC 5681 (4) and the paragraph after it).
 */
void ttp_cong_timeout(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_cong *cc = &ts->cong;

	/*
	 * What an undo would restore, and the time a later ACK's echo must
	 * predate to prove this timeout spurious: from the first timeout of
	 * a run. A recovery under way keeps its own, as Linux's
	 * tcp_enter_loss() keeps prior_cwnd; a later timeout of the run
	 * keeps the first's.
	 */
	if (cc->state == TTP_CA_OPEN || (cc->state == TTP_CA_LOSS && !ts->backoff)) {
		cc->prior_cwnd = cc->cwnd;
		cc->prior_ssthresh = cc->ssthresh;
		cc->undo = ts->tstamp_ok;
		cc->undo_tsval = ttp_sk_tsval(sk);
	}
	if (cc->state != TTP_CA_LOSS || !ts->backoff)
		cc->ssthresh = cc->ops->ssthresh(sk);
	cc->cwnd = 1;
	cc->cwnd_cnt = 0;
	cc->state = TTP_CA_LOSS;
	cc->dupacks = 0;
	cc->recover = ts->snd_max;
	cc->recover_rto = true;
	cc->dsack_undo = false;
	ts->rack.tlp_high_seq = 0;
	ttp_rewind(sk);
}

/*
 * Before sending after an idle period longer than the RTO, the window
 * learned before may no longer describe the path: start again from at most
 * the initial window (RFC 5681 4.1).
 */
void ttp_cong_restart(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_cong *cc = &ts->cong;

	if (cc->packets_out || !time_after(jiffies, cc->lsndtime + ts->rto))
		return;
	cc->cwnd = min_t(u32, cc->cwnd, TTP_INIT_CWND);
	cc->cwnd_cnt = 0;
}
