// SPDX-License-Identifier: GPL-2.0
/*
 * ttpcat: netcat for TTP. Connect to HOST PORT, or listen on PORT (-l) and
 * take one connection; then copy stdin to the socket and the socket to
 * stdout. At the end of stdin it half-closes (shutdown(SHUT_WR)) and keeps
 * reading until the peer closes too, so `ttpcat host port < file` sends a
 * file and prints the reply; and the peer's end of data does not stop it
 * sending the rest of stdin.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/ttp.h>
#include "parse.h"

static const char ttpcat_usage[] =
	"Usage: ttpcat [-46v] [-w SECONDS] HOST PORT\n"
	"       ttpcat [-46v] -l [-b ADDRESS] PORT\n"
	"  -4, -6       use IPv4 or IPv6 only\n"
	"  -l           listen on PORT and take one connection\n"
	"  -b ADDRESS   listen on ADDRESS only (default: all)\n"
	"  -w SECONDS   give up connecting after SECONDS\n"
	"  -v           say what happens on stderr\n";

static bool verbose;

static void say(const char *what, const struct sockaddr *sa)
{
	char host[NI_MAXHOST], port[NI_MAXSERV];

	if (!verbose)
		return;
	if (getnameinfo(sa, sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
							: sizeof(struct sockaddr_in),
			host, sizeof(host), port, sizeof(port),
			NI_NUMERICHOST | NI_NUMERICSERV))
		strcpy(host, "?"), strcpy(port, "?");
	fprintf(stderr, "ttpcat: %s %s port %s\n", what, host, port);
}

static int ttpcat_socket(const struct addrinfo *ai)
{
	int fd = socket(ai->ai_family, SOCK_STREAM, IPPROTO_TTP);

	if (fd < 0 && (errno == EPROTONOSUPPORT || errno == ESOCKTNOSUPPORT))
		fprintf(stderr, "ttpcat: TTP is not available: load the module (insmod module/ttp.ko)\n");
	return fd;
}

static int ttpcat_connect(const char *host, const char *port, int family, long wait)
{
	struct addrinfo hints = { .ai_family = family, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *ai;
	int fd = -1, err;

	err = getaddrinfo(host, port, &hints, &res);
	if (err) {
		fprintf(stderr, "ttpcat: %s port %s: %s\n", host, port, gai_strerror(err));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = ttpcat_socket(ai);
		if (fd < 0)
			continue;
		if (wait > 0) {
			struct timeval tv = { .tv_sec = wait };

			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		}
		if (!connect(fd, ai->ai_addr, ai->ai_addrlen)) {
			say("connected to", ai->ai_addr);
			break;
		}
		fprintf(stderr, "ttpcat: connect to %s port %s: %s\n", host, port,
			strerror(errno == EINPROGRESS ? ETIMEDOUT : errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int ttpcat_accept(const char *addr, const char *port, int family)
{
	struct addrinfo hints = {
		.ai_family = family ? family : AF_INET6,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_PASSIVE,
	};
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	struct addrinfo *res;
	int fd, conn, one = 1, err;

	err = getaddrinfo(addr, port, &hints, &res);
	if (err && !family && !addr) {
		hints.ai_family = AF_INET;
		err = getaddrinfo(addr, port, &hints, &res);
	}
	if (err) {
		fprintf(stderr, "ttpcat: %s: %s\n", addr ? addr : port, gai_strerror(err));
		return -1;
	}
	fd = ttpcat_socket(res);
	if (fd < 0) {
		freeaddrinfo(res);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, res->ai_addr, res->ai_addrlen) || listen(fd, 1)) {
		fprintf(stderr, "ttpcat: listen on port %s: %s\n", port, strerror(errno));
		freeaddrinfo(res);
		close(fd);
		return -1;
	}
	say("listening on", res->ai_addr);
	freeaddrinfo(res);
	conn = accept(fd, (struct sockaddr *)&peer, &len);
	if (conn < 0)
		fprintf(stderr, "ttpcat: accept: %s\n", strerror(errno));
	else
		say("connection from", (struct sockaddr *)&peer);
	close(fd);
	return conn;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * Copy both ways until both are done: the peer has sent its last byte
 * (its FIN) and stdin has ended (and our FIN has gone out). Either may come
 * first: a half-closed connection still carries data the other way.
 */
static int ttpcat_pump(int sock)
{
	struct pollfd pfd[2] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = sock, .events = POLLIN },
	};
	static char buf[65536];
	bool stdin_open = true, sock_open = true;

	while (stdin_open || sock_open) {
		ssize_t n;

		pfd[0].fd = stdin_open ? STDIN_FILENO : -1;
		pfd[1].fd = sock_open ? sock : -1;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("ttpcat: poll");
			return 1;
		}
		if (sock_open && pfd[1].revents) {
			n = read(sock, buf, sizeof(buf));
			if (n < 0) {
				fprintf(stderr, "ttpcat: read: %s\n", strerror(errno));
				return 1;
			}
			if (n == 0) {
				sock_open = false;
				continue;
			}
			if (write_all(STDOUT_FILENO, buf, n)) {
				perror("ttpcat: write to stdout");
				return 1;
			}
		}
		if (stdin_open && pfd[0].revents) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0) {
				/* Half-close: we are done sending, not receiving. */
				stdin_open = false;
				if (shutdown(sock, SHUT_WR)) {
					perror("ttpcat: shutdown");
					return 1;
				}
				continue;
			}
			if (write_all(sock, buf, n)) {
				fprintf(stderr, "ttpcat: write: %s\n", strerror(errno));
				return 1;
			}
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *bind_addr = NULL;
	int opt, family = 0, sock, ret;
	long wait = 0;
	bool listen_mode = false;

	while ((opt = getopt(argc, argv, "46lb:w:vh")) != -1) {
		switch (opt) {
		case '4': family = AF_INET; break;
		case '6': family = AF_INET6; break;
		case 'l': listen_mode = true; break;
		case 'b': bind_addr = optarg; break;
		case 'w':
			if (ttp_parse_long(optarg, 0, INT_MAX, &wait)) {
				fputs(ttpcat_usage, stderr);
				return 1;
			}
			break;
		case 'v': verbose = true; break;
		case 'h':
			fputs(ttpcat_usage, stdout);
			return 0;
		default:
			fputs(ttpcat_usage, stderr);
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (listen_mode ? argc != 1 : argc != 2) {
		fputs(ttpcat_usage, stderr);
		return 1;
	}
	/* A peer gone for good is an error from write(), not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	sock = listen_mode ? ttpcat_accept(bind_addr, argv[0], family)
			   : ttpcat_connect(argv[0], argv[1], family, wait);
	if (sock < 0)
		return 1;
	ret = ttpcat_pump(sock);
	close(sock);
	return ret;
}
