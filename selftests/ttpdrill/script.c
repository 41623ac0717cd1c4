// SPDX-License-Identifier: GPL-2.0
/* Parsing ttpdrill scripts (grammar: README.md). Pure code, unit-tested. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/ttp.h>
#include "info.h"
#include "script.h"

#define TD_DEFAULT_REMOTE_ISN 1000000

static const struct {
	const char *name;
	long value;
} td_constants[] = {
	{ "AF_INET", AF_INET }, { "AF_INET6", AF_INET6 },
	{ "SOCK_STREAM", SOCK_STREAM }, { "IPPROTO_TTP", IPPROTO_TTP },
	{ "SOL_SOCKET", SOL_SOCKET }, { "SOL_TTP", SOL_TTP },
	{ "TTP_SYNCNT", TTP_SYNCNT }, { "TTP_LINGER2", TTP_LINGER2 }, { "TTP_MSL", TTP_MSL },
	{ "TTP_KEEPIDLE", TTP_KEEPIDLE }, { "TTP_KEEPINTVL", TTP_KEEPINTVL },
	{ "TTP_KEEPCNT", TTP_KEEPCNT }, { "SO_KEEPALIVE", SO_KEEPALIVE },
	{ "TTP_USER_TIMEOUT", TTP_USER_TIMEOUT },
	{ "TTP_NODELAY", TTP_NODELAY }, { "TTP_CORK", TTP_CORK },
	{ "SO_REUSEADDR", SO_REUSEADDR }, { "SO_LINGER", SO_LINGER },
	{ "SO_RCVBUF", SO_RCVBUF }, { "SO_SNDBUF", SO_SNDBUF },
	{ "SO_MAX_PACING_RATE", SO_MAX_PACING_RATE },
	{ "SO_ERROR", SO_ERROR }, { "SO_KEEPALIVE", SO_KEEPALIVE },
	{ "SO_RCVLOWAT", SO_RCVLOWAT },
	{ "SHUT_RD", SHUT_RD }, { "SHUT_WR", SHUT_WR }, { "SHUT_RDWR", SHUT_RDWR },
	{ "F_GETFL", F_GETFL }, { "F_SETFL", F_SETFL },
	{ "O_RDWR", O_RDWR }, { "O_NONBLOCK", O_NONBLOCK },
	{ "POLLIN", POLLIN }, { "POLLOUT", POLLOUT }, { "POLLERR", POLLERR },
	{ "POLLHUP", POLLHUP }, { "POLLRDHUP", POLLRDHUP },
};

static const struct {
	const char *name;
	int err;
} td_errnos[] = {
	{ "EAGAIN", EAGAIN }, { "EINPROGRESS", EINPROGRESS },
	{ "ECONNREFUSED", ECONNREFUSED }, { "ECONNRESET", ECONNRESET },
	{ "ETIMEDOUT", ETIMEDOUT }, { "EPIPE", EPIPE }, { "ENOTCONN", ENOTCONN },
	{ "EISCONN", EISCONN }, { "EALREADY", EALREADY }, { "EINVAL", EINVAL },
	{ "EADDRINUSE", EADDRINUSE }, { "EADDRNOTAVAIL", EADDRNOTAVAIL },
	{ "EBADF", EBADF }, { "ENOPROTOOPT", ENOPROTOOPT }, { "EPERM", EPERM },
	{ "EOPNOTSUPP", EOPNOTSUPP },
};

int td_lookup_constant(const char *name, long *value)
{
	for (size_t i = 0; i < sizeof(td_constants) / sizeof(td_constants[0]); i++) {
		if (!strcmp(name, td_constants[i].name)) {
			*value = td_constants[i].value;
			return 0;
		}
	}
	return -1;
}

int td_errno_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(td_errnos) / sizeof(td_errnos[0]); i++)
		if (!strcmp(name, td_errnos[i].name))
			return td_errnos[i].err;
	return 0;
}

const char *td_errno_name(int err)
{
	for (size_t i = 0; i < sizeof(td_errnos) / sizeof(td_errnos[0]); i++)
		if (td_errnos[i].err == err)
			return td_errnos[i].name;
	return "E?";
}

/* A cursor over one line. */
struct td_lex {
	const char *p;
	char *err;
	int errlen;
};

