/*
 * routes.c - a session's route action between BFD events and the route
 * worker (see routes.h).
 *
 * A session has at most one job in the worker. Events that come while it
 * runs are remembered (want_act, want_restore) and acted on when the job
 * comes back, so a flap never runs two jobs on one record at once.
 */
#include "routes.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/rtnetlink.h>

#include "bgp.h"
#include "daemon.h"
#include "route_planner.h"
#include "route_state.h"
#include "rtnames.h"
#include "route_worker.h"
#include "sessions.h"
#include "transport.h"

static struct daemon_session *find_by_serial(struct daemon *d, uint64_t serial)
{
	for (size_t i = 0; i < d->n_sessions; i++)
		if (d->sessions[i]->routes.serial == serial)
			return d->sessions[i];
	return NULL;
}

static bool session_up(const struct daemon_session *s)
{
	return s->bfd.state == BFD_STATE_UP;
}

bool routes_acting(const struct daemon_session *s)
{
	return s->routes.busy && (s->routes.busy_kind == ROUTE_JOB_ACT || s->routes.want_act);
}

static bool hold_down_armed(const struct session_routes *r)
{
	return r->hold_down && sd_event_source_get_enabled(r->hold_down, NULL) > 0;
}

const char *routes_action_name(const struct daemon_session *s)
{
	const struct session_routes *r = &s->routes;

	if (r->affected == 0 && !r->busy)
		return "none";
	if (hold_down_armed(r))
		return "holding-down";
	return r->acted == CONF_ON_DOWN_DEMOTE ? "demoted" : "withdrawn";
}

/* The index the watcher looks routes up in, rebuilt when the record
 * comes back from the worker. */
static void reindex(struct session_routes *r)
{
	r->version++;
	route_index_clear(&r->keys);
	free(r->undone);
	r->undone = calloc(r->record.n + 1, 1);
	r->n_undone = 0;
	for (size_t i = 0; i < r->record.n; i++) {
		const struct ra_change *c = &r->record.changes[i];

		if (c->kind != RA_GROUP_SHRUNK && c->kind != RA_VIA_GROUP)
			route_index_put(&r->keys, &c->key, (uint32_t)i);
	}
	r->affected = ra_record_routes(&r->record);
}

static void mark(struct daemon_session *s, const struct nl_route *route, bool through,
		 bool changed);

/* What the watcher saw while the worker held the record. */
static void apply_seen(struct daemon_session *s)
{
	struct session_routes *r = &s->routes;

	for (size_t i = 0; i < r->n_seen; i++) {
		struct nl_route route = { .key = r->seen[i].key, .protocol = r->seen[i].protocol };

		mark(s, &route, r->seen[i].through, r->seen[i].changed);
	}
	free(r->seen);
	r->seen = NULL;
	r->n_seen = r->cap_seen = 0;
}

static struct route_job *new_job(struct daemon *d, enum route_job_kind kind)
{
	struct route_job *job = calloc(1, sizeof(*job));

	if (!job) {
		log_error("route action: out of memory");
		return NULL;
	}
	job->kind = kind;
	job->event_us = daemon_now_us(d);
	snprintf(job->state_dir, sizeof(job->state_dir), "%s", d->conf->state_directory);
	return job;
}

/* Which routes go through s, and what its Down does to them. */
static void fill_target(const struct daemon_session *s, struct ra_target *t)
{
	memset(t, 0, sizeof(*t));
	t->family = (uint8_t)s->conf.peer.family;
	memcpy(t->peer, s->conf.peer.family == AF_INET ? (const void *)&s->conf.peer.v4
						       : &s->conf.peer.v6,
	       nl_addr_len(t->family));
	t->ifindex = s->ifindex;
	t->on_down = s->conf.routes.on_down;
	t->routes = s->conf.routes;
	memcpy(t->peer_link_local, s->routes.link_local, sizeof(t->peer_link_local));
	t->n_peer_link_local = s->routes.n_link_local;
}

