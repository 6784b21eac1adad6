/*
 * status.h - what edgebfdctl shows: sessions and counters as json-c
 * objects. Field names are the JSON API; see README.md.
 */
#ifndef EDGEBFD_STATUS_H
#define EDGEBFD_STATUS_H

#include <stdint.h>

#include <json-c/json.h>

#include "bfd_proto.h"

struct daemon;

/* A JSON array with one object per session. NULL on allocation failure. */
struct json_object *status_sessions(const struct daemon *d);

/* An object of drop counters by reason name, every reason present. */
struct json_object *status_drops(const uint64_t drops[BFD_DROP_REASON_COUNT]);

#endif
