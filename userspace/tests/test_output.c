// SPDX-License-Identifier: GPL-2.0
/* Unit tests of ttpctl's JSON writer and table layout. */
#include <stdlib.h>
#include "output.h"
#include "tap.h"

static char *capture_json(bool pretty)
{
	struct ttp_json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ttp_json_init(&j, f, pretty);
	ttp_json_begin_object(&j, NULL);
	ttp_json_string(&j, "name", "a \"quoted\"\\ line\n\ttab\x01");
	ttp_json_u64(&j, "big", 18446744073709551615ULL);
	ttp_json_begin_array(&j, "list");
	ttp_json_u64(&j, NULL, 1);
	ttp_json_u64(&j, NULL, 2);
	ttp_json_end_array(&j);
	ttp_json_begin_object(&j, "empty");
	ttp_json_end_object(&j);
	ttp_json_begin_array(&j, "none");
	ttp_json_end_array(&j);
	ttp_json_end_object(&j);
	ttp_json_finish(&j);
	fclose(f);
	return buf;
}

static char *capture_table(bool aligned)
{
	static const char *const header[] = { "NAME", "VALUE", "DESCRIPTION" };
	static const bool right[] = { false, true, false };
	static const char *const r1[] = { "msl_ms", "30000", "maximum segment lifetime" };
	static const char *const r2[] = { "syncookies", "1", "SYN cookies" };
	struct ttp_table t;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ttp_table_init(&t, 3, header, right);
	ttp_table_add(&t, r1);
	ttp_table_add(&t, r2);
	ttp_table_print(&t, f, aligned);
	ttp_table_free(&t);
	fclose(f);
	return buf;
}

int main(void)
{
	char *s;

	s = capture_json(false);
	TAP_STREQ(s, "{\"name\":\"a \\\"quoted\\\"\\\\ line\\n\\ttab\\u0001\","
		  "\"big\":18446744073709551615,\"list\":[1,2],\"empty\":{},"
		  "\"none\":[]}\n", "compact JSON with escapes");
	free(s);

	s = capture_json(true);
	TAP_STREQ(s, "{\n  \"name\": \"a \\\"quoted\\\"\\\\ line\\n\\ttab\\u0001\",\n"
		  "  \"big\": 18446744073709551615,\n  \"list\": [\n    1,\n    2\n  ],\n"
		  "  \"empty\": {},\n  \"none\": []\n}\n", "pretty JSON");
	free(s);

	s = capture_table(true);
	TAP_STREQ(s, "NAME        VALUE  DESCRIPTION\n"
		  "msl_ms      30000  maximum segment lifetime\n"
		  "syncookies      1  SYN cookies\n", "aligned table with header");
	free(s);

	s = capture_table(false);
	TAP_STREQ(s, "msl_ms\t30000\tmaximum segment lifetime\n"
		  "syncookies\t1\tSYN cookies\n", "script table: tabs, no header");
	free(s);
	return tap_done();
}
