/* index.c - see index.h. */
#include "index.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sessions.h"

static size_t hash_discr(uint32_t discr)
{
	/* Discriminators are random already; mix anyway against bad luck. */
	uint32_t mixed = discr * 0x9e3779b1u;

	return mixed;
}

static size_t hash_addr(const struct conf_addr *a)
{
	const uint8_t *p = a->family == AF_INET ? (const uint8_t *)&a->v4 : (const uint8_t *)&a->v6;
	size_t len = a->family == AF_INET ? sizeof(a->v4) : sizeof(a->v6);
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return (size_t)h;
}

int session_index_build(struct session_index *ix, struct daemon_session **sessions, size_t n)
{
	size_t buckets = 16;
	struct daemon_session **by_discr, **by_peer;

	while (buckets < 2 * n)
		buckets *= 2;
	by_discr = calloc(buckets, sizeof(*by_discr));
	by_peer = calloc(buckets, sizeof(*by_peer));
	if (!by_discr || !by_peer) {
		free(by_discr);
		free(by_peer);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct daemon_session *s = sessions[i];
		size_t d = hash_discr(s->bfd.local_discr) & (buckets - 1);
		size_t p = hash_addr(&s->conf.peer) & (buckets - 1);

		s->next_by_discr = by_discr[d];
		by_discr[d] = s;
		s->next_by_peer = by_peer[p];
		by_peer[p] = s;
	}
	session_index_free(ix);
	ix->by_discr = by_discr;
	ix->by_peer = by_peer;
	ix->mask = buckets - 1;
	return 0;
}

void session_index_free(struct session_index *ix)
{
	free(ix->by_discr);
	free(ix->by_peer);
	memset(ix, 0, sizeof(*ix));
}

struct daemon_session *session_index_by_discr(const struct session_index *ix, uint32_t discr)
{
	if (!ix->by_discr)
		return NULL;
	for (struct daemon_session *s = ix->by_discr[hash_discr(discr) & ix->mask]; s;
	     s = s->next_by_discr)
		if (s->bfd.local_discr == discr)
			return s;
	return NULL;
}

struct daemon_session *session_index_by_peer(const struct session_index *ix,
					     const struct conf_addr *src, unsigned ifindex,
					     bool *other_interface)
{
	struct daemon_session *elsewhere = NULL;

	*other_interface = false;
	if (!ix->by_peer)
		return NULL;
	for (struct daemon_session *s = ix->by_peer[hash_addr(src) & ix->mask]; s;
	     s = s->next_by_peer) {
		if (!conf_addr_equal(&s->conf.peer, src))
			continue;
		if (s->ifindex == ifindex)
			return s;
		elsewhere = s;
	}
	*other_interface = elsewhere != NULL;
	return elsewhere;
}
