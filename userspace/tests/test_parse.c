// SPDX-License-Identifier: GPL-2.0
/* Unit tests of ttpctl's value parsing and word matching. */
#include <stdint.h>
#include "parse.h"
#include "tap.h"

static void ok_value(const char *text, const char *unit, uint64_t want)
{
	const char *why = NULL;
	uint64_t v = 0;
	int err = ttp_parse_value(text, unit, &v, &why);

	TAP_OK(!err && v == want, "\"%s\" (%s) = %llu", text, unit,
	       (unsigned long long)want);
	if (err || v != want)
		printf("#   got err=%d value=%llu why=%s\n", err,
		       (unsigned long long)v, why ? why : "-");
}

static void bad_value(const char *text, const char *unit, const char *why_want)
{
	const char *why = NULL;
	uint64_t v = 0;
	int err = ttp_parse_value(text, unit, &v, &why);

	TAP_OK(err == -1 && why && !strcmp(why, why_want),
	       "\"%s\" (%s) rejected: %s", text, unit, why_want);
	if (err != -1 || !why || strcmp(why, why_want))
		printf("#   got err=%d why=%s\n", err, why ? why : "-");
}

int main(void)
{
	static const char *const words[] = { "param", "stats", "show", "set", NULL };
	char buf[32];

	ok_value("30000", "ms", 30000);
	ok_value("500ms", "ms", 500);
	ok_value("30s", "ms", 30000);
	ok_value("2m", "ms", 120000);
	ok_value("2min", "ms", 120000);
	ok_value("1h", "ms", 3600000);
	ok_value("1d", "ms", 86400000);
	ok_value("1.5s", "ms", 1500);
	ok_value("0.25m", "ms", 15000);
	ok_value("0", "ms", 0);
	ok_value("18446744073709551615", "count", UINT64_MAX);
	ok_value("7", "count", 7);
	ok_value("on", "bool", 1);
	ok_value("off", "bool", 0);
	ok_value("true", "bool", 1);
	ok_value("no", "bool", 0);
	ok_value("1", "bool", 1);
	ok_value("2", "mode", 2);

	bad_value("", "ms", "empty value");
	bad_value("30x", "ms", "unknown time unit (use ms, s, m, h or d)");
	bad_value("s", "ms", "not a number");
	bad_value("-1", "count", "not a number");
	bad_value("1.5", "count", "not a number");
	bad_value("30s", "count", "not a number");
	bad_value("0.0001s", "ms", "not a whole number of milliseconds");
	bad_value("1.", "ms", "not a number");
	bad_value("18446744073709551616", "count", "number too large");
	bad_value("18446744073709551615s", "ms", "number too large");
	bad_value("maybe", "bool", "not a number");
	bad_value("on", "count", "not a number");

	TAP_OK(ttp_match_word("param", words) == 0, "exact word");
	TAP_OK(ttp_match_word("p", words) == 0, "unique prefix");
	TAP_OK(ttp_match_word("st", words) == 1, "unique prefix among two starts");
	TAP_OK(ttp_match_word("s", words) == 1, "shared prefix: the first listed wins");
	TAP_OK(ttp_match_word("se", words) == 3, "prefix set");
	TAP_OK(ttp_match_word("x", words) == -1, "no match");
	TAP_OK(ttp_match_word("", words) == -1, "empty word matches nothing");
	TAP_OK(ttp_match_word("params", words) == -1, "longer than any word");

	ttp_format_ms(30000, buf, sizeof(buf));
	TAP_STREQ(buf, "30s", "format 30000 ms");
	ttp_format_ms(1500, buf, sizeof(buf));
	TAP_STREQ(buf, "1500ms", "format 1500 ms");
	ttp_format_ms(7200000, buf, sizeof(buf));
	TAP_STREQ(buf, "2h", "format 2 h");
	ttp_format_ms(0, buf, sizeof(buf));
	TAP_STREQ(buf, "0ms", "format 0");
	return tap_done();
}
