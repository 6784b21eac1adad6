/* route_planner.c - see route_planner.h. */
#include "route_planner.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* One session's plan, or the wish for one. */
struct slot {
	uint64_t serial;
	struct ra_target target; /* what the plan is (to be) made for */
	bool requested;          /* a plan for target is wanted */
	bool tried;              /* one was tried for target at generation tried_gen */
	uint64_t tried_gen;
	struct ra_plan *plan;    /* made at generation gen */
	uint64_t gen;
};

/* Beyond this many route changes (about 40 MB) a session gets no plan: its
 * routes are read at the Down. Routes through one ExpressRoute peer are
 * thousands; this is for a CE that carries a full table through it. */
#define PLAN_ROUTES_MAX 200000

struct route_planner {
	struct ra_engine *engine;
	pthread_t thread;
	bool running;

	pthread_mutex_t lock;
	pthread_cond_t wake;
	uint64_t generation;     /* guarded by lock, as is all below */
	struct slot *slots;
	size_t n, cap;
	bool quit;
};

static struct slot *find(struct route_planner *p, uint64_t serial)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->slots[i].serial == serial)
			return &p->slots[i];
	return NULL;
}

static bool current(const struct route_planner *p, const struct slot *s)
{
	return s->plan && s->gen == p->generation;
}

/* Below everything else on a busy router: a plan only matters once the
 * routes are quiet, and it is never waited for (the worker reads the
 * routes itself when there is none). Threads inherit the event loop's
 * real-time priority (main.c): drop it. */
#define PLANNER_NICE 10

static void lower_priority(void)
{
	struct sched_param sp = { .sched_priority = 0 };

	(void)pthread_setschedparam(pthread_self(), SCHED_OTHER, &sp);
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), PLANNER_NICE);
}

static void *planner_main(void *arg)
{
	struct route_planner *p = arg;

	lower_priority();
	pthread_mutex_lock(&p->lock);
	while (!p->quit) {
		struct slot *s = NULL;

		for (size_t i = 0; i < p->n && !s; i++)
			if (p->slots[i].requested)
				s = &p->slots[i];
		if (!s) {
			pthread_cond_wait(&p->wake, &p->lock);
			continue;
		}
		s->requested = false;
		s->tried = true;
		s->tried_gen = p->generation;

		uint64_t serial = s->serial, gen = p->generation;
		struct ra_target t = s->target;
		struct ra_plan *plan = NULL, *stale = NULL;
		int r;

		pthread_mutex_unlock(&p->lock);
		r = ra_plan_make(p->engine, &t, &plan);
		pthread_mutex_lock(&p->lock);
		s = find(p, serial);
		/* Kept only if nothing changed while it was made, nobody asked
		 * for another one meanwhile, and it is not too big. */
		if (r == 0 && ra_plan_routes(plan) <= PLAN_ROUTES_MAX && s && !s->requested &&
		    p->generation == gen && ra_target_equal(&s->target, &t)) {
			stale = s->plan;
			s->plan = plan;
			s->gen = gen;
		} else {
			stale = plan;
		}
		pthread_mutex_unlock(&p->lock);
		ra_plan_free(stale); /* 10,000 frees: not under the lock */
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int route_planner_start(struct route_planner **out)
{
	struct route_planner *p = calloc(1, sizeof(*p));
	int r;

	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	r = ra_engine_open(&p->engine);
	if (r == 0)
		r = -pthread_create(&p->thread, NULL, planner_main, p);
	if (r < 0) {
		route_planner_stop(p);
		return r;
	}
	p->running = true;
	*out = p;
	return 0;
}

void route_planner_stop(struct route_planner *p)
{
	if (!p)
		return;
	if (p->running) {
		pthread_mutex_lock(&p->lock);
		p->quit = true;
		pthread_cond_signal(&p->wake);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
	}
	for (size_t i = 0; i < p->n; i++)
		ra_plan_free(p->slots[i].plan);
	free(p->slots);
	if (p->engine)
		ra_engine_close(p->engine);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->wake);
	free(p);
}

void route_planner_changed(struct route_planner *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->generation++;
	pthread_mutex_unlock(&p->lock);
}

void route_planner_request(struct route_planner *p, uint64_t serial, const struct ra_target *t)
{
	struct slot *s;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	s = find(p, serial);
	if (!s && p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct slot *grown = realloc(p->slots, cap * sizeof(*grown));

		if (grown) {
			p->slots = grown;
			p->cap = cap;
		}
	}
	if (!s && p->n < p->cap) {
		s = &p->slots[p->n++];
		memset(s, 0, sizeof(*s));
		s->serial = serial;
	}
	/* A current plan for the same target needs no new one, nor does a
	 * target whose plan failed or came out too big since the last change. */
	if (s && !((current(p, s) || (s->tried && s->tried_gen == p->generation)) &&
		   ra_target_equal(&s->target, t))) {
		s->target = *t;
		s->tried = false;
		s->requested = true;
		pthread_cond_signal(&p->wake);
	}
	pthread_mutex_unlock(&p->lock);
}

void route_planner_forget(struct route_planner *p, uint64_t serial)
{
	struct ra_plan *plan = NULL;
	struct slot *s;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	s = find(p, serial);
	if (s) {
		plan = s->plan;
		*s = p->slots[--p->n];
	}
	pthread_mutex_unlock(&p->lock);
	ra_plan_free(plan);
}

struct ra_plan *route_planner_take(struct route_planner *p, uint64_t serial,
				   const struct ra_target *t)
{
	struct ra_plan *plan = NULL;
	struct slot *s;

	if (!p)
		return NULL;
	pthread_mutex_lock(&p->lock);
	s = find(p, serial);
	if (s && current(p, s) && ra_target_equal(&s->target, t)) {
		plan = s->plan;
		s->plan = NULL;
	}
	pthread_mutex_unlock(&p->lock);
	return plan;
}

bool route_planner_ready(struct route_planner *p, uint64_t serial, size_t *routes)
{
	struct slot *s;
	bool ready = false;

	*routes = 0;
	if (!p)
		return false;
	pthread_mutex_lock(&p->lock);
	s = find(p, serial);
	if (s && current(p, s)) {
		ready = true;
		*routes = ra_plan_routes(s->plan);
	}
	pthread_mutex_unlock(&p->lock);
	return ready;
}
