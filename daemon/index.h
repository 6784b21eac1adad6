/*
 * index.h - finding the session a received packet belongs to (RFC 5880
 * section 6.8.6): by Your Discriminator when it is nonzero, otherwise by
 * source address and ingress interface. Two hash tables with chaining,
 * rebuilt whenever the set of sessions changes (start-up and reload); a
 * lookup allocates nothing.
 */
#ifndef EDGEBFD_INDEX_H
#define EDGEBFD_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

struct daemon_session;

struct session_index {
	struct daemon_session **by_discr;
	struct daemon_session **by_peer;
	size_t mask; /* buckets - 1, a power of two minus one */
};

/* Index sessions[0..n). Returns 0 or -ENOMEM (the old index stays). */
int session_index_build(struct session_index *ix, struct daemon_session **sessions, size_t n);
void session_index_free(struct session_index *ix);

struct daemon_session *session_index_by_discr(const struct session_index *ix, uint32_t discr);

/* The session whose peer is src on interface ifindex. If there is none but
 * src is the peer of a session on another interface, that session is
 * returned with *other_interface set (the packet came in the wrong way). */
struct daemon_session *session_index_by_peer(const struct session_index *ix,
					     const struct conf_addr *src, unsigned ifindex,
					     bool *other_interface);

#endif
