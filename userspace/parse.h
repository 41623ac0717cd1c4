/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TTP_PARSE_H
#define TTP_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Values given on the command line of ttpctl, ttpcat, ttpize and ttp-bench,
 * and in TTPIZE_PORTS. Pure functions, unit-tested in tests/test_parse.c.
 */

/*
 * Parse a parameter value given on the command line. UNIT is the unit the
 * kernel reports for the parameter: "ms" values also take a time suffix
 * (500ms, 30s, 2m, 1.5h, 1d; none means ms), "bool" values also take
 * on/off, yes/no, true/false. Returns 0, or -1 with *why set to a reason.
 */
int ttp_parse_value(const char *text, const char *unit, uint64_t *out,
		    const char **why);

/*
 * Match WORD against a NULL-terminated list of words, accepting a prefix as
 * iproute2 does: an exact match wins, else the first word in the list that
 * WORD begins (so the list's order says that "s" means "show", not "set").
 * Returns the index, or -1 if nothing matches.
 */
int ttp_match_word(const char *word, const char *const *choices);

/* Format a duration in ms the way ttp_parse_value() reads it: "30s". */
void ttp_format_ms(uint64_t ms, char *buf, unsigned long len);

/*
 * A whole number from MIN to MAX, in decimal, as strtol() reads it (blanks
 * and a sign before it are allowed), with nothing after it: counts, ports,
 * prefix lengths. Returns 0, or -1 if TEXT is empty, has anything after the
 * number, or the number is out of range (too large for a long included).
 */
int ttp_parse_long(const char *text, long min, long max, long *out);

/*
 * Seconds from MIN to MAX, as strtod() reads them ("0.5", "2", "1e3"), with
 * nothing after them: intervals such as stats -i and top -d. Returns 0, or
 * -1 if TEXT is empty, has anything after the number or is out of range.
 */
int ttp_parse_seconds(const char *text, double min, double max, double *out);

/* A set of ports, one bit per port number. */
#define TTP_PORT_MAP_BYTES (65536 / 8)

/*
 * A list of ports such as "80,443,8000-8100" (TTPIZE_PORTS, ttpize -p):
 * ports 1 to 65535, alone or as ranges, separated by commas. Each item is
 * marked in MAP, which holds TTP_PORT_MAP_BYTES, as it is read. Returns 0,
 * or -1 at the first malformed item (an empty list is one), with the items
 * before it already marked.
 */
int ttp_parse_ports(const char *text, unsigned char *map);
bool ttp_port_in_map(const unsigned char *map, unsigned int port);

#endif
