// SPDX-License-Identifier: GPL-2.0
/*
 * SACK as a receiver reports it (RFC 2018, RFC 2883): which ranges of
 * sequence space the out-of-order queue holds, and which segment came
 * twice. The blocks are kept as TCP keeps rx_opt.selective_acks: the
 * range the latest early segment joined first, the others in the order
 * they were last reported, at most four, each the union of what joined
 * it. Keeping them so costs a few comparisons per segment and no walk
 * of the queue, whatever a peer sends.
 *
 * The sender's side is scoreboard.c and recovery.c.
 *
 * Everything here runs under the socket lock.
 */
#include "stats.h"
#include "ttp.h"

/* Does [SEQ, END) touch B, or overlap it? Then B takes it in. */
static bool ttp_sack_extend(struct ttp_sack_block *b, u32 seq, u32 end)
{
	if (ttp_after(seq, b->end) || ttp_after(b->start, end))
		return false;
	if (ttp_before(seq, b->start))
		b->start = seq;
	if (ttp_after(end, b->end))
		b->end = end;
	return true;
}

static void ttp_sack_drop(struct ttp_sock *ts, int i)
{
	memmove(&ts->sacks[i], &ts->sacks[i + 1],
		(ts->num_sacks - i - 1) * sizeof(ts->sacks[0]));
	ts->num_sacks--;
}

/*
 * An early segment [SEQ, END) was kept: its range goes first. A block it
 * touches grows to take it in, and then any other block the grown one
 * now touches joins it (the segment filled the gap between two).
 */
void ttp_sack_new_ofo(struct sock *sk, u32 seq, u32 end)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_sack_block b = { seq, end };
	int i;

	sock_owned_by_me(sk);
	if (!ts->sack_ok)
		return;
	for (i = 0; i < ts->num_sacks; i++) {
		if (!ttp_sack_extend(&ts->sacks[i], seq, end))
			continue;
		b = ts->sacks[i];
		ttp_sack_drop(ts, i);
		for (i = 0; i < ts->num_sacks;) {
			if (ttp_sack_extend(&b, ts->sacks[i].start, ts->sacks[i].end))
				ttp_sack_drop(ts, i);
			else
				i++;
		}
		break;
	}
	if (ts->num_sacks == TTP_MAX_SACKS)
		ts->num_sacks--;	/* the one reported longest ago */
	memmove(&ts->sacks[1], &ts->sacks[0], ts->num_sacks * sizeof(ts->sacks[0]));
	ts->sacks[0] = b;
	ts->num_sacks++;
}

/* rcv_nxt moved: blocks it reached were read in order and go. */
void ttp_sack_remove(struct sock *sk)
{
	struct ttp_sock *ts = ttp_sk(sk);
	int i;

	sock_owned_by_me(sk);
	for (i = 0; i < ts->num_sacks;) {
		if (ttp_after(ts->sacks[i].start, ts->rcv_nxt)) {
			i++;
			continue;
		}
		/* What was held from START on was in order up to its end. */
		DEBUG_NET_WARN_ON_ONCE(ttp_before(ts->rcv_nxt, ts->sacks[i].end));
		ttp_sack_drop(ts, i);
	}
}

/*
 * The out-of-order queue was given up (pruned, or purged for a socket
 * that closes or starts over): reporting what it held would be a lie the
 * sender may act on, so no block stays, nor a D-SACK still to be sent.
 * The sender learns of the reneging from the next ACK (RFC 2018 8).
 */
void ttp_sack_reset(struct sock *sk)
{
	ttp_sk(sk)->num_sacks = 0;
	ttp_sk(sk)->dsack = false;
}

/*
 * [SEQ, END) came again: the next ACK reports it first, once, as a
 * D-SACK block (RFC 2883), so that the sender can tell a resend that was
 * not needed (its segment was late, not lost) and undo what it cost.
 */
void ttp_dsack_set(struct sock *sk, u32 seq, u32 end)
{
	struct ttp_sock *ts = ttp_sk(sk);

	sock_owned_by_me(sk);
	if (!ts->sack_ok)
		return;
	ttp_count(sock_net(sk), ttp_before(seq, ts->rcv_nxt) ? TTP_MIB_DSACK_OLD_SENT :
							      TTP_MIB_DSACK_OFO_SENT);
	ts->dsack_block.start = seq;
	ts->dsack_block.end = end;
	ts->dsack = true;
}

/*
 * How many bytes the SACK option of a segment from SK takes, or 0 if it
 * has nothing to report; ROOM is what its other options left.
 */
static int ttp_sack_blocks(const struct ttp_sock *ts, int room)
{
	int n = ts->num_sacks + ts->dsack;

	if (!ts->sack_ok || !n)
		return 0;
	room = (room - TTP_OPTLEN_SACK_BASE - 2) / TTP_OPTLEN_SACK_BLOCK;
	return max(min(n, room), 0);
}

/*
 * Write SK's SACK option at P, with ROOM bytes of option space left, for
 * a segment of LEN payload bytes in SEGS segments: the D-SACK block, if
 * any, then the blocks held, latest first. A segment with data carries it
 * only if it still fits the MSS the data was cut for, one segment: a
 * large segment's option would be copied to every part of it. Returns the
 * end; the D-SACK block, once written, is not written again.
 */
u8 *ttp_sack_write(struct sock *sk, u8 *p, int room, u32 len, u16 segs)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct ttp_sack_block blocks[TTP_MAX_SACKS];
	int n = ttp_sack_blocks(ts, room), i = 0;

	if (!n)
		return p;
	if (len && (segs > 1 || len + TTP_OPTLEN_SACK_BASE + 2 +
				n * TTP_OPTLEN_SACK_BLOCK > ts->mss))
		return p;
	if (ts->dsack)
		blocks[i++] = ts->dsack_block;
	memcpy(&blocks[i], ts->sacks, (n - i) * sizeof(blocks[0]));
	ts->dsack = false;
	return ttp_write_sack(p, blocks, n);
}
