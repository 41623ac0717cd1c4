/* SPDX-License-Identifier: GPL-2.0 */
/* Just enough TAP for host-side unit tests. */
#ifndef TTP_TAP_H
#define TTP_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

#define TAP_OK(cond, ...) do {						\
	tap_count++;							\
	if (!(cond))							\
		tap_failed++;						\
	printf("%sok %d - ", (cond) ? "" : "not ", tap_count);		\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	if (!(cond))							\
		printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
} while (0)

#define TAP_STREQ(got, want, ...) do {					\
	const char *g_ = (got), *w_ = (want);				\
	TAP_OK(g_ && !strcmp(g_, w_), __VA_ARGS__);			\
	if (!g_ || strcmp(g_, w_))					\
		printf("#   got:  \"%s\"\n#   want: \"%s\"\n", g_ ? g_ : "(null)", w_); \
} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
