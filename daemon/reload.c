/*
 * reload.c - SIGHUP: apply a new config as a transaction.
 *
 * The new file is parsed whole; on any error nothing changes and the errors
 * are logged. Otherwise sessions are matched by identity (interface, local
 * and peer address): a session that is still there keeps its libbfd state
 * and only takes the new timers (a Poll Sequence, no flap) and name; a
 * session that is gone says AdminDown and is freed; a new one starts.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "bgp.h"
#include "daemon.h"
#include "engine_frr.h"
#include "sessions.h"

static void log_report(const struct conf_report *report, int priority)
{
	const char *line = report->text;

	while (line && *line) {
		const char *end = line;

		while (*end && *end != '\n')
			end++;
		log_msg(priority, "%.*s", (int)(end - line), line);
		line = *end ? end + 1 : end;
	}
}

/* The running session with the identity of c, or NULL. */
static struct daemon_session *find_same(struct daemon *d, const struct conf_session *c)
{
	for (size_t i = 0; i < d->n_sessions; i++)
		if (d->sessions[i] && conf_session_same_identity(&d->sessions[i]->conf, c))
			return d->sessions[i];
	return NULL;
}

/* Free the sessions of next[0..n) that were created for this reload. */
static void discard_new(struct daemon_session **next, const bool *fresh, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fresh[i])
			daemon_session_free(next[i]);
}

int daemon_reload(struct daemon *d)
{
	struct conf_report report = { 0 };
	struct conf *conf = NULL;
	struct daemon_session **next = NULL;
	bool *fresh = NULL;
	size_t n, added = 0, removed = 0;
	int r;

	r = conf_load(d->conf_path, &conf, &report);
	log_report(&report, r < 0 ? LOG_ERR : LOG_WARNING);
	conf_report_free(&report);
	if (r < 0) {
		log_error("reload of %s failed with %s; the running configuration stays in force",
			  d->conf_path, r == -ENOMEM ? "out of memory" : "errors");
		return r;
	}
	if (conf->engine != d->conf->engine) {
		log_error("%s: engine: cannot change while edgebfdd runs (restart it); the running "
			  "configuration stays in force", d->conf_path);
		conf_free(conf);
		return -EINVAL;
	}
	n = conf->n_sessions;
	next = calloc(n ? n : 1, sizeof(*next));
	fresh = calloc(n ? n : 1, sizeof(*fresh));
	if (!next || !fresh) {
		r = -ENOMEM;
		goto fail;
	}

	/* Carry over what stays, create what is new; undo it all on failure. */
	for (size_t i = 0; i < n; i++) {
		next[i] = find_same(d, &conf->sessions[i]);
		if (next[i])
			continue;
		uint32_t discr = daemon_pick_discr(d, next, i);

		r = discr ? daemon_session_new(d, &conf->sessions[i], discr, &next[i]) : -EAGAIN;
		if (r < 0) {
			discard_new(next, fresh, i);
			goto fail;
		}
		fresh[i] = true;
		added++;
	}
	r = session_index_build(&d->index, next, n);
	if (r < 0) {
		discard_new(next, fresh, n);
		goto fail;
	}

	/* Committed: from here on nothing fails. */
	for (size_t i = 0; i < n; i++)
		if (!fresh[i])
			daemon_session_update(next[i], &conf->sessions[i]);
	for (size_t i = 0; i < d->n_sessions; i++) {
		struct daemon_session *old = d->sessions[i];
		bool stays = false;

		for (size_t j = 0; j < n && !stays; j++)
			stays = next[j] == old;
		if (stays)
			continue;
		log_info("session %s: removed from the configuration", old->conf.name);
		daemon_session_goodbye(old);
		routes_session_removed(old);
		bgp_session_removed(old);
		daemon_session_free(old);
		removed++;
	}
	free(d->sessions);
	free(fresh);
	d->sessions = next;
	d->n_sessions = n;
	d->generation++;
	conf_free(d->conf);
	d->conf = conf;
	bgp_reloaded(d);
	engine_frr_reloaded(d);
	log_info("reloaded %s: %zu sessions (%zu new, %zu removed)", d->conf_path, n, added,
		 removed);
	return 0;

fail:
	log_error_errno(r, "reload of %s failed; the running configuration stays in force",
			d->conf_path);
	free(next);
	free(fresh);
	conf_free(conf);
	return r;
}
