// SPDX-License-Identifier: GPL-2.0
/*
 * ttp-bench flood: a SYN flood from spoofed sources, the load the synflood
 * benchmark puts on a listener while a real client connects.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#include "bench.h"
#include "loop.h"

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/*
 * flood: SYNs with an MSS option from random addresses in a /16 and random
 * ports, built by hand on a raw socket. TCP's and TTP's headers differ only
 * in where the checksum sits (TTP's is where TCP's urgent pointer is).
 */
int bench_flood(int port, const char *sources, double seconds)
{
	struct {
		struct iphdr ip;
		uint8_t th[24];
	} __attribute__((packed)) pkt;
	struct sockaddr_in dst = bench_addr.ss_family == AF_INET ?
				 *(struct sockaddr_in *)&bench_addr : (struct sockaddr_in){ 0 };
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW), csum_at;
	unsigned long sent = 0, failed = 0;
	double start = ttp_now(), end = start + seconds;
	struct in_addr net;
	uint32_t rnd = 2463534242U;

	if (bench_addr.ss_family != AF_INET || inet_pton(AF_INET, sources, &net) != 1) {
		fprintf(stderr, "ttp-bench: flood takes an IPv4 HOST and SOURCES\n");
		return 1;
	}
	if (fd < 0)
		die("raw socket (root?)");
	csum_at = bench_proto == IPPROTO_TCP ? 16 : 18;
	while (ttp_now() < end) {
		for (int i = 0; i < 256; i++) {
			uint32_t sum, src, sport;

			/* xorshift: cheap; the sources need not be unpredictable. */
			rnd ^= rnd << 13;
			rnd ^= rnd >> 17;
			rnd ^= rnd << 5;
			src = (ntohl(net.s_addr) & 0xffff0000U) | (rnd & 0xffff);
			memset(&pkt, 0, sizeof(pkt));
			pkt.ip = (struct iphdr){ .version = 4, .ihl = 5, .ttl = 64,
						 .tot_len = htons(sizeof(pkt)),
						 .protocol = bench_proto,
						 .saddr = htonl(src), .daddr = dst.sin_addr.s_addr };
			sport = 1024 + (rnd >> 16) % 60000;
			pkt.th[0] = sport >> 8;
			pkt.th[1] = sport & 0xff;
			pkt.th[2] = port >> 8;
			pkt.th[3] = port & 0xff;
			memcpy(pkt.th + 4, &rnd, 4);		/* the ISN */
			pkt.th[12] = 6 << 4;			/* 24 bytes */
			pkt.th[13] = 0x02;			/* SYN */
			pkt.th[14] = 0xff;
			pkt.th[15] = 0xff;			/* window 65535 */
			pkt.th[20] = 2;
			pkt.th[21] = 4;
			pkt.th[22] = 1460 >> 8;
			pkt.th[23] = 1460 & 0xff;		/* MSS 1460 */
			sum = csum_add(0, &pkt.ip.saddr, 8);
			sum += bench_proto + sizeof(pkt.th);
			sum = csum_add(sum, pkt.th, sizeof(pkt.th));
			sum = csum_fold(sum);
			pkt.th[csum_at] = sum >> 8;
			pkt.th[csum_at + 1] = sum & 0xff;
			if (sendto(fd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&dst,
				   sizeof(dst)) < 0)
				failed++;
			else
				sent++;
		}
	}
	end = ttp_now();
	printf("{\"mode\": \"flood\", \"proto\": \"%s\", \"seconds\": %.3f, \"syns\": %lu, "
	       "\"value\": %.0f, \"unit\": \"SYNs/s\", \"failed\": %lu}\n", bench_proto_name,
	       end - start, sent, sent / (end - start), failed);
	close(fd);
	return 0;
}
