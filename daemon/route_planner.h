/*
 * route_planner.h - each session's route action decided ahead of its Down.
 *
 * Reading and sorting out the kernel's routes is about half of a route
 * action (10,000 routes: about 10 ms of 20). While the routes are quiet,
 * a thread of its own at low priority makes a plan for each session that
 * is Up with nothing changed (ra_plan_make); at the Down the route worker
 * takes the plan if no route or nexthop object has changed since, and
 * only sends. Every change anyone makes to the kernel's routes makes every
 * plan stale: the route watcher reports the kernel's notifications
 * (route_planner_changed), the route worker its own changes.
 */
#ifndef EDGEBFD_ROUTE_PLANNER_H
#define EDGEBFD_ROUTE_PLANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "route_action.h"

struct route_planner;

/* Open a netlink socket and start the thread. 0 or -errno. */
int route_planner_start(struct route_planner **out);

/* Stop the thread (after the plan it is making) and free every plan.
 * Accepts NULL. */
void route_planner_stop(struct route_planner *p);

/* The kernel's routes or nexthop objects changed, or may have: every plan
 * made before is stale. Any thread; accepts NULL. */
void route_planner_changed(struct route_planner *p);

/* Plan the routes through t for session serial, in the background. It
 * replaces the session's older plan or request. */
void route_planner_request(struct route_planner *p, uint64_t serial, const struct ra_target *t);

/* Drop session serial's plan and request (it is changing routes, or gone). */
void route_planner_forget(struct route_planner *p, uint64_t serial);

/* Session serial's plan, if it was made for t and nothing changed since;
 * the caller owns it. NULL otherwise. Any thread; accepts NULL. */
struct ra_plan *route_planner_take(struct route_planner *p, uint64_t serial,
				   const struct ra_target *t);

/* Whether session serial has a current plan; *routes: the changes in it. */
bool route_planner_ready(struct route_planner *p, uint64_t serial, size_t *routes);

#endif
