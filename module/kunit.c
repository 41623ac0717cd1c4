// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for TTP's pure logic, built as ttp_kunit.ko when the kernel
 * has CONFIG_KUNIT (the debug kernel of the test runner). Loading it after
 * ttp.ko runs every suite; selftests/ttp_kunit.sh reports the results as
 * TAP cases of the suite. Later issues add their suites here (sequence
 * arithmetic, option parsing, cookies, RTO).
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/string.h>
#include "compat.h"
#include "params.h"
#include "stats.h"

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

kunit_test_suites(&ttp_param_suite, &ttp_stats_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for TTP");
TTP_IMPORT_KUNIT_NS();
