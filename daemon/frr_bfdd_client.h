/*
 * frr_bfdd_client.h - a subscriber to FRR bfdd's control socket on an
 * sd-event loop (protocol in frr_bfdd.h). It connects, subscribes to every
 * peer's state and hands each state to the caller; when the connection
 * fails or is lost it says so and tries again after 100 ms, doubling the
 * wait up to 5 s, back to 100 ms once a subscription succeeds. Nothing it
 * does blocks: the socket is non-blocking and a connect on a Unix socket
 * completes or fails at once.
 */
#ifndef EDGEBFD_FRR_BFDD_CLIENT_H
#define EDGEBFD_FRR_BFDD_CLIENT_H

#include <stdint.h>

#include <systemd/sd-event.h>

#include "frr_bfdd.h"

#define FRR_BFDD_RETRY_MIN_US (100 * 1000ULL)
#define FRR_BFDD_RETRY_MAX_US (5 * 1000 * 1000ULL)

/* What the client tells its owner, always from the event loop. A callback
 * must not stop the client. */
struct frr_bfdd_client_ops {
	/* Subscribed. bfdd now sends every peer it has, then each change;
	 * nothing marks the end of that first dump. */
	void (*connected)(void *userdata);
	/* A peer's state. */
	void (*peer)(const struct frr_bfdd_peer_event *ev, void *userdata);
	/* A connection attempt failed or a connection was lost (error is
	 * -errno: -ECONNRESET when bfdd closed it, -EPROTO when it refused
	 * the subscription or spoke another version, -EBADMSG for an
	 * unexpected response); the next attempt is in retry_us. */
	void (*disconnected)(int error, uint64_t retry_us, void *userdata);
};

struct frr_bfdd_client;

/* Start a client of the control socket at path; its first attempt runs
 * from the loop. 0 or -errno (-ENAMETOOLONG for a path that does not fit
 * a Unix socket address). */
int frr_bfdd_client_start(sd_event *event, const char *path, const struct frr_bfdd_client_ops *ops,
			  void *userdata, struct frr_bfdd_client **out);

/* Close the connection and free the client. Accepts NULL; returns NULL. */
struct frr_bfdd_client *frr_bfdd_client_stop(struct frr_bfdd_client *c);

/* Notifications skipped because they could not be read (see
 * frr_bfdd_parse_notify), since the start. */
uint64_t frr_bfdd_client_unreadable(const struct frr_bfdd_client *c);

#endif
