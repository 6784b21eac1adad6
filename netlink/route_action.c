/*
 * route_action.c - see route_action.h.
 *
 * ra_act works in the order that repairs the most traffic soonest:
 *  1. dump the nexthop objects; replace each group that has both dead and
 *     live members once, without the dead ones: every route using the
 *     group is repaired by that one request (about 5-15 ms of kernel time
 *     for 10,000 routes, docs/zebra-interplay.md section 6);
 *  2. dump the routes and decide for each one through the peer, unless
 *     a plan made ahead (ra_plan_make: steps 1 and 2 without sending)
 *     still fits;
 *  3. send the route requests in batches.
 * Groups owned by zebra are never modified: zebra puts them back within
 * 10 ms (docs/zebra-interplay.md section 2). Their routes are rewritten one
 * by one with inline nexthops, keeping zebra's protocol and metric so
 * that zebra ignores the change and its own next update replaces it.
 */
#include "route_action.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "nl_batch.h"
#include "nl_neigh.h"
#include "nl_nexthop.h"
#include "route_index.h"

#define RTPROT_ZEBRA_NUMBER 11 /* rt_protos: nexthop objects zebra made */
#define RAW_MAX 4096           /* a route or nexthop payload we keep */

struct ra_engine {
	struct nl_batch *nl;
};

const char *ra_change_kind_name(enum ra_change_kind kind)
{
	static const char *const names[RA_KIND_COUNT] = {
		[RA_DELETED] = "deleted", [RA_NEXTHOP_REMOVED] = "nexthop-removed",
		[RA_DEMOTED] = "demoted", [RA_GROUP_SHRUNK] = "group-shrunk",
		[RA_VIA_GROUP] = "via-group",
	};

	return (unsigned)kind < RA_KIND_COUNT ? names[kind] : "?";
}

int ra_engine_open(struct ra_engine **out)
{
	struct ra_engine *e = calloc(1, sizeof(*e));
	int r;

	if (!e)
		return -ENOMEM;
	r = nl_batch_open(&e->nl);
	if (r < 0) {
		free(e);
		return r;
	}
	*out = e;
	return 0;
}

void ra_engine_close(struct ra_engine *e)
{
	if (!e)
		return;
	nl_batch_close(e->nl);
	free(e);
}

uint32_t ra_engine_portid(const struct ra_engine *e)
{
	return nl_batch_portid(e->nl);
}

/* ---- the record ---------------------------------------------------------- */

