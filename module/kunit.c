// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for TTP's pure logic, built as ttp_kunit.ko when the kernel
 * has CONFIG_KUNIT (the debug kernel of the test runner). Loading it after
 * ttp.ko runs every suite; selftests/ttp_kunit.sh reports the results as
 * TAP cases of the suite: the parameter table, state and counter names,
 * sequence arithmetic, header options, the RTT estimator, SYN cookies,
 * ports, CUBIC with HyStart++ against their RFCs' equations, the sizing
 * and holding of large segments against TCP's rules, and the receive
 * window against what its data costs once compacted.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/string.h>
#include "compat.h"
#include "params.h"
#include "stats.h"
#include "syncookies.h"
#include "ttp.h"

/* Every row is complete, self-consistent and unique. */
static void ttp_param_table_test(struct kunit *test)
{
	static const char *const units[] = { "ms", "count", "bool", "mode", "pages" };
	int id, other, u;

	for (id = 0; id < TTP_PARAM_COUNT; id++) {
		const struct ttp_param_def *d = &ttp_param_defs[id];
		bool unit_ok = false;

		KUNIT_ASSERT_NOT_NULL_MSG(test, d->name, "parameter %d has no name", id);
		KUNIT_EXPECT_LE(test, strlen(d->name), (size_t)TTP_NAME_MAX);
		KUNIT_EXPECT_NOT_NULL(test, d->desc);
		KUNIT_EXPECT_LE_MSG(test, d->min, d->def, "%s: default below min", d->name);
		KUNIT_EXPECT_LE_MSG(test, d->def, d->max, "%s: default above max", d->name);
		for (u = 0; u < ARRAY_SIZE(units); u++)
			unit_ok |= d->unit && !strcmp(d->unit, units[u]);
		KUNIT_EXPECT_TRUE_MSG(test, unit_ok, "%s: unknown unit", d->name);
		if (d->unit && !strcmp(d->unit, "bool"))
			KUNIT_EXPECT_EQ_MSG(test, d->max, 1U, "%s: bool max", d->name);
		for (other = 0; other < id; other++)
			KUNIT_EXPECT_STRNEQ(test, d->name, ttp_param_defs[other].name);
	}
}

static void ttp_param_lookup_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ttp_param_lookup("msl_ms"), TTP_PARAM_MSL_MS);
	KUNIT_EXPECT_EQ(test, ttp_param_lookup("invalid_ratelimit_ms"),
			TTP_PARAM_INVALID_RATELIMIT_MS);
	KUNIT_EXPECT_EQ(test, ttp_param_lookup("msl"), -ENOENT);
	KUNIT_EXPECT_EQ(test, ttp_param_lookup("msl_ms "), -ENOENT);
	KUNIT_EXPECT_EQ(test, ttp_param_lookup("MSL_MS"), -ENOENT);
	KUNIT_EXPECT_EQ(test, ttp_param_lookup(""), -ENOENT);
}

static void ttp_param_range_test(struct kunit *test)
{
	int id;

	for (id = 0; id < TTP_PARAM_COUNT; id++) {
		const struct ttp_param_def *d = &ttp_param_defs[id];

		KUNIT_EXPECT_TRUE(test, ttp_param_in_range(id, d->min));
		KUNIT_EXPECT_TRUE(test, ttp_param_in_range(id, d->max));
		KUNIT_EXPECT_TRUE(test, ttp_param_in_range(id, d->def));
		KUNIT_EXPECT_FALSE(test, ttp_param_in_range(id, (u64)d->max + 1));
		if (d->min > 0)
			KUNIT_EXPECT_FALSE(test, ttp_param_in_range(id, d->min - 1));
		/* Values past 32 bits must not wrap into the range. */
		KUNIT_EXPECT_FALSE(test, ttp_param_in_range(id, (1ULL << 32) + d->def));
		KUNIT_EXPECT_FALSE(test, ttp_param_in_range(id, U64_MAX));
	}
}

static void ttp_param_rules_test(struct kunit *test)
{
	u32 v[TTP_PARAM_COUNT];
	int id;

	ttp_params_init_defaults(v);
	for (id = 0; id < TTP_PARAM_COUNT; id++)
		KUNIT_EXPECT_EQ(test, v[id], ttp_param_defs[id].def);
	KUNIT_EXPECT_NULL(test, ttp_params_inconsistent(v));

	v[TTP_PARAM_RTO_MIN_MS] = 5000;
	v[TTP_PARAM_RTO_MAX_MS] = 5000;
	KUNIT_EXPECT_NULL(test, ttp_params_inconsistent(v));
	v[TTP_PARAM_RTO_MAX_MS] = 4999;
	KUNIT_EXPECT_NOT_NULL(test, ttp_params_inconsistent(v));

	/* The memory triple stays ordered; equal is fine. */
	v[TTP_PARAM_RTO_MAX_MS] = 5000;
	v[TTP_PARAM_MEM_MIN_PAGES] = 100;
	v[TTP_PARAM_MEM_PRESSURE_PAGES] = 100;
	v[TTP_PARAM_MEM_MAX_PAGES] = 200;
	KUNIT_EXPECT_NULL(test, ttp_params_inconsistent(v));
	v[TTP_PARAM_MEM_PRESSURE_PAGES] = 201;
	KUNIT_EXPECT_NOT_NULL(test, ttp_params_inconsistent(v));
	v[TTP_PARAM_MEM_PRESSURE_PAGES] = 99;
	KUNIT_EXPECT_NOT_NULL(test, ttp_params_inconsistent(v));
}

static struct kunit_case ttp_param_cases[] = {
	KUNIT_CASE(ttp_param_table_test),
	KUNIT_CASE(ttp_param_lookup_test),
	KUNIT_CASE(ttp_param_range_test),
	KUNIT_CASE(ttp_param_rules_test),
	{}
};

static struct kunit_suite ttp_param_suite = {
	.name = "ttp_params",
	.test_cases = ttp_param_cases,
};

static void ttp_state_names_test(struct kunit *test)
{
	bool reported[TTP_STATE_MAX + 1] = {};
	int i, s;

	for (s = TTP_ESTABLISHED; s <= TTP_STATE_MAX; s++) {
		KUNIT_ASSERT_NOT_NULL(test, ttp_state_name(s));
		KUNIT_EXPECT_LE(test, strlen(ttp_state_name(s)), (size_t)TTP_NAME_MAX);
	}
	KUNIT_EXPECT_NULL(test, ttp_state_name(0));
	KUNIT_EXPECT_NULL(test, ttp_state_name(TTP_STATE_MAX + 1));
	KUNIT_EXPECT_STREQ(test, ttp_state_name(TTP_TIME_WAIT), "TIME_WAIT");
	KUNIT_EXPECT_FALSE(test, ttp_state_has_gauge(TTP_CLOSED));

	/* Reports list every state with a gauge exactly once. */
	for (i = 0; i < TTP_STATE_GAUGES; i++) {
		s = ttp_state_report_order[i];
		KUNIT_ASSERT_TRUE(test, ttp_state_has_gauge(s));
		KUNIT_EXPECT_FALSE(test, reported[s]);
		reported[s] = true;
	}
	for (s = TTP_ESTABLISHED; s <= TTP_STATE_MAX; s++)
		KUNIT_EXPECT_EQ(test, reported[s], ttp_state_has_gauge(s));
}

