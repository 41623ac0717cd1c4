// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of ttpdrill's segments: what it builds it reads back, and the
 * matcher tells every difference that matters.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/ttp.h>
#include "packet.h"
#include "tap.h"

static struct td_conn conn(int family)
{
	struct td_conn c = { .family = family, .lport = 8080, .rport = 43210,
			     .local_isn = 5000, .local_isn_known = true, .remote_isn = 1000000,
			     .last_tsval = 777 };

	inet_pton(family, family == AF_INET ? "192.0.2.1" : "2001:db8::1", c.local);
	inet_pton(family, family == AF_INET ? "192.0.2.2" : "2001:db8::2", c.remote);
	return c;
}

/*
 * The tool builds what the remote side sends; to read it as if the local
 * side sent it, swap the roles (and the ISNs) in a mirrored connection.
 */
static struct td_conn mirror(const struct td_conn *c)
{
	struct td_conn m = *c;

	memcpy(m.local, c->remote, 16);
	memcpy(m.remote, c->local, 16);
	m.lport = c->rport;
	m.rport = c->lport;
	m.local_isn = c->remote_isn;
	m.remote_isn = c->local_isn;
	return m;
}

static int roundtrip(int family, const char *text, const char *expect_text, char *why,
		     int whylen, struct td_wire *w)
{
	struct td_conn c = conn(family), m = mirror(&c);
	struct td_packet p, e;
	uint8_t buf[2048];
	char err[128];
	int n;

	if (td_parse_packet(text, &p, err, sizeof(err)) ||
	    td_parse_packet(expect_text, &e, err, sizeof(err))) {
		snprintf(why, whylen, "parse: %.100s", err);
		return -2;
	}
	n = td_build(&c, &p, buf, sizeof(buf), err, sizeof(err));
	if (n < 0 || td_wire_parse(buf, n, w)) {
		snprintf(why, whylen, "build/parse failed");
		return -2;
	}
	return td_match(&m, &e, w, why, whylen);
}

static void same(int family, const char *text, const char *expect)
{
	struct td_wire w;
	char why[128] = "";

	TAP_OK(roundtrip(family, text, expect, why, sizeof(why), &w) == 0,
	       "%s: \"%s\" matches \"%s\"", family == AF_INET ? "v4" : "v6", text, expect);
	if (why[0])
		printf("#   %s\n", why);
}

static void differs(int family, const char *text, const char *expect, const char *want)
{
	struct td_wire w;
	char why[128] = "";
	int rc = roundtrip(family, text, expect, why, sizeof(why), &w);

	TAP_OK(rc == -1 && strstr(why, want), "%s: \"%s\" vs \"%s\": %s",
	       family == AF_INET ? "v4" : "v6", text, expect, want);
	if (rc != -1 || !strstr(why, want))
		printf("#   rc=%d why=\"%s\"\n", rc, why);
}

