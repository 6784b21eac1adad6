/*
 * status.h - what edgebfdctl shows: sessions and counters as json-c
 * objects. Field names are the JSON API; see README.md.
 */
#ifndef EDGEBFD_STATUS_H
#define EDGEBFD_STATUS_H

#include <stdint.h>

#include <json-c/json.h>

#include "bfd_proto.h"

struct daemon_session;

/* One session as a JSON object. NULL on allocation failure. */
struct json_object *status_session(const struct daemon_session *s);

/* The routes a session's action changed (edgebfdctl routes NAME):
 * {"session", "route_action", "busy", "routes": [...], "nexthop_groups": [...]}. */
struct json_object *status_routes(const struct daemon_session *s);

/* UTC ISO 8601 with microseconds ("2026-11-23T09:41:48.123456Z"), or NULL
 * (JSON null) for 0 (never). */
struct json_object *status_timestamp(uint64_t realtime_us);

/* An object of drop counters by reason name, every reason present. */
struct json_object *status_drops(const uint64_t drops[BFD_DROP_REASON_COUNT]);

#endif