static int td_fail(struct td_lex *lx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(lx->err, lx->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static void td_skip_space(struct td_lex *lx)
{
	while (*lx->p == ' ' || *lx->p == '\t')
		lx->p++;
}

static bool td_accept(struct td_lex *lx, const char *word)
{
	size_t n = strlen(word);

	td_skip_space(lx);
	if (strncmp(lx->p, word, n))
		return false;
	/* A word must end where a word ends. */
	if (isalnum((unsigned char)word[n - 1]) &&
	    (isalnum((unsigned char)lx->p[n]) || lx->p[n] == '_'))
		return false;
	lx->p += n;
	return true;
}

/* An unsigned number, or "*" when ANY_OK. */
static int td_number(struct td_lex *lx, uint32_t *out, bool any_ok, const char *what)
{
	char *end;
	unsigned long long v;

	td_skip_space(lx);
	if (any_ok && *lx->p == '*') {
		lx->p++;
		*out = TD_ANY;
		return 0;
	}
	if (!isdigit((unsigned char)*lx->p))
		return td_fail(lx, "expected %s at \"%.20s\"", what, lx->p);
	errno = 0;
	v = strtoull(lx->p, &end, 0);
	if (errno || v > UINT32_MAX - 1)
		return td_fail(lx, "%s out of range at \"%.20s\"", what, lx->p);
	lx->p = end;
	*out = (uint32_t)v;
	return 0;
}

/* Seconds with an optional fraction, as microseconds. */
static int td_time(struct td_lex *lx, long long *usecs)
{
	const char *s = lx->p;
	long long whole = 0, frac = 0, scale = 1000000;

	if (!isdigit((unsigned char)*s) && *s != '.')
		return td_fail(lx, "expected a time at \"%.20s\"", s);
	while (isdigit((unsigned char)*s))
		whole = whole * 10 + (*s++ - '0');
	if (*s == '.' && s[1] != '.') {
		s++;
		while (isdigit((unsigned char)*s)) {
			if (scale > 1) {
				scale /= 10;
				frac += (*s - '0') * scale;
			}
			s++;
		}
	}
	lx->p = s;
	*usecs = whole * 1000000 + frac;
	return 0;
}

static int td_parse_flags(struct td_lex *lx, struct td_packet *pkt)
{
	td_skip_space(lx);
	if (*lx->p == '*') {
		lx->p++;
		pkt->flags_any = true;
		return 0;
	}
	if (*lx->p == '[') {
		char *end;
		unsigned long v = strtoul(lx->p + 1, &end, 0);

		if (*end != ']' || v > 0xff)
			return td_fail(lx, "bad raw flags at \"%.20s\"", lx->p);
		pkt->flags = (uint8_t)v;
		lx->p = end + 1;
		return 0;
	}
	for (; *lx->p && *lx->p != ' ' && *lx->p != '\t'; lx->p++) {
		switch (*lx->p) {
		case 'S': pkt->flags |= TTP_FLAG_SYN; break;
		case 'F': pkt->flags |= TTP_FLAG_FIN; break;
		case 'R': pkt->flags |= TTP_FLAG_RST; break;
		case 'P': pkt->flags |= TTP_FLAG_PSH; break;
		case '.': pkt->flags |= TTP_FLAG_ACK; break;
		default:
			return td_fail(lx, "unknown flag '%c' (S F R P . * or [0xNN])", *lx->p);
		}
	}
	if (!pkt->flags)
		return td_fail(lx, "no flags");
	return 0;
}

static int td_parse_opts(struct td_lex *lx, struct td_packet *pkt)
{
	pkt->has_opts = true;
	if (td_accept(lx, ">"))
		return 0;
	do {
		struct td_opt *o;

		if (pkt->nopts == TD_MAX_OPTS)
			return td_fail(lx, "too many options");
		o = &pkt->opts[pkt->nopts++];
		o->a = o->b = 0;
		if (td_accept(lx, "mss")) {
			o->kind = TD_OPT_MSS;
			if (td_number(lx, &o->a, true, "an MSS"))
				return -1;
		} else if (td_accept(lx, "wscale")) {
			o->kind = TD_OPT_WSCALE;
			if (td_number(lx, &o->a, true, "a window scale"))
				return -1;
		} else if (td_accept(lx, "ts")) {
			o->kind = TD_OPT_TS;
			if (!td_accept(lx, "val") || td_number(lx, &o->a, true, "a TSval") ||
			    !td_accept(lx, "ecr") || td_number(lx, &o->b, true, "a TSecr"))
				return td_fail(lx, "expected \"ts val N ecr N\"");
			/* "ecr *-N": the last TSval less N, an earlier segment's echo. */
			if (o->b == TD_ANY && *lx->p == '-') {
				lx->p++;
				if (td_number(lx, &o->back, false, "a TSecr offset"))
					return -1;
			}
		} else if (td_accept(lx, "sackOK")) {
			o->kind = TD_OPT_SACK_PERM;
		} else if (td_accept(lx, "sack")) {
			/* "sack L:R L:R ...": one to four blocks. */
			o->kind = TD_OPT_SACK;
			for (;;) {
				uint32_t *b;

				if (o->nblocks == TD_MAX_SACK)
					return td_fail(lx, "more than %d SACK blocks", TD_MAX_SACK);
				b = o->sack[o->nblocks++];
				if (td_number(lx, &b[0], false, "a SACK block's left edge"))
					return -1;
				if (!td_accept(lx, ":"))
					return td_fail(lx, "expected \"sack L:R ...\"");
				if (td_number(lx, &b[1], false, "a SACK block's right edge"))
					return -1;
				td_skip_space(lx);
				if (!isdigit((unsigned char)*lx->p))
					break;
			}
		} else if (td_accept(lx, "nop")) {
			o->kind = TD_OPT_NOP;
		} else if (td_accept(lx, "eol")) {
			o->kind = TD_OPT_EOL;
		} else {
			return td_fail(lx, "unknown option at \"%.20s\"", lx->p);
		}
	} while (td_accept(lx, ","));
	if (!td_accept(lx, ">"))
		return td_fail(lx, "expected ',' or '>' in options at \"%.20s\"", lx->p);
	return 0;
}

static int td_parse_packet_lex(struct td_lex *lx, struct td_packet *pkt)
{
	uint32_t end;

	memset(pkt, 0, sizeof(*pkt));
	if (td_parse_flags(lx, pkt) || td_number(lx, &pkt->seq, true, "a sequence number"))
		return -1;
	if (!td_accept(lx, ":") || td_number(lx, &end, true, "the end sequence number") ||
	    !td_accept(lx, "(") || td_number(lx, &pkt->len, false, "a length") ||
	    !td_accept(lx, ")"))
		return td_fail(lx, "expected SEQ:END(LEN) at \"%.20s\"", lx->p);
	if (pkt->seq != TD_ANY && end != TD_ANY && end - pkt->seq != pkt->len)
		return td_fail(lx, "END - SEQ is not LEN");
	for (;;) {
		if (td_accept(lx, "ack")) {
			pkt->has_ack = true;
			if (td_number(lx, &pkt->ack, true, "an ack number"))
				return -1;
		} else if (td_accept(lx, "win")) {
			pkt->has_win = true;
			if (td_number(lx, &pkt->win, true, "a window"))
				return -1;
		} else if (td_accept(lx, "<")) {
			if (td_parse_opts(lx, pkt))
				return -1;
		} else if (td_accept(lx, "port")) {
			uint32_t port;

			if (td_number(lx, &port, false, "a port") || !port || port > 65535)
				return td_fail(lx, "port takes 1..65535");
			pkt->port = (uint16_t)port;
		} else if (td_accept(lx, "bad_csum")) {
			pkt->bad_csum = true;
		} else if (td_accept(lx, "doff")) {
			uint32_t d;

			if (td_number(lx, &d, false, "a header length") || d > 15)
				return td_fail(lx, "doff takes 0..15");
			pkt->doff = (int)d;
		} else {
			break;
		}
	}
	td_skip_space(lx);
	if (*lx->p)
		return td_fail(lx, "unexpected \"%.20s\"", lx->p);
	if (pkt->has_ack && !(pkt->flags & TTP_FLAG_ACK) && !pkt->flags_any)
		return td_fail(lx, "\"ack\" on a segment without the ACK flag ('.')");
	return 0;
}

int td_parse_packet(const char *text, struct td_packet *pkt, char *err, int errlen)
{
	struct td_lex lx = { .p = text, .err = err, .errlen = errlen };

	return td_parse_packet_lex(&lx, pkt);
}

/* name(arg, [arg], ...) = result */
static int td_parse_syscall(struct td_lex *lx, struct td_syscall *sys)
{
	const char *s = lx->p;
	int n = 0, depth;

	memset(sys, 0, sizeof(*sys));
	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	if (!n || n >= (int)sizeof(sys->name))
		return td_fail(lx, "expected a system call at \"%.20s\"", s);
	memcpy(sys->name, s, n);
	lx->p = s + n;
	if (!td_accept(lx, "("))
		return td_fail(lx, "expected '(' after %s", sys->name);
	td_skip_space(lx);
	while (*lx->p != ')') {
		const char *a = lx->p;

		depth = 0;
		while (*lx->p && (depth || (*lx->p != ',' && *lx->p != ')'))) {
			if (*lx->p == '[')
				depth++;
			else if (*lx->p == ']')
				depth--;
			lx->p++;
		}
		if (!*lx->p)
			return td_fail(lx, "unterminated arguments of %s", sys->name);
		if (sys->nargs == TD_MAX_ARGS)
			return td_fail(lx, "too many arguments");
		n = lx->p - a;
		while (n && (a[n - 1] == ' ' || a[n - 1] == '\t'))
			n--;
		sys->args[sys->nargs++] = strndup(a, n);
		if (*lx->p == ',') {
			lx->p++;
			td_skip_space(lx);
		}
	}
	lx->p++;
	if (!td_accept(lx, "="))
		return td_fail(lx, "expected '= RESULT' after %s(...)", sys->name);
	td_skip_space(lx);
	if (*lx->p == '*') {
		sys->ret_any = true;
		lx->p++;
	} else if (!strncmp(lx->p, "-1", 2)) {
		char name[32];
		int i = 0;

		sys->ret = -1;
		lx->p += 2;
		td_skip_space(lx);
		while (isalnum((unsigned char)*lx->p) && i < (int)sizeof(name) - 1)
			name[i++] = *lx->p++;
		name[i] = '\0';
		sys->err = td_errno_from_name(name);
		if (!sys->err)
			return td_fail(lx, "unknown errno \"%s\"", name);
	} else {
		char *end;
		long v;

		if (isalpha((unsigned char)*lx->p)) {
			char name[32];
			int i = 0;

			while ((isalnum((unsigned char)*lx->p) || *lx->p == '_' || *lx->p == '|') &&
			       i < (int)sizeof(name) - 1)
				name[i++] = *lx->p++;
			name[i] = '\0';
			/* POLLIN|POLLOUT and the like */
			sys->ret = 0;
			for (char *tok = strtok(name, "|"); tok; tok = strtok(NULL, "|")) {
				if (td_lookup_constant(tok, &v))
					return td_fail(lx, "unknown constant \"%s\"", tok);
				sys->ret |= v;
			}
		} else {
			sys->ret = strtol(lx->p, &end, 0);
			if (end == lx->p)
				return td_fail(lx, "expected a result at \"%.20s\"", lx->p);
			lx->p = end;
		}
	}
	/* A comment in parentheses may follow, as in packetdrill. */
	td_skip_space(lx);
	if (*lx->p == '(') {
		const char *close = strchr(lx->p, ')');

		if (!close)
			return td_fail(lx, "unterminated comment");
		lx->p = close + 1;
	}
	td_skip_space(lx);
	if (*lx->p)
		return td_fail(lx, "unexpected \"%.20s\"", lx->p);
	return 0;
}

/* A name of CHARS into BUF of SIZE; its length, or 0 if none fits. */
static size_t td_name(struct td_lex *lx, const char *chars, char *buf, size_t size)
{
	size_t n = strspn(lx->p, chars);

	if (!n || n >= size)
		return 0;
	memcpy(buf, lx->p, n);
	buf[n] = '\0';
	lx->p += n;
	return n;
}

/* NAME=N ..., at least one, NAME a state (NAME.entered) or a counter. */
static int td_parse_stat(struct td_lex *lx, struct td_stat *st)
{
	for (td_skip_space(lx); *lx->p; td_skip_space(lx)) {
		const char *dot;
		char *end;

		if (st->n == TD_MAX_STATS)
			return td_fail(lx, "a stat line checks at most %d figures", TD_MAX_STATS);
		if (!td_name(lx, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_",
			     st->want[st->n].name, TD_STAT_NAME))
			return td_fail(lx, "expected a state or counter name at \"%.20s\"", lx->p);
		dot = ".entered";
		if (!strncmp(lx->p, dot, strlen(dot))) {
			st->want[st->n].entered = true;
			lx->p += strlen(dot);
		}
		if (*lx->p != '=' || !isdigit((unsigned char)lx->p[1]))
			return td_fail(lx, "expected =NUMBER after %s", st->want[st->n].name);
		st->want[st->n].value = strtoull(lx->p + 1, &end, 10);
		lx->p = end;
		st->n++;
	}
	if (!st->n)
		return td_fail(lx, "stat names what to check: stat TIME_WAIT=1");
	return 0;
}

/* FD NAME=N[..M] ..., at least one, NAME a field of struct ttp_info. */
static int td_parse_info(struct td_lex *lx, struct td_info_check *in)
{
	uint32_t fd;

	if (td_number(lx, &fd, false, "the script's fd"))
		return -1;
	in->fd = fd;
	for (td_skip_space(lx); *lx->p; td_skip_space(lx)) {
		char *end;

		if (in->n == TD_MAX_STATS)
			return td_fail(lx, "an info line checks at most %d fields", TD_MAX_STATS);
		if (!td_name(lx, "abcdefghijklmnopqrstuvwxyz0123456789_", in->want[in->n].name,
			     TD_STAT_NAME))
			return td_fail(lx, "expected a field of struct ttp_info at \"%.20s\"", lx->p);
		in->want[in->n].field = td_info_field(in->want[in->n].name);
		if (in->want[in->n].field < 0)
			return td_fail(lx, "struct ttp_info has no field %s", in->want[in->n].name);
		if (*lx->p != '=' || !isdigit((unsigned char)lx->p[1]))
			return td_fail(lx, "expected =NUMBER or =LOW..HIGH after %s",
				       in->want[in->n].name);
		in->want[in->n].lo = strtoull(lx->p + 1, &end, 10);
		in->want[in->n].hi = in->want[in->n].lo;
		lx->p = end;
		if (!strncmp(lx->p, "..", 2)) {
			if (!isdigit((unsigned char)lx->p[2]))
				return td_fail(lx, "expected a NUMBER after .. for %s",
					       in->want[in->n].name);
			in->want[in->n].hi = strtoull(lx->p + 2, &end, 10);
			lx->p = end;
			if (in->want[in->n].hi < in->want[in->n].lo)
				return td_fail(lx, "the range of %s runs backwards",
					       in->want[in->n].name);
		}
		in->n++;
	}
	if (!in->n)
		return td_fail(lx, "info names what to check: info 4 sacked=0");
	return 0;
}

static int td_parse_line(struct td_lex *lx, struct td_script *script, int lineno,
			 const char *line)
{
	struct td_event ev;
	char *cut;

	memset(&ev, 0, sizeof(ev));
	ev.line = lineno;
	td_skip_space(lx);
	if (!*lx->p)
		return 0;
	if (td_accept(lx, "tolerance")) {
		long long t;

		td_skip_space(lx);
		if (td_time(lx, &t))
			return -1;
		if (td_accept(lx, "ms"))
			t /= 1000;
		else if (!td_accept(lx, "s"))
			return td_fail(lx, "tolerance takes a unit: 50ms or 0.05s");
		script->tolerance_usecs = t;
		return 0;
	}
	if (td_accept(lx, "remote_isn")) {
		uint32_t isn;

		if (td_number(lx, &isn, false, "an ISN"))
			return -1;
		script->remote_isn = isn;
		return 0;
	}

	if (*lx->p == '+') {
		ev.relative = true;
		lx->p++;
	}
	if (td_time(lx, &ev.usecs))
		return -1;
	if (!strncmp(lx->p, "...", 3)) {
		lx->p += 3;
		ev.has_end = true;
		if (td_time(lx, &ev.end_usecs))
			return -1;
	}
	td_skip_space(lx);
	ev.text = strdup(line);
	/* Drop trailing spaces from the text shown in messages. */
	for (cut = ev.text + strlen(ev.text); cut > ev.text && isspace((unsigned char)cut[-1]);)
		*--cut = '\0';
	if (*lx->p == '<' || *lx->p == '>') {
		ev.type = *lx->p == '<' ? TD_INJECT : TD_EXPECT;
		lx->p++;
		if (td_parse_packet_lex(lx, &ev.pkt))
			goto fail;
		if (ev.type == TD_INJECT && (ev.pkt.flags_any || ev.pkt.seq == TD_ANY ||
					     (ev.pkt.has_win && ev.pkt.win == TD_ANY))) {
			td_fail(lx, "a segment to inject cannot have \"*\" fields (but ack * and ecr *)");
			goto fail;
		}
		if (ev.type == TD_EXPECT && (ev.pkt.bad_csum || ev.pkt.doff)) {
			td_fail(lx, "bad_csum and doff are for segments to inject");
			goto fail;
		}
	} else if (td_accept(lx, "stat")) {
		ev.type = TD_STAT;
		if (td_parse_stat(lx, &ev.stat))
			goto fail;
	} else if (td_accept(lx, "info")) {
		ev.type = TD_INFO;
		if (td_parse_info(lx, &ev.info))
			goto fail;
	} else if (*lx->p == '`') {
		const char *end = strchr(lx->p + 1, '`');

		if (!end) {
			td_fail(lx, "unterminated `command`");
			goto fail;
		}
		ev.type = TD_SHELL;
		ev.shell = strndup(lx->p + 1, end - lx->p - 1);
		lx->p = end + 1;
	} else {
		ev.type = TD_SYSCALL;
		if (td_parse_syscall(lx, &ev.sys))
			goto fail;
	}
	if (ev.has_end && ev.type != TD_SYSCALL) {
		td_fail(lx, "only a system call takes a time range");
		goto fail;
	}
	script->events = realloc(script->events, sizeof(ev) * (script->nevents + 1));
	script->events[script->nevents++] = ev;
	return 0;
fail:
	free(ev.text);
	if (ev.type == TD_SYSCALL)
		for (int i = 0; i < ev.sys.nargs; i++)
			free(ev.sys.args[i]);
	return -1;
}

int td_parse_script(const char *name, const char *text, struct td_script *script,
		    char *err, int errlen)
{
	const char *line = text;
	int lineno = 0;
	char msg[256];

	memset(script, 0, sizeof(*script));
	script->name = name;
	script->remote_isn = TD_DEFAULT_REMOTE_ISN;
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *buf = strndup(line, len), *c;
		struct td_lex lx = { .p = buf, .err = msg, .errlen = sizeof(msg) };

		lineno++;
		/* Comments: // anywhere, # at the start. */
		c = strstr(buf, "//");
		if (c)
			*c = '\0';
		if (buf[strspn(buf, " \t")] == '#')
			buf[0] = '\0';
		if (td_parse_line(&lx, script, lineno, buf)) {
			snprintf(err, errlen, "%s:%d: %s", name, lineno, msg);
			free(buf);
			td_free_script(script);
			return -1;
		}
		free(buf);
		line += len + (nl ? 1 : 0);
	}
	if (!script->nevents) {
		snprintf(err, errlen, "%s: no events", name);
		return -1;
	}
	return 0;
}

void td_free_script(struct td_script *script)
{
	for (int i = 0; i < script->nevents; i++) {
		struct td_event *ev = &script->events[i];

		free(ev->text);
		if (ev->type == TD_SYSCALL)
			for (int j = 0; j < ev->sys.nargs; j++)
				free(ev->sys.args[j]);
		else if (ev->type == TD_SHELL)
			free(ev->shell);
	}
	free(script->events);
	script->events = NULL;
	script->nevents = 0;
}