int main(void)
{
	int fams[] = { AF_INET, AF_INET6 };
	struct td_wire w;
	char why[128], out[256];

	for (int i = 0; i < 2; i++) {
		int f = fams[i];

		same(f, "S 0:0(0) win 65535 <mss 1460,wscale 7,ts val 100 ecr 5>",
		     "S 0:0(0) win 65535 <mss 1460,wscale 7,ts val 100 ecr 5>");
		same(f, "S 0:0(0) <mss 1460,wscale 7>", "S *:*(0) <mss *,wscale *>");
		same(f, "P. 1:101(100) ack 7 win 512", "P. 1:101(100) ack 7");
		same(f, "P. 1:101(100) ack 7 win 512 <ts val 1 ecr 2>", "P. 1:101(100) ack 7");
		same(f, ". 1:1(0) ack 7 <ts val 1 ecr *>", ". 1:1(0) ack 7 <ts val 1 ecr 777>");
		same(f, ". 1:1(0) ack 7 <ts val 1 ecr *-77>", ". 1:1(0) ack 7 <ts val 1 ecr 700>");
		differs(f, ". 1:1(0) ack 7", ". 1:1(0) ack 8", "ack: expected 8, got 7");
		differs(f, ". 2:2(0) ack 7", ". 1:1(0) ack 7", "seq: expected 1, got 2");
		differs(f, "F. 1:1(0) ack 7", ". 1:1(0) ack 7", "flags");
		differs(f, "P. 1:11(10) ack 7", "P. 1:12(11) ack 7", "payload length");
		differs(f, ". 1:1(0) ack 7 win 9", ". 1:1(0) ack 7 win 10", "window");
		differs(f, "S 0:0(0) <mss 1400>", "S 0:0(0) <mss 1460>", "option mss: expected 1460");
		differs(f, "S 0:0(0) <mss 1400>", "S 0:0(0) <mss *,wscale *>", "option wscale missing");
		differs(f, "S 0:0(0) <mss 1400,wscale 2>", "S 0:0(0) <mss *>", "unexpected option wscale");
		differs(f, ". 1:1(0) ack 7 <ts val 1 ecr 2>", ". 1:1(0) ack 7 <ts val * ecr 3>",
			"ecr expected 3");
		differs(f, ". 1:1(0) ack 7 bad_csum", ". 1:1(0) ack 7", "bad checksum");
		same(f, "S 0:0(0) <mss 1460,sackOK,ts val 1 ecr 0>",
		     "S 0:0(0) <mss 1460,nop,nop,sackOK,ts val 1 ecr 0>");
		same(f, ". 1:1(0) ack 7 <nop,nop,sack 101:201 301:401 501:601>",
		     ". 1:1(0) ack 7 <sack 101:201 301:401 501:601>");
		same(f, ". 1:1(0) ack 7 <sack 4294967000:4294967290>",
		     ". 1:1(0) ack 7 <sack 4294967000:4294967290>");
		differs(f, "S 0:0(0) <mss 1460>", "S 0:0(0) <mss 1460,sackOK>",
			"option sackOK missing");
		differs(f, ". 1:1(0) ack 7 <sack 101:201 301:401>", ". 1:1(0) ack 7 <sack 301:401>",
			"block 1 expected 301:401, got 101:201");
		differs(f, ". 1:1(0) ack 7 <sack 101:201 301:401>", ". 1:1(0) ack 7 <sack 101:201>",
			"expected 1 blocks, got 2");
		differs(f, ". 1:1(0) ack 7 <sack 101:201>", ". 1:1(0) ack 7 <sack 101:202>",
			"block 1 expected 101:202, got 101:201");
	}

	/* Printing uses the script's own syntax. */
	roundtrip(AF_INET, "P. 1:11(10) ack 7 win 512 <ts val 1 ecr 2>", "P. 1:11(10)", why,
		  sizeof(why), &w);
	{
		struct td_conn c = conn(AF_INET), m = mirror(&c);

		td_format(&m, &w, out, sizeof(out));
	}
	TAP_STREQ(out, "P. 1:11(10) ack 7 win 512 <ts val 1 ecr 2>", "format in script syntax");
	roundtrip(AF_INET6, ". 1:1(0) ack 7 win 9 <sackOK,sack 5:9 20:30>", ". 1:1(0)", why,
		  sizeof(why), &w);
	{
		struct td_conn c = conn(AF_INET6), m = mirror(&c);

		td_format(&m, &w, out, sizeof(out));
	}
	TAP_STREQ(out, ". 1:1(0) ack 7 win 9 <sackOK,sack 5:9 20:30>", "SACK options formatted");

	/* Not TTP: ignored, not an error. */
	{
		uint8_t icmp6[48] = { 0x60, 0, 0, 0, 0, 8, 58, 255 };

		TAP_OK(td_wire_parse(icmp6, sizeof(icmp6), &w) == 1, "ICMPv6 is not TTP");
	}
	return tap_done();
}
