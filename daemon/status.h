/*
 * status.h - what edgebfdctl shows: sessions and counters as json-c
 * objects. Field names are the JSON API; see README.md.
 */
#ifndef EDGEBFD_STATUS_H
#define EDGEBFD_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "bfd_proto.h"

struct daemon_session;

/* One session as a JSON object. NULL on allocation failure. */
struct json_object *status_session(const struct daemon_session *s);

/* The routes a session's action changed (edgebfdctl routes NAME) are
 * {"session", "route_action", "busy", "routes": [...], "nexthop_groups":
 * [...]}, written in pieces (control.c) so that 100,000 of them never hold
 * up the loop: the head holds the first three, then one object per
 * change of the record (index i), routes and groups apart. */
struct json_object *status_routes_head(const struct daemon_session *s);
struct json_object *status_route_change(const struct daemon_session *s, size_t i);

/* UTC ISO 8601 with microseconds ("2026-11-23T09:41:48.123456Z"), or NULL
 * (JSON null) for 0 (never). */
struct json_object *status_timestamp(uint64_t realtime_us);

/* An object of drop counters by reason name, every reason present. */
struct json_object *status_drops(const uint64_t drops[BFD_DROP_REASON_COUNT]);

#endif
