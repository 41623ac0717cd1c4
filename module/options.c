// SPDX-License-Identifier: GPL-2.0
/*
 * Header options: MSS, window scale and SACK permitted on SYNs, timestamps
 * (RFC 7323) on every segment of a connection that negotiated them, SACK
 * blocks (RFC 2018) on ACKs. Kinds and lengths are TCP's; see
 * Documentation/protocol.md.
 */
#include "ttp.h"

/*
 * Parse LEN bytes of options into SEG. An option that runs past the header
 * or claims a length under 2 makes the segment malformed (-EINVAL); unknown
 * kinds and known kinds of the wrong length are skipped, as TCP does.
 * SACK blocks are not copied: SEG says where they are in the header.
 */
int ttp_parse_options(const u8 *opt, int len, bool syn, struct ttp_skb_cb *seg)
{
	const u8 *start = opt;

	while (len > 0) {
		int kind = opt[0], olen;

		if (kind == TTP_OPT_EOL)
			break;
		if (kind == TTP_OPT_NOP) {
			opt++;
			len--;
			continue;
		}
		if (len < 2)
			return -EINVAL;
		olen = opt[1];
		if (olen < 2 || olen > len)
			return -EINVAL;
		switch (kind) {
		case TTP_OPT_MSS:
			if (olen == TTP_OPTLEN_MSS && syn) {
				seg->has_mss = true;
				seg->mss = get_unaligned_be16(opt + 2);
			}
			break;
		case TTP_OPT_WSCALE:
			if (olen == TTP_OPTLEN_WSCALE && syn) {
				seg->has_wscale = true;
				seg->wscale = min_t(u8, opt[2], TTP_MAX_WSCALE);
			}
			break;
		case TTP_OPT_SACK_PERM:
			if (olen == TTP_OPTLEN_SACK_PERM && syn)
				seg->sack_ok = true;
			break;
		case TTP_OPT_SACK:
			/* Where it is, for the sender's scoreboard to read. */
			if (!syn && olen >= TTP_OPTLEN_SACK_BASE + TTP_OPTLEN_SACK_BLOCK &&
			    !((olen - TTP_OPTLEN_SACK_BASE) % TTP_OPTLEN_SACK_BLOCK))
				seg->sack_off = TTP_HDR_LEN + (opt - start);
			break;
		case TTP_OPT_TIMESTAMP:
			if (olen == TTP_OPTLEN_TIMESTAMP) {
				seg->has_ts = true;
				seg->tsval = get_unaligned_be32(opt + 2);
				seg->tsecr = get_unaligned_be32(opt + 6);
			}
			break;
		}
		opt += olen;
		len -= olen;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_parse_options);

/*
 * Write options at P: MSS if MSS is non-zero, window scale if WSCALE is not
 * negative, SACK permitted if SACK, timestamps if TS. Returns the end. SACK
 * permitted takes the place of the timestamps' padding when both go, as
 * in TCP's SYNs.
 */
u8 *ttp_write_options(u8 *p, u16 mss, int wscale, bool sack, bool ts, u32 tsval, u32 tsecr)
{
	if (mss) {
		*p++ = TTP_OPT_MSS;
		*p++ = TTP_OPTLEN_MSS;
		put_unaligned_be16(mss, p);
		p += 2;
	}
	if (wscale >= 0) {
		*p++ = TTP_OPT_NOP;
		*p++ = TTP_OPT_WSCALE;
		*p++ = TTP_OPTLEN_WSCALE;
		*p++ = wscale;
	}
	if (sack) {
		if (!ts) {
			*p++ = TTP_OPT_NOP;
			*p++ = TTP_OPT_NOP;
		}
		*p++ = TTP_OPT_SACK_PERM;
		*p++ = TTP_OPTLEN_SACK_PERM;
	}
	if (ts) {
		if (!sack) {
			*p++ = TTP_OPT_NOP;
			*p++ = TTP_OPT_NOP;
		}
		*p++ = TTP_OPT_TIMESTAMP;
		*p++ = TTP_OPTLEN_TIMESTAMP;
		put_unaligned_be32(tsval, p);
		put_unaligned_be32(tsecr, p + 4);
		p += 8;
	}
	return p;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_write_options);

/*
 * Write a SACK option at P with the N blocks of BLOCKS, first to last, and
 * padding that keeps the header in words. Returns the end.
 */
u8 *ttp_write_sack(u8 *p, const struct ttp_sack_block *blocks, int n)
{
	int i;

	*p++ = TTP_OPT_NOP;
	*p++ = TTP_OPT_NOP;
	*p++ = TTP_OPT_SACK;
	*p++ = TTP_OPTLEN_SACK_BASE + n * TTP_OPTLEN_SACK_BLOCK;
	for (i = 0; i < n; i++) {
		put_unaligned_be32(blocks[i].start, p);
		put_unaligned_be32(blocks[i].end, p + 4);
		p += TTP_OPTLEN_SACK_BLOCK;
	}
	return p;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_write_sack);

/* The smallest shift that lets a window of SPACE bytes be advertised. */
u8 ttp_choose_wscale(int space)
{
	u8 wscale = 0;

	while (space > TTP_MAX_WINDOW && wscale < TTP_MAX_WSCALE) {
		space >>= 1;
		wscale++;
	}
	return wscale;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_choose_wscale);
