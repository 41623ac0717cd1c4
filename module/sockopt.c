// SPDX-License-Identifier: GPL-2.0
/*
 * Socket options and ioctls: SOL_TTP's own (TTP_NODELAY, TTP_CORK, the
 * keepalive trio, TTP_SYNCNT, TTP_LINGER2, TTP_MSL, TTP_USER_TIMEOUT,
 * TTP_INFO, TTP_CONGESTION), which refine
 * the namespace's parameters for one socket, and the rest handed to IP's,
 * as net/mptcp/sockopt.c is cut from MPTCP.
 */
#include <asm/ioctls.h>
#include <linux/sockios.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/transp_v6.h>
#include "inject.h"
#include "netns.h"
#include "ttp.h"

/*
 * TTP_CONGESTION: an algorithm's name, NUL-terminated or not, as
 * TCP_CONGESTION takes it; ENOENT for one TTP does not have.
 */
static int ttp_set_congestion(struct sock *sk, sockptr_t optval, unsigned int optlen)
{
	unsigned int len = min_t(unsigned int, optlen, TTP_CONG_NAME_MAX - 1);
	const struct ttp_cong_ops *ops;
	char name[TTP_CONG_NAME_MAX];

	if (!optlen)
		return -EINVAL;
	if (copy_from_sockptr(name, optval, len))
		return -EFAULT;
	name[len] = 0;
	ops = ttp_cong_find(name);
	if (!ops)
		return -ENOENT;
	lock_sock(sk);
	ttp_cong_set_ops(sk, ops);
	release_sock(sk);
	return 0;
}

int ttp_setsockopt(struct sock *sk, int level, int optname,
		   sockptr_t optval, unsigned int optlen)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct net *net = sock_net(sk);
	int val, err = 0;

	if (level != SOL_TTP) {
		if (sk->sk_family == AF_INET6)
			return ipv6_setsockopt(sk, level, optname, optval, optlen);
		return ip_setsockopt(sk, level, optname, optval, optlen);
	}
	if (optname == TTP_CONGESTION)
		return ttp_set_congestion(sk, optval, optlen);
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;

	lock_sock(sk);
	/* Test builds: an owner that holds on, so segments meet a backlog. */
	ttp_inject_window("owner", 20);
	switch (optname) {
	case TTP_NODELAY:
		if (val) {
			ts->nonagle |= TTP_NAGLE_OFF;
			/* What Nagle held goes now, as TCP_NODELAY does. */
			if (sk->sk_state != TTP_CLOSED && sk->sk_state != TTP_LISTEN)
				__ttp_push(sk, TTP_NAGLE_PUSH);
		} else {
			ts->nonagle &= ~TTP_NAGLE_OFF;
		}
		break;
	case TTP_CORK:
		if (val) {
			ts->nonagle |= TTP_NAGLE_CORK;
		} else {
			ts->nonagle &= ~TTP_NAGLE_CORK;
			if (sk->sk_state != TTP_CLOSED && sk->sk_state != TTP_LISTEN)
				__ttp_push(sk, TTP_NAGLE_PUSH);
		}
		break;
	case TTP_KEEPIDLE:
	case TTP_KEEPINTVL:
		/* Within the namespace parameter's range, as TCP's within its. */
		if (!ttp_param_in_range(optname == TTP_KEEPIDLE ? TTP_PARAM_KEEPALIVE_TIME_MS :
					TTP_PARAM_KEEPALIVE_INTVL_MS, val)) {
			err = -EINVAL;
			break;
		}
		if (optname == TTP_KEEPINTVL) {
			ts->keepintvl = val;
			break;
		}
		ts->keepidle = val;
		/* A running idle clock is measured against the new value now. */
		if (sock_flag(sk, SOCK_KEEPOPEN) && timer_pending(&ts->keepalive_timer))
			ttp_reset_keepalive(sk, 0);
		break;
	case TTP_KEEPCNT:
		if (!ttp_param_in_range(TTP_PARAM_KEEPALIVE_PROBES, val))
			err = -EINVAL;
		else
			ts->keepcnt = val;
		break;
	case TTP_SYNCNT:
		if (val < 1 || val > 127)
			err = -EINVAL;
		else
			ts->syncnt = val;
		break;
	case TTP_LINGER2:
		/* TCP_LINGER2's meaning, in milliseconds, capped as fin_timeout_ms. */
		if (val < 0)
			ts->linger2 = -1;
		else
			ts->linger2 = min(val, (int)ttp_param_defs[TTP_PARAM_FIN_TIMEOUT_MS].max);
		break;
	case TTP_USER_TIMEOUT:
		/* TCP_USER_TIMEOUT refuses a negative time; -1 is TTP's "none". */
		if (val < -1)
			err = -EINVAL;
		else
			WRITE_ONCE(ts->user_timeout, val);
		break;
	case TTP_MSL:
		if (!ttp_param_in_range(TTP_PARAM_MSL_MS, val))
			err = -EINVAL;
		else if (val < ttp_param(net, TTP_PARAM_MSL_MS) &&
			 !ns_capable(net->user_ns, CAP_NET_ADMIN))
			err = -EPERM;	/* a shorter TIME_WAIT than the namespace's */
		else
			ts->msl = val;
		break;
	default:
		err = -ENOPROTOOPT;
	}
	release_sock(sk);
	return err;
}