int ra_record_add(struct ra_record *rec, const struct ra_change *c, const void *original,
		  const void *installed)
{
	struct ra_change *n;
	uint8_t *blob = NULL;

	if (rec->n == rec->cap) {
		size_t cap = rec->cap ? rec->cap * 2 : 64;
		struct ra_change *grown = realloc(rec->changes, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		rec->changes = grown;
		rec->cap = cap;
	}
	if (c->original_len + c->installed_len) {
		blob = malloc((size_t)c->original_len + c->installed_len);
		if (!blob)
			return -ENOMEM;
		memcpy(blob, original, c->original_len);
		if (c->installed_len)
			memcpy(blob + c->original_len, installed, c->installed_len);
	}
	n = &rec->changes[rec->n++];
	*n = *c;
	n->original = c->original_len ? blob : NULL;
	n->installed = c->installed_len ? blob + c->original_len : NULL;
	return 0;
}

size_t ra_record_routes(const struct ra_record *rec)
{
	size_t n = 0;

	for (size_t i = 0; i < rec->n; i++)
		n += rec->changes[i].kind != RA_GROUP_SHRUNK;
	return n;
}

void ra_record_free(struct ra_record *rec)
{
	for (size_t i = 0; i < rec->n; i++)
		free(rec->changes[i].original);
	free(rec->changes);
	memset(rec, 0, sizeof(*rec));
}

/* ---- the kernel's nexthop objects --------------------------------------- */

struct nexthops {
	struct nl_nexthop *v;
	size_t n, cap;
	bool failed;
};

static void on_nexthop(void *ctx, uint16_t type, const void *payload, size_t len)
{
	struct nexthops *nhs = ctx;

	if (type != RTM_NEWNEXTHOP || nhs->failed)
		return;
	if (nhs->n == nhs->cap) {
		size_t cap = nhs->cap ? nhs->cap * 2 : 64;
		struct nl_nexthop *grown = realloc(nhs->v, cap * sizeof(*grown));

		if (!grown) {
			nhs->failed = true;
			return;
		}
		nhs->v = grown;
		nhs->cap = cap;
	}
	if (nl_nexthop_parse(payload, len, &nhs->v[nhs->n]) == 0)
		nhs->n++;
}

static int cmp_nexthop_id(const void *a, const void *b)
{
	uint32_t x = ((const struct nl_nexthop *)a)->id, y = ((const struct nl_nexthop *)b)->id;

	return x < y ? -1 : x > y;
}

/* A dump that the kernel flagged inconsistent is read again, a few times. */
#define DUMP_TRIES 3

static int dump_nexthops(struct ra_engine *e, struct nexthops *nhs)
{
	int r = -EAGAIN;

	for (unsigned i = 0; i < DUMP_TRIES && r == -EAGAIN; i++) {
		nhs->n = 0;
		nhs->failed = false;
		r = nl_batch_dump(e->nl, RTM_GETNEXTHOP, AF_UNSPEC, on_nexthop, nhs);
	}

	/* A kernel without nexthop objects (before 5.3) answers EOPNOTSUPP. */
	if (r == -EOPNOTSUPP)
		r = 0;
	if (r == 0 && nhs->failed)
		r = -ENOMEM;
	if (nhs->n)
		qsort(nhs->v, nhs->n, sizeof(*nhs->v), cmp_nexthop_id);
	return r;
}

static const struct nl_nexthop *find_nexthop(const struct nexthops *nhs, uint32_t id)
{
	struct nl_nexthop key = { .id = id };

	return nhs->n ? bsearch(&key, nhs->v, nhs->n, sizeof(*nhs->v), cmp_nexthop_id) : NULL;
}

/* ---- which hops go through the peer ------------------------------------- */

static bool is_link_local(const struct ra_target *t)
{
	return t->family == AF_INET6 && t->peer[0] == 0xfe && (t->peer[1] & 0xc0) == 0x80;
}

/* RFC 5881 single hop: the peer is a gateway of the route, or the route
 * has no gateway and leaves through the session's interface. A link-local
 * gateway is only the peer on the peer's own link. */
static bool hop_dead(const struct ra_target *t, int family, bool has_gw, const uint8_t *gw,
		     unsigned ifindex)
{
	if (!has_gw)
		return t->ifindex && ifindex == t->ifindex;
	if (family != t->family)
		return false;
	if (memcmp(gw, t->peer, nl_addr_len(family)) == 0)
		return !is_link_local(t) || ifindex == t->ifindex;
	for (unsigned i = 0; i < t->n_peer_link_local; i++)
		if (ifindex == t->ifindex && memcmp(gw, t->peer_link_local[i], 16) == 0)
			return true;
	return false;
}

static bool nexthop_dead(const struct ra_target *t, const struct nl_nexthop *nh)
{
	return !nh->is_group && !nh->blackhole &&
	       hop_dead(t, nh->family, nh->has_gw, nh->gw, nh->ifindex);
}

bool ra_route_through(const struct ra_target *t, const struct nl_route *r)
{
	for (unsigned i = 0; i < r->n_hops; i++)
		if (hop_dead(t, r->key.family, r->hops[i].has_gw, r->hops[i].gw, r->hops[i].ifindex))
			return true;
	return false;
}

/* The route filters that decide what an action does (not hold-down). */
static bool same_filters(const struct conf_routes *a, const struct conf_routes *b)
{
	if (a->on_down != b->on_down || a->n_tables != b->n_tables ||
	    a->n_prefixes != b->n_prefixes || a->demote_metric != b->demote_metric ||
	    memcmp(a->tables, b->tables, a->n_tables * sizeof(a->tables[0])) != 0 ||
	    memcmp(a->protocols, b->protocols, sizeof(a->protocols)) != 0)
		return false;
	for (unsigned i = 0; i < a->n_prefixes; i++)
		if (a->prefixes[i].len != b->prefixes[i].len ||
		    !conf_addr_equal(&a->prefixes[i].addr, &b->prefixes[i].addr))
			return false;
	return true;
}

bool ra_target_equal(const struct ra_target *a, const struct ra_target *b)
{
	return a->family == b->family && memcmp(a->peer, b->peer, sizeof(a->peer)) == 0 &&
	       a->ifindex == b->ifindex && a->on_down == b->on_down &&
	       a->n_peer_link_local == b->n_peer_link_local &&
	       memcmp(a->peer_link_local, b->peer_link_local,
		      a->n_peer_link_local * sizeof(a->peer_link_local[0])) == 0 &&
	       same_filters(&a->routes, &b->routes);
}

/* Whether addr is inside the prefix of key. */
static bool prefix_covers(const struct nl_route_key *k, const uint8_t *addr)
{
	unsigned full = k->dst_len / 8, rest = k->dst_len % 8;

	if (memcmp(k->dst, addr, full) != 0)
		return false;
	return rest == 0 || ((k->dst[full] ^ addr[full]) & (0xff00u >> rest) & 0xff) == 0;
}

static bool route_selected(const struct ra_target *t, const struct nl_route *r)
{
	bool table = false;

	if (r->key.family != t->family || r->type != RTN_UNICAST)
		return false;
	for (unsigned i = 0; i < t->routes.n_tables && !table; i++)
		table = t->routes.tables[i] == r->key.table;
	return table && conf_routes_protocol(&t->routes, r->protocol) &&
	       conf_routes_prefix(&t->routes, r->key.family, r->key.dst, r->key.dst_len);
}

/* ---- ra_act --------------------------------------------------------------- */

struct act {
	struct ra_engine *e;
	const struct ra_target *t;
	struct ra_target target;  /* t, with the peer's link-local addresses */
	struct ra_record *rec;
	struct ra_result *res;
	struct nexthops nhs;
	bool *group_shrunk;      /* by index in nhs */
	bool *group_dead;        /* every member dead */
	struct route_index known;/* keys already in rec */
	size_t first_new;        /* rec->changes[first_new..] were added by this call */
	bool *superseded;        /* rec->changes[..first_new): acted on again */
	uint8_t raw[RAW_MAX] __attribute__((aligned(4)));
	uint8_t out[RAW_MAX] __attribute__((aligned(4)));
	int error;               /* -ENOMEM while dumping */
	struct neighbours *nb;   /* the peer's neighbour entries (NULL: not read) */
};

static void act_add(struct act *a, enum ra_change_kind kind, const struct nl_route *r,
		    const void *installed, int installed_len)
{
	struct ra_change c = {
		.kind = (uint8_t)kind, .protocol = r->protocol, .key = r->key, .nhid = r->nhid,
		.original_len = kind == RA_VIA_GROUP ? 0 : (uint16_t)r->raw_len,
		.installed_len = installed_len > 0 ? (uint16_t)installed_len : 0,
	};

	if (installed_len < 0 || ra_record_add(a->rec, &c, r->raw, installed) < 0)
		a->error = -ENOMEM;
}

/* A route with no live path left: delete it, or re-add it demoted. */
static void act_single(struct act *a, const struct nl_route *r)
{
	bool keep[NL_ROUTE_NEXTHOPS_MAX];
	uint64_t metric = (uint64_t)r->key.metric + a->t->routes.demote_metric;

	if (a->t->on_down == CONF_ON_DOWN_WITHDRAW) {
		act_add(a, RA_DELETED, r, NULL, 0);
		return;
	}
	for (unsigned i = 0; i < NL_ROUTE_NEXTHOPS_MAX; i++)
		keep[i] = true;
	act_add(a, RA_DEMOTED, r, a->out,
		nl_route_rewrite(r, keep, metric > UINT32_MAX ? UINT32_MAX : (uint32_t)metric,
				 a->out, sizeof(a->out)));
}

/* A route through a nexthop object. */
static void act_nhid(struct act *a, const struct nl_route *r)
{
	const struct nl_nexthop *nh = find_nexthop(&a->nhs, r->nhid);
	struct nl_route_hop live[NL_NEXTHOP_GROUP_MAX];
	unsigned n_live = 0;
	size_t i;

	if (!nh || nh->unsupported)
		return;
	if (!nh->is_group) {
		if (nexthop_dead(a->t, nh))
			act_single(a, r);
		return;
	}
	i = (size_t)(nh - a->nhs.v);
	if (a->group_shrunk[i]) {
		act_add(a, RA_VIA_GROUP, r, NULL, 0);
		return;
	}
	if (a->group_dead[i]) {
		act_single(a, r);
		return;
	}
	/* A zebra group with a dead member: rewrite the route inline. */
	bool any_dead = false;

	for (unsigned m = 0; m < nh->n_members; m++) {
		const struct nl_nexthop *member = find_nexthop(&a->nhs, nh->members[m].id);

		if (!member || member->is_group)
			return;
		if (nexthop_dead(a->t, member)) {
			any_dead = true;
			continue;
		}
		live[n_live] = (struct nl_route_hop){
			.has_gw = member->has_gw, .ifindex = member->ifindex,
			.weight = (uint16_t)(nh->members[m].weight + 1),
		};
		memcpy(live[n_live++].gw, member->gw, sizeof(member->gw));
	}
	if (any_dead)
		act_add(a, RA_NEXTHOP_REMOVED, r, a->out,
			nl_route_inline(r, live, n_live, a->out, sizeof(a->out)));
}

static void act_inline(struct act *a, const struct nl_route *r)
{
	bool keep[NL_ROUTE_NEXTHOPS_MAX];
	unsigned dead = 0;

	for (unsigned i = 0; i < r->n_hops; i++) {
		keep[i] = !hop_dead(a->t, r->key.family, r->hops[i].has_gw, r->hops[i].gw,
				    r->hops[i].ifindex);
		dead += !keep[i];
	}
	if (dead == 0)
		return;
	/* The connected route to the peer itself carries the BFD packets. */
	if (r->n_hops == 1 && !r->hops[0].has_gw && prefix_covers(&r->key, a->t->peer))
		return;
	if (dead == r->n_hops)
		act_single(a, r);
	else
		act_add(a, RA_NEXTHOP_REMOVED, r, a->out,
			nl_route_rewrite(r, keep, r->key.metric, a->out, sizeof(a->out)));
}

static void on_route(void *ctx, uint16_t type, const void *payload, size_t len)
{
	struct act *a = ctx;
	struct nl_route r;

	int64_t at;

	if (type != RTM_NEWROUTE || a->error ||
	    nl_route_parse(payload, len, a->raw, sizeof(a->raw), &r) <= 0 || r.too_many_hops ||
	    !route_selected(a->t, &r))
		return;
	at = route_index_get(&a->known, &r.key);
	if (at >= 0) {
		/* Changed before (an earlier Down). Still as we left it: done.
		 * Its owner put the dead peer back since (zebra during a
		 * hold-down): act on the owner's version, which replaces the
		 * old change. A demoted route keeps its copy: the restore
		 * sorts that out. */
		if (a->rec->changes[at].kind == RA_DEMOTED || !ra_route_through(a->t, &r))
			return;
		a->superseded[at] = true;
	}
	if (r.nhid)
		act_nhid(a, &r);
	else
		act_inline(a, &r);
}

/* Error replies: cookie is the change's index; the high bit marks the
 * second request of a demotion (deleting the original). */
#define COOKIE_SECOND 0x80000000u

struct failure {
	uint32_t cookie;
	int error;
};

struct failures {
	struct failure *v;
	size_t n, cap;
};

static void on_error(void *ctx, uint32_t cookie, int error)
{
	struct failures *f = ctx;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct failure *grown = realloc(f->v, cap * sizeof(*grown));

		if (!grown)
			return; /* counted as done; the restore will see the truth */
		f->v = grown;
		f->cap = cap;
	}
	f->v[f->n++] = (struct failure){ cookie, error };
}

