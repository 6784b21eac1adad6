/*
 * sessions.c - driving one libbfd session from the event loop: its timer,
 * its socket, and what to do with each struct bfd_output.
 */
#include "sessions.h"

#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "transport.h"

/* 1 us: sd-event's default accuracy of 0 means 250 ms of coalescing, which
 * would wreck a 900 ms Detection Time. */
#define TIMER_ACCURACY_US 1

/* Open the sending socket if it is not open yet. Failures are expected
 * while an interface or address is not there yet: retried on every send. */
static int ensure_socket(struct daemon_session *s)
{
	unsigned ifindex;
	int fd;

	if (s->tx_fd >= 0)
		return 0;
	ifindex = if_nametoindex(s->conf.ifname);
	if (ifindex == 0)
		return -ENODEV;
	fd = transport_open_tx(&s->conf, ifindex, &s->source_port);
	if (fd < 0)
		return fd;
	s->tx_fd = fd;
	s->ifindex = ifindex;
	log_info("session %s: sending from %s port %u", s->conf.name, s->conf.ifname,
		 s->source_port);
	return 0;
}

static void close_socket(struct daemon_session *s)
{
	if (s->tx_fd >= 0)
		close(s->tx_fd);
	s->tx_fd = -1;
}

static void send_packet(struct daemon_session *s, const uint8_t *buf, size_t len)
{
	int r = ensure_socket(s);

	if (r == 0)
		r = transport_send(s->tx_fd, &s->conf.peer, s->ifindex, buf, len);
	if (r == 0) {
		s->packets_tx++;
		return;
	}
	s->send_errors++;
	/* The interface went away or was re-created: open again next time. */
	if (r == -ENODEV || r == -ENXIO || r == -EADDRNOTAVAIL)
		close_socket(s);
	if (log_ratelimit_ok(&s->send_log, daemon_now_us(s->daemon)))
		log_warning_errno(r, "session %s: cannot send to its peer on %s", s->conf.name,
				  s->conf.ifname);
}

/* One line per state change, with what an operator needs to explain it. */
static void log_event(struct daemon_session *s, const struct bfd_event *ev)
{
	char peer[INET6_ADDRSTRLEN];
	const char *why = bfd_diag_name(ev->diag);

	transport_addr_str(&s->conf.peer, peer, sizeof(peer));
	if (ev->new_state == BFD_STATE_UP) {
		log_notice("session %s: %s -> up (peer %s on %s, tx %" PRIu64 " ms, detection %" PRIu64
			   " ms)",
			   s->conf.name, bfd_state_name(ev->old_state), peer, s->conf.ifname,
			   bfd_session_tx_interval_us(&s->bfd) / 1000,
			   bfd_session_detection_time_us(&s->bfd) / 1000);
	} else if (ev->new_state == BFD_STATE_INIT) {
		log_info("session %s: %s -> init (peer %s answered)", s->conf.name,
			 bfd_state_name(ev->old_state), peer);
	} else if (ev->peer_admin_down) {
		log_notice("session %s: %s -> %s: peer %s signalled AdminDown (maintenance, "
			   "not a path failure)",
			   s->conf.name, bfd_state_name(ev->old_state), bfd_state_name(ev->new_state),
			   peer);
	} else if (ev->diag == BFD_DIAG_DETECT_EXPIRED) {
		log_warning("session %s: %s -> %s: %s, nothing from %s on %s for %" PRIu64
			    " ms (detection time %" PRIu64 " ms)",
			    s->conf.name, bfd_state_name(ev->old_state), bfd_state_name(ev->new_state),
			    why, peer, s->conf.ifname,
			    (daemon_now_us(s->daemon) - s->last_rx_monotonic_us) / 1000,
			    bfd_session_detection_time_us(&s->bfd) / 1000);
	} else {
		log_notice("session %s: %s -> %s (%s)", s->conf.name, bfd_state_name(ev->old_state),
			   bfd_state_name(ev->new_state), why);
	}
}

static void arm_timer(struct daemon_session *s, bfd_usec_t deadline_us)
{
	if (deadline_us == BFD_USEC_NEVER) {
		sd_event_source_set_enabled(s->timer, SD_EVENT_OFF);
		return;
	}
	sd_event_source_set_time(s->timer, deadline_us);
	sd_event_source_set_enabled(s->timer, SD_EVENT_ONESHOT);
}

void daemon_session_apply(struct daemon_session *s, const struct bfd_output *out)
{
	if (out->packet_len)
		send_packet(s, out->packet, out->packet_len);
	if (out->has_event) {
		s->last_change_realtime_us = daemon_realtime_us(s->daemon);
		if (out->event.new_state == BFD_STATE_DOWN || out->event.new_state == BFD_STATE_ADMIN_DOWN)
			s->peer_admin_down = out->event.peer_admin_down;
		log_event(s, &out->event);
		routes_session_event(s, &out->event);
		bgp_session_event(s, &out->event);
	}
	arm_timer(s, out->next_deadline_us);
}

