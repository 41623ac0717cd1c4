// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-line helpers for compat.h: code only older kernels need.
 */
#include "compat.h"

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
#include <linux/atomic.h>

#define TTP_COMPAT_EXTACK_SLOTS 64
#define TTP_COMPAT_EXTACK_LEN 80	/* NETLINK_MAX_FMTMSG_LEN from 6.2 on */

static char ttp_compat_extack_ring[TTP_COMPAT_EXTACK_SLOTS][TTP_COMPAT_EXTACK_LEN];
static atomic_t ttp_compat_extack_next = ATOMIC_INIT(0);

void ttp_compat_extack_fmt(struct netlink_ext_ack *extack,
			   const struct nlattr *attr, const char *fmt, ...)
{
	unsigned int slot;
	va_list args;
	char *buf;

	if (!extack)
		return;
	slot = (unsigned int)atomic_inc_return(&ttp_compat_extack_next);
	buf = ttp_compat_extack_ring[slot % TTP_COMPAT_EXTACK_SLOTS];
	va_start(args, fmt);
	vsnprintf(buf, TTP_COMPAT_EXTACK_LEN, fmt, args);
	va_end(args);
	extack->_msg = buf;
	extack->bad_attr = attr;
}
#endif