static uint64_t monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

typedef int (*queue_fn)(struct nl_batch *nl, const struct ra_change *c, uint32_t cookie,
			bool second);

/* The request that makes change c (second: the delete of a demotion). */
static int queue_change(struct nl_batch *nl, const struct ra_change *c, uint32_t cookie,
			bool second)
{
	switch (c->kind) {
	case RA_DELETED:
		return nl_batch_add(nl, RTM_DELROUTE, 0, c->original, c->original_len, cookie);
	case RA_NEXTHOP_REMOVED:
		return nl_batch_add(nl, RTM_NEWROUTE, NLM_F_REPLACE, c->installed,
				    c->installed_len, cookie);
	case RA_DEMOTED:
		if (second)
			return nl_batch_add(nl, RTM_DELROUTE, 0, c->original, c->original_len,
					    cookie | COOKIE_SECOND);
		return nl_batch_add(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, c->installed,
				    c->installed_len, cookie);
	case RA_GROUP_SHRUNK:
		return nl_batch_add(nl, RTM_NEWNEXTHOP, NLM_F_REPLACE, c->installed,
				    c->installed_len, cookie);
	default:
		return 0;
	}
}

static void describe(char *buf, size_t len, const struct ra_change *c, const char *what,
		     int error)
{
	if (c->kind == RA_GROUP_SHRUNK) {
		snprintf(buf, len, "%s nexthop group %u: %s", what, c->nhid, strerror(-error));
		return;
	}
	char prefix[INET6_ADDRSTRLEN + 8];

	snprintf(buf, len, "%s %s table %u metric %u: %s", what,
		 nl_route_key_str(&c->key, prefix, sizeof(prefix)), c->key.table, c->key.metric,
		 strerror(-error));
}

/* Send the queue; 0 or a socket error (failed requests were reported). */
static int flush(struct nl_batch *nl)
{
	int r = nl_batch_flush(nl);

	return r < 0 ? r : 0;
}

/* Why a change did not happen (0: it did). */
enum { FAIL_SKIPPED = 1, FAIL_GONE, FAIL_ERROR };

/* The route or group was deleted by someone else meanwhile, or, for a
 * restore, re-added (EEXIST): not worth a retry. For an action, EEXIST is
 * an error: a demoted copy would clash with a route already there. */
static bool vanished(int error, bool restoring)
{
	return error == -ENOENT || error == -ESRCH || (restoring && error == -EEXIST);
}

/*
 * Send the requests of changes [from, rec->n) (second: the deletes of
 * demotions); retry each failed one once, alone. A change whose request
 * failed twice is dropped from the record (nothing was changed) and
 * counted; ENOENT on a delete means the route vanished meanwhile.
 * failed[i] says why a change did not happen; nonzero ones are not sent.
 */
static int send_requests(struct ra_engine *e, struct ra_record *rec, size_t from, bool second,
			 uint8_t *failed, struct ra_result *res, const char *what, queue_fn queue)
{
	struct failures f = { 0 };
	bool restoring = queue != queue_change;
	int r = 0;

	nl_batch_begin(e->nl, on_error, &f);
	for (size_t i = from; i < rec->n && r == 0; i++)
		if (!failed[i - from] && (!second || rec->changes[i].kind == RA_DEMOTED))
			r = queue(e->nl, &rec->changes[i], (uint32_t)i, second);
	if (r == 0)
		r = flush(e->nl);
	/* The retry, one request at a time. */
	for (size_t k = 0, n = f.n; k < n && r == 0; k++) {
		uint32_t i = f.v[k].cookie & ~COOKIE_SECOND;
		int error = f.v[k].error;

		if (!vanished(error, restoring)) {
			int failures;

			r = queue(e->nl, &rec->changes[i], i, second);
			failures = r == 0 ? nl_batch_flush(e->nl) : r;
			if (failures < 0)
				r = failures;
			if (failures <= 0)
				continue;
			error = f.v[f.n - 1].error;
		}
		failed[i - from] = vanished(error, restoring) ? FAIL_GONE : FAIL_ERROR;
		if (vanished(error, restoring)) {
			res->gone++;
		} else {
			if (res->errors++ == 0)
				describe(res->error, sizeof(res->error), &rec->changes[i], what,
					 error);
		}
	}
	free(f.v);
	res->done_us = monotonic_us();
	return r;
}

static int send_changes(struct ra_engine *e, struct ra_record *rec, size_t from, bool second,
			uint8_t *failed, struct ra_result *res, const char *what)
{
	return send_requests(e, rec, from, second, failed, res, what, queue_change);
}

