/* route_index.c - open addressing with linear probing (see route_index.h). */
#include "route_index.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct route_index_slot {
	struct nl_route_key key;
	uint32_t value;
	bool used;
};

/* FNV-1a over the key's bytes; keys are built zeroed, so padding is 0. */
static uint64_t key_hash(const struct nl_route_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static struct route_index_slot *find(const struct route_index *ix, const struct nl_route_key *k)
{
	size_t mask = ix->cap - 1;

	for (size_t i = key_hash(k) & mask;; i = (i + 1) & mask)
		if (!ix->slots[i].used || memcmp(&ix->slots[i].key, k, sizeof(*k)) == 0)
			return &ix->slots[i];
}

static int grow(struct route_index *ix)
{
	struct route_index old = *ix;
	size_t cap = old.cap ? old.cap * 2 : 64;

	ix->slots = calloc(cap, sizeof(*ix->slots));
	if (!ix->slots) {
		*ix = old;
		return -ENOMEM;
	}
	ix->cap = cap;
	ix->n = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].used)
			*find(ix, &old.slots[i].key) = old.slots[i], ix->n++;
	free(old.slots);
	return 0;
}

int route_index_put(struct route_index *ix, const struct nl_route_key *key, uint32_t value)
{
	struct route_index_slot *s;

	if ((ix->n + 1) * 4 > ix->cap * 3 && grow(ix) < 0)
		return -ENOMEM;
	s = find(ix, key);
	if (!s->used) {
		s->used = true;
		s->key = *key;
		ix->n++;
	}
	s->value = value;
	return 0;
}

int64_t route_index_get(const struct route_index *ix, const struct nl_route_key *key)
{
	const struct route_index_slot *s;

	if (ix->cap == 0)
		return -1;
	s = find(ix, key);
	return s->used ? (int64_t)s->value : -1;
}

void route_index_clear(struct route_index *ix)
{
	free(ix->slots);
	memset(ix, 0, sizeof(*ix));
}
