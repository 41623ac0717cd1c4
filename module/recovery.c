// SPDX-License-Identifier: GPL-2.0
/*
 * Loss recovery for a peer that sends SACK blocks: RFC 6675, with the
 * window during recovery set by proportional rate reduction (RFC 6937, as
 * Linux's tcp_cwnd_reduction() has it), and the undo of a recovery whose
 * every resend the peer reported twice (RFC 2883 D-SACK, Linux's
 * tcp_try_undo_dsack()).
 *
 * Recovery begins when RACK (rack.c) finds a segment lost: one sent after
 * it was delivered, and its RTT and the reordering window have passed
 * (with no reordering seen, immediately when `reordering` segments are
 * SACKed, as DupThresh would). Every lost segment is repaired in the same
 * round trip, oldest first (output.c), before new data. A peer without
 * SACK gets NewReno (cong.c) instead.
 *
 * Everything here runs under the socket lock.
 */
#include "stats.h"
#include "ttp.h"

/*
 * PRR: DELIVERED segments just left the network. While the pipe is above
 * ssthresh, send in proportion to what is delivered, so that the window
 * comes down to ssthresh smoothly by the end of the round trip instead of
 * in one silent half; below it, slow start back up (PRR-SSRB), one more
 * segment when snd_una moved and nothing new was lost (BONUS). The first
 * retransmission goes whatever the count.
 */
static void ttp_prr(struct sock *sk, u32 delivered, bool bonus)
{
	struct ttp_cong *cc = &ttp_sk(sk)->cong;
	u32 pipe = ttp_in_flight(cc);
	int sndcnt;

	if (!delivered && cc->prr_out)
		return;
	cc->prr_delivered += delivered;
	if (pipe > cc->ssthresh) {
		u64 due = (u64)cc->ssthresh * cc->prr_delivered + cc->prior_cwnd - 1;

		sndcnt = (int)div_u64(due, cc->prior_cwnd) - (int)cc->prr_out;
	} else {
		sndcnt = max_t(int, cc->prr_delivered - cc->prr_out, delivered);
		if (bonus)
			sndcnt++;
		sndcnt = min_t(int, cc->ssthresh - pipe, sndcnt);
	}
	sndcnt = max(sndcnt, cc->prr_out ? 0 : 1);
	cc->cwnd = max(pipe + sndcnt, 1U);
}

/*
 * Time to recover: RACK found a segment lost (LOST, this ACK), one found
 * lost in the last recovery is still to be sent again, or, for
 * duplicates that bring no SACK blocks, DupThresh's count says so.
 */
static bool ttp_recovery_due(const struct ttp_cong *cc, u32 lost)
{
	return lost || cc->lost_out > cc->retrans_out ||
	       (!cc->sacked_out && cc->dupacks >= cc->reordering);
}

static void ttp_recovery_enter(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_cong *cc = &ts->cong;

	cc->prior_cwnd = cc->cwnd;
	cc->prior_ssthresh = cc->ssthresh;
	cc->undo = ts->tstamp_ok;
	cc->undo_tsval = ttp_sk_tsval(sk);
	cc->dsack_undo = true;
	cc->undo_marker = ts->snd_una;
	cc->undo_retrans = -1;
	cc->ssthresh = cc->ops->ssthresh(sk);
	cc->recover = ts->snd_max;
	cc->recover_rto = false;
	cc->state = TTP_CA_RECOVERY;
	cc->prr_delivered = 0;
	cc->prr_out = 0;
	/* A loss probe out is this recovery's to answer for (as Linux's). */
	ts->rack.tlp_high_seq = 0;
	ttp_count(sock_net(sk), TTP_MIB_SACK_RECOVERY);
	/* Begun by duplicates alone: the first unacknowledged segment is lost. */
	if (!cc->lost_out)
		ttp_sack_mark_head_lost(sk);
}

/* RACK's timer found a loss in the open state: recover, one segment due. */
void ttp_recovery_begin(struct sock *sk)
{
	sock_owned_by_me(sk);
	ttp_recovery_enter(sk);
	ttp_prr(sk, 1, false);
}

static void ttp_recovery_end(struct sock *sk)
{
	struct ttp_cong *cc = &ttp_sk(sk)->cong;

	cc->cwnd = cc->ssthresh;
	cc->cwnd_cnt = 0;
	cc->state = TTP_CA_OPEN;
	cc->dupacks = 0;
	ttp_rack_recovery_done(sk);
}

