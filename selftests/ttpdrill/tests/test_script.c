// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the ttpdrill script parser, scripts that must fail included. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <linux/ttp.h>
#include "info.h"
#include "script.h"
#include "tap.h"

static int parses(const char *text, struct td_script *s, char *err, int len)
{
	return td_parse_script("t.pkt", text, s, err, len);
}

static void must_fail(const char *text, const char *want)
{
	struct td_script s;
	char err[256] = "";
	int rc = parses(text, &s, err, sizeof(err));

	TAP_OK(rc == -1 && strstr(err, want), "rejected: %s", want);
	if (rc != -1 || !strstr(err, want))
		printf("#   got rc=%d err=\"%s\"\n", rc, err);
	if (rc == 0)
		td_free_script(&s);
}

int main(void)
{
	struct td_script s;
	struct td_packet p;
	char err[256];
	const struct td_event *e;

	TAP_OK(!parses("// a comment\n# another\n"
		       "0 socket(..., SOCK_STREAM, IPPROTO_TTP) = 3\n"
		       "+0.25 < S 0:0(0) win 65535 <mss 1460,wscale 7,ts val 100 ecr 0>\n"
		       "+0 > S. 0:0(0) ack 1 <mss *,nop,wscale *,ts val * ecr 100>\n"
		       "1.5...2.0 connect(3, ..., ...) = -1 ETIMEDOUT (Connection timed out)\n"
		       "+0 `ttpctl param set msl_ms=1s`\n"
		       "+0 poll(4, POLLIN|POLLOUT, 0) = POLLOUT\n"
		       "+0 stat TIME_WAIT=1 TimeWaitExpired=20 TIME_WAIT.entered=3\n"
		       "+0 info 4 sacked=5 rtt_us=590000..699999\n"
		       "tolerance 50ms\n"
		       "remote_isn 7\n", &s, err, sizeof(err)), "a script of every kind parses");
	TAP_OK(s.nevents == 8, "eight events");
	TAP_OK(s.tolerance_usecs == 50000, "tolerance 50ms");
	TAP_OK(s.remote_isn == 7, "remote_isn");
	e = &s.events[0];
	TAP_OK(e->type == TD_SYSCALL && !strcmp(e->sys.name, "socket") && e->sys.nargs == 3 &&
	       e->sys.ret == 3 && !e->relative && e->usecs == 0, "socket() event");
	e = &s.events[1];
	TAP_OK(e->type == TD_INJECT && e->relative && e->usecs == 250000 &&
	       e->pkt.flags == TTP_FLAG_SYN && e->pkt.len == 0 && e->pkt.has_win &&
	       e->pkt.win == 65535 && e->pkt.nopts == 3 && e->pkt.opts[0].kind == TD_OPT_MSS &&
	       e->pkt.opts[0].a == 1460 && e->pkt.opts[2].kind == TD_OPT_TS &&
	       e->pkt.opts[2].a == 100 && e->pkt.opts[2].b == 0, "injected SYN with options");
	e = &s.events[2];
	TAP_OK(e->type == TD_EXPECT && e->pkt.flags == (TTP_FLAG_SYN | TTP_FLAG_ACK) &&
	       e->pkt.has_ack && e->pkt.ack == 1 && e->pkt.nopts == 4 &&
	       e->pkt.opts[0].a == TD_ANY && e->pkt.opts[1].kind == TD_OPT_NOP,
	       "expected SYN-ACK with wildcards");
	e = &s.events[3];
	TAP_OK(e->has_end && e->usecs == 1500000 && e->end_usecs == 2000000 &&
	       e->sys.ret == -1 && e->sys.err == ETIMEDOUT, "a time range and an errno");
	e = &s.events[4];
	TAP_OK(e->type == TD_SHELL && !strcmp(e->shell, "ttpctl param set msl_ms=1s"), "shell line");
	e = &s.events[5];
	TAP_OK(e->sys.ret == (POLLOUT) && e->sys.nargs == 3, "poll result by name");
	e = &s.events[6];
	TAP_OK(e->type == TD_STAT && e->stat.n == 3 &&
	       !strcmp(e->stat.want[0].name, "TIME_WAIT") && !e->stat.want[0].entered &&
	       e->stat.want[0].value == 1 && !strcmp(e->stat.want[1].name, "TimeWaitExpired") &&
	       e->stat.want[1].value == 20 && !strcmp(e->stat.want[2].name, "TIME_WAIT") &&
	       e->stat.want[2].entered && e->stat.want[2].value == 3, "stat line");
	e = &s.events[7];
	TAP_OK(e->type == TD_INFO && e->info.fd == 4 && e->info.n == 2 &&
	       !strcmp(e->info.want[0].name, "sacked") && e->info.want[0].lo == 5 &&
	       e->info.want[0].hi == 5 && e->info.want[1].field == td_info_field("rtt_us") &&
	       e->info.want[1].lo == 590000 && e->info.want[1].hi == 699999, "info line");
	td_free_script(&s);

	TAP_OK(!td_parse_packet("P. 1:1001(1000) ack 1 win *", &p, err, sizeof(err)) &&
	       p.flags == (TTP_FLAG_PSH | TTP_FLAG_ACK) && p.seq == 1 && p.len == 1000 &&
	       p.win == TD_ANY && !p.has_opts, "data segment");
	TAP_OK(!td_parse_packet("[0x40] 0:0(0) bad_csum doff 4", &p, err, sizeof(err)) &&
	       p.flags == 0x40 && p.bad_csum && p.doff == 4, "raw flags and corruption");
	TAP_OK(!td_parse_packet("* *:*(0)", &p, err, sizeof(err)) && p.flags_any &&
	       p.seq == TD_ANY, "anything of length 0");

	TAP_OK(!td_parse_packet(". 1:1(0) ack 1 <sackOK,sack 10:20 30:40,nop>", &p, err,
				sizeof(err)) && p.nopts == 3 &&
	       p.opts[0].kind == TD_OPT_SACK_PERM && p.opts[1].kind == TD_OPT_SACK &&
	       p.opts[1].nblocks == 2 && p.opts[1].sack[1][0] == 30 &&
	       p.opts[1].sack[1][1] == 40 && p.opts[2].kind == TD_OPT_NOP, "SACK options");

	must_fail("0 < S 0:10(0)\n", "END - SEQ is not LEN");
	must_fail("0 < . 1:1(0) ack 1 <sack>\n", "a SACK block's left edge");
	must_fail("0 < . 1:1(0) ack 1 <sack 1:2 3>\n", "expected \"sack L:R ...\"");
	must_fail("0 < . 1:1(0) ack 1 <sack 1:2 3:4 5:6 7:8 9:10>\n", "more than 4 SACK blocks");
	must_fail("0 < X 0:0(0)\n", "unknown flag 'X'");
	must_fail("0 < S 0:0(0) <mss 1460\n", "expected ',' or '>'");
	must_fail("0 < S 0:0(0) <foo 1>\n", "unknown option");
	must_fail("0 < S 0:0(0) ack 1\n", "without the ACK flag");
	must_fail("0 < * 0:0(0)\n", "cannot have \"*\" fields");
	must_fail("0 > S 0:0(0) bad_csum\n", "for segments to inject");
	must_fail("0 < S 0:0(0) doff 16\n", "doff takes 0..15");
	must_fail("0 connect(3, ..., ...) = -1 EWHATEVER\n", "unknown errno");
	must_fail("0 connect(3, ..., ...)\n", "expected '= RESULT'");
	must_fail("0 close(3 = 0\n", "unterminated arguments");
	must_fail("0 `echo\n", "unterminated `command`");
	must_fail("0...1 < S 0:0(0)\n", "only a system call takes a time range");
	must_fail("x close(3) = 0\n", "expected a time");
	must_fail("tolerance 5\n", "tolerance takes a unit");
	must_fail("0 stat\n", "stat names what to check");
	must_fail("0 stat TIME_WAIT\n", "expected =NUMBER after TIME_WAIT");
	must_fail("0 stat TIME_WAIT=x\n", "expected =NUMBER");
	must_fail("0 stat =1\n", "expected a state or counter name");
	must_fail("0 stat A=1 B=1 C=1 D=1 E=1\n", "at most 4 figures");
	must_fail("0 info 4\n", "info names what to check");
	must_fail("0 info sacked=1\n", "expected the script's fd");
	must_fail("0 info 4 sacks=1\n", "struct ttp_info has no field sacks");
	must_fail("0 info 4 lost\n", "expected =NUMBER or =LOW..HIGH after lost");
	must_fail("0 info 4 lost=1..\n", "expected a NUMBER after .. for lost");
	must_fail("0 info 4 lost=2..1\n", "the range of lost runs backwards");
	must_fail("// nothing\n", "no events");
	must_fail("0 close(3) = 0\n0 < S 0:0(0) junk\n", "t.pkt:2:");
	return tap_done();
}
