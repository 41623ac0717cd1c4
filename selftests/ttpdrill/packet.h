/* SPDX-License-Identifier: GPL-2.0 */
/* Segments on the wire: building, reading, matching against a script. */
#ifndef TTPDRILL_PACKET_H
#define TTPDRILL_PACKET_H

#include <stddef.h>
#include <stdint.h>
#include "script.h"

/* The connection the script plays: addresses, ports, both ISNs. */
struct td_conn {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t local[16];	/* the stack under test */
	uint8_t remote[16];	/* the host the tool plays */
	uint16_t lport;
	uint16_t rport;
	uint32_t local_isn;
	bool local_isn_known;
	uint32_t remote_isn;
	uint32_t last_tsval;	/* the local side's latest, for "ecr *" */
};

/* A TTP segment read off the wire. */
struct td_wire {
	int family;
	uint8_t saddr[16];
	uint8_t daddr[16];
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t flags;
	uint16_t win;
	uint16_t reserved;
	int doff;
	uint32_t len;
	bool csum_ok;
	bool opts_bad;
	int nopts;		/* NOP and EOL left out */
	struct td_opt opts[TD_MAX_OPTS];
};

/* TTP's checksum of SEG (its own field included) over the pseudo-header. */
uint16_t td_ttp_csum(int family, const uint8_t *src, const uint8_t *dst,
		     const uint8_t *seg, size_t len);
/* The checksum of a 20-byte IPv4 header whose checksum field is zero. */
uint16_t td_ip4_csum(const uint8_t *hdr);
/* Numbers in network order. */
uint16_t td_get16(const uint8_t *p);
uint32_t td_get32(const uint8_t *p);
void td_put16(uint8_t *p, uint16_t v);
void td_put32(uint8_t *p, uint32_t v);
/* 1: not a TTP segment (ignore it); 0: parsed; -1: TTP but unreadable. */
int td_wire_parse(const uint8_t *buf, size_t len, struct td_wire *w);
/* An IP packet for an injected segment; its length, or -1. */
int td_build(const struct td_conn *c, const struct td_packet *p, uint8_t *buf,
	     size_t max, char *err, int errlen);
/* 0 if W is what EXP describes; otherwise why not, in WHY. */
int td_match(const struct td_conn *c, const struct td_packet *exp,
	     const struct td_wire *w, char *why, int whylen);
/* W in script syntax, sequence numbers relative to the ISNs. */
void td_format(const struct td_conn *c, const struct td_wire *w, char *buf, int len);

#endif