/* Lend a restore job the records of the other sessions (of its family)
 * whose changes are in force: a route that one of them changed after the
 * restored session comes back without that session's dead hops (see
 * ra_restore). They are busy until the job comes back. */
static bool lendable(const struct daemon_session *s, const struct route_job *job)
{
	const struct session_routes *r = &s->routes;

	return !r->busy && r->record.n && r->serial != job->serial &&
	       s->conf.peer.family == job->owner.peer.family;
}

static void lend_companions(struct daemon *d, struct route_job *job)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n_sessions; i++)
		n += lendable(d->sessions[i], job);
	if (n == 0 || !(job->companions = calloc(n, sizeof(*job->companions))))
		return;
	for (size_t i = 0; i < d->n_sessions; i++) {
		struct daemon_session *s = d->sessions[i];
		struct session_routes *r = &s->routes;
		struct route_job_companion *c;

		if (!lendable(s, job))
			continue;
		c = &job->companions[job->n_companions++];
		c->serial = r->serial;
		route_state_owner_of(&s->conf, &c->owner);
		fill_target(s, &c->target);
		c->record = r->record;
		memset(&r->record, 0, sizeof(r->record));
		r->version++;
		route_index_clear(&r->keys);
		r->busy = true;
		r->busy_kind = ROUTE_JOB_RESTORE;
	}
}

/* Hand s's record to the worker for kind (ROUTE_JOB_RENAME: from
 * old_name). */
static void submit_job(struct daemon_session *s, enum route_job_kind kind, const char *old_name)
{
	struct daemon *d = s->daemon;
	struct session_routes *r = &s->routes;
	struct route_job *job;

	if (!d->route_worker)
		return;
	job = new_job(d, kind);
	if (!job)
		return;
	job->serial = r->serial;
	route_state_owner_of(&s->conf, &job->owner);
	if (old_name)
		snprintf(job->old_name, sizeof(job->old_name), "%s", old_name);
	if (kind == ROUTE_JOB_ACT) {
		fill_target(s, &job->target);
		job->event_us = r->down_us;
		r->acted = s->conf.routes.on_down;
	}
	job->record = r->record;
	memset(&r->record, 0, sizeof(r->record));
	r->version++;
	route_index_clear(&r->keys);
	r->busy = true;
	r->busy_kind = kind;
	if (kind == ROUTE_JOB_RESTORE)
		lend_companions(d, job);
	route_worker_submit(d->route_worker, job);
}

static void submit(struct daemon_session *s, enum route_job_kind kind)
{
	submit_job(s, kind, NULL);
}

/* ---- plans made ahead (route_planner.h) ---------------------------------- */

/* How long the routes must be quiet before plans are made: a BGP update
 * of thousands of prefixes comes in bursts, and a plan made in the middle
 * of one is stale at once. Between changes the plans are checked now and
 * then, for sessions whose target changed (a reload, an interface). */
#define PLAN_QUIET_US 250000ull
#define PLAN_SWEEP_US 2000000ull

/* Each plan reads all routes itself (about 1 ms per 1,000 at low
 * priority) after every change: a CE has a few sessions with route
 * actions, and beyond these many (in config order) the others read the
 * routes at their Down, as without plans. */
#define PLANNED_SESSIONS_MAX 16

static bool plan_wanted(const struct daemon_session *s)
{
	const struct session_routes *r = &s->routes;

	return s->conf.routes.on_down != CONF_ON_DOWN_NONE && session_up(s) && !r->busy &&
	       r->record.n == 0 && s->ifindex != 0 && !s->daemon->routes_stopping;
}

