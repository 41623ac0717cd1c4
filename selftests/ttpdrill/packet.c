// SPDX-License-Identifier: GPL-2.0
/*
 * Segments on the wire: building the IP packets the tool injects, reading
 * the ones the stack sends, matching them against a script's expectation
 * and printing them in script syntax. Pure code, unit-tested.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/ttp.h>
#include "packet.h"

#define TTP_HDR_LEN_TD ((int)sizeof(struct ttphdr))

static uint32_t td_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (; n > 1; p += 2, n -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (n)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t td_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The TTP checksum: pseudo-header, then the segment. */
uint16_t td_ttp_csum(int family, const uint8_t *src, const uint8_t *dst,
			    const uint8_t *seg, size_t len)
{
	int alen = family == AF_INET ? 4 : 16;
	uint32_t sum = 0;

	sum = td_sum(src, alen, sum);
	sum = td_sum(dst, alen, sum);
	sum += IPPROTO_TTP;
	sum += (uint32_t)len;
	return td_fold(td_sum(seg, len, sum));
}

uint16_t td_ip4_csum(const uint8_t *hdr)
{
	return td_fold(td_sum(hdr, 20, 0));
}

uint16_t td_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t td_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void td_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

void td_put32(uint8_t *p, uint32_t v)
{
	td_put16(p, v >> 16);
	td_put16(p + 2, v & 0xffff);
}

static void td_parse_opts(const uint8_t *p, int len, struct td_wire *w)
{
	while (len > 0) {
		int kind = p[0], olen;

		if (kind == TTP_OPT_EOL)
			return;
		if (kind == TTP_OPT_NOP) {
			p++;
			len--;
			continue;
		}
		if (len < 2 || p[1] < 2 || p[1] > len) {
			w->opts_bad = true;
			return;
		}
		olen = p[1];
		if (w->nopts < TD_MAX_OPTS) {
			struct td_opt *o = &w->opts[w->nopts];

			if (kind == TTP_OPT_MSS && olen == TTP_OPTLEN_MSS) {
				o->kind = TD_OPT_MSS;
				o->a = td_get16(p + 2);
				w->nopts++;
			} else if (kind == TTP_OPT_WSCALE && olen == TTP_OPTLEN_WSCALE) {
				o->kind = TD_OPT_WSCALE;
				o->a = p[2];
				w->nopts++;
			} else if (kind == TTP_OPT_TIMESTAMP && olen == TTP_OPTLEN_TIMESTAMP) {
				o->kind = TD_OPT_TS;
				o->a = td_get32(p + 2);
				o->b = td_get32(p + 6);
				w->nopts++;
			} else if (kind == TTP_OPT_SACK_PERM && olen == TTP_OPTLEN_SACK_PERM) {
				o->kind = TD_OPT_SACK_PERM;
				w->nopts++;
			} else if (kind == TTP_OPT_SACK && olen > TTP_OPTLEN_SACK_BASE &&
				   (olen - TTP_OPTLEN_SACK_BASE) % TTP_OPTLEN_SACK_BLOCK == 0 &&
				   olen <= TTP_OPTLEN_SACK_BASE +
					   TD_MAX_SACK * TTP_OPTLEN_SACK_BLOCK) {
				/* Edges as sent; td_match() makes them relative. */
				o->kind = TD_OPT_SACK;
				o->nblocks = (olen - TTP_OPTLEN_SACK_BASE) / TTP_OPTLEN_SACK_BLOCK;
				for (int i = 0; i < o->nblocks; i++) {
					o->sack[i][0] = td_get32(p + 2 + 8 * i);
					o->sack[i][1] = td_get32(p + 6 + 8 * i);
				}
				w->nopts++;
			} else {
				w->opts_bad = true;	/* the stack never sends others */
			}
		}
		p += olen;
		len -= olen;
	}
}