static void ttp_counter_names_test(struct kunit *test)
{
	int id, other;

	for (id = 0; id < TTP_COUNTER_COUNT; id++) {
		const char *name = ttp_counter_name(id);

		KUNIT_ASSERT_NOT_NULL_MSG(test, name, "counter %d has no name", id);
		KUNIT_EXPECT_GT(test, strlen(name), (size_t)0);
		KUNIT_EXPECT_LE(test, strlen(name), (size_t)TTP_NAME_MAX);
		for (other = 0; other < id; other++)
			KUNIT_EXPECT_STRNEQ(test, name, ttp_counter_name(other));
	}
	KUNIT_EXPECT_NULL(test, ttp_counter_name(-1));
	KUNIT_EXPECT_NULL(test, ttp_counter_name(TTP_COUNTER_COUNT));
}

static struct kunit_case ttp_stats_cases[] = {
	KUNIT_CASE(ttp_state_names_test),
	KUNIT_CASE(ttp_counter_names_test),
	{}
};

static struct kunit_suite ttp_stats_suite = {
	.name = "ttp_stats",
	.test_cases = ttp_stats_cases,
};

/* Sequence numbers compare modulo 2^32 (RFC 9293 3.4). */
static void ttp_seq_test(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, ttp_before(1, 2));
	KUNIT_EXPECT_FALSE(test, ttp_before(2, 2));
	KUNIT_EXPECT_TRUE(test, ttp_after(2, 1));
	/* Across the wrap. */
	KUNIT_EXPECT_TRUE(test, ttp_before(0xfffffff0U, 0x10));
	KUNIT_EXPECT_TRUE(test, ttp_after(0x10, 0xfffffff0U));
	/* Half the space away is the limit of "before". */
	KUNIT_EXPECT_TRUE(test, ttp_before(0, 0x7fffffffU));
	KUNIT_EXPECT_FALSE(test, ttp_before(0, 0x80000001U));
	KUNIT_EXPECT_TRUE(test, ttp_between(5, 5, 10));
	KUNIT_EXPECT_TRUE(test, ttp_between(10, 5, 10));
	KUNIT_EXPECT_FALSE(test, ttp_between(11, 5, 10));
	KUNIT_EXPECT_FALSE(test, ttp_between(4, 5, 10));
	KUNIT_EXPECT_TRUE(test, ttp_between(2, 0xfffffff0U, 0x10));
	KUNIT_EXPECT_FALSE(test, ttp_between(0x20, 0xfffffff0U, 0x10));
}

/*
 * The window offered: the right edge never moves left, whatever the
 * rounding the scale needs; it moves right only by the silly-window
 * minimum or more, an MSS or half the most it could offer; it is a
 * multiple of the scale's unit.
 */
static void ttp_window_check(struct kunit *test, u32 full, u32 mss, u8 ws)
{
	u32 sws = min(mss, full / 2), unit = 1U << ws, cur, free;

	for (cur = 0; cur < 5000; cur += 37)
		for (free = 0; free < 9000; free += 53) {
			u32 w = ttp_window_choose(cur, free, full, mss, ws);

			KUNIT_ASSERT_GE(test, w, cur);
			KUNIT_ASSERT_EQ(test, w % unit, 0U);
			if (free >= cur + sws)
				KUNIT_ASSERT_GE(test, w, round_down(free, unit));
			else
				KUNIT_ASSERT_LT(test, w, cur + unit);
		}
}

static void ttp_window_test(struct kunit *test)
{
	static const u32 mss[] = { 536, 1448 }, full[] = { 2, 1500, 2896, 1 << 20 };
	u32 i, j;
	u8 ws;

	for (ws = 0; ws <= 8; ws += 4)
		for (i = 0; i < ARRAY_SIZE(mss); i++)
			for (j = 0; j < ARRAY_SIZE(full); j++)
				ttp_window_check(test, full[j], mss[i], ws);
	/* The case that once moved the edge left: free just above cur. */
	KUNIT_EXPECT_EQ(test, ttp_window_choose(133700, 133710, 1 << 20, 1448, 7), 133760U);
	/* A buffer shrunk below one unit of the scale still offers one. */
	KUNIT_EXPECT_EQ(test, ttp_window_choose(0, 1152, 1152, 1460, 14), 16384U);
	/*
	 * Loopback's MSS against a window grown only to 63,360 bytes: once
	 * drained, it opens again, where an MSS's minimum kept it shut.
	 */
	KUNIT_EXPECT_EQ(test, ttp_window_choose(0, 63360, 63360, 65495, 7), 63360U);
}

static struct kunit_case ttp_seq_cases[] = {
	KUNIT_CASE(ttp_seq_test),
	KUNIT_CASE(ttp_window_test),
	{}
};

static struct kunit_suite ttp_seq_suite = {
	.name = "ttp_seq",
	.test_cases = ttp_seq_cases,
};

/* What ttp_write_options() writes, ttp_parse_options() reads back. */
static void ttp_options_roundtrip_test(struct kunit *test)
{
	struct ttp_skb_cb cb = {};
	u8 buf[TTP_MAX_OPT_LEN], *end;

	end = ttp_write_options(buf, 1460, 7, false, true, 0x11223344, 0x55667788);
	/* MSS 4, NOP and scale 4, two NOPs and timestamps 12: whole words. */
	KUNIT_ASSERT_EQ(test, end - buf, 20);
	KUNIT_ASSERT_EQ(test, ttp_parse_options(buf, end - buf, true, &cb), 0);
	KUNIT_EXPECT_TRUE(test, cb.has_mss);
	KUNIT_EXPECT_EQ(test, cb.mss, 1460);
	KUNIT_EXPECT_TRUE(test, cb.has_wscale);
	KUNIT_EXPECT_EQ(test, cb.wscale, 7);
	KUNIT_EXPECT_TRUE(test, cb.has_ts);
	KUNIT_EXPECT_EQ(test, cb.tsval, 0x11223344U);
	KUNIT_EXPECT_EQ(test, cb.tsecr, 0x55667788U);

	/* MSS and window scale count only on a SYN. */
	memset(&cb, 0, sizeof(cb));
	KUNIT_ASSERT_EQ(test, ttp_parse_options(buf, end - buf, false, &cb), 0);
	KUNIT_EXPECT_FALSE(test, cb.has_mss);
	KUNIT_EXPECT_FALSE(test, cb.has_wscale);
	KUNIT_EXPECT_TRUE(test, cb.has_ts);

	/* SACK permitted in the timestamps' padding, or padded itself. */
	end = ttp_write_options(buf, 1460, 7, true, true, 1, 2);
	KUNIT_ASSERT_EQ(test, end - buf, 20);
	memset(&cb, 0, sizeof(cb));
	KUNIT_ASSERT_EQ(test, ttp_parse_options(buf, end - buf, true, &cb), 0);
	KUNIT_EXPECT_TRUE(test, cb.sack_ok);
	KUNIT_EXPECT_TRUE(test, cb.has_ts);
	KUNIT_EXPECT_EQ(test, cb.tsval, 1U);
	end = ttp_write_options(buf, 0, -1, true, false, 0, 0);
	KUNIT_ASSERT_EQ(test, end - buf, 4);
	memset(&cb, 0, sizeof(cb));
	KUNIT_ASSERT_EQ(test, ttp_parse_options(buf, end - buf, true, &cb), 0);
	KUNIT_EXPECT_TRUE(test, cb.sack_ok);
	KUNIT_EXPECT_FALSE(test, cb.has_ts);
	/* Only on a SYN. */
	memset(&cb, 0, sizeof(cb));
	KUNIT_ASSERT_EQ(test, ttp_parse_options(buf, end - buf, false, &cb), 0);
	KUNIT_EXPECT_FALSE(test, cb.sack_ok);
}

