// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies: TTP's own. When a listener's SYN queue is full (syncookies
 * 1) or always (syncookies 2), a SYN is answered with a SYN-ACK whose ISN
 * encodes what a request entry would have held, and nothing is kept. A
 * final ACK that no request entry knows is checked against it.
 *
 * The cookie (our ISN) is all hash, 32 bits, nothing in the clear:
 *
 *   h      = SipHash-2-4(namespace secret; addresses, ports, device, the
 *            peer's ISN, scheme, stamp), 64 bits
 *   cookie = low32(h) + idx * (high32(h) | 1)   (mod 2^32)
 *
 * idx is the MSS class: the largest entry of the scheme's table not above
 * the peer's MSS. Adding a secret odd multiple of it, rather than idx
 * itself, keeps the class bound to the secret: an ACK number moved by a
 * few units does not turn into another class. The stamp is what ties a
 * cookie to its time, and the scheme decides it:
 *
 * - timestamps (the SYN-ACK carries them, so the final ACK must): the
 *   stamp is the SYN-ACK's TSval, which the final ACK echoes as TSecr; it
 *   is the connection's millisecond clock, so the checker reads the
 *   cookie's age from it (valid while at most syncookie_lifetime_ms, plus
 *   the 63 ms the TSval may be stepped back) and computes one hash. Four
 *   MSS classes, {536, 1300, 1440, 1460}. The low six bits of that TSval
 *   carry what the peer's SYN offered that the connection keeps: bit 5
 *   SACK permitted, bit 4 window scale, bits 3..0 its shift; being hashed,
 *   they are authenticated too.
 * - no timestamps: the stamp is the epoch, the boot-time clock in units of
 *   syncookie_lifetime_ms (the lifetime is hashed too, so a cookie made
 *   under another lifetime never checks), and the checker tries this epoch
 *   and the one before: a cookie lives at least the lifetime and less
 *   than twice it. Two MSS classes, {536, 1300}.
 *
 * Either way the checker accepts exactly 4 of the 2^32 ACK numbers for
 * a given 4-tuple, peer ISN and time (and, with timestamps, TSecr), so a
 * blind forgery succeeds with probability 4 * 2^-32 = 2^-30 per try. Why
 * the schemes differ: a cookie tied to time by epochs must be accepted
 * for two of them at some moment, and with four classes that is at least
 * 8 valid numbers, 2^-29 (Linux's figure). Documentation/syn.md has the
 * whole argument. Without timestamps a cookie connection has no window
 * scaling and no SACK, as in Linux.
 */
#include <linux/random.h>
#include <linux/siphash.h>
#include "netns.h"
#include "syncookies.h"
#include "ttp.h"

#define TTP_COOKIE_TS_SACK	0x20
#define TTP_COOKIE_TS_WSOK	0x10
#define TTP_COOKIE_TS_MASK	0x3f

/* Which time a cookie is tied to; hashed, so that neither passes for the other. */
enum ttp_cookie_scheme {
	TTP_COOKIE_TS = 1,
	TTP_COOKIE_EPOCH = 2,
};

static const u16 ttp_cookie_mss_ts[] = { 536, 1300, 1440, 1460 };
/* Two classes only: see the header comment; 1300 fits nearly every path. */
static const u16 ttp_cookie_mss_epoch[] = { 536, 1300 };

/* The clock of the epochs: boot time, so that a suspend ages cookies too. */
u64 ttp_cookie_now_ms(void)
{
	return div_u64(ktime_get_boottime_ns(), NSEC_PER_MSEC);
}

static u64 ttp_cookie_hash(const siphash_key_t *secret, const struct ttp_conn_key *key,
			   u32 peer_isn, u32 scheme, u32 stamp, u32 lifetime_ms)
{
	struct {
		struct ttp_conn_key key;
		u32 peer_isn;
		u32 scheme;
		u32 stamp;
		u32 lifetime_ms;
	} __aligned(SIPHASH_ALIGNMENT) in = {
		.key = *key, .peer_isn = peer_isn, .scheme = scheme, .stamp = stamp,
		.lifetime_ms = lifetime_ms,
	};

	return siphash(&in, sizeof(in), secret);
}

static u32 ttp_cookie_epoch(u64 now_ms, u32 lifetime_ms)
{
	return (u32)div_u64(now_ms, lifetime_ms);
}

/* The cookie for a SYN with ISN PEER_ISN and MSS option PEER_MSS, made at WHEN. */
u32 ttp_cookie_make(const siphash_key_t *secret, const struct ttp_conn_key *key,
		    u32 peer_isn, u16 peer_mss, const struct ttp_cookie_when *when)
{
	const u16 *table = when->ts ? ttp_cookie_mss_ts : ttp_cookie_mss_epoch;
	u32 idx = (when->ts ? ARRAY_SIZE(ttp_cookie_mss_ts) :
			      ARRAY_SIZE(ttp_cookie_mss_epoch)) - 1;
	u64 h;

	while (idx && table[idx] > peer_mss)
		idx--;
	if (when->ts)
		h = ttp_cookie_hash(secret, key, peer_isn, TTP_COOKIE_TS, when->tsval, 0);
	else
		h = ttp_cookie_hash(secret, key, peer_isn, TTP_COOKIE_EPOCH,
				    ttp_cookie_epoch(when->now_ms, when->lifetime_ms),
				    when->lifetime_ms);
	return (u32)h + idx * ((u32)(h >> 32) | 1);
}
EXPORT_SYMBOL_IF_KUNIT(ttp_cookie_make);

/* The class COOKIE encodes under hash H, or -1; only the bits in MASK count. */
static int ttp_cookie_class(u64 h, u32 cookie, u32 classes, u32 mask)
{
	u32 d = (cookie - (u32)h) & mask, step = (u32)(h >> 32) | 1;
	u32 idx;

	for (idx = 0; idx < classes; idx++)
		if (d == ((idx * step) & mask))
			return idx;
	return -1;
}

/*
 * ttp_cookie_check() with only the bits in MASK compared. The kernel uses
 * all 32; KUnit cuts them down to measure how many numbers the checker
 * accepts, which a full-width forgery rate is too small to show.
 */
u16 ttp_cookie_check_masked(const siphash_key_t *secret, const struct ttp_conn_key *key,
			    u32 peer_isn, u32 cookie, const struct ttp_cookie_when *when,
			    u32 mask)
{
	u32 epoch;
	int idx;

	if (when->ts) {
		/* Ages over the lifetime, and stamps from the future, fail here. */
		if (when->ts_now - when->tsval > when->lifetime_ms + TTP_COOKIE_TS_MASK)
			return 0;
		idx = ttp_cookie_class(ttp_cookie_hash(secret, key, peer_isn, TTP_COOKIE_TS,
						       when->tsval, 0),
				       cookie, ARRAY_SIZE(ttp_cookie_mss_ts), mask);
		return idx < 0 ? 0 : ttp_cookie_mss_ts[idx];
	}
	/* This epoch or the one before: each one tried is a chance for a forger. */
	epoch = ttp_cookie_epoch(when->now_ms, when->lifetime_ms);
	idx = ttp_cookie_class(ttp_cookie_hash(secret, key, peer_isn, TTP_COOKIE_EPOCH,
					       epoch, when->lifetime_ms),
			       cookie, ARRAY_SIZE(ttp_cookie_mss_epoch), mask);
	if (idx < 0)
		idx = ttp_cookie_class(ttp_cookie_hash(secret, key, peer_isn, TTP_COOKIE_EPOCH,
						       epoch - 1, when->lifetime_ms),
				       cookie, ARRAY_SIZE(ttp_cookie_mss_epoch), mask);
	return idx < 0 ? 0 : ttp_cookie_mss_epoch[idx];
}
EXPORT_SYMBOL_IF_KUNIT(ttp_cookie_check_masked);

/*
 * Check COOKIE (the final ACK's ack - 1) against PEER_ISN (its seq - 1) at
 * WHEN: with timestamps if the ACK carries them (its TSecr in when->tsval),
 * else by epochs. Returns the MSS it encodes, or 0 for an invalid or
 * expired cookie.
 */
u16 ttp_cookie_check(const siphash_key_t *secret, const struct ttp_conn_key *key,
		     u32 peer_isn, u32 cookie, const struct ttp_cookie_when *when)
{
	return ttp_cookie_check_masked(secret, key, peer_isn, cookie, when,
				       TTP_COOKIE_HASH_MASK);
}
EXPORT_SYMBOL_IF_KUNIT(ttp_cookie_check);

/*
 * Our SYN-ACK's TSval, carrying the peer's window scale and SACK permitted.
 * It must not be ahead of our clock (TSVAL): the peer keeps it as its
 * newest timestamp, and PAWS would throw away everything we send until the
 * clock caught up, up to 63 ms later, long enough to lose the first reply
 * of every cookie connection. So when the bits would put it ahead, step
 * one unit back.
 */
u32 ttp_cookie_tsval(u32 tsval, bool wscale_ok, u8 wscale, bool sack_ok)
{
	u32 v = (tsval & ~TTP_COOKIE_TS_MASK) |
		(wscale_ok ? TTP_COOKIE_TS_WSOK | (wscale & 0xf) : 0) |
		(sack_ok ? TTP_COOKIE_TS_SACK : 0);

	if ((s32)(v - tsval) > 0)
		v -= TTP_COOKIE_TS_MASK + 1;
	return v;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_cookie_tsval);

void ttp_cookie_ts_decode(u32 tsecr, bool *wscale_ok, u8 *wscale, bool *sack_ok)
{
	*sack_ok = tsecr & TTP_COOKIE_TS_SACK;
	*wscale_ok = tsecr & TTP_COOKIE_TS_WSOK;
	*wscale = *wscale_ok ? min_t(u8, tsecr & 0xf, TTP_MAX_WSCALE) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_cookie_ts_decode);

void ttp_cookie_init_secret(siphash_key_t *secret)
{
	get_random_bytes(secret, sizeof(*secret));
}
