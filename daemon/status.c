/* status.c - see status.h. */
#include "status.h"

#include <stdio.h>
#include <time.h>

#include "bgp.h"
#include "daemon.h"
#include "engine_frr.h"
#include "rtnames.h"
#include "sessions.h"
#include "transport.h"

struct json_object *status_timestamp(uint64_t realtime_us)
{
	char buf[40], date[24];
	time_t sec = (time_t)(realtime_us / 1000000);
	struct tm tm;

	if (realtime_us == 0 || !gmtime_r(&sec, &tm))
		return NULL;
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, sizeof(buf), "%s.%06uZ", date, (unsigned)(realtime_us % 1000000));
	return json_object_new_string(buf);
}

static void add(struct json_object *o, const char *key, struct json_object *value)
{
	json_object_object_add(o, key, value);
}

static struct json_object *u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

struct json_object *status_drops(const uint64_t drops[BFD_DROP_REASON_COUNT])
{
	struct json_object *o = json_object_new_object();

	for (int r = BFD_DROP_NONE + 1; o && r < BFD_DROP_REASON_COUNT; r++)
		add(o, bfd_drop_reason_name((enum bfd_drop_reason)r), u64(drops[r]));
	return o;
}

struct json_object *status_session(const struct daemon_session *s)
{
	const struct bfd_session *b = &s->bfd;
	struct json_object *o = json_object_new_object();
	char local[INET6_ADDRSTRLEN], peer[INET6_ADDRSTRLEN];

	if (!o)
		return NULL;
	add(o, "name", json_object_new_string(s->conf.name));
	add(o, "interface", json_object_new_string(s->conf.ifname));
	add(o, "local_address",
	    json_object_new_string(transport_addr_str(&s->conf.local, local, sizeof(local))));
	add(o, "peer_address",
	    json_object_new_string(transport_addr_str(&s->conf.peer, peer, sizeof(peer))));
	add(o, "engine", json_object_new_string(engine_frr_active(s->daemon) ? "frr-bfdd"
									    : "edgebfdd"));
	add(o, "state", json_object_new_string(bfd_state_name(b->state)));
	add(o, "remote_state", json_object_new_string(bfd_state_name(b->remote_state)));
	add(o, "local_diag", json_object_new_string(bfd_diag_name(b->local_diag)));
	add(o, "remote_diag", json_object_new_string(bfd_diag_name(b->remote_diag)));
	add(o, "peer_admin_down", json_object_new_boolean(s->peer_admin_down));
	add(o, "local_discriminator", u64(b->local_discr));
	add(o, "remote_discriminator", u64(b->remote_discr));
	add(o, "source_port", u64(s->source_port));
	add(o, "tx_interval_us", u64(bfd_session_tx_interval_us(b)));
	add(o, "rx_interval_us", u64(bfd_session_rx_interval_us(b)));
	add(o, "desired_min_tx_us", u64(b->desired_min_tx_us));
	add(o, "required_min_rx_us", u64(b->required_min_rx_us));
	add(o, "remote_min_rx_us", u64(b->remote_min_rx_us));
	add(o, "remote_desired_min_tx_us", u64(b->remote_desired_min_tx_us));
	add(o, "detect_multiplier", u64(b->detect_mult));
	add(o, "remote_detect_multiplier", u64(b->remote_detect_mult));
	add(o, "detection_time_us", u64(bfd_session_detection_time_us(b)));
	add(o, "poll_in_progress", json_object_new_boolean(b->poll_active));
	add(o, "auth_type", json_object_new_string(bfd_auth_type_name(b->auth_key.type)));
	add(o, "last_state_change", status_timestamp(s->last_change_realtime_us));
	add(o, "last_packet_rx", status_timestamp(s->last_rx_realtime_us));
	add(o, "packets_rx", u64(s->packets_rx));
	add(o, "packets_tx", u64(s->packets_tx));
	add(o, "send_errors", u64(s->send_errors));
	add(o, "drops", status_drops(s->drops));
	add(o, "route_action", json_object_new_string(routes_action_name(s)));
	add(o, "routes_affected", u64(s->routes.affected - s->routes.n_undone));
	add(o, "route_errors", u64(s->routes.errors));
	add(o, "routes_undone", u64(s->routes.n_undone));
	add(o, "routes_left_to_owner", u64(s->routes.left_alone));
	add(o, "neighbors_marked_failed", u64(s->routes.neighbors_failed));
	size_t planned = 0;

	add(o, "route_plan", json_object_new_string(routes_planned(s, &planned) ? "ready" : "none"));
	add(o, "route_plan_routes", u64(planned));
	add(o, "bgp", bgp_status(s));
	return o;
}

/* One changed route or group of a session's record. */
static struct json_object *status_change(const struct ra_change *c, bool undone)
{
	struct json_object *o = json_object_new_object();
	char prefix[INET6_ADDRSTRLEN + 8], proto[16];
	const char *kind = ra_change_kind_name((enum ra_change_kind)c->kind);

	if (!o)
		return NULL;
	if (c->kind == RA_GROUP_SHRUNK) {
		add(o, "nexthop_group", u64(c->nhid));
		add(o, "change", json_object_new_string(kind));
		return o;
	}
	add(o, "prefix", json_object_new_string(nl_route_key_str(&c->key, prefix, sizeof(prefix))));
	add(o, "table", u64(c->key.table));
	add(o, "protocol",
	    json_object_new_string(rtnames_protocol_name(c->protocol, proto, sizeof(proto))));
	add(o, "metric", u64(c->key.metric));
	add(o, "change", json_object_new_string(c->kind == RA_VIA_GROUP ? "group-shrunk" : kind));
	if (c->kind == RA_VIA_GROUP)
		add(o, "nexthop_group", u64(c->nhid));
	if (undone)
		add(o, "undone", json_object_new_boolean(1));
	return o;
}

struct json_object *status_routes_head(const struct daemon_session *s)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	add(o, "session", json_object_new_string(s->conf.name));
	add(o, "route_action", json_object_new_string(routes_action_name(s)));
	add(o, "busy", json_object_new_boolean(s->routes.busy));
	return o;
}

struct json_object *status_route_change(const struct daemon_session *s, size_t i)
{
	return status_change(&s->routes.record.changes[i], s->routes.undone && s->routes.undone[i]);
}