static void ttp_options_malformed_test(struct kunit *test)
{
	static const u8 past_end[] = { TTP_OPT_MSS, 8, 0, 0 };
	static const u8 zero_len[] = { TTP_OPT_TIMESTAMP, 0, 0, 0 };
	static const u8 cut[] = { TTP_OPT_NOP, TTP_OPT_NOP, TTP_OPT_NOP, TTP_OPT_WSCALE };
	static const u8 unknown[] = { 99, 4, 1, 2, TTP_OPT_WSCALE, 3, 30, TTP_OPT_EOL };
	static const u8 bad_len[] = { TTP_OPT_MSS, 3, 5, TTP_OPT_NOP };
	static const u8 after_eol[] = { TTP_OPT_EOL, TTP_OPT_MSS, 9, 9 };
	struct ttp_skb_cb cb = {};

	KUNIT_EXPECT_EQ(test, ttp_parse_options(past_end, 4, true, &cb), -EINVAL);
	KUNIT_EXPECT_EQ(test, ttp_parse_options(zero_len, 4, true, &cb), -EINVAL);
	KUNIT_EXPECT_EQ(test, ttp_parse_options(cut, 4, true, &cb), -EINVAL);
	/* Unknown kinds are skipped; a shift past 14 is taken as 14. */
	KUNIT_EXPECT_EQ(test, ttp_parse_options(unknown, 8, true, &cb), 0);
	KUNIT_EXPECT_TRUE(test, cb.has_wscale);
	KUNIT_EXPECT_EQ(test, cb.wscale, TTP_MAX_WSCALE);
	/* A known kind of the wrong length is ignored, as TCP does. */
	memset(&cb, 0, sizeof(cb));
	KUNIT_EXPECT_EQ(test, ttp_parse_options(bad_len, 4, true, &cb), 0);
	KUNIT_EXPECT_FALSE(test, cb.has_mss);
	/* Nothing after EOL counts, malformed or not. */
	KUNIT_EXPECT_EQ(test, ttp_parse_options(after_eol, 4, true, &cb), 0);
	KUNIT_EXPECT_FALSE(test, cb.has_mss);
}

static void ttp_wscale_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ttp_choose_wscale(65535), 0);
	KUNIT_EXPECT_EQ(test, ttp_choose_wscale(65536), 1);
	KUNIT_EXPECT_EQ(test, ttp_choose_wscale(212992), 2);
	KUNIT_EXPECT_EQ(test, ttp_choose_wscale(6 << 20), 7);
	KUNIT_EXPECT_EQ(test, ttp_choose_wscale(INT_MAX), TTP_MAX_WSCALE);
}

static struct kunit_case ttp_options_cases[] = {
	KUNIT_CASE(ttp_options_roundtrip_test),
	KUNIT_CASE(ttp_options_malformed_test),
	KUNIT_CASE(ttp_wscale_test),
	{}
};

static struct kunit_suite ttp_options_suite = {
	.name = "ttp_options",
	.test_cases = ttp_options_cases,
};

/* RFC 6298's estimator and the RTO's bounds. */
static void ttp_rtt_test(struct kunit *test)
{
	struct ttp_rtt rtt = {};
	u32 j = jiffies_to_usecs(1);

	ttp_rtt_sample(&rtt, 100000);
	KUNIT_EXPECT_EQ(test, rtt.srtt_us, 100000U);
	KUNIT_EXPECT_EQ(test, rtt.rttvar_us, 50000U);
	/* RTO = SRTT + 4 * RTTVAR = 300 ms. */
	KUNIT_EXPECT_EQ(test, ttp_rto_jiffies(&rtt, 1, 100000), usecs_to_jiffies(300000));
	ttp_rtt_sample(&rtt, 200000);
	/* RTTVAR = 3/4 * 50 + 1/4 * 100; SRTT = 7/8 * 100 + 1/8 * 200 (ms). */
	KUNIT_EXPECT_EQ(test, rtt.rttvar_us, 62500U);
	KUNIT_EXPECT_EQ(test, rtt.srtt_us, 112500U);
	/* Clamped to the bounds; the minimum wins if they cross. */
	KUNIT_EXPECT_EQ(test, ttp_rto_jiffies(&rtt, 1000, 2000), 1000U);
	KUNIT_EXPECT_EQ(test, ttp_rto_jiffies(&rtt, 1, 2), 2U);
	KUNIT_EXPECT_EQ(test, ttp_rto_jiffies(&rtt, 10, 5), 10U);
	/* A steady tiny RTT: the clock's granularity keeps RTO above SRTT. */
	rtt.srtt_us = 10;
	rtt.rttvar_us = 0;
	KUNIT_EXPECT_EQ(test, ttp_rto_jiffies(&rtt, 0, 100000), usecs_to_jiffies(10 + j));
	/* No overflow for absurd estimates. */
	rtt.srtt_us = U32_MAX;
	rtt.rttvar_us = U32_MAX;
	KUNIT_EXPECT_EQ(test, ttp_rto_jiffies(&rtt, 1, 12345), 12345U);
	/* A zero sample counts as the smallest one. */
	memset(&rtt, 0, sizeof(rtt));
	ttp_rtt_sample(&rtt, 0);
	KUNIT_EXPECT_EQ(test, rtt.srtt_us, 1U);
	/* Timestamp echoes: at least 1 ms; none from the future or stale. */
	KUNIT_EXPECT_EQ(test, ttp_tsecr_rtt_us(1000, 990), 10000U);
	KUNIT_EXPECT_EQ(test, ttp_tsecr_rtt_us(1000, 1000), 1000U);
	KUNIT_EXPECT_EQ(test, ttp_tsecr_rtt_us(5, 0xfffffffb), 10000U);
	KUNIT_EXPECT_EQ(test, ttp_tsecr_rtt_us(1000, 1020), 0U);
	KUNIT_EXPECT_EQ(test, ttp_tsecr_rtt_us(0xfffffff0, 3), 0U);
	KUNIT_EXPECT_EQ(test, ttp_tsecr_rtt_us(100000, 100000 - 61000), 0U);
}