int td_wire_parse(const uint8_t *buf, size_t len, struct td_wire *w)
{
	const uint8_t *seg;
	size_t seglen;

	memset(w, 0, sizeof(*w));
	if (len < 1)
		return 1;
	if (buf[0] >> 4 == 4) {
		size_t ihl = (buf[0] & 0xf) * 4;

		if (len < 20 || ihl < 20 || len < ihl || buf[9] != IPPROTO_TTP)
			return 1;
		w->family = AF_INET;
		memcpy(w->saddr, buf + 12, 4);
		memcpy(w->daddr, buf + 16, 4);
		seglen = td_get16(buf + 2) - ihl;
		seg = buf + ihl;
		if (td_get16(buf + 2) > len)
			return -1;
	} else if (buf[0] >> 4 == 6) {
		/* The stack sends no extension headers with TTP. */
		if (len < 40 || buf[6] != IPPROTO_TTP)
			return 1;
		w->family = AF_INET6;
		memcpy(w->saddr, buf + 8, 16);
		memcpy(w->daddr, buf + 24, 16);
		seglen = td_get16(buf + 4);
		seg = buf + 40;
		if (seglen + 40 > len)
			return -1;
	} else {
		return 1;
	}
	if (seglen < (size_t)TTP_HDR_LEN_TD)
		return -1;
	w->sport = td_get16(seg);
	w->dport = td_get16(seg + 2);
	w->seq = td_get32(seg + 4);
	w->ack = td_get32(seg + 8);
	w->doff = seg[12] >> 4;
	w->flags = seg[13];
	w->win = td_get16(seg + 14);
	w->reserved = td_get16(seg + 16);
	if (w->doff < 5 || (size_t)w->doff * 4 > seglen)
		return -1;
	w->len = seglen - w->doff * 4;
	w->csum_ok = td_ttp_csum(w->family, w->saddr, w->daddr, seg, seglen) == 0;
	td_parse_opts(seg + TTP_HDR_LEN_TD, w->doff * 4 - TTP_HDR_LEN_TD, w);
	return 0;
}

static uint8_t *td_put_opts(uint8_t *p, const struct td_conn *c, const struct td_packet *pkt)
{
	for (int i = 0; i < pkt->nopts; i++) {
		const struct td_opt *o = &pkt->opts[i];

		switch (o->kind) {
		case TD_OPT_MSS:
			*p++ = TTP_OPT_MSS;
			*p++ = TTP_OPTLEN_MSS;
			td_put16(p, (uint16_t)o->a);
			p += 2;
			break;
		case TD_OPT_WSCALE:
			*p++ = TTP_OPT_WSCALE;
			*p++ = TTP_OPTLEN_WSCALE;
			*p++ = (uint8_t)o->a;
			break;
		case TD_OPT_TS:
			*p++ = TTP_OPT_TIMESTAMP;
			*p++ = TTP_OPTLEN_TIMESTAMP;
			td_put32(p, o->a);
			td_put32(p + 4, o->b == TD_ANY ? c->last_tsval - o->back : o->b);
			p += 8;
			break;
		case TD_OPT_SACK_PERM:
			*p++ = TTP_OPT_SACK_PERM;
			*p++ = TTP_OPTLEN_SACK_PERM;
			break;
		case TD_OPT_SACK:
			/* The blocks cover the local side's data: its ISN. */
			*p++ = TTP_OPT_SACK;
			*p++ = TTP_OPTLEN_SACK_BASE + o->nblocks * TTP_OPTLEN_SACK_BLOCK;
			for (int j = 0; j < o->nblocks; j++) {
				td_put32(p, c->local_isn + o->sack[j][0]);
				td_put32(p + 4, c->local_isn + o->sack[j][1]);
				p += 8;
			}
			break;
		case TD_OPT_NOP:
			*p++ = TTP_OPT_NOP;
			break;
		case TD_OPT_EOL:
			*p++ = TTP_OPT_EOL;
			break;
		}
	}
	return p;
}

