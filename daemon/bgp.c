/*
 * bgp.c - a session's BGP neighbor between BFD events and bgpd (see
 * bgp.h): which action a state change wants, the hold-down before an
 * un-shut, orphans, the state file, start-up, reload and SIGTERM.
 */
#include "bgp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bgp_neighbor.h"
#include "bgp_shut_file.h"
#include "daemon.h"
#include "sessions.h"

void bgp_session_init(struct daemon_session *s)
{
	s->bgp.created_us = daemon_now_us(s->daemon);
}

static int on_hold_down(sd_event_source *source, uint64_t usec, void *userdata)
{
	struct daemon_session *s = userdata;
	struct bgp_neighbor *n = s->bgp.neighbor;

	(void)source;
	(void)usec;
	if (!n || s->bfd.state != BFD_STATE_UP || !n->shut)
		return 0;
	log_info("%s: session up for the hold-down of %" PRIu64 " ms: un-shutting", n->label,
		 s->conf.routes.hold_down_us / 1000);
	bgp_neighbor_want(n, BGP_OP_NO_SHUTDOWN, daemon_now_us(s->daemon), "the hold-down");
	return 0;
}

/* The same hold-down as the routes (hold-down), with a timer of its own. */
static void start_hold_down(struct daemon_session *s)
{
	uint64_t at = daemon_now_us(s->daemon) + s->conf.routes.hold_down_us;

	if (!s->bgp.hold_down &&
	    sd_event_add_time(s->daemon->event, &s->bgp.hold_down, CLOCK_MONOTONIC, at, 1000,
			      on_hold_down, s) < 0) {
		log_error("session %s: cannot arm the BGP hold-down timer", s->conf.name);
		return;
	}
	sd_event_source_set_time(s->bgp.hold_down, at);
	sd_event_source_set_enabled(s->bgp.hold_down, SD_EVENT_ONESHOT);
	log_info("%s: stays shut for the hold-down of %" PRIu64 " ms", s->bgp.neighbor->label,
		 s->conf.routes.hold_down_us / 1000);
}

static void stop_hold_down(struct daemon_session *s)
{
	if (s->bgp.hold_down && sd_event_source_get_enabled(s->bgp.hold_down, NULL) > 0) {
		sd_event_source_set_enabled(s->bgp.hold_down, SD_EVENT_OFF);
		log_info("%s: session left up during the hold-down: stays shut",
			 s->bgp.neighbor->label);
	}
}

void bgp_session_event(struct daemon_session *s, const struct bfd_event *ev)
{
	struct bgp_neighbor *n = s->bgp.neighbor;
	enum conf_bgp_action action = s->conf.bgp.action;

	if (!n)
		return;
	if (ev->new_state == BFD_STATE_UP) {
		if (n->want == BGP_OP_RESET || n->want == BGP_OP_SHUTDOWN) {
			log_notice("%s: session up again before bgpd took the %s: not wanted any "
				   "more", n->label, bgp_op_name(n->want));
			bgp_neighbor_want(n, BGP_OP_NONE, daemon_now_us(s->daemon), "up");
		}
		if (n->shut)
			start_hold_down(s);
		return;
	}
	if (ev->old_state != BFD_STATE_UP)
		return;
	stop_hold_down(s);
	if (ev->new_state != BFD_STATE_DOWN || action == CONF_BGP_NONE)
		return; /* our own AdminDown: the operator's choice, not a failure */
	if (ev->peer_admin_down && !s->conf.routes.act_on_peer_admin_down) {
		log_notice("%s: BFD peer in maintenance (AdminDown): neighbor left alone "
			   "(on-peer-admin-down = ignore)", n->label);
		return;
	}
	bgp_neighbor_want(n, action == CONF_BGP_RESET ? BGP_OP_RESET : BGP_OP_SHUTDOWN,
			  daemon_now_us(s->daemon), "down");
}

/* ---- orphans: neighbors to un-shut that belong to no session ---------- */

static void adopt_orphan(struct daemon *d, struct bgp_neighbor *n, const char *why)
{
	n->session = NULL;
	n->keepalive_s = n->holdtime_s = CONF_BGP_TIMER_UNSET;
	snprintf(n->label, sizeof(n->label), "bgp neighbor %s (bgpd at %s)", n->address,
		 n->vty_dir);
	n->next = d->bgp_orphans;
	d->bgp_orphans = n;
	bgp_neighbor_poll(n, false);
	log_notice("%s: %s: un-shutting it", n->label, why);
	bgp_neighbor_want(n, BGP_OP_NO_SHUTDOWN, daemon_now_us(d), why);
}

void bgp_orphan_done(struct bgp_neighbor *n)
{
	struct daemon *d = n->daemon;

	for (struct bgp_neighbor **p = &d->bgp_orphans; *p; p = &(*p)->next) {
		if (*p == n) {
			*p = n->next;
			break;
		}
	}
	bgp_neighbor_free(n);
}