/*
 * Exponential backoff (the SYN-ACK's, the persist timer's): doubling per
 * try up to the cap, and the cap for counts far past a word's width,
 * where a plain shift would be undefined (and on x86 wrap to the start).
 */
static void ttp_rto_backoff_test(struct kunit *test)
{
	unsigned int n;

	KUNIT_EXPECT_EQ(test, ttp_rto_backoff(100, 0, 100000), 100UL);
	KUNIT_EXPECT_EQ(test, ttp_rto_backoff(100, 3, 100000), 800UL);
	KUNIT_EXPECT_EQ(test, ttp_rto_backoff(100, 10, 100000), 100000UL);
	for (n = 31; n <= 255; n++)
		KUNIT_EXPECT_EQ_MSG(test, ttp_rto_backoff(1, n, 120000), 120000UL,
				    "after %u doublings", n);
	KUNIT_EXPECT_EQ(test, ttp_rto_backoff(U32_MAX, 255, U32_MAX), (unsigned long)U32_MAX);
}

static struct kunit_case ttp_rtt_cases[] = {
	KUNIT_CASE(ttp_rtt_test),
	KUNIT_CASE(ttp_rto_backoff_test),
	{}
};

static struct kunit_suite ttp_rtt_suite = {
	.name = "ttp_rtt",
	.test_cases = ttp_rtt_cases,
};

/*
 * CUBIC's curve against RFC 9438's equations, worked by hand: W_max 100
 * and a window of 70 after the loss give K = cbrt(30 / 0.4) = 4.217 s
 * (4318 in 1/1024 s); W(0) = 70, W(2 s) = 95.6, W(K) = 100, W(6 s) =
 * 102.3. The fixed point may be a segment off the real figure, no more.
 */
static void ttp_cubic_curve_test(struct kunit *test)
{
	u32 k = ttp_cubic_k(100, 70), t, prev = 0;

	KUNIT_EXPECT_TRUE_MSG(test, k >= 4317 && k <= 4319, "K %u, not 4318", k);
	KUNIT_EXPECT_EQ(test, ttp_cubic_k(100, 100), 0U);
	KUNIT_EXPECT_EQ(test, ttp_cubic_k(100, 120), 0U);
	/* cbrt(3000 / 0.4) = 19.574 s. */
	k = ttp_cubic_k(10000, 7000);
	KUNIT_EXPECT_TRUE_MSG(test, k >= 20043 && k <= 20045, "K %u, not 20044", k);

	k = ttp_cubic_k(100, 70);
	KUNIT_EXPECT_TRUE(test, ttp_cubic_w(100, k, 0) >= 70 && ttp_cubic_w(100, k, 0) <= 71);
	KUNIT_EXPECT_TRUE(test, ttp_cubic_w(100, k, 2048) >= 95 && ttp_cubic_w(100, k, 2048) <= 96);
	KUNIT_EXPECT_EQ(test, ttp_cubic_w(100, k, k), 100U);
	KUNIT_EXPECT_EQ(test, ttp_cubic_w(100, k, 6144), 102U);
	/* Concave, then convex, never down; far in the future, no overflow. */
	for (t = 0; t < 20 * 1024; t += 64) {
		u32 w = ttp_cubic_w(100, k, t);

		KUNIT_EXPECT_GE_MSG(test, w, prev, "the curve went down at t %u", t);
		prev = w;
	}
	KUNIT_EXPECT_GE(test, ttp_cubic_w(100, k, U32_MAX), 100U);
	KUNIT_EXPECT_EQ(test, ttp_cubic_w(100, k, U32_MAX), ttp_cubic_w(100, k, U32_MAX - 1));
}

/*
 * CUBIC's growth in avoidance, as Linux's bictcp_update() has it: the
 * Reno-friendly estimate grows 0.53 a round trip (alpha, RFC 9438 4.3),
 * beyond W_max too; the window by one per CNT segments ACKed, to reach
 * the curve's target in a round trip, at most 1.5 times a round trip;
 * before any loss at least 5% a round trip.
 */
static void ttp_cubic_growth_test(struct kunit *test)
{
	u32 w_est = 100 << 10, acc = 0;
	int rtt, i;

	/* Ten round trips of a window of 100, ACKed a segment at a time. */
	for (rtt = 0; rtt < 10; rtt++)
		for (i = 0; i < 100; i++)
			w_est = ttp_cubic_reno_est(w_est, &acc, 100, 1);
	/* 100 + 10 x 0.529: 105.29. */
	KUNIT_EXPECT_EQ_MSG(test, w_est >> 10, 105U, "w_est %u/1024, not 105.29", w_est);
	/* A stretch ACK counts as the segments it covers. */
	w_est = 100 << 10;
	acc = 0;
	for (rtt = 0; rtt < 10; rtt++)
		w_est = ttp_cubic_reno_est(w_est, &acc, 100, 100);
	KUNIT_EXPECT_EQ(test, w_est >> 10, 105U);

	/* The curve 10 segments ahead: one more per 10 ACKed. */
	KUNIT_EXPECT_EQ(test, ttp_cubic_cnt(100, 110, 100, 120), 10U);
	/* Flat, below W_max: all but still, one per 100 windows. */
	KUNIT_EXPECT_EQ(test, ttp_cubic_cnt(100, 100, 100, 120), 10000U);
	/* The Reno-friendly estimate ahead of the curve leads. */
	KUNIT_EXPECT_EQ(test, ttp_cubic_cnt(100, 100, 104, 120), 25U);
	/* At most 1.5 times a round trip, whoever leads. */
	KUNIT_EXPECT_EQ(test, ttp_cubic_cnt(100, 150, 100, 120), 2U);
	KUNIT_EXPECT_EQ(test, ttp_cubic_cnt(100, 400, 100, 120), 2U);
	KUNIT_EXPECT_EQ(test, ttp_cubic_cnt(100, 100, 300, 120), 2U);
	/* No loss yet: at least 5%. */
	KUNIT_EXPECT_EQ(test, ttp_cubic_cnt(100, 100, 100, 0), 20U);
	KUNIT_EXPECT_EQ(test, ttp_cubic_cnt(100, 110, 100, 0), 10U);
	KUNIT_EXPECT_EQ(test, ttp_cubic_cnt(1, 1, 1, 0), 20U);
}

/* One round of N acks from SND_UNA, each with an RTT sample of RTT_US. */
static enum ttp_hystart_step ttp_hystart_round(struct ttp_hystart *hs, u32 *una,
					       int n, u32 rtt_us)
{
	enum ttp_hystart_step step = TTP_HYSTART_SS;
	u32 end = hs->window_end;
	int i;

	for (i = 0; i < n; i++) {
		*una = i ? *una + 1 : end + 1;
		step = ttp_hystart_ack(hs, *una, end + 1000, rtt_us);
		if (step == TTP_HYSTART_EXIT)
			break;
	}
	return step;
}

/*
 * HyStart++ (RFC 9406 4.3): RttThresh is an eighth of the last round's
 * RTT within 4..16 ms; Conservative Slow Start begins after the eighth
 * sample of a round whose least RTT is that much above the last round's,
 * not before; it goes back to slow start if the RTT falls below where it
 * began, and ends slow start after five rounds.
 */