static int on_timer(sd_event_source *source, uint64_t usec, void *userdata)
{
	struct daemon_session *s = userdata;
	struct bfd_output out;

	(void)source;
	(void)usec;
	bfd_session_timer(&s->bfd, daemon_now_us(s->daemon), &out);
	daemon_session_apply(s, &out);
	return 0;
}

int daemon_session_new(struct daemon *d, const struct conf_session *conf, uint32_t discr,
		       struct daemon_session **out)
{
	struct daemon_session *s;
	uint64_t seed;
	int r;

	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		return -errno;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->daemon = d;
	s->conf = *conf;
	s->tx_fd = -1;
	s->send_log.burst = 3;
	routes_session_init(s);
	bgp_session_init(s);
	r = bfd_session_init(&s->bfd, &conf->params, conf->auth.type ? &conf->auth : NULL, discr,
			     seed, daemon_now_us(d));
	if (r == 0)
		r = sd_event_add_time(d->event, &s->timer, CLOCK_MONOTONIC,
				      bfd_session_next_deadline_us(&s->bfd), TIMER_ACCURACY_US,
				      on_timer, s);
	if (r >= 0)
		r = sd_event_source_set_priority(s->timer, SD_EVENT_PRIORITY_IMPORTANT);
	if (r < 0) {
		sd_event_source_disable_unref(s->timer);
		free(s);
		return r;
	}
	sd_event_source_set_enabled(s->timer, SD_EVENT_ONESHOT);
	/* Learn the interface now, so packets can be matched before we send. */
	r = ensure_socket(s);
	if (r < 0)
		log_warning_errno(r, "session %s: not sending yet on %s (will retry)", conf->name,
				  conf->ifname);
	*out = s;
	return 0;
}

void daemon_session_free(struct daemon_session *s)
{
	if (!s)
		return;
	sd_event_source_disable_unref(s->timer);
	routes_session_free(s);
	bgp_session_free(s);
	close_socket(s);
	free(s);
}

void daemon_session_update(struct daemon_session *s, const struct conf_session *conf)
{
	struct bfd_output out;

	if (!bfd_auth_key_equal(&conf->auth, &s->conf.auth) &&
	    bfd_session_set_auth(&s->bfd, conf->auth.type ? &conf->auth : NULL) < 0)
		log_error("session %s: invalid authentication key ignored", conf->name);
	char old_name[CONF_NAME_MAX];

	snprintf(old_name, sizeof(old_name), "%s", s->conf.name);
	s->conf = *conf;
	if (strcmp(conf->name, old_name) != 0) {
		log_info("session %s: renamed %s", old_name, conf->name);
		routes_session_renamed(s, old_name);
	}
	if (bfd_session_set_params(&s->bfd, &conf->params, daemon_now_us(s->daemon), &out) == 0)
		daemon_session_apply(s, &out);
}

void daemon_session_link_changed(struct daemon_session *s, unsigned ifindex, bool usable)
{
	struct bfd_output out;

	/* Deleted or re-created: the socket is bound to a device that is gone. */
	if (s->tx_fd >= 0 && ifindex != s->ifindex) {
		close_socket(s);
		s->ifindex = ifindex;
	}
	if (usable)
		return;
	if (s->bfd.state == BFD_STATE_UP || s->bfd.state == BFD_STATE_INIT)
		log_warning("session %s: %s is %s", s->conf.name, s->conf.ifname,
			    ifindex == 0 ? "gone" : "down or without carrier");
	bfd_session_path_down(&s->bfd, BFD_DIAG_PATH_DOWN, daemon_now_us(s->daemon), &out);
	daemon_session_apply(s, &out);
}

void daemon_session_admin_down(struct daemon_session *s, bool down)
{
	struct bfd_output out;

	bfd_session_set_admin_down(&s->bfd, down, daemon_now_us(s->daemon), &out);
	daemon_session_apply(s, &out);
}

void daemon_session_goodbye(struct daemon_session *s)
{
	struct bfd_output out;

	if (s->bfd.state == BFD_STATE_ADMIN_DOWN)
		return; /* the peer was told when it was disabled */
	bfd_session_set_admin_down(&s->bfd, true, daemon_now_us(s->daemon), &out);
	daemon_session_apply(s, &out);
	/* A second copy of the same bytes: had the first been lost, the peer
	 * would see a Detection Time expiry instead. A duplicate is harmless,
	 * even with meticulous authentication (the copy fails the sequence
	 * check only if the first arrived). */
	if (out.packet_len)
		send_packet(s, out.packet, out.packet_len);
}