static int on_plan_timer(sd_event_source *source, uint64_t usec, void *userdata)
{
	struct daemon *d = userdata;

	(void)usec;
	for (size_t i = 0, planned = 0; i < d->n_sessions; i++) {
		struct daemon_session *s = d->sessions[i];
		struct ra_target t;

		planned += s->conf.routes.on_down != CONF_ON_DOWN_NONE;
		if (!plan_wanted(s) || planned > PLANNED_SESSIONS_MAX) {
			route_planner_forget(d->route_planner, s->routes.serial);
			continue;
		}
		fill_target(s, &t);
		route_planner_request(d->route_planner, s->routes.serial, &t);
	}
	sd_event_source_set_time(source, daemon_now_us(d) + PLAN_SWEEP_US);
	sd_event_source_set_enabled(source, SD_EVENT_ON);
	return 0;
}

/* Make or check the plans once nothing has changed for PLAN_QUIET_US. */
static void plan_when_quiet(struct daemon *d)
{
	if (d->route_plan_timer)
		sd_event_source_set_time(d->route_plan_timer, daemon_now_us(d) + PLAN_QUIET_US);
}

void routes_changed(struct daemon *d)
{
	route_planner_changed(d->route_planner);
	plan_when_quiet(d);
}

bool routes_planned(const struct daemon_session *s, size_t *routes)
{
	return route_planner_ready(s->daemon->route_planner, s->routes.serial, routes);
}

/* A record that belongs to no session (removed, or from a state file of
 * a session that is not configured now): restore it. */
static void submit_orphan(struct daemon *d, const struct route_state_owner *owner,
			  struct ra_record *rec)
{
	struct route_job *job;

	if (!d->route_worker || d->routes_stopping)
		return; /* its state file stays for the next start */
	job = new_job(d, ROUTE_JOB_RESTORE);
	if (!job)
		return;
	job->owner = *owner;
	job->record = *rec;
	memset(rec, 0, sizeof(*rec));
	lend_companions(d, job);
	route_worker_submit(d->route_worker, job);
}

/* Move s's state file from old_name to its current name. */
static void submit_rename(struct daemon_session *s, const char *old_name)
{
	if (s->routes.record.n)
		submit_job(s, ROUTE_JOB_RENAME, old_name);
}

static int on_hold_down(sd_event_source *source, uint64_t usec, void *userdata)
{
	struct daemon_session *s = userdata;

	(void)source;
	(void)usec;
	if (!session_up(s))
		return 0;
	log_info("session %s: up for the hold-down of %" PRIu64 " ms: restoring routes",
		 s->conf.name, s->conf.routes.hold_down_us / 1000);
	if (s->routes.busy)
		s->routes.want_restore = true;
	else
		submit(s, ROUTE_JOB_RESTORE);
	return 0;
}

static void start_hold_down(struct daemon_session *s)
{
	struct session_routes *r = &s->routes;
	uint64_t at = daemon_now_us(s->daemon) + s->conf.routes.hold_down_us;

	if (!r->hold_down &&
	    sd_event_add_time(s->daemon->event, &r->hold_down, CLOCK_MONOTONIC, at, 1000,
			      on_hold_down, s) < 0) {
		log_error("session %s: cannot arm the hold-down timer", s->conf.name);
		return;
	}
	sd_event_source_set_time(r->hold_down, at);
	sd_event_source_set_enabled(r->hold_down, SD_EVENT_ONESHOT);
	log_info("session %s: routes held down for %" PRIu64 " ms before restoring",
		 s->conf.name, s->conf.routes.hold_down_us / 1000);
}

static void stop_hold_down(struct daemon_session *s)
{
	if (hold_down_armed(&s->routes)) {
		sd_event_source_set_enabled(s->routes.hold_down, SD_EVENT_OFF);
		log_info("session %s: left up during the hold-down: routes stay as they are",
			 s->conf.name);
	}
	s->routes.want_restore = false;
}