static void ttp_hystart_test(struct kunit *test)
{
	struct ttp_hystart hs;
	u32 una = 0;
	int r;

	KUNIT_EXPECT_EQ(test, ttp_hystart_thresh(40000), 5000U);
	KUNIT_EXPECT_EQ(test, ttp_hystart_thresh(10000), 4000U);
	KUNIT_EXPECT_EQ(test, ttp_hystart_thresh(200000), 16000U);

	ttp_hystart_init(&hs, 1000);
	KUNIT_EXPECT_EQ(test, ttp_hystart_round(&hs, &una, 8, 50000), TTP_HYSTART_SS);
	/* 56 ms < 50 + 6.25: still slow start. */
	KUNIT_EXPECT_EQ(test, ttp_hystart_round(&hs, &una, 8, 56000), TTP_HYSTART_SS);
	/* 64 ms >= 56 + 7, but only from the eighth sample on. */
	KUNIT_EXPECT_EQ(test, ttp_hystart_round(&hs, &una, 7, 64000), TTP_HYSTART_SS);
	KUNIT_EXPECT_EQ(test, ttp_hystart_ack(&hs, una + 1, una + 1000, 64000), TTP_HYSTART_CSS);
	una++;
	for (r = 1; r < 5; r++)
		KUNIT_EXPECT_EQ_MSG(test, ttp_hystart_round(&hs, &una, 8, 64000),
				    TTP_HYSTART_CSS, "CSS round %d", r);
	KUNIT_EXPECT_EQ(test, ttp_hystart_round(&hs, &una, 1, 64000), TTP_HYSTART_EXIT);
	KUNIT_EXPECT_TRUE(test, hs.done);

	/* An RTT below where CSS began: it was noise, slow start again. */
	ttp_hystart_init(&hs, 1000);
	ttp_hystart_round(&hs, &una, 8, 50000);
	KUNIT_EXPECT_EQ(test, ttp_hystart_round(&hs, &una, 8, 60000), TTP_HYSTART_CSS);
	KUNIT_EXPECT_EQ(test, ttp_hystart_round(&hs, &una, 8, 55000), TTP_HYSTART_SS);
	KUNIT_EXPECT_FALSE(test, hs.css);
}

static struct kunit_case ttp_cubic_cases[] = {
	KUNIT_CASE(ttp_cubic_curve_test),
	KUNIT_CASE(ttp_cubic_growth_test),
	KUNIT_CASE(ttp_hystart_test),
	{}
};

static struct kunit_suite ttp_cubic_suite = {
	.name = "ttp_cubic",
	.test_cases = ttp_cubic_cases,
};

/*
 * tcp_tso_autosize()'s sizes: a millisecond at 13 MB/s is 12,695 bytes,
 * 8 segments of 1448; a least RTT under 512 us adds up to 64 KiB (45
 * segments at most); never fewer than two.
 */
static void ttp_gso_autosize_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ttp_gso_autosize(13000000, 10, 40000, 65536, 1448), 8U);
	KUNIT_EXPECT_EQ(test, ttp_gso_autosize(13000000, 10, 100, 65536, 1448), 45U);
	/* 1000 us: half of 64 KiB more, 45,463 bytes. */
	KUNIT_EXPECT_EQ(test, ttp_gso_autosize(13000000, 10, 1000, 65536, 1448), 31U);
	KUNIT_EXPECT_EQ(test, ttp_gso_autosize(1000, 10, 40000, 65536, 1448), 2U);
	KUNIT_EXPECT_EQ(test, ttp_gso_autosize(U64_MAX, 10, U32_MAX, 65536, 1448), 45U);
}

/* A view in the order of struct ttp_gso_view's fields. */
#define TTP_VIEW(n_, goal_, cwnd_, wnd_, window_, srtt_, due_, since_, fin_)		\
	{ .n = (n_), .goal = (goal_), .cwnd_room = (cwnd_), .wnd_room = (wnd_),		\
	  .window = (window_), .srtt_us = (srtt_), .ack_due_us = (due_),		\
	  .since_send_ns = (since_), .fin = (fin_) }

/*
 * tcp_tso_should_defer()'s rules. The first row, an ACK clock freeing two
 * segments of a 300-segment window, the goal 9, the last send 100 us ago
 * and the oldest segment's ACK overdue, holds them; every other row
 * differs from it in what it names, so that each rule is seen on its own.
 */
static void ttp_gso_hold_test(struct kunit *test)
{
	static const struct {
		const char *why;
		struct ttp_gso_view v;
		bool hold, cwnd_limited;
	} rows[] = {
		{ "the congestion window short of the goal",
		  TTP_VIEW(2, 9, 2, 1000, 300, 40000, -100, 100000, false), true, true },
		{ "the peer's window short of the goal",
		  TTP_VIEW(2, 9, 50, 2, 300, 40000, -100, 100000, false), true, false },
		{ "paced ahead of the clock",
		  TTP_VIEW(2, 9, 2, 1000, 300, 40000, -100, -5000000, false), true, true },
		{ "the ACK due within a millisecond, under srtt/2",
		  TTP_VIEW(2, 9, 2, 1000, 300, 40000, 900, 100000, false), true, true },
		{ "the goal is met",
		  TTP_VIEW(9, 9, 9, 1000, 300, 40000, -100, 100000, false), false, false },
		{ "the least goal",
		  TTP_VIEW(1, 2, 1, 1000, 300, 40000, -100, 100000, false), false, false },
		{ "all that was written, for more",
		  TTP_VIEW(2, 9, 5, 1000, 300, 40000, -100, 100000, false), true, false },
		{ "all that was written, one segment",
		  TTP_VIEW(1, 9, 5, 1000, 300, 40000, -100, 100000, false), false, false },
		{ "all that was written, a short segment",
		  TTP_VIEW(0, 9, 5, 1000, 300, 40000, -100, 100000, false), false, false },
		{ "all that was written, ending with FIN",
		  TTP_VIEW(2, 9, 5, 1000, 300, 40000, -100, 100000, true), false, false },
		{ "a third of the window",
		  TTP_VIEW(2, 9, 2, 1000, 6, 40000, -100, 100000, false), false, false },
		{ "quiet 1.5 ms",
		  TTP_VIEW(2, 9, 2, 1000, 300, 40000, -100, 1500000, false), false, false },
		{ "the ACK 1.1 ms away",
		  TTP_VIEW(2, 9, 2, 1000, 300, 40000, 1100, 100000, false), false, false },
		{ "the ACK over srtt/2 away",
		  TTP_VIEW(2, 9, 2, 1000, 300, 1000, 600, 100000, false), false, false },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		bool cwnd_limited = false;

		KUNIT_EXPECT_EQ_MSG(test, ttp_gso_hold(&rows[i].v, &cwnd_limited),
				    rows[i].hold, "%s", rows[i].why);
		KUNIT_EXPECT_EQ_MSG(test, cwnd_limited, rows[i].cwnd_limited,
				    "%s: the congestion window the limit?", rows[i].why);
	}
}