/* A session lets go of n: un-shut it as an orphan, or free it. */
static void release(struct daemon *d, struct bgp_neighbor *n, const char *why)
{
	if (!n)
		return;
	if (n->shut) {
		adopt_orphan(d, n, why);
		return;
	}
	bgp_neighbor_free(n);
}

void bgp_session_removed(struct daemon_session *s)
{
	release(s->daemon, s->bgp.neighbor, "its session left the configuration");
	s->bgp.neighbor = NULL;
}

void bgp_session_free(struct daemon_session *s)
{
	s->bgp.hold_down = sd_event_source_disable_unref(s->bgp.hold_down);
	bgp_neighbor_free(s->bgp.neighbor);
	s->bgp.neighbor = NULL;
}

/* ---- the state file ----------------------------------------------------- */

static void collect(struct bgp_neighbor *n, struct bgp_shut_entry *v, size_t *count)
{
	if (!n || !n->shut)
		return;
	snprintf(v[*count].address, sizeof(v[*count].address), "%s", n->address);
	snprintf(v[*count].vty_dir, sizeof(v[*count].vty_dir), "%s", n->vty_dir);
	(*count)++;
}

void bgp_shut_changed(struct daemon *d)
{
	size_t cap = d->n_sessions, count = 0;
	struct bgp_shut_entry *v;
	int r;

	for (struct bgp_neighbor *o = d->bgp_orphans; o; o = o->next)
		cap++;
	v = calloc(cap ? cap : 1, sizeof(*v));
	if (!v) {
		log_error("cannot write %s/" BGP_SHUT_FILE_NAME ": out of memory",
			  d->conf->state_directory);
		return;
	}
	for (size_t i = 0; i < d->n_sessions; i++)
		collect(d->sessions[i]->bgp.neighbor, v, &count);
	for (struct bgp_neighbor *o = d->bgp_orphans; o; o = o->next)
		collect(o, v, &count);
	r = bgp_shut_file_save(d->conf->state_directory, v, count);
	if (r < 0)
		log_error_errno(r, "cannot write %s/" BGP_SHUT_FILE_NAME ": a neighbor shut now "
				"would stay shut if edgebfdd died", d->conf->state_directory);
	free(v);
}

/* ---- configuration: start-up and reload --------------------------------- */

static void addr_str(const struct conf_addr *a, char *buf, size_t len)
{
	inet_ntop(a->family, a->family == AF_INET ? (const void *)&a->v4 : &a->v6, buf,
		  (socklen_t)len);
}

/* Make s's neighbor follow its config (and frr-vty-dir). */
static void configure(struct daemon_session *s)
{
	struct daemon *d = s->daemon;
	struct bgp_neighbor *n = s->bgp.neighbor;
	char address[INET6_ADDRSTRLEN] = "";

	if (s->conf.bgp.neighbor.family)
		addr_str(&s->conf.bgp.neighbor, address, sizeof(address));
	if (n && (strcmp(n->address, address) != 0 ||
		  strcmp(n->vty_dir, d->conf->frr_vty_dir) != 0)) {
		release(d, n, "its session's bgp-neighbor or frr-vty-dir changed");
		n = s->bgp.neighbor = NULL;
	}
	if (!address[0])
		return;
	if (!n) {
		int r = bgp_neighbor_new(d, address, d->conf->frr_vty_dir, &n);

		if (r < 0) {
			log_error_errno(r, "session %s: no BGP integration for %s", s->conf.name,
					address);
			return;
		}
		n->session = s;
		s->bgp.neighbor = n;
	}
	snprintf(n->label, sizeof(n->label), "session %s: bgp neighbor %s", s->conf.name,
		 address);
	n->keepalive_s = s->conf.bgp.keepalive_s;
	n->holdtime_s = s->conf.bgp.holdtime_s;
	if (s->conf.bgp.action != CONF_BGP_SHUTDOWN && n->shut && n->want != BGP_OP_NO_SHUTDOWN) {
		log_notice("%s: bgp-action is not shutdown any more: un-shutting", n->label);
		bgp_neighbor_want(n, BGP_OP_NO_SHUTDOWN, daemon_now_us(d), "the reload");
	}
}

/* An earlier run left e shut: un-shut it through its session, if it is
 * still configured, or as an orphan. */