void routes_session_event(struct daemon_session *s, const struct bfd_event *ev)
{
	struct session_routes *r = &s->routes;

	if (ev->new_state == BFD_STATE_UP) {
		if (r->affected || r->busy)
			start_hold_down(s);
		else
			plan_when_quiet(s->daemon);
		return;
	}
	if (ev->old_state != BFD_STATE_UP)
		return;
	stop_hold_down(s);
	if (ev->new_state != BFD_STATE_DOWN)
		return; /* our own AdminDown: the operator's choice, not a failure */
	if (s->conf.routes.on_down == CONF_ON_DOWN_NONE)
		return;
	if (ev->peer_admin_down && !s->conf.routes.act_on_peer_admin_down) {
		log_notice("session %s: peer in maintenance (AdminDown): routes left in place "
			   "(on-peer-admin-down = ignore, RFC 5882 section 3.2)",
			   s->conf.name);
		return;
	}
	r->down_us = daemon_now_us(s->daemon);
	/* A change the loop has not read yet makes the plan stale. */
	route_watch_drain(s->daemon);
	if (r->busy)
		r->want_act = true;
	else
		submit(s, ROUTE_JOB_ACT);
}

/* One line that explains what a finished job did. */
static void log_job(const char *name, const struct route_job *job, size_t left)
{
	const struct ra_result *res = &job->result;
	double ms = (double)(res->done_us > job->event_us ? res->done_us - job->event_us : 0) /
		    1000.0;

	if (job->kind == ROUTE_JOB_ACT && res->neighbours_failed)
		log_notice("session %s: %u neighbor %s of the peer marked failed %.1f ms after "
			   "down: nexthop groups skip the peer until it answers again",
			   name, res->neighbours_failed,
			   res->neighbours_failed == 1 ? "entry" : "entries",
			   (double)(res->neighbours_us - job->event_us) / 1000.0);
	if (job->kind == ROUTE_JOB_ACT) {
		size_t n = res->done[RA_DELETED] + res->done[RA_NEXTHOP_REMOVED] +
			   res->done[RA_DEMOTED] + res->done[RA_VIA_GROUP];

		log_notice("session %s: routes repaired %.1f ms after down%s: %zu routes (%zu "
			   "deleted, %zu nexthop removed, %zu demoted, %zu through %zu shrunk "
			   "nexthop groups)",
			   name, ms, res->planned ? " as planned ahead" : "", n,
			   res->done[RA_DELETED], res->done[RA_NEXTHOP_REMOVED],
			   res->done[RA_DEMOTED], res->done[RA_VIA_GROUP],
			   res->done[RA_GROUP_SHRUNK]);
	} else {
		log_notice("session %s: routes restored: %zu routes and %zu nexthop groups put "
			   "back, %zu left to their owner who changed them meanwhile, %zu still "
			   "changed",
			   name,
			   res->done[RA_DELETED] + res->done[RA_NEXTHOP_REMOVED] +
				   res->done[RA_DEMOTED] + res->done[RA_VIA_GROUP],
			   res->done[RA_GROUP_SHRUNK], res->left_alone, left);
	}
	if (res->errors)
		log_error("session %s: %zu netlink requests failed twice; the first: %s", name,
			  res->errors, res->error);
	if (job->error < 0)
		log_error_errno(job->error, "session %s: route %s stopped early", name,
				job->kind == ROUTE_JOB_ACT ? "action" : "restore");
	if (job->save_error < 0)
		log_error_errno(job->save_error, "session %s: cannot write its state file in %s",
				name, job->state_dir);
}

/* A record back from the worker: the job's own (acted: an ACT job), or a
 * companion's (orphan_restore: restore it if its session is gone). res:
 * what the job did to it, NULL for a companion. */
