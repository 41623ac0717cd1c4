/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TTP_OUTPUT_H
#define TTP_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * A small streaming JSON writer: enough for ttpctl's objects, arrays,
 * strings and unsigned numbers, with correct escaping and optional
 * pretty-printing.
 */
struct ttp_json {
	FILE *f;
	bool pretty;
	int depth;
	bool need_comma;
};

void ttp_json_init(struct ttp_json *j, FILE *f, bool pretty);
void ttp_json_begin_object(struct ttp_json *j, const char *key);
void ttp_json_end_object(struct ttp_json *j);
void ttp_json_begin_array(struct ttp_json *j, const char *key);
void ttp_json_end_array(struct ttp_json *j);
void ttp_json_string(struct ttp_json *j, const char *key, const char *value);
void ttp_json_u64(struct ttp_json *j, const char *key, uint64_t value);
void ttp_json_finish(struct ttp_json *j);

/*
 * A table printed with aligned columns on a terminal (with a header line)
 * or as tab-separated fields, one row per line, for scripts.
 */
#define TTP_TABLE_MAX_COLS 8

struct ttp_table {
	int ncols;
	const char *header[TTP_TABLE_MAX_COLS];
	bool right[TTP_TABLE_MAX_COLS];	/* right-align (numbers) */
	char **cells;			/* nrows * ncols strings */
	int nrows;
	int cap;
};

void ttp_table_init(struct ttp_table *t, int ncols, const char *const *header,
		    const bool *right);
int ttp_table_add(struct ttp_table *t, const char *const *row);
void ttp_table_print(const struct ttp_table *t, FILE *f, bool aligned);
void ttp_table_free(struct ttp_table *t);

#endif
