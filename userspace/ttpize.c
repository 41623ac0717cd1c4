// SPDX-License-Identifier: GPL-2.0
/*
 * ttpize: run an unmodified program with its TCP sockets turned into TTP
 * sockets, as mptcpize does for MPTCP: libttpize.so, preloaded, rewrites
 * its socket() calls (libttpize.c says how).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ttp.h>
#include "parse.h"

#define TTPIZE_LIB "libttpize.so"

static const char ttpize_usage[] =
	"Usage: ttpize run [-p PORTS] -- COMMAND [ARGUMENT...]\n"
	"       ttpize help\n"
	"Run COMMAND with its TCP sockets made TTP sockets.\n"
	"  -p PORTS  only those that connect to or bind one of PORTS\n"
	"            (a list such as 80,443,8000-8100); the rest stay TCP\n";

static int ttpize_fail_usage(const char *fmt, const char *arg)
{
	fputs("ttpize: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n", stderr);
	fputs(ttpize_usage, stderr);
	return 2;
}

/* PORTS read as libttpize will read it, which takes no error. */
static bool ttpize_ports_valid(const char *ports)
{
	unsigned char map[TTP_PORT_MAP_BYTES] = { 0 };

	return !ttp_parse_ports(ports, map);
}

/*
 * The library beside this program (a build tree), else where `make install`
 * puts it: PREFIX/lib/ttp for PREFIX/bin/ttpize, whatever PREFIX was.
 */
static int ttpize_find_lib(char *path, size_t size)
{
	static const char *const where[] = { "", "/../lib/ttp" };
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	unsigned int i;

	if (n <= 0)
		return -1;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++)
		if (snprintf(path, size, "%s%s/%s", self, where[i], TTPIZE_LIB) < (int)size &&
		    !access(path, R_OK))
			return 0;
	return -1;
}

int main(int argc, char **argv)
{
	const char *ports = NULL, *old;
	char lib[PATH_MAX], *preload;
	int i = 2, fd;

	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "--help")) {
		fputs(ttpize_usage, stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "run"))
		return ttpize_fail_usage("unknown command \"%s\"", argv[1]);
	if (i < argc && !strcmp(argv[i], "-p")) {
		if (i + 1 >= argc)
			return ttpize_fail_usage("%s needs a list of ports", "-p");
		ports = argv[i + 1];
		if (!ttpize_ports_valid(ports))
			return ttpize_fail_usage("\"%s\" is not a list of ports 1-65535 "
						 "such as 80,8000-8100", ports);
		i += 2;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc)
		return ttpize_fail_usage("%s", "no command to run");

	if (ttpize_find_lib(lib, sizeof(lib))) {
		fprintf(stderr, "ttpize: cannot find %s beside ttpize or in ../lib/ttp\n",
			TTPIZE_LIB);
		return 1;
	}
	/* Say now, not as the program's first socket() failing. */
	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TTP);
	if (fd < 0) {
		fprintf(stderr, "ttpize: TTP is not available here (%s): load the module "
			"with \"modprobe ttp\"\n", strerror(errno));
		return 1;
	}
	close(fd);
	old = getenv("LD_PRELOAD");
	if (old && *old) {
		preload = malloc(strlen(lib) + strlen(old) + 2);
		if (!preload)
			return 1;
		sprintf(preload, "%s:%s", lib, old);
	} else {
		preload = lib;
	}
	if (setenv("LD_PRELOAD", preload, 1) ||
	    (ports ? setenv("TTPIZE_PORTS", ports, 1) : unsetenv("TTPIZE_PORTS"))) {
		perror("ttpize: setenv");
		return 1;
	}
	execvp(argv[i], argv + i);
	fprintf(stderr, "ttpize: cannot run %s: %s\n", argv[i], strerror(errno));
	return 127;
}
