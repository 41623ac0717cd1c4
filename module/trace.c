// SPDX-License-Identifier: GPL-2.0
/* The "ttp" tracepoints (trace.h) are defined here. */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/string.h>
#include "ttp.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static void ttp_trace_addr(u16 family, const union ttp_addr *addr, __be16 port, u8 *out)
{
	memset(out, 0, sizeof(struct sockaddr_in6));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)out;

		sin->sin_family = AF_INET;
		sin->sin_port = port;
		sin->sin_addr.s_addr = addr->v4;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = port;
		sin6->sin6_addr = addr->v6;
	}
}

void ttp_trace_addrs(const struct ttp_conn_key *key, u8 *local, u8 *remote)
{
	static const struct ttp_conn_key none = { .family = AF_INET };

	if (!key)
		key = &none;
	ttp_trace_addr(key->family, &key->laddr, key->lport, local);
	ttp_trace_addr(key->family, &key->raddr, key->rport, remote);
}
