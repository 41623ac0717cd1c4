// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for TTP's pure logic, built as ttp_kunit.ko when the kernel
 * has CONFIG_KUNIT (the debug kernel of the test runner). Loading it after
 * ttp.ko runs every suite; selftests/ttp_kunit.sh reports the results as
 * TAP cases of the suite: the parameter table, state and counter names,
 * sequence arithmetic, header options, and the RTT estimator.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/string.h>
#include "compat.h"
#include "params.h"
#include "stats.h"
#include "ttp.h"

/* Every row is complete, self-consistent and unique. */
static void ttp_param_table_test(struct kunit *test)
{
	static const char *const units[] = { "ms", "count", "bool", "mode" };
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

static struct kunit_case ttp_seq_cases[] = {
	KUNIT_CASE(ttp_seq_test),
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

	end = ttp_write_options(buf, 1460, 7, true, 0x11223344, 0x55667788);
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
}

static struct kunit_case ttp_rtt_cases[] = {
	KUNIT_CASE(ttp_rtt_test),
	{}
};

static struct kunit_suite ttp_rtt_suite = {
	.name = "ttp_rtt",
	.test_cases = ttp_rtt_cases,
};

kunit_test_suites(&ttp_param_suite, &ttp_stats_suite, &ttp_seq_suite,
		  &ttp_options_suite, &ttp_rtt_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for TTP");
TTP_IMPORT_KUNIT_NS();
