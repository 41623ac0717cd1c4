/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything that differs between the kernels TTP supports (Debian's 6.1,
 * 6.12 and 7.3) lives here, so the rest of the module reads as if written
 * for one kernel.
 */
#ifndef _TTP_COMPAT_H
#define _TTP_COMPAT_H

#include <linux/version.h>
#include <linux/bpf-cgroup.h>
#include <linux/ipv6.h>
#include <linux/netlink.h>
#include <net/genetlink.h>
#include <net/ip6_route.h>

#if !IS_ENABLED(CONFIG_IPV6)
#error "TTP needs a kernel with IPv6"
#endif

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

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
#include <asm/unaligned.h>
#else
#include <linux/unaligned.h>
#endif

/* The GSO helpers (gso_make_checksum() and kin) left skbuff.h in 6.5. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#include <net/gso.h>
#endif

/* sk_under_memory_pressure() and its kin left net/sock.h in 6.10. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#include <net/proto_memory.h>
#endif

/*
 * skb_condense() is exported in 6.12 and 7.3, not in 6.1: there a segment
 * waits in the backlog as it came, charged its whole truesize.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define ttp_compat_skb_condense(skb) skb_condense(skb)
#else
static inline void ttp_compat_skb_condense(struct sk_buff *skb)
{
}
#endif

/* from_timer() became timer_container_of() in 6.16. */
#ifdef from_timer
#define ttp_timer_container(var, timer, field) from_timer(var, timer, field)
#else
#define ttp_timer_container(var, timer, field) timer_container_of(var, timer, field)
#endif

/*
 * struct proto callbacks whose signatures changed. socket.c and sockopt.c
 * implement the newest form's semantics once; these wrappers adapt. The
 * version boundaries are those of the upstream changes; only 6.1, 6.12 and
 * 7.3 are built and tested.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 10, 0)
#define TTP_COMPAT_ACCEPT(fn)						\
static struct sock *ttp_compat_accept(struct sock *sk, int flags, int *err, \
				      bool kern)			\
{									\
	return fn(sk, flags, err);					\
}
#else
#define TTP_COMPAT_ACCEPT(fn)						\
static struct sock *ttp_compat_accept(struct sock *sk,			\
				      struct proto_accept_arg *arg)	\
{									\
	return fn(sk, arg->flags, &arg->err);				\
}
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
#define TTP_COMPAT_IOCTL(fn)						\
static int ttp_compat_ioctl(struct sock *sk, int cmd, unsigned long arg) \
{									\
	int value, err = fn(sk, cmd, &value);				\
									\
	return err ? err : put_user(value, (int __user *)arg);		\
}
#else
#define TTP_COMPAT_IOCTL(fn)						\
static int ttp_compat_ioctl(struct sock *sk, int cmd, int *karg)	\
{									\
	return fn(sk, cmd, karg);					\
}
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 19, 0)
typedef struct sockaddr ttp_sockaddr_t;
#define TTP_COMPAT_RECVMSG(fn)						\
static int ttp_compat_recvmsg(struct sock *sk, struct msghdr *msg,	\
			      size_t len, int flags, int *addr_len)	\
{									\
	return fn(sk, msg, len, flags);					\
}
#else
typedef struct sockaddr_unsized ttp_sockaddr_t;
#define TTP_COMPAT_RECVMSG(fn)						\
static int ttp_compat_recvmsg(struct sock *sk, struct msghdr *msg,	\
			      size_t len, int flags)			\
{									\
	return fn(sk, msg, len, flags);					\
}
#endif

/* cgroup BPF's connect hooks learned the address length in 6.7. */
static inline int ttp_cgroup_connect4(struct sock *sk, ttp_sockaddr_t *uaddr, int *lenp)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 7, 0)
	return BPF_CGROUP_RUN_PROG_INET4_CONNECT(sk, (struct sockaddr *)uaddr);
#else
	return BPF_CGROUP_RUN_PROG_INET4_CONNECT(sk, uaddr, lenp);
#endif
}

static inline int ttp_cgroup_connect6(struct sock *sk, ttp_sockaddr_t *uaddr, int *lenp)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 7, 0)
	return BPF_CGROUP_RUN_PROG_INET6_CONNECT(sk, (struct sockaddr *)uaddr);
#else
	return BPF_CGROUP_RUN_PROG_INET6_CONNECT(sk, uaddr, lenp);
#endif
}

/*
 * A socket's IPv6 flow label list moved from ipv6_pinfo to inet_sock in
 * 6.6: a child must not share its listener's.
 */
static inline void ttp_compat_ipv6_fl_list_clear(struct sock *sk)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
	inet6_sk(sk)->ipv6_fl_list = NULL;
