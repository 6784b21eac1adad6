/*
 * nl_route.h - a kernel route as rtnetlink carries it (RTM_NEWROUTE), kept
 * as the bytes we can send back: the rtmsg and the attributes a route is
 * made of, without the ones the kernel only reports (RTA_CACHEINFO, ...).
 * Keeping the bytes, not a model, is what lets a restore put back exactly
 * what was taken away: prefsrc, metrics, encap and weights included.
 */
#ifndef EDGEBFD_NL_ROUTE_H
#define EDGEBFD_NL_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NL_ROUTE_NEXTHOPS_MAX 32

/* What identifies a route in its table: two routes with the same key
 * cannot coexist (IPv4 fib_table_insert, IPv6 fib6_add_rt2node). */
struct nl_route_key {
	uint8_t family;
	uint8_t dst_len;
	uint8_t tos;
	uint8_t pad;
	uint32_t table;
	uint32_t metric;
	uint8_t dst[16];
};

/* One path of a route: inline (RTA_GATEWAY/RTA_OIF or an RTA_MULTIPATH
 * entry) or, for nhid routes, left empty (see nl_nexthop). */
struct nl_route_hop {
	uint8_t gw[16];
	bool has_gw;
	uint16_t weight; /* rtnh_hops + 1: 1 to 256 */
	unsigned ifindex;
	uint16_t raw_offset, raw_len; /* the rtnexthop inside RTA_MULTIPATH; 0 for single */
};

/* A parsed route; raw points into the buffer it was parsed from or into
 * a copy (nl_route_copy_raw). */
struct nl_route {
	struct nl_route_key key;
	uint8_t protocol, scope, type;
	uint32_t nhid;                  /* RTA_NH_ID, 0 if inline nexthops */
	unsigned n_hops;                /* 0 for blackholes; for nhid routes, as
	                                 * the kernel reports the object's hops */
	bool multipath;                 /* the hops came from RTA_MULTIPATH */
	bool too_many_hops;             /* more than NL_ROUTE_NEXTHOPS_MAX: left alone */
	struct nl_route_hop hops[NL_ROUTE_NEXTHOPS_MAX];
	const uint8_t *raw;             /* rtmsg + kept attributes */
	uint32_t raw_len;
};

/* Parse an RTM_NEWROUTE/RTM_DELROUTE payload (the bytes after the
 * nlmsghdr) of len bytes; keep, in out (cap bytes), the rtmsg and the
 * attributes worth sending back. Returns the raw length, 0 if the message
 * is not a route we could handle, or -ENOSPC if out is too small. */
int nl_route_parse(const void *payload, size_t len, uint8_t *out, size_t cap,
		   struct nl_route *route);

/* Whether two routes send traffic the same way: type, protocol, nhid and
 * the same set of (gateway, interface, weight) hops. */
bool nl_route_same_path(const struct nl_route *a, const struct nl_route *b);

/* Write into out (cap bytes) the raw route r with only the hops keep[i]
 * true, and metric as its RTA_PRIORITY. A multipath route stays
 * RTA_MULTIPATH even with one hop left (both IPv4 and IPv6 take that).
 * Returns the length or -ENOSPC. */
int nl_route_rewrite(const struct nl_route *r, const bool *keep, uint32_t metric, uint8_t *out,
		     size_t cap);

/* Write into out the raw route r with its RTA_NH_ID replaced by the
 * inline hops given as n (gateway, ifindex, weight) triples. Returns the
 * length or -ENOSPC. */
int nl_route_inline(const struct nl_route *r, const struct nl_route_hop *hops, unsigned n,
		    uint8_t *out, size_t cap);

/* "10.1.2.0/24" or "2001:db8::/32" into buf. */
const char *nl_route_key_str(const struct nl_route_key *k, char *buf, size_t len);

/* The length of an address of family (4 or 16). */
static inline unsigned nl_addr_len(int family)
{
	return family == 2 /* AF_INET */ ? 4 : 16;
}

#endif
