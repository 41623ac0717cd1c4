// SPDX-License-Identifier: GPL-2.0
/*
 * A stat line's figures: TTP_CMD_STATS_GET over generic netlink, from this
 * process, in the script's namespace. The same figures `ttpctl stats`
 * prints, without a program started per look: on the debug kernel under
 * emulation a ttpctl run costs a third of a second of the guest's CPU, and
 * a look that comes late may judge nothing.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/ttp.h>
#include "stats.h"

#define TD_NL_BUF 65536

struct td_nl_req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[64];
};

/* One request, its one reply: the payload after the genetlink header. */
static int td_nl_ask(int fd, uint16_t family, uint8_t cmd, uint8_t version,
		     const char *name, char *buf, size_t *len)
{
	static uint32_t seq;
	struct td_nl_req req = { 0 };
	struct nlattr *na;
	ssize_t n;

	req.nh.nlmsg_type = family;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = ++seq;
	req.gh.cmd = cmd;
	req.gh.version = version;
	req.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	if (name) {
		na = (struct nlattr *)req.attrs;
		na->nla_type = CTRL_ATTR_FAMILY_NAME;
		na->nla_len = NLA_HDRLEN + strlen(name) + 1;
		memcpy((char *)na + NLA_HDRLEN, name, strlen(name) + 1);
		req.nh.nlmsg_len += NLA_ALIGN(na->nla_len);
	}
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;

		n = recv(fd, buf, TD_NL_BUF, 0);
		if (n < 0)
			return -errno;
		if (n < (ssize_t)NLMSG_HDRLEN || !NLMSG_OK(nh, n))
			return -EBADMSG;
		if (nh->nlmsg_seq != seq)
			continue;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(nh);

			return e->error ? e->error : -EBADMSG;
		}
		if (nh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
			return -EBADMSG;
		*len = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
		memmove(buf, (char *)NLMSG_DATA(nh) + GENL_HDRLEN, *len);
		return 0;
	}
}

#define td_nla_for_each(a, head, len) \
	for (a = (struct nlattr *)(head); \
	     (size_t)((char *)a - (char *)(head)) + NLA_HDRLEN <= (len) && \
	     a->nla_len >= NLA_HDRLEN && \
	     (size_t)((char *)a - (char *)(head)) + a->nla_len <= (len); \
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))

static void *td_nla_data(struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

static uint64_t td_nla_u64(struct nlattr *a)
{
	uint64_t v = 0;

	if (a && a->nla_len >= NLA_HDRLEN + sizeof(v))
		memcpy(&v, td_nla_data(a), sizeof(v));
	return v;
}

/* One TTP_A_STATE or TTP_A_COUNTER nest. */
static int td_stats_nest(struct nlattr *nest, bool state, td_stats_fn fn, void *ctx)
{
	struct nlattr *a, *name = NULL, *first = NULL, *second = NULL;
	size_t len = nest->nla_len - NLA_HDRLEN;
	int name_type = state ? TTP_STATE_A_NAME : TTP_COUNTER_A_NAME;
	int first_type = state ? TTP_STATE_A_CURRENT : TTP_COUNTER_A_VALUE;
	char text[64];

	td_nla_for_each(a, td_nla_data(nest), len) {
		int type = a->nla_type & NLA_TYPE_MASK;

		if (type == name_type)
			name = a;
		else if (type == first_type)
			first = a;
		else if (state && type == TTP_STATE_A_ENTERED)
			second = a;
	}
	if (!name || !first || (state && !second))
		return -EBADMSG;
	len = name->nla_len - NLA_HDRLEN;
	if (len == 0 || len >= sizeof(text))
		return -EBADMSG;
	memcpy(text, td_nla_data(name), len);
	text[len] = '\0';
	fn(ctx, state, text, td_nla_u64(first), td_nla_u64(second));
	return 0;
}

int td_stats_read(td_stats_fn fn, void *ctx)
{
	static char buf[TD_NL_BUF];
	struct nlattr *a;
	uint16_t family = 0;
	size_t len;
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	/* The family's id each time: a script may reload the module. */
	err = td_nl_ask(fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, TTP_GENL_NAME, buf, &len);
	if (err)
		goto out;
	td_nla_for_each(a, buf, len)
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID &&
		    a->nla_len >= NLA_HDRLEN + sizeof(family))
			memcpy(&family, td_nla_data(a), sizeof(family));
	err = -ENOENT;
	if (!family)
		goto out;
	err = td_nl_ask(fd, family, TTP_CMD_STATS_GET, TTP_GENL_VERSION, NULL, buf, &len);
	if (err)
		goto out;
	td_nla_for_each(a, buf, len) {
		int type = a->nla_type & NLA_TYPE_MASK;

		if (type != TTP_A_STATE && type != TTP_A_COUNTER)
			continue;
		err = td_stats_nest(a, type == TTP_A_STATE, fn, ctx);
		if (err)
			goto out;
	}
out:
	close(fd);
	return err;
}
