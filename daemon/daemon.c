/* daemon.c - the set of sessions of edgebfdd: start, find, stop. */
#include "daemon.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/random.h>

#include "discr.h"
#include "sessions.h"

struct discr_context {
	const struct daemon *d;
	struct daemon_session *const *more;
	size_t n_more;
};

static uint32_t random32(void *ctx)
{
	uint32_t v = 0;

	(void)ctx;
	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		return 0; /* bfd_discr_pick() draws again */
	return v;
}

static bool discr_in_use(void *ctx, uint32_t discr)
{
	const struct discr_context *c = ctx;

	if (session_index_by_discr(&c->d->index, discr))
		return true;
	for (size_t i = 0; i < c->n_more; i++)
		if (c->more[i] && c->more[i]->bfd.local_discr == discr)
			return true;
	return false;
}

uint32_t daemon_pick_discr(const struct daemon *d, struct daemon_session *const *more,
			   size_t n_more)
{
	struct discr_context c = { .d = d, .more = more, .n_more = n_more };

	return bfd_discr_pick(random32, discr_in_use, &c);
}

uint64_t daemon_now_us(const struct daemon *d)
{
	uint64_t now = 0;

	sd_event_now(d->event, CLOCK_MONOTONIC, &now);
	return now;
}

uint64_t daemon_clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t daemon_realtime_us(const struct daemon *d)
{
	uint64_t now = 0;

	sd_event_now(d->event, CLOCK_REALTIME, &now);
	return now;
}

struct daemon_session *daemon_find_session(const struct daemon *d, const char *name)
{
	for (size_t i = 0; i < d->n_sessions; i++)
		if (strcmp(d->sessions[i]->conf.name, name) == 0)
			return d->sessions[i];
	return NULL;
}

int daemon_start_sessions(struct daemon *d)
{
	int r;

	d->sessions = calloc(d->conf->n_sessions ? d->conf->n_sessions : 1, sizeof(*d->sessions));
	if (!d->sessions)
		return -ENOMEM;
	for (size_t i = 0; i < d->conf->n_sessions; i++) {
		uint32_t discr = daemon_pick_discr(d, d->sessions, i);

		r = discr ? daemon_session_new(d, &d->conf->sessions[i], discr, &d->sessions[i])
			  : -EAGAIN;
		if (r < 0)
			return log_error_errno(r, "session %s: cannot start",
					       d->conf->sessions[i].name);
		d->n_sessions++;
	}
	r = session_index_build(&d->index, d->sessions, d->n_sessions);
	if (r < 0)
		return log_error_errno(r, "cannot index sessions");
	log_info("%zu sessions configured", d->n_sessions);
	return 0;
}

void daemon_stop_sessions(struct daemon *d)
{
	for (size_t i = 0; i < d->n_sessions; i++) {
		daemon_session_goodbye(d->sessions[i]);
		daemon_session_free(d->sessions[i]);
	}
	free(d->sessions);
	d->sessions = NULL;
	d->n_sessions = 0;
	d->generation++;
	session_index_free(&d->index);
}
