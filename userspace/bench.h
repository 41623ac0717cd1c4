/* SPDX-License-Identifier: GPL-2.0 */
/* What ttp-bench's files share: the protocol, the address, socket helpers. */
#ifndef TTP_BENCH_H
#define TTP_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define BENCH_CHUNK	(64 * 1024)
#define BENCH_MAX_PORTS	16

/* --proto: IPPROTO_TCP or IPPROTO_TTP, and its name for the JSON. */
extern int bench_proto;
extern const char *bench_proto_name;
/* The host and port being measured (bench_resolve, bench_set_port). */
extern struct sockaddr_storage bench_addr;
extern socklen_t bench_addrlen;

_Noreturn void die(const char *what);
int bench_socket(int family);
void bench_nodelay(int fd);
void bench_resolve(const char *host, int port, bool passive);
void bench_set_port(int port);
int bench_connect(int port);
bool write_all(int fd, const void *buf, size_t len);
bool read_all(int fd, void *buf, size_t len);

/* bench-modes.c: the server and the client modes. */
_Noreturn void bench_server(const char *addr, int port, int ports);
int bench_stream(int port, int flows, double seconds);
int bench_rr(int port, double seconds);
int bench_crr(const char *mode, int port, int ports, double seconds);
int bench_hold(int port, int ports, long count);
int bench_timewait(int port, int ports, long count);

/* bench-flood.c: spoofed SYNs from a raw socket. */
int bench_flood(int port, const char *sources, double seconds);

#endif /* TTP_BENCH_H */
