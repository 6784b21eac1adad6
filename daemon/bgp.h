/*
 * bgp.h - what a session's BFD state changes do to its BGP neighbor in
 * FRR's bgpd (README "BGP integration"):
 *
 *   Up -> Down (detection, path down; a peer's AdminDown only with
 *   on-peer-admin-down = act)   bgp-action reset: clear bgp X
 *                               bgp-action shutdown: neighbor X shutdown
 *   Up held for hold-down       after a shutdown: no neighbor X shutdown
 *
 * Start-up, reload and a returning bgpd also apply bgp-keepalive and
 * bgp-holdtime (only when bgpd has others). Nothing stays shut: a neighbor
 * edgebfdd shut is in <state-directory>/bgp-shutdown until it is un-shut,
 * on SIGTERM, at the next start after a crash, or when its session leaves
 * the config.
 *
 * The commands run through bgp_neighbor.c (one per neighbor, retries,
 * polls); bgp_status.c shows it all in edgebfdctl.
 */
#ifndef EDGEBFD_BGP_H
#define EDGEBFD_BGP_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>
#include <systemd/sd-event.h>

#include "session.h"

struct bgp_neighbor;
struct daemon;
struct daemon_session;

struct session_bgp {
	struct bgp_neighbor *neighbor; /* NULL without bgp-neighbor */
	sd_event_source *hold_down;    /* armed while Up after a shutdown */
	uint64_t created_us;           /* CLOCK_MONOTONIC, for the unanswered warning */
	bool unanswered;               /* warned: BFD never answered, BGP Established */
};

/* A new session (nothing runs before bgp_start or bgp_reloaded). */
void bgp_session_init(struct daemon_session *s);

/* A state change of session s (from daemon_session_apply). */
void bgp_session_event(struct daemon_session *s, const struct bfd_event *ev);

/* Session s leaves the config (reload): un-shut its neighbor if edgebfdd
 * shut it. */
void bgp_session_removed(struct daemon_session *s);

/* Free the per-session parts (with the session). */
void bgp_session_free(struct daemon_session *s);

/* Start-up, after the sessions exist: un-shut what an earlier run left
 * shut, read every neighbor, apply timers. */
void bgp_start(struct daemon *d);

/* After a reload (d->conf is the new config): follow changed neighbors,
 * actions and timers. */
void bgp_reloaded(struct daemon *d);

/* SIGTERM: un-shut every neighbor edgebfdd shut, within frr-vty-timeout
 * in all; what fails stays in the state file for the next start. */
void bgp_stop(struct daemon *d);

/* The "bgp" object of edgebfdctl's session (bgp_status.c); NULL (JSON
 * null) for a session without bgp-neighbor. */
struct json_object *bgp_status(const struct daemon_session *s);

/* For bgp_neighbor.c: the set of shut neighbors changed (rewrite the
 * state file); a read of bgpd worked; an orphan is done (free it). */
void bgp_shut_changed(struct daemon *d);
void bgp_neighbor_read(struct bgp_neighbor *n);
void bgp_orphan_done(struct bgp_neighbor *n);

#endif
