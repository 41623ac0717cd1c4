// SPDX-License-Identifier: GPL-2.0
/*
 * ttp-fuzz-packets: mutated TTP segments thrown at both ends of a veth pair.
 *
 * The seeds are real: every TTP frame crossing the link (the connections
 * the test built, in every state it could hold them in) goes into a pool,
 * and each injected segment is a recent one with one to three mutations of
 * its flags, sequence or acknowledgment number, window, header length,
 * options, payload, ports, direction or checksum, or now and then a
 * segment of random bytes between the same two addresses. Seeds taken from
 * the live exchange keep sequence numbers near the windows, where a stack's
 * decisions are made; random numbers alone would almost all be dropped by
 * the first window check.
 *
 * Frames the fuzzer sends carry a source MAC of their own so that they never
 * become seeds. Ports given with -x are left alone: the test's control
 * connections run there and must not notice.
 *
 * Usage: ttp-fuzz-packets -a NETNS:DEV -b NETNS:DEV [-n COUNT] [-t SECONDS]
 *                         [-s SEED] [-x PORT]...
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/ttp.h>
#include "../ttpdrill/packet.h"

#define FUZZ_POOL	512
#define FUZZ_MTU	1500
#define FUZZ_EXCLUDE	16

/* One end of the link: a packet socket on its device, in its namespace. */
struct fuzz_end {
	const char *netns;
	const char *dev;
	int fd;
	int ifindex;
	uint8_t mac[ETH_ALEN];
};

/* A frame seen on the link; TO_B: it travelled from end a to end b. */
struct fuzz_seed {
	uint16_t len;
	bool to_b;
	uint8_t pkt[FUZZ_MTU];
};

enum fuzz_mutation {
	FUZZ_FLAGS, FUZZ_SEQ, FUZZ_ACK, FUZZ_WINDOW, FUZZ_DOFF, FUZZ_OPTIONS,
	FUZZ_PAYLOAD, FUZZ_PORT, FUZZ_MIRROR, FUZZ_SHORT, FUZZ_CSUM, FUZZ_RESERVED,
	FUZZ_MUTATIONS
};

static const char *const fuzz_mutation_names[FUZZ_MUTATIONS] = {
	"flags", "seq", "ack", "window", "doff", "options", "payload", "port",
	"mirror", "short", "checksum", "reserved",
};

static const uint8_t fuzz_mac[ETH_ALEN] = { 0x02, 0xf0, 0x22, 0x00, 0x00, 0x01 };

static struct fuzz_seed fuzz_pool[FUZZ_POOL];
static unsigned int fuzz_pool_len, fuzz_pool_next;
static uint16_t fuzz_excluded[FUZZ_EXCLUDE];
static int fuzz_nexcluded;
static uint64_t fuzz_rng;
static unsigned long fuzz_counts[FUZZ_MUTATIONS], fuzz_random, fuzz_seen;

/* xorshift64*: fast, and one seed replays the same choices. */
static uint32_t fuzz_rand(void)
{
	fuzz_rng ^= fuzz_rng >> 12;
	fuzz_rng ^= fuzz_rng << 25;
	fuzz_rng ^= fuzz_rng >> 27;
	return (uint32_t)((fuzz_rng * 0x2545f4914f6cdd1dULL) >> 32);
}

static uint32_t fuzz_below(uint32_t n)
{
	return n ? fuzz_rand() % n : 0;
}

static bool fuzz_is_excluded(uint16_t port)
{
	for (int i = 0; i < fuzz_nexcluded; i++)
		if (fuzz_excluded[i] == port)
			return true;
	return false;
}

static int fuzz_setns(const char *netns)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), "/run/netns/%s", netns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = setns(fd, CLONE_NEWNET);
	close(fd);
	return ret;
}