/* Remove the changes [from, rec->n) marked failed, keeping the order. */
static void drop_failed(struct ra_record *rec, size_t from, const uint8_t *failed)
{
	size_t kept = from;

	for (size_t i = from; i < rec->n; i++) {
		if (failed[i - from])
			free(rec->changes[i].original);
		else
			rec->changes[kept++] = rec->changes[i];
	}
	rec->n = kept;
}

/* A group shrunk by an earlier Down that has dead members again (its
 * owner put them back): the new change replaces the old one. */
static void supersede_group(struct act *a, uint32_t nhid)
{
	for (size_t i = 0; i < a->first_new; i++)
		if (a->rec->changes[i].kind == RA_GROUP_SHRUNK && a->rec->changes[i].nhid == nhid)
			a->superseded[i] = true;
}

/* Forget the changes rec->changes[n..]. */
static void truncate_record(struct ra_record *rec, size_t n)
{
	for (size_t i = n; i < rec->n; i++)
		free(rec->changes[i].original);
	rec->n = n;
}

/* Remove the changes of rec that were acted on again. */
static void drop_superseded(struct ra_record *rec, size_t n, const bool *superseded)
{
	size_t kept = 0;

	for (size_t i = 0; i < rec->n; i++) {
		if (i < n && superseded[i])
			free(rec->changes[i].original);
		else
			rec->changes[kept++] = rec->changes[i];
	}
	rec->n = kept;
}

/*
 * The second half of the demotions in [from, rec->n): delete each original
 * whose demoted copy went in. If that delete fails (or the original had
 * vanished), take the copy out again and forget the change.
 */
static int finish_demotions(struct ra_engine *e, struct ra_record *rec, size_t from,
			    uint8_t *failed, struct ra_result *res)
{
	size_t n = rec->n - from;
	uint8_t *after = malloc(n + 1);
	int r;

	if (!after)
		return -ENOMEM;
	memcpy(after, failed, n);
	r = send_changes(e, rec, from, true, after, res, "delete demoted original");
	nl_batch_begin(e->nl, NULL, NULL);
	for (size_t i = 0; i < n && r == 0; i++) {
		const struct ra_change *c = &rec->changes[from + i];

		if (after[i] && !failed[i] && c->kind == RA_DEMOTED)
			r = nl_batch_add(e->nl, RTM_DELROUTE, 0, c->installed, c->installed_len, 0);
	}
	if (r == 0)
		r = flush(e->nl);
	memcpy(failed, after, n);
	free(after);
	return r;
}

/* ---- the peer's neighbour entries ---------------------------------------- */

#define NEIGHBOURS_MAX 256

struct neighbours {
	const struct ra_target *t;
	struct nl_neigh peer;               /* the peer's own entry (family 0: none) */
	struct nl_neigh ll[NEIGHBOURS_MAX]; /* IPv6: resolved link-local neighbours on its link */
	unsigned n_ll;
};

static void on_neigh(void *ctx, uint16_t type, const void *payload, size_t len)
{
	struct neighbours *nb = ctx;
	struct nl_neigh n;

	if (type != RTM_NEWNEIGH || nl_neigh_parse(payload, len, &n) < 0 ||
	    n.family != nb->t->family || n.ifindex != nb->t->ifindex)
		return;
	if (memcmp(n.dst, nb->t->peer, nl_addr_len(n.family)) == 0)
		nb->peer = n;
	else if (n.family == AF_INET6 && n.dst[0] == 0xfe && (n.dst[1] & 0xc0) == 0x80 &&
		   n.lladdr_len && nb->n_ll < NEIGHBOURS_MAX)
		nb->ll[nb->n_ll++] = n;
}

/* Whether addr is one of the n addresses of list. */
static bool listed(const uint8_t (*list)[16], unsigned n, const uint8_t *addr)
{
	for (unsigned i = 0; i < n; i++)
		if (memcmp(list[i], addr, 16) == 0)
			return true;
	return false;
}

/*
 * Read the peer's entries in the neighbour table into a->nb, and find an
 * IPv6 peer's link-local addresses: those with the same link-layer address
 * as its global address, on its interface (the same router). The
 * link-local addresses the caller knew from an earlier action stay after
 * those (up to RA_PEER_LINK_LOCAL_MAX): an entry that failed has no
 * link-layer address, and a dead peer's entries fail a few seconds on, or
 * at once (mark_failed), while routes may still use them.
 */
static void read_neighbours(struct act *a, bool marking)
{
	struct ra_target *t = &a->target;
	uint8_t found[RA_PEER_LINK_LOCAL_MAX][16];
	unsigned n = 0;
	struct neighbours *nb;

	if (!t->ifindex || (!marking && (t->family != AF_INET6 || is_link_local(t))))
		return;
	nb = a->nb = calloc(1, sizeof(*nb));
	if (!nb)
		return;
	nb->t = t;
	if (nl_batch_dump(a->e->nl, RTM_GETNEIGH, t->family, on_neigh, nb) < 0) {
		/* unknown: mark nothing (it could be the operator's entry) */
		free(nb);
		a->nb = NULL;
		return;
	}
	if (t->family != AF_INET6 || is_link_local(t) || !nb->peer.lladdr_len)
		return;
	for (unsigned i = 0; i < nb->n_ll && n < RA_PEER_LINK_LOCAL_MAX; i++)
		if (nb->ll[i].lladdr_len == nb->peer.lladdr_len &&
		    memcmp(nb->ll[i].lladdr, nb->peer.lladdr, nb->peer.lladdr_len) == 0)
			memcpy(found[n++], nb->ll[i].dst, 16);
	for (unsigned i = 0; i < t->n_peer_link_local && n < RA_PEER_LINK_LOCAL_MAX; i++)
		if (!listed(found, n, t->peer_link_local[i]))
			memcpy(found[n++], t->peer_link_local[i], 16);
	memcpy(t->peer_link_local, found, n * sizeof(found[0]));
	t->n_peer_link_local = n;
}

/* Count a neighbour entry not marked, and say why if it is the first. */
static void mark_error(struct act *a, const uint8_t *addr, int error)
{
	char text[INET6_ADDRSTRLEN];

	inet_ntop(a->t->family, addr, text, sizeof(text));
	if (a->res->errors++ == 0)
		snprintf(a->res->error, sizeof(a->res->error), "mark neighbour %s failed: %s",
			 text, strerror(-error));
}

/*
 * Step 0: mark the peer's neighbour entries failed. The kernel skips a
 * nexthop group member whose neighbour entry is not valid (net/ipv4/
 * nexthop.c, nexthop_is_good_nh; for groups without the
 * fib_multipath_use_neigh sysctl that inline hops need). So one request
 * per address takes the dead link out of every ECMP route through
 * zebra's groups at once, for any number of routes, and zebra neither
 * sees it nor puts it back (docs/zebra-interplay.md section 2), while the
 * routes themselves are rewritten (steps 1-3: milliseconds per thousand).
 * Nothing to undo: the kernel resolves the entry again with the first
 * packet the peer answers (BFD's own, a second later at most), by which
 * time the routes no longer use it. Left alone: the operator's permanent
 * and noarp entries, entries not valid anyway, and link-local addresses
 * the table no longer resolves. A peer without an entry gets a failed one.
 */
