// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies: TTP's own. When a listener's SYN queue is full (syncookies
 * 1) or always (syncookies 2), a SYN is answered with a SYN-ACK whose ISN
 * encodes what a request entry would have held, and nothing is kept. A
 * final ACK that no request entry knows is checked against it.
 *
 * The cookie (our ISN), 32 bits:
 *
 *   31      25 24 23 22                                         0
 *  +----------+-----+--------------------------------------------+
 *  |  t mod   | MSS |  SipHash(namespace secret; addresses, ports,|
 *  |   128    |index|  the peer's ISN, t, MSS index), low 23 bits|
 *  +----------+-----+--------------------------------------------+
 *
 * t counts 2-second ticks. A cookie is valid while its age is at most
 * syncookie_lifetime_ms (default 2 minutes, as Linux's), and its hash
 * matches. The MSS index points into {536, 1300, 1440, 1460}: the largest
 * entry not above the peer's MSS. When both sides use timestamps, the low
 * five bits of our SYN-ACK's TSval carry the rest: bit 4 says the peer
 * offered window scaling, bits 3..0 its shift; the final ACK echoes them
 * in its TSecr. Without timestamps a cookie connection has no window
 * scaling, as in Linux.
 */
#include <linux/random.h>
#include <linux/siphash.h>
#include "netns.h"
#include "syncookies.h"
#include "ttp.h"

#define TTP_COOKIE_TICK_MS	2000
#define TTP_COOKIE_T_BITS	7
#define TTP_COOKIE_T_MASK	((1U << TTP_COOKIE_T_BITS) - 1)
#define TTP_COOKIE_HASH_BITS	23
#define TTP_COOKIE_HASH_MASK	((1U << TTP_COOKIE_HASH_BITS) - 1)
#define TTP_COOKIE_TS_WSOK	0x10
#define TTP_COOKIE_TS_MASK	0x1f

static const u16 ttp_cookie_mss[] = { 536, 1300, 1440, 1460 };

u32 ttp_cookie_time(void)
{
	return (u32)div_u64(ktime_get_boottime_ns(), TTP_COOKIE_TICK_MS * NSEC_PER_MSEC);
}

static u32 ttp_cookie_hash(const siphash_key_t *secret, const struct ttp_conn_key *key,
			   u32 peer_isn, u32 t, u32 idx)
{
	struct {
		struct ttp_conn_key key;
		u32 peer_isn;
		u32 t;
		u32 idx;
	} __aligned(SIPHASH_ALIGNMENT) in = {
		.key = *key, .peer_isn = peer_isn, .t = t, .idx = idx
	};

	return (u32)siphash(&in, sizeof(in), secret) & TTP_COOKIE_HASH_MASK;
}

/* The cookie for a SYN with ISN PEER_ISN and MSS option PEER_MSS at time T. */
u32 ttp_cookie_make(const siphash_key_t *secret, const struct ttp_conn_key *key,
		    u32 peer_isn, u16 peer_mss, u32 t)
{
	u32 idx = ARRAY_SIZE(ttp_cookie_mss) - 1;

	while (idx && ttp_cookie_mss[idx] > peer_mss)
		idx--;
	return (t & TTP_COOKIE_T_MASK) << (32 - TTP_COOKIE_T_BITS) |
	       idx << TTP_COOKIE_HASH_BITS |
	       ttp_cookie_hash(secret, key, peer_isn, t, idx);
}
EXPORT_SYMBOL_IF_KUNIT(ttp_cookie_make);

/*
 * Check COOKIE (the final ACK's ack - 1) against PEER_ISN (its seq - 1) at
 * time NOW, for a lifetime of LIFETIME_MS. Returns the MSS it encodes, or
 * 0 for an invalid or expired cookie.
 */
u16 ttp_cookie_check(const siphash_key_t *secret, const struct ttp_conn_key *key,
		     u32 peer_isn, u32 cookie, u32 now, u32 lifetime_ms)
{
	u32 ct = cookie >> (32 - TTP_COOKIE_T_BITS);
	u32 age = (now - ct) & TTP_COOKIE_T_MASK;
	u32 idx = (cookie >> TTP_COOKIE_HASH_BITS) & 3;
	u32 t = now - age;

	if (age > DIV_ROUND_UP(lifetime_ms, TTP_COOKIE_TICK_MS))
		return 0;
	if ((cookie & TTP_COOKIE_HASH_MASK) != ttp_cookie_hash(secret, key, peer_isn, t, idx))
		return 0;
	return ttp_cookie_mss[idx];
}
EXPORT_SYMBOL_IF_KUNIT(ttp_cookie_check);

/*
 * Our SYN-ACK's TSval, carrying the peer's window scale. It must not be
 * ahead of our clock (TSVAL): the peer keeps it as its newest timestamp,
 * and PAWS would throw away everything we send until the clock caught up,
 * up to 31 ms later, long enough to lose the first reply of every cookie
 * connection. So when the bits would put it ahead, step one unit back.
 */
u32 ttp_cookie_tsval(u32 tsval, bool wscale_ok, u8 wscale)
{
	u32 v = (tsval & ~TTP_COOKIE_TS_MASK) |
		(wscale_ok ? TTP_COOKIE_TS_WSOK | (wscale & 0xf) : 0);

	if ((s32)(v - tsval) > 0)
		v -= TTP_COOKIE_TS_MASK + 1;
	return v;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_cookie_tsval);

void ttp_cookie_ts_decode(u32 tsecr, bool *wscale_ok, u8 *wscale)
{
	*wscale_ok = tsecr & TTP_COOKIE_TS_WSOK;
	*wscale = *wscale_ok ? min_t(u8, tsecr & 0xf, TTP_MAX_WSCALE) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(ttp_cookie_ts_decode);

void ttp_cookie_init_secret(siphash_key_t *secret)
{
	get_random_bytes(secret, sizeof(*secret));
}
