// SPDX-License-Identifier: GPL-2.0
/* Command-line value parsing for ttpctl and its siblings: pure functions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "parse.h"

static int ttp_parse_u64(const char **p, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -2;
		v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return 0;
}

static const struct {
	const char *suffix;
	uint64_t ms;
} ttp_time_suffixes[] = {
	{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "min", 60000 },
	{ "h", 3600000 }, { "d", 86400000 },
};

static int ttp_parse_ms(const char *text, uint64_t *out, const char **why)
{
	uint64_t whole, frac = 0, frac_div = 1, scale = 1;
	const char *p = text;
	int err;

	err = ttp_parse_u64(&p, &whole);
	if (err) {
		*why = err == -2 ? "number too large" : "not a number";
		return -1;
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9') {
			*why = "not a number";
			return -1;
		}
		for (; *p >= '0' && *p <= '9'; p++) {
			if (frac_div >= 1000000000ULL) {
				*why = "too many decimals";
				return -1;
			}
			frac = frac * 10 + (uint64_t)(*p - '0');
			frac_div *= 10;
		}
	}
	if (*p) {
		size_t i;

		for (i = 0; i < sizeof(ttp_time_suffixes) / sizeof(ttp_time_suffixes[0]); i++)
			if (!strcmp(p, ttp_time_suffixes[i].suffix))
				break;
		if (i == sizeof(ttp_time_suffixes) / sizeof(ttp_time_suffixes[0])) {
			*why = "unknown time unit (use ms, s, m, h or d)";
			return -1;
		}
		scale = ttp_time_suffixes[i].ms;
	}
	if (whole > UINT64_MAX / scale) {
		*why = "number too large";
		return -1;
	}
	if ((frac * scale) % frac_div) {
		*why = "not a whole number of milliseconds";
		return -1;
	}
	*out = whole * scale + frac * scale / frac_div;
	return 0;
}

int ttp_parse_value(const char *text, const char *unit, uint64_t *out,
		    const char **why)
{
	const char *p = text;
	int err;

	if (!*text) {
		*why = "empty value";
		return -1;
	}
	if (unit && !strcmp(unit, "ms"))
		return ttp_parse_ms(text, out, why);
	if (unit && !strcmp(unit, "bool")) {
		static const char *const yes[] = { "on", "yes", "true", NULL };
		static const char *const no[] = { "off", "no", "false", NULL };

		for (int i = 0; yes[i]; i++) {
			if (!strcmp(text, yes[i])) {
				*out = 1;
				return 0;
			}
			if (!strcmp(text, no[i])) {
				*out = 0;
				return 0;
			}
		}
	}
	err = ttp_parse_u64(&p, out);
	if (err || *p) {
		*why = err == -2 ? "number too large" : "not a number";
		return -1;
	}
	return 0;
}

int ttp_match_word(const char *word, const char *const *choices)
{
	size_t len = strlen(word);
	int found = -1;

	if (!len)
		return -1;
	for (int i = 0; choices[i]; i++) {
		if (!strcmp(word, choices[i]))
			return i;
		if (found == -1 && !strncmp(word, choices[i], len))
			found = i;
	}
	return found;
}

void ttp_format_ms(uint64_t ms, char *buf, unsigned long len)
{
	if (ms && ms % 86400000 == 0)
		snprintf(buf, len, "%llud", (unsigned long long)(ms / 86400000));
	else if (ms && ms % 3600000 == 0)
		snprintf(buf, len, "%lluh", (unsigned long long)(ms / 3600000));
	else if (ms && ms % 60000 == 0)
		snprintf(buf, len, "%llum", (unsigned long long)(ms / 60000));
	else if (ms && ms % 1000 == 0)
		snprintf(buf, len, "%llus", (unsigned long long)(ms / 1000));
	else
		snprintf(buf, len, "%llums", (unsigned long long)ms);
}

int ttp_parse_long(const char *text, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int ttp_parse_seconds(const char *text, double min, double max, double *out)
{
	char *end;
	double v = strtod(text, &end);

	/* Written so that NaN, which compares false, is out of range too. */
	if (end == text || *end || !(v >= min && v <= max))
		return -1;
	*out = v;
	return 0;
}

int ttp_parse_ports(const char *text, unsigned char *map)
{
	const char *s = text;

	do {
		char *end;
		long lo, hi;

		errno = 0;
		lo = strtol(s, &end, 10);
		hi = lo;
		if (end != s && *end == '-') {
			s = end + 1;
			hi = strtol(s, &end, 10);
		}
		if (end == s || errno || lo < 1 || hi > 65535 || lo > hi ||
		    (*end && *end != ','))
			return -1;
		for (; lo <= hi; lo++)
			map[lo / 8] |= 1 << (lo % 8);
		s = *end ? end + 1 : end;
	} while (*s);
	return 0;
}

bool ttp_port_in_map(const unsigned char *map, unsigned int port)
{
	return port < 65536 && (map[port / 8] & (1 << (port % 8)));
}