/* End A sniffs (every protocol); end B only sends (protocol 0: no frames). */
static int fuzz_open(struct fuzz_end *e, bool sniff)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct ifreq ifr = { 0 };
	uint16_t proto = sniff ? htons(ETH_P_ALL) : 0;
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	if (home < 0 || fuzz_setns(e->netns)) {
		fprintf(stderr, "ttp-fuzz-packets: namespace %s: %s\n", e->netns, strerror(errno));
		return -1;
	}
	e->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, proto);
	e->ifindex = (int)if_nametoindex(e->dev);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", e->dev);
	if (e->fd < 0 || !e->ifindex || ioctl(e->fd, SIOCGIFHWADDR, &ifr)) {
		fprintf(stderr, "ttp-fuzz-packets: %s in %s: %s\n", e->dev, e->netns, strerror(errno));
		return -1;
	}
	memcpy(e->mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	sll.sll_protocol = proto;
	sll.sll_ifindex = e->ifindex;
	if (bind(e->fd, (struct sockaddr *)&sll, sizeof(sll))) {
		fprintf(stderr, "ttp-fuzz-packets: bind %s: %s\n", e->dev, strerror(errno));
		return -1;
	}
	if (setns(home, CLONE_NEWNET))
		return -1;
	close(home);
	return 0;
}

/* Take what crossed the link since last time into the pool. */
static void fuzz_sniff(const struct fuzz_end *a)
{
	uint8_t frame[ETH_HLEN + FUZZ_MTU];

	for (int i = 0; i < 32; i++) {
		struct sockaddr_ll sll;
		socklen_t sl = sizeof(sll);
		struct fuzz_seed *s;
		struct td_wire w;
		ssize_t n;

		n = recvfrom(a->fd, frame, sizeof(frame), MSG_DONTWAIT | MSG_TRUNC,
			     (struct sockaddr *)&sll, &sl);
		if (n < 0)
			return;
		if (n <= ETH_HLEN || n > (ssize_t)sizeof(frame) ||
		    !memcmp(frame + ETH_ALEN, fuzz_mac, ETH_ALEN))
			continue;
		if (td_wire_parse(frame + ETH_HLEN, n - ETH_HLEN, &w) != 0 ||
		    fuzz_is_excluded(w.sport) || fuzz_is_excluded(w.dport))
			continue;
		s = &fuzz_pool[fuzz_pool_next++ % FUZZ_POOL];
		s->len = (uint16_t)(n - ETH_HLEN);
		s->to_b = sll.sll_pkttype == PACKET_OUTGOING;
		memcpy(s->pkt, frame + ETH_HLEN, s->len);
		if (fuzz_pool_len < FUZZ_POOL)
			fuzz_pool_len++;
		fuzz_seen++;
	}
}

/* A packet being mutated: IP header of IPLEN bytes, then the segment. */
struct fuzz_pkt {
	uint8_t buf[FUZZ_MTU];
	int len;
	int iplen;
	int family;
	bool to_b;
	bool bad_csum;
};

static uint8_t *fuzz_seg(struct fuzz_pkt *p)
{
	return p->buf + p->iplen;
}

static int fuzz_seglen(const struct fuzz_pkt *p)
{
	return p->len - p->iplen;
}

static int fuzz_hdrlen(struct fuzz_pkt *p)
{
	int doff = (fuzz_seg(p)[12] >> 4) * 4;

	return doff < 20 || doff > fuzz_seglen(p) ? 20 : doff;
}

/* A number near N: one off, within a window, or anywhere at all. */
static uint32_t fuzz_near(uint32_t n)
{
	switch (fuzz_below(4)) {
	case 0:
		return n + (fuzz_below(2) ? 1 : -1);
	case 1:
		return n + fuzz_below(4096) - 2048;
	case 2:
		return n + fuzz_below(1 << 21) - (1 << 20);
	default:
		return fuzz_rand();
	}
}

