/* bgp_status.c - the "bgp" object of a session in edgebfdctl (see bgp.h;
 * field names are the JSON API, README "BGP integration"). */
#include "bgp.h"

#include <stdio.h>
#include <string.h>

#include "bgp_neighbor.h"
#include "sessions.h"
#include "status.h"

static void add(struct json_object *o, const char *key, struct json_object *value)
{
	json_object_object_add(o, key, value);
}

static struct json_object *seconds(uint32_t s, bool known)
{
	return known && s != CONF_BGP_TIMER_UNSET ? json_object_new_int64(s) : NULL;
}

static const char *action_name(enum conf_bgp_action a)
{
	return a == CONF_BGP_RESET ? "reset" : a == CONF_BGP_SHUTDOWN ? "shutdown" : "none";
}

/*
 * Whether the timers edgebfdd configures are the ones the session runs
 * with. FRR takes new timers at the next session start, and the hold time
 * in force is the lower of both sides' (RFC 4271 4.2), the keepalive then
 * at most a third of it.
 */
static const char *timer_state(const struct bgp_neighbor *n)
{
	const struct bgp_readback *b = &n->bgpd;
	uint32_t k = n->keepalive_s, h = n->holdtime_s;
	uint32_t negotiated_k;

	if (k == CONF_BGP_TIMER_UNSET)
		return "not-managed";
	if (!b->valid)
		return n->read_failed ? "error" : "unknown";
	if (b->keepalive_s != k || b->holdtime_s != h)
		return n->timers_failed || n->read_failed ? "error" : "applying";
	if (strcmp(b->state, "Established") != 0)
		return "not-established";
	if (b->in_force_keepalive_s == k && b->in_force_holdtime_s == h)
		return "in-force";
	negotiated_k = k < b->in_force_holdtime_s / 3 ? k : b->in_force_holdtime_s / 3;
	if (h != 0 && b->in_force_holdtime_s < h && b->in_force_keepalive_s == negotiated_k)
		return "negotiated";
	return "pending";
}

static struct json_object *timers(const struct bgp_neighbor *n)
{
	struct json_object *o = json_object_new_object();
	bool v = n->bgpd.valid;

	if (!o)
		return NULL;
	add(o, "configured_keepalive_s", seconds(n->keepalive_s, true));
	add(o, "configured_holdtime_s", seconds(n->holdtime_s, true));
	add(o, "bgpd_keepalive_s", seconds(n->bgpd.keepalive_s, v));
	add(o, "bgpd_holdtime_s", seconds(n->bgpd.holdtime_s, v));
	add(o, "in_force_keepalive_s", seconds(n->bgpd.in_force_keepalive_s, v));
	add(o, "in_force_holdtime_s", seconds(n->bgpd.in_force_holdtime_s, v));
	add(o, "state", json_object_new_string(timer_state(n)));
	return o;
}

static struct json_object *string_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

struct json_object *bgp_status(const struct daemon_session *s)
{
	const struct bgp_neighbor *n = s->bgp.neighbor;
	struct json_object *o;

	if (!n)
		return NULL;
	o = json_object_new_object();
	if (!o)
		return NULL;
	add(o, "neighbor", json_object_new_string(n->address));
	add(o, "action", json_object_new_string(action_name(s->conf.bgp.action)));
	add(o, "bgp_state", string_or_null(n->bgpd.valid ? n->bgpd.state : NULL));
	add(o, "admin_shutdown", n->bgpd.valid ? json_object_new_boolean(n->bgpd.admin_shutdown)
					       : NULL);
	add(o, "last_action", string_or_null(bgp_op_name(n->last_op)));
	add(o, "last_action_at", status_timestamp(n->last_op_realtime_us));
	add(o, "last_action_done_at", status_timestamp(n->last_done_realtime_us));
	add(o, "pending", string_or_null(bgp_op_name(n->want)));
	add(o, "errors", json_object_new_uint64(n->errors));
	add(o, "last_error", string_or_null(n->last_error));
	add(o, "shut_by_edgebfd", json_object_new_boolean(n->shut));
	add(o, "timers", timers(n));
	add(o, "bfd_unanswered", json_object_new_boolean(s->bgp.unanswered));
	return o;
}
