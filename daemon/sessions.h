/*
 * sessions.h - a configured BFD session inside edgebfdd: the libbfd
 * session, its sending socket, its timer, counters and timeline.
 */
#ifndef EDGEBFD_SESSIONS_H
#define EDGEBFD_SESSIONS_H

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "bfd_proto.h"
#include "bgp.h"
#include "conf.h"
#include "daemon.h"
#include "log.h"
#include "routes.h"
#include "session.h"

struct daemon_session {
	struct daemon *daemon;
	struct conf_session conf;
	struct bfd_session bfd;
	sd_event_source *timer;

	int tx_fd;                  /* -1 until the local address can be bound */
	uint16_t source_port;
	unsigned ifindex;           /* 0 until the interface is found */

	uint64_t packets_rx;        /* accepted */
	uint64_t packets_tx;
	uint64_t send_errors;
	uint64_t drops[BFD_DROP_REASON_COUNT];

	uint64_t last_change_realtime_us; /* 0: never changed state */
	uint64_t last_rx_realtime_us;     /* 0: nothing received yet */
	uint64_t last_rx_monotonic_us;
	bool peer_admin_down;       /* the last Down was the peer's AdminDown */

	struct daemon_session *next_by_discr; /* index chains */
	struct daemon_session *next_by_peer;
	struct log_ratelimit send_log;
	struct session_routes routes;
	struct session_bgp bgp;
};

/* Create a session from its config with local discriminator discr (see
 * daemon_pick_discr()); it starts sending at once. Returns 0 or -errno. */
int daemon_session_new(struct daemon *d, const struct conf_session *conf, uint32_t discr,
		       struct daemon_session **out);

/* Close and free; accepts NULL. Sends nothing (see daemon_session_admin_down). */
void daemon_session_free(struct daemon_session *s);

/* Act on what libbfd returned: send, record and log a state change, re-arm
 * the timer. */
void daemon_session_apply(struct daemon_session *s, const struct bfd_output *out);

/* Reload: take the timers and authentication of conf (same identity).
 * Timer changes run a Poll Sequence; the session stays Up. */
void daemon_session_update(struct daemon_session *s, const struct conf_session *conf);

/* The session's interface changed: now at ifindex (0: gone) and usable or
 * not (administratively up with carrier). Not usable takes an Init or Up
 * session Down at once with diag 5, Path Down. */
void daemon_session_link_changed(struct daemon_session *s, unsigned ifindex, bool usable);

/* Operator AdminDown (true) or back in service (false). */
void daemon_session_admin_down(struct daemon_session *s, bool down);

/* Before a session goes away (SIGTERM, removed from the config): tell the
 * peer it is AdminDown (RFC 5880 6.8.16), so the peer does not take our
 * silence for a path failure (RFC 5882 3.2). */
void daemon_session_goodbye(struct daemon_session *s);

#endif
