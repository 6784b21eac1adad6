/*
 * route_index.h - a hash from route key to a number (an index into the
 * caller's array), for "is this prefix one we changed?" at the speed of
 * 100,000 routes.
 */
#ifndef EDGEBFD_ROUTE_INDEX_H
#define EDGEBFD_ROUTE_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "nl_route.h"

struct route_index {
	struct route_index_slot *slots;
	size_t n, cap; /* cap: a power of two, or 0 */
};

/* Add key -> value (a key already there gets the new value). 0 or -ENOMEM. */
int route_index_put(struct route_index *ix, const struct nl_route_key *key, uint32_t value);

/* The value of key, or -1. */
int64_t route_index_get(const struct route_index *ix, const struct nl_route_key *key);

/* Empty it and free its memory. */
void route_index_clear(struct route_index *ix);

#endif