int td_build(const struct td_conn *c, const struct td_packet *p, uint8_t *buf,
	     size_t max, char *err, int errlen)
{
	int iplen = c->family == AF_INET ? 20 : 40, optlen, seglen, doff;
	uint8_t opts[64], *end, *seg;
	uint16_t csum;

	if (p->has_ack && p->ack == TD_ANY) {
		snprintf(err, errlen, "\"ack *\" means nothing for a segment to inject");
		return -1;
	}
	end = td_put_opts(opts, c, p);
	optlen = end - opts;
	while (optlen % 4)
		opts[optlen++] = TTP_OPT_EOL;
	if (optlen > 40) {
		snprintf(err, errlen, "options take %d bytes, more than 40", optlen);
		return -1;
	}
	seglen = TTP_HDR_LEN_TD + optlen + (int)p->len;
	if ((size_t)(iplen + seglen) > max) {
		snprintf(err, errlen, "segment too large");
		return -1;
	}
	memset(buf, 0, iplen + seglen);
	if (c->family == AF_INET) {
		buf[0] = 0x45;
		td_put16(buf + 2, (uint16_t)(iplen + seglen));
		td_put16(buf + 6, 0x4000);		/* DF */
		buf[8] = 64;
		buf[9] = IPPROTO_TTP;
		memcpy(buf + 12, c->remote, 4);
		memcpy(buf + 16, c->local, 4);
		td_put16(buf + 10, td_ip4_csum(buf));
	} else {
		buf[0] = 0x60;
		td_put16(buf + 4, (uint16_t)seglen);
		buf[6] = IPPROTO_TTP;
		buf[7] = 64;
		memcpy(buf + 8, c->remote, 16);
		memcpy(buf + 24, c->local, 16);
	}
	seg = buf + iplen;
	doff = p->doff ? p->doff : (TTP_HDR_LEN_TD + optlen) / 4;
	td_put16(seg, c->rport);
	td_put16(seg + 2, c->lport);
	td_put32(seg + 4, c->remote_isn + p->seq);
	/* Before the local side's SYN shows its ISN, numbers are absolute. */
	td_put32(seg + 8, p->has_ack ? c->local_isn + p->ack : 0);
	seg[12] = (uint8_t)(doff << 4);
	seg[13] = p->flags;
	td_put16(seg + 14, p->has_win ? (uint16_t)p->win : 65535);
	memcpy(seg + TTP_HDR_LEN_TD, opts, optlen);
	for (uint32_t i = 0; i < p->len; i++)
		seg[TTP_HDR_LEN_TD + optlen + i] = 'a' + i % 26;
	csum = td_ttp_csum(c->family, c->remote, c->local, seg, seglen);
	if (p->bad_csum)
		csum ^= 0x5a5a;
	td_put16(seg + 18, csum);
	return iplen + seglen;
}

static const char *td_opt_name(enum td_opt_kind k)
{
	switch (k) {
	case TD_OPT_MSS: return "mss";
	case TD_OPT_WSCALE: return "wscale";
	case TD_OPT_TS: return "ts";
	case TD_OPT_SACK_PERM: return "sackOK";
	case TD_OPT_SACK: return "sack";
	case TD_OPT_NOP: return "nop";
	default: return "eol";
	}
}

/*
 * The blocks of a SACK option the local side sent, against the script's:
 * the same number, in the same order (the first names the segment that
 * came last, RFC 2018 4), each edge relative to the remote side's ISN.
 */
static int td_match_sack(const struct td_conn *c, const struct td_opt *e,
			 const struct td_opt *g, char *why, int whylen)
{
	for (int k = 0; k < e->nblocks && k < g->nblocks; k++) {
		uint32_t l = g->sack[k][0] - c->remote_isn, r = g->sack[k][1] - c->remote_isn;

		if (l != e->sack[k][0] || r != e->sack[k][1])
			return snprintf(why, whylen, "option sack: block %d expected %u:%u, got %u:%u",
					k + 1, e->sack[k][0], e->sack[k][1], l, r), -1;
	}
	if (e->nblocks != g->nblocks)
		return snprintf(why, whylen, "option sack: expected %d blocks, got %d",
				e->nblocks, g->nblocks), -1;
	return 0;
}