static void mark_failed(struct act *a)
{
	const struct neighbours *nb = a->nb;
	const struct ra_target *t = a->t;
	const uint8_t *addrs[1 + RA_PEER_LINK_LOCAL_MAX];
	uint8_t buf[NLMSG_ALIGN(sizeof(struct ndmsg)) + 32] __attribute__((aligned(4)));
	struct failures f = { 0 };
	unsigned n = 0;
	int r = 0;

	if (!nb || !t->ifindex)
		return;
	if (!nb->peer.family || (!nl_neigh_static(&nb->peer) && nl_neigh_valid(&nb->peer)))
		addrs[n++] = t->peer;
	for (unsigned i = 0; i < t->n_peer_link_local; i++)
		for (unsigned k = 0; k < nb->n_ll; k++)
			if (memcmp(nb->ll[k].dst, t->peer_link_local[i], 16) == 0 &&
			    !nl_neigh_static(&nb->ll[k]) && nl_neigh_valid(&nb->ll[k]))
				addrs[n++] = t->peer_link_local[i];
	if (n == 0)
		return;
	nl_batch_begin(a->e->nl, on_error, &f);
	for (unsigned i = 0; i < n && r == 0; i++) {
		int len = nl_neigh_failed_payload(t->family, t->ifindex, addrs[i], buf, sizeof(buf));

		r = len < 0 ? len
			    : nl_batch_add(a->e->nl, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, buf,
					   (size_t)len, i);
	}
	if (r == 0)
		r = nl_batch_flush(a->e->nl);
	a->res->neighbours_us = monotonic_us();
	if (r < 0) /* nothing known to be marked: say why the first was not */
		mark_error(a, addrs[0], r);
	else
		a->res->neighbours_failed = n - (unsigned)f.n;
	for (size_t k = 0; k < f.n && r >= 0; k++)
		mark_error(a, addrs[f.v[k].cookie], f.v[k].error);
	free(f.v);
}

/* A decision made ahead of the Down (ra_plan_make). */
struct ra_plan {
	struct ra_target target;       /* as the caller gave it */
	uint8_t peer_link_local[RA_PEER_LINK_LOCAL_MAX][16]; /* what it found then */
	unsigned n_peer_link_local;
	uint32_t *groups;              /* ids of the groups it took as shrunk, then dead */
	size_t n_shrunk, n_dead;
	struct ra_record routes;       /* the route changes */
};

static void act_free(struct act *a)
{
	free(a->superseded);
	free(a->nhs.v);
	free(a->group_shrunk);
	free(a->group_dead);
	free(a->nb);
	route_index_clear(&a->known);
	free(a);
}

/*
 * Step 1, deciding: read the nexthop objects and the peer's neighbour
 * entries (marking: all of them, for mark_failed; else only an IPv6
 * peer's link-local addresses), and add to rec a change for each group
 * that has both dead and live members (not zebra's). Returns 0 or -errno;
 * a is set up for the rest either way (act_free).
 */
static int act_prepare(struct act *a, struct ra_engine *e, const struct ra_target *t,
		       struct ra_record *rec, struct ra_result *res, bool marking)
{
	int r;

	a->e = e;
	a->target = *t;
	read_neighbours(a, marking);
	a->t = t = &a->target;
	a->rec = rec;
	a->res = res;
	a->first_new = rec->n;
	r = dump_nexthops(e, &a->nhs);
	for (size_t i = 0; i < rec->n && r == 0; i++)
		if (rec->changes[i].kind != RA_GROUP_SHRUNK &&
		    route_index_put(&a->known, &rec->changes[i].key, (uint32_t)i) < 0)
			r = -ENOMEM;
	if (r < 0)
		return r;
	a->group_shrunk = calloc(a->nhs.n + 1, sizeof(bool));
	a->group_dead = calloc(a->nhs.n + 1, sizeof(bool));
	a->superseded = calloc(rec->n + 1, sizeof(bool));
	if (!a->group_shrunk || !a->group_dead || !a->superseded)
		return -ENOMEM;
	for (size_t i = 0; i < a->nhs.n; i++) {
		const struct nl_nexthop *g = &a->nhs.v[i];
		bool keep[NL_NEXTHOP_GROUP_MAX];
		unsigned dead = 0;
		int len;

		if (!g->is_group || g->unsupported)
			continue;
		for (unsigned m = 0; m < g->n_members; m++) {
			const struct nl_nexthop *member = find_nexthop(&a->nhs, g->members[m].id);

			keep[m] = !(member && nexthop_dead(t, member));
			dead += !keep[m];
		}
		if (dead == 0)
			continue;
		if (dead == g->n_members) {
			a->group_dead[i] = true;
			continue;
		}
		if (g->protocol == RTPROT_ZEBRA_NUMBER)
			continue;
		struct ra_change c = { .kind = RA_GROUP_SHRUNK, .protocol = g->protocol,
				       .nhid = g->id };
		int olen = nl_nexthop_group_payload(g, NULL, a->raw, sizeof(a->raw));

		len = nl_nexthop_group_payload(g, keep, a->out, sizeof(a->out));
		if (olen < 0 || len < 0)
			continue;
		c.original_len = (uint16_t)olen;
		c.installed_len = (uint16_t)len;
		if (ra_record_add(rec, &c, a->raw, a->out) < 0)
			return -ENOMEM;
		a->group_shrunk[i] = true;
		supersede_group(a, g->id);
	}
	return 0;
}

/* Step 2: dump the routes and add to a->rec a change for each one through
 * the peer (on_route). A dump that fails leaves none of its changes
 * behind, and is read again if the kernel says the table changed while it
 * ran. */
static int dump_routes(struct act *a)
{
	struct ra_record *rec = a->rec;
	size_t first_route = rec->n;
	int r = -EAGAIN;

	for (unsigned i = 0; i < DUMP_TRIES && r == -EAGAIN; i++) {
		truncate_record(rec, first_route);
		memset(a->superseded, 0, a->first_new * sizeof(bool));
		a->error = 0;
		r = nl_batch_dump(a->e->nl, RTM_GETROUTE, a->t->family, on_route, a);
		if (r == 0)
			r = a->error;
	}
	if (r < 0) {
		truncate_record(rec, first_route);
		memset(a->superseded, 0, a->first_new * sizeof(bool));
	}
	return r;
}

/* The ids of the groups a has as shrunk, then those it has as dead,
 * ascending (nhs is sorted): into out, which has room for nhs.n. */
static size_t group_ids(const struct act *a, const bool *flags, uint32_t *out)
{
	size_t n = 0;

	for (size_t i = 0; i < a->nhs.n; i++)
		if (flags[i])
			out[n++] = a->nhs.v[i].id;
	return n;
}

