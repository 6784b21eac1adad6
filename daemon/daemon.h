/*
 * daemon.h - the state of edgebfdd and how its parts meet.
 *
 *   main.c       arguments, signals, sd_notify, the sd-event loop
 *   sessions.c   one daemon_session per configured BFD session: its libbfd
 *                session, sending socket and timer; acting on libbfd output
 *   index.c      finding a session by discriminator or by peer address
 *   rx.c         the receive sockets: GTSM, ingress checks, demultiplexing
 *   links.c      interface events: carrier loss is Path Down at once
 *   reload.c     applying a new config without flapping unchanged sessions
 *   control.c    the control socket that edgebfdctl talks to
 *   engine_frr.c engine = frr-bfdd: the sessions follow FRR bfdd's peers
 *   routes.c     route actions on Down and restore after hold-down, run by
 *                the thread of route_worker.c; route_planner.c decides
 *                them ahead; route_watch.c notices owners putting
 *                repaired routes back and any change; route_state.c
 *                keeps each session's changes in a state file
 *   bgp.c        a session's BGP neighbor in FRR's bgpd: reset or shutdown
 *                on Down, un-shut after hold-down, timers; the commands run
 *                through bgp_neighbor.c and frr_vty.c, never blocking
 *
 * Everything runs on one sd-event loop; nothing on it blocks.
 */
#ifndef EDGEBFD_DAEMON_H
#define EDGEBFD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "bfd_proto.h"
#include "conf.h"
#include "index.h"
#include "log.h"

struct bgp_neighbor;
struct control;
struct engine_frr;
struct daemon_session;
struct nl_link_monitor;
struct route_planner;
struct route_watch;
struct route_worker;

struct daemon {
	sd_event *event;
	const char *conf_path;
	struct conf *conf;

	struct daemon_session **sessions; /* in config order */
	size_t n_sessions;
	uint64_t generation;              /* bumped when the set of sessions changes */
	struct session_index index;

	int rx_fd[2];                     /* AF_INET, AF_INET6 */
	sd_event_source *rx_source[2];

	struct control *control;

	struct nl_link_monitor *links;
	sd_event_source *links_source;

	struct engine_frr *engine_frr;    /* engine = frr-bfdd */

	struct route_worker *route_worker;
	struct route_watch *route_watch;
	struct route_planner *route_planner;
	sd_event_source *route_plan_timer; /* routes.c: when to (re)plan */
	uint64_t route_serial;            /* last struct session_routes serial */
	bool routes_stopping;

	struct bgp_neighbor *bgp_orphans; /* to un-shut, of no session (bgp.c) */
	bool bgp_started, bgp_stopping;

	/* Drops that matched no session (unknown peer or discriminator). */
	uint64_t drops[BFD_DROP_REASON_COUNT];
	struct log_ratelimit drop_log;
};

/* The loop's idea of now, in microseconds of CLOCK_MONOTONIC / REALTIME. */
uint64_t daemon_now_us(const struct daemon *d);
uint64_t daemon_realtime_us(const struct daemon *d);

/* CLOCK_MONOTONIC in microseconds now, not the loop's time of this
 * iteration: for measuring how long something took. */
uint64_t daemon_clock_us(void);

/* A new local discriminator (RFC 5880 6.8.1): nonzero, random, used by no
 * indexed session nor by any of more[0..n_more). 0 if none was found. */
uint32_t daemon_pick_discr(const struct daemon *d, struct daemon_session *const *more,
			   size_t n_more);

/* Find a session by name; NULL if none. */
struct daemon_session *daemon_find_session(const struct daemon *d, const char *name);

/* Open the receive sockets and watch them. Returns 0 or -errno. */
int rx_start(struct daemon *d);
void rx_stop(struct daemon *d);

/* Watch interface state (RTM_NEWLINK). Returns 0 or -errno. */
int links_start(struct daemon *d);
void links_stop(struct daemon *d);

/* Create every session of d->conf. Returns 0 or -errno. */
int daemon_start_sessions(struct daemon *d);

/* SIGHUP: load conf_path and apply it; on any error keep the running
 * config and log why. Returns 0 or a negative errno. */
int daemon_reload(struct daemon *d);

/* SIGTERM: tell every peer we go AdminDown, then free all sessions. */
void daemon_stop_sessions(struct daemon *d);

#endif