int td_match(const struct td_conn *c, const struct td_packet *exp,
	     const struct td_wire *w, char *why, int whylen)
{
	uint32_t seq = w->seq - c->local_isn, ack = w->ack - c->remote_isn;
	int i, j;

	if (!w->csum_ok)
		return snprintf(why, whylen, "bad checksum"), -1;
	if (w->sport != c->lport || w->dport != c->rport)
		return snprintf(why, whylen, "ports %u > %u, expected %u > %u",
				w->sport, w->dport, c->lport, c->rport), -1;
	if (!exp->flags_any && w->flags != exp->flags)
		return snprintf(why, whylen, "flags"), -1;
	if (exp->seq != TD_ANY && seq != exp->seq)
		return snprintf(why, whylen, "seq: expected %u, got %u", exp->seq, seq), -1;
	if (w->len != exp->len)
		return snprintf(why, whylen, "payload length: expected %u, got %u",
				exp->len, w->len), -1;
	if (exp->has_ack && exp->ack != TD_ANY && ack != exp->ack)
		return snprintf(why, whylen, "ack: expected %u, got %u", exp->ack, ack), -1;
	if (exp->has_win && exp->win != TD_ANY && w->win != exp->win)
		return snprintf(why, whylen, "window: expected %u, got %u", exp->win, w->win), -1;
	if (w->reserved)
		return snprintf(why, whylen, "reserved field is %u, not 0", w->reserved), -1;
	if (w->opts_bad)
		return snprintf(why, whylen, "malformed options"), -1;
	if (!exp->has_opts)
		return 0;
	/* Listed options, NOP and EOL aside, in order. */
	for (i = 0, j = 0; i < exp->nopts; i++) {
		const struct td_opt *e = &exp->opts[i], *g;

		if (e->kind == TD_OPT_NOP || e->kind == TD_OPT_EOL)
			continue;
		if (j >= w->nopts)
			return snprintf(why, whylen, "option %s missing", td_opt_name(e->kind)), -1;
		g = &w->opts[j++];
		if (g->kind != e->kind)
			return snprintf(why, whylen, "option %s where %s was expected",
					td_opt_name(g->kind), td_opt_name(e->kind)), -1;
		if (e->a != TD_ANY && g->a != e->a)
			return snprintf(why, whylen, "option %s: expected %u, got %u",
					td_opt_name(e->kind), e->a, g->a), -1;
		if (e->kind == TD_OPT_TS && e->b != TD_ANY && g->b != e->b)
			return snprintf(why, whylen, "option ts: ecr expected %u, got %u",
					e->b, g->b), -1;
		if (e->kind == TD_OPT_SACK && td_match_sack(c, e, g, why, whylen))
			return -1;
	}
	if (j < w->nopts)
		return snprintf(why, whylen, "unexpected option %s", td_opt_name(w->opts[j].kind)), -1;
	return 0;
}

void td_format(const struct td_conn *c, const struct td_wire *w, char *buf, int len)
{
	char flags[8] = "", *f = flags;
	uint32_t seq = w->seq - (c->local_isn_known ? c->local_isn : 0);
	int n;

	if (w->flags & TTP_FLAG_SYN)
		*f++ = 'S';
	if (w->flags & TTP_FLAG_FIN)
		*f++ = 'F';
	if (w->flags & TTP_FLAG_RST)
		*f++ = 'R';
	if (w->flags & TTP_FLAG_PSH)
		*f++ = 'P';
	if (w->flags & TTP_FLAG_ACK)
		*f++ = '.';
	if (w->flags & ~TTP_FLAGS_KNOWN)
		f += sprintf(f, "?");
	*f = '\0';
	n = snprintf(buf, len, "%s %u:%u(%u)", flags, seq, seq + w->len, w->len);
	if (w->flags & TTP_FLAG_ACK)
		n += snprintf(buf + n, len - n, " ack %u", w->ack - c->remote_isn);
	n += snprintf(buf + n, len - n, " win %u", w->win);
	if (w->nopts) {
		n += snprintf(buf + n, len - n, " <");
		for (int i = 0; i < w->nopts && n < len; i++) {
			const struct td_opt *o = &w->opts[i];

			if (o->kind == TD_OPT_TS) {
				n += snprintf(buf + n, len - n, "%sts val %u ecr %u", i ? "," : "",
					      o->a, o->b);
			} else if (o->kind == TD_OPT_SACK_PERM) {
				n += snprintf(buf + n, len - n, "%ssackOK", i ? "," : "");
			} else if (o->kind == TD_OPT_SACK) {
				n += snprintf(buf + n, len - n, "%ssack", i ? "," : "");
				for (int k = 0; k < o->nblocks && n < len; k++)
					n += snprintf(buf + n, len - n, " %u:%u",
						      o->sack[k][0] - c->remote_isn,
						      o->sack[k][1] - c->remote_isn);
			} else {
				n += snprintf(buf + n, len - n, "%s%s %u", i ? "," : "",
					      td_opt_name(o->kind), o->a);
			}
		}
		n += snprintf(buf + n, len - n, ">");
	}
	if (!w->csum_ok && n < len)
		snprintf(buf + n, len - n, " bad_csum");
}