static void unshut_left_over(struct daemon *d, const struct bgp_shut_entry *e)
{
	struct bgp_neighbor *n = NULL;

	for (size_t i = 0; i < d->n_sessions && !n; i++) {
		struct bgp_neighbor *m = d->sessions[i]->bgp.neighbor;

		if (m && strcmp(m->address, e->address) == 0 && strcmp(m->vty_dir, e->vty_dir) == 0)
			n = m;
	}
	if (n) {
		n->shut = true;
		log_notice("%s: left shut by an earlier run: un-shutting it", n->label);
		bgp_neighbor_want(n, BGP_OP_NO_SHUTDOWN, daemon_now_us(d), "start-up");
		return;
	}
	if (bgp_neighbor_new(d, e->address, e->vty_dir, &n) < 0) {
		log_error("bgp neighbor %s (bgpd at %s): left shut by an earlier run, and cannot "
			  "be un-shut", e->address, e->vty_dir);
		return;
	}
	n->shut = true;
	adopt_orphan(d, n, "left shut by an earlier run");
}

void bgp_start(struct daemon *d)
{
	struct bgp_shut_entry *left = NULL;
	size_t n_left = 0;
	char err[128] = "";
	int r;

	for (size_t i = 0; i < d->n_sessions; i++)
		configure(d->sessions[i]);
	if (mkdir(d->conf->state_directory, 0750) < 0 && errno != EEXIST)
		log_warning_errno(-errno, "cannot create the state directory %s",
				  d->conf->state_directory);
	r = bgp_shut_file_load(d->conf->state_directory, &left, &n_left, err, sizeof(err));
	if (r < 0)
		log_error("%s/" BGP_SHUT_FILE_NAME ": cannot read it: %s", d->conf->state_directory,
			  r == -EINVAL ? err : strerror(-r));
	for (size_t i = 0; i < n_left; i++)
		unshut_left_over(d, &left[i]);
	free(left);
	for (size_t i = 0; i < d->n_sessions; i++)
		if (d->sessions[i]->bgp.neighbor)
			bgp_neighbor_poll(d->sessions[i]->bgp.neighbor, true);
	d->bgp_started = true;
}

void bgp_reloaded(struct daemon *d)
{
	for (size_t i = 0; i < d->n_sessions; i++) {
		struct daemon_session *s = d->sessions[i];

		configure(s);
		if (s->bgp.neighbor)
			bgp_neighbor_poll(s->bgp.neighbor, true); /* and check the timers */
	}
	bgp_shut_changed(d);
}

/* ---- SIGTERM ------------------------------------------------------------ */

static void unshut_before_exit(struct bgp_neighbor *n, uint64_t deadline, unsigned *left)
{
	uint64_t now = daemon_clock_us();

	if (!n)
		return;
	bgp_neighbor_stop(n);
	if (!n->shut)
		return;
	if (now >= deadline || bgp_neighbor_unshut_sync(n, deadline - now) < 0) {
		log_error("%s: still shut: it is un-shut at the next start (%s)", n->label,
			  BGP_SHUT_FILE_NAME);
		(*left)++;
	}
}

void bgp_stop(struct daemon *d)
{
	uint64_t deadline = daemon_clock_us() + d->conf->frr_vty_timeout_us;
	unsigned left = 0;

	if (!d->bgp_started || d->bgp_stopping)
		return; /* never started: an earlier run's file stays as it is */
	d->bgp_stopping = true;
	for (size_t i = 0; i < d->n_sessions; i++) {
		struct daemon_session *s = d->sessions[i];

		s->bgp.hold_down = sd_event_source_disable_unref(s->bgp.hold_down);
		unshut_before_exit(s->bgp.neighbor, deadline, &left);
	}
	for (struct bgp_neighbor *o = d->bgp_orphans; o; o = o->next)
		unshut_before_exit(o, deadline, &left);
	bgp_shut_changed(d);
	while (d->bgp_orphans) {
		struct bgp_neighbor *o = d->bgp_orphans;

		d->bgp_orphans = o->next;
		bgp_neighbor_free(o);
	}
}

/* ---- a read of bgpd worked: the unanswered-BFD warning ---------------- */

void bgp_neighbor_read(struct bgp_neighbor *n)
{
	struct daemon_session *s = n->session;
	uint64_t warn_us, now;
	bool silent;

	if (!s)
		return;
	warn_us = s->conf.bgp.unanswered_warning_us;
	now = daemon_now_us(s->daemon);
	silent = warn_us && s->last_rx_monotonic_us == 0 && now - s->bgp.created_us >= warn_us &&
		 strcmp(n->bgpd.state, "Established") == 0;
	if (silent && !s->bgp.unanswered)
		log_warning("%s: Established in bgpd, but the BFD peer has never answered in %" PRIu64
			    " s: BFD is probably not enabled on this peering (ExpressRoute circuits "
			    "created before August 2018 need a peering reset to get BFD)",
			    n->label, (now - s->bgp.created_us) / 1000000);
	else if (!silent && s->bgp.unanswered)
		log_info("%s: the BFD warning is over (%s)", n->label,
			 s->last_rx_monotonic_us ? "BFD answers" : "BGP is not Established");
	s->bgp.unanswered = silent;
}
