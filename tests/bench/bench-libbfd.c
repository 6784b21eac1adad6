/*
 * bench-libbfd.c - what one BFD packet costs in libbfd, and how big a
 * session is. Pairs of sessions exchange packets over a simulated link for
 * a fixed number of packets; the program prints nanoseconds per packet for
 * the receive path (decode + bfd_session_recv) and the transmit path
 * (bfd_session_timer building a packet), with and without authentication,
 * and the heap allocations made per packet (libbfd promises none).
 *
 *   build/tests/bench/bench-libbfd [packets]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "packet.h"
#include "session.h"

/* Count calls to malloc (glibc: __libc_malloc is the real one). */
static long mallocs;
extern void *__libc_malloc(size_t size);
void *malloc(size_t size);

void *malloc(size_t size)
{
	mallocs++;
	return __libc_malloc(size);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Two sessions brought Up, then `packets` periodic packets from a to b. */
static void run(const char *label, const struct bfd_auth_key *key, long packets)
{
	const struct bfd_session_params p = { 300000, 300000, 3 };
	struct bfd_session a, b;
	struct bfd_output out, reply;
	struct bfd_packet pkt;
	double tx_ns = 0, rx_ns = 0;
	long mallocs_before;

	bfd_session_init(&a, &p, key, 0xa, 1, 0);
	bfd_session_init(&b, &p, key, 0xb, 2, 0);
	mallocs_before = mallocs;
	for (long i = 0; i < packets; i++) {
		bfd_usec_t now_us = bfd_session_next_deadline_us(&a);
		double t0 = now_ns();

		bfd_session_timer(&a, now_us, &out);
		tx_ns += now_ns() - t0;
		if (!out.packet_len)
			continue;
		t0 = now_ns();
		if (bfd_packet_decode(out.packet, out.packet_len, &pkt) != BFD_DROP_NONE ||
		    bfd_session_recv(&b, out.packet, &pkt, now_us, &reply) != BFD_DROP_NONE)
			abort();
		rx_ns += now_ns() - t0;
		/* b answers at its own pace, so both sides stay Up. */
		if (now_us >= bfd_session_next_deadline_us(&b)) {
			bfd_session_timer(&b, now_us, &reply);
		}
		if (reply.packet_len &&
		    bfd_packet_decode(reply.packet, reply.packet_len, &pkt) == BFD_DROP_NONE)
			bfd_session_recv(&a, reply.packet, &pkt, now_us, &out);
	}
	if (a.state != BFD_STATE_UP || b.state != BFD_STATE_UP)
		abort();
	printf("%-24s %9.0f ns/packet tx %9.0f ns/packet rx %6.2f mallocs/packet\n", label,
	       tx_ns / (double)packets, rx_ns / (double)packets,
	       (double)(mallocs - mallocs_before) / (double)packets);
}

int main(int argc, char **argv)
{
	long packets = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	struct bfd_auth_key sha1 = { .type = BFD_AUTH_METICULOUS_KEYED_SHA1, .key_id = 1,
				     .secret_len = 20 };

	if (packets < 10) {
		fprintf(stderr, "usage: bench-libbfd [packets >= 10]\n");
		return 2;
	}
	memcpy(sha1.secret, "01234567890123456789", 20);
	printf("sizeof(struct bfd_session) = %zu bytes\n", sizeof(struct bfd_session));
	printf("%ld packets each way per run\n", packets);
	run("no authentication", NULL, packets);
	run("meticulous keyed SHA1", &sha1, packets / 10);
	return 0;
}
