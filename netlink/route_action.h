/*
 * route_action.h - withdraw or demote the kernel routes through a dead BFD
 * peer, and restore them. Blocking: run it in a worker thread.
 *
 * ra_act() finds the routes through the peer and changes them; every
 * change goes into a record with the route as it was and what was put in
 * its place. ra_restore() puts back each original whose current kernel
 * state is still what edgebfdd left, and leaves alone anything its owner
 * (zebra, an operator) changed since. See README "Route actions" and
 * docs/zebra-interplay.md for why each change is made the way it is.
 */
#ifndef EDGEBFD_ROUTE_ACTION_H
#define EDGEBFD_ROUTE_ACTION_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "nl_route.h"

enum ra_change_kind {
	RA_DELETED,         /* single-path route deleted (withdraw) */
	RA_NEXTHOP_REMOVED, /* multipath route replaced without the dead hops */
	RA_DEMOTED,         /* single-path route re-added at metric + demote-metric */
	RA_GROUP_SHRUNK,    /* nexthop group replaced without the dead members */
	RA_VIA_GROUP,       /* a route repaired by a shrunk group: listed, nothing to undo */
	RA_KIND_COUNT,
};

/* One change. original/installed are rtnetlink payloads (struct rtmsg or
 * struct nhmsg and attributes), in one allocation. */
struct ra_change {
	uint8_t kind;
	uint8_t protocol;
	bool owner_changed;      /* the route's owner changed it since: restore leaves it */
	uint16_t original_len, installed_len;
	struct nl_route_key key; /* the original route's (RA_GROUP_SHRUNK: family 0) */
	uint32_t nhid;           /* RA_GROUP_SHRUNK, RA_VIA_GROUP: the group */
	uint8_t *original;       /* NULL for RA_VIA_GROUP */
	uint8_t *installed;      /* NULL for RA_DELETED and RA_VIA_GROUP */
};

struct ra_record {
	struct ra_change *changes;
	size_t n, cap;
};

#define RA_PEER_LINK_LOCAL_MAX 4

/* Which routes go through a session, and what to do to them. */
struct ra_target {
	uint8_t family;
	uint8_t peer[16];
	unsigned ifindex;          /* 0: the interface is gone */
	/* An IPv6 peer's link-local addresses on ifindex: BGP often installs
	 * routes via the peer's link-local next hop although the session
	 * runs between global addresses. ra_act finds them in the neighbour
	 * table; those given here (an earlier action's, ra_result) count
	 * while the table has no link-layer address for the peer. */
	uint8_t peer_link_local[RA_PEER_LINK_LOCAL_MAX][16];
	unsigned n_peer_link_local;
	enum conf_on_down on_down; /* withdraw or demote */
	struct conf_routes routes;
};

/* What one call did. */
struct ra_result {
	size_t done[RA_KIND_COUNT]; /* changes made (act) or undone (restore) */
	size_t left_alone;          /* restore: its owner had changed it since */
	size_t gone;                /* vanished while we worked on it */
	size_t errors;              /* requests that failed twice */
	char error[256];            /* the first of them: route and errno */
	uint64_t groups_done_us;    /* act: when the group requests completed (0: none) */
	bool planned;               /* act: the routes were decided ahead (ra_plan_make) */
	unsigned neighbours_failed; /* act: neighbour entries marked failed */
	uint64_t neighbours_us;     /* act: CLOCK_MONOTONIC when that was answered (0: none) */
	uint8_t peer_link_local[RA_PEER_LINK_LOCAL_MAX][16]; /* act: the ones it used */
	unsigned n_peer_link_local;
	uint64_t done_us;           /* CLOCK_MONOTONIC when the last request completed */
};

struct ra_engine;

/* Open the netlink socket (in the calling thread's namespace). 0 or -errno. */
int ra_engine_open(struct ra_engine **out);
void ra_engine_close(struct ra_engine *e);

/* The engine socket's port id: kernel notifications of our own changes
 * carry it (a route monitor ignores those). */
uint32_t ra_engine_portid(const struct ra_engine *e);

/* Called with the record just before shrunk nexthop groups go to the
 * kernel: a state file written here survives a crash in between. Only
 * groups are written ahead: a group left shrunk would hurt every route
 * through it for good, and a few groups cost nothing to write, while
 * writing 10,000 routes ahead would add about 10 ms to the failover. */
typedef void (*ra_before_send_fn)(void *ctx, const struct ra_record *rec);

/*
 * What ra_act would do to the routes through t now, decided ahead of the
 * Down: reading and sorting out 10,000 routes takes about 10 ms, half of
 * the whole action, and a plan takes that out of the failover. Nothing is
 * changed. The plan stays right only while the kernel's routes and
 * nexthop objects stay as they are: the caller must drop it on any change
 * (route_planner.c follows the kernel's notifications). 0 or -errno.
 */
struct ra_plan;
int ra_plan_make(struct ra_engine *e, const struct ra_target *t, struct ra_plan **out);

/* The route changes a plan holds (0 for NULL). */
size_t ra_plan_routes(const struct ra_plan *p);

/* Accepts NULL. */
void ra_plan_free(struct ra_plan *p);

/* Change the routes through t's peer, adding to rec (a route already in
 * rec is acted on again only if its owner put the peer back since).
 * plan (may be NULL): made by ra_plan_make for t and still current; it is
 * used if rec is empty and the nexthop groups and the peer's link-local
 * addresses are still what it found (res->planned), else the routes are
 * read as without it. Its changes move to rec; free it after. before (may
 * be NULL): see ra_before_send_fn. Returns 0, or -errno when the kernel
 * could not be read (then rec holds what was done). */
int ra_act(struct ra_engine *e, const struct ra_target *t, struct ra_record *rec,
	   struct ra_plan *plan, ra_before_send_fn before, void *ctx, struct ra_result *res);

/* Another session whose changes are still in force, for a restore. */
struct ra_companion {
	const struct ra_target *t;
	struct ra_record *rec;
	bool changed; /* set by ra_restore when it updated rec */
};

/*
 * Put back what rec holds, of family (the session's). Changes restored or
 * left alone leave rec; those that failed stay for a later try.
 *
 * others: sessions still Down. When one of them changed a route after
 * this one did (both links of an ECMP route failed: this session's change
 * left {B}, B's then deleted it), the route comes back without that
 * session's dead hops ({A}), and that session's change takes over this
 * one's original, so that its own restore later puts back {A, B}. Only
 * routes with inline nexthops (a zebra nhid route is rewritten by zebra
 * when BGP converges). 0 or -errno.
 */
int ra_restore(struct ra_engine *e, uint8_t family, struct ra_record *rec,
	       struct ra_companion *others, size_t n_others, struct ra_result *res);

/* Whether a and b select the same routes and do the same to them (their
 * hold-down aside). */
bool ra_target_equal(const struct ra_target *a, const struct ra_target *b);

/* Whether route r (as the kernel reports it, hops of nhid routes
 * included) has a hop through t's peer. */
bool ra_route_through(const struct ra_target *t, const struct nl_route *r);

/* Append a change with copies of the payloads. 0 or -ENOMEM. */
int ra_record_add(struct ra_record *rec, const struct ra_change *c, const void *original,
		  const void *installed);

/* Routes in rec (changes other than groups). */
size_t ra_record_routes(const struct ra_record *rec);

void ra_record_free(struct ra_record *rec);

/* "deleted", "nexthop-removed", "demoted", "group-shrunk", "via-group". */
const char *ra_change_kind_name(enum ra_change_kind kind);

#endif