static void give_back(struct daemon *d, uint64_t serial, const struct route_state_owner *owner,
		      struct ra_record *rec, bool acted, bool orphan_restore,
		      const struct ra_result *res)
{
	struct daemon_session *s = serial ? find_by_serial(d, serial) : NULL;
	struct session_routes *r;

	if (!s) {
		/* Orphan, or its session was removed while the job ran. */
		if (rec->n && orphan_restore)
			submit_orphan(d, owner, rec);
		return;
	}
	r = &s->routes;
	r->busy = false;
	if (acted && !r->want_act)
		bgp_routes_repaired(s);
	r->record = *rec;
	memset(rec, 0, sizeof(*rec));
	if (res) {
		r->errors += res->errors;
		r->left_alone += res->left_alone;
		r->neighbors_failed += res->neighbours_failed;
	}
	if (acted && res && res->n_peer_link_local) {
		memcpy(r->link_local, res->peer_link_local, sizeof(r->link_local));
		r->n_link_local = res->n_peer_link_local;
	}
	reindex(r);
	apply_seen(s);
	if (r->resync) {
		r->resync = false;
		route_watch_resync(d);
	}
	/* Renamed by a reload while the job ran: its file has the old name. */
	if (strcmp(owner->name, s->conf.name) != 0 && !d->routes_stopping) {
		submit_rename(s, owner->name);
		return;
	}
	if (d->routes_stopping)
		return;
	if (r->want_act) {
		r->want_act = false;
		submit(s, ROUTE_JOB_ACT);
	} else if (r->want_restore && session_up(s)) {
		r->want_restore = false;
		submit(s, ROUTE_JOB_RESTORE);
	} else if (r->record.n && session_up(s) && !hold_down_armed(r)) {
		/* Up with changes left: an act that ended after the Up, or
		 * restores that failed; try again after a hold-down. */
		start_hold_down(s);
	}
}

static void on_job_done(void *ctx, struct route_job *job)
{
	struct daemon *d = ctx;

	if (job->kind != ROUTE_JOB_RENAME) {
		log_job(job->owner.name, job, job->record.n);
		plan_when_quiet(d); /* the worker's changes made the plans stale */
	}
	give_back(d, job->serial, &job->owner, &job->record, job->kind == ROUTE_JOB_ACT,
		  job->kind == ROUTE_JOB_ACT, &job->result);
	for (size_t i = 0; i < job->n_companions; i++)
		give_back(d, job->companions[i].serial, &job->companions[i].owner,
			  &job->companions[i].record, false, true, NULL);
	route_job_free(job);
}

void routes_session_init(struct daemon_session *s)
{
	s->routes.serial = ++s->daemon->route_serial;
	s->routes.undone_log.burst = 3;
}

void routes_session_renamed(struct daemon_session *s, const char *old_name)
{
	if (!s->routes.busy)
		submit_rename(s, old_name);
	/* else on_job_done sees the job's old name and renames then */
}

void routes_session_removed(struct daemon_session *s)
{
	struct route_state_owner owner;

	if (s->routes.busy || s->routes.record.n == 0)
		return; /* a running job finds no session and restores then */
	route_state_owner_of(&s->conf, &owner);
	log_notice("session %s: removed from the config: restoring its routes", s->conf.name);
	submit_orphan(s->daemon, &owner, &s->routes.record);
}

void routes_session_free(struct daemon_session *s)
{
	route_planner_forget(s->daemon->route_planner, s->routes.serial);
	sd_event_source_disable_unref(s->routes.hold_down);
	ra_record_free(&s->routes.record);
	route_index_clear(&s->routes.keys);
	free(s->routes.undone);
	free(s->routes.seen);
}

/* ---- start-up and shutdown ------------------------------------------------ */