/* 4 to 40 bytes of options: well-formed, subtly wrong or random. */
static int fuzz_options(uint8_t *o)
{
	int len = 0, want = 4 * (1 + (int)fuzz_below(10));

	while (len < want) {
		int room = want - len;

		switch (fuzz_below(7)) {
		case 0:	/* MSS, any length, any value */
			o[len++] = TTP_OPT_MSS;
			if (room > 1)
				o[len++] = fuzz_below(4) ? 4 : (uint8_t)fuzz_below(8);
			if (room > 3) {
				td_put16(o + len, (uint16_t)fuzz_rand());
				len += 2;
			}
			break;
		case 1:	/* window scale, shifts past 14 too */
			o[len++] = TTP_OPT_WSCALE;
			if (room > 1)
				o[len++] = fuzz_below(4) ? 3 : (uint8_t)fuzz_below(6);
			if (room > 2)
				o[len++] = (uint8_t)fuzz_below(32);
			break;
		case 2:	/* timestamps, whole or cut short */
			o[len++] = TTP_OPT_TIMESTAMP;
			if (room > 1)
				o[len++] = fuzz_below(4) ? 10 : (uint8_t)fuzz_below(12);
			for (int i = 0; i < 8 && len < want; i++)
				o[len++] = (uint8_t)fuzz_rand();
			break;
		case 3:
			o[len++] = TTP_OPT_NOP;
			break;
		case 4:
			o[len++] = TTP_OPT_EOL;
			break;
		default: /* an unknown kind with a plausible length, or junk */
			o[len++] = (uint8_t)fuzz_rand();
			if (room > 1)
				o[len++] = (uint8_t)fuzz_below(room + 2);
			break;
		}
	}
	return want;
}

/* Replace the option area with new options, moving the payload. */
static void fuzz_reoption(struct fuzz_pkt *p)
{
	uint8_t *seg = fuzz_seg(p), opts[44];
	int hdr = fuzz_hdrlen(p), plen = fuzz_seglen(p) - hdr;
	int olen = fuzz_options(opts);

	if (p->iplen + 20 + olen + plen > FUZZ_MTU)
		plen = FUZZ_MTU - p->iplen - 20 - olen;
	memmove(seg + 20 + olen, seg + hdr, plen);
	memcpy(seg + 20, opts, olen);
	seg[12] = (uint8_t)(((20 + olen) / 4) << 4);
	p->len = p->iplen + 20 + olen + plen;
}

static void fuzz_payload(struct fuzz_pkt *p)
{
	int hdr = fuzz_hdrlen(p), plen = fuzz_seglen(p) - hdr;

	switch (fuzz_below(3)) {
	case 0:	/* cut short */
		p->len = p->iplen + hdr + (int)fuzz_below(plen + 1);
		break;
	case 1: { /* grown */
		int more = (int)fuzz_below(1400);

		if (p->len + more > FUZZ_MTU)
			more = FUZZ_MTU - p->len;
		for (int i = 0; i < more; i++)
			p->buf[p->len + i] = (uint8_t)fuzz_rand();
		p->len += more;
		break;
	}
	default: /* one byte changed: only the checksum can tell */
		if (plen)
			fuzz_seg(p)[hdr + fuzz_below(plen)] ^= 1 + fuzz_below(255);
		break;
	}
}

/* The same segment as if the other side had sent it. */
static void fuzz_mirror(struct fuzz_pkt *p)
{
	int alen = p->family == AF_INET ? 4 : 16, off = p->family == AF_INET ? 12 : 8;
	uint8_t tmp[16], *seg = fuzz_seg(p);
	uint32_t seq = td_get32(seg + 4), ack = td_get32(seg + 8);
	uint16_t port = td_get16(seg);

	memcpy(tmp, p->buf + off, alen);
	memcpy(p->buf + off, p->buf + off + alen, alen);
	memcpy(p->buf + off + alen, tmp, alen);
	td_put16(seg, td_get16(seg + 2));
	td_put16(seg + 2, port);
	td_put32(seg + 4, ack);
	td_put32(seg + 8, seq + fuzz_seglen(p) - fuzz_hdrlen(p) + !!(seg[13] & TTP_FLAG_SYN));
	p->to_b = !p->to_b;
}

