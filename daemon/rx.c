/*
 * rx.c - the receive path: one socket per address family on port 3784.
 *
 * For each packet, in order: GTSM (RFC 5881 section 5: TTL / hop limit
 * must be 255), decoding (RFC 5880 6.8.6 packet rules), demultiplexing
 * (6.8.6: by Your Discriminator, or while it is zero by source address and
 * ingress interface), then the session's own rules. Every drop is counted
 * under its reason: in the session the source address belongs to, or in the
 * daemon's counters when it belongs to none. No allocation, one recvmsg()
 * per packet.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon.h"
#include "packet.h"
#include "sessions.h"
#include "transport.h"

/* Packets handled per wake-up before timers get their turn. */
#define RX_BATCH 64

static void count_drop(struct daemon *d, struct daemon_session *s, enum bfd_drop_reason why,
		       const struct rx_packet *pkt)
{
	if (s)
		s->drops[why]++;
	else
		d->drops[why]++;
	if (log_ratelimit_ok(&d->drop_log, daemon_now_us(d))) {
		char src[INET6_ADDRSTRLEN];

		log_info("dropped a packet from %s (ifindex %u, ttl %d, %zu bytes)%s%s: %s",
			 transport_addr_str(&pkt->src, src, sizeof(src)), pkt->ifindex, pkt->ttl,
			 pkt->len, s ? " for session " : "", s ? s->conf.name : "",
			 bfd_drop_reason_name(why));
	}
}

static void handle_packet(struct daemon *d, const struct rx_packet *pkt)
{
	bool elsewhere;
	/* The session this source address belongs to, for drop accounting. */
	struct daemon_session *owner = session_index_by_peer(&d->index, &pkt->src, pkt->ifindex,
							     &elsewhere);
	struct daemon_session *s;
	struct bfd_packet bfd;
	struct bfd_output out;
	enum bfd_drop_reason why;

	if (pkt->ttl != BFD_TTL) {
		count_drop(d, owner, BFD_DROP_TTL, pkt);
		return;
	}
	why = bfd_packet_decode(pkt->buf, pkt->len, &bfd);
	if (why != BFD_DROP_NONE) {
		count_drop(d, owner, why, pkt);
		return;
	}
	if (bfd.your_discr != 0) {
		s = session_index_by_discr(&d->index, bfd.your_discr);
		if (!s) {
			count_drop(d, owner, BFD_DROP_UNKNOWN_DISCR, pkt);
			return;
		}
		if (!conf_addr_equal(&s->conf.peer, &pkt->src)) {
			count_drop(d, owner, BFD_DROP_UNKNOWN_PEER, pkt);
			return;
		}
		elsewhere = s->ifindex != pkt->ifindex;
	} else {
		s = owner;
		if (!s) {
			count_drop(d, NULL, BFD_DROP_UNKNOWN_PEER, pkt);
			return;
		}
	}
	if (elsewhere) {
		count_drop(d, s, BFD_DROP_WRONG_INTERFACE, pkt);
		return;
	}
	why = bfd_session_recv(&s->bfd, pkt->buf, &bfd, daemon_now_us(d), &out);
	if (why != BFD_DROP_NONE) {
		count_drop(d, s, why, pkt);
		return;
	}
	s->packets_rx++;
	s->last_rx_realtime_us = daemon_realtime_us(d);
	s->last_rx_monotonic_us = daemon_now_us(d);
	s->answered = true;
	daemon_session_apply(s, &out);
}

static int on_readable(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	struct daemon *d = userdata;
	struct rx_packet pkt = { .len = 0 };

	(void)source;
	(void)revents;
	for (int i = 0; i < RX_BATCH; i++) {
		int r = transport_recv(fd, &pkt);

		if (r == -EAGAIN)
			break;
		if (r < 0) {
			/* ICMP errors and the like surface here; not fatal. */
			if (log_ratelimit_ok(&d->drop_log, daemon_now_us(d)))
				log_warning_errno(r, "receive error");
			continue;
		}
		handle_packet(d, &pkt);
	}
	return 0;
}

int rx_start(struct daemon *d)
{
	static const int families[2] = { AF_INET, AF_INET6 };
	int opened = 0;

	for (int i = 0; i < 2; i++) {
		int fd = transport_open_rx(families[i]);

		d->rx_fd[i] = -1;
		if (fd == -EADDRINUSE)
			return log_error_errno(fd, "port %d is taken: is another BFD daemon (FRR bfdd, "
					       "BIRD, edgebfdd) running here?", BFD_CONTROL_PORT);
		if (fd < 0) {
			log_warning_errno(fd, "cannot receive BFD over IPv%d on port %d",
					  families[i] == AF_INET ? 4 : 6, BFD_CONTROL_PORT);
			continue;
		}
		int r = sd_event_add_io(d->event, &d->rx_source[i], fd, EPOLLIN, on_readable, d);

		if (r >= 0)
			r = sd_event_source_set_priority(d->rx_source[i], SD_EVENT_PRIORITY_IMPORTANT);

		if (r < 0) {
			close(fd);
			return log_error_errno(r, "cannot watch the receive socket");
		}
		d->rx_fd[i] = fd;
		opened++;
	}
	return opened ? 0 : -EADDRNOTAVAIL;
}

void rx_stop(struct daemon *d)
{
	for (int i = 0; i < 2; i++) {
		d->rx_source[i] = sd_event_source_disable_unref(d->rx_source[i]);
		if (d->rx_fd[i] >= 0)
			close(d->rx_fd[i]);
		d->rx_fd[i] = -1;
	}
}
