// SPDX-License-Identifier: GPL-2.0
/* JSON and table output for ttpctl. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "output.h"

void ttp_json_init(struct ttp_json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->depth = 0;
	j->need_comma = false;
}

static void ttp_json_indent(struct ttp_json *j)
{
	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

static void ttp_json_quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Everything that starts a value: separator, indentation and key. */
static void ttp_json_key(struct ttp_json *j, const char *key)
{
	if (j->need_comma)
		fputc(',', j->f);
	if (j->depth > 0)
		ttp_json_indent(j);
	if (key) {
		ttp_json_quote(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
	j->need_comma = true;
}

static void ttp_json_begin(struct ttp_json *j, const char *key, char open)
{
	ttp_json_key(j, key);
	fputc(open, j->f);
	j->depth++;
	j->need_comma = false;
}

static void ttp_json_end(struct ttp_json *j, char close)
{
	bool empty = !j->need_comma;

	j->depth--;
	if (!empty)
		ttp_json_indent(j);
	fputc(close, j->f);
	j->need_comma = true;
}

void ttp_json_begin_object(struct ttp_json *j, const char *key)
{
	ttp_json_begin(j, key, '{');
}

void ttp_json_end_object(struct ttp_json *j)
{
	ttp_json_end(j, '}');
}

void ttp_json_begin_array(struct ttp_json *j, const char *key)
{
	ttp_json_begin(j, key, '[');
}

void ttp_json_end_array(struct ttp_json *j)
{
	ttp_json_end(j, ']');
}

void ttp_json_string(struct ttp_json *j, const char *key, const char *value)
{
	ttp_json_key(j, key);
	ttp_json_quote(j->f, value);
}

void ttp_json_u64(struct ttp_json *j, const char *key, uint64_t value)
{
	ttp_json_key(j, key);
	fprintf(j->f, "%" PRIu64, value);
}

void ttp_json_finish(struct ttp_json *j)
{
	fputc('\n', j->f);
	fflush(j->f);
}

void ttp_table_init(struct ttp_table *t, int ncols, const char *const *header,
		    const bool *right)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	for (int c = 0; c < ncols; c++) {
		t->header[c] = header[c];
		t->right[c] = right ? right[c] : false;
	}
}

int ttp_table_add(struct ttp_table *t, const char *const *row)
{
	if (t->nrows == t->cap) {
		int cap = t->cap ? 2 * t->cap : 32;
		char **cells = realloc(t->cells, sizeof(*cells) * cap * t->ncols);

		if (!cells)
			return -1;
		t->cells = cells;
		t->cap = cap;
	}
	for (int c = 0; c < t->ncols; c++) {
		char *s = strdup(row[c] ? row[c] : "");

		if (!s)
			return -1;
		t->cells[t->nrows * t->ncols + c] = s;
	}
	t->nrows++;
	return 0;
}

static void ttp_table_row(const struct ttp_table *t, FILE *f,
			  const char *const *row, const int *width, bool aligned)
{
	for (int c = 0; c < t->ncols; c++) {
		bool last = c == t->ncols - 1;

		if (!aligned)
			fprintf(f, "%s%s", row[c], last ? "\n" : "\t");
		else if (t->right[c])
			fprintf(f, "%*s%s", width[c], row[c], last ? "\n" : "  ");
		else if (last)
			fprintf(f, "%s\n", row[c]);
		else
			fprintf(f, "%-*s  ", width[c], row[c]);
	}
}

void ttp_table_print(const struct ttp_table *t, FILE *f, bool aligned)
{
	int width[TTP_TABLE_MAX_COLS] = { 0 };

	for (int c = 0; c < t->ncols; c++) {
		width[c] = (int)strlen(t->header[c]);
		for (int r = 0; r < t->nrows; r++) {
			int w = (int)strlen(t->cells[r * t->ncols + c]);

			if (w > width[c])
				width[c] = w;
		}
	}
	if (aligned)
		ttp_table_row(t, f, t->header, width, true);
	for (int r = 0; r < t->nrows; r++)
		ttp_table_row(t, f, (const char *const *)&t->cells[r * t->ncols],
			      width, aligned);
}

void ttp_table_free(struct ttp_table *t)
{
	for (int i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}