static void fuzz_mutate(struct fuzz_pkt *p, enum fuzz_mutation m)
{
	static const uint8_t flag_sets[] = {
		TTP_FLAG_SYN, TTP_FLAG_SYN | TTP_FLAG_ACK, TTP_FLAG_RST,
		TTP_FLAG_RST | TTP_FLAG_ACK, TTP_FLAG_FIN | TTP_FLAG_ACK, TTP_FLAG_ACK,
		TTP_FLAG_FIN | TTP_FLAG_PSH | TTP_FLAG_ACK, 0, TTP_FLAG_SYN | TTP_FLAG_FIN,
	};
	uint8_t *seg = fuzz_seg(p);
	uint16_t port;

	if (fuzz_seglen(p) < 20)	/* cut short already: nothing to change */
		return;
	fuzz_counts[m]++;
	switch (m) {
	case FUZZ_FLAGS:
		if (fuzz_below(2))
			seg[13] = flag_sets[fuzz_below(sizeof(flag_sets))];
		else if (fuzz_below(2))
			seg[13] ^= 1 << fuzz_below(8);
		else
			seg[13] = (uint8_t)fuzz_rand();
		break;
	case FUZZ_SEQ:
		td_put32(seg + 4, fuzz_near(td_get32(seg + 4)));
		break;
	case FUZZ_ACK:
		td_put32(seg + 8, fuzz_near(td_get32(seg + 8)));
		break;
	case FUZZ_WINDOW:
		td_put16(seg + 14, fuzz_below(4) ? (uint16_t)fuzz_rand() : 0);
		break;
	case FUZZ_DOFF:
		seg[12] = (uint8_t)(fuzz_below(16) << 4 | (seg[12] & 0xf));
		break;
	case FUZZ_OPTIONS:
		fuzz_reoption(p);
		break;
	case FUZZ_PAYLOAD:
		fuzz_payload(p);
		break;
	case FUZZ_PORT:
		do
			port = (uint16_t)fuzz_rand();
		while (fuzz_is_excluded(port));
		td_put16(seg + 2 * fuzz_below(2), port);
		break;
	case FUZZ_MIRROR:
		fuzz_mirror(p);
		break;
	case FUZZ_SHORT:	/* less than a header: the length checks */
		p->len = p->iplen + (int)fuzz_below(20);
		break;
	case FUZZ_CSUM:
		p->bad_csum = true;
		break;
	case FUZZ_RESERVED:
		td_put16(seg + 16, (uint16_t)fuzz_rand());
		break;
	default:
		break;
	}
}

/* Random bytes as a segment, between the seed's two addresses. */
static void fuzz_garbage(struct fuzz_pkt *p)
{
	int len = (int)fuzz_below(120);

	for (int i = 0; i < len; i++)
		fuzz_seg(p)[i] = (uint8_t)fuzz_rand();
	p->len = p->iplen + len;
	fuzz_random++;
}

/* IP lengths and both checksums, for what the packet has become. */
static void fuzz_finish(struct fuzz_pkt *p)
{
	int seglen = fuzz_seglen(p);
	uint8_t *seg = fuzz_seg(p);

	if (p->family == AF_INET) {
		td_put16(p->buf + 2, (uint16_t)p->len);
		td_put16(p->buf + 10, 0);
		td_put16(p->buf + 10, td_ip4_csum(p->buf));
	} else {
		td_put16(p->buf + 4, (uint16_t)seglen);
	}
	if (seglen < 20)
		return;
	td_put16(seg + 18, 0);
	td_put16(seg + 18, td_ttp_csum(p->family, p->buf + (p->family == AF_INET ? 12 : 8),
				    p->buf + (p->family == AF_INET ? 16 : 24), seg, seglen));
	if (p->bad_csum)
		seg[18] ^= 1 + fuzz_below(255);
}

static int fuzz_send(const struct fuzz_end *from, const struct fuzz_end *to,
		     const struct fuzz_pkt *p)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = from->ifindex,
		.sll_halen = ETH_ALEN,
	};
	uint8_t frame[ETH_HLEN + FUZZ_MTU];
	uint16_t type = htons(p->family == AF_INET ? ETH_P_IP : ETH_P_IPV6);

	memcpy(sll.sll_addr, to->mac, ETH_ALEN);
	memcpy(frame, to->mac, ETH_ALEN);
	memcpy(frame + ETH_ALEN, fuzz_mac, ETH_ALEN);
	memcpy(frame + 2 * ETH_ALEN, &type, 2);
	memcpy(frame + ETH_HLEN, p->buf, p->len);
	for (;;) {
		if (sendto(from->fd, frame, ETH_HLEN + p->len, 0,
			   (struct sockaddr *)&sll, sizeof(sll)) >= 0)
			return 0;
		if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
			perror("ttp-fuzz-packets: sendto");
			return -1;
		}
		poll(NULL, 0, 1);
	}
}

