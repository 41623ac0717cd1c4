// SPDX-License-Identifier: GPL-2.0
/*
 * Talking to the module's "ttp" generic netlink family with libnl-genl-3.
 * libnl has no API for extended ACKs, so this file turns them on and reads
 * the kernel's message out of error and ACK messages itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <linux/ttp.h>
#include "genl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Like ip -n: act inside the namespace that `ip netns add NAME` made. */
int ttp_nl_enter_netns(const char *name)
{
	char path[4096];
	int fd, err;

	if (strchr(name, '/')) {
		snprintf(path, sizeof(path), "%s", name);
	} else {
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "Cannot open network namespace \"%s\": %s\n",
			name, strerror(errno));
		return -1;
	}
	err = setns(fd, CLONE_NEWNET);
	if (err)
		fprintf(stderr, "Cannot enter network namespace \"%s\": %s\n",
			name, strerror(errno));
	close(fd);
	return err;
}

int ttp_nl_open(struct ttp_nl *nl)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		fprintf(stderr, "Cannot allocate a netlink socket\n");
		return -1;
	}
	if (genl_connect(nl->sk)) {
		fprintf(stderr, "Cannot open a generic netlink socket\n");
		goto err;
	}
	/* A dump's messages can be larger than a page: read each whole. */
	nl_socket_enable_msg_peek(nl->sk);
	/* Ask for the kernel's messages, and not our own request echoed. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, TTP_GENL_NAME);
	if (nl->family < 0) {
		fprintf(stderr, "generic netlink family '%s' not found: load the module (insmod module/ttp.ko)\n",
			TTP_GENL_NAME);
		goto err;
	}
	return 0;
err:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return -1;
}

void ttp_nl_close(struct ttp_nl *nl)
{
	nl_socket_free(nl->sk);
	nl->sk = NULL;
}

struct nl_msg *ttp_nl_msg(struct ttp_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				flags, cmd, TTP_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

struct ttp_nl_request {
	struct ttp_nl *nl;
	ttp_nl_handler fn;
	void *arg;
	int done;	/* 1 while waiting, 0 when finished, -errno on error */
};

/*
 * Extended ACK attributes follow the struct nlmsgerr, and the echoed
 * request unless the kernel capped it (NETLINK_CAP_ACK).
 */
static void ttp_nl_read_extack(struct ttp_nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	int hdrlen = sizeof(*e);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct nlattr *attrs;
	int len;

	nl->msg[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hdrlen += e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - hdrlen;
	if (len <= 0)
		return;
	attrs = (struct nlattr *)((char *)e + hdrlen);
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, len, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->msg, sizeof(nl->msg), "%s",
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	else if (tb[NLMSGERR_ATTR_MISS_TYPE])
		snprintf(nl->msg, sizeof(nl->msg),
			 "the request lacks a required attribute (type %u)",
			 nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]));
}

static int ttp_nl_on_valid(struct nl_msg *msg, void *arg)
{
	struct ttp_nl_request *req = arg;
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));
	int err;

	if (!req->fn)
		return NL_OK;
	err = req->fn(genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0),
		      req->arg);
	if (err < 0) {
		req->done = err;
		return NL_STOP;
	}
	return NL_OK;
}

static int ttp_nl_on_error(struct sockaddr_nl *who, struct nlmsgerr *e,
			   void *arg)
{
	struct ttp_nl_request *req = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);

	(void)who;
	ttp_nl_read_extack(req->nl, nlh);
	req->done = e->error ? e->error : -EPROTO;
	return NL_STOP;
}

static int ttp_nl_on_ack(struct nl_msg *msg, void *arg)
{
	struct ttp_nl_request *req = arg;

	/* A message on a successful request is a warning. */
	ttp_nl_read_extack(req->nl, nlmsg_hdr(msg));
	if (req->nl->msg[0])
		fprintf(stderr, "Warning: %s\n", req->nl->msg);
	req->done = 0;
	return NL_STOP;
}

static int ttp_nl_on_finish(struct nl_msg *msg, void *arg)
{
	struct ttp_nl_request *req = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int *err = nlmsg_data(nlh);

	/* A dump that failed midway says so in its DONE message. */
	req->done = nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) && *err < 0 ? *err : 0;
	return NL_STOP;
}

/* Send MSG (freed here), feed every reply to FN; 0 or -errno. */
int ttp_nl_request(struct ttp_nl *nl, struct nl_msg *msg, ttp_nl_handler fn,
		   void *arg)
{
	struct ttp_nl_request req = { .nl = nl, .fn = fn, .arg = arg, .done = 1 };
	struct nl_cb *cb;
	int err;

	nl->err = 0;
	nl->msg[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return nl->err = -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, ttp_nl_on_valid, &req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ttp_nl_on_ack, &req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, ttp_nl_on_finish, &req);
	nl_cb_err(cb, NL_CB_CUSTOM, ttp_nl_on_error, &req);

	err = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (err < 0) {
		req.done = -EIO;
	} else {
		while (req.done > 0) {
			err = nl_recvmsgs(nl->sk, cb);
			/* libnl maps errno to its own codes; ours is in req. */
			if (err < 0 && req.done > 0)
				req.done = -EIO;
		}
	}
	nl_cb_put(cb);
	nl->err = req.done;
	return req.done;
}

/* "Error: <the kernel's words>", or the errno's text if it said nothing. */
void ttp_nl_print_error(const struct ttp_nl *nl)
{
	if (nl->msg[0])
		fprintf(stderr, "Error: %s\n", nl->msg);
	else
		fprintf(stderr, "Error: %s\n", strerror(-nl->err));
}
