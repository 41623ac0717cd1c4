/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TTP_SYNCOOKIES_H
#define _TTP_SYNCOOKIES_H

#include <linux/siphash.h>
#include <linux/types.h>

struct ttp_conn_key;

u32 ttp_cookie_time(void);
u32 ttp_cookie_make(const siphash_key_t *secret, const struct ttp_conn_key *key,
		    u32 peer_isn, u16 peer_mss, u32 t);
u16 ttp_cookie_check(const siphash_key_t *secret, const struct ttp_conn_key *key,
		     u32 peer_isn, u32 cookie, u32 now, u32 lifetime_ms);
u32 ttp_cookie_tsval(u32 tsval, bool wscale_ok, u8 wscale);
void ttp_cookie_ts_decode(u32 tsecr, bool *wscale_ok, u8 *wscale);
void ttp_cookie_init_secret(siphash_key_t *secret);

#endif /* _TTP_SYNCOOKIES_H */