/* Whether plan p was made for what a is about to do: the same target, the
 * same peer link-local addresses, and the same groups shrunk and dead, on
 * a record that was empty. Whether the kernel's routes changed since is
 * the caller's to know (ra_plan_make). */
static bool plan_fits(const struct act *a, const struct ra_plan *p, const struct ra_target *t)
{
	uint32_t *ids;
	bool fits;

	if (a->first_new != 0 || !ra_target_equal(&p->target, t) ||
	    p->n_peer_link_local != a->target.n_peer_link_local ||
	    memcmp(p->peer_link_local, a->target.peer_link_local,
		   sizeof(p->peer_link_local)) != 0)
		return false;
	ids = calloc(a->nhs.n + 1, sizeof(*ids));
	if (!ids)
		return false;
	fits = group_ids(a, a->group_shrunk, ids) == p->n_shrunk &&
	       memcmp(ids, p->groups, p->n_shrunk * sizeof(*ids)) == 0 &&
	       group_ids(a, a->group_dead, ids) == p->n_dead &&
	       memcmp(ids, p->groups + p->n_shrunk, p->n_dead * sizeof(*ids)) == 0;
	free(ids);
	return fits;
}

/* Move the changes of from to the end of to. 0 or -ENOMEM (nothing moved). */
static int record_move(struct ra_record *to, struct ra_record *from)
{
	if (to->n + from->n > to->cap) {
		size_t cap = to->n + from->n;
		struct ra_change *grown = realloc(to->changes, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		to->changes = grown;
		to->cap = cap;
	}
	if (from->n)
		memcpy(to->changes + to->n, from->changes, from->n * sizeof(*from->changes));
	to->n += from->n;
	from->n = 0;
	return 0;
}

int ra_plan_make(struct ra_engine *e, const struct ra_target *t, struct ra_plan **out)
{
	struct ra_plan *p = calloc(1, sizeof(*p));
	struct act *a = calloc(1, sizeof(*a));
	struct ra_record groups = { 0 };
	int r;

	if (!p || !a) {
		free(p);
		free(a);
		return -ENOMEM;
	}
	r = act_prepare(a, e, t, &groups, NULL, false);
	p->target = *t;
	p->n_peer_link_local = a->target.n_peer_link_local;
	memcpy(p->peer_link_local, a->target.peer_link_local, sizeof(p->peer_link_local));
	if (r == 0 && !(p->groups = calloc(2 * a->nhs.n + 1, sizeof(*p->groups))))
		r = -ENOMEM;
	if (r == 0) {
		p->n_shrunk = group_ids(a, a->group_shrunk, p->groups);
		p->n_dead = group_ids(a, a->group_dead, p->groups + p->n_shrunk);
		a->rec = &p->routes;
		r = dump_routes(a);
	}
	ra_record_free(&groups);
	act_free(a);
	if (r < 0) {
		ra_plan_free(p);
		return r;
	}
	*out = p;
	return 0;
}

size_t ra_plan_routes(const struct ra_plan *p)
{
	return p ? p->routes.n : 0;
}

void ra_plan_free(struct ra_plan *p)
{
	if (!p)
		return;
	ra_record_free(&p->routes);
	free(p->groups);
	free(p);
}

int ra_act(struct ra_engine *e, const struct ra_target *t, struct ra_record *rec,
	   struct ra_plan *plan, ra_before_send_fn before, void *ctx, struct ra_result *res)
{
	struct act *a = calloc(1, sizeof(*a));
	uint8_t *failed = NULL;
	int r;

	if (!a)
		return -ENOMEM;
	/* 0, 1: the neighbour entries, then groups: one request repairs all
	 * the routes through them. */
	r = act_prepare(a, e, t, rec, res, t->routes.mark_neighbor_failed);
	memcpy(res->peer_link_local, a->target.peer_link_local, sizeof(res->peer_link_local));
	res->n_peer_link_local = a->target.n_peer_link_local;
	if (t->routes.mark_neighbor_failed)
		mark_failed(a);
	if (r < 0)
		goto out;
	failed = calloc(rec->n > a->first_new ? rec->n - a->first_new + 1 : 1, 1);
	if (!failed) {
		r = -ENOMEM;
		goto out;
	}
	if (before && rec->n > a->first_new)
		before(ctx, rec);
	r = send_changes(e, rec, a->first_new, false, failed, res, "shrink");
	if (rec->n > a->first_new)
		res->groups_done_us = res->done_us;
	/* Groups whose replace failed: their routes are handled one by one. */
	for (size_t i = a->first_new; i < rec->n; i++)
		if (failed[i - a->first_new]) {
			const struct nl_nexthop *g = find_nexthop(&a->nhs, rec->changes[i].nhid);

			if (g)
				a->group_shrunk[g - a->nhs.v] = false;
		}
	drop_failed(rec, a->first_new, failed);
	free(failed);
	failed = NULL;
	if (r < 0)
		goto out;

	/* 2. The routes: as planned ahead, or read now. */
	size_t first_route = rec->n;

	if (plan && plan_fits(a, plan, t) && record_move(rec, &plan->routes) == 0)
		res->planned = true;
	else if ((r = dump_routes(a)) < 0)
		goto out;

	/* 3. The route requests; demotions delete the original only once
	 * the demoted copy is in. */
	failed = calloc(a->rec->n - first_route + 1, 1);
	if (!failed) {
		r = -ENOMEM;
		goto out;
	}
	r = send_changes(e, rec, first_route, false, failed, res, "change");
	if (r == 0)
		r = finish_demotions(e, rec, first_route, failed, res);
	drop_failed(rec, first_route, failed);
	for (size_t i = a->first_new; i < rec->n; i++)
		res->done[rec->changes[i].kind]++;
	drop_superseded(rec, a->first_new, a->superseded);
out:
	free(failed);
	act_free(a);
	return r;
}

/* ---- ra_restore ----------------------------------------------------------- */

/* The routes in the kernel now, by key, kept as raw payloads. */
struct current {
	struct route_index ix;
	uint8_t *buf;
	size_t len, cap;
	bool failed;
	uint8_t scratch[RAW_MAX] __attribute__((aligned(4)));
};

static void on_current_route(void *ctx, uint16_t type, const void *payload, size_t len)
{
	struct current *c = ctx;
	struct nl_route r;
	int n;

	if (type != RTM_NEWROUTE || c->failed)
		return;
	n = nl_route_parse(payload, len, c->scratch, sizeof(c->scratch), &r);
	if (n <= 0)
		return;
	if (c->len + (size_t)n + 4 > c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 65536;
		uint8_t *grown;

		while (cap < c->len + (size_t)n + 4)
			cap *= 2;
		grown = realloc(c->buf, cap);
		if (!grown) {
			c->failed = true;
			return;
		}
		c->buf = grown;
		c->cap = cap;
	}
	/* A length word, then the payload, 4-byte aligned. */
	memcpy(c->buf + c->len, &(uint32_t){ (uint32_t)n }, 4);
	memcpy(c->buf + c->len + 4, c->scratch, (size_t)n);
	if (route_index_put(&c->ix, &r.key, (uint32_t)c->len) < 0)
		c->failed = true;
	c->len += 4 + MNL_ALIGN((size_t)n);
}

/* Read the kernel's routes of family into cur. 0 or -errno. */
static int dump_current(struct ra_engine *e, uint8_t family, struct current *cur)
{
	int r = -EAGAIN;

	for (unsigned i = 0; i < DUMP_TRIES && r == -EAGAIN; i++) {
		route_index_clear(&cur->ix);
		cur->len = 0;
		cur->failed = false;
		r = nl_batch_dump(e->nl, RTM_GETROUTE, family, on_current_route, cur);
	}
	return r == 0 && cur->failed ? -ENOMEM : r;
}

/* The current route with key, parsed into *r; false if there is none. */
static bool current_route(struct current *c, const struct nl_route_key *key, struct nl_route *r)
{
	int64_t at = route_index_get(&c->ix, key);
	uint32_t len;

	if (at < 0 || !c->buf)
		return false;
	memcpy(&len, c->buf + at, 4);
	return nl_route_parse(c->buf + at + 4, len, c->scratch, sizeof(c->scratch), r) > 0;
}

/* The requests that undo change c (second: delete a demoted copy). */
static int queue_restore(struct nl_batch *nl, const struct ra_change *c, uint32_t cookie,
			 bool second)
{
	switch (c->kind) {
	case RA_GROUP_SHRUNK:
		return nl_batch_add(nl, RTM_NEWNEXTHOP, NLM_F_REPLACE, c->original,
				    c->original_len, cookie);
	case RA_DELETED:
		return nl_batch_add(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, c->original,
				    c->original_len, cookie);
	case RA_NEXTHOP_REMOVED:
		return nl_batch_add(nl, RTM_NEWROUTE, NLM_F_REPLACE, c->original, c->original_len,
				    cookie);
	case RA_DEMOTED:
		if (second)
			return nl_batch_add(nl, RTM_DELROUTE, 0, c->installed, c->installed_len,
					    cookie | COOKIE_SECOND);
		return nl_batch_add(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, c->original,
				    c->original_len, cookie);
	default:
		return 0;
	}
}

enum plan { PLAN_RESTORE, PLAN_LEFT_ALONE, PLAN_FORGET, PLAN_DELETE_COPY, PLAN_CHAINED };

static bool same_members(const struct nl_nexthop *a, const struct nl_nexthop *b)
{
	if (a->n_members != b->n_members)
		return false;
	for (unsigned i = 0; i < a->n_members; i++)
		if (a->members[i].id != b->members[i].id ||
		    a->members[i].weight != b->members[i].weight)
			return false;
	return true;
}

/* Whether the kernel still has what change c left there. */
static enum plan plan_change(const struct ra_change *c, struct current *cur,
			     const struct nexthops *nhs)
{
	struct nl_route now, installed;
	uint8_t buf[RAW_MAX] __attribute__((aligned(4)));

	if (c->owner_changed && c->kind == RA_DEMOTED) {
		/* Whatever the owner did to the original, the copy is stale. */
		if (nl_route_parse(c->installed, c->installed_len, buf, sizeof(buf), &installed) > 0 &&
		    current_route(cur, &installed.key, &now) && nl_route_same_path(&now, &installed))
			return PLAN_DELETE_COPY;
		return PLAN_LEFT_ALONE;
	}
	if (c->owner_changed && c->kind != RA_VIA_GROUP)
		return PLAN_LEFT_ALONE;
	switch (c->kind) {
	case RA_VIA_GROUP:
		return PLAN_FORGET;
	case RA_GROUP_SHRUNK: {
		const struct nl_nexthop *g = find_nexthop(nhs, c->nhid);
		struct nl_nexthop left;

		if (!g || nl_nexthop_parse(c->installed, c->installed_len, &left) < 0 ||
		    !same_members(g, &left))
			return PLAN_LEFT_ALONE;
		return PLAN_RESTORE;
	}
	case RA_DELETED:
		return current_route(cur, &c->key, &now) ? PLAN_LEFT_ALONE : PLAN_RESTORE;
	case RA_NEXTHOP_REMOVED:
		if (nl_route_parse(c->installed, c->installed_len, buf, sizeof(buf), &installed) <= 0 ||
		    !current_route(cur, &c->key, &now) || !nl_route_same_path(&now, &installed))
			return PLAN_LEFT_ALONE;
		return PLAN_RESTORE;
	case RA_DEMOTED: {
		bool copy_ours, original_back;

		if (nl_route_parse(c->installed, c->installed_len, buf, sizeof(buf), &installed) <= 0)
			return PLAN_LEFT_ALONE;
		copy_ours = current_route(cur, &installed.key, &now) &&
			    nl_route_same_path(&now, &installed);
		original_back = current_route(cur, &c->key, &now);
		if (copy_ours && !original_back)
			return PLAN_RESTORE;
		return copy_ours ? PLAN_DELETE_COPY : PLAN_LEFT_ALONE;
	}
	default:
		return PLAN_LEFT_ALONE;
	}
}

/* ---- a route that another session changed after this one --------------- */

/* Replace change d's payloads and kind. 0 or -ENOMEM (d unchanged). */
static int change_set(struct ra_change *d, enum ra_change_kind kind, const void *original,
		      uint16_t original_len, const void *installed, uint16_t installed_len)
{
	uint8_t *blob = malloc((size_t)original_len + installed_len + 1);

	if (!blob)
		return -ENOMEM;
	memcpy(blob, original, original_len);
	if (installed_len)
		memcpy(blob + original_len, installed, installed_len);
	free(d->original);
	d->kind = (uint8_t)kind;
	d->original = blob;
	d->original_len = original_len;
	d->installed = installed_len ? blob + original_len : NULL;
	d->installed_len = installed_len;
	return 0;
}

struct chain {
	struct ra_companion *o;
	struct ra_change *d;       /* o's change of the same route */
	uint8_t x[RAW_MAX] __attribute__((aligned(4))); /* the route to put back */
	int x_len;                 /* 0: every hop is dead: nothing to put back */
};

/* Whether another session's change d, on c's route, started from what c
 * installed, and the kernel still has what d left. */
static bool chained_on(const struct ra_change *c, const struct ra_change *d, struct current *cur)
{
	uint8_t a[RAW_MAX] __attribute__((aligned(4))), b[RAW_MAX] __attribute__((aligned(4)));
	struct nl_route mine, theirs, now;

	if (d->owner_changed || (d->kind != RA_DELETED && d->kind != RA_NEXTHOP_REMOVED) ||
	    nl_route_parse(c->installed, c->installed_len, a, sizeof(a), &mine) <= 0 ||
	    nl_route_parse(d->original, d->original_len, b, sizeof(b), &theirs) <= 0 ||
	    !nl_route_same_path(&mine, &theirs))
		return false;
	if (d->kind == RA_DELETED)
		return !current_route(cur, &d->key, &now);
	return nl_route_parse(d->installed, d->installed_len, b, sizeof(b), &theirs) > 0 &&
	       current_route(cur, &d->key, &now) && nl_route_same_path(&now, &theirs);
}

/* If c's route was changed after c by a session of others, fill ch: that
 * change, and c's original without the hops of every session of others
 * that changed the route. */
static bool find_chain(const struct ra_change *c, struct current *cur,
		       struct ra_companion *others, const struct route_index *ix, size_t n,
		       struct chain *ch)
{
	uint8_t buf[RAW_MAX] __attribute__((aligned(4)));
	bool keep[NL_ROUTE_NEXTHOPS_MAX];
	struct nl_route orig;
	unsigned live = 0;

	if (c->kind != RA_NEXTHOP_REMOVED || c->owner_changed)
		return false;
	ch->d = NULL;
	for (size_t k = 0; k < n && !ch->d; k++) {
		int64_t at = route_index_get(&ix[k], &c->key);

		if (at >= 0 && chained_on(c, &others[k].rec->changes[at], cur)) {
			ch->o = &others[k];
			ch->d = &others[k].rec->changes[at];
		}
	}
	if (!ch->d || nl_route_parse(c->original, c->original_len, buf, sizeof(buf), &orig) <= 0 ||
	    orig.nhid)
		return false;
	for (unsigned i = 0; i < orig.n_hops; i++) {
		keep[i] = true;
		for (size_t k = 0; k < n && keep[i]; k++)
			if (route_index_get(&ix[k], &c->key) >= 0)
				keep[i] = !hop_dead(others[k].t, orig.key.family, orig.hops[i].has_gw,
						    orig.hops[i].gw, orig.hops[i].ifindex);
		live += keep[i];
	}
	ch->x_len = live ? nl_route_rewrite(&orig, keep, orig.key.metric, ch->x, sizeof(ch->x)) : 0;
	return ch->x_len >= 0;
}

/* Put back the route of chain ch (c's original without the hops still
 * dead) and hand c's original over to the other session's change. False
 * if the kernel refused (c stays for a later try). */
static bool restore_chained(struct ra_engine *e, const struct ra_change *c, struct chain *ch,
			    struct ra_result *res)
{
	if (ch->x_len > 0) {
		struct failures f = { 0 };
		int r;

		nl_batch_begin(e->nl, on_error, &f);
		r = nl_batch_add(e->nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, ch->x,
				 (size_t)ch->x_len, 0);
		if (r == 0)
			r = nl_batch_flush(e->nl);
		if (r != 0 || f.n) {
			if (res->errors++ == 0)
				describe(res->error, sizeof(res->error), c, "restore (other link down)",
					 f.n ? f.v[0].error : r < 0 ? r : -EIO);
			free(f.v);
			return false;
		}
	}
	if (change_set(ch->d, ch->x_len > 0 ? RA_NEXTHOP_REMOVED : RA_DELETED, c->original,
		       c->original_len, ch->x, (uint16_t)(ch->x_len > 0 ? ch->x_len : 0)) == 0)
		ch->o->changed = true;
	res->done[c->kind]++;
	res->done_us = monotonic_us();
	return true;
}

int ra_restore(struct ra_engine *e, uint8_t family, struct ra_record *rec,
	       struct ra_companion *others, size_t n_others, struct ra_result *res)
{
	struct current *cur = calloc(1, sizeof(*cur));
	struct nexthops nhs = { 0 };
	struct route_index *ix = calloc(n_others + 1, sizeof(*ix));
	struct chain *ch = malloc(sizeof(*ch));
	enum plan *plan = NULL;
	uint8_t *failed = NULL;
	int r;

	if (!cur || !ix || !ch) {
		free(cur);
		free(ix);
		free(ch);
		return -ENOMEM;
	}
	r = dump_nexthops(e, &nhs);
	if (r == 0)
		r = dump_current(e, family, cur);
	for (size_t k = 0; k < n_others && r == 0; k++)
		for (size_t i = 0; i < others[k].rec->n && r == 0; i++)
			if (others[k].rec->changes[i].kind != RA_GROUP_SHRUNK &&
			    route_index_put(&ix[k], &others[k].rec->changes[i].key, (uint32_t)i) < 0)
				r = -ENOMEM;
	plan = calloc(rec->n + 1, sizeof(*plan));
	failed = calloc(rec->n + 1, 1);
	if (r == 0 && (!plan || !failed))
		r = -ENOMEM;
	if (r < 0)
		goto out;
	for (size_t i = 0; i < rec->n; i++) {
		plan[i] = plan_change(&rec->changes[i], cur, &nhs);
		failed[i] = plan[i] == PLAN_RESTORE ? 0 : FAIL_SKIPPED;
		/* Not as we left it: changed again by another session still
		 * Down? Then this change is settled here, one route at a time
		 * (a rare case: both links failed). */
		if (plan[i] == PLAN_LEFT_ALONE &&
		    find_chain(&rec->changes[i], cur, others, ix, n_others, ch)) {
			plan[i] = PLAN_CHAINED;
			if (!restore_chained(e, &rec->changes[i], ch, res))
				failed[i] = FAIL_ERROR;
		}
	}
	/* Groups and routes back; a demoted copy goes once its original is in. */
	r = send_requests(e, rec, 0, false, failed, res, "restore", queue_restore);
	if (r == 0)
		r = send_requests(e, rec, 0, true, failed, res, "delete demoted copy",
				  queue_restore);
	nl_batch_begin(e->nl, NULL, NULL);
	for (size_t i = 0; i < rec->n && r == 0; i++)
		if (plan[i] == PLAN_DELETE_COPY)
			r = nl_batch_add(e->nl, RTM_DELROUTE, 0, rec->changes[i].installed,
					 rec->changes[i].installed_len, 0);
	if (r == 0)
		r = flush(e->nl);
	/* What is settled leaves the record: restored, left to its owner,
	 * vanished. A request that failed twice keeps its change for the
	 * next try. */
	for (size_t i = 0; i < rec->n; i++) {
		if (plan[i] == PLAN_RESTORE && !failed[i])
			res->done[rec->changes[i].kind]++;
		else if (plan[i] == PLAN_LEFT_ALONE || plan[i] == PLAN_DELETE_COPY)
			res->left_alone++;
		else if (plan[i] == PLAN_FORGET)
			res->done[RA_VIA_GROUP]++;
		/* drop_failed keeps the zeros */
		failed[i] = failed[i] != FAIL_ERROR;
	}
	if (r == 0)
		drop_failed(rec, 0, failed);
out:
	for (size_t k = 0; k < n_others; k++)
		route_index_clear(&ix[k]);
	free(ix);
	free(ch);
	free(plan);
	free(failed);
	free(nhs.v);
	route_index_clear(&cur->ix);
	free(cur->buf);
	free(cur);
	return r;
}