static double fuzz_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fuzz_end_parse(struct fuzz_end *e, char *arg)
{
	char *colon = strchr(arg, ':');

	if (!colon)
		return -1;
	*colon = '\0';
	e->netns = arg;
	e->dev = colon + 1;
	return 0;
}

static const char fuzz_usage[] =
	"Usage: ttp-fuzz-packets -a NETNS:DEV -b NETNS:DEV [-n COUNT] [-t SECONDS]\n"
	"                        [-s SEED] [-x PORT]...\n"
	"  -a, -b   the two ends of a veth pair; segments seen on it are the seeds\n"
	"  -n       segments to send (default 100000)\n"
	"  -t       stop after this many seconds even if COUNT is not reached\n"
	"  -s       seed of the random choices (default: from the clock)\n"
	"  -x       a port to leave alone (up to 16)\n";

int main(int argc, char **argv)
{
	struct fuzz_end a = { 0 }, b = { 0 };
	unsigned long count = 100000, sent = 0;
	double limit = 0, start, deadline;
	uint64_t seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	int opt;

	while ((opt = getopt(argc, argv, "a:b:n:t:s:x:")) != -1) {
		switch (opt) {
		case 'a':
		case 'b':
			if (fuzz_end_parse(opt == 'a' ? &a : &b, optarg))
				goto usage;
			break;
		case 'n':
			count = strtoul(optarg, NULL, 0);
			break;
		case 't':
			limit = strtod(optarg, NULL);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'x':
			if (fuzz_nexcluded == FUZZ_EXCLUDE)
				goto usage;
			fuzz_excluded[fuzz_nexcluded++] = (uint16_t)atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (!a.netns || !b.netns || optind != argc)
		goto usage;
	fuzz_rng = seed ? seed : 1;
	printf("seed %llu\n", (unsigned long long)seed);
	fflush(stdout);
	if (fuzz_open(&a, true) || fuzz_open(&b, false))
		return 2;

	/* Seeds first: the test keeps traffic flowing. */
	start = fuzz_now();
	while (fuzz_pool_len < 64 && fuzz_now() - start < 10) {
		struct pollfd pfd = { .fd = a.fd, .events = POLLIN };

		poll(&pfd, 1, 100);
		fuzz_sniff(&a);
	}
	if (!fuzz_pool_len) {
		fprintf(stderr, "ttp-fuzz-packets: no TTP traffic on %s to learn from\n", a.dev);
		return 2;
	}
	deadline = limit > 0 ? start + limit : 0;
	while (sent < count && (!deadline || fuzz_now() < deadline)) {
		const struct fuzz_seed *s;
		struct fuzz_pkt p;
		unsigned int back;

		if (!(sent % 16))
			fuzz_sniff(&a);
		/* Mostly the latest segments: their numbers are current. */
		back = fuzz_below(fuzz_below(4) && fuzz_pool_len > 16 ? 16 : fuzz_pool_len);
		s = &fuzz_pool[(fuzz_pool_next - 1 - back) % FUZZ_POOL];
		memset(&p, 0, sizeof(p));
		memcpy(p.buf, s->pkt, s->len);
		p.len = s->len;
		p.to_b = s->to_b;
		p.family = (p.buf[0] >> 4) == 4 ? AF_INET : AF_INET6;
		p.iplen = p.family == AF_INET ? 20 : 40;
		if (!fuzz_below(32)) {
			fuzz_garbage(&p);
		} else {
			int n = 1 + (int)fuzz_below(3);

			while (n--)
				fuzz_mutate(&p, (enum fuzz_mutation)fuzz_below(FUZZ_MUTATIONS));
		}
		fuzz_finish(&p);
		if (fuzz_send(p.to_b ? &a : &b, p.to_b ? &b : &a, &p))
			return 2;
		sent++;
	}
	printf("sent %lu segments in %.0f s from %lu seen on the link; random %lu",
	       sent, fuzz_now() - start, fuzz_seen, fuzz_random);
	for (int m = 0; m < FUZZ_MUTATIONS; m++)
		printf(", %s %lu", fuzz_mutation_names[m], fuzz_counts[m]);
	printf("\n");
	return 0;
usage:
	fputs(fuzz_usage, stderr);
	return 2;
}
