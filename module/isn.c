// SPDX-License-Identifier: GPL-2.0
/*
 * Initial sequence numbers per RFC 6528: a keyed hash of the 4-tuple plus a
 * clock ticking every 64 ns, as Linux does. The keys are random, made once
 * when the module loads; a second key gives each connection its own
 * timestamp origin, so TSval does not tell the uptime.
 */
#include <linux/random.h>
#include <linux/siphash.h>
#include <linux/ktime.h>
#include "ttp.h"

static siphash_aligned_key_t ttp_isn_key;
static siphash_aligned_key_t ttp_ts_key;

void ttp_isn_init(void)
{
	get_random_bytes(&ttp_isn_key, sizeof(ttp_isn_key));
	get_random_bytes(&ttp_ts_key, sizeof(ttp_ts_key));
}

static u32 ttp_isn_clock(void)
{
	return (u32)(ktime_get_real_ns() >> 6);
}

u32 ttp_isn_v4(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport)
{
	return siphash_3u32((__force u32)saddr, (__force u32)daddr,
			    (__force u32)sport << 16 | (__force u32)dport,
			    &ttp_isn_key) + ttp_isn_clock();
}

u32 ttp_isn_v6(const struct in6_addr *saddr, const struct in6_addr *daddr,
	       __be16 sport, __be16 dport)
{
	const struct {
		struct in6_addr saddr;
		struct in6_addr daddr;
		__be16 sport;
		__be16 dport;
	} __aligned(SIPHASH_ALIGNMENT) tuple = {
		.saddr = *saddr,
		.daddr = *daddr,
		.sport = sport,
		.dport = dport,
	};

	return siphash(&tuple, offsetofend(typeof(tuple), dport), &ttp_isn_key) +
	       ttp_isn_clock();
}

u32 ttp_ts_offset(const struct ttp_conn_key *key)
{
	return siphash(key, sizeof(*key), &ttp_ts_key);
}