int ttp_getsockopt(struct sock *sk, int level, int optname,
		   char __user *optval, int __user *optlen)
{
	struct ttp_sock *ts = ttp_sk(sk);
	struct net *net = sock_net(sk);
	int val, len;

	if (level != SOL_TTP) {
		if (sk->sk_family == AF_INET6)
			return ipv6_getsockopt(sk, level, optname, optval, optlen);
		return ip_getsockopt(sk, level, optname, optval, optlen);
	}
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	switch (optname) {
	case TTP_NODELAY:
		val = !!(ts->nonagle & TTP_NAGLE_OFF);
		break;
	case TTP_CORK:
		val = !!(ts->nonagle & TTP_NAGLE_CORK);
		break;
	case TTP_KEEPIDLE:
		val = ts->keepidle ?: ttp_param(net, TTP_PARAM_KEEPALIVE_TIME_MS);
		break;
	case TTP_KEEPINTVL:
		val = ts->keepintvl ?: ttp_param(net, TTP_PARAM_KEEPALIVE_INTVL_MS);
		break;
	case TTP_KEEPCNT:
		val = ts->keepcnt ?: ttp_param(net, TTP_PARAM_KEEPALIVE_PROBES);
		break;
	case TTP_SYNCNT:
		val = ts->syncnt ? ts->syncnt : ttp_param(net, TTP_PARAM_SYN_RETRIES);
		break;
	case TTP_LINGER2:
		val = ts->linger2 ? ts->linger2 : ttp_param(net, TTP_PARAM_FIN_TIMEOUT_MS);
		break;
	case TTP_MSL:
		val = ts->msl ? ts->msl : ttp_param(net, TTP_PARAM_MSL_MS);
		break;
	case TTP_USER_TIMEOUT:
		val = READ_ONCE(ts->user_timeout) ?: ttp_param(net, TTP_PARAM_USER_TIMEOUT_MS);
		break;
	case TTP_INFO:
		return ttp_info_get(sk, optval, optlen, len);
	case TTP_CONGESTION: {
		char name[TTP_CONG_NAME_MAX] = {};

		strscpy(name, READ_ONCE(ts->cong.ops)->name, sizeof(name));
		len = min_t(int, len, sizeof(name));
		if (put_user(len, optlen) || copy_to_user(optval, name, len))
			return -EFAULT;
		return 0;
	}
	default:
		return -ENOPROTOOPT;
	}
	len = min_t(int, len, sizeof(val));
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

/* SIOCINQ, SIOCOUTQ, SIOCOUTQNSD, as for TCP. */
int ttp_ioctl(struct sock *sk, int cmd, int *value)
{
	const struct ttp_sock *ts = ttp_sk(sk);

	if (sk->sk_state == TTP_LISTEN)
		return -EINVAL;
	switch (cmd) {
	case SIOCINQ:
		lock_sock(sk);
		*value = ttp_inq(sk);
		release_sock(sk);
		return 0;
	case SIOCOUTQ:
		*value = READ_ONCE(ts->write_seq) - READ_ONCE(ts->snd_una);
		return 0;
	case SIOCOUTQNSD:
		*value = READ_ONCE(ts->write_seq) - READ_ONCE(ts->snd_max);
		return 0;
	}
	return -ENOIOCTLCMD;
}