static struct kunit_case ttp_autosize_cases[] = {
	KUNIT_CASE(ttp_gso_autosize_test),
	KUNIT_CASE(ttp_gso_hold_test),
	{}
};

static struct kunit_suite ttp_autosize_suite = {
	.name = "ttp_autosize",
	.test_cases = ttp_autosize_cases,
};

/* What one compact copy of BYTES costs: ttp_rcv_collapse()'s buffer. */
static u32 ttp_test_copy_cost(struct kunit *test, u32 bytes)
{
	struct sk_buff *skb;
	u32 cost;

	if (!bytes)
		return 0;
	skb = ttp_collapse_alloc(bytes, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	cost = skb->truesize;
	kfree_skb(skb);
	return cost;
}

/*
 * Whatever a window priced at the highest ratio invites, copied compact,
 * fits the buffer: each length of the last part-filled copy, for buffers
 * from the least that keeps the whole reserve to 6 MiB, empty and in
 * use. A buffer too small for the reserve still opens a window, and one
 * priced at the default half keeps none back.
 */
static void ttp_buffer_window_test(struct kunit *test)
{
	static const int rcvbufs[] = { 4 * SKB_TRUESIZE(SKB_MAX_ORDER(0, 0)), 65536,
				       212992, 6 << 20 };
	static const int used[] = { 0, 8192 };
	const u32 page = SKB_MAX_ORDER(0, 0), full = ttp_test_copy_cost(test, page);
	unsigned int i, j;
	u32 d;

	for (i = 0; i < ARRAY_SIZE(rcvbufs); i++) {
		for (j = 0; j < ARRAY_SIZE(used); j++) {
			int rcvbuf = rcvbufs[i], rmem = used[j];
			u32 wnd = ttp_buffer_window(rcvbuf, rmem, TTP_RATIO_MAX);

			KUNIT_ASSERT_GT(test, wnd, page);
			/* Full copies, and a last one of each length. */
			for (d = wnd - page; d <= wnd; d++)
				KUNIT_ASSERT_LE_MSG(test, rmem + d / page * full +
						    ttp_test_copy_cost(test, d % page),
						    (u32)rcvbuf, "rcvbuf %d, %d in use: %u bytes",
						    rcvbuf, rmem, d);
		}
	}
	KUNIT_EXPECT_GT(test, ttp_buffer_window(SOCK_MIN_RCVBUF, 0, TTP_DEFAULT_SCALING_RATIO), 0U);
	/* Room to spare at the default half: the whole of it. */
	KUNIT_EXPECT_EQ(test, ttp_buffer_window(131072, 0, TTP_DEFAULT_SCALING_RATIO), 65536U);
	KUNIT_EXPECT_EQ(test, ttp_buffer_window(65536, 65536, TTP_RATIO_MAX), 0U);
	KUNIT_EXPECT_EQ(test, ttp_buffer_window(65536, 70000, TTP_RATIO_MAX), 0U);
}

static struct kunit_case ttp_buffer_cases[] = {
	KUNIT_CASE(ttp_buffer_window_test),
	{}
};

static struct kunit_suite ttp_buffer_suite = {
	.name = "ttp_buffer",
	.test_cases = ttp_buffer_cases,
};

/* A fixed secret and 4-tuple, so that failures reproduce. */
static const siphash_key_t ttp_test_secret = { { 0x0123456789abcdefULL, 0xfedcba9876543210ULL } };

static void ttp_test_key(struct ttp_conn_key *key)
{
	memset(key, 0, sizeof(*key));
	key->family = AF_INET;
	key->laddr.v4 = htonl(0xc0000201);
	key->raddr.v4 = htonl(0xc0000202);
	key->lport = htons(8080);
	key->rport = htons(43210);
}

/* A cookie tied to the TSval TSVAL, checked when the clock reads TS_NOW. */
static struct ttp_cookie_when ttp_test_ts(u32 tsval, u32 ts_now, u32 lifetime_ms)
{
	return (struct ttp_cookie_when){ .ts = true, .tsval = tsval, .ts_now = ts_now,
					 .lifetime_ms = lifetime_ms };
}

/* A cookie without timestamps, at boot-time NOW_MS. */
static struct ttp_cookie_when ttp_test_epoch(u64 now_ms, u32 lifetime_ms)
{
	return (struct ttp_cookie_when){ .now_ms = now_ms, .lifetime_ms = lifetime_ms };
}

/*
 * A cookie checks for its own connection and gives back the MSS class:
 * one of four with timestamps, one of two without.
 */
static void ttp_cookie_valid_test(struct kunit *test)
{
	static const struct { u16 offered, ts, epoch; } mss[] = {
		{ 100, 536, 536 }, { 536, 536, 536 }, { 1299, 536, 536 },
		{ 1300, 1300, 1300 }, { 1400, 1300, 1300 }, { 1440, 1440, 1300 },
		{ 1460, 1460, 1300 }, { 9000, 1460, 1300 },
	};
	struct ttp_cookie_when ts = ttp_test_ts(0x12345670, 0x12345670, 120000);
	struct ttp_cookie_when epoch = ttp_test_epoch(1000000, 120000);
	struct ttp_conn_key key;
	unsigned int i;
	u32 cookie;

	ttp_test_key(&key);
	for (i = 0; i < ARRAY_SIZE(mss); i++) {
		cookie = ttp_cookie_make(&ttp_test_secret, &key, 0x11223344, mss[i].offered, &ts);
		KUNIT_EXPECT_EQ_MSG(test, ttp_cookie_check(&ttp_test_secret, &key, 0x11223344,
							   cookie, &ts),
				    mss[i].ts, "offered MSS %u, timestamps", mss[i].offered);
		cookie = ttp_cookie_make(&ttp_test_secret, &key, 0x11223344, mss[i].offered,
					 &epoch);
		KUNIT_EXPECT_EQ_MSG(test, ttp_cookie_check(&ttp_test_secret, &key, 0x11223344,
							   cookie, &epoch),
				    mss[i].epoch, "offered MSS %u, no timestamps", mss[i].offered);
	}
}

/* Anything that differs from what the cookie was made for fails. */
static void ttp_cookie_forged_test(struct kunit *test)
{
	const siphash_key_t other = { { 1, 2 } };
	struct ttp_cookie_when whens[] = {
		ttp_test_ts(0xabcd0017, 0xabcd0017 + 100, 120000),
		ttp_test_epoch(77 * 120000 + 5, 120000),
	};
	struct ttp_cookie_when w;
	struct ttp_conn_key key, moved;
	unsigned int i;
	u32 cookie;
	int bit, d;

	ttp_test_key(&key);
	for (i = 0; i < ARRAY_SIZE(whens); i++) {
		w = whens[i];
		cookie = ttp_cookie_make(&ttp_test_secret, &key, 5000, 1440, &w);
		KUNIT_ASSERT_NE(test, ttp_cookie_check(&ttp_test_secret, &key, 5000, cookie, &w),
				0);
		KUNIT_EXPECT_EQ(test, ttp_cookie_check(&other, &key, 5000, cookie, &w), 0);
		KUNIT_EXPECT_EQ(test, ttp_cookie_check(&ttp_test_secret, &key, 5001, cookie, &w),
				0);
		moved = key;
		moved.rport = htons(43211);
		KUNIT_EXPECT_EQ(test, ttp_cookie_check(&ttp_test_secret, &moved, 5000, cookie, &w),
				0);
		moved = key;
		moved.raddr.v4 = htonl(0xc0000203);
		KUNIT_EXPECT_EQ(test, ttp_cookie_check(&ttp_test_secret, &moved, 5000, cookie, &w),
				0);
		/* Nothing is in the clear: every single-bit change fails. */
		for (bit = 0; bit < 32; bit++)
			KUNIT_EXPECT_EQ_MSG(test, ttp_cookie_check(&ttp_test_secret, &key, 5000,
								   cookie ^ BIT(bit), &w),
					    0, "scheme %u, bit %d flipped", i, bit);
		/* The class is a secret multiple: a neighbour is no other class. */
		for (d = -3; d <= 3; d++)
			if (d)
				KUNIT_EXPECT_EQ_MSG(test,
						    ttp_cookie_check(&ttp_test_secret, &key, 5000,
								     cookie + d, &w),
						    0, "scheme %u, cookie %+d", i, d);
		/* Checked under the other scheme, it fails. */
		w.ts = !w.ts;
		w.tsval = w.ts ? 77 : 0;	/* even with the epoch's number as TSecr */
		w.ts_now = w.tsval;
		KUNIT_EXPECT_EQ(test, ttp_cookie_check(&ttp_test_secret, &key, 5000, cookie, &w),
				0);
	}
	/* The window scale in the TSval is hashed: a changed echo fails. */
	w = whens[0];
	cookie = ttp_cookie_make(&ttp_test_secret, &key, 5000, 1460, &w);
	for (bit = 0; bit < 5; bit++) {
		w.tsval = whens[0].tsval ^ BIT(bit);
		KUNIT_EXPECT_EQ_MSG(test, ttp_cookie_check(&ttp_test_secret, &key, 5000, cookie,
							   &w),
				    0, "TSecr bit %d flipped", bit);
	}
}

/*
 * With timestamps a cookie lives the lifetime to the millisecond (plus
 * the 31 ms its TSval may be stepped back), its clock's wrap included.
 * Without, epochs of the lifetime: at least one lifetime, under two.
 */
static void ttp_cookie_age_test(struct kunit *test)
{
	static const u32 lifetimes[] = { 2000, 120000, 240000 };
	struct ttp_cookie_when w;
	struct ttp_conn_key key;
	u32 tsval, cookie, l;
	unsigned int i;
	u64 made, r;

	ttp_test_key(&key);
	for (i = 0; i < ARRAY_SIZE(lifetimes); i++) {
		l = lifetimes[i];
		for (tsval = 0xfffffff0U; tsval != 0x30; tsval += 0x10) {
			w = ttp_test_ts(tsval, tsval, l);
			cookie = ttp_cookie_make(&ttp_test_secret, &key, 42, 1460, &w);
			/* The lifetime, and the 63 ms the TSval may step back. */
			w.ts_now = tsval + l + 63;
			KUNIT_EXPECT_EQ(test, ttp_cookie_check(&ttp_test_secret, &key, 42, cookie,
							       &w), 1460);
			w.ts_now = tsval + l + 64;
			KUNIT_EXPECT_EQ(test, ttp_cookie_check(&ttp_test_secret, &key, 42, cookie,
							       &w), 0);
			/* A TSecr ahead of the clock was never ours. */
			w.ts_now = tsval - 1;
			KUNIT_EXPECT_EQ(test, ttp_cookie_check(&ttp_test_secret, &key, 42, cookie,
							       &w), 0);
		}
		for (r = 0; r < l; r += l / 2 - 1) {
			made = 5ULL * l + r;
			w = ttp_test_epoch(made, l);
			cookie = ttp_cookie_make(&ttp_test_secret, &key, 42, 1460, &w);
			w.now_ms = made + l;	/* a whole lifetime later: still valid */
			KUNIT_EXPECT_EQ(test, ttp_cookie_check(&ttp_test_secret, &key, 42, cookie,
							       &w), 1300);
			w.now_ms = 7ULL * l - 1;	/* the last moment of the next epoch */
			KUNIT_EXPECT_EQ(test, ttp_cookie_check(&ttp_test_secret, &key, 42, cookie,
							       &w), 1300);
			w.now_ms = 7ULL * l;	/* two epochs on: expired */
			KUNIT_EXPECT_EQ(test, ttp_cookie_check(&ttp_test_secret, &key, 42, cookie,
							       &w), 0);
			w.now_ms = 5ULL * l - 1;	/* before it was made */
			KUNIT_EXPECT_EQ(test, ttp_cookie_check(&ttp_test_secret, &key, 42, cookie,
							       &w), 0);
		}
	}
	/*
	 * A changed lifetime voids cookies made without timestamps, even where
	 * the epoch numbers meet: 100 s at 2 s is epoch 50, and so is 200 s at
	 * 4 s, but a cookie 100 s old must not pass.
	 */
	w = ttp_test_epoch(100000, 2000);
	cookie = ttp_cookie_make(&ttp_test_secret, &key, 42, 1460, &w);
	w = ttp_test_epoch(200000, 4000);
	KUNIT_EXPECT_EQ(test, ttp_cookie_check(&ttp_test_secret, &key, 42, cookie, &w), 0);
}

/*
 * How often a blind forger's final ACK passes: at most 2^-30 per try. At
 * full width that is too rare to count: 10^8 tries, the number,
 * would expect 0.09 passes at 2^-30 and 6 at the old cookie's 2^-24 (a
 * test that could not tell them apart), and take minutes on the debug
 * kernel under emulation. So the tries go to the real checker with only
 * the low 8 of the hash's bits compared (the mask is cut from
 * TTP_COOKIE_HASH_BITS, so a narrower hash is a wider mask here). Each ACK
 * number the checker accepts then passes a random try with 2^-8 instead
 * of 2^-32, and the rate measured times 2^-24 is the full-width rate,
 * SipHash taken as a random function: 2^20 tries here stand for 2^44 at
 * full width. At the bound, 4 accepted numbers, the rate is 4/256 and
 * 2^20 tries per scheme expect 16384 passes (standard deviation 127).
 * Allowed: 18432, 16 deviations above, which a right checker exceeds with
 * a chance below 10^-50 (Chernoff), while one that accepts a fifth number
 * (2^-29.7), expecting 20480, stays under it with one below 10^-45. The
 * tries are an attacker's: random addresses, ports, ISNs and ACK numbers,
 * a TSecr inside the accepted window, any time and lifetime. What this
 * shows is the number of (time, class) candidates the checker accepts and
 * the width it compares; that SipHash is a good PRF is assumed, not shown.
 * The seed and secret are fixed, so a run's count is always the same.
 * About 0.8 s per scheme on the debug kernel under TCG.
 */
#define TTP_TEST_FORGERY_CUT	24
#define TTP_TEST_FORGERY_TRIES	1048576	/* 2^20 */
#define TTP_TEST_FORGERY_LIMIT	18432

static void ttp_cookie_forgery_test(struct kunit *test)
{
	const u32 mask = TTP_COOKIE_HASH_MASK >> TTP_TEST_FORGERY_CUT;
	struct ttp_cookie_when w;
	struct ttp_conn_key key;
	struct rnd_state rnd;
	unsigned int scheme, i, passed;
	u64 start;
	u32 l;

	prandom_seed_state(&rnd, 21);
	ttp_test_key(&key);
	for (scheme = 0; scheme < 2; scheme++) {
		passed = 0;
		start = ktime_get_ns();
		for (i = 0; i < TTP_TEST_FORGERY_TRIES; i++) {
			key.raddr.v4 = (__force __be32)prandom_u32_state(&rnd);
			key.rport = (__force __be16)prandom_u32_state(&rnd);
			l = 2000 + prandom_u32_state(&rnd) % (240000 - 2000 + 1);
			if (scheme) {
				w = ttp_test_epoch(prandom_u32_state(&rnd) * 1000ULL, l);
			} else {
				w = ttp_test_ts(0, prandom_u32_state(&rnd), l);
				w.tsval = w.ts_now - prandom_u32_state(&rnd) % (l + 32);
			}
			if (ttp_cookie_check_masked(&ttp_test_secret, &key,
						    prandom_u32_state(&rnd),
						    prandom_u32_state(&rnd), &w, mask))
				passed++;
		}
		kunit_info(test, "%s: %u of %u forged ACKs passed on %d bits, %u expected at 2^-30, %llu ms\n",
			   scheme ? "no timestamps" : "timestamps", passed,
			   TTP_TEST_FORGERY_TRIES, hweight32(mask),
			   (u32)div_u64(TTP_TEST_FORGERY_TRIES * 4ULL, (u64)mask + 1),
			   div_u64(ktime_get_ns() - start, NSEC_PER_MSEC));
		KUNIT_EXPECT_LE_MSG(test, passed, TTP_TEST_FORGERY_LIMIT,
				    "%s: forgery above 2^-30 per try",
				    scheme ? "no timestamps" : "timestamps");
	}
}

/* The window scale rides in the SYN-ACK's TSval and comes back in TSecr. */
static void ttp_cookie_ts_test(struct kunit *test)
{
	bool ok, sack;
	u8 ws;
	u32 v;

	/* The bits would put it ahead of 0xabcdef00: one unit back. */
	v = ttp_cookie_tsval(0xabcdef00, true, 7, false);
	KUNIT_EXPECT_EQ(test, v, 0xabcdeec0U | 0x17);
	ttp_cookie_ts_decode(v, &ok, &ws, &sack);
	KUNIT_EXPECT_TRUE(test, ok);
	KUNIT_EXPECT_EQ(test, ws, 7);
	KUNIT_EXPECT_FALSE(test, sack);
	v = ttp_cookie_tsval(0xffffffff, false, 7, false);
	KUNIT_EXPECT_EQ(test, v, 0xffffffc0U);
	/* Never ahead of the clock, and less than a unit behind it. */
	for (u32 clock = 0xffffff80U; clock != 0x80; clock++) {
		for (u8 shift = 0; shift <= 14; shift++) {
			v = ttp_cookie_tsval(clock, true, shift, shift & 1);
			KUNIT_EXPECT_LE(test, (s32)(v - clock), 0);
			KUNIT_EXPECT_GT(test, (s32)(v - clock), -64);
			ttp_cookie_ts_decode(v, &ok, &ws, &sack);
			KUNIT_EXPECT_TRUE(test, ok);
			KUNIT_EXPECT_EQ(test, ws, shift);
			KUNIT_EXPECT_EQ(test, sack, (bool)(shift & 1));
		}
	}
	v = ttp_cookie_tsval(0xffffffff, false, 7, true);
	ttp_cookie_ts_decode(v, &ok, &ws, &sack);
	KUNIT_EXPECT_FALSE(test, ok);
	KUNIT_EXPECT_EQ(test, ws, 0);
	KUNIT_EXPECT_TRUE(test, sack);
	/* A forged echo asks for more than RFC 7323's 14: clamped. */
	ttp_cookie_ts_decode(0x1f, &ok, &ws, &sack);
	KUNIT_EXPECT_TRUE(test, ok);
	KUNIT_EXPECT_EQ(test, ws, 14);
}

static struct kunit_case ttp_cookie_cases[] = {
	KUNIT_CASE(ttp_cookie_valid_test),
	KUNIT_CASE(ttp_cookie_forged_test),
	KUNIT_CASE(ttp_cookie_age_test),
	KUNIT_CASE(ttp_cookie_forgery_test),
	KUNIT_CASE(ttp_cookie_ts_test),
	{}
};

static struct kunit_suite ttp_cookie_suite = {
	.name = "ttp_syncookies",
	.test_cases = ttp_cookie_cases,
};

/*
 * connect()'s port search: from any offset, every port of the range once
 * before any twice, so a free port is found if there is one; offsets a
 * hash apart start in different places.
 */
static void ttp_port_candidate_test(struct kunit *test)
{
	static const int ranges[][2] = {
		{ 32768, 60999 }, { 1024, 1024 }, { 40000, 40003 }, { 1, 65535 },
	};
	static const u32 offsets[] = { 0, 1, 12345, 0x7fffffff, 0xffffffff };
	unsigned long *seen;
	unsigned int r, o;

	seen = kunit_kzalloc(test, BITS_TO_LONGS(65536) * sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	for (r = 0; r < ARRAY_SIZE(ranges); r++) {
		int low = ranges[r][0], high = ranges[r][1], n = high - low + 1, i;

		for (o = 0; o < ARRAY_SIZE(offsets); o++) {
			bitmap_zero(seen, 65536);
			for (i = 0; i < n; i++) {
				unsigned short p = ttp_port_candidate(low, high, offsets[o], i);

				KUNIT_ASSERT_GE(test, (int)p, low);
				KUNIT_ASSERT_LE(test, (int)p, high);
				KUNIT_ASSERT_FALSE(test, __test_and_set_bit(p, seen));
			}
			KUNIT_EXPECT_EQ(test, (int)bitmap_weight(seen, 65536), n);
		}
	}
	KUNIT_EXPECT_NE(test, ttp_port_candidate(32768, 60999, 1000, 0),
			ttp_port_candidate(32768, 60999, 2000, 0));
}

static struct kunit_case ttp_port_cases[] = {
	KUNIT_CASE(ttp_port_candidate_test),
	{}
};

static struct kunit_suite ttp_port_suite = {
	.name = "ttp_ports",
	.test_cases = ttp_port_cases,
};

kunit_test_suites(&ttp_param_suite, &ttp_stats_suite, &ttp_seq_suite,
		  &ttp_options_suite, &ttp_rtt_suite, &ttp_cookie_suite,
		  &ttp_port_suite, &ttp_cubic_suite, &ttp_autosize_suite,
		  &ttp_buffer_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for TTP");
TTP_IMPORT_KUNIT_NS();