/* A state file of an earlier run: adopt it, or restore it. */
static void reconcile_file(struct daemon *d, const char *path)
{
	struct route_state_owner owner;
	struct ra_record rec = { 0 };
	struct daemon_session *s;
	char err[128] = "";
	int r = route_state_load(path, &owner, &rec, err, sizeof(err));

	if (r < 0) {
		char aside[620];

		/* Set it aside, so that the session's next state file does not
		 * overwrite what an operator may need to repair by hand. */
		snprintf(aside, sizeof(aside), "%s.unreadable", path);
		log_error("%s: cannot read this route state file: %s; the routes it lists are "
			  "not restored; moved to %s", path, r == -EINVAL ? err : strerror(-r),
			  rename(path, aside) == 0 ? aside : "(cannot move it)");
		ra_record_free(&rec);
		return;
	}
	s = daemon_find_session(d, owner.name);
	if (s && strcmp(s->conf.ifname, owner.ifname) == 0 &&
	    conf_addr_equal(&s->conf.local, &owner.local) &&
	    conf_addr_equal(&s->conf.peer, &owner.peer)) {
		s->routes.record = rec;
		s->routes.acted = CONF_ON_DOWN_WITHDRAW;
		for (size_t i = 0; i < rec.n; i++)
			if (rec.changes[i].kind == RA_DEMOTED)
				s->routes.acted = CONF_ON_DOWN_DEMOTE;
		reindex(&s->routes);
		log_notice("session %s: %zu routes still changed by an earlier run: restored "
			   "once the session is up for its hold-down",
			   owner.name, s->routes.affected);
		return;
	}
	log_notice("%s: session %s is not configured any more: restoring its %zu routes", path,
		   owner.name, ra_record_routes(&rec));
	submit_orphan(d, &owner, &rec);
	ra_record_free(&rec);
}

static void reconcile(struct daemon *d)
{
	const char *dir = d->conf->state_directory;
	struct dirent **list;
	int n = scandir(dir, &list, NULL, alphasort);

	if (n < 0) {
		if (errno != ENOENT)
			log_warning_errno(-errno, "cannot read the state directory %s", dir);
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		size_t len = strlen(name), slen = strlen(ROUTE_STATE_SUFFIX);

		if (len > slen && strcmp(name + len - slen, ROUTE_STATE_SUFFIX) == 0) {
			char path[600];

			snprintf(path, sizeof(path), "%s/%s", dir, name);
			reconcile_file(d, path);
		}
		free(list[i]);
	}
	free(list);
}

int routes_start(struct daemon *d)
{
	int r;

	if (mkdir(d->conf->state_directory, 0750) < 0 && errno != EEXIST)
		log_warning_errno(-errno, "cannot create the state directory %s",
				  d->conf->state_directory);
	r = route_planner_start(&d->route_planner);
	if (r < 0) /* every action reads the routes at the Down, as it can */
		log_warning_errno(r, "cannot start the route planner");
	r = route_worker_start(d->event, d->route_planner, on_job_done, d, &d->route_worker);
	if (r < 0)
		return log_error_errno(r, "cannot start the route worker");
	r = route_watch_start(d);
	if (r < 0)
		return r;
	if (d->route_planner &&
	    sd_event_add_time(d->event, &d->route_plan_timer, CLOCK_MONOTONIC,
			      daemon_now_us(d) + PLAN_QUIET_US, 10000ull, on_plan_timer, d) >= 0)
		/* Below the BFD timers and packets, like the watcher. */
		sd_event_source_set_priority(d->route_plan_timer, SD_EVENT_PRIORITY_NORMAL + 10);
	reconcile(d);
	return 0;
}

void routes_stop(struct daemon *d)
{
	for (size_t i = 0; i < d->n_sessions; i++) {
		struct daemon_session *s = d->sessions[i];

		if (!s->routes.busy && s->routes.affected && session_up(s)) {
			log_notice("session %s: stopping while up in hold-down: restoring routes "
				   "first", s->conf.name);
			submit(s, ROUTE_JOB_RESTORE);
		}
	}
	d->routes_stopping = true;
	d->route_plan_timer = sd_event_source_disable_unref(d->route_plan_timer);
	route_watch_stop(d);
	route_worker_stop(d->route_worker);
	d->route_worker = NULL;
	route_planner_stop(d->route_planner);
	d->route_planner = NULL;
}

