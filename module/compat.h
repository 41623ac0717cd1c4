/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything that differs between the kernels TTP supports (Debian's 6.1,
 * 6.12 and 7.3) lives here, so the rest of the module reads as if written
 * for one kernel.
 */
#ifndef _TTP_COMPAT_H
#define _TTP_COMPAT_H

#include <linux/version.h>
#include <linux/netlink.h>
#include <net/genetlink.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
/*
 * 6.1's extended ACK has no buffer for a formatted message, only a pointer
 * that must stay valid until the ACK is sent, after the handler returns.
 * Format into one of a ring of static buffers instead: a slot is reused only
 * after TTP_COMPAT_EXTACK_SLOTS later errors, far more than can be in flight.
 */
void ttp_compat_extack_fmt(struct netlink_ext_ack *extack,
			   const struct nlattr *attr, const char *fmt, ...)
	__printf(3, 4);
#define TTP_NL_ERR_ATTR_FMT(extack, attr, fmt, args...) \
	ttp_compat_extack_fmt(extack, attr, fmt, ##args)
#else
#define TTP_NL_ERR_ATTR_FMT(extack, attr, fmt, args...) \
	NL_SET_ERR_MSG_ATTR_FMT(extack, attr, fmt, ##args)
#endif

#endif /* _TTP_COMPAT_H */