#else
	inet_sk(sk)->ipv6_fl_list = NULL;
#endif
}

/*
 * ip6_dst_store()'s last two arguments name the addresses a datagram
 * socket's route was found for; from 6.18 they are flags, before a pointer
 * and a flag. A connection's route is its own pair's: neither.
 */
static inline void ttp_compat_ip6_dst_store(struct sock *sk, struct dst_entry *dst)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 18, 0)
	ip6_dst_store(sk, dst, NULL, false);
#else
	ip6_dst_store(sk, dst, false, false);
#endif
}

/* From 6.6, IPv6 finds ipv6_pinfo by an offset; before, at the very end. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
#define TTP_PROTO_IPV6_PINFO_OFFSET
#else
#define TTP_PROTO_IPV6_PINFO_OFFSET \
	.ipv6_pinfo_offset = offsetof(struct ttp6_sock, inet6),
#endif

/*
 * KUnit suites live in their own module (ttp_kunit.ko, built when the kernel
 * has CONFIG_KUNIT) and reach ttp.ko's pure logic through symbols exported
 * only then, into a namespace whose spelling changed in 6.13.
 */
#include <kunit/visibility.h>
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
#define TTP_IMPORT_KUNIT_NS() MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#else
#define TTP_IMPORT_KUNIT_NS() MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#endif

/* hrtimer_setup() replaced hrtimer_init() and the assignment in 6.13. */
#include <linux/hrtimer.h>
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
static inline void
ttp_compat_hrtimer_setup(struct hrtimer *timer,
			 enum hrtimer_restart (*fn)(struct hrtimer *),
			 clockid_t clock, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
}
#else
#define ttp_compat_hrtimer_setup(timer, fn, clock, mode) \
	hrtimer_setup(timer, fn, clock, mode)
#endif

/*
 * Receive offload (gro.c). Up to 6.9 the IP layers compared their own
 * fields (TTL, TOS, DF, the ID's progress) and left the verdict in the
 * held skb's napi_gro_cb; from 6.10 the transport asks for it, with the
 * headers of both. A fragment's descriptor is filled by one call from
 * 6.5; the largest aggregate is per family from 6.3.
 */
#include <net/gro.h>

static inline int ttp_gro_network_flush(const void *th, const void *th2,
					struct sk_buff *p)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 10, 0)
	int flush = NAPI_GRO_CB(p)->flush;

	/* The second segment decides whether the flow's IP ID is fixed. */
	if (NAPI_GRO_CB(p)->flush_id != 1 || NAPI_GRO_CB(p)->count != 1 ||
	    !NAPI_GRO_CB(p)->is_atomic)
		flush |= NAPI_GRO_CB(p)->flush_id;
	else
		NAPI_GRO_CB(p)->is_atomic = false;
	return flush;
#else
	return gro_receive_network_flush(th, th2, p);
#endif
}

/*
 * Where a held segment's IP header is at completion: up to 6.9 the IP
 * layers set the network header to it; from 6.10 they only record its
 * offset, and the network header stays where GRO began (before a VLAN
 * tag, say).
 */
static inline void *ttp_gro_network_header(struct sk_buff *skb)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 10, 0)
	return skb_network_header(skb);
#else
	return skb->data + NAPI_GRO_CB(skb)->network_offsets[skb->encapsulation];
#endif
}

static inline void ttp_frag_fill(skb_frag_t *frag, struct page *page,
				 unsigned int off, unsigned int size)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
	__skb_frag_set_page(frag, page);
	skb_frag_off_set(frag, off);
	skb_frag_size_set(frag, size);
#else
	skb_frag_fill_page_desc(frag, page, off, size);
#endif
}

static inline unsigned int ttp_gro_max_size(const struct sk_buff *p)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
	unsigned int max = READ_ONCE(p->dev->gro_max_size);
#else
	unsigned int max = netif_get_gro_max_size(p->dev, p);
#endif
	return min(max, GRO_LEGACY_MAX_SIZE);
}

/*
 * sysctl: a handler's table became const in 6.11; from 6.6 a table is
 * registered with its size, before that it ends with an empty entry (the
 * caller leaves table[count] zeroed for 6.1).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define ttp_compat_ctl_table const struct ctl_table
#else
#define ttp_compat_ctl_table struct ctl_table
#endif

static inline struct ctl_table_header *
ttp_compat_register_net_sysctl(struct net *net, const char *path,
			       struct ctl_table *table, size_t count)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return register_net_sysctl_sz(net, path, table, count);
#else
	return register_net_sysctl(net, path, table);
#endif
}

#endif /* _TTP_COMPAT_H */
