/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TTP_PARSE_H
#define TTP_PARSE_H

#include <stdint.h>

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

#endif
