/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ttpdrill scripts: one event per line, each with a time. The grammar is in
 * README.md; this is what the parser makes of it.
 */
#ifndef TTPDRILL_SCRIPT_H
#define TTPDRILL_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>

#define TD_MAX_OPTS 8
#define TD_MAX_ARGS 6
#define TD_ANY UINT32_MAX	/* a field written as "*" */
#define TD_MAX_SACK 4		/* blocks in one SACK option: 40 bytes of options */

enum td_event_type {
	TD_SYSCALL,	/* a system call on the local side */
	TD_INJECT,	/* "<": a segment the remote side sends */
	TD_EXPECT,	/* ">": a segment the local side must send */
	TD_SHELL,	/* `command`: must exit 0 */
	TD_STAT,	/* "stat NAME=N ...": figures of `ttpctl stats` */
	TD_INFO,	/* "info FD NAME=N ...": fields of the socket's TTP_INFO */
};

enum td_opt_kind {
	TD_OPT_MSS,
	TD_OPT_WSCALE,
	TD_OPT_TS,
	TD_OPT_SACK_PERM,
	TD_OPT_SACK,
	TD_OPT_NOP,
	TD_OPT_EOL,
};

struct td_opt {
	enum td_opt_kind kind;
	uint32_t a;	/* mss, wscale, or TSval; TD_ANY for "*" */
	uint32_t b;	/* TSecr; TD_ANY for "*" */
	uint32_t back;	/* "ecr *-N": N, an echo that much older */
	/* SACK blocks [left, right), relative to the data sender's ISN. */
	int nblocks;
	uint32_t sack[TD_MAX_SACK][2];
};

/* A segment as a script writes it. Sequence numbers are relative. */
struct td_packet {
	uint8_t flags;		/* TTP_FLAG_* */
	bool flags_any;
	uint32_t seq;		/* relative to the sender's ISN; TD_ANY */
	uint32_t len;		/* payload bytes */
	bool has_ack;
	uint32_t ack;		/* relative to the receiver's ISN; TD_ANY */
	bool has_win;
	uint32_t win;		/* the raw field; TD_ANY */
	bool has_opts;		/* options listed: they must match */
	int nopts;
	struct td_opt opts[TD_MAX_OPTS];
	uint16_t port;		/* the remote side's port; 0: the default */
	/* Ways to break an injected segment. */
	bool bad_csum;
	int doff;		/* header length in words; 0: the right one */
};

struct td_syscall {
	char name[16];
	int nargs;
	char *args[TD_MAX_ARGS];
	bool ret_any;		/* "= *" */
	long ret;		/* expected return value */
	int err;		/* expected errno when ret is -1 */
};

#define TD_MAX_STATS 4
#define TD_STAT_NAME 40

/*
 * "stat TIME_WAIT=1 TimeWaitExpired=2 TIME_WAIT.entered=3": a state's gauge
 * (or with .entered its total) or a counter, by the name ttpctl shows.
 */
struct td_stat {
	int n;
	struct {
		char name[TD_STAT_NAME];
		bool entered;
		unsigned long long value;
	} want[TD_MAX_STATS];
};

/*
 * "info 4 sacked=5 lost=2 rtt_us=590000..699999": struct ttp_info's
 * fields of script fd 4, each a value or an inclusive range.
 */
struct td_info_check {
	int fd;
	int n;
	struct {
		char name[TD_STAT_NAME];
		int field;	/* td_info_field() */
		unsigned long long lo, hi;
	} want[TD_MAX_STATS];
};

struct td_event {
	int line;
	char *text;		/* the line as written, for messages */
	bool relative;		/* "+0.1" rather than "0.1" */
	long long usecs;	/* when (relative or absolute) */
	bool has_end;		/* "T1...T2": a syscall that returns at T2 */
	long long end_usecs;	/* relative to the start when relative */
	enum td_event_type type;
	union {
		struct td_packet pkt;
		struct td_syscall sys;
		char *shell;
		struct td_stat stat;
		struct td_info_check info;
	};
};

struct td_script {
	const char *name;
	int nevents;
	struct td_event *events;
	long long tolerance_usecs;	/* 0: the run's */
	uint32_t remote_isn;
};

/* Parse TEXT; on error return -1 and describe it in ERR. */
int td_parse_script(const char *name, const char *text, struct td_script *script,
		    char *err, int errlen);
int td_parse_packet(const char *text, struct td_packet *pkt, char *err, int errlen);
void td_free_script(struct td_script *script);

/* Constants scripts may name, and errno names. */
int td_lookup_constant(const char *name, long *value);
int td_errno_from_name(const char *name);
const char *td_errno_name(int err);

#endif
