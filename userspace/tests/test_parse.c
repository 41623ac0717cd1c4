// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of what ttpctl, ttpcat, ttpize and ttp-bench share: value
 * parsing and word matching (parse.c), the clock and the stop flag
 * (loop.c), the state name lookup (states.h).
 */
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include "loop.h"
#include "parse.h"
#include "states.h"
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

static void ok_long(const char *text, long min, long max, long want)
{
	long v = -12345;

	TAP_OK(!ttp_parse_long(text, min, max, &v) && v == want,
	       "long \"%s\" in %ld..%ld = %ld", text, min, max, want);
}

static void bad_long(const char *text, long min, long max, const char *why)
{
	long v = -12345;

	TAP_OK(ttp_parse_long(text, min, max, &v) == -1 && v == -12345,
	       "long \"%s\" in %ld..%ld rejected: %s", text, min, max, why);
}

static void ok_seconds(const char *text, double min, double max, double want)
{
	double v = -1;

	TAP_OK(!ttp_parse_seconds(text, min, max, &v) && v == want,
	       "seconds \"%s\" in %g..%g = %g", text, min, max, want);
}

static void bad_seconds(const char *text, double min, double max, const char *why)
{
	double v = -1;

	TAP_OK(ttp_parse_seconds(text, min, max, &v) == -1 && v == -1,
	       "seconds \"%s\" in %g..%g rejected: %s", text, min, max, why);
}

/* TEXT parses (or not, as WANT_OK says) and marks exactly the ports listed. */
static void check_ports(const char *text, int want_ok, const unsigned int *in, int nin)
{
	static unsigned char map[TTP_PORT_MAP_BYTES];
	unsigned int marked = 0, port;
	int ok, i, listed = 1;

	memset(map, 0, sizeof(map));
	ok = !ttp_parse_ports(text, map);
	for (port = 0; port < 65536; port++)
		marked += ttp_port_in_map(map, port);
	for (i = 0; i < nin; i++)
		listed &= ttp_port_in_map(map, in[i]);
	TAP_OK(ok == want_ok && listed && marked == (unsigned int)nin,
	       "ports \"%s\" %s, %d marked", text, want_ok ? "read" : "rejected", nin);
	if (ok != want_ok || !listed || marked != (unsigned int)nin)
		printf("#   got ok=%d, %u marked\n", ok, marked);
}

static void test_numbers(void)
{
	ok_long("5", 1, LONG_MAX, 5);
	ok_long("0", 0, 65535, 0);
	ok_long("65535", 0, 65535, 65535);
	ok_long("9223372036854775807", 1, LONG_MAX, LONG_MAX);
	bad_long("", 1, LONG_MAX, "empty");
	bad_long("x", 1, LONG_MAX, "not a number");
	bad_long("5x", 1, LONG_MAX, "junk after the number");
	bad_long("5 ", 1, LONG_MAX, "a blank after the number");
	bad_long("1.5", 1, LONG_MAX, "a fraction");
	bad_long("9223372036854775808", 1, LONG_MAX, "overflow");
	bad_long("99999999999999999999", 0, 65535, "overflow");
	bad_long("-1", 0, 65535, "negative");
	bad_long("0", 1, LONG_MAX, "below the minimum");
	bad_long("65536", 0, 65535, "above the maximum");

	ok_seconds("2", 0.1, 86400, 2);
	ok_seconds("0.5", 0.1, 3600, 0.5);
	ok_seconds("0.1", 0.1, 3600, 0.1);
	ok_seconds("86400", 0.1, 86400, 86400);
	ok_seconds("1e3", 0.1, 3600, 1000);
	bad_seconds("", 0.1, 3600, "empty");
	bad_seconds("x", 0.1, 3600, "not a number");
	bad_seconds("1x", 0.1, 3600, "junk after the number");
	bad_seconds("1s", 0.1, 3600, "a unit (seconds are implied)");
	bad_seconds("1e999", 0.1, 3600, "overflow");
	bad_seconds("-1", 0.1, 3600, "negative");
	bad_seconds("0", 0.1, 3600, "below the minimum");
	bad_seconds("3600.5", 0.1, 3600, "above the maximum");
	bad_seconds("nan", 0.1, 3600, "NaN");
	bad_seconds("inf", 0.1, 3600, "infinity");
}

static void test_ports(void)
{
	static const unsigned int one[] = { 80 }, two[] = { 80, 443 };
	static const unsigned int top[] = { 65535 }, low[] = { 1 };
	static unsigned int range[2 + 101];
	static unsigned char map[TTP_PORT_MAP_BYTES];
	int n = 0;

	check_ports("80", 1, one, 1);
	check_ports("80,443", 1, two, 2);
	check_ports("65535", 1, top, 1);
	check_ports("1", 1, low, 1);
	check_ports("80,", 1, one, 1);		/* as ttpize always took it */
	range[n++] = 80;
	range[n++] = 443;
	for (unsigned int p = 8000; p <= 8100; p++)
		range[n++] = p;
	check_ports("80,443,8000-8100", 1, range, n);
	check_ports("", 0, NULL, 0);
	check_ports("0", 0, NULL, 0);
	check_ports("65536", 0, NULL, 0);
	check_ports("80x", 0, NULL, 0);
	check_ports("x", 0, NULL, 0);
	check_ports("90-80", 0, NULL, 0);
	check_ports("80-", 0, NULL, 0);
	check_ports("-5", 0, NULL, 0);
	check_ports("80--90", 0, NULL, 0);
	check_ports("80-65536", 0, NULL, 0);
	check_ports("99999999999999999999", 0, NULL, 0);
	check_ports(",80", 0, NULL, 0);
	/* libttpize keeps what comes before a bad item. */
	check_ports("80,junk", 0, one, 1);
	check_ports("80,,443", 0, one, 1);

	memset(map, 0xff, sizeof(map));
	TAP_OK(!ttp_port_in_map(map, 65536), "port 65536 is in no map");
}

static void test_loop(void)
{
	double a = ttp_now(), b = ttp_now();

	TAP_OK(a > 0 && b >= a, "ttp_now() is monotonic: %f then %f", a, b);
	TAP_OK(!ttp_stop, "ttp_stop starts clear");
	ttp_stop_on_signals();
	raise(SIGTERM);
	TAP_OK(ttp_stop == 1, "SIGTERM sets ttp_stop, and the program lives on");
	ttp_stop = 0;
	raise(SIGINT);
	TAP_OK(ttp_stop == 1, "SIGINT sets ttp_stop");
}

static void test_state_names(void)
{
	static struct ttp_state_names names;

	snprintf(names.name[TTP_TIME_WAIT], sizeof(names.name[0]), "TIME_WAIT");
	snprintf(names.name[TTP_LISTEN], sizeof(names.name[0]), "LISTEN");
	TAP_STREQ(ttp_state_name(&names, TTP_TIME_WAIT), "TIME_WAIT", "a state by name");
	TAP_STREQ(ttp_state_name(&names, TTP_LISTEN), "LISTEN", "another");
	TAP_STREQ(ttp_state_name(&names, TTP_CLOSED), "?", "a state the kernel did not name");
	TAP_STREQ(ttp_state_name(&names, TTP_STATE_MAX + 1), "?", "a state past the last");
	TAP_STREQ(ttp_state_name(&names, 255), "?", "a state far past the last");
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

	test_numbers();
	test_ports();
	test_loop();
	test_state_names();
	return tap_done();
}