/*
 * An ACK from a SACK peer: ACKED segments newly acknowledged cumulatively
 * (not SACKed before), SACKED newly SACKed; TSECR its timestamp echo, 0
 * if none. ADVANCED: it moved
 * snd_una; DUPACK: it is a duplicate ACK (RFC 5681).
 */
void ttp_recovery_ack(struct sock *sk, u32 acked, u32 sacked, u32 tsecr,
		      bool advanced, bool dupack)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_cong *cc = &ts->cong;
	u32 delivered = acked + sacked, lost = 0;
	bool late;

	if (dupack && cc->dupacks < U8_MAX)
		cc->dupacks++;
	/*
	 * In recovery, snd_una moved and what filled the hole was the
	 * original, late (Linux's tcp_try_undo_partial()): reordering. While
	 * resends are out, whose fate decides the undo, nothing more is
	 * presumed lost, and what was but has not gone again yet waits for
	 * RACK to judge it anew, with the reordering window it now has (TCP
	 * holds such resends back for this ACK; TTP's next push would send
	 * them); with none out, the recovery is undone.
	 */
	late = cc->state == TTP_CA_RECOVERY && advanced && ttp_cong_delayed(cc, tsecr);
	if (late)
		ts->rack.reord = true;
	if (late && cc->retrans_out)
		ttp_sack_unmark_lost(sk);
	else if (cc->state != TTP_CA_LOSS)
		lost = ttp_rack_mark_lost(sk);
	switch (cc->state) {
	case TTP_CA_RECOVERY:
		if (late && !cc->retrans_out) {
			/* Late, not lost: RACK waits for reordering now. */
			ttp_cong_undo(sk, tsecr);
			ttp_sack_unmark_lost(sk);
			cc->dsack_undo = false;
			return;
		}
		if (!ttp_before(ts->snd_una, cc->recover)) {
			/* All that was in flight when it began is through. */
			ttp_recovery_end(sk);
			return;
		}
		ttp_prr(sk, delivered, advanced && !lost);
		return;
	case TTP_CA_LOSS:
		if (advanced && !ttp_before(ts->snd_una, cc->recover))
			cc->state = TTP_CA_OPEN;
		break;
	case TTP_CA_OPEN:
		/*
		 * New data acknowledged: the duplicates before it counted
		 * towards nothing (RFC 5681 3.2). Left standing, an ACK that
		 * acknowledged everything after three SACKed duplicates
		 * (reordering, not loss) began a recovery with nothing in
		 * flight, and cut the window.
		 */
		if (advanced)
			cc->dupacks = 0;
		if (ttp_recovery_due(cc, lost)) {
			ttp_recovery_enter(sk);
			ttp_prr(sk, delivered, false);
			return;
		}
		break;
	}
	if (!advanced)
		return;
	cc->dupacks = 0;
	if (!ttp_cwnd_in_use(sk))
		return;
	if (delivered)
		cc->ops->cong_avoid(sk, delivered);
}

/*
 * SEGS segments left: PRR counts what recovery sends, and the D-SACK undo
 * what it sent again (RTX).
 */
void ttp_recovery_sent(struct sock *sk, bool rtx, u32 segs)
{
	struct ttp_cong *cc = &ttp_sk(sk)->cong;

	if (cc->state == TTP_CA_RECOVERY)
		cc->prr_out += segs;
	if (rtx && cc->dsack_undo)
		cc->undo_retrans = max(cc->undo_retrans, 0) + segs;
}

/*
 * The peer reported every segment the latest recovery sent again as
 * received twice: none was lost, the recovery was reordering's doing.
 * Restore the window and ssthresh it cut, in recovery or after it.
 */
void ttp_dsack_undo(struct sock *sk)
{
	struct ttp_cong *cc = &ttp_sk(sk)->cong;

	cc->cwnd = max(cc->cwnd, cc->prior_cwnd);
	cc->ssthresh = max(cc->ssthresh, cc->prior_ssthresh);
	if (cc->state == TTP_CA_RECOVERY) {
		cc->state = TTP_CA_OPEN;
		cc->dupacks = 0;
	}
	ttp_rack_dsack_undone(sk);
	ttp_sack_unmark_lost(sk);
	cc->dsack_undo = false;
	cc->undo = false;
	ttp_count(sock_net(sk), TTP_MIB_DSACK_UNDO);
}
