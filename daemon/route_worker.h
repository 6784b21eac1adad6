/*
 * route_worker.h - the thread that runs route actions, so that netlink
 * batches of any size never delay a BFD timer or packet on the event loop.
 *
 * The event loop hands the worker a job (act or restore, with the
 * session's record moved into it); the worker runs it, writes the
 * session's state file, and hands the job back through an eventfd that
 * the event loop watches. Jobs run one at a time, in order.
 */
#ifndef EDGEBFD_ROUTE_WORKER_H
#define EDGEBFD_ROUTE_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "route_action.h"
#include "route_planner.h"
#include "route_state.h"

enum route_job_kind {
	ROUTE_JOB_ACT,
	ROUTE_JOB_RESTORE,
	ROUTE_JOB_RENAME, /* only move the state file from old_name to owner.name */
};

/* Another session's record, lent to a restore (see ra_restore's others):
 * moved in, moved back, its state file rewritten if the restore changed it. */
struct route_job_companion {
	uint64_t serial;
	struct route_state_owner owner;
	struct ra_target target;
	struct ra_record record;
	bool changed; /* the restore changed the record */
};

struct route_job {
	struct route_job *next;
	enum route_job_kind kind;
	uint64_t serial;                 /* the session's; 0 for a record without one */
	struct route_state_owner owner;  /* whose state file */
	char old_name[CONF_NAME_MAX];    /* ROUTE_JOB_RENAME */
	char state_dir[108];
	struct ra_target target;         /* ROUTE_JOB_ACT */
	struct ra_record record;         /* moved in, moved back */
	struct route_job_companion *companions; /* ROUTE_JOB_RESTORE: sessions still changed */
	size_t n_companions;
	struct ra_result result;
	int error;                       /* of ra_act / ra_restore */
	int save_error;                  /* of the state file */
	uint64_t event_us;               /* CLOCK_MONOTONIC of what caused the job */
};

struct route_worker;

/* A finished job, back on the event loop; the callee owns it. */
typedef void (*route_job_done_fn)(void *ctx, struct route_job *job);

/* Open the netlink socket and start the thread. An act job uses the plan
 * that planner (may be NULL) holds for its session, if still current. 0
 * or -errno. */
int route_worker_start(sd_event *event, struct route_planner *planner, route_job_done_fn done,
		       void *ctx, struct route_worker **out);

/* Queue a job; the worker owns it until it comes back through done. */
void route_worker_submit(struct route_worker *w, struct route_job *job);

/* Run what is queued, hand every job back through done (synchronously),
 * and stop the thread. Accepts NULL. */
void route_worker_stop(struct route_worker *w);

/* The port id of the worker's netlink socket (see ra_engine_portid). */
uint32_t route_worker_portid(const struct route_worker *w);

/* Free a job and its record. */
void route_job_free(struct route_job *job);

#endif