/* ---- the watcher: are repaired routes being put back? ------------------- */

/* Route key of s is (through) or is not back through the dead peer;
 * changed: its owner changed it (a notification, not a dump), so the
 * restore must leave it alone: even a route the owner deleted (gone now,
 * like the one edgebfdd deleted) must not be put back. */
static void mark(struct daemon_session *s, const struct nl_route *route, bool through,
		 bool changed)
{
	struct session_routes *r = &s->routes;
	int64_t at = route_index_get(&r->keys, &route->key);
	char prefix[INET6_ADDRSTRLEN + 8], proto[16];

	if (at < 0)
		return;
	if (changed)
		r->record.changes[at].owner_changed = true;
	if (session_up(s) || through == (bool)r->undone[at])
		return;
	r->undone[at] = through;
	r->n_undone = through ? r->n_undone + 1 : r->n_undone - 1;
	if (!through || !log_ratelimit_ok(&r->undone_log, daemon_now_us(s->daemon)))
		return;
	log_warning("session %s: repair undone: %s is back through the dead peer (put back by "
		    "its owner, protocol %s); %zu routes so far. With FRR, zebra reinstalls "
		    "single-path routes until bgpd withdraws them: see README \"zebra\"",
		    s->conf.name, nl_route_key_str(&route->key, prefix, sizeof(prefix)),
		    route->protocol ? rtnames_protocol_name(route->protocol, proto, sizeof(proto))
				    : "unknown",
		    r->n_undone);
}

/* Remember a notification for when the record comes back. */
static void remember(struct session_routes *r, const struct nl_route *route, bool through,
		     bool changed)
{
	if (r->n_seen == r->cap_seen) {
		size_t cap = r->cap_seen ? r->cap_seen * 2 : 64;
		struct routes_seen *grown;

		if (cap > 1u << 20)
			return; /* a storm: the restore compares anyway */
		grown = realloc(r->seen, cap * sizeof(*grown));
		if (!grown)
			return;
		r->seen = grown;
		r->cap_seen = cap;
	}
	r->seen[r->n_seen++] = (struct routes_seen){ route->key, through, changed, route->protocol };
}

void routes_watch_route(struct daemon *d, uint16_t type, const void *payload, size_t len,
			bool from_dump)
{
	uint8_t buf[4096] __attribute__((aligned(4)));
	struct nl_route route;

	if (nl_route_parse(payload, len, buf, sizeof(buf), &route) <= 0)
		return;
	for (size_t i = 0; i < d->n_sessions; i++) {
		struct daemon_session *s = d->sessions[i];
		struct session_routes *r = &s->routes;
		struct ra_target t = { .family = (uint8_t)s->conf.peer.family, .ifindex = s->ifindex };
		bool through;

		if (route.key.family != t.family || (!r->busy && r->record.n == 0))
			continue;
		memcpy(t.peer, s->conf.peer.family == AF_INET ? (const void *)&s->conf.peer.v4
							       : &s->conf.peer.v6,
		       nl_addr_len(t.family));
		memcpy(t.peer_link_local, r->link_local, sizeof(t.peer_link_local));
		t.n_peer_link_local = r->n_link_local;
		through = type == RTM_NEWROUTE && ra_route_through(&t, &route);
		/* A dump shows routes the worker is still changing: ask again
		 * when it is done. */
		if (r->busy && from_dump)
			r->resync = true;
		else if (r->busy)
			remember(r, &route, through, !from_dump);
		else
			mark(s, &route, through, !from_dump);
	}
}

void routes_watch_forget(struct daemon *d)
{
	for (size_t i = 0; i < d->n_sessions; i++) {
		struct session_routes *r = &d->sessions[i]->routes;

		if (r->undone)
			memset(r->undone, 0, r->record.n);
		r->n_undone = 0;
	}
}
