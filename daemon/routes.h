/*
 * routes.h - what a session's state changes do to the kernel routes
 * through its peer (README "Route actions"):
 *
 *   Up -> Down (detection, path down; a peer's AdminDown only with
 *   on-peer-admin-down = act)   withdraw or demote them at once
 *   Up held for hold-down       restore them (a flap starts it again)
 *
 * The work runs in the route worker thread; a session's record of what
 * was changed lives here between jobs and in its state file always.
 */
#ifndef EDGEBFD_ROUTES_H
#define EDGEBFD_ROUTES_H

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "bfd_proto.h"
#include "log.h"
#include "route_action.h"
#include "route_index.h"
#include "session.h"

struct daemon;
struct daemon_session;

/* A route notification about a key, kept while a job holds the record. */
struct routes_seen {
	struct nl_route_key key;
	bool through; /* the route now goes through the dead peer */
	bool changed; /* a notification of its owner's change, not a dump */
	uint8_t protocol;
};

struct session_routes {
	uint64_t serial;             /* names the session to the worker */
	struct ra_record record;     /* what is changed now; a job holds it while busy */
	uint64_t version;            /* bumped whenever record is replaced (a listing restarts) */
	bool busy;                   /* a job is running for this session */
	int busy_kind;               /* its enum route_job_kind */
	bool want_act;               /* a Down came while busy */
	bool want_restore;           /* hold-down ended while busy */
	enum conf_on_down acted;     /* how the record's routes were changed */
	size_t affected;             /* routes in the record (kept while busy) */
	sd_event_source *hold_down;  /* armed while Up and the record is not empty */
	uint64_t down_us;            /* CLOCK_MONOTONIC of the Down acted on */

	uint64_t errors;             /* netlink requests that failed twice */
	uint64_t left_alone;         /* restores skipped: the owner had changed the route */
	uint64_t neighbors_failed;   /* the peer's neighbor entries marked failed */
	/* An IPv6 peer's link-local addresses, as the last action found them
	 * (ra_target): its entries lose their link-layer address once failed. */
	uint8_t link_local[RA_PEER_LINK_LOCAL_MAX][16];
	unsigned n_link_local;
	struct route_index keys;     /* record keys -> change index (the watcher) */
	uint8_t *undone;             /* per change: back through the dead peer */
	size_t n_undone;
	struct routes_seen *seen;    /* notifications while busy, applied after */
	size_t n_seen, cap_seen;
	bool resync;                 /* a dump came while busy: read again after */
	struct log_ratelimit undone_log;
};

/* Start the worker and the route watcher, adopt or restore the state
 * files of an earlier run. Call after the sessions exist. 0 or -errno. */
int routes_start(struct daemon *d);

/* SIGTERM: restore the routes of sessions that are Up in hold-down, let
 * the worker finish, and stop. Down sessions keep their routes withdrawn
 * and their state file for the next start. */
void routes_stop(struct daemon *d);

/* A new session. */
void routes_session_init(struct daemon_session *s);

/* A state change of session s (from daemon_session_apply). */
void routes_session_event(struct daemon_session *s, const struct bfd_event *ev);

/* A reload renamed session s (same identity): its state file follows. */
void routes_session_renamed(struct daemon_session *s, const char *old_name);

/* Session s leaves the config (reload): put back what it changed. */
void routes_session_removed(struct daemon_session *s);

/* Free the per-session parts (with the session). */
void routes_session_free(struct daemon_session *s);

/* Whether a route action for s is running or about to (a Down just
 * submitted one): bgp.c runs its action after it. */
bool routes_acting(const struct daemon_session *s);

/* Whether s's route action is decided ahead and current (*routes: the
 * changes it would make). */
bool routes_planned(const struct daemon_session *s, size_t *routes);

/* "none", "withdrawn", "demoted" or "holding-down". */
const char *routes_action_name(const struct daemon_session *s);

/* A route notification from the kernel (the watcher): was a repaired
 * route put back through a dead peer? */
void routes_watch_route(struct daemon *d, uint16_t type, const void *payload, size_t len,
			bool from_dump);

/* The watcher lost notifications (ENOBUFS) and dumps the routes again:
 * forget what it knew. */
void routes_watch_forget(struct daemon *d);

/* Someone changed the kernel's routes or nexthop objects: the plans made
 * ahead are stale; make new ones once the routes are quiet again. */
void routes_changed(struct daemon *d);

/* The route watcher's socket (route_watch.c). 0 or -errno. */
int route_watch_start(struct daemon *d);

/* Read the notifications already queued (before acting on a Down, so that
 * a plan made before a change that just happened is not used). */
void route_watch_drain(struct daemon *d);

/* Forget what the watcher knew and read all routes again. */
void route_watch_resync(struct daemon *d);
void route_watch_stop(struct daemon *d);

#endif
