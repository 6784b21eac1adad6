/*
 * nl_nexthop.h - kernel nexthop objects (`ip nexthop`, RTM_NEWNEXTHOP):
 * single nexthops and groups of them, as a route with RTA_NH_ID uses them.
 */
#ifndef EDGEBFD_NL_NEXTHOP_H
#define EDGEBFD_NL_NEXTHOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NL_NEXTHOP_GROUP_MAX 64

struct nl_nexthop_member {
	uint32_t id;
	uint8_t weight; /* 1-256 stored as weight - 1, as the kernel */
};

struct nl_nexthop {
	uint32_t id;
	uint8_t family;   /* of the gateway; AF_UNSPEC for groups */
	uint8_t protocol; /* nh_protocol: who made it (11 = zebra) */
	bool is_group;
	bool unsupported; /* resilient or over-large group, fdb: left alone */
	bool blackhole;
	bool has_gw;
	uint8_t gw[16];
	unsigned ifindex;
	unsigned n_members;
	struct nl_nexthop_member members[NL_NEXTHOP_GROUP_MAX];
};

/* Parse an RTM_NEWNEXTHOP payload (after the nlmsghdr). Returns 0, or
 * -EINVAL for a message without NHA_ID. */
int nl_nexthop_parse(const void *payload, size_t len, struct nl_nexthop *nh);

/* Write into out (cap bytes) the RTM_NEWNEXTHOP payload of group g with
 * only the members keep[i] true (keep NULL: all). Returns the length or
 * -ENOSPC. */
int nl_nexthop_group_payload(const struct nl_nexthop *g, const bool *keep, uint8_t *out,
			     size_t cap);

#endif
