/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TTP_SYNCOOKIES_H
#define _TTP_SYNCOOKIES_H

#include <linux/bits.h>
#include <linux/siphash.h>
#include <linux/types.h>

struct ttp_conn_key;

/* Bits of the cookie the checker compares: all of them (syncookies.c). */
#define TTP_COOKIE_HASH_BITS	32
#define TTP_COOKIE_HASH_MASK	((u32)(BIT_ULL(TTP_COOKIE_HASH_BITS) - 1))

/* When a cookie is made or checked, and the clocks that tie it to time. */
struct ttp_cookie_when {
	bool ts;		/* timestamps: the SYN-ACK carried them */
	u32 tsval;		/* with ts: our SYN-ACK's TSval (the ACK's TSecr) */
	u32 ts_now;		/* with ts, checking: the connection's TSval clock */
	u64 now_ms;		/* without ts: ttp_cookie_now_ms() */
	u32 lifetime_ms;	/* syncookie_lifetime_ms */
};

u64 ttp_cookie_now_ms(void);
u32 ttp_cookie_make(const siphash_key_t *secret, const struct ttp_conn_key *key,
		    u32 peer_isn, u16 peer_mss, const struct ttp_cookie_when *when);
u16 ttp_cookie_check(const siphash_key_t *secret, const struct ttp_conn_key *key,
		     u32 peer_isn, u32 cookie, const struct ttp_cookie_when *when);
u16 ttp_cookie_check_masked(const siphash_key_t *secret, const struct ttp_conn_key *key,
			    u32 peer_isn, u32 cookie, const struct ttp_cookie_when *when,
			    u32 mask);
u32 ttp_cookie_tsval(u32 tsval, bool wscale_ok, u8 wscale, bool sack_ok);
void ttp_cookie_ts_decode(u32 tsecr, bool *wscale_ok, u8 *wscale, bool *sack_ok);
void ttp_cookie_init_secret(siphash_key_t *secret);

#endif /* _TTP_SYNCOOKIES_H */
